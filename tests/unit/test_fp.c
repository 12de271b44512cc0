/*
 * test_fp.c — IEEE 754 semantics of the IR's FP ops (ir/ir_fp.c).
 *
 * Each table row is one op with bit-exact expected result and fflags.  The
 * expected values come from real RISC-V semantics: the rows were run as
 * riscv64 instructions (fadd.s, fcvt.wu.d, ... with frm set by fsrm, fflags
 * read by frflags) under qemu-riscv64, whose softfloat is the oracle; see
 * tests/fpcheck/ for that harness and a random differential check.
 */
#include <criterion/criterion.h>
#include <fenv.h>
#include <inttypes.h>
#include <string.h>

#include "ir/ir.h"
#include "ir/ir_fp.h"

enum { NX = IR_FPF_NX, UF = IR_FPF_UF, OF = IR_FPF_OF, DZ = IR_FPF_DZ, NV = IR_FPF_NV };

typedef struct fp_case {
    int op, rm;
    uint64_t a, b, c;
    uint64_t want, flags;
} fp_case;

#define C(op, rm, a, b, c, want, fl) {IR_##op, IR_RM_##rm, a, b, c, want, fl}
#define RUN_CASES(t) run_cases(t, sizeof t / sizeof t[0])

/* Evaluates one row through the ir_fp.h entry point its op belongs to. */
static uint64_t eval(const fp_case *k, uint64_t *flags)
{
    switch (k->op) {
    case IR_FADD32: case IR_FSUB32: case IR_FMUL32: case IR_FDIV32:
    case IR_FADD64: case IR_FSUB64: case IR_FMUL64: case IR_FDIV64:
        return ir_fp_arith(k->op, k->a, k->b, k->rm, flags);
    case IR_FSQRT32: return ir_fp_sqrt32(k->a, k->rm, flags);
    case IR_FSQRT64: return ir_fp_sqrt64(k->a, k->rm, flags);
    case IR_FMADD32: case IR_FMSUB32: case IR_FNMSUB32: case IR_FNMADD32:
    case IR_FMADD64: case IR_FMSUB64: case IR_FNMSUB64: case IR_FNMADD64:
        return ir_fp_fma(k->op, k->a, k->b, k->c, k->rm, flags);
    case IR_FMIN32: case IR_FMAX32: case IR_FMIN64: case IR_FMAX64:
        return ir_fp_minmax(k->op, k->a, k->b, flags);
    case IR_FEQ32: case IR_FLT32: case IR_FLE32: case IR_FEQ64: case IR_FLT64: case IR_FLE64:
        return ir_fp_compare(k->op, k->a, k->b, flags);
    case IR_FCLASS32: return ir_fp_class32(k->a);
    case IR_FCLASS64: return ir_fp_class64(k->a);
    default: return ir_fp_convert(k->op, k->a, k->rm, flags);
    }
}

static void run_cases(const fp_case *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t flags = 0, got = eval(&t[i], &flags);
        cr_expect(got == t[i].want && flags == t[i].flags,
                  "row %zu (op %d rm %d a %#" PRIx64 " b %#" PRIx64 " c %#" PRIx64 "): got %#" PRIx64
                  " flags %#" PRIx64 ", want %#" PRIx64 " flags %#" PRIx64,
                  i, t[i].op, t[i].rm, t[i].a, t[i].b, t[i].c, got, flags, t[i].want, t[i].flags);
    }
}

/* Flags accrue: an op ORs into *flags and never clears what is there. */
Test(fp_env, flags_accrue)
{
    uint64_t flags = IR_FPF_DZ;
    cr_expect_eq(ir_fp_arith(IR_FADD32, 0x3f800000, 0x33800000, IR_RM_RNE, &flags), 0x3f800000);
    cr_expect_eq(flags, IR_FPF_DZ | IR_FPF_NX);
    cr_expect_eq(ir_fp_arith(IR_FADD64, 0x3ff0000000000000, 0x3ff0000000000000, IR_RM_RNE, &flags),
                 0x4000000000000000);
    cr_expect_eq(flags, IR_FPF_DZ | IR_FPF_NX);
}

/* The host keeps its own rounding mode and accrued exceptions. */
Test(fp_env, host_state_untouched)
{
    feclearexcept(FE_ALL_EXCEPT);
    fesetround(FE_TONEAREST);
    feraiseexcept(FE_DIVBYZERO);
    uint64_t flags = 0;
    ir_fp_arith(IR_FDIV64, 0x3ff0000000000000, 0x4008000000000000, IR_RM_RUP, &flags); /* 1/3 */
    ir_fp_arith(IR_FMUL32, 0x7f7fffff, 0x7f7fffff, IR_RM_RTZ, &flags);
    ir_fp_arith(IR_FSUB32, 0x7f800000, 0x7f800000, IR_RM_RMM, &flags);
    ir_fp_fma(IR_FMADD64, 0x3ff0000000000001, 0x3ff0000000000001, 0, IR_RM_RMM, &flags);
    ir_fp_sqrt32(0x40000000, IR_RM_RDN, &flags);
    cr_expect_eq(flags, IR_FPF_NX | IR_FPF_OF | IR_FPF_NV);
    cr_expect_eq(fegetround(), FE_TONEAREST);
    cr_expect_eq(fetestexcept(FE_ALL_EXCEPT), FE_DIVBYZERO);
    feclearexcept(FE_ALL_EXCEPT);
    /* and a host directed rounding mode does not leak into RNE ops */
    fesetround(FE_UPWARD);
    flags = 0;
    cr_expect_eq(ir_fp_arith(IR_FADD32, 0x3f800000, 0x33800000, IR_RM_RNE, &flags), 0x3f800000);
    cr_expect_eq(fegetround(), FE_UPWARD);
    fesetround(FE_TONEAREST);
}

static void mxcsr_set(uint32_t v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }

/* The host flags compiled code accrues (ir_fp_host_flags and friends):
 * every x86 exception flag maps to its RISC-V fflags bit (denormal-operand
 * to none); setting fflags keeps the host's flags only when all are among
 * the new value; taking them returns and clears them. */
Test(fp_env, host_flags)
{
    cr_expect_eq(ir_fp_flags_of_mxcsr(0x1f80), 0);
    cr_expect_eq(ir_fp_flags_of_mxcsr(0x1f80 | 0x01), NV);
    cr_expect_eq(ir_fp_flags_of_mxcsr(0x1f80 | 0x02), 0); /* denormal operand */
    cr_expect_eq(ir_fp_flags_of_mxcsr(0x1f80 | 0x04), DZ);
    cr_expect_eq(ir_fp_flags_of_mxcsr(0x1f80 | 0x08), OF);
    cr_expect_eq(ir_fp_flags_of_mxcsr(0x1f80 | 0x10), UF);
    cr_expect_eq(ir_fp_flags_of_mxcsr(0x1f80 | 0x20), NX);
    cr_expect_eq(ir_fp_flags_of_mxcsr(0x3f), NV | DZ | OF | UF | NX);

    /* (glibc's feraiseexcept raises some flags in the x87 unit, not in
     * the MXCSR: set them directly) */
    feclearexcept(FE_ALL_EXCEPT);
    mxcsr_set(0x1f80 | 0x20 | 0x04); /* PE ZE */
    cr_expect_eq(ir_fp_host_flags(), NX | DZ);
    ir_fp_set_host_flags(NX | DZ | NV); /* a superset: kept */
    cr_expect_eq(ir_fp_host_flags(), NX | DZ);
    ir_fp_set_host_flags(NX); /* DZ is not in it: all go */
    cr_expect_eq(ir_fp_host_flags(), 0);
    mxcsr_set(0x1f80 | 0x10 | 0x01); /* UE IE */
    cr_expect_eq(ir_fp_take_host_flags(), UF | NV);
    cr_expect_eq(ir_fp_host_flags(), 0);
    cr_expect_eq(fetestexcept(FE_ALL_EXCEPT), 0);
    cr_expect_eq(fegetround(), FE_TONEAREST);
}

/* binary32 results are zero-extended; 32-bit conversions sign-extend. */
Test(fp_env, widths)
{
    uint64_t flags = 0;
    cr_expect_eq(ir_fp_arith(IR_FSUB32, 0, 0x3f800000, IR_RM_RNE, &flags), 0xbf800000);
    cr_expect_eq(ir_fp_minmax(IR_FMIN32, 0xbf800000, 0, &flags), 0xbf800000);
    cr_expect_eq(ir_fp_convert(IR_FCVT_F32_F64, 0xbff0000000000000, IR_RM_RNE, &flags), 0xbf800000);
    cr_expect_eq(ir_fp_convert(IR_FCVT_W_F32, 0xbf800000, IR_RM_RNE, &flags), UINT64_MAX);
    cr_expect_eq(flags, 0);
}

/* Exact small-integer fused multiply-adds: every mode agrees, no flags. */
Test(fp_env, exact_integers)
{
    for (int i = -20; i <= 20; i++) {
        for (int j = -20; j <= 20; j++) {
            for (int rm = IR_RM_RNE; rm <= IR_RM_RMM; rm++) {
                double x = i, y = j;
                uint64_t xb, yb, wb, flags = 0;
                memcpy(&xb, &x, 8);
                memcpy(&yb, &y, 8);
                double w = x * y + x;
                memcpy(&wb, &w, 8);
                if (w == 0)
                    continue; /* signs of exact zeros depend on the mode: see fp_zero */
                cr_expect_eq(ir_fp_fma(IR_FMADD64, xb, yb, xb, rm, &flags), wb, "%d*%d+%d rm %d", i,
                             j, i, rm);
                cr_expect_eq(flags, 0);
            }
        }
    }
}

