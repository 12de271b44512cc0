/*
 * fp_arith.c — float and double arithmetic, printf("%.17g") and ("%a"),
 * libm (sin, cos, exp, log, pow, sqrt, fma), comparisons with NaN and
 * infinities, and int <-> float conversions at the edges of the ranges C
 * defines.  NaNs are printed as "nan" without a sign: x86 and RISC-V
 * produce NaNs of different signs and payloads, and both are correct.
 */
//! libs: -lm
//! dynamic: yes
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static void pd(const char *what, double v)
{
    if (isnan(v))
        printf("%-10s nan\n", what);
    else
        printf("%-10s %.17g %a\n", what, v, v);
}

static void pf(const char *what, float v)
{
    if (isnan(v))
        printf("%-10s nan\n", what);
    else
        printf("%-10s %.9g %a\n", what, (double)v, (double)v);
}

int main(void)
{
    volatile double d[] = {0.0, -0.0, 1.0, -1.5, 3.141592653589793, 1e308, -1e-308, 4.9e-324,
                           2.5, 1.0 / 3.0, 123456789.125, INFINITY, -INFINITY, NAN};
    volatile float f[] = {0.0f, -0.0f, 1.0f, -1.5f, 3.14159265f, 3e38f, 1e-45f, 2.5f, 1.0f / 3.0f,
                          16777217.0f, INFINITY, NAN};
    const int nd = sizeof d / sizeof d[0], nf = sizeof f / sizeof f[0];
    char name[32];

    for (int i = 0; i < nd; i++) {
        for (int j = 0; j < nd; j += 3) {
            double a = d[i], b = d[j];
            snprintf(name, sizeof name, "d%d,%d+", i, j);
            pd(name, a + b);
            snprintf(name, sizeof name, "d%d,%d*", i, j);
            pd(name, a * b);
            snprintf(name, sizeof name, "d%d,%d/", i, j);
            pd(name, a / b);
            snprintf(name, sizeof name, "d%d,%d-", i, j);
            pd(name, a - b);
            printf("cmp %d %d %d %d %d %d\n", a < b, a <= b, a == b, a != b, isless(a, b),
                   isunordered(a, b));
            /* fmin/fmax of +0 and -0 may return either zero. */
            pd("fmin", fmin(a, b) + 0.0);
            pd("fmax", fmax(a, b) + 0.0);
        }
        pd("sqrt", sqrt(d[i]));
        pd("fabs", fabs(d[i]));
        pd("neg", -d[i]);
        pd("copysign", copysign(2.0, d[i]));
        pd("floor", floor(d[i]));
        pd("ceil", ceil(d[i]));
        pd("trunc", trunc(d[i]));
        pd("round", round(d[i]));
        printf("class %d %d %d %d signbit=%d\n", isnan(d[i]) != 0, isinf(d[i]) != 0,
               isnormal(d[i]) != 0, fpclassify(d[i]) == FP_SUBNORMAL, signbit(d[i]) != 0);
    }
    for (int i = 0; i < nf; i++) {
        for (int j = 0; j < nf; j += 2) {
            float a = f[i], b = f[j];
            pf("f+", a + b);
            pf("f*", a * b);
            pf("f/", a / b);
            pf("f-", a - b);
            pf("fmaf", fmaf(a, b, 1.0f));
        }
        pf("sqrtf", sqrtf(f[i]));
        pd("f->d", (double)f[i]);
        pf("d->f", (float)d[i]);
    }

    /* libm: these are accurate to within an ulp on both hosts; print them
     * to 15 significant digits so an off-by-one-ulp library difference
     * does not show, the exact bits of the basic ops are checked above. */
    for (double x = -3.0; x <= 3.0; x += 0.375) {
        printf("x=%g sin=%.15g cos=%.15g exp=%.15g atan=%.15g tanh=%.15g\n", x, sin(x), cos(x),
               exp(x), atan(x), tanh(x));
        if (x > 0)
            printf("  log=%.15g pow=%.15g cbrt=%.15g log10=%.15g\n", log(x), pow(x, 1.7), cbrt(x),
                   log10(x));
    }
    pd("fma", fma(0.1, 10.0, -1.0));
    pd("sqrt2", sqrt(2.0));
    pf("sqrt2f", sqrtf(2.0f));
    pd("pow2", pow(2.0, 0.5));
    pd("exp1", exp(1.0));
    pd("log2", log(2.0));
    pd("hypot", hypot(3.0, 4.0));
    pd("ldexp", ldexp(1.0, -1074));
    pd("frexp", frexp(48.0, &(int){0}));
    pd("fmod", fmod(10.5, 3.0));
    pd("remainder", remainder(10.5, 3.0));

    /* Conversions at the limits, all within C's defined range. */
    volatile double big = 9223372036854774784.0; /* largest double below 2^63 */
    volatile double ubig = 18446744073709549568.0; /* largest double below 2^64 */
    volatile double neg = -9223372036854775808.0;
    volatile int64_t imax = INT64_MAX, imin = INT64_MIN;
    volatile uint64_t umax = UINT64_MAX, uodd = 0x8000000000000401ull;
    volatile int32_t i32min = INT32_MIN;
    volatile double trunc_me = -2147483648.9;
    printf("d->i64 %" PRId64 " %" PRId64 "\n", (int64_t)big, (int64_t)neg);
    printf("d->u64 %" PRIu64 "\n", (uint64_t)ubig);
    printf("d->i32 %" PRId32 " %" PRId32 "\n", (int32_t)trunc_me, (int32_t)-2147483647.5);
    printf("d->u32 %" PRIu32 "\n", (uint32_t)(volatile double){4294967295.75});
    pd("i64->d", (double)imax);
    pd("i64->d", (double)imin);
    pd("u64->d", (double)umax);
    pd("u64->d", (double)uodd);
    pf("u64->f", (float)umax);
    pf("i64->f", (float)imin);
    pd("i32->d", (double)i32min);
    pf("i32->f", (float)(i32min + 1));
    pd("u32->d", (double)(uint32_t)0xffffffffu);
    printf("f->i64 %" PRId64 "\n", (int64_t)(volatile float){-9.2233715e18f});
    printf("dbl limits %a %a %a\n", DBL_MAX, DBL_MIN, DBL_EPSILON);
    printf("flt limits %a %a %a\n", (double)FLT_MAX, (double)FLT_MIN, (double)FLT_EPSILON);
    return 0;
}
