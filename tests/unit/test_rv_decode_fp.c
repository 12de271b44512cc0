/*
 * test_rv_decode_fp.c — riscv64 decoder: F and D to golden IR text (format:
 * see test_rv_decode.c).  Singles are read with funbox32 and written OR-ed
 * with 0xffffffff00000000 (-4294967296); a dynamic rounding mode is checked
 * (frm < 5, else trap 1) before anything else the instruction does.
 */
#include "test_rv_decode.h"

static const rvt_case mem_cases[] = {
    /* flw fa0,4(a1) */
    {0x0045a507, "t1 = get 136; t2 = ld32u t1, 4; t3 = const -4294967296; t4 = or t2, t3; "
                 "put t4, 384; jmp 0x1004"},
    {0xff813507, "t1 = get 64; t2 = ld64 t1, -8; put t2, 384; jmp 0x1004"}, /* fld fa0,-8(sp) */
    {0x00b52027, "t1 = get 128; t2 = get 392; st32 t1, t2, 0; jmp 0x1004"}, /* fsw fa1,0(a0) */
    {0x00b53827, "t1 = get 128; t2 = get 392; st64 t1, t2, 16; jmp 0x1004"}, /* fsd fa1,16(a0) */
};

Test(rv_decode_fp, loads_stores)
{
    rvt_check_cases(mem_cases, RVT_N(mem_cases));
}

static const rvt_case arith_cases[] = {
    /* fadd.s fa0,fa1,fa2 */
    {0x00c5f553, "t1 = get 16; t2 = const 5; t3 = ltu t1, t2; t4 = const 1; t5 = xor t3, t4; "
                 "trapif t5, 1; t6 = get 392; t7 = funbox32 t6; t8 = get 400; t9 = funbox32 t8; "
                 "t10 = fadd32 t7, t9, 7; t11 = const -4294967296; t12 = or t10, t11; "
                 "put t12, 384; jmp 0x1004"},
    /* fadd.s fa0,fa1,fa2,rtz */
    {0x00c59553, "t1 = get 392; t2 = funbox32 t1; t3 = get 400; t4 = funbox32 t3; "
                 "t5 = fadd32 t2, t4, 1; t6 = const -4294967296; t7 = or t5, t6; put t7, 384; "
                 "jmp 0x1004"},
    /* fsub.d fa0,fa1,fa2 */
    {0x0ac5f553, "t1 = get 16; t2 = const 5; t3 = ltu t1, t2; t4 = const 1; t5 = xor t3, t4; "
                 "trapif t5, 1; t6 = get 392; t7 = get 400; t8 = fsub64 t6, t7, 7; put t8, 384; "
                 "jmp 0x1004"},
    /* fmul.d fa0,fa1,fa2,rne */
    {0x12c58553, "t1 = get 392; t2 = get 400; t3 = fmul64 t1, t2, 0; put t3, 384; jmp 0x1004"},
    /* fdiv.s fa0,fa1,fa2,rmm */
    {0x18c5c553, "t1 = get 392; t2 = funbox32 t1; t3 = get 400; t4 = funbox32 t3; "
                 "t5 = fdiv32 t2, t4, 4; t6 = const -4294967296; t7 = or t5, t6; put t7, 384; "
                 "jmp 0x1004"},
    /* fsqrt.s fa0,fa1,rup */
    {0x5805b553, "t1 = get 392; t2 = funbox32 t1; t3 = fsqrt32 t2, 3; t4 = const -4294967296; "
                 "t5 = or t3, t4; put t5, 384; jmp 0x1004"},
    /* fsqrt.d fa0,fa1,rdn */
    {0x5a05a553, "t1 = get 392; t2 = fsqrt64 t1, 2; put t2, 384; jmp 0x1004"},
    /* fmadd.s fa0,fa1,fa2,fa3,rne */
    {0x68c58543, "t1 = get 392; t2 = funbox32 t1; t3 = get 400; t4 = funbox32 t3; t5 = get 408; "
                 "t6 = funbox32 t5; t7 = fmadd32 t2, t4, t6, 0; t8 = const -4294967296; "
                 "t9 = or t7, t8; put t9, 384; jmp 0x1004"},
    /* fmsub.d fa0,fa1,fa2,fa3,rne */
    {0x6ac58547, "t1 = get 392; t2 = get 400; t3 = get 408; t4 = fmsub64 t1, t2, t3, 0; "
                 "put t4, 384; jmp 0x1004"},
    /* fnmsub.s fa0,fa1,fa2,fa3,rtz */
    {0x68c5954b, "t1 = get 392; t2 = funbox32 t1; t3 = get 400; t4 = funbox32 t3; t5 = get 408; "
                 "t6 = funbox32 t5; t7 = fnmsub32 t2, t4, t6, 1; t8 = const -4294967296; "
                 "t9 = or t7, t8; put t9, 384; jmp 0x1004"},
    /* fnmadd.d fa0,fa1,fa2,fa3 */
    {0x6ac5f54f, "t1 = get 16; t2 = const 5; t3 = ltu t1, t2; t4 = const 1; t5 = xor t3, t4; "
                 "trapif t5, 1; t6 = get 392; t7 = get 400; t8 = get 408; "
                 "t9 = fnmadd64 t6, t7, t8, 7; put t9, 384; jmp 0x1004"},
};

