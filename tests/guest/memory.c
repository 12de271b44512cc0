/*
 * memory.c — heap churn (malloc/realloc/free of many sizes, so both brk and
 * mmap-backed chunks are used), a large calloc that glibc serves with mmap
 * and must come back zeroed, memcpy/memmove/memset on every small length and
 * alignment, and a deep recursion that grows the stack by several MiB.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

/* Recursion with a frame the compiler cannot shrink away. */
static uint64_t deep(int n, volatile char *prev)
{
    volatile char frame[512];
    frame[0] = (char)n;
    frame[511] = prev ? prev[0] : 0;
    if (n == 0)
        return (uint64_t)(unsigned char)frame[511];
    return deep(n - 1, frame) + (unsigned char)frame[0] + (unsigned char)frame[511];
}

int main(void)
{
    /* Heap churn with a fixed pseudo-random sequence. */
    enum { SLOTS = 512 };
    unsigned char *slot[SLOTS] = {0};
    size_t size[SLOTS] = {0};
    uint32_t seed = 1;
    uint64_t check = 0;
    for (int step = 0; step < 20000; step++) {
        seed = seed * 1664525u + 1013904223u;
        int i = (int)(seed >> 16) % SLOTS;
        size_t want = (seed >> 3) % (step % 97 == 0 ? 300000 : 2000);
        if (slot[i] && (seed & 0x100)) {
            check += hash(slot[i], size[i]);
            free(slot[i]);
            slot[i] = NULL;
            size[i] = 0;
        } else if (slot[i]) {
            unsigned char *p = realloc(slot[i], want + 1);
            if (!p)
                return 2;
            size_t keep = size[i] < want + 1 ? size[i] : want + 1;
            check += hash(p, keep);
            memset(p + keep, (int)(seed & 0xff), want + 1 - keep);
            slot[i] = p;
            size[i] = want + 1;
        } else {
            slot[i] = malloc(want + 1);
            if (!slot[i])
                return 2;
            for (size_t k = 0; k <= want; k++)
                slot[i][k] = (unsigned char)(k * 7 + step);
            size[i] = want + 1;
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        check += hash(slot[i] ? slot[i] : (unsigned char *)"", size[i]);
        free(slot[i]);
    }
    printf("churn check=%016llx\n", (unsigned long long)check);

    /* 64 MiB of zeroes from calloc (mmap), written sparsely and re-read. */
    size_t big = 64u << 20;
    unsigned char *z = calloc(big, 1);
    if (!z)
        return 3;
    size_t nonzero = 0;
    for (size_t i = 0; i < big; i += 4093)
        nonzero += z[i] != 0;
    for (size_t i = 0; i < big; i += 65536)
        z[i] = (unsigned char)(i >> 16);
    uint64_t zsum = 0;
    for (size_t i = 0; i < big; i += 65536)
        zsum += z[i] + z[i + 1];
    printf("calloc nonzero=%zu sum=%llu\n", nonzero, (unsigned long long)zsum);
    free(z);

    /* memcpy/memmove/memset on every length 0..64 and alignment 0..7,
     * including overlapping moves in both directions. */
    unsigned char src[256], dst[256];
    uint64_t mh = 0;
    for (int len = 0; len <= 64; len++) {
        for (int sa = 0; sa < 8; sa++) {
            for (int da = 0; da < 8; da++) {
                for (int i = 0; i < 256; i++) {
                    src[i] = (unsigned char)(i * 31 + len);
                    dst[i] = 0xee;
                }
                memcpy(dst + da, src + sa, (size_t)len);
                mh = mh * 3 + hash(dst, 96);
                memmove(src + da + 3, src + sa, (size_t)len);
                mh = mh * 3 + hash(src, 96);
                memmove(src + sa, src + da + 5, (size_t)len);
                mh = mh * 3 + hash(src, 96);
                memset(dst + sa, len, (size_t)len);
                mh = mh * 3 + hash(dst, 96) + (uint64_t)memcmp(src, dst, (size_t)len + 1) * 0;
                mh += memcmp(dst + sa, src, (size_t)len) > 0;
            }
        }
    }
    printf("mem check=%016llx\n", (unsigned long long)mh);
    /* A large copy crossing many pages. */
    unsigned char *a = malloc(3 << 20), *b = malloc(3 << 20);
    for (size_t i = 0; i < (3u << 20); i++)
        a[i] = (unsigned char)(i ^ (i >> 9));
    memcpy(b, a, 3 << 20);
    memmove(b + 1, b, (3 << 20) - 1);
    printf("big copy hash=%016llx equal=%d\n", (unsigned long long)hash(b, 3 << 20),
           memcmp(a, b + 1, (3 << 20) - 1) == 0);
    free(a);
    free(b);

    /* About 6 MiB of stack (the default limit is 8 MiB). */
    printf("deep=%llu\n", (unsigned long long)deep(10000, NULL));
    return 0;
}
