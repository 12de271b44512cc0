/*
 * bench_sort.c — branch kernel: a hand-written quicksort (median of three,
 * insertion sort for short runs) and a merge of sorted halves on random
 * 32-bit keys, where most branches are data dependent and unpredictable.
 *
 *   bench_sort [SIZE]   SIZE hundred-thousand keys sorted in total,
 *                       default 300 (30 M); prints a checksum
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void insertion(uint32_t *a, long n)
{
    for (long i = 1; i < n; i++) {
        uint32_t v = a[i];
        long j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, long n)
{
    while (n > 16) {
        uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        long i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            uint32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* Recurse into the smaller part, loop on the larger one. */
        if (j + 1 < n - j - 1) {
            quicksort(a, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            quicksort(a + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    insertion(a, n);
}

static void merge(const uint32_t *a, long na, const uint32_t *b, long nb, uint32_t *out)
{
    long i = 0, j = 0, k = 0;
    while (i < na && j < nb)
        out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
    while (i < na)
        out[k++] = a[i++];
    while (j < nb)
        out[k++] = b[j++];
}

int main(int argc, char **argv)
{
    long size = argc > 1 ? atol(argv[1]) : 300;
    long total = size * 100000;
    long n = total < 1000000 ? total : 1000000;
    uint32_t *a = malloc(n * sizeof *a), *out = malloc(n * sizeof *out);
    if (!a || !out)
        return 1;
    uint32_t x = 2463534242u;
    uint64_t check = 0;
    for (long done = 0; done < total; done += n) {
        for (long i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            a[i] = x % 1000003u;
        }
        quicksort(a, n / 2);
        quicksort(a + n / 2, n - n / 2);
        merge(a, n / 2, a + n / 2, n - n / 2, out);
        for (long i = 0; i < n; i += 997)
            check = check * 31 + out[i];
        for (long i = 1; i < n; i++)
            if (out[i - 1] > out[i]) {
                printf("not sorted at %ld\n", i);
                return 1;
            }
    }
    printf("check %016llx\n", (unsigned long long)check);
    free(a);
    free(out);
    return 0;
}