static const fp_case fp_round_cases[] = {
    /* 1 + 2^-24: binary32 tie, even below */
    C(FADD32, RNE, 0x3f800000, 0x33800000, 0, 0x3f800000, NX),
    C(FADD32, RTZ, 0x3f800000, 0x33800000, 0, 0x3f800000, NX),
    C(FADD32, RDN, 0x3f800000, 0x33800000, 0, 0x3f800000, NX),
    C(FADD32, RUP, 0x3f800000, 0x33800000, 0, 0x3f800001, NX),
    C(FADD32, RMM, 0x3f800000, 0x33800000, 0, 0x3f800001, NX),
    /* -1 - 2^-24: negative tie */
    C(FADD32, RNE, 0xbf800000, 0xb3800000, 0, 0xbf800000, NX),
    C(FADD32, RTZ, 0xbf800000, 0xb3800000, 0, 0xbf800000, NX),
    C(FADD32, RDN, 0xbf800000, 0xb3800000, 0, 0xbf800001, NX),
    C(FADD32, RUP, 0xbf800000, 0xb3800000, 0, 0xbf800000, NX),
    C(FADD32, RMM, 0xbf800000, 0xb3800000, 0, 0xbf800001, NX),
    /* (1+2^-23) + 2^-24: tie, odd below */
    C(FADD32, RNE, 0x3f800001, 0x33800000, 0, 0x3f800002, NX),
    C(FADD32, RTZ, 0x3f800001, 0x33800000, 0, 0x3f800001, NX),
    C(FADD32, RDN, 0x3f800001, 0x33800000, 0, 0x3f800001, NX),
    C(FADD32, RUP, 0x3f800001, 0x33800000, 0, 0x3f800002, NX),
    C(FADD32, RMM, 0x3f800001, 0x33800000, 0, 0x3f800002, NX),
    /* 1 + 1.5*2^-24: above the tie */
    C(FADD32, RNE, 0x3f800000, 0x33c00000, 0, 0x3f800001, NX),
    C(FADD32, RTZ, 0x3f800000, 0x33c00000, 0, 0x3f800000, NX),
    C(FADD32, RDN, 0x3f800000, 0x33c00000, 0, 0x3f800000, NX),
    C(FADD32, RUP, 0x3f800000, 0x33c00000, 0, 0x3f800001, NX),
    C(FADD32, RMM, 0x3f800000, 0x33c00000, 0, 0x3f800001, NX),
    /* 1 + 2^-25: below the tie */
    C(FADD32, RNE, 0x3f800000, 0x33000000, 0, 0x3f800000, NX),
    C(FADD32, RTZ, 0x3f800000, 0x33000000, 0, 0x3f800000, NX),
    C(FADD32, RDN, 0x3f800000, 0x33000000, 0, 0x3f800000, NX),
    C(FADD32, RUP, 0x3f800000, 0x33000000, 0, 0x3f800001, NX),
    C(FADD32, RMM, 0x3f800000, 0x33000000, 0, 0x3f800000, NX),
    /* -1 - 1.5*2^-24 */
    C(FSUB32, RNE, 0xbf800000, 0x33c00000, 0, 0xbf800001, NX),
    C(FSUB32, RTZ, 0xbf800000, 0x33c00000, 0, 0xbf800000, NX),
    C(FSUB32, RDN, 0xbf800000, 0x33c00000, 0, 0xbf800001, NX),
    C(FSUB32, RUP, 0xbf800000, 0x33c00000, 0, 0xbf800000, NX),
    C(FSUB32, RMM, 0xbf800000, 0x33c00000, 0, 0xbf800001, NX),
    /* 1 + 2^-53: binary64 tie */
    C(FADD64, RNE, 0x3ff0000000000000, 0x3ca0000000000000, 0, 0x3ff0000000000000, NX),
    C(FADD64, RTZ, 0x3ff0000000000000, 0x3ca0000000000000, 0, 0x3ff0000000000000, NX),
    C(FADD64, RDN, 0x3ff0000000000000, 0x3ca0000000000000, 0, 0x3ff0000000000000, NX),
    C(FADD64, RUP, 0x3ff0000000000000, 0x3ca0000000000000, 0, 0x3ff0000000000001, NX),
    C(FADD64, RMM, 0x3ff0000000000000, 0x3ca0000000000000, 0, 0x3ff0000000000001, NX),
    /* -1 - 2^-53: negative binary64 tie */
    C(FSUB64, RNE, 0xbff0000000000000, 0x3ca0000000000000, 0, 0xbff0000000000000, NX),
    C(FSUB64, RTZ, 0xbff0000000000000, 0x3ca0000000000000, 0, 0xbff0000000000000, NX),
    C(FSUB64, RDN, 0xbff0000000000000, 0x3ca0000000000000, 0, 0xbff0000000000001, NX),
    C(FSUB64, RUP, 0xbff0000000000000, 0x3ca0000000000000, 0, 0xbff0000000000000, NX),
    C(FSUB64, RMM, 0xbff0000000000000, 0x3ca0000000000000, 0, 0xbff0000000000001, NX),
    /* 1 + 3*2^-54: above the tie */
    C(FADD64, RNE, 0x3ff0000000000000, 0x3ca8000000000000, 0, 0x3ff0000000000001, NX),
    C(FADD64, RTZ, 0x3ff0000000000000, 0x3ca8000000000000, 0, 0x3ff0000000000000, NX),
    C(FADD64, RDN, 0x3ff0000000000000, 0x3ca8000000000000, 0, 0x3ff0000000000000, NX),
    C(FADD64, RUP, 0x3ff0000000000000, 0x3ca8000000000000, 0, 0x3ff0000000000001, NX),
    C(FADD64, RMM, 0x3ff0000000000000, 0x3ca8000000000000, 0, 0x3ff0000000000001, NX),
    /* (1+3*2^-23) * 1.5: binary32 product tie */
    C(FMUL32, RNE, 0x3f800003, 0x3fc00000, 0, 0x3fc00004, NX),
    C(FMUL32, RTZ, 0x3f800003, 0x3fc00000, 0, 0x3fc00004, NX),
    C(FMUL32, RDN, 0x3f800003, 0x3fc00000, 0, 0x3fc00004, NX),
    C(FMUL32, RUP, 0x3f800003, 0x3fc00000, 0, 0x3fc00005, NX),
    C(FMUL32, RMM, 0x3f800003, 0x3fc00000, 0, 0x3fc00005, NX),
    /* -(1+3*2^-52) * 1.5: binary64 product tie */
    C(FMUL64, RNE, 0xbff0000000000003, 0x3ff8000000000000, 0, 0xbff8000000000004, NX),
    C(FMUL64, RTZ, 0xbff0000000000003, 0x3ff8000000000000, 0, 0xbff8000000000004, NX),
    C(FMUL64, RDN, 0xbff0000000000003, 0x3ff8000000000000, 0, 0xbff8000000000005, NX),
    C(FMUL64, RUP, 0xbff0000000000003, 0x3ff8000000000000, 0, 0xbff8000000000004, NX),
    C(FMUL64, RMM, 0xbff0000000000003, 0x3ff8000000000000, 0, 0xbff8000000000005, NX),
    /* 1 / 3 */
    C(FDIV32, RNE, 0x3f800000, 0x40400000, 0, 0x3eaaaaab, NX),
    C(FDIV32, RTZ, 0x3f800000, 0x40400000, 0, 0x3eaaaaaa, NX),
    C(FDIV32, RDN, 0x3f800000, 0x40400000, 0, 0x3eaaaaaa, NX),
    C(FDIV32, RUP, 0x3f800000, 0x40400000, 0, 0x3eaaaaab, NX),
    C(FDIV32, RMM, 0x3f800000, 0x40400000, 0, 0x3eaaaaab, NX),
    /* -1 / 3 */
    C(FDIV64, RNE, 0xbff0000000000000, 0x4008000000000000, 0, 0xbfd5555555555555, NX),
    C(FDIV64, RTZ, 0xbff0000000000000, 0x4008000000000000, 0, 0xbfd5555555555555, NX),
    C(FDIV64, RDN, 0xbff0000000000000, 0x4008000000000000, 0, 0xbfd5555555555556, NX),
    C(FDIV64, RUP, 0xbff0000000000000, 0x4008000000000000, 0, 0xbfd5555555555555, NX),
    C(FDIV64, RMM, 0xbff0000000000000, 0x4008000000000000, 0, 0xbfd5555555555555, NX),
    /* 2 / 3 */
    C(FDIV64, RNE, 0x4000000000000000, 0x4008000000000000, 0, 0x3fe5555555555555, NX),
    C(FDIV64, RTZ, 0x4000000000000000, 0x4008000000000000, 0, 0x3fe5555555555555, NX),
    C(FDIV64, RDN, 0x4000000000000000, 0x4008000000000000, 0, 0x3fe5555555555555, NX),
    C(FDIV64, RUP, 0x4000000000000000, 0x4008000000000000, 0, 0x3fe5555555555556, NX),
    C(FDIV64, RMM, 0x4000000000000000, 0x4008000000000000, 0, 0x3fe5555555555555, NX),
    /* sqrt(2) */
    C(FSQRT32, RNE, 0x40000000, 0, 0, 0x3fb504f3, NX),
    C(FSQRT32, RTZ, 0x40000000, 0, 0, 0x3fb504f3, NX),
    C(FSQRT32, RDN, 0x40000000, 0, 0, 0x3fb504f3, NX),
    C(FSQRT32, RUP, 0x40000000, 0, 0, 0x3fb504f4, NX),
    C(FSQRT32, RMM, 0x40000000, 0, 0, 0x3fb504f3, NX),
    C(FSQRT64, RNE, 0x4000000000000000, 0, 0, 0x3ff6a09e667f3bcd, NX),
    C(FSQRT64, RTZ, 0x4000000000000000, 0, 0, 0x3ff6a09e667f3bcc, NX),
    C(FSQRT64, RDN, 0x4000000000000000, 0, 0, 0x3ff6a09e667f3bcc, NX),
    C(FSQRT64, RUP, 0x4000000000000000, 0, 0, 0x3ff6a09e667f3bcd, NX),
    C(FSQRT64, RMM, 0x4000000000000000, 0, 0, 0x3ff6a09e667f3bcd, NX),
    /* sqrt(3) */
    C(FSQRT64, RNE, 0x4008000000000000, 0, 0, 0x3ffbb67ae8584caa, NX),
    C(FSQRT64, RTZ, 0x4008000000000000, 0, 0, 0x3ffbb67ae8584caa, NX),
    C(FSQRT64, RDN, 0x4008000000000000, 0, 0, 0x3ffbb67ae8584caa, NX),
    C(FSQRT64, RUP, 0x4008000000000000, 0, 0, 0x3ffbb67ae8584cab, NX),
    C(FSQRT64, RMM, 0x4008000000000000, 0, 0, 0x3ffbb67ae8584caa, NX),
    /* fma(1, 1, 2^-24): tie */
    C(FMADD32, RNE, 0x3f800000, 0x3f800000, 0x33800000, 0x3f800000, NX),
    C(FMADD32, RTZ, 0x3f800000, 0x3f800000, 0x33800000, 0x3f800000, NX),
    C(FMADD32, RDN, 0x3f800000, 0x3f800000, 0x33800000, 0x3f800000, NX),
    C(FMADD32, RUP, 0x3f800000, 0x3f800000, 0x33800000, 0x3f800001, NX),
    C(FMADD32, RMM, 0x3f800000, 0x3f800000, 0x33800000, 0x3f800001, NX),
    /* fnmadd(1, 1, 2^-24) = -1 - 2^-24: negative tie */
    C(FNMADD32, RNE, 0x3f800000, 0x3f800000, 0x33800000, 0xbf800000, NX),
    C(FNMADD32, RTZ, 0x3f800000, 0x3f800000, 0x33800000, 0xbf800000, NX),
    C(FNMADD32, RDN, 0x3f800000, 0x3f800000, 0x33800000, 0xbf800001, NX),
    C(FNMADD32, RUP, 0x3f800000, 0x3f800000, 0x33800000, 0xbf800000, NX),
    C(FNMADD32, RMM, 0x3f800000, 0x3f800000, 0x33800000, 0xbf800001, NX),
    /* fma(1+2^-23, 1-2^-24, 0): product not representable */
    C(FMADD32, RNE, 0x3f800001, 0x3f7fffff, 0, 0x3f800000, NX),
    C(FMADD32, RTZ, 0x3f800001, 0x3f7fffff, 0, 0x3f800000, NX),
    C(FMADD32, RDN, 0x3f800001, 0x3f7fffff, 0, 0x3f800000, NX),
    C(FMADD32, RUP, 0x3f800001, 0x3f7fffff, 0, 0x3f800001, NX),
    C(FMADD32, RMM, 0x3f800001, 0x3f7fffff, 0, 0x3f800000, NX),
    /* fma(1, 1, 2^-53): tie */
    C(FMADD64, RNE, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
      0x3ff0000000000000, NX),
    C(FMADD64, RTZ, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
      0x3ff0000000000000, NX),
    C(FMADD64, RDN, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
      0x3ff0000000000000, NX),
    C(FMADD64, RUP, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
      0x3ff0000000000001, NX),
    C(FMADD64, RMM, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
      0x3ff0000000000001, NX),
    /* fmsub(1, 1, 2^-53) = 1 - 2^-53: exact */
    C(FMSUB64, RNE, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
      0x3fefffffffffffff, 0),
    C(FMSUB64, RTZ, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
      0x3fefffffffffffff, 0),
    C(FMSUB64, RDN, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
      0x3fefffffffffffff, 0),
    C(FMSUB64, RUP, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
      0x3fefffffffffffff, 0),
    C(FMSUB64, RMM, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000,
      0x3fefffffffffffff, 0),
    /* fnmsub(1+2^-52, 1+2^-52, 0): -(1 + 2^-51 + 2^-104) */
    C(FNMSUB64, RNE, 0x3ff0000000000001, 0x3ff0000000000001, 0, 0xbff0000000000002, NX),
    C(FNMSUB64, RTZ, 0x3ff0000000000001, 0x3ff0000000000001, 0, 0xbff0000000000002, NX),
    C(FNMSUB64, RDN, 0x3ff0000000000001, 0x3ff0000000000001, 0, 0xbff0000000000003, NX),
    C(FNMSUB64, RUP, 0x3ff0000000000001, 0x3ff0000000000001, 0, 0xbff0000000000002, NX),
    C(FNMSUB64, RMM, 0x3ff0000000000001, 0x3ff0000000000001, 0, 0xbff0000000000002, NX),
    /* fma(0.1, 10, -1): the residual */
    C(FMADD64, RNE, 0x3fb999999999999a, 0x4024000000000000, 0xbff0000000000000,
      0x3c90000000000000, 0),
    C(FMADD64, RMM, 0x3fb999999999999a, 0x4024000000000000, 0xbff0000000000000,
      0x3c90000000000000, 0),
};

