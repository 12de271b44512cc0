/*
 * fenv.c — dynamic rounding modes (fesetround with rint, nearbyint, lrint,
 * arithmetic and conversions) and the sticky exception flags
 * (feclearexcept / fetestexcept) raised by the basic operations.
 */
//! cflags: -frounding-math
//! libs: -lm
#include <fenv.h>
#include <math.h>
#include <stdio.h>

static const struct {
    int mode;
    const char *name;
} modes[] = {
    {FE_TONEAREST, "nearest"},
    {FE_UPWARD, "upward"},
    {FE_DOWNWARD, "downward"},
    {FE_TOWARDZERO, "towardzero"},
};

static void flags(const char *what)
{
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("%-14s inexact=%d underflow=%d overflow=%d divbyzero=%d invalid=%d\n", what,
           (f & FE_INEXACT) != 0, (f & FE_UNDERFLOW) != 0, (f & FE_OVERFLOW) != 0,
           (f & FE_DIVBYZERO) != 0, (f & FE_INVALID) != 0);
    feclearexcept(FE_ALL_EXCEPT);
}

int main(void)
{
    volatile double vals[] = {2.5, -2.5, 3.5, -0.5, 0.5, 1.25, -7.75, 1e16 + 1.0, 123.456};
    volatile double one = 1.0, three = 3.0, zero = 0.0, tiny = 1e-300, huge = 1e300, m1 = -1.0;
    volatile float fone = 1.0f, fthree = 3.0f;
    volatile long long big = 0x7ffffffffffffdffLL;

    for (unsigned m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        if (fesetround(modes[m].mode) != 0) {
            printf("fesetround(%s) failed\n", modes[m].name);
            continue;
        }
        printf("mode %s get=%d\n", modes[m].name, fegetround() == modes[m].mode);
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
            printf("  %g: rint=%.17g nearbyint=%.17g lrint=%ld llrint=%lld\n", vals[i],
                   rint(vals[i]), nearbyint(vals[i]), lrint(vals[i]), llrint(vals[i]));
        printf("  1/3=%a -1/3=%a f1/3=%a\n", one / three, m1 / three, (double)(fone / fthree));
        printf("  sqrt2=%a sum=%a prod=%a\n", sqrt(2.0 * one), 0.1 + 0.2 * one, 1.1 * 1.1 * one);
        printf("  i64->d=%a d->f=%a\n", (double)big, (double)(float)(one / three));
        printf("  fma=%a\n", fma(one / three, three, -one));
    }
    fesetround(FE_TONEAREST);

    feclearexcept(FE_ALL_EXCEPT);
    flags("clear");
    volatile double r;
    r = one + one;
    flags("exact");
    r = one / three;
    flags("1/3");
    r = one / zero;
    flags("1/0");
    r = zero / zero;
    flags("0/0");
    r = sqrt(m1);
    flags("sqrt(-1)");
    r = huge * huge;
    flags("huge*huge");
    r = tiny * tiny;
    flags("tiny*tiny");
    volatile float fr = fone / (float)zero;
    flags("f 1/0");
    fr = (float)huge;
    flags("d->f overflow");
    (void)r;
    (void)fr;
    r = rint(2.5);
    flags("rint(2.5)");
    r = nearbyint(2.5 * one);
    flags("nearbyint");
    r = rint(2.25 * one);
    flags("rint(2.25)");
    printf("feraiseexcept=%d\n", feraiseexcept(FE_OVERFLOW | FE_INEXACT));
    flags("raised");
    return 0;
}
