/*
 * hot.c — a guest whose time goes to one named function, for the perf
 * tests (tests/cache/perf_names.sh): perf report must show
 * "guest_hot_block+0x..." for liftvm's translated code; and for the cache
 * tests (tests/cache/run.sh), whose runs vary how hot its loop gets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) uint64_t guest_hot_block(uint64_t x, int n)
{
    for (int i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x += (uint64_t)i * 0x9e3779b97f4a7c15ull;
    }
    return x;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 300;
    int n = argc > 2 ? atoi(argv[2]) : 200000; /* iterations of the hot loop */
    uint64_t s = 1;
    for (int k = 0; k < rounds; k++)
        s = guest_hot_block(s, n);
    printf("%llu\n", (unsigned long long)s);
    return 0;
}
