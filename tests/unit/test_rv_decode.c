/*
 * test_rv_decode.c — riscv64 decoder: RV64I and M encodings to golden IR
 * text, the system instructions, illegal and reserved encodings, and block
 * building (block ends, fetch faults, max_insns).
 *
 * Golden strings are the IR after the INSN marker of a block decoded at
 * 0x1000 from one instruction (x[i] at state offset 48 + 8i, f[i] at
 * 304 + 8i, fp_flags at 8, fp_rm at 16); encodings checked with
 * riscv64-linux-gnu-as -march=rv64gc_zba_zbb_zbs.
 */
#include "test_rv_decode.h"

static const rvt_case alu_cases[] = {
    /* add a0,a1,a2 */
    {0x00c58533, "t1 = get 136; t2 = get 144; t3 = add t1, t2; put t3, 128; jmp 0x1004"},
    /* addi a0,a1,-5 */
    {0xffb58513, "t1 = get 136; t2 = const -5; t3 = add t1, t2; put t3, 128; jmp 0x1004"},
    {0x02a00513, "t1 = const 42; put t1, 128; jmp 0x1004"}, /* addi a0,zero,42 */
    {0x00058513, "t1 = get 136; put t1, 128; jmp 0x1004"}, /* addi a0,a1,0 */
    {0x00c58033, "jmp 0x1004"}, /* add zero,a1,a2 */
    /* slti a0,a1,-1 */
    {0xfff5a513, "t1 = get 136; t2 = const -1; t3 = lts t1, t2; put t3, 128; jmp 0x1004"},
    /* sltiu a0,a1,1 */
    {0x0015b513, "t1 = get 136; t2 = const 1; t3 = ltu t1, t2; put t3, 128; jmp 0x1004"},
    /* xori a0,a1,-1 */
    {0xfff5c513, "t1 = get 136; t2 = const -1; t3 = xor t1, t2; put t3, 128; jmp 0x1004"},
    /* ori a0,a1,127 */
    {0x07f5e513, "t1 = get 136; t2 = const 127; t3 = or t1, t2; put t3, 128; jmp 0x1004"},
    /* andi a0,a1,255 */
    {0x0ff5f513, "t1 = get 136; t2 = const 255; t3 = and t1, t2; put t3, 128; jmp 0x1004"},
    /* sub a0,a1,a2 */
    {0x40c58533, "t1 = get 136; t2 = get 144; t3 = sub t1, t2; put t3, 128; jmp 0x1004"},
    /* sll a0,a1,a2 */
    {0x00c59533, "t1 = get 136; t2 = get 144; t3 = shl t1, t2; put t3, 128; jmp 0x1004"},
    /* srl a0,a1,a2 */
    {0x00c5d533, "t1 = get 136; t2 = get 144; t3 = shr t1, t2; put t3, 128; jmp 0x1004"},
    /* sra a0,a1,a2 */
    {0x40c5d533, "t1 = get 136; t2 = get 144; t3 = sar t1, t2; put t3, 128; jmp 0x1004"},
    /* slt a0,a1,a2 */
    {0x00c5a533, "t1 = get 136; t2 = get 144; t3 = lts t1, t2; put t3, 128; jmp 0x1004"},
    /* sltu a0,a1,zero */
    {0x0005b533, "t1 = get 136; t2 = const 0; t3 = ltu t1, t2; put t3, 128; jmp 0x1004"},
    /* xor a0,a1,a2 */
    {0x00c5c533, "t1 = get 136; t2 = get 144; t3 = xor t1, t2; put t3, 128; jmp 0x1004"},
    /* or a0,a1,a2 */
    {0x00c5e533, "t1 = get 136; t2 = get 144; t3 = or t1, t2; put t3, 128; jmp 0x1004"},
    /* and a0,a1,a2 */
    {0x00c5f533, "t1 = get 136; t2 = get 144; t3 = and t1, t2; put t3, 128; jmp 0x1004"},
    /* slli a0,a1,0x3f */
    {0x03f59513, "t1 = get 136; t2 = const 63; t3 = shl t1, t2; put t3, 128; jmp 0x1004"},
    /* srli a0,a1,0x1 */
    {0x0015d513, "t1 = get 136; t2 = const 1; t3 = shr t1, t2; put t3, 128; jmp 0x1004"},
    /* srai a0,a1,0x20 */
    {0x4205d513, "t1 = get 136; t2 = const 32; t3 = sar t1, t2; put t3, 128; jmp 0x1004"},
    /* addw a0,a1,a2 */
    {0x00c5853b, "t1 = get 136; t2 = get 144; t3 = add t1, t2; t4 = sext32 t3; put t4, 128; "
                 "jmp 0x1004"},
    /* subw a0,a1,a2 */
    {0x40c5853b, "t1 = get 136; t2 = get 144; t3 = sub t1, t2; t4 = sext32 t3; put t4, 128; "
                 "jmp 0x1004"},
    /* addiw a0,a1,-1 */
    {0xfff5851b, "t1 = get 136; t2 = const -1; t3 = add t1, t2; t4 = sext32 t3; put t4, 128; "
                 "jmp 0x1004"},
    /* slliw a0,a1,0x1f */
    {0x01f5951b, "t1 = get 136; t2 = const 31; t3 = shl t1, t2; t4 = sext32 t3; put t4, 128; "
                 "jmp 0x1004"},
    /* srliw a0,a1,0x1f */
    {0x01f5d51b, "t1 = get 136; t2 = const 31; t3 = zext32 t1; t4 = shr t3, t2; t5 = sext32 t4; "
                 "put t5, 128; jmp 0x1004"},
    /* sraiw a0,a1,0x3 */
    {0x4035d51b, "t1 = get 136; t2 = const 3; t3 = sext32 t1; t4 = sar t3, t2; put t4, 128; "
                 "jmp 0x1004"},
    /* sllw a0,a1,a2 */
    {0x00c5953b, "t1 = get 136; t2 = get 144; t3 = const 31; t4 = and t2, t3; t5 = shl t1, t4; "
                 "t6 = sext32 t5; put t6, 128; jmp 0x1004"},
    /* srlw a0,a1,a2 */
    {0x00c5d53b, "t1 = get 136; t2 = get 144; t3 = const 31; t4 = and t2, t3; t5 = zext32 t1; "
                 "t6 = shr t5, t4; t7 = sext32 t6; put t7, 128; jmp 0x1004"},
    /* sraw a0,a1,a2 */
    {0x40c5d53b, "t1 = get 136; t2 = get 144; t3 = const 31; t4 = and t2, t3; t5 = sext32 t1; "
                 "t6 = sar t5, t4; put t6, 128; jmp 0x1004"},
};

