/*
 * test_rv_decode_dis.c — riscv64 disassembler.  The expected strings are
 * riscv64-linux-gnu-objdump -d -M no-aliases output for the same words at
 * 0x1000 (tab replaced by a space, branch targets as 0x...), except c.nop.
 */
#include "test_rv_decode.h"

typedef struct dis_case {
    uint32_t word;
    const char *text;
} dis_case;

static void check(const dis_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cr_expect_str_eq(rvt_dis(c[i].word), c[i].text, "0x%08x", c[i].word);
}

static const dis_case dis32[] = {
    {0x00150513, "addi a0,a0,1"},
    {0xff010113, "addi sp,sp,-16"},
    {0x03f59513, "slli a0,a1,0x3f"},
    {0x42035293, "srai t0,t1,0x20"},
    {0x12345537, "lui a0,0x12345"},
    {0xfffff197, "auipc gp,0xfffff"},
    {0x01248433, "add s0,s1,s2"},
    {0x41ee8e33, "sub t3,t4,t5"},
    {0x40c5d53b, "sraw a0,a1,a2"},
    {0xfff5051b, "addiw a0,a0,-1"},
    {0xfff58503, "lb a0,-1(a1)"},
    {0x7fffed83, "lwu s11,2047(t6)"},
    {0x00813083, "ld ra,8(sp)"},
    {0xfe143c23, "sd ra,-8(s0)"},
    {0x24b506e3, "beq a0,a1,0x1a4c"},
    {0xfe02fee3, "bgeu t0,zero,0xffc"},
    {0x100000ef, "jal ra,0x1100"},
    {0x0000006f, "jal zero,0x1000"},
    {0x000500e7, "jalr ra,0(a0)"},
    {0x00008067, "jalr zero,0(ra)"},
    {0x02c58533, "mul a0,a1,a2"},
    {0x02c5a533, "mulhsu a0,a1,a2"},
    {0x02c5f53b, "remuw a0,a1,a2"},
    {0x1005a52f, "lr.w a0,(a1)"},
    {0x1605b52f, "lr.d.aqrl a0,(a1)"},
    {0x1ac5b52f, "sc.d.rl a0,a2,(a1)"},
    {0x04b6252f, "amoadd.w.aq a0,a1,(a2)"},
    {0xe0b6352f, "amomaxu.d a0,a1,(a2)"},
    {0xffc52507, "flw fa0,-4(a0)"},
    {0x7fb13c27, "fsd fs11,2040(sp)"},
    {0x00c5f553, "fadd.s fa0,fa1,fa2"},
    {0x02c59553, "fadd.d fa0,fa1,fa2,rtz"},
    {0x1820c043, "fmadd.s ft0,ft1,ft2,ft3,rmm"},
    {0x6ac5f54b, "fnmsub.d fa0,fa1,fa2,fa3"},
    {0x5a05b553, "fsqrt.d fa0,fa1,rup"},
    {0x20b5a553, "fsgnjx.s fa0,fa1,fa1"},
    {0x2bee8e53, "fmin.d ft8,ft9,ft10"},
    {0xa0b52553, "feq.s a0,fa0,fa1"},
    {0xe2051553, "fclass.d a0,fa0"},
    {0xc0059553, "fcvt.w.s a0,fa1,rtz"},
    {0xc235f553, "fcvt.lu.d a0,fa1"},
    {0xd025a553, "fcvt.s.l fa0,a1,rdn"},
    {0xd2158553, "fcvt.d.wu fa0,a1"},
    {0x4015f553, "fcvt.s.d fa0,fa1"},
    {0x42058553, "fcvt.d.s fa0,fa1"},
    {0xe0050553, "fmv.x.w a0,fa0"},
    {0xf2050553, "fmv.d.x fa0,a0"},
    {0x00102573, "csrrs a0,fflags,zero"},
    {0x00259073, "csrrw zero,frm,a1"},
    {0x003fd573, "csrrwi a0,fcsr,31"},
    {0xc0002573, "csrrs a0,cycle,zero"},
    {0xc0202573, "csrrs a0,instret,zero"},
    {0x7c05b573, "csrrc a0,0x7c0,a1"},
    {0x0ff0000f, "fence iorw,iorw"},
    {0x0210000f, "fence r,w"},
    {0x8330000f, "fence.tso"},
    {0x0000100f, "fence.i"},
    {0x00000073, "ecall"},
    {0x00100073, "ebreak"},
    {0x08c5853b, "add.uw a0,a1,a2"},
    {0x20c5e53b, "sh3add.uw a0,a1,a2"},
    {0x0a05951b, "slli.uw a0,a1,0x20"},
    {0x40c5f533, "andn a0,a1,a2"},
    {0x6005951b, "clzw a0,a1"},
    {0x60259513, "cpop a0,a1"},
    {0x0ac5f533, "maxu a0,a1,a2"},
    {0x60559513, "sext.h a0,a1"},
    {0x0805c53b, "zext.h a0,a1"},
    {0x63f5d513, "rori a0,a1,0x3f"},
    {0x61f5d51b, "roriw a0,a1,0x1f"},
    {0x2875d513, "orc.b a0,a1"},
    {0x6b85d513, "rev8 a0,a1"},
    {0x4bf59513, "bclri a0,a1,0x3f"},
    {0x48c5d533, "bext a0,a1,a2"},
};