Test(fp_round, table) { RUN_CASES(fp_round_cases); }

static const fp_case fp_zero_cases[] = {
    /* 1 + -1 = +0, -0 in RDN */
    C(FADD32, RNE, 0x3f800000, 0xbf800000, 0, 0, 0),
    C(FADD32, RTZ, 0x3f800000, 0xbf800000, 0, 0, 0),
    C(FADD32, RDN, 0x3f800000, 0xbf800000, 0, 0x80000000, 0),
    C(FADD32, RUP, 0x3f800000, 0xbf800000, 0, 0, 0),
    C(FADD32, RMM, 0x3f800000, 0xbf800000, 0, 0, 0),
    /* 1 - 1 */
    C(FSUB64, RNE, 0x3ff0000000000000, 0x3ff0000000000000, 0, 0, 0),
    C(FSUB64, RTZ, 0x3ff0000000000000, 0x3ff0000000000000, 0, 0, 0),
    C(FSUB64, RDN, 0x3ff0000000000000, 0x3ff0000000000000, 0, 0x8000000000000000, 0),
    C(FSUB64, RUP, 0x3ff0000000000000, 0x3ff0000000000000, 0, 0, 0),
    C(FSUB64, RMM, 0x3ff0000000000000, 0x3ff0000000000000, 0, 0, 0),
    /* -0 + -0 = -0 */
    C(FADD64, RNE, 0x8000000000000000, 0x8000000000000000, 0, 0x8000000000000000, 0),
    /* -0 - +0 = -0 */
    C(FSUB32, RNE, 0x80000000, 0, 0, 0x80000000, 0),
    /* fma(1, 1, -1) */
    C(FMADD64, RNE, 0x3ff0000000000000, 0x3ff0000000000000, 0xbff0000000000000, 0, 0),
    C(FMADD64, RTZ, 0x3ff0000000000000, 0x3ff0000000000000, 0xbff0000000000000, 0, 0),
    C(FMADD64, RDN, 0x3ff0000000000000, 0x3ff0000000000000, 0xbff0000000000000,
      0x8000000000000000, 0),
    C(FMADD64, RUP, 0x3ff0000000000000, 0x3ff0000000000000, 0xbff0000000000000, 0, 0),
    C(FMADD64, RMM, 0x3ff0000000000000, 0x3ff0000000000000, 0xbff0000000000000, 0, 0),
    /* fnmadd(+0, 1, +0) = -0 */
    C(FNMADD32, RNE, 0, 0x3f800000, 0, 0x80000000, 0),
    C(FNMADD32, RMM, 0, 0x3f800000, 0, 0x80000000, 0),
    /* fmsub(+0, 1, +0) = +0, -0 in RDN */
    C(FMSUB64, RNE, 0, 0x3ff0000000000000, 0, 0, 0),
    C(FMSUB64, RDN, 0, 0x3ff0000000000000, 0, 0x8000000000000000, 0),
    /* -0 * 5 = -0 */
    C(FMUL32, RNE, 0x80000000, 0x40a00000, 0, 0x80000000, 0),
};

Test(fp_zero, table) { RUN_CASES(fp_zero_cases); }

static const fp_case fp_overflow_cases[] = {
    /* max * 2 */
    C(FMUL32, RNE, 0x7f7fffff, 0x40000000, 0, 0x7f800000, OF|NX),
    C(FMUL32, RTZ, 0x7f7fffff, 0x40000000, 0, 0x7f7fffff, OF|NX),
    C(FMUL32, RDN, 0x7f7fffff, 0x40000000, 0, 0x7f7fffff, OF|NX),
    C(FMUL32, RUP, 0x7f7fffff, 0x40000000, 0, 0x7f800000, OF|NX),
    C(FMUL32, RMM, 0x7f7fffff, 0x40000000, 0, 0x7f800000, OF|NX),
    /* -max * 2 */
    C(FMUL32, RNE, 0xff7fffff, 0x40000000, 0, 0xff800000, OF|NX),
    C(FMUL32, RTZ, 0xff7fffff, 0x40000000, 0, 0xff7fffff, OF|NX),
    C(FMUL32, RDN, 0xff7fffff, 0x40000000, 0, 0xff800000, OF|NX),
    C(FMUL32, RUP, 0xff7fffff, 0x40000000, 0, 0xff7fffff, OF|NX),
    C(FMUL32, RMM, 0xff7fffff, 0x40000000, 0, 0xff800000, OF|NX),
    /* max + half an ulp (tie, odd below) */
    C(FADD32, RNE, 0x7f7fffff, 0x73000000, 0, 0x7f800000, OF|NX),
    C(FADD32, RTZ, 0x7f7fffff, 0x73000000, 0, 0x7f7fffff, NX),
    C(FADD32, RDN, 0x7f7fffff, 0x73000000, 0, 0x7f7fffff, NX),
    C(FADD32, RUP, 0x7f7fffff, 0x73000000, 0, 0x7f800000, OF|NX),
    C(FADD32, RMM, 0x7f7fffff, 0x73000000, 0, 0x7f800000, OF|NX),
    /* max * 2 */
    C(FMUL64, RNE, 0x7fefffffffffffff, 0x4000000000000000, 0, 0x7ff0000000000000, OF|NX),
    C(FMUL64, RTZ, 0x7fefffffffffffff, 0x4000000000000000, 0, 0x7fefffffffffffff, OF|NX),
    C(FMUL64, RDN, 0x7fefffffffffffff, 0x4000000000000000, 0, 0x7fefffffffffffff, OF|NX),
    C(FMUL64, RUP, 0x7fefffffffffffff, 0x4000000000000000, 0, 0x7ff0000000000000, OF|NX),
    C(FMUL64, RMM, 0x7fefffffffffffff, 0x4000000000000000, 0, 0x7ff0000000000000, OF|NX),
    /* -max - max */
    C(FSUB64, RNE, 0xffefffffffffffff, 0x7fefffffffffffff, 0, 0xfff0000000000000, OF|NX),
    C(FSUB64, RTZ, 0xffefffffffffffff, 0x7fefffffffffffff, 0, 0xffefffffffffffff, OF|NX),
    C(FSUB64, RDN, 0xffefffffffffffff, 0x7fefffffffffffff, 0, 0xfff0000000000000, OF|NX),
    C(FSUB64, RUP, 0xffefffffffffffff, 0x7fefffffffffffff, 0, 0xffefffffffffffff, OF|NX),
    C(FSUB64, RMM, 0xffefffffffffffff, 0x7fefffffffffffff, 0, 0xfff0000000000000, OF|NX),
    /* max / 0.5 */
    C(FDIV64, RNE, 0x7fefffffffffffff, 0x3fe0000000000000, 0, 0x7ff0000000000000, OF|NX),
    C(FDIV64, RTZ, 0x7fefffffffffffff, 0x3fe0000000000000, 0, 0x7fefffffffffffff, OF|NX),
    /* fma(max, 2, -max) = max exactly */
    C(FMADD64, RNE, 0x7fefffffffffffff, 0x4000000000000000, 0xffefffffffffffff,
      0x7fefffffffffffff, 0),
    /* fma(max, max, 0) */
    C(FMADD32, RNE, 0x7f7fffff, 0x7f7fffff, 0, 0x7f800000, OF|NX),
    C(FMADD32, RTZ, 0x7f7fffff, 0x7f7fffff, 0, 0x7f7fffff, OF|NX),
    C(FMADD32, RDN, 0x7f7fffff, 0x7f7fffff, 0, 0x7f7fffff, OF|NX),
    C(FMADD32, RUP, 0x7f7fffff, 0x7f7fffff, 0, 0x7f800000, OF|NX),
    C(FMADD32, RMM, 0x7f7fffff, 0x7f7fffff, 0, 0x7f800000, OF|NX),
};

Test(fp_overflow, table) { RUN_CASES(fp_overflow_cases); }

