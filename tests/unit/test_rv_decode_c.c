/*
 * test_rv_decode_c.c — riscv64 decoder: every RV64 compressed form to the
 * golden IR of its 32-bit expansion (format: see test_rv_decode.c), and the
 * reserved compressed encodings.
 */
#include "test_rv_decode.h"

static const rvt_case c_cases[] = {
    /* c.addi4spn a0,sp,1020 */
    {0x1fe8, "t1 = get 64; t2 = const 1020; t3 = add t1, t2; put t3, 128; jmp 0x1002"},
    {0x3de8, "t1 = get 136; t2 = ld64 t1, 248; put t2, 384; jmp 0x1002"}, /* c.fld fa0,248(a1) */
    {0x5fe8, "t1 = get 168; t2 = ld32s t1, 124; put t2, 128; jmp 0x1002"}, /* c.lw a0,124(a5) */
    {0x6480, "t1 = get 120; t2 = ld64 t1, 8; put t2, 112; jmp 0x1002"}, /* c.ld s0,8(s1) */
    {0xa104, "t1 = get 128; t2 = get 376; st64 t1, t2, 0; jmp 0x1002"}, /* c.fsd fs1,0(a0) */
    {0xc1a8, "t1 = get 136; t2 = get 128; st32 t1, t2, 64; jmp 0x1002"}, /* c.sw a0,64(a1) */
    {0xff7c, "t1 = get 160; t2 = get 168; st64 t1, t2, 248; jmp 0x1002"}, /* c.sd a5,248(a4) */
    {0x0001, "jmp 0x1002"}, /* c.nop */
    /* c.addi a0,-32 */
    {0x1501, "t1 = get 128; t2 = const -32; t3 = add t1, t2; put t3, 128; jmp 0x1002"},
    /* c.addiw a0,1 */
    {0x2505, "t1 = get 128; t2 = const 1; t3 = add t1, t2; t4 = sext32 t3; put t4, 128; "
             "jmp 0x1002"},
    {0x557d, "t1 = const -1; put t1, 128; jmp 0x1002"}, /* c.li a0,-1 */
    /* c.addi16sp sp,-512 */
    {0x7101, "t1 = get 64; t2 = const -512; t3 = add t1, t2; put t3, 64; jmp 0x1002"},
    /* c.addi16sp sp,496 */
    {0x617d, "t1 = get 64; t2 = const 496; t3 = add t1, t2; put t3, 64; jmp 0x1002"},
    {0x7501, "t1 = const -131072; put t1, 128; jmp 0x1002"}, /* c.lui a0,0xfffe0 */
    {0x6305, "t1 = const 4096; put t1, 96; jmp 0x1002"}, /* c.lui t1,0x1 */
    /* c.srli a0,0x3f */
    {0x917d, "t1 = get 128; t2 = const 63; t3 = shr t1, t2; put t3, 128; jmp 0x1002"},
    /* c.srai a5,0x1 */
    {0x8785, "t1 = get 168; t2 = const 1; t3 = sar t1, t2; put t3, 168; jmp 0x1002"},
    /* c.andi s0,-1 */
    {0x987d, "t1 = get 112; t2 = const -1; t3 = and t1, t2; put t3, 112; jmp 0x1002"},
    /* c.sub a0,a1 */
    {0x8d0d, "t1 = get 128; t2 = get 136; t3 = sub t1, t2; put t3, 128; jmp 0x1002"},
    /* c.xor a0,a1 */
    {0x8d2d, "t1 = get 128; t2 = get 136; t3 = xor t1, t2; put t3, 128; jmp 0x1002"},
    /* c.or a0,a1 */
    {0x8d4d, "t1 = get 128; t2 = get 136; t3 = or t1, t2; put t3, 128; jmp 0x1002"},
    /* c.and a0,a1 */
    {0x8d6d, "t1 = get 128; t2 = get 136; t3 = and t1, t2; put t3, 128; jmp 0x1002"},
    /* c.subw a0,a1 */
    {0x9d0d, "t1 = get 128; t2 = get 136; t3 = sub t1, t2; t4 = sext32 t3; put t4, 128; "
             "jmp 0x1002"},
    /* c.addw a0,a1 */
    {0x9d2d, "t1 = get 128; t2 = get 136; t3 = add t1, t2; t4 = sext32 t3; put t4, 128; "
             "jmp 0x1002"},
    {0xb001, "jmp 0x800"}, /* c.j 0x800 */
    {0xaffd, "jmp 0x17fe"}, /* c.j 0x17fe */
    /* c.beqz a0,0xf00 */
    {0xd101, "t1 = get 128; t2 = const 0; t3 = eq t1, t2; br t3, 0xf00; jmp 0x1002"},
    /* c.bnez s1,0x10fe */
    {0xecfd, "t1 = get 120; t2 = const 0; t3 = ne t1, t2; br t3, 0x10fe; jmp 0x1002"},
    /* c.slli a0,0x3f */
    {0x157e, "t1 = get 128; t2 = const 63; t3 = shl t1, t2; put t3, 128; jmp 0x1002"},
    {0x357e, "t1 = get 64; t2 = ld64 t1, 504; put t2, 384; jmp 0x1002"}, /* c.fldsp fa0,504(sp) */
    {0x50fe, "t1 = get 64; t2 = ld32s t1, 252; put t2, 56; jmp 0x1002"}, /* c.lwsp ra,252(sp) */
    {0x70fe, "t1 = get 64; t2 = ld64 t1, 504; put t2, 56; jmp 0x1002"}, /* c.ldsp ra,504(sp) */
    {0x8082, "t1 = get 56; t2 = const -2; t3 = and t1, t2; jmpr t3"}, /* c.jr ra */
    {0x852e, "t1 = get 136; put t1, 128; jmp 0x1002"}, /* c.mv a0,a1 */
    {0x9002, "trap 2"}, /* c.ebreak */
    /* c.jalr a0 */
    {0x9502, "t1 = get 128; t2 = const -2; t3 = and t1, t2; t4 = const 4098; put t4, 56; jmpr t3"},
    /* c.add a0,a1 */
    {0x952e, "t1 = get 128; t2 = get 136; t3 = add t1, t2; put t3, 128; jmp 0x1002"},
    {0xbfa2, "t1 = get 64; t2 = get 368; st64 t1, t2, 504; jmp 0x1002"}, /* c.fsdsp fs0,504(sp) */
    {0xdfaa, "t1 = get 64; t2 = get 128; st32 t1, t2, 252; jmp 0x1002"}, /* c.swsp a0,252(sp) */
    {0xff86, "t1 = get 64; t2 = get 56; st64 t1, t2, 504; jmp 0x1002"}, /* c.sdsp ra,504(sp) */
    {0x6005, "jmp 0x1002"}, /* c.lui zero,0x1 (a hint: no effect) */
    /* c.srli s0,0x0 (hint) */
    {0x8001, "t1 = get 112; t2 = const 0; t3 = shr t1, t2; put t3, 112; jmp 0x1002"},
    {0x2002, "t1 = get 64; t2 = ld64 t1, 0; put t2, 304; jmp 0x1002"}, /* c.fldsp ft0,0(sp) */
};

Test(rv_decode_c, forms)
{
    rvt_check_cases(c_cases, RVT_N(c_cases));
}

static const uint16_t reserved16[] = {
    0x0000, /* the all-zero parcel */
    0x0004, /* c.addi4spn with imm 0 */
    0x8000, /* quadrant 0, funct3 100 */
    0x2001, /* c.addiw with rd 0 */
    0x2005, /* c.addiw zero,1 */
    0x6101, /* c.addi16sp with imm 0 */
    0x6501, /* c.lui a0 with imm 0 */
    0x8002, /* c.jr zero */
    0x4002, /* c.lwsp with rd 0 */
    0x6002, /* c.ldsp with rd 0 */
    0x9c41, /* CA funct 1-10 */
    0x9c61, /* CA funct 1-11 */
};

Test(rv_decode_c, reserved)
{
    for (size_t i = 0; i < RVT_N(reserved16); i++) {
        char *got = rvt_ir(reserved16[i]);
        cr_expect_str_eq(got, "trap 1", "0x%04x: %s", reserved16[i], got);
        free(got);
    }
}