Test(rv_decode_fp, arith_fma)
{
    rvt_check_cases(arith_cases, RVT_N(arith_cases));
}

static const rvt_case sgnj_cases[] = {
    /* fsgnj.s fa0,fa1,fa2 */
    {0x20c58553, "t1 = get 392; t2 = funbox32 t1; t3 = get 400; t4 = funbox32 t3; "
                 "t5 = const 2147483647; t6 = and t2, t5; t7 = const 2147483648; "
                 "t8 = and t4, t7; t9 = or t6, t8; t10 = const -4294967296; t11 = or t9, t10; "
                 "put t11, 384; jmp 0x1004"},
    /* fsgnjn.s fa0,fa1,fa2 */
    {0x20c59553, "t1 = get 392; t2 = funbox32 t1; t3 = get 400; t4 = funbox32 t3; t5 = not t4; "
                 "t6 = const 2147483647; t7 = and t2, t6; t8 = const 2147483648; "
                 "t9 = and t5, t8; t10 = or t7, t9; t11 = const -4294967296; t12 = or t10, t11; "
                 "put t12, 384; jmp 0x1004"},
    /* fsgnjx.s fa0,fa1,fa2 */
    {0x20c5a553, "t1 = get 392; t2 = funbox32 t1; t3 = get 400; t4 = funbox32 t3; "
                 "t5 = const 2147483648; t6 = and t4, t5; t7 = xor t2, t6; "
                 "t8 = const -4294967296; t9 = or t7, t8; put t9, 384; jmp 0x1004"},
    /* fsgnj.d fa0,fa1,fa2 */
    {0x22c58553, "t1 = get 392; t2 = get 400; t3 = const 9223372036854775807; t4 = and t1, t3; "
                 "t5 = const -9223372036854775808; t6 = and t2, t5; t7 = or t4, t6; put t7, 384; "
                 "jmp 0x1004"},
    /* fsgnjn.d fa0,fa1,fa2 */
    {0x22c59553, "t1 = get 392; t2 = get 400; t3 = not t2; t4 = const 9223372036854775807; "
                 "t5 = and t1, t4; t6 = const -9223372036854775808; t7 = and t3, t6; "
                 "t8 = or t5, t7; put t8, 384; jmp 0x1004"},
    /* fsgnjx.d fa0,fa1,fa2 */
    {0x22c5a553, "t1 = get 392; t2 = get 400; t3 = const -9223372036854775808; t4 = and t2, t3; "
                 "t5 = xor t1, t4; put t5, 384; jmp 0x1004"},
    /* fmin.s fa0,fa1,fa2 */
    {0x28c58553, "t1 = get 392; t2 = funbox32 t1; t3 = get 400; t4 = funbox32 t3; "
                 "t5 = fmin32 t2, t4; t6 = const -4294967296; t7 = or t5, t6; put t7, 384; "
                 "jmp 0x1004"},
    /* fmax.d fa0,fa1,fa2 */
    {0x2ac59553, "t1 = get 392; t2 = get 400; t3 = fmax64 t1, t2; put t3, 384; jmp 0x1004"},
};

Test(rv_decode_fp, sgnj_minmax)
{
    rvt_check_cases(sgnj_cases, RVT_N(sgnj_cases));
}

