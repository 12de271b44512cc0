/*
 * host_fp.c — the host side of the FP differential check (see run.sh).
 *   host_fp gen N SEED   prints N random test lines "op rm a b c" per FP op
 *   host_fp run          reads such lines, evaluates them with ir/ir_fp.c
 *                        and prints "result fflags" like rv_fp does
 * Operands are biased towards the cases that go wrong: specials, NaNs,
 * subnormals, the overflow boundary, short significands (ties and exact
 * results), near-cancellation for add and fma, integer-conversion limits.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"
#include "ir/ir_fp.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A random binary32 (is64 = 0) or binary64 bit pattern. */
static uint64_t rnd_float(int is64)
{
    int p = is64 ? 53 : 24, ebits = is64 ? 11 : 8;
    uint64_t emax = (1u << ebits) - 1, bias = emax >> 1, fmask = (UINT64_C(1) << (p - 1)) - 1;
    uint64_t sign = (rnd() & 1) << (is64 ? 63 : 31);
    uint64_t e, f = rnd() & fmask;
    switch (rnd() % 12) {
    case 0: { /* specials */
        static const uint64_t s32[] = {0, 0x7f800000, 0x7fc00000, 0x7f800001, 0x7fa00000, 1, 0x7fffff,
                                       0x800000, 0x7f7fffff, 0x3f800000, 0x3f000000, 0x3fc00000,
                                       0x40200000, 0x4f000000, 0x5f000000, 0x5f800000, 0x4effffff,
                                       0x5effffff, 0x5f7fffff, 0x4f800000, 0x4f7fffff, 0x3effffff};
        static const uint64_t s64[] = {0, 0x7ff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001,
                                       0x7ff4000000000000, 1, 0xfffffffffffff, 0x10000000000000,
                                       0x7fefffffffffffff, 0x3ff0000000000000, 0x3fe0000000000000,
                                       0x3ff8000000000000, 0x4004000000000000, 0x41e0000000000000,
                                       0x43e0000000000000, 0x43f0000000000000, 0x41dfffffffffffff,
                                       0x41dfffffffe00000, 0x41e0000000100000, 0x41efffffffffffff,
                                       0x41f0000000000000, 0x43efffffffffffff, 0x43dfffffffffffff,
                                       0xc1e0000000200000, 0x3fdfffffffffffff};
        return sign | (is64 ? s64[rnd() % (sizeof s64 / 8)] : s32[rnd() % (sizeof s32 / 8)]);
    }
    case 1: e = 0; break;                                      /* subnormal */
    case 2: e = 1 + rnd() % 3; break;                          /* just above subnormal */
    case 3: e = emax - 1 - rnd() % 3; break;                   /* near overflow */
    case 4: e = bias - 30 + rnd() % 60; f &= ~(fmask >> (rnd() % p)); break; /* short significand */
    case 5: e = bias + rnd() % 66; break;                      /* integer range */
    case 6: e = bias - 2 + rnd() % 4; break;                   /* near 1 */
    case 7: e = bias + p - 3 + rnd() % 5; f = (rnd() & 1) ? fmask - (rnd() & 3) : rnd() & 3; break;
    case 8: e = rnd() % emax; f &= ~(fmask >> (1 + rnd() % 6)); break;
    case 9: e = rnd() % 40 + (rnd() & 1 ? emax - 41 : 0); break; /* extremes */
    default: return sign | (rnd() & (is64 ? UINT64_MAX : 0xffffffff) & ~sign);
    }
    return sign | (e << (p - 1)) | f;
}

static uint64_t rnd_int(void)
{
    int bits = 1 + rnd() % 64;
    uint64_t v = rnd() >> (64 - bits);
    switch (rnd() % 6) {
    case 0: v = (UINT64_C(1) << (rnd() % 64)) + (rnd() % 5) - 2; break;
    case 1: v |= UINT64_C(1) << (bits - 1); v &= ~((UINT64_C(1) << (rnd() % bits)) - 1); break;
    case 2: v = -v; break;
    default: break;
    }
    return v;
}

static int is64_op(int op)
{
    return (op >= IR_FADD64 && op <= IR_FCLASS64) || op == IR_FCVT_W_F64 || op == IR_FCVT_WU_F64 ||
           op == IR_FCVT_L_F64 || op == IR_FCVT_LU_F64 || op == IR_FCVT_F32_F64;
}