Test(rv_decode, alu)
{
    rvt_check_cases(alu_cases, RVT_N(alu_cases));
}

static const rvt_case upper_cases[] = {
    {0x12345537, "t1 = const 305418240; put t1, 128; jmp 0x1004"}, /* lui a0,0x12345 */
    {0x80000537, "t1 = const -2147483648; put t1, 128; jmp 0x1004"}, /* lui a0,0x80000 */
    {0x00001517, "t1 = const 8192; put t1, 128; jmp 0x1004"}, /* auipc a0,0x1 */
};

Test(rv_decode, lui_auipc)
{
    rvt_check_cases(upper_cases, RVT_N(upper_cases));
}

static const rvt_case mem_cases[] = {
    {0xfff58503, "t1 = get 136; t2 = ld8s t1, -1; put t2, 128; jmp 0x1004"}, /* lb a0,-1(a1) */
    {0x00259503, "t1 = get 136; t2 = ld16s t1, 2; put t2, 128; jmp 0x1004"}, /* lh a0,2(a1) */
    {0x0045a503, "t1 = get 136; t2 = ld32s t1, 4; put t2, 128; jmp 0x1004"}, /* lw a0,4(a1) */
    {0x00813503, "t1 = get 64; t2 = ld64 t1, 8; put t2, 128; jmp 0x1004"}, /* ld a0,8(sp) */
    {0x0005c503, "t1 = get 136; t2 = ld8u t1, 0; put t2, 128; jmp 0x1004"}, /* lbu a0,0(a1) */
    {0x0005d503, "t1 = get 136; t2 = ld16u t1, 0; put t2, 128; jmp 0x1004"}, /* lhu a0,0(a1) */
    /* lwu a0,2047(a1) */
    {0x7ff5e503, "t1 = get 136; t2 = ld32u t1, 2047; put t2, 128; jmp 0x1004"},
    {0x0005b003, "t1 = get 136; t2 = ld64 t1, 0; jmp 0x1004"}, /* ld zero,0(a1) */
    {0x80b50023, "t1 = get 128; t2 = get 136; st8 t1, t2, -2048; jmp 0x1004"}, /* sb a1,-2048(a0) */
    {0x00b51023, "t1 = get 128; t2 = get 136; st16 t1, t2, 0; jmp 0x1004"}, /* sh a1,0(a0) */
    {0x00052223, "t1 = get 128; t2 = const 0; st32 t1, t2, 4; jmp 0x1004"}, /* sw zero,4(a0) */
    {0x00113423, "t1 = get 64; t2 = get 56; st64 t1, t2, 8; jmp 0x1004"}, /* sd ra,8(sp) */
};

