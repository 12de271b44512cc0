/*
 * fault_loop.c — a guest fault inside hot compiled code: functions that
 * have run long enough to be compiled are called once more with arguments
 * that make them walk into an unmapped page, write a read-only page, read
 * past the end of the guest address space, or make a misaligned atomic
 * access.  Every tier must kill the guest with the same signal at the same
 * pc and address as the interpreter (the runner compares stderr and the
 * exit status).
 *
 * usage: fault_loop load|store|far|amo
 */
//! runs: load store far amo
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

__attribute__((noinline)) static long sum(const volatile long *q, long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += q[i] * 3 + i;
    return s;
}

__attribute__((noinline)) static void fill(volatile long *q, long n, long v)
{
    for (long i = 0; i < n; i++)
        q[i] = v + i;
}

__attribute__((noinline)) static long amo_add(char *base, long n, long stride)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += __atomic_fetch_add((long *)(base + i * stride), 1, __ATOMIC_RELAXED);
    return s;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "load";
    char *mem = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return 2;
    munmap(mem + 2 * 4096, 4096); /* a hole right after two pages */
    long *p = (long *)mem;
    long s = 0;
    for (int rep = 0; rep < 3000; rep++) { /* warm-up: all three get compiled */
        fill(p, 1024, rep);
        s += sum(p, 1024);
        s += amo_add(mem, 64, 8);
    }
    printf("warm %ld\n", s);
    fflush(stdout);
    if (strcmp(mode, "store") == 0) {
        mprotect(mem + 4096, 4096, PROT_READ);
        fill(p, 1024, 5); /* faults at the first word of the read-only page */
    } else if (strcmp(mode, "far") == 0) {
        s += sum((const long *)((uintptr_t)1 << 40), 16); /* beyond the guest space */
    } else if (strcmp(mode, "amo") == 0) {
        s += amo_add(mem + 4, 64, 8); /* misaligned: SIGBUS */
    } else {
        s += sum(p, 2048); /* walks into the hole */
    }
    printf("not reached %ld\n", s);
    return 0;
}