static const fp_case fp_underflow_cases[] = {
    /* min subnormal * 0.5: tie with 0 */
    C(FMUL32, RNE, 0x1, 0x3f000000, 0, 0, UF|NX),
    C(FMUL32, RTZ, 0x1, 0x3f000000, 0, 0, UF|NX),
    C(FMUL32, RDN, 0x1, 0x3f000000, 0, 0, UF|NX),
    C(FMUL32, RUP, 0x1, 0x3f000000, 0, 0x1, UF|NX),
    C(FMUL32, RMM, 0x1, 0x3f000000, 0, 0x1, UF|NX),
    /* -min subnormal * 0.5 */
    C(FMUL32, RNE, 0x80000001, 0x3f000000, 0, 0x80000000, UF|NX),
    C(FMUL32, RTZ, 0x80000001, 0x3f000000, 0, 0x80000000, UF|NX),
    C(FMUL32, RDN, 0x80000001, 0x3f000000, 0, 0x80000001, UF|NX),
    C(FMUL32, RUP, 0x80000001, 0x3f000000, 0, 0x80000000, UF|NX),
    C(FMUL32, RMM, 0x80000001, 0x3f000000, 0, 0x80000001, UF|NX),
    /* min subnormal * 0.75 */
    C(FMUL64, RNE, 0x1, 0x3fe8000000000000, 0, 0x1, UF|NX),
    C(FMUL64, RTZ, 0x1, 0x3fe8000000000000, 0, 0, UF|NX),
    C(FMUL64, RDN, 0x1, 0x3fe8000000000000, 0, 0, UF|NX),
    C(FMUL64, RUP, 0x1, 0x3fe8000000000000, 0, 0x1, UF|NX),
    C(FMUL64, RMM, 0x1, 0x3fe8000000000000, 0, 0x1, UF|NX),
    /* min normal * 0.5: exact subnormal, no flags */
    C(FMUL32, RNE, 0x800000, 0x3f000000, 0, 0x400000, 0),
    /* min normal / 3 */
    C(FDIV64, RNE, 0x10000000000000, 0x4008000000000000, 0, 0x5555555555555, UF|NX),
    C(FDIV64, RTZ, 0x10000000000000, 0x4008000000000000, 0, 0x5555555555555, UF|NX),
    C(FDIV64, RDN, 0x10000000000000, 0x4008000000000000, 0, 0x5555555555555, UF|NX),
    C(FDIV64, RUP, 0x10000000000000, 0x4008000000000000, 0, 0x5555555555556, UF|NX),
    C(FDIV64, RMM, 0x10000000000000, 0x4008000000000000, 0, 0x5555555555555, UF|NX),
    /* (1-2^-24) * 2^-126 = 2^-126 - 2^-150: tiny, rounds up to min normal */
    C(FMUL32, RNE, 0x3f7fffff, 0x800000, 0, 0x800000, UF|NX),
    C(FMUL32, RTZ, 0x3f7fffff, 0x800000, 0, 0x7fffff, UF|NX),
    C(FMUL32, RDN, 0x3f7fffff, 0x800000, 0, 0x7fffff, UF|NX),
    C(FMUL32, RUP, 0x3f7fffff, 0x800000, 0, 0x800000, UF|NX),
    C(FMUL32, RMM, 0x3f7fffff, 0x800000, 0, 0x800000, UF|NX),
    /* (1-2^-23) * 2^-126(1+2^-23): not tiny after rounding in RNE */
    C(FMUL32, RNE, 0x3f7ffffe, 0x800001, 0, 0x800000, NX),
    C(FMUL32, RTZ, 0x3f7ffffe, 0x800001, 0, 0x7fffff, UF|NX),
    C(FMUL32, RDN, 0x3f7ffffe, 0x800001, 0, 0x7fffff, UF|NX),
    C(FMUL32, RUP, 0x3f7ffffe, 0x800001, 0, 0x800000, NX),
    C(FMUL32, RMM, 0x3f7ffffe, 0x800001, 0, 0x800000, NX),
    /* (1-2^-53) * 2^-1022: tiny, rounds to min normal */
    C(FMUL64, RNE, 0x3fefffffffffffff, 0x10000000000000, 0, 0x10000000000000, UF|NX),
    C(FMUL64, RTZ, 0x3fefffffffffffff, 0x10000000000000, 0, 0xfffffffffffff, UF|NX),
    C(FMUL64, RDN, 0x3fefffffffffffff, 0x10000000000000, 0, 0xfffffffffffff, UF|NX),
    C(FMUL64, RUP, 0x3fefffffffffffff, 0x10000000000000, 0, 0x10000000000000, UF|NX),
    C(FMUL64, RMM, 0x3fefffffffffffff, 0x10000000000000, 0, 0x10000000000000, UF|NX),
    /* (1-2^-52) * 2^-1022(1+2^-52): not tiny after rounding in RNE */
    C(FMUL64, RNE, 0x3feffffffffffffe, 0x10000000000001, 0, 0x10000000000000, NX),
    C(FMUL64, RTZ, 0x3feffffffffffffe, 0x10000000000001, 0, 0xfffffffffffff, UF|NX),
    C(FMUL64, RDN, 0x3feffffffffffffe, 0x10000000000001, 0, 0xfffffffffffff, UF|NX),
    C(FMUL64, RUP, 0x3feffffffffffffe, 0x10000000000001, 0, 0x10000000000000, NX),
    C(FMUL64, RMM, 0x3feffffffffffffe, 0x10000000000001, 0, 0x10000000000000, NX),
    /* min normal - min subnormal: exact */
    C(FSUB32, RNE, 0x800000, 0x1, 0, 0x7fffff, 0),
    /* fma(2^-100, 2^-100, 0): underflows to 0 */
    C(FMADD32, RNE, 0xd800000, 0xd800000, 0, 0, UF|NX),
    C(FMADD32, RTZ, 0xd800000, 0xd800000, 0, 0, UF|NX),
    C(FMADD32, RDN, 0xd800000, 0xd800000, 0, 0, UF|NX),
    C(FMADD32, RUP, 0xd800000, 0xd800000, 0, 0x1, UF|NX),
    C(FMADD32, RMM, 0xd800000, 0xd800000, 0, 0, UF|NX),
    /* fma(2^-600, -2^-600, 0) */
    C(FMADD64, RNE, 0x1a70000000000000, 0x9a70000000000000, 0, 0x8000000000000000, UF|NX),
    C(FMADD64, RTZ, 0x1a70000000000000, 0x9a70000000000000, 0, 0x8000000000000000, UF|NX),
    C(FMADD64, RDN, 0x1a70000000000000, 0x9a70000000000000, 0, 0x8000000000000001, UF|NX),
    C(FMADD64, RUP, 0x1a70000000000000, 0x9a70000000000000, 0, 0x8000000000000000, UF|NX),
    C(FMADD64, RMM, 0x1a70000000000000, 0x9a70000000000000, 0, 0x8000000000000000, UF|NX),
    /* fma(3*2^-76, 2^-75, 0) = 1.5*2^-150 subnormal */
    C(FMADD32, RNE, 0x1a400000, 0x1a000000, 0, 0x1, UF|NX),
    C(FMADD32, RTZ, 0x1a400000, 0x1a000000, 0, 0, UF|NX),
    C(FMADD32, RDN, 0x1a400000, 0x1a000000, 0, 0, UF|NX),
    C(FMADD32, RUP, 0x1a400000, 0x1a000000, 0, 0x1, UF|NX),
    C(FMADD32, RMM, 0x1a400000, 0x1a000000, 0, 0x1, UF|NX),
};

Test(fp_underflow, table) { RUN_CASES(fp_underflow_cases); }

static const fp_case fp_special_cases[] = {
    /* 1 / 0 */
    C(FDIV32, RNE, 0x3f800000, 0, 0, 0x7f800000, DZ),
    /* -1 / +0 */
    C(FDIV64, RNE, 0xbff0000000000000, 0, 0, 0xfff0000000000000, DZ),
    C(FDIV64, RMM, 0xbff0000000000000, 0, 0, 0xfff0000000000000, DZ),
    /* 1 / -0 */
    C(FDIV32, RMM, 0x3f800000, 0x80000000, 0, 0xff800000, DZ),
    /* 0 / 0 */
    C(FDIV32, RNE, 0, 0, 0, 0x7fc00000, NV),
    C(FDIV32, RMM, 0, 0, 0, 0x7fc00000, NV),
    C(FDIV64, RNE, 0, 0, 0, 0x7ff8000000000000, NV),
    C(FDIV64, RMM, 0, 0, 0, 0x7ff8000000000000, NV),
    /* inf / 0: no DZ */
    C(FDIV64, RNE, 0x7ff0000000000000, 0, 0, 0x7ff0000000000000, 0),
    /* inf / inf */
    C(FDIV32, RNE, 0x7f800000, 0x7f800000, 0, 0x7fc00000, NV),
    /* inf - inf */
    C(FSUB32, RNE, 0x7f800000, 0x7f800000, 0, 0x7fc00000, NV),
    C(FSUB32, RMM, 0x7f800000, 0x7f800000, 0, 0x7fc00000, NV),
    /* inf + -inf */
    C(FADD64, RNE, 0x7ff0000000000000, 0xfff0000000000000, 0, 0x7ff8000000000000, NV),
    C(FADD64, RMM, 0x7ff0000000000000, 0xfff0000000000000, 0, 0x7ff8000000000000, NV),
    /* inf + inf */
    C(FADD64, RNE, 0x7ff0000000000000, 0x7ff0000000000000, 0, 0x7ff0000000000000, 0),
    /* 0 * inf */
    C(FMUL64, RNE, 0, 0x7ff0000000000000, 0, 0x7ff8000000000000, NV),
    C(FMUL64, RMM, 0, 0x7ff0000000000000, 0, 0x7ff8000000000000, NV),
    /* -inf * -2 */
    C(FMUL32, RNE, 0xff800000, 0xc0000000, 0, 0x7f800000, 0),
    /* sqrt(-1) */
    C(FSQRT32, RNE, 0xbf800000, 0, 0, 0x7fc00000, NV),
    C(FSQRT64, RNE, 0xbff0000000000000, 0, 0, 0x7ff8000000000000, NV),
    C(FSQRT64, RMM, 0xbff0000000000000, 0, 0, 0x7ff8000000000000, NV),
    /* sqrt(-0) = -0 */
    C(FSQRT64, RNE, 0x8000000000000000, 0, 0, 0x8000000000000000, 0),
    /* sqrt(-inf) */
    C(FSQRT32, RNE, 0xff800000, 0, 0, 0x7fc00000, NV),
    /* sqrt(inf) */
    C(FSQRT64, RNE, 0x7ff0000000000000, 0, 0, 0x7ff0000000000000, 0),
    /* sqrt(min subnormal) */
    C(FSQRT32, RNE, 0x1, 0, 0, 0x1a3504f3, NX),
    /* fma(inf, 0, 1) */
    C(FMADD32, RNE, 0x7f800000, 0, 0x3f800000, 0x7fc00000, NV),
    C(FMADD32, RMM, 0x7f800000, 0, 0x3f800000, 0x7fc00000, NV),
    /* fma(inf, 0, qNaN): NV even with a quiet addend */
    C(FMADD64, RNE, 0x7ff0000000000000, 0, 0x7ff8000000000000, 0x7ff8000000000000, NV),
    /* fma(0, inf, qNaN) */
    C(FMADD32, RNE, 0, 0xff800000, 0x7fc00000, 0x7fc00000, NV),
    /* fma(inf, 1, -inf) */
    C(FMADD64, RNE, 0x7ff0000000000000, 0x3ff0000000000000, 0xfff0000000000000,
      0x7ff8000000000000, NV),
    C(FMADD64, RMM, 0x7ff0000000000000, 0x3ff0000000000000, 0xfff0000000000000,
      0x7ff8000000000000, NV),
    /* fmsub(inf, 1, inf) */
    C(FMSUB32, RNE, 0x7f800000, 0x3f800000, 0x7f800000, 0x7fc00000, NV),
    /* fma(inf, 2, 1) = inf */
    C(FMADD64, RNE, 0x7ff0000000000000, 0x4000000000000000, 0x3ff0000000000000,
      0x7ff0000000000000, 0),
    C(FMADD64, RMM, 0x7ff0000000000000, 0x4000000000000000, 0x3ff0000000000000,
      0x7ff0000000000000, 0),
};