static void gen(long n)
{
    for (int op = IR_FADD32; op <= IR_FCVT_F64_F32; op++) {
        int w = is64_op(op);
        int from_int = op >= IR_FCVT_F32_W && op <= IR_FCVT_F64_LU;
        for (long i = 0; i < n; i++) {
            int rm = rnd() % 5;
            uint64_t a = from_int ? rnd_int() : rnd_float(w), b = rnd_float(w), c = rnd_float(w);
            uint64_t sm = w ? UINT64_C(1) << 63 : UINT64_C(1) << 31;
            if (rnd() % 4 == 0) b = a ^ (rnd() % 3 == 0 ? sm : 0) ^ (rnd() & 7); /* near-cancellation */
            if ((op >= IR_FMADD32 && op <= IR_FNMADD32) || (op >= IR_FMADD64 && op <= IR_FNMADD64)) {
                if (rnd() % 3 == 0) { /* c close to -a*b */
                    uint64_t flags = 0;
                    c = ir_fp_arith(w ? IR_FMUL64 : IR_FMUL32, a, b, rnd() % 4, &flags) ^ (rnd() & 1 ? sm : 0);
                    c ^= rnd() & 3;
                }
            }
            if ((op == IR_FDIV32 || op == IR_FDIV64 || op == IR_FMUL32 || op == IR_FMUL64) && rnd() % 4 == 0) {
                int p = w ? 53 : 24; /* a power of two: exact, or ties in the subnormal range */
                uint64_t bias = w ? 1023 : 127;
                b = (b & sm) | ((bias - 40 + rnd() % 80) << (p - 1));
            }
            if (op == IR_FCVT_F64_F32) a &= 0xffffffff;
            printf("%d %d %" PRIx64 " %" PRIx64 " %" PRIx64 "\n", op, rm, a, b, c);
        }
    }
}

static uint64_t eval(int op, int rm, uint64_t a, uint64_t b, uint64_t c, uint64_t *fl)
{
    switch (op) {
    case IR_FADD32: case IR_FSUB32: case IR_FMUL32: case IR_FDIV32:
    case IR_FADD64: case IR_FSUB64: case IR_FMUL64: case IR_FDIV64:
        return ir_fp_arith(op, a, b, rm, fl);
    case IR_FSQRT32: return ir_fp_sqrt32(a, rm, fl);
    case IR_FSQRT64: return ir_fp_sqrt64(a, rm, fl);
    case IR_FMADD32: case IR_FMSUB32: case IR_FNMSUB32: case IR_FNMADD32:
    case IR_FMADD64: case IR_FMSUB64: case IR_FNMSUB64: case IR_FNMADD64:
        return ir_fp_fma(op, a, b, c, rm, fl);
    case IR_FMIN32: case IR_FMAX32: case IR_FMIN64: case IR_FMAX64:
        return ir_fp_minmax(op, a, b, fl);
    case IR_FEQ32: case IR_FLT32: case IR_FLE32: case IR_FEQ64: case IR_FLT64: case IR_FLE64:
        return ir_fp_compare(op, a, b, fl);
    case IR_FCLASS32: return ir_fp_class32(a);
    case IR_FCLASS64: return ir_fp_class64(a);
    default: return ir_fp_convert(op, a, rm, fl);
    }
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "gen")) {
        rng_state = strtoull(argv[3], NULL, 0) * 0x9e3779b97f4a7c15ull + 1;
        gen(strtol(argv[2], NULL, 0));
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "run")) {
        char line[256];
        while (fgets(line, sizeof line, stdin)) {
            int op, rm;
            uint64_t a, b, c, fl = 0;
            if (sscanf(line, "%d %d %" SCNx64 " %" SCNx64 " %" SCNx64, &op, &rm, &a, &b, &c) != 5) continue;
            uint64_t r = eval(op, rm, a, b, c, &fl);
            printf("%" PRIx64 " %" PRIx64 "\n", r, fl);
        }
        return 0;
    }
    fprintf(stderr, "usage: host_fp gen N SEED | host_fp run\n");
    return 2;
}
