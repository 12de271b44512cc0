/*
 * test_rv_decode_ext.c — riscv64 decoder: the A extension, Zicsr on the
 * user CSRs (including the illegal accesses), and Zba, Zbb, Zbs, as golden
 * IR text (format: see test_rv_decode.c).
 */
#include "test_rv_decode.h"

/* aq/rl bits are accepted and do not change the IR (the IR's atomics are
 * sequentially consistent). */
static const rvt_case amo_cases[] = {
    {0x1005a52f, "t1 = get 136; t2 = lr32 t1; put t2, 128; jmp 0x1004"}, /* lr.w a0,(a1) */
    {0x1405b52f, "t1 = get 136; t2 = lr64 t1; put t2, 128; jmp 0x1004"}, /* lr.d.aq a0,(a1) */
    /* sc.w a0,a2,(a1) */
    {0x18c5a52f, "t1 = get 136; t2 = get 144; t3 = sc32 t1, t2; put t3, 128; jmp 0x1004"},
    /* sc.d.rl a0,a2,(a1) */
    {0x1ac5b52f, "t1 = get 136; t2 = get 144; t3 = sc64 t1, t2; put t3, 128; jmp 0x1004"},
    /* amoswap.w a0,a2,(a1) */
    {0x08c5a52f, "t1 = get 136; t2 = get 144; t3 = amo32 t1, t2, 0; put t3, 128; jmp 0x1004"},
    /* amoadd.w.aqrl a0,a2,(a1) */
    {0x06c5a52f, "t1 = get 136; t2 = get 144; t3 = amo32 t1, t2, 1; put t3, 128; jmp 0x1004"},
    /* amoxor.w a0,a2,(a1) */
    {0x20c5a52f, "t1 = get 136; t2 = get 144; t3 = amo32 t1, t2, 2; put t3, 128; jmp 0x1004"},
    /* amoand.w a0,a2,(a1) */
    {0x60c5a52f, "t1 = get 136; t2 = get 144; t3 = amo32 t1, t2, 3; put t3, 128; jmp 0x1004"},
    /* amoor.w a0,a2,(a1) */
    {0x40c5a52f, "t1 = get 136; t2 = get 144; t3 = amo32 t1, t2, 4; put t3, 128; jmp 0x1004"},
    /* amomin.w a0,a2,(a1) */
    {0x80c5a52f, "t1 = get 136; t2 = get 144; t3 = amo32 t1, t2, 5; put t3, 128; jmp 0x1004"},
    /* amomax.w a0,a2,(a1) */
    {0xa0c5a52f, "t1 = get 136; t2 = get 144; t3 = amo32 t1, t2, 6; put t3, 128; jmp 0x1004"},
    /* amominu.w a0,a2,(a1) */
    {0xc0c5a52f, "t1 = get 136; t2 = get 144; t3 = amo32 t1, t2, 7; put t3, 128; jmp 0x1004"},
    /* amomaxu.w a0,a2,(a1) */
    {0xe0c5a52f, "t1 = get 136; t2 = get 144; t3 = amo32 t1, t2, 8; put t3, 128; jmp 0x1004"},
    /* amoswap.d a0,a2,(a1) */
    {0x08c5b52f, "t1 = get 136; t2 = get 144; t3 = amo64 t1, t2, 0; put t3, 128; jmp 0x1004"},
    /* amoadd.d zero,a2,(a1) */
    {0x00c5b02f, "t1 = get 136; t2 = get 144; t3 = amo64 t1, t2, 1; jmp 0x1004"},
    /* amomaxu.d.aq a0,a2,(a1) */
    {0xe4c5b52f, "t1 = get 136; t2 = get 144; t3 = amo64 t1, t2, 8; put t3, 128; jmp 0x1004"},
};

Test(rv_decode, atomics)
{
    rvt_check_cases(amo_cases, RVT_N(amo_cases));
}

