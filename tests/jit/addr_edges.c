/*
 * addr_edges.c — guest accesses at the edges of the address space from hot
 * compiled code.  Compiled code checks a base register once for the
 * accesses at small offsets from it and leaves the rest to the guard pages
 * on both sides of guest memory (llvmjit/jit_lift.c guest_ptr); this
 * checks that every edge still behaves as in the interpreter:
 *   - a base above the limit with a negative offset back into the top page
 *     (the code leaves that access to the interpreter: it loads or
 *     faults as the page allows), and one still above the limit (SIGSEGV);
 *   - a base just below the limit whose offset reaches past it (the upper
 *     guard: a host fault redone by the interpreter, SIGSEGV);
 *   - a small base whose negative offset wraps below 0 (the lower guard).
 * Each case runs a loop compiled on good pointers first; the handler
 * prints the signal's address and the loop's progress, then jumps back (a
 * loop that ends prints its sum and the instructions it retired).
 * The runner compares every tier with --jit=off.  The guest address space
 * of riscv64 under liftvm ends at 2^38 (runtime/linux/elf_load.c).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define LIMIT (UINT64_C(1) << 38)
#define N 64

static sigjmp_buf back;
static volatile long progress;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    printf("  signal %d at %#llx after %ld loads\n", sig, (unsigned long long)(uintptr_t)si->si_addr,
           progress);
    siglongjmp(back, 1);
}

/* Sums p[-3] and p[-2] (offsets -24, -16) over the pointers. */
__attribute__((noinline)) static long sum_back(long *const *ptrs, long n)
{
    long s = 0;
    for (long i = 0; i < n; i++) {
        s += ptrs[i][-3] + ptrs[i][-2];
        progress = i + 1;
    }
    return s;
}

/* Sums p[1] and p[2] (offsets +8, +16) over the pointers. */
__attribute__((noinline)) static long sum_fwd(long *const *ptrs, long n)
{
    long s = 0;
    for (long i = 0; i < n; i++) {
        s += ptrs[i][1] + ptrs[i][2];
        progress = i + 1;
    }
    return s;
}

static long *good[N];

/* Runs f hot on good pointers, then on a list whose last entry is bad. */
static void run_case(const char *name, long (*f)(long *const *, long), uintptr_t bad)
{
    long s = 0;
    for (int rep = 0; rep < 3000; rep++)
        s += f(good, N);
    long *list[N];
    memcpy(list, good, sizeof list);
    list[N - 1] = (long *)bad;
    printf("%s: warm %ld\n", name, s);
    if (sigsetjmp(back, 1) == 0) {
        unsigned long before, after;
        __asm__ volatile("rdinstret %0" : "=r"(before));
        s = f(list, N);
        __asm__ volatile("rdinstret %0" : "=r"(after));
        printf("  sum %ld after %ld loads, %lu instructions\n", s, progress, after - before);
    }
    fflush(stdout);
}

int main(void)
{
    static long buf[N + 4];
    for (int i = 0; i < N + 4; i++)
        buf[i] = i * 7 + 1;
    for (int i = 0; i < N; i++)
        good[i] = &buf[3 + i % 2];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);

    /* The top page is liftvm's (mapped above the stack); a new one if not. */
    long *top = mmap((void *)(uintptr_t)(LIMIT - 4096), 4096, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (top != MAP_FAILED) {
        top[510] = 1000;
        top[511] = 2000;
    }
    run_case("base above the limit, access in the top page", sum_back, LIMIT + 8);
    run_case("base above the limit, access above it", sum_back, LIMIT + 64);
    run_case("base below the limit, access past it", sum_fwd, LIMIT - 8);
    run_case("small base, access below 0", sum_back, 8);
    return 0;
}
