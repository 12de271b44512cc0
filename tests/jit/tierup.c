/*
 * tierup.c — enough hot loops, calls, returns and indirect calls to take
 * code through the interpreter, tier 1 and tier-2 regions (with loops,
 * calls and returns inside), with floating point and integer results the
 * runner compares between modes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long xs = 88172645463325252ul;
static unsigned long rnd(void)
{
    xs ^= xs << 13;
    xs ^= xs >> 7;
    xs ^= xs << 17;
    return xs;
}

static int cmp(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

static long collatz(long n)
{
    long steps = 0;
    while (n != 1) {
        n = n & 1 ? 3 * n + 1 : n / 2;
        steps++;
    }
    return steps;
}

typedef double (*op_fn)(double, double);
static double op_add(double a, double b) { return a + b; }
static double op_mul(double a, double b) { return a * b * 0.5; }
static double op_div(double a, double b) { return a / (b + 1.0); }

int main(void)
{
    enum { N = 20000 };
    static long arr[N];
    for (int i = 0; i < N; i++)
        arr[i] = (long)(rnd() % 1000000) - 500000;
    qsort(arr, N, sizeof arr[0], cmp);
    long chk = 0;
    for (int i = 0; i < N; i++)
        chk = chk * 31 + arr[i];
    printf("qsort %ld\n", chk);

    long steps = 0;
    for (long n = 1; n < 30000; n++)
        steps += collatz(n);
    printf("collatz %ld\n", steps);

    op_fn ops[3] = {op_add, op_mul, op_div};
    double acc = 1.0;
    for (int i = 0; i < 300000; i++)
        acc = ops[rnd() % 3](acc, (double)(i % 97) / 7.0);
    printf("fp %.17g\n", acc);

    char buf[64];
    unsigned long h = 5381;
    for (int i = 0; i < 50000; i++) {
        snprintf(buf, sizeof buf, "%d:%lx", i, rnd());
        for (char *c = buf; *c; c++)
            h = h * 33 + (unsigned char)*c;
    }
    printf("strings %lx\n", h);
    float f = 0.0f;
    for (int i = 1; i < 100000; i++)
        f += 1.0f / (float)i;
    printf("harmonic %.9g\n", f);
    return 0;
}