static const rvt_case csr_cases[] = {
    {0x00102573, "t1 = get 8; put t1, 128; jmp 0x1004"}, /* csrrs a0,fflags,zero */
    {0x00202573, "t1 = get 16; put t1, 128; jmp 0x1004"}, /* csrrs a0,frm,zero */
    /* csrrs a0,fcsr,zero */
    {0x00302573, "t1 = get 16; t2 = const 5; t3 = shl t1, t2; t4 = get 8; t5 = or t3, t4; "
                 "put t5, 128; jmp 0x1004"},
    /* csrrw a0,frm,a1 */
    {0x00259573, "t1 = get 16; t2 = get 136; t3 = const 7; t4 = and t2, t3; put t4, 16; "
                 "put t1, 128; jmp 0x1004"},
    /* csrrw zero,fcsr,a1 */
    {0x00359073, "t1 = get 136; t2 = const 31; t3 = and t1, t2; put t3, 8; t4 = const 5; "
                 "t5 = shr t1, t4; t6 = const 7; t7 = and t5, t6; put t7, 16; jmp 0x1004"},
    /* csrrw a0,fflags,a0 */
    {0x00151573, "t1 = get 8; t2 = get 128; t3 = const 31; t4 = and t2, t3; put t4, 8; "
                 "put t1, 128; jmp 0x1004"},
    /* csrrs a0,fflags,a1 */
    {0x0015a573, "t1 = get 8; t2 = get 136; t3 = or t1, t2; t4 = const 31; t5 = and t3, t4; "
                 "put t5, 8; put t1, 128; jmp 0x1004"},
    /* csrrc a0,fflags,a1 */
    {0x0015b573, "t1 = get 8; t2 = get 136; t3 = not t2; t4 = and t1, t3; t5 = const 31; "
                 "t6 = and t4, t5; put t6, 8; put t1, 128; jmp 0x1004"},
    /* csrrwi a0,frm,3 */
    {0x0021d573, "t1 = get 16; t2 = const 3; t3 = const 7; t4 = and t2, t3; put t4, 16; "
                 "put t1, 128; jmp 0x1004"},
    /* csrrsi zero,fflags,1 */
    {0x0010e073, "t1 = get 8; t2 = const 1; t3 = or t1, t2; t4 = const 31; t5 = and t3, t4; "
                 "put t5, 8; jmp 0x1004"},
    /* csrrci a0,fcsr,0 */
    {0x00307573, "t1 = get 16; t2 = const 5; t3 = shl t1, t2; t4 = get 8; t5 = or t3, t4; "
                 "put t5, 128; jmp 0x1004"},
    {0xc0002573, "t1 = clock 0; put t1, 128; jmp 0x1004"}, /* csrrs a0,cycle,zero */
    {0xc0102573, "t1 = clock 1; put t1, 128; jmp 0x1004"}, /* csrrs a0,time,zero */
    {0xc0202573, "t1 = clock 2; put t1, 128; jmp 0x1004"}, /* csrrs a0,instret,zero */
    {0xc0003073, "t1 = clock 0; jmp 0x1004"}, /* csrrc zero,cycle,zero */
};

Test(rv_decode, csr)
{
    rvt_check_cases(csr_cases, RVT_N(csr_cases));
}

/* Writing a read-only counter, or touching any CSR but the FP ones and the
 * three counters, is an illegal instruction. */
static const uint32_t illegal_csr[] = {
    0xc0059573, /* csrrw a0,cycle,a1 */
    0xc005a573, /* csrrs a0,cycle,a1 */
    0xc0205073, /* csrrwi zero,instret,0 */
    0xc010e573, /* csrrsi a0,time,1 */
    0xc015b073, /* csrrc zero,time,a1 */
    0x7c002573, /* csrrs a0,0x7c0,zero */
    0x30002573, /* csrrs a0,mstatus,zero */
    0xc8002573, /* csrrs a0,cycleh,zero (RV32 only) */
    0xc0302573, /* csrrs a0,hpmcounter3,zero */
    0x00402573, /* csrrs a0,0x004,zero */
};

Test(rv_decode, csr_illegal)
{
    for (size_t i = 0; i < RVT_N(illegal_csr); i++) {
        char *got = rvt_ir(illegal_csr[i]);
        cr_expect_str_eq(got, "trap 1", "0x%08x: %s", illegal_csr[i], got);
        free(got);
    }
}