Test(fp_special, table) { RUN_CASES(fp_special_cases); }

static const fp_case fp_nan_cases[] = {
    /* qNaN + 1 */
    C(FADD32, RNE, 0x7fc00000, 0x3f800000, 0, 0x7fc00000, 0),
    /* negative qNaN with payload + 1 */
    C(FADD32, RNE, 0xffc12345, 0x3f800000, 0, 0x7fc00000, 0),
    /* 1 * sNaN */
    C(FMUL32, RNE, 0x3f800000, 0x7f800001, 0, 0x7fc00000, NV),
    /* sNaN + qNaN */
    C(FADD64, RNE, 0x7ff0000000000001, 0xfff8000000000abc, 0, 0x7ff8000000000000, NV),
    /* qNaN with payload / 2 */
    C(FDIV64, RMM, 0x7ff800000000dead, 0x4000000000000000, 0, 0x7ff8000000000000, 0),
    /* sqrt(sNaN) */
    C(FSQRT32, RNE, 0xff800123, 0, 0, 0x7fc00000, NV),
    /* sqrt(qNaN) */
    C(FSQRT64, RNE, 0xfff8000000000001, 0, 0, 0x7ff8000000000000, 0),
    /* fma(1, 1, sNaN) */
    C(FMADD32, RNE, 0x3f800000, 0x3f800000, 0x7f800002, 0x7fc00000, NV),
    /* fma(qNaN, 1, 1) */
    C(FNMADD64, RMM, 0x7ff8000000000123, 0x3ff0000000000000, 0x3ff0000000000000,
      0x7ff8000000000000, 0),
    /* fma(1, sNaN, qNaN) */
    C(FMSUB64, RNE, 0x3ff0000000000000, 0x7ff4000000000000, 0x7ff8000000000000,
      0x7ff8000000000000, NV),
};

Test(fp_nan, table) { RUN_CASES(fp_nan_cases); }

static const fp_case fp_minmax_cases[] = {
    /* sNaN, 1 */
    C(FMIN32, RNE, 0x7f800001, 0x3f800000, 0, 0x3f800000, NV),
    C(FMAX32, RNE, 0x7f800001, 0x3f800000, 0, 0x3f800000, NV),
    /* qNaN, 1 */
    C(FMIN32, RNE, 0x7fc00000, 0x3f800000, 0, 0x3f800000, 0),
    C(FMAX32, RNE, 0x7fc00000, 0x3f800000, 0, 0x3f800000, 0),
    /* 1, -qNaN */
    C(FMIN32, RNE, 0x3f800000, 0xffc00000, 0, 0x3f800000, 0),
    C(FMAX32, RNE, 0x3f800000, 0xffc00000, 0, 0x3f800000, 0),
    /* qNaN, qNaN */
    C(FMIN32, RNE, 0x7fc00001, 0x7fc00000, 0, 0x7fc00000, 0),
    C(FMAX32, RNE, 0x7fc00001, 0x7fc00000, 0, 0x7fc00000, 0),
    /* sNaN, qNaN */
    C(FMIN32, RNE, 0x7fa00000, 0x7fc00000, 0, 0x7fc00000, NV),
    C(FMAX32, RNE, 0x7fa00000, 0x7fc00000, 0, 0x7fc00000, NV),
    /* -0, +0 */
    C(FMIN32, RNE, 0x80000000, 0, 0, 0x80000000, 0),
    C(FMAX32, RNE, 0x80000000, 0, 0, 0, 0),
    /* +0, -0 */
    C(FMIN32, RNE, 0, 0x80000000, 0, 0x80000000, 0),
    C(FMAX32, RNE, 0, 0x80000000, 0, 0, 0),
    /* -1, 2 */
    C(FMIN32, RNE, 0xbf800000, 0x40000000, 0, 0xbf800000, 0),
    C(FMAX32, RNE, 0xbf800000, 0x40000000, 0, 0x40000000, 0),
    /* -inf, -max */
    C(FMIN32, RNE, 0xff800000, 0xff7fffff, 0, 0xff800000, 0),
    C(FMAX32, RNE, 0xff800000, 0xff7fffff, 0, 0xff7fffff, 0),
    /* min subnormal, 0 */
    C(FMIN32, RNE, 0x1, 0, 0, 0, 0),
    C(FMAX32, RNE, 0x1, 0, 0, 0x1, 0),
    /* sNaN, 1 */
    C(FMIN64, RNE, 0x7ff0000000000001, 0x3ff0000000000000, 0, 0x3ff0000000000000, NV),
    C(FMAX64, RNE, 0x7ff0000000000001, 0x3ff0000000000000, 0, 0x3ff0000000000000, NV),
    /* -qNaN, -1 */
    C(FMIN64, RNE, 0xfff8000000000000, 0xbff0000000000000, 0, 0xbff0000000000000, 0),
    C(FMAX64, RNE, 0xfff8000000000000, 0xbff0000000000000, 0, 0xbff0000000000000, 0),
    /* qNaN, sNaN */
    C(FMIN64, RNE, 0x7ff8000000000000, 0xfff4000000000000, 0, 0x7ff8000000000000, NV),
    C(FMAX64, RNE, 0x7ff8000000000000, 0xfff4000000000000, 0, 0x7ff8000000000000, NV),
    /* -0, +0 */
    C(FMIN64, RNE, 0x8000000000000000, 0, 0, 0x8000000000000000, 0),
    C(FMAX64, RNE, 0x8000000000000000, 0, 0, 0, 0),
    /* +0, -0 */
    C(FMIN64, RNE, 0, 0x8000000000000000, 0, 0x8000000000000000, 0),
    C(FMAX64, RNE, 0, 0x8000000000000000, 0, 0, 0),
    /* 2, 3 */
    C(FMIN64, RNE, 0x4000000000000000, 0x4008000000000000, 0, 0x4000000000000000, 0),
    C(FMAX64, RNE, 0x4000000000000000, 0x4008000000000000, 0, 0x4008000000000000, 0),
    /* inf, -inf */
    C(FMIN64, RNE, 0x7ff0000000000000, 0xfff0000000000000, 0, 0xfff0000000000000, 0),
    C(FMAX64, RNE, 0x7ff0000000000000, 0xfff0000000000000, 0, 0x7ff0000000000000, 0),
};

Test(fp_minmax, table) { RUN_CASES(fp_minmax_cases); }

static const fp_case fp_compare_cases[] = {
    /* qNaN, 1 */
    C(FEQ32, RNE, 0x7fc00000, 0x3f800000, 0, 0, 0),
    C(FLT32, RNE, 0x7fc00000, 0x3f800000, 0, 0, NV),
    C(FLE32, RNE, 0x7fc00000, 0x3f800000, 0, 0, NV),
    /* 1, sNaN */
    C(FEQ32, RNE, 0x3f800000, 0x7f800001, 0, 0, NV),
    C(FLT32, RNE, 0x3f800000, 0x7f800001, 0, 0, NV),
    C(FLE32, RNE, 0x3f800000, 0x7f800001, 0, 0, NV),
    /* -0, +0 */
    C(FEQ32, RNE, 0x80000000, 0, 0, 0x1, 0),
    C(FLT32, RNE, 0x80000000, 0, 0, 0, 0),
    C(FLE32, RNE, 0x80000000, 0, 0, 0x1, 0),
    /* 1, 1 */
    C(FEQ32, RNE, 0x3f800000, 0x3f800000, 0, 0x1, 0),
    C(FLT32, RNE, 0x3f800000, 0x3f800000, 0, 0, 0),
    C(FLE32, RNE, 0x3f800000, 0x3f800000, 0, 0x1, 0),
    /* -2, -1 */
    C(FEQ32, RNE, 0xc0000000, 0xbf800000, 0, 0, 0),
    C(FLT32, RNE, 0xc0000000, 0xbf800000, 0, 0x1, 0),
    C(FLE32, RNE, 0xc0000000, 0xbf800000, 0, 0x1, 0),
    /* -inf, inf */
    C(FEQ32, RNE, 0xff800000, 0x7f800000, 0, 0, 0),
    C(FLT32, RNE, 0xff800000, 0x7f800000, 0, 0x1, 0),
    C(FLE32, RNE, 0xff800000, 0x7f800000, 0, 0x1, 0),
    /* 2, 1 */
    C(FEQ32, RNE, 0x40000000, 0x3f800000, 0, 0, 0),
    C(FLT32, RNE, 0x40000000, 0x3f800000, 0, 0, 0),
    C(FLE32, RNE, 0x40000000, 0x3f800000, 0, 0, 0),
    /* subnormal 1, 2 */
    C(FEQ32, RNE, 0x1, 0x2, 0, 0, 0),
    C(FLT32, RNE, 0x1, 0x2, 0, 0x1, 0),
    C(FLE32, RNE, 0x1, 0x2, 0, 0x1, 0),
    /* 1, qNaN */
    C(FEQ64, RNE, 0x3ff0000000000000, 0xfff8000000000000, 0, 0, 0),
    C(FLT64, RNE, 0x3ff0000000000000, 0xfff8000000000000, 0, 0, NV),
    C(FLE64, RNE, 0x3ff0000000000000, 0xfff8000000000000, 0, 0, NV),
    /* sNaN, sNaN */
    C(FEQ64, RNE, 0x7ff0000000000001, 0x7ff0000000000001, 0, 0, NV),
    C(FLT64, RNE, 0x7ff0000000000001, 0x7ff0000000000001, 0, 0, NV),
    C(FLE64, RNE, 0x7ff0000000000001, 0x7ff0000000000001, 0, 0, NV),
    /* +0, -0 */
    C(FEQ64, RNE, 0, 0x8000000000000000, 0, 0x1, 0),
    C(FLT64, RNE, 0, 0x8000000000000000, 0, 0, 0),
    C(FLE64, RNE, 0, 0x8000000000000000, 0, 0x1, 0),
    /* 1, 1+ulp */
    C(FEQ64, RNE, 0x3ff0000000000000, 0x3ff0000000000001, 0, 0, 0),
    C(FLT64, RNE, 0x3ff0000000000000, 0x3ff0000000000001, 0, 0x1, 0),
    C(FLE64, RNE, 0x3ff0000000000000, 0x3ff0000000000001, 0, 0x1, 0),
    /* -1, -1 */
    C(FEQ64, RNE, 0xbff0000000000000, 0xbff0000000000000, 0, 0x1, 0),
    C(FLT64, RNE, 0xbff0000000000000, 0xbff0000000000000, 0, 0, 0),
    C(FLE64, RNE, 0xbff0000000000000, 0xbff0000000000000, 0, 0x1, 0),
};

Test(fp_compare, table) { RUN_CASES(fp_compare_cases); }

