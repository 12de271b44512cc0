/*
 * fp_flags.c — IEEE flags and NaN results of FP ops in hot compiled code.
 * Compiled units do round-to-nearest arithmetic with host SSE instructions
 * and keep the flags those raise in the host's MXCSR until the unit returns
 * or the guest reads or writes fflags; NaN results are made canonical only
 * where a value leaves FP arithmetic (a store, a move to an integer
 * register, sign injection, the state at an exit).  Every round clears the
 * flags, runs one op on one operand pair, reads the flags and folds them
 * and the result's bits into a checksum per op; a chain of dependent ops
 * ends in copysign and a store, so a NaN with a payload that only the host
 * propagates would show.  Quiet compares (isless and friends: frflags, a
 * signalling compare, fsflags) and that bracket around a division check
 * that restoring fflags drops exactly what the bracket raised.  The runner
 * compares every tier with --jit=off.
 */
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
    ADD, SUB, MUL, DIV, SQRT, FMA, MIN, MAX, LT, EQ, TO_F32, TO_F64, TO_I32, FROM_I64,
    QLT, QLE_F32, QLT_MUL, QGE_LT, DIV_DROPPED, CHAIN, NOPS
};
static const char *const names[NOPS] = {"add", "sub", "mul", "div", "sqrt", "fma", "min",
                                        "max", "lt", "eq", "d->f", "f->d", "d->w", "l->d",
                                        "qlt", "qle.s", "qlt*", "qge<", "div-dropped",
                                        "chain"};

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static uint64_t bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static uint32_t fbits(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

/* One op on (a, b, c); returns the result's bits. */
__attribute__((noinline)) static uint64_t run(int op, double a, double b, double c, long l)
{
    switch (op) {
    case ADD: return bits(a + b);
    case SUB: return bits(a - b);
    case MUL: return bits(a * b);
    case DIV: return bits(a / b);
    case SQRT: return bits(sqrt(a));
    case FMA: return bits(fma(a, b, c));
    case MIN: return bits(fmin(a, b));
    case MAX: return bits(fmax(a, b));
    case LT: return a < b;
    case EQ: return a == b;
    case TO_F32: return fbits((float)a);
    case TO_F64: return bits((double)(float)b);
    case TO_I32: return (uint64_t)(long)(int)a; /* out of range: invalid, saturated */
    case FROM_I64: return bits((double)l);
    /* quiet compares: RISC-V has none, GCC brackets flt/fle with frflags
     * and fsflags, which compiled code recognises (jit_lift.c put_fflags) */
    case QLT: return isless(a, b);
    case QLE_F32: return islessequal((float)a, (float)b); /* flags of the conversions stay */
    case QLT_MUL: return isless(a * b, c);                /* and those of the product */
    case QGE_LT: return isgreaterequal(a, b) * 2 + (a < b); /* a signalling compare after */
    case DIV_DROPPED: { /* the same bracket around a division: its flags go */
        uint64_t saved;
        double q;
        __asm__ volatile("frflags %0\n\tfdiv.d %1, %2, %3\n\tfsflags %0"
                         : "=&r"(saved), "=&f"(q)
                         : "f"(a), "f"(b));
        return bits(q) ^ saved;
    }
    default: { /* dependent ops; the NaN leaves through copysign */
        double x = (a + b) * c;
        x = x / (b - c) + a;
        return bits(copysign(x, b));
    }
    }
}

int main(void)
{
    static const uint64_t special[] = {
        0x3ff0000000000000, /* 1 */
        0xc008000000000000, /* -3 */
        0x0000000000000000, /* +0 */
        0x8000000000000000, /* -0 */
        0x7ff0000000000000, /* +inf */
        0xfff0000000000000, /* -inf */
        0x7ff8000000000123, /* quiet NaN with a payload */
        0xfff8000000000000, /* x86's default NaN */
        0x7ff0000000000001, /* signalling NaN */
        0x0010000000000000, /* smallest normal */
        0x0000000000000003, /* subnormal */
        0x7fefffffffffffff, /* largest finite */
        0x3fd5555555555555, /* 1/3 */
        0x41e0000000000000, /* 2^31 */
        0x47efffffe0000000, /* largest binary32, as binary64 */
        0x36a0000000000000, /* 2^-149 */
    };
    enum { N = sizeof special / sizeof special[0] };
    static const long longs[] = {0, -1, 1L << 53, (1L << 53) + 1, INT64_MAX, INT64_MIN, 12345};
    uint64_t sum[NOPS] = {0};
    unsigned flags_seen[NOPS] = {0};
    for (int round = 0; round < 300; round++) { /* hot: compiled after a few rounds */
        for (int op = 0; op < NOPS; op++) {
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j += 3) {
                    double a = from_bits(special[i]), b = from_bits(special[j]);
                    double c = from_bits(special[(i + j) % N]);
                    feclearexcept(FE_ALL_EXCEPT);
                    uint64_t r = run(op, a, b, c, longs[(i + j) % 7]);
                    int f = fetestexcept(FE_ALL_EXCEPT);
                    flags_seen[op] |= (unsigned)f;
                    sum[op] = (sum[op] ^ r) * 0x100000001b3 + (uint64_t)f;
                    if (round == 0 && i % 5 == 0 && j % 6 == 0)
                        printf("%-5s %016llx %016llx -> %016llx flags %02x\n", names[op],
                               (unsigned long long)special[i], (unsigned long long)special[j],
                               (unsigned long long)r, f);
                }
            }
        }
    }
    for (int op = 0; op < NOPS; op++)
        printf("%-5s sum %016llx flags seen %02x\n", names[op], (unsigned long long)sum[op],
               flags_seen[op]);
    return 0;
}