static const rvt_case cmp_cases[] = {
    /* feq.s a0,fa1,fa2 */
    {0xa0c5a553, "t1 = get 392; t2 = funbox32 t1; t3 = get 400; t4 = funbox32 t3; "
                 "t5 = feq32 t2, t4; put t5, 128; jmp 0x1004"},
    /* flt.d a0,fa1,fa2 */
    {0xa2c59553, "t1 = get 392; t2 = get 400; t3 = flt64 t1, t2; put t3, 128; jmp 0x1004"},
    /* fle.s a0,fa1,fa2 */
    {0xa0c58553, "t1 = get 392; t2 = funbox32 t1; t3 = get 400; t4 = funbox32 t3; "
                 "t5 = fle32 t2, t4; put t5, 128; jmp 0x1004"},
    /* fclass.s a0,fa1 */
    {0xe0059553, "t1 = get 392; t2 = funbox32 t1; t3 = fclass32 t2; put t3, 128; jmp 0x1004"},
    {0xe2059553, "t1 = get 392; t2 = fclass64 t1; put t2, 128; jmp 0x1004"}, /* fclass.d a0,fa1 */
    {0xe0058553, "t1 = get 392; t2 = sext32 t1; put t2, 128; jmp 0x1004"}, /* fmv.x.w a0,fa1 */
    /* fmv.w.x fa0,a1 */
    {0xf0058553, "t1 = get 136; t2 = const -4294967296; t3 = or t1, t2; put t3, 384; jmp 0x1004"},
    {0xe2058553, "t1 = get 392; put t1, 128; jmp 0x1004"}, /* fmv.x.d a0,fa1 */
    {0xf2058553, "t1 = get 136; put t1, 384; jmp 0x1004"}, /* fmv.d.x fa0,a1 */
};

Test(rv_decode_fp, compare_class_move)
{
    rvt_check_cases(cmp_cases, RVT_N(cmp_cases));
}

static const rvt_case cvt_cases[] = {
    /* fcvt.w.s a0,fa1,rtz */
    {0xc0059553, "t1 = get 392; t2 = funbox32 t1; t3 = fcvt_w_f32 t2, 1; put t3, 128; jmp 0x1004"},
    /* fcvt.wu.s a0,fa1,rtz */
    {0xc0159553, "t1 = get 392; t2 = funbox32 t1; t3 = fcvt_wu_f32 t2, 1; put t3, 128; jmp 0x1004"},
    /* fcvt.l.s a0,fa1,rtz */
    {0xc0259553, "t1 = get 392; t2 = funbox32 t1; t3 = fcvt_l_f32 t2, 1; put t3, 128; jmp 0x1004"},
    /* fcvt.lu.s a0,fa1,rtz */
    {0xc0359553, "t1 = get 392; t2 = funbox32 t1; t3 = fcvt_lu_f32 t2, 1; put t3, 128; jmp 0x1004"},
    /* fcvt.w.d a0,fa1,rtz */
    {0xc2059553, "t1 = get 392; t2 = fcvt_w_f64 t1, 1; put t2, 128; jmp 0x1004"},
    /* fcvt.lu.d a0,fa1 */
    {0xc235f553, "t1 = get 16; t2 = const 5; t3 = ltu t1, t2; t4 = const 1; t5 = xor t3, t4; "
                 "trapif t5, 1; t6 = get 392; t7 = fcvt_lu_f64 t6, 7; put t7, 128; jmp 0x1004"},
    /* fcvt.s.w fa0,a1,rne */
    {0xd0058553, "t1 = get 136; t2 = fcvt_f32_w t1, 0; t3 = const -4294967296; t4 = or t2, t3; "
                 "put t4, 384; jmp 0x1004"},
    /* fcvt.s.lu fa0,a1,rne */
    {0xd0358553, "t1 = get 136; t2 = fcvt_f32_lu t1, 0; t3 = const -4294967296; t4 = or t2, t3; "
                 "put t4, 384; jmp 0x1004"},
    /* fcvt.d.w fa0,a1 */
    {0xd2058553, "t1 = get 136; t2 = fcvt_f64_w t1, 0; put t2, 384; jmp 0x1004"},
    /* fcvt.d.l fa0,a1,rne */
    {0xd2258553, "t1 = get 136; t2 = fcvt_f64_l t1, 0; put t2, 384; jmp 0x1004"},
    /* fcvt.d.lu fa0,a1,rup */
    {0xd235b553, "t1 = get 136; t2 = fcvt_f64_lu t1, 3; put t2, 384; jmp 0x1004"},
    /* fcvt.s.d fa0,fa1,rne */
    {0x40158553, "t1 = get 392; t2 = fcvt_f32_f64 t1, 0; t3 = const -4294967296; t4 = or t2, t3; "
                 "put t4, 384; jmp 0x1004"},
    /* fcvt.d.s fa0,fa1 */
    {0x42058553, "t1 = get 392; t2 = funbox32 t1; t3 = fcvt_f64_f32 t2; put t3, 384; jmp 0x1004"},
};

Test(rv_decode_fp, convert)
{
    rvt_check_cases(cvt_cases, RVT_N(cvt_cases));
}