static const fp_case fp_class_cases[] = {
    /* -inf */
    C(FCLASS32, RNE, 0xff800000, 0, 0, 0x1, 0),
    /* -1 */
    C(FCLASS32, RNE, 0xbf800000, 0, 0, 0x2, 0),
    /* -subnormal */
    C(FCLASS32, RNE, 0x807fffff, 0, 0, 0x4, 0),
    /* -0 */
    C(FCLASS32, RNE, 0x80000000, 0, 0, 0x8, 0),
    /* +0 */
    C(FCLASS32, RNE, 0, 0, 0, 0x10, 0),
    /* +subnormal */
    C(FCLASS32, RNE, 0x1, 0, 0, 0x20, 0),
    /* +min normal */
    C(FCLASS32, RNE, 0x800000, 0, 0, 0x40, 0),
    /* +inf */
    C(FCLASS32, RNE, 0x7f800000, 0, 0, 0x80, 0),
    /* sNaN */
    C(FCLASS32, RNE, 0x7f800001, 0, 0, 0x100, 0),
    /* -sNaN */
    C(FCLASS32, RNE, 0xffbfffff, 0, 0, 0x100, 0),
    /* qNaN */
    C(FCLASS32, RNE, 0x7fc00000, 0, 0, 0x200, 0),
    /* -qNaN */
    C(FCLASS32, RNE, 0xffffffff, 0, 0, 0x200, 0),
    /* -inf */
    C(FCLASS64, RNE, 0xfff0000000000000, 0, 0, 0x1, 0),
    /* -max */
    C(FCLASS64, RNE, 0xffefffffffffffff, 0, 0, 0x2, 0),
    /* -subnormal */
    C(FCLASS64, RNE, 0x8000000000000001, 0, 0, 0x4, 0),
    /* -0 */
    C(FCLASS64, RNE, 0x8000000000000000, 0, 0, 0x8, 0),
    /* +0 */
    C(FCLASS64, RNE, 0, 0, 0, 0x10, 0),
    /* +subnormal */
    C(FCLASS64, RNE, 0xfffffffffffff, 0, 0, 0x20, 0),
    /* +1 */
    C(FCLASS64, RNE, 0x3ff0000000000000, 0, 0, 0x40, 0),
    /* +inf */
    C(FCLASS64, RNE, 0x7ff0000000000000, 0, 0, 0x80, 0),
    /* sNaN */
    C(FCLASS64, RNE, 0x7ff0000000000001, 0, 0, 0x100, 0),
    /* qNaN */
    C(FCLASS64, RNE, 0x7ff8000000000000, 0, 0, 0x200, 0),
    /* -qNaN */
    C(FCLASS64, RNE, 0xfff8000000000000, 0, 0, 0x200, 0),
};

Test(fp_class, table) { RUN_CASES(fp_class_cases); }

static const fp_case fp_cvt_int_cases[] = {
    /* 2^31 - 1 */
    C(FCVT_W_F64, RNE, 0x41dfffffffc00000, 0, 0, 0x7fffffff, 0),
    /* 2^31: out of range */
    C(FCVT_W_F64, RNE, 0x41e0000000000000, 0, 0, 0x7fffffff, NV),
    C(FCVT_W_F64, RTZ, 0x41e0000000000000, 0, 0, 0x7fffffff, NV),
    C(FCVT_W_F64, RDN, 0x41e0000000000000, 0, 0, 0x7fffffff, NV),
    C(FCVT_W_F64, RUP, 0x41e0000000000000, 0, 0, 0x7fffffff, NV),
    C(FCVT_W_F64, RMM, 0x41e0000000000000, 0, 0, 0x7fffffff, NV),
    /* 2^31 - 0.5 */
    C(FCVT_W_F64, RNE, 0x41dfffffffe00000, 0, 0, 0x7fffffff, NV),
    C(FCVT_W_F64, RTZ, 0x41dfffffffe00000, 0, 0, 0x7fffffff, NX),
    C(FCVT_W_F64, RDN, 0x41dfffffffe00000, 0, 0, 0x7fffffff, NX),
    C(FCVT_W_F64, RUP, 0x41dfffffffe00000, 0, 0, 0x7fffffff, NV),
    C(FCVT_W_F64, RMM, 0x41dfffffffe00000, 0, 0, 0x7fffffff, NV),
    /* -2^31 */
    C(FCVT_W_F64, RNE, 0xc1e0000000000000, 0, 0, 0xffffffff80000000, 0),
    /* -2^31 - 1 */
    C(FCVT_W_F64, RNE, 0xc1e0000000200000, 0, 0, 0xffffffff80000000, NV),
    /* -2^31 - 0.5 */
    C(FCVT_W_F64, RNE, 0xc1e0000000100000, 0, 0, 0xffffffff80000000, NX),
    C(FCVT_W_F64, RTZ, 0xc1e0000000100000, 0, 0, 0xffffffff80000000, NX),
    C(FCVT_W_F64, RDN, 0xc1e0000000100000, 0, 0, 0xffffffff80000000, NV),
    C(FCVT_W_F64, RUP, 0xc1e0000000100000, 0, 0, 0xffffffff80000000, NX),
    C(FCVT_W_F64, RMM, 0xc1e0000000100000, 0, 0, 0xffffffff80000000, NV),
    /* NaN */
    C(FCVT_W_F64, RNE, 0x7ff8000000000000, 0, 0, 0x7fffffff, NV),
    /* negative NaN */
    C(FCVT_W_F64, RNE, 0xfff8000000000000, 0, 0, 0x7fffffff, NV),
    /* +inf */
    C(FCVT_W_F64, RNE, 0x7ff0000000000000, 0, 0, 0x7fffffff, NV),
    /* -inf */
    C(FCVT_W_F64, RNE, 0xfff0000000000000, 0, 0, 0xffffffff80000000, NV),
    /* -0 */
    C(FCVT_W_F64, RNE, 0x8000000000000000, 0, 0, 0, 0),
    /* min subnormal */
    C(FCVT_W_F64, RNE, 0x1, 0, 0, 0, NX),
    C(FCVT_W_F64, RTZ, 0x1, 0, 0, 0, NX),
    C(FCVT_W_F64, RDN, 0x1, 0, 0, 0, NX),
    C(FCVT_W_F64, RUP, 0x1, 0, 0, 0x1, NX),
    C(FCVT_W_F64, RMM, 0x1, 0, 0, 0, NX),
    /* 0.5 */
    C(FCVT_W_F64, RNE, 0x3fe0000000000000, 0, 0, 0, NX),
    C(FCVT_W_F64, RTZ, 0x3fe0000000000000, 0, 0, 0, NX),
    C(FCVT_W_F64, RDN, 0x3fe0000000000000, 0, 0, 0, NX),
    C(FCVT_W_F64, RUP, 0x3fe0000000000000, 0, 0, 0x1, NX),
    C(FCVT_W_F64, RMM, 0x3fe0000000000000, 0, 0, 0x1, NX),
    /* 1.5 */
    C(FCVT_W_F64, RNE, 0x3ff8000000000000, 0, 0, 0x2, NX),
    C(FCVT_W_F64, RTZ, 0x3ff8000000000000, 0, 0, 0x1, NX),
    C(FCVT_W_F64, RDN, 0x3ff8000000000000, 0, 0, 0x1, NX),
    C(FCVT_W_F64, RUP, 0x3ff8000000000000, 0, 0, 0x2, NX),
    C(FCVT_W_F64, RMM, 0x3ff8000000000000, 0, 0, 0x2, NX),
    /* 2.5 */
    C(FCVT_W_F64, RNE, 0x4004000000000000, 0, 0, 0x2, NX),
    C(FCVT_W_F64, RTZ, 0x4004000000000000, 0, 0, 0x2, NX),
    C(FCVT_W_F64, RDN, 0x4004000000000000, 0, 0, 0x2, NX),
    C(FCVT_W_F64, RUP, 0x4004000000000000, 0, 0, 0x3, NX),
    C(FCVT_W_F64, RMM, 0x4004000000000000, 0, 0, 0x3, NX),
    /* -0.5 */
    C(FCVT_W_F64, RNE, 0xbfe0000000000000, 0, 0, 0, NX),
    C(FCVT_W_F64, RTZ, 0xbfe0000000000000, 0, 0, 0, NX),
    C(FCVT_W_F64, RDN, 0xbfe0000000000000, 0, 0, 0xffffffffffffffff, NX),
    C(FCVT_W_F64, RUP, 0xbfe0000000000000, 0, 0, 0, NX),
    C(FCVT_W_F64, RMM, 0xbfe0000000000000, 0, 0, 0xffffffffffffffff, NX),
    /* -1.5 */
    C(FCVT_W_F64, RNE, 0xbff8000000000000, 0, 0, 0xfffffffffffffffe, NX),
    C(FCVT_W_F64, RTZ, 0xbff8000000000000, 0, 0, 0xffffffffffffffff, NX),
    C(FCVT_W_F64, RDN, 0xbff8000000000000, 0, 0, 0xfffffffffffffffe, NX),
    C(FCVT_W_F64, RUP, 0xbff8000000000000, 0, 0, 0xffffffffffffffff, NX),
    C(FCVT_W_F64, RMM, 0xbff8000000000000, 0, 0, 0xfffffffffffffffe, NX),
    /* -2.5 */
    C(FCVT_W_F64, RNE, 0xc004000000000000, 0, 0, 0xfffffffffffffffe, NX),
    C(FCVT_W_F64, RTZ, 0xc004000000000000, 0, 0, 0xfffffffffffffffe, NX),
    C(FCVT_W_F64, RDN, 0xc004000000000000, 0, 0, 0xfffffffffffffffd, NX),
    C(FCVT_W_F64, RUP, 0xc004000000000000, 0, 0, 0xfffffffffffffffe, NX),
    C(FCVT_W_F64, RMM, 0xc004000000000000, 0, 0, 0xfffffffffffffffd, NX),
    /* 0.5 */
    C(FCVT_W_F32, RNE, 0x3f000000, 0, 0, 0, NX),
    C(FCVT_W_F32, RTZ, 0x3f000000, 0, 0, 0, NX),
    C(FCVT_W_F32, RDN, 0x3f000000, 0, 0, 0, NX),
    C(FCVT_W_F32, RUP, 0x3f000000, 0, 0, 0x1, NX),
    C(FCVT_W_F32, RMM, 0x3f000000, 0, 0, 0x1, NX),
    /* 2.5 */
    C(FCVT_W_F32, RNE, 0x40200000, 0, 0, 0x2, NX),
    C(FCVT_W_F32, RTZ, 0x40200000, 0, 0, 0x2, NX),
    C(FCVT_W_F32, RDN, 0x40200000, 0, 0, 0x2, NX),
    C(FCVT_W_F32, RUP, 0x40200000, 0, 0, 0x3, NX),
    C(FCVT_W_F32, RMM, 0x40200000, 0, 0, 0x3, NX),
    /* -2.5 */
    C(FCVT_W_F32, RNE, 0xc0200000, 0, 0, 0xfffffffffffffffe, NX),
    C(FCVT_W_F32, RTZ, 0xc0200000, 0, 0, 0xfffffffffffffffe, NX),
    C(FCVT_W_F32, RDN, 0xc0200000, 0, 0, 0xfffffffffffffffd, NX),
    C(FCVT_W_F32, RUP, 0xc0200000, 0, 0, 0xfffffffffffffffe, NX),
    C(FCVT_W_F32, RMM, 0xc0200000, 0, 0, 0xfffffffffffffffd, NX),
    /* 2^31 */
    C(FCVT_W_F32, RNE, 0x4f000000, 0, 0, 0x7fffffff, NV),
    /* -2^31 */
    C(FCVT_W_F32, RNE, 0xcf000000, 0, 0, 0xffffffff80000000, 0),
    /* NaN */
    C(FCVT_W_F32, RNE, 0x7fc00000, 0, 0, 0x7fffffff, NV),
    /* sNaN */
    C(FCVT_W_F32, RNE, 0xff800001, 0, 0, 0x7fffffff, NV),
    /* -0.5 to unsigned */
    C(FCVT_WU_F64, RNE, 0xbfe0000000000000, 0, 0, 0, NX),
    C(FCVT_WU_F64, RTZ, 0xbfe0000000000000, 0, 0, 0, NX),
    C(FCVT_WU_F64, RDN, 0xbfe0000000000000, 0, 0, 0, NV),
    C(FCVT_WU_F64, RUP, 0xbfe0000000000000, 0, 0, 0, NX),
    C(FCVT_WU_F64, RMM, 0xbfe0000000000000, 0, 0, 0, NV),
    /* -0.3 to unsigned */
    C(FCVT_WU_F64, RNE, 0xbfd3333333333333, 0, 0, 0, NX),
    C(FCVT_WU_F64, RTZ, 0xbfd3333333333333, 0, 0, 0, NX),
    C(FCVT_WU_F64, RDN, 0xbfd3333333333333, 0, 0, 0, NV),
    C(FCVT_WU_F64, RUP, 0xbfd3333333333333, 0, 0, 0, NX),
    C(FCVT_WU_F64, RMM, 0xbfd3333333333333, 0, 0, 0, NX),
    /* -0.5 to unsigned */
    C(FCVT_WU_F32, RNE, 0xbf000000, 0, 0, 0, NX),
    C(FCVT_WU_F32, RTZ, 0xbf000000, 0, 0, 0, NX),
    C(FCVT_WU_F32, RDN, 0xbf000000, 0, 0, 0, NV),
    C(FCVT_WU_F32, RUP, 0xbf000000, 0, 0, 0, NX),
    C(FCVT_WU_F32, RMM, 0xbf000000, 0, 0, 0, NV),
    /* -1 to unsigned */
    C(FCVT_WU_F64, RNE, 0xbff0000000000000, 0, 0, 0, NV),
    /* -0 to unsigned */
    C(FCVT_WU_F64, RNE, 0x8000000000000000, 0, 0, 0, 0),
    /* 3e9: sign-extended */
    C(FCVT_WU_F64, RNE, 0x41e65a0bc0000000, 0, 0, 0xffffffffb2d05e00, 0),
    /* 2^32 - 1 */
    C(FCVT_WU_F64, RNE, 0x41efffffffe00000, 0, 0, 0xffffffffffffffff, 0),
    /* 2^32 - 0.5 */
    C(FCVT_WU_F64, RNE, 0x41effffffff00000, 0, 0, 0xffffffffffffffff, NV),
    C(FCVT_WU_F64, RTZ, 0x41effffffff00000, 0, 0, 0xffffffffffffffff, NX),
    /* 2^32 */
    C(FCVT_WU_F64, RNE, 0x41f0000000000000, 0, 0, 0xffffffffffffffff, NV),
    /* NaN */
    C(FCVT_WU_F64, RNE, 0x7ff8000000000000, 0, 0, 0xffffffffffffffff, NV),
    /* +inf */
    C(FCVT_WU_F32, RNE, 0x7f800000, 0, 0, 0xffffffffffffffff, NV),
    /* -inf */
    C(FCVT_WU_F32, RNE, 0xff800000, 0, 0, 0, NV),
    /* 2^63 - 1024 (largest below 2^63) */
    C(FCVT_L_F64, RNE, 0x43dfffffffffffff, 0, 0, 0x7ffffffffffffc00, 0),
    /* 2^63 */
    C(FCVT_L_F64, RNE, 0x43e0000000000000, 0, 0, 0x7fffffffffffffff, NV),
    /* -2^63 */
    C(FCVT_L_F64, RNE, 0xc3e0000000000000, 0, 0, 0x8000000000000000, 0),
    /* -2^63 - 2048 */
    C(FCVT_L_F64, RNE, 0xc3e0000000000001, 0, 0, 0x8000000000000000, NV),
    /* NaN */
    C(FCVT_L_F64, RNE, 0x7ff8000000000000, 0, 0, 0x7fffffffffffffff, NV),
    /* -inf */
    C(FCVT_L_F64, RNE, 0xfff0000000000000, 0, 0, 0x8000000000000000, NV),
    /* 1e19 */
    C(FCVT_L_F64, RNE, 0x43e158e460913d00, 0, 0, 0x7fffffffffffffff, NV),
    /* -2.5 */
    C(FCVT_L_F64, RNE, 0xc004000000000000, 0, 0, 0xfffffffffffffffe, NX),
    C(FCVT_L_F64, RTZ, 0xc004000000000000, 0, 0, 0xfffffffffffffffe, NX),
    C(FCVT_L_F64, RDN, 0xc004000000000000, 0, 0, 0xfffffffffffffffd, NX),
    C(FCVT_L_F64, RUP, 0xc004000000000000, 0, 0, 0xfffffffffffffffe, NX),
    C(FCVT_L_F64, RMM, 0xc004000000000000, 0, 0, 0xfffffffffffffffd, NX),
    /* 2^63 */
    C(FCVT_L_F32, RNE, 0x5f000000, 0, 0, 0x7fffffffffffffff, NV),
    /* -2^63 */
    C(FCVT_L_F32, RNE, 0xdf000000, 0, 0, 0x8000000000000000, 0),
    /* 2^62 + 2^39 */
    C(FCVT_L_F32, RNE, 0x5e800001, 0, 0, 0x4000008000000000, 0),
    /* 2^64 */
    C(FCVT_LU_F64, RNE, 0x43f0000000000000, 0, 0, 0xffffffffffffffff, NV),
    /* 2^64 - 2048 */
    C(FCVT_LU_F64, RNE, 0x43efffffffffffff, 0, 0, 0xfffffffffffff800, 0),
    /* 2^63 */
    C(FCVT_LU_F64, RNE, 0x43e0000000000000, 0, 0, 0x8000000000000000, 0),
    /* -1 */
    C(FCVT_LU_F64, RNE, 0xbff0000000000000, 0, 0, 0, NV),
    /* -0.5 */
    C(FCVT_LU_F64, RNE, 0xbfe0000000000000, 0, 0, 0, NX),
    C(FCVT_LU_F64, RTZ, 0xbfe0000000000000, 0, 0, 0, NX),
    C(FCVT_LU_F64, RDN, 0xbfe0000000000000, 0, 0, 0, NV),
    C(FCVT_LU_F64, RUP, 0xbfe0000000000000, 0, 0, 0, NX),
    C(FCVT_LU_F64, RMM, 0xbfe0000000000000, 0, 0, 0, NV),
    /* NaN */
    C(FCVT_LU_F64, RNE, 0xfff8000000000000, 0, 0, 0xffffffffffffffff, NV),
    /* 1e300 */
    C(FCVT_LU_F64, RNE, 0x7e37e43c8800759c, 0, 0, 0xffffffffffffffff, NV),
    /* 2^64 */
    C(FCVT_LU_F32, RNE, 0x5f800000, 0, 0, 0xffffffffffffffff, NV),
    /* 2^64 - 2^40 */
    C(FCVT_LU_F32, RNE, 0x5f7fffff, 0, 0, 0xffffff0000000000, 0),
    /* 1.5 */
    C(FCVT_LU_F32, RNE, 0x3fc00000, 0, 0, 0x2, NX),
    C(FCVT_LU_F32, RTZ, 0x3fc00000, 0, 0, 0x1, NX),
    C(FCVT_LU_F32, RDN, 0x3fc00000, 0, 0, 0x1, NX),
    C(FCVT_LU_F32, RUP, 0x3fc00000, 0, 0, 0x2, NX),
    C(FCVT_LU_F32, RMM, 0x3fc00000, 0, 0, 0x2, NX),
    /* NaN */
    C(FCVT_LU_F32, RNE, 0x7fc00000, 0, 0, 0xffffffffffffffff, NV),
};

