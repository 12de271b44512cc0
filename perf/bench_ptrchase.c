/*
 * bench_ptrchase.c — memory kernel: a dependent random walk through a
 * 32 MiB single-cycle permutation (one cache miss per step, no prefetch can
 * help), then block copies (memcpy/memmove) across the same array.
 *
 *   bench_ptrchase [SIZE]   SIZE hundred-thousand steps, default 150 (15 M);
 *                           the array shrinks for SIZE < 100 so that the
 *                           setup does not dominate short runs
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    long size = argc > 1 ? atol(argv[1]) : 150;
    size_t n = size >= 100 ? (size_t)8 << 20 : (size_t)1 << 20; /* uint32 entries */
    long steps = size * 100000;
    uint32_t *next = malloc(n * sizeof *next);
    if (!next)
        return 1;
    /* Sattolo's algorithm: a random permutation with a single cycle. */
    for (size_t i = 0; i < n; i++)
        next[i] = (uint32_t)i;
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (size_t i = n - 1; i > 0; i--) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        size_t j = (size_t)((x * 0x2545f4914f6cdd1dull) >> 33) % i;
        uint32_t t = next[i];
        next[i] = next[j];
        next[j] = t;
    }
    uint32_t p = 0;
    uint64_t sum = 0;
    for (long s = 0; s < steps; s++) {
        p = next[p];
        sum += p;
    }
    /* Block moves: rotate 64 KiB windows through the array. */
    uint64_t blocks = 0;
    size_t win = 16384;
    uint32_t *tmp = malloc(win * sizeof *tmp);
    for (long r = 0; r < size * 40; r++) {
        size_t from = ((size_t)r * 7919 * win) % (n - win);
        size_t to = ((size_t)r * 104729 * win + 12345) % (n - win);
        memcpy(tmp, next + from, win * sizeof *tmp);
        memmove(next + to + 1, next + to, (win - 1) * sizeof *tmp);
        memcpy(next + to, tmp, win * sizeof *tmp);
        blocks += next[to + r % win];
    }
    printf("end %u sum %llu blocks %llu\n", p, (unsigned long long)sum, (unsigned long long)blocks);
    free(tmp);
    free(next);
    return 0;
}