Test(rv_decode, loads_stores)
{
    rvt_check_cases(mem_cases, RVT_N(mem_cases));
}

static const rvt_case ctl_cases[] = {
    /* beq a0,a1,0x1010 */
    {0x00b50863, "t1 = get 128; t2 = get 136; t3 = eq t1, t2; br t3, 0x1010; jmp 0x1004"},
    /* bne a0,zero,0xffc */
    {0xfe051ee3, "t1 = get 128; t2 = const 0; t3 = ne t1, t2; br t3, 0xffc; jmp 0x1004"},
    /* blt a0,a1,0x1008 */
    {0x00b54463, "t1 = get 128; t2 = get 136; t3 = lts t1, t2; br t3, 0x1008; jmp 0x1004"},
    /* bge a0,a1,0x1008 */
    {0x00b55463, "t1 = get 128; t2 = get 136; t3 = lts t1, t2; t4 = const 1; t5 = xor t3, t4; "
                 "br t5, 0x1008; jmp 0x1004"},
    /* bltu a0,a1,0x1008 */
    {0x00b56463, "t1 = get 128; t2 = get 136; t3 = ltu t1, t2; br t3, 0x1008; jmp 0x1004"},
    /* bgeu a0,a1,0x1008 */
    {0x00b57463, "t1 = get 128; t2 = get 136; t3 = ltu t1, t2; t4 = const 1; t5 = xor t3, t4; "
                 "br t5, 0x1008; jmp 0x1004"},
    {0x100000ef, "t1 = const 4100; put t1, 56; jmp 0x1100"}, /* jal ra,0x1100 */
    {0xffdff06f, "jmp 0xffc"}, /* jal zero,0xffc */
    /* jalr ra,8(a0) */
    {0x008500e7, "t1 = get 128; t2 = const 8; t3 = add t1, t2; t4 = const -2; t5 = and t3, t4; "
                 "t6 = const 4100; put t6, 56; jmpr t5"},
    {0x00008067, "t1 = get 56; t2 = const -2; t3 = and t1, t2; jmpr t3"}, /* jalr zero,0(ra) */
    /* jalr a0,-1(a0) */
    {0xfff50567, "t1 = get 128; t2 = const -1; t3 = add t1, t2; t4 = const -2; t5 = and t3, t4; "
                 "t6 = const 4100; put t6, 128; jmpr t5"},
};

Test(rv_decode, branches_jumps)
{
    rvt_check_cases(ctl_cases, RVT_N(ctl_cases));
}