static const rvt_case zba_cases[] = {
    /* add.uw a0,a1,a2 */
    {0x08c5853b, "t1 = get 136; t2 = zext32 t1; t3 = get 144; t4 = add t2, t3; put t4, 128; "
                 "jmp 0x1004"},
    /* sh1add a0,a1,a2 */
    {0x20c5a533, "t1 = get 136; t2 = const 1; t3 = shl t1, t2; t4 = get 144; t5 = add t3, t4; "
                 "put t5, 128; jmp 0x1004"},
    /* sh2add a0,a1,a2 */
    {0x20c5c533, "t1 = get 136; t2 = const 2; t3 = shl t1, t2; t4 = get 144; t5 = add t3, t4; "
                 "put t5, 128; jmp 0x1004"},
    /* sh3add a0,a1,a2 */
    {0x20c5e533, "t1 = get 136; t2 = const 3; t3 = shl t1, t2; t4 = get 144; t5 = add t3, t4; "
                 "put t5, 128; jmp 0x1004"},
    /* sh1add.uw a0,a1,a2 */
    {0x20c5a53b, "t1 = get 136; t2 = zext32 t1; t3 = const 1; t4 = shl t2, t3; t5 = get 144; "
                 "t6 = add t4, t5; put t6, 128; jmp 0x1004"},
    /* sh2add.uw a0,a1,a2 */
    {0x20c5c53b, "t1 = get 136; t2 = zext32 t1; t3 = const 2; t4 = shl t2, t3; t5 = get 144; "
                 "t6 = add t4, t5; put t6, 128; jmp 0x1004"},
    /* sh3add.uw a0,a1,a2 */
    {0x20c5e53b, "t1 = get 136; t2 = zext32 t1; t3 = const 3; t4 = shl t2, t3; t5 = get 144; "
                 "t6 = add t4, t5; put t6, 128; jmp 0x1004"},
    /* slli.uw a0,a1,0x5 */
    {0x0855951b, "t1 = get 136; t2 = zext32 t1; t3 = const 5; t4 = shl t2, t3; put t4, 128; "
                 "jmp 0x1004"},
};

Test(rv_decode, zba)
{
    rvt_check_cases(zba_cases, RVT_N(zba_cases));
}

static const rvt_case zbb_cases[] = {
    /* andn a0,a1,a2 */
    {0x40c5f533, "t1 = get 136; t2 = get 144; t3 = not t2; t4 = and t1, t3; put t4, 128; "
                 "jmp 0x1004"},
    /* orn a0,a1,a2 */
    {0x40c5e533, "t1 = get 136; t2 = get 144; t3 = not t2; t4 = or t1, t3; put t4, 128; "
                 "jmp 0x1004"},
    /* xnor a0,a1,a2 */
    {0x40c5c533, "t1 = get 136; t2 = get 144; t3 = xor t1, t2; t4 = not t3; put t4, 128; "
                 "jmp 0x1004"},
    {0x60059513, "t1 = get 136; t2 = clz t1; put t2, 128; jmp 0x1004"}, /* clz a0,a1 */
    {0x60159513, "t1 = get 136; t2 = ctz t1; put t2, 128; jmp 0x1004"}, /* ctz a0,a1 */
    {0x60259513, "t1 = get 136; t2 = cpop t1; put t2, 128; jmp 0x1004"}, /* cpop a0,a1 */
    /* clzw a0,a1 */
    {0x6005951b, "t1 = get 136; t2 = zext32 t1; t3 = clz t2; t4 = const 32; t5 = sub t3, t4; "
                 "put t5, 128; jmp 0x1004"},
    /* ctzw a0,a1 */
    {0x6015951b, "t1 = get 136; t2 = const 4294967296; t3 = or t1, t2; t4 = ctz t3; put t4, 128; "
                 "jmp 0x1004"},
    /* cpopw a0,a1 */
    {0x6025951b, "t1 = get 136; t2 = zext32 t1; t3 = cpop t2; put t3, 128; jmp 0x1004"},
    /* max a0,a1,a2 */
    {0x0ac5e533, "t1 = get 136; t2 = get 144; t3 = lts t1, t2; t4 = select t3, t2, t1; "
                 "put t4, 128; jmp 0x1004"},
    /* maxu a0,a1,a2 */
    {0x0ac5f533, "t1 = get 136; t2 = get 144; t3 = ltu t1, t2; t4 = select t3, t2, t1; "
                 "put t4, 128; jmp 0x1004"},
    /* min a0,a1,a2 */
    {0x0ac5c533, "t1 = get 136; t2 = get 144; t3 = lts t1, t2; t4 = select t3, t1, t2; "
                 "put t4, 128; jmp 0x1004"},
    /* minu a0,a1,a2 */
    {0x0ac5d533, "t1 = get 136; t2 = get 144; t3 = ltu t1, t2; t4 = select t3, t1, t2; "
                 "put t4, 128; jmp 0x1004"},
    {0x60459513, "t1 = get 136; t2 = sext8 t1; put t2, 128; jmp 0x1004"}, /* sext.b a0,a1 */
    {0x60559513, "t1 = get 136; t2 = sext16 t1; put t2, 128; jmp 0x1004"}, /* sext.h a0,a1 */
    {0x0805c53b, "t1 = get 136; t2 = zext16 t1; put t2, 128; jmp 0x1004"}, /* zext.h a0,a1 */
    /* rol a0,a1,a2 */
    {0x60c59533, "t1 = get 136; t2 = get 144; t3 = rotl t1, t2; put t3, 128; jmp 0x1004"},
    /* ror a0,a1,a2 */
    {0x60c5d533, "t1 = get 136; t2 = get 144; t3 = rotr t1, t2; put t3, 128; jmp 0x1004"},
    /* rori a0,a1,0x3f */
    {0x63f5d513, "t1 = get 136; t2 = const 63; t3 = rotr t1, t2; put t3, 128; jmp 0x1004"},
    /* rolw a0,a1,a2 */
    {0x60c5953b, "t1 = get 136; t2 = get 144; t3 = rotl32 t1, t2; put t3, 128; jmp 0x1004"},
    /* rorw a0,a1,a2 */
    {0x60c5d53b, "t1 = get 136; t2 = get 144; t3 = rotr32 t1, t2; put t3, 128; jmp 0x1004"},
    /* roriw a0,a1,0x1f */
    {0x61f5d51b, "t1 = get 136; t2 = const 31; t3 = rotr32 t1, t2; put t3, 128; jmp 0x1004"},
    {0x2875d513, "t1 = get 136; t2 = orcb t1; put t2, 128; jmp 0x1004"}, /* orc.b a0,a1 */
    {0x6b85d513, "t1 = get 136; t2 = bswap t1; put t2, 128; jmp 0x1004"}, /* rev8 a0,a1 */
};