Test(rv_disasm, base_and_extensions)
{
    check(dis32, RVT_N(dis32));
}

static const dis_case dis16[] = {
    {0x0808, "c.addi4spn a0,sp,16"},
    {0x2588, "c.fld fa0,8(a1)"},
    {0x41c8, "c.lw a0,4(a1)"},
    {0x7ce0, "c.ld s0,248(s1)"},
    {0xa104, "c.fsd fs1,0(a0)"},
    {0xc1a8, "c.sw a0,64(a1)"},
    {0xe71c, "c.sd a5,8(a4)"},
    {0x0001, "c.nop"}, /* objdump: c.addi zero,0 */
    {0x157d, "c.addi a0,-1"},
    {0x2505, "c.addiw a0,1"},
    {0x4515, "c.li a0,5"},
    {0x713d, "c.addi16sp sp,-32"},
    {0x7505, "c.lui a0,0xfffe1"},
    {0x810d, "c.srli a0,0x3"},
    {0x97fd, "c.srai a5,0x3f"},
    {0x9979, "c.andi a0,-2"},
    {0x8d0d, "c.sub a0,a1"},
    {0x8c25, "c.xor s0,s1"},
    {0x8e55, "c.or a2,a3"},
    {0x8f7d, "c.and a4,a5"},
    {0x9d0d, "c.subw a0,a1"},
    {0x9d2d, "c.addw a0,a1"},
    {0xb001, "c.j 0x800"},
    {0xc901, "c.beqz a0,0x1010"},
    {0xf081, "c.bnez s1,0xf00"},
    {0x050e, "c.slli a0,0x3"},
    {0x2522, "c.fldsp fa0,8(sp)"},
    {0x50fe, "c.lwsp ra,252(sp)"},
    {0x60a2, "c.ldsp ra,8(sp)"},
    {0x8082, "c.jr ra"},
    {0x852e, "c.mv a0,a1"},
    {0x9002, "c.ebreak"},
    {0x9502, "c.jalr a0"},
    {0x952e, "c.add a0,a1"},
    {0xbfa2, "c.fsdsp fs0,504(sp)"},
    {0xc02a, "c.swsp a0,0(sp)"},
    {0xe406, "c.sdsp ra,8(sp)"},
};

Test(rv_disasm, compressed)
{
    check(dis16, RVT_N(dis16));
}

Test(rv_disasm, illegal_and_unfetchable)
{
    cr_expect_str_eq(rvt_dis(0x0000), ".2byte 0x0000");
    cr_expect_str_eq(rvt_dis(0x8002), ".2byte 0x8002");
    cr_expect_str_eq(rvt_dis(0x0000000b), ".4byte 0x0000000b");
    cr_expect_str_eq(rvt_dis(0x00c5d553), ".4byte 0x00c5d553"); /* fadd.s rm 5 */
    /* an illegal CSR still disassembles, as objdump does */
    cr_expect_str_eq(rvt_dis(0xc0059573), "csrrw a0,cycle,a1");

    char buf[64] = "x";
    rvt_code none = {RVT_PC, NULL, 0};
    cr_expect_eq(fe_riscv64.disasm(RVT_PC, rvt_fetch, &none, buf, sizeof buf), 0u);
    static const uint8_t half[] = {0x13, 0x05}; /* first parcel of addi */
    rvt_code part = {RVT_PC, half, sizeof half};
    cr_expect_eq(fe_riscv64.disasm(RVT_PC, rvt_fetch, &part, buf, sizeof buf), 0u);
}

Test(rv_disasm, small_buffer_truncates)
{
    static const uint8_t code[] = {0x33, 0x85, 0xc5, 0x00}; /* add a0,a1,a2 */
    rvt_code c = {RVT_PC, code, sizeof code};
    char buf[8];
    memset(buf, 'x', sizeof buf);
    cr_expect_eq(fe_riscv64.disasm(RVT_PC, rvt_fetch, &c, buf, sizeof buf), 4u);
    cr_expect_str_eq(buf, "add a0,");
    cr_expect_eq(fe_riscv64.disasm(RVT_PC, rvt_fetch, &c, buf, 1), 4u);
    cr_expect_str_eq(buf, "");
}

Test(rv_disasm, register_names)
{
    cr_expect_str_eq(rvt_dis(0x01ff8fb3), "add t6,t6,t6");
    cr_expect_str_eq(rvt_dis(0x00840433), "add s0,s0,s0");
}