static const rvt_case m_cases[] = {
    /* mul a0,a1,a2 */
    {0x02c58533, "t1 = get 136; t2 = get 144; t3 = mul t1, t2; put t3, 128; jmp 0x1004"},
    /* mulh a0,a1,a2 */
    {0x02c59533, "t1 = get 136; t2 = get 144; t3 = mulh t1, t2; put t3, 128; jmp 0x1004"},
    /* mulhsu a0,a1,a2 */
    {0x02c5a533, "t1 = get 136; t2 = get 144; t3 = mulhsu t1, t2; put t3, 128; jmp 0x1004"},
    /* mulhu a0,a1,a2 */
    {0x02c5b533, "t1 = get 136; t2 = get 144; t3 = mulhu t1, t2; put t3, 128; jmp 0x1004"},
    /* div a0,a1,a2 */
    {0x02c5c533, "t1 = get 136; t2 = get 144; t3 = div t1, t2; put t3, 128; jmp 0x1004"},
    /* divu a0,a1,a2 */
    {0x02c5d533, "t1 = get 136; t2 = get 144; t3 = divu t1, t2; put t3, 128; jmp 0x1004"},
    /* rem a0,a1,a2 */
    {0x02c5e533, "t1 = get 136; t2 = get 144; t3 = rem t1, t2; put t3, 128; jmp 0x1004"},
    /* remu a0,a1,a2 */
    {0x02c5f533, "t1 = get 136; t2 = get 144; t3 = remu t1, t2; put t3, 128; jmp 0x1004"},
    /* mulw a0,a1,a2 */
    {0x02c5853b, "t1 = get 136; t2 = get 144; t3 = mul t1, t2; t4 = sext32 t3; put t4, 128; "
                 "jmp 0x1004"},
    /* divw a0,a1,a2 */
    {0x02c5c53b, "t1 = get 136; t2 = get 144; t3 = divw t1, t2; put t3, 128; jmp 0x1004"},
    /* divuw a0,a1,a2 */
    {0x02c5d53b, "t1 = get 136; t2 = get 144; t3 = divuw t1, t2; put t3, 128; jmp 0x1004"},
    /* remw a0,a1,a2 */
    {0x02c5e53b, "t1 = get 136; t2 = get 144; t3 = remw t1, t2; put t3, 128; jmp 0x1004"},
    /* remuw a0,a1,a2 */
    {0x02c5f53b, "t1 = get 136; t2 = get 144; t3 = remuw t1, t2; put t3, 128; jmp 0x1004"},
};

Test(rv_decode, mul_div)
{
    rvt_check_cases(m_cases, RVT_N(m_cases));
}

static const rvt_case sys_cases[] = {
    {0x0330000f, "fence; jmp 0x1004"}, /* fence rw,rw */
    {0x8330000f, "fence; jmp 0x1004"}, /* fence.tso */
    {0x0000100f, "fencei 0x1004"}, /* fence.i */
    {0x00000073, "syscall 0x1004"}, /* ecall */
    {0x00100073, "trap 2"}, /* ebreak */
};

Test(rv_decode, system)
{
    rvt_check_cases(sys_cases, RVT_N(sys_cases));
}

/* Undefined opcodes and funct fields, reserved rounding modes and fields,
 * privileged instructions, and encodings longer than 32 bits. */
static const uint32_t illegal32[] = {
    0x0000000b, /* custom-0 */
    0x0000707f, /* 64-bit encoding prefix */
    0xffffffff, /* 48-bit and longer prefix */
    0x40001033, /* sll with funct7 0x20 */
    0x00007003, /* load funct3 7 */
    0x00002063, /* branch funct3 2 */
    0x00001067, /* jalr funct3 1 */
    0x0205951b, /* slliw with shamt[5] set */
    0x1015a52f, /* lr.w with rs2 != 0 */
    0x00c5c52f, /* amoadd with funct3 4 */
    0x00c5d553, /* fadd.s rm 5 */
    0x00c5e553, /* fadd.s rm 6 */
    0x4205d553, /* fcvt.d.s rm 5 */
    0x6ac5d543, /* fmadd.d rm 5 */
    0x0005c507, /* flq (no Q extension) */
    0x04c58543, /* fmadd.q */
    0x06c58543, /* fmadd.h */
    0x10500073, /* wfi */
    0x30200073, /* mret */
    0x10200073, /* sret */
};