Test(fp_cvt_int, table) { RUN_CASES(fp_cvt_int_cases); }

static const fp_case fp_cvt_float_cases[] = {
    /* 2^53 + 1: tie */
    C(FCVT_F64_L, RNE, 0x20000000000001, 0, 0, 0x4340000000000000, NX),
    C(FCVT_F64_L, RTZ, 0x20000000000001, 0, 0, 0x4340000000000000, NX),
    C(FCVT_F64_L, RDN, 0x20000000000001, 0, 0, 0x4340000000000000, NX),
    C(FCVT_F64_L, RUP, 0x20000000000001, 0, 0, 0x4340000000000001, NX),
    C(FCVT_F64_L, RMM, 0x20000000000001, 0, 0, 0x4340000000000001, NX),
    /* 2^53 + 3: tie, odd below */
    C(FCVT_F64_L, RNE, 0x20000000000003, 0, 0, 0x4340000000000002, NX),
    C(FCVT_F64_L, RTZ, 0x20000000000003, 0, 0, 0x4340000000000001, NX),
    C(FCVT_F64_L, RDN, 0x20000000000003, 0, 0, 0x4340000000000001, NX),
    C(FCVT_F64_L, RUP, 0x20000000000003, 0, 0, 0x4340000000000002, NX),
    C(FCVT_F64_L, RMM, 0x20000000000003, 0, 0, 0x4340000000000002, NX),
    /* -(2^53 + 1) */
    C(FCVT_F64_L, RNE, 0xffdfffffffffffff, 0, 0, 0xc340000000000000, NX),
    C(FCVT_F64_L, RTZ, 0xffdfffffffffffff, 0, 0, 0xc340000000000000, NX),
    C(FCVT_F64_L, RDN, 0xffdfffffffffffff, 0, 0, 0xc340000000000001, NX),
    C(FCVT_F64_L, RUP, 0xffdfffffffffffff, 0, 0, 0xc340000000000000, NX),
    C(FCVT_F64_L, RMM, 0xffdfffffffffffff, 0, 0, 0xc340000000000001, NX),
    /* 2^24 + 1: tie */
    C(FCVT_F32_W, RNE, 0x1000001, 0, 0, 0x4b800000, NX),
    C(FCVT_F32_W, RTZ, 0x1000001, 0, 0, 0x4b800000, NX),
    C(FCVT_F32_W, RDN, 0x1000001, 0, 0, 0x4b800000, NX),
    C(FCVT_F32_W, RUP, 0x1000001, 0, 0, 0x4b800001, NX),
    C(FCVT_F32_W, RMM, 0x1000001, 0, 0, 0x4b800001, NX),
    /* -(2^24 + 3) */
    C(FCVT_F32_W, RNE, 0xfffffffffefffffd, 0, 0, 0xcb800002, NX),
    C(FCVT_F32_W, RTZ, 0xfffffffffefffffd, 0, 0, 0xcb800001, NX),
    C(FCVT_F32_W, RDN, 0xfffffffffefffffd, 0, 0, 0xcb800002, NX),
    C(FCVT_F32_W, RUP, 0xfffffffffefffffd, 0, 0, 0xcb800001, NX),
    C(FCVT_F32_W, RMM, 0xfffffffffefffffd, 0, 0, 0xcb800002, NX),
    /* UINT64_MAX */
    C(FCVT_F64_LU, RNE, 0xffffffffffffffff, 0, 0, 0x43f0000000000000, NX),
    C(FCVT_F64_LU, RTZ, 0xffffffffffffffff, 0, 0, 0x43efffffffffffff, NX),
    C(FCVT_F64_LU, RDN, 0xffffffffffffffff, 0, 0, 0x43efffffffffffff, NX),
    C(FCVT_F64_LU, RUP, 0xffffffffffffffff, 0, 0, 0x43f0000000000000, NX),
    C(FCVT_F64_LU, RMM, 0xffffffffffffffff, 0, 0, 0x43f0000000000000, NX),
    C(FCVT_F32_LU, RNE, 0xffffffffffffffff, 0, 0, 0x5f800000, NX),
    C(FCVT_F32_LU, RTZ, 0xffffffffffffffff, 0, 0, 0x5f7fffff, NX),
    C(FCVT_F32_LU, RDN, 0xffffffffffffffff, 0, 0, 0x5f7fffff, NX),
    C(FCVT_F32_LU, RUP, 0xffffffffffffffff, 0, 0, 0x5f800000, NX),
    C(FCVT_F32_LU, RMM, 0xffffffffffffffff, 0, 0, 0x5f800000, NX),
    /* INT64_MIN: exact */
    C(FCVT_F64_L, RNE, 0x8000000000000000, 0, 0, 0xc3e0000000000000, 0),
    /* INT64_MAX */
    C(FCVT_F32_L, RNE, 0x7fffffffffffffff, 0, 0, 0x5f000000, NX),
    C(FCVT_F32_L, RTZ, 0x7fffffffffffffff, 0, 0, 0x5effffff, NX),
    /* 0 is +0 */
    C(FCVT_F64_L, RDN, 0, 0, 0, 0, 0),
    /* -1 */
    C(FCVT_F32_W, RNE, 0xffffffffffffffff, 0, 0, 0xbf800000, 0),
    /* INT32_MIN from the low half only */
    C(FCVT_F64_W, RNE, 0x1234567880000000, 0, 0, 0xc1e0000000000000, 0),
    /* 0xffffffff */
    C(FCVT_F32_WU, RNE, 0xffffffff, 0, 0, 0x4f800000, NX),
    C(FCVT_F32_WU, RTZ, 0xffffffff, 0, 0, 0x4f7fffff, NX),
    /* 0xffffffff with high garbage */
    C(FCVT_F64_WU, RNE, 0xdeadbeefffffffff, 0, 0, 0x41efffffffe00000, 0),
    /* 2^31 + 1 */
    C(FCVT_F32_WU, RNE, 0x80000001, 0, 0, 0x4f000000, NX),
    C(FCVT_F32_WU, RUP, 0x80000001, 0, 0, 0x4f000001, NX),
    /* 1e300 */
    C(FCVT_F32_F64, RNE, 0x7e37e43c8800759c, 0, 0, 0x7f800000, OF|NX),
    C(FCVT_F32_F64, RTZ, 0x7e37e43c8800759c, 0, 0, 0x7f7fffff, OF|NX),
    C(FCVT_F32_F64, RDN, 0x7e37e43c8800759c, 0, 0, 0x7f7fffff, OF|NX),
    C(FCVT_F32_F64, RUP, 0x7e37e43c8800759c, 0, 0, 0x7f800000, OF|NX),
    C(FCVT_F32_F64, RMM, 0x7e37e43c8800759c, 0, 0, 0x7f800000, OF|NX),
    /* -1e300 */
    C(FCVT_F32_F64, RNE, 0xfe37e43c8800759c, 0, 0, 0xff800000, OF|NX),
    C(FCVT_F32_F64, RTZ, 0xfe37e43c8800759c, 0, 0, 0xff7fffff, OF|NX),
    C(FCVT_F32_F64, RDN, 0xfe37e43c8800759c, 0, 0, 0xff800000, OF|NX),
    C(FCVT_F32_F64, RUP, 0xfe37e43c8800759c, 0, 0, 0xff7fffff, OF|NX),
    C(FCVT_F32_F64, RMM, 0xfe37e43c8800759c, 0, 0, 0xff800000, OF|NX),
    /* 1e-300 */
    C(FCVT_F32_F64, RNE, 0x1a56e1fc2f8f359, 0, 0, 0, UF|NX),
    C(FCVT_F32_F64, RTZ, 0x1a56e1fc2f8f359, 0, 0, 0, UF|NX),
    C(FCVT_F32_F64, RDN, 0x1a56e1fc2f8f359, 0, 0, 0, UF|NX),
    C(FCVT_F32_F64, RUP, 0x1a56e1fc2f8f359, 0, 0, 0x1, UF|NX),
    C(FCVT_F32_F64, RMM, 0x1a56e1fc2f8f359, 0, 0, 0, UF|NX),
    /* -1e-300 */
    C(FCVT_F32_F64, RNE, 0x81a56e1fc2f8f359, 0, 0, 0x80000000, UF|NX),
    C(FCVT_F32_F64, RTZ, 0x81a56e1fc2f8f359, 0, 0, 0x80000000, UF|NX),
    C(FCVT_F32_F64, RDN, 0x81a56e1fc2f8f359, 0, 0, 0x80000001, UF|NX),
    C(FCVT_F32_F64, RUP, 0x81a56e1fc2f8f359, 0, 0, 0x80000000, UF|NX),
    C(FCVT_F32_F64, RMM, 0x81a56e1fc2f8f359, 0, 0, 0x80000000, UF|NX),
    /* 1 + 2^-24: tie */
    C(FCVT_F32_F64, RNE, 0x3ff0000010000000, 0, 0, 0x3f800000, NX),
    C(FCVT_F32_F64, RTZ, 0x3ff0000010000000, 0, 0, 0x3f800000, NX),
    C(FCVT_F32_F64, RDN, 0x3ff0000010000000, 0, 0, 0x3f800000, NX),
    C(FCVT_F32_F64, RUP, 0x3ff0000010000000, 0, 0, 0x3f800001, NX),
    C(FCVT_F32_F64, RMM, 0x3ff0000010000000, 0, 0, 0x3f800001, NX),
    /* -(1 + 3*2^-24): tie, odd below */
    C(FCVT_F32_F64, RNE, 0xbff0000030000000, 0, 0, 0xbf800002, NX),
    C(FCVT_F32_F64, RTZ, 0xbff0000030000000, 0, 0, 0xbf800001, NX),
    C(FCVT_F32_F64, RDN, 0xbff0000030000000, 0, 0, 0xbf800002, NX),
    C(FCVT_F32_F64, RUP, 0xbff0000030000000, 0, 0, 0xbf800001, NX),
    C(FCVT_F32_F64, RMM, 0xbff0000030000000, 0, 0, 0xbf800002, NX),
    /* max32 + half an ulp: tie to overflow */
    C(FCVT_F32_F64, RNE, 0x47effffff0000000, 0, 0, 0x7f800000, OF|NX),
    C(FCVT_F32_F64, RTZ, 0x47effffff0000000, 0, 0, 0x7f7fffff, NX),
    C(FCVT_F32_F64, RDN, 0x47effffff0000000, 0, 0, 0x7f7fffff, NX),
    C(FCVT_F32_F64, RUP, 0x47effffff0000000, 0, 0, 0x7f800000, OF|NX),
    C(FCVT_F32_F64, RMM, 0x47effffff0000000, 0, 0, 0x7f800000, OF|NX),
    /* 2^-126 (1 - 2^-25): tiny before rounding only */
    C(FCVT_F32_F64, RNE, 0x380ffffff0000000, 0, 0, 0x800000, NX),
    C(FCVT_F32_F64, RTZ, 0x380ffffff0000000, 0, 0, 0x7fffff, UF|NX),
    C(FCVT_F32_F64, RDN, 0x380ffffff0000000, 0, 0, 0x7fffff, UF|NX),
    C(FCVT_F32_F64, RUP, 0x380ffffff0000000, 0, 0, 0x800000, NX),
    C(FCVT_F32_F64, RMM, 0x380ffffff0000000, 0, 0, 0x800000, NX),
    /* 1.5 * 2^-149: subnormal tie */
    C(FCVT_F32_F64, RNE, 0x36a8000000000000, 0, 0, 0x2, UF|NX),
    C(FCVT_F32_F64, RTZ, 0x36a8000000000000, 0, 0, 0x1, UF|NX),
    C(FCVT_F32_F64, RDN, 0x36a8000000000000, 0, 0, 0x1, UF|NX),
    C(FCVT_F32_F64, RUP, 0x36a8000000000000, 0, 0, 0x2, UF|NX),
    C(FCVT_F32_F64, RMM, 0x36a8000000000000, 0, 0, 0x2, UF|NX),
    /* 2^-150: tie with zero */
    C(FCVT_F32_F64, RNE, 0x3690000000000000, 0, 0, 0, UF|NX),
    C(FCVT_F32_F64, RTZ, 0x3690000000000000, 0, 0, 0, UF|NX),
    C(FCVT_F32_F64, RDN, 0x3690000000000000, 0, 0, 0, UF|NX),
    C(FCVT_F32_F64, RUP, 0x3690000000000000, 0, 0, 0x1, UF|NX),
    C(FCVT_F32_F64, RMM, 0x3690000000000000, 0, 0, 0x1, UF|NX),
    /* sNaN */
    C(FCVT_F32_F64, RNE, 0x7ff0000000000001, 0, 0, 0x7fc00000, NV),
    /* qNaN with payload */
    C(FCVT_F32_F64, RNE, 0xfff8000000012345, 0, 0, 0x7fc00000, 0),
    /* -inf */
    C(FCVT_F32_F64, RNE, 0xfff0000000000000, 0, 0, 0xff800000, 0),
    /* -0 */
    C(FCVT_F32_F64, RNE, 0x8000000000000000, 0, 0, 0x80000000, 0),
    /* sNaN */
    C(FCVT_F64_F32, RNE, 0x7f800001, 0, 0, 0x7ff8000000000000, NV),
    /* qNaN */
    C(FCVT_F64_F32, RNE, 0xffc00000, 0, 0, 0x7ff8000000000000, 0),
    /* min subnormal */
    C(FCVT_F64_F32, RNE, 0x1, 0, 0, 0x36a0000000000000, 0),
    /* -max */
    C(FCVT_F64_F32, RNE, 0xff7fffff, 0, 0, 0xc7efffffe0000000, 0),
    /* -0 */
    C(FCVT_F64_F32, RNE, 0x80000000, 0, 0, 0x8000000000000000, 0),
    /* +inf */
    C(FCVT_F64_F32, RNE, 0x7f800000, 0, 0, 0x7ff0000000000000, 0),
};

Test(fp_cvt_float, table) { RUN_CASES(fp_cvt_float_cases); }