Test(rv_decode, zbb)
{
    rvt_check_cases(zbb_cases, RVT_N(zbb_cases));
}

static const rvt_case zbs_cases[] = {
    /* bclr a0,a1,a2 */
    {0x48c59533, "t1 = get 136; t2 = get 144; t3 = const 1; t4 = shl t3, t2; t5 = not t4; "
                 "t6 = and t1, t5; put t6, 128; jmp 0x1004"},
    /* bset a0,a1,a2 */
    {0x28c59533, "t1 = get 136; t2 = get 144; t3 = const 1; t4 = shl t3, t2; t5 = or t1, t4; "
                 "put t5, 128; jmp 0x1004"},
    /* binv a0,a1,a2 */
    {0x68c59533, "t1 = get 136; t2 = get 144; t3 = const 1; t4 = shl t3, t2; t5 = xor t1, t4; "
                 "put t5, 128; jmp 0x1004"},
    /* bext a0,a1,a2 */
    {0x48c5d533, "t1 = get 136; t2 = get 144; t3 = shr t1, t2; t4 = const 1; t5 = and t3, t4; "
                 "put t5, 128; jmp 0x1004"},
    /* bclri a0,a1,0x3f */
    {0x4bf59513, "t1 = get 136; t2 = const 9223372036854775807; t3 = and t1, t2; put t3, 128; "
                 "jmp 0x1004"},
    /* bseti a0,a1,0x3 */
    {0x28359513, "t1 = get 136; t2 = const 8; t3 = or t1, t2; put t3, 128; jmp 0x1004"},
    /* binvi a0,a1,0x0 */
    {0x68059513, "t1 = get 136; t2 = const 1; t3 = xor t1, t2; put t3, 128; jmp 0x1004"},
    /* bexti a0,a1,0x28 */
    {0x4a85d513, "t1 = get 136; t2 = const 40; t3 = shr t1, t2; t4 = const 1; t5 = and t3, t4; "
                 "put t5, 128; jmp 0x1004"},
};

Test(rv_decode, zbs)
{
    rvt_check_cases(zbs_cases, RVT_N(zbs_cases));
}