Test(rv_decode, illegal)
{
    for (size_t i = 0; i < RVT_N(illegal32); i++) {
        char *got = rvt_ir(illegal32[i]);
        cr_expect_str_eq(got, "trap 1", "0x%08x: %s", illegal32[i], got);
        free(got);
    }
}

/* Decodes code bytes at RVT_PC into a block and returns its full text. */
static char *block_text(const uint8_t *bytes, size_t len, unsigned max)
{
    rvt_code c = {RVT_PC, bytes, len};
    ir_block *b = fe_riscv64.decode_block(RVT_PC, rvt_fetch, &c, max);
    cr_assert_not_null(b);
    char buf[128];
    const char *err = ir_verify(b, buf, sizeof buf);
    cr_assert_null(err, "IR does not verify: %s", err);
    char *s = ir_block_to_string(b);
    ir_block_free(b);
    return s;
}

Test(rv_decode, block_ends_at_branch)
{
    /* addi a0,a0,1; c.addi a1,-1; bne a1,zero,-6; (addi a2,a2,1 not reached) */
    static const uint8_t code[] = {0x13, 0x05, 0x15, 0x00, 0xfd, 0x15, 0xe3, 0x9d,
                                   0x05, 0xfe, 0x13, 0x06, 0x16, 0x00};
    char *s = block_text(code, sizeof code, 64);
    cr_expect_str_eq(s, "block 0x1000..0x100a guest=3\n"
                        "  insn 0x1000\n"
                        "  t1 = get 128\n"
                        "  t2 = const 1\n"
                        "  t3 = add t1, t2\n"
                        "  put t3, 128\n"
                        "  insn 0x1004\n"
                        "  t4 = get 136\n"
                        "  t5 = const -1\n"
                        "  t6 = add t4, t5\n"
                        "  put t6, 136\n"
                        "  insn 0x1006\n"
                        "  t7 = get 136\n"
                        "  t8 = const 0\n"
                        "  t9 = ne t7, t8\n"
                        "  br t9, 0x1000\n"
                        "  jmp 0x100a\n");
    free(s);
}

Test(rv_decode, block_max_insns)
{
    /* three times addi a0,a0,1 */
    static const uint8_t code[] = {0x13, 0x05, 0x15, 0x00, 0x13, 0x05, 0x15, 0x00,
                                   0x13, 0x05, 0x15, 0x00};
    char *s = block_text(code, sizeof code, 2);
    cr_expect(strstr(s, "block 0x1000..0x1008 guest=2\n") == s, "%s", s);
    cr_expect(strstr(s, "  insn 0x1004\n") != NULL, "%s", s);
    cr_expect(strstr(s, "  jmp 0x1008\n") != NULL, "%s", s);
    cr_expect(strstr(s, "0x1008\n  insn") == NULL, "%s", s);
    free(s);
    s = block_text(code, sizeof code, 0); /* 0 acts as 1 */
    cr_expect(strstr(s, "block 0x1000..0x1004 guest=1\n") == s, "%s", s);
    free(s);
}

Test(rv_decode, fetch_fault_first)
{
    char *s = block_text(NULL, 0, 64);
    cr_expect_str_eq(s, "block 0x1000..0x1000 guest=1\n"
                        "  insn 0x1000\n"
                        "  trap 3\n");
    free(s);
    /* only the first half of a 32-bit instruction can be fetched */
    static const uint8_t half[] = {0x13, 0x05};
    s = block_text(half, sizeof half, 64);
    cr_expect_str_eq(s, "block 0x1000..0x1000 guest=1\n"
                        "  insn 0x1000\n"
                        "  trap 3\n");
    free(s);
}

Test(rv_decode, fetch_fault_later_ends_block)
{
    /* c.li a0,1 then a 32-bit instruction whose second parcel is missing */
    static const uint8_t code[] = {0x05, 0x45, 0x13, 0x05};
    char *s = block_text(code, sizeof code, 64);
    cr_expect_str_eq(s, "block 0x1000..0x1002 guest=1\n"
                        "  insn 0x1000\n"
                        "  t1 = const 1\n"
                        "  put t1, 128\n"
                        "  jmp 0x1002\n");
    free(s);
}

Test(rv_decode, illegal_mid_block)
{
    /* addi a0,a0,1; the all-zero parcel */
    static const uint8_t code[] = {0x13, 0x05, 0x15, 0x00, 0x00, 0x00, 0x13, 0x05, 0x15, 0x00};
    char *s = block_text(code, sizeof code, 64);
    cr_expect_str_eq(s, "block 0x1000..0x1006 guest=2\n"
                        "  insn 0x1000\n"
                        "  t1 = get 128\n"
                        "  t2 = const 1\n"
                        "  t3 = add t1, t2\n"
                        "  put t3, 128\n"
                        "  insn 0x1004\n"
                        "  trap 1\n");
    free(s);
}

Test(rv_decode, block_ends_at_system_ops)
{
    /* each of these ends the block, fence does not */
    static const struct {
        uint8_t bytes[4];
        size_t len;
        bool ends;
    } cases[] = {
        {{0x73, 0x00, 0x00, 0x00}, 4, true},  /* ecall */
        {{0x73, 0x00, 0x10, 0x00}, 4, true},  /* ebreak */
        {{0x02, 0x90}, 2, true},              /* c.ebreak */
        {{0x0f, 0x10, 0x00, 0x00}, 4, true},  /* fence.i */
        {{0x6f, 0x00, 0x80, 0x00}, 4, true},  /* jal zero,8 */
        {{0x82, 0x80}, 2, true},              /* c.jr ra */
        {{0x0f, 0x00, 0xf0, 0x0f}, 4, false}, /* fence */
        {{0x73, 0x25, 0x10, 0x00}, 4, false}, /* csrrs a0,fflags,zero */
    };
    for (size_t i = 0; i < RVT_N(cases); i++) {
        uint8_t code[8];
        memcpy(code, cases[i].bytes, cases[i].len);
        memcpy(code + cases[i].len, "\x13\x05\x15\x00", 4); /* addi a0,a0,1 */
        rvt_code c = {RVT_PC, code, cases[i].len + 4};
        ir_block *b = fe_riscv64.decode_block(RVT_PC, rvt_fetch, &c, 64);
        cr_assert_not_null(b);
        cr_expect_eq(b->n_guest, cases[i].ends ? 1u : 2u, "case %zu", i);
        cr_expect_eq(b->end_pc, RVT_PC + (cases[i].ends ? cases[i].len : cases[i].len + 4),
                     "case %zu", i);
        cr_expect(ir_block_is_closed(b));
        ir_block_free(b);
    }
}

/* Decodes one word (followed by more code) and checks the block verifies
 * and the disassembler agrees on the instruction's length. */
static void decode_any(uint32_t word, uint32_t next)
{
    uint8_t code[8];
    memcpy(code, &word, 4);
    memcpy(code + 4, &next, 4);
    size_t len = (word & 3) == 3 ? 4 : 2;
    rvt_code c = {RVT_PC, code, sizeof code};
    ir_block *b = fe_riscv64.decode_block(RVT_PC, rvt_fetch, &c, 3);
    cr_assert_not_null(b);
    char buf[128];
    const char *err = ir_verify(b, buf, sizeof buf);
    cr_assert_null(err, "0x%08x: %s", word, err);
    cr_assert(b->n_guest >= 1 && b->end_pc > RVT_PC && b->end_pc <= RVT_PC + sizeof code);
    ir_block_free(b);
    char text[64];
    cr_assert_eq(fe_riscv64.disasm(RVT_PC, rvt_fetch, &c, text, sizeof text), len, "0x%08x", word);
}

Test(rv_decode, every_parcel_and_random_words)
{
    for (uint32_t p = 0; p < 0x10000; p++)
        if ((p & 3) != 3)
            decode_any(p | 0x00010000, 0x00000013);
    uint64_t x = 0x9e3779b97f4a7c15; /* xorshift64 */
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        decode_any((uint32_t)x | 3, (uint32_t)(x >> 32));
    }
}
