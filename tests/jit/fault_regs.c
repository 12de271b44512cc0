/*
 * fault_regs.c — the register state a guest's SIGSEGV handler sees when
 * hot compiled code faults.  Compiled units write the guest state back only
 * at checkpoints (before guest stores and at exits) and a host fault is
 * redone by the interpreter from the last one: this checks that the
 * handler's ucontext (pc, every integer and FP register, fcsr) and the
 * instructions retired so far (rdinstret) are the interpreter's, for a load that faults many loads after the last
 * checkpoint, a load right after a store, a faulting store, a load
 * fault after FP ops whose flags compiled code still holds in the host's
 * MXCSR, and a load fault after a read-modify-write and plain stores, or
 * after an AMO, which the redo must not repeat (the handler prints the
 * counters).
 * The runner compares the output of every tier with --jit=off.
 *
 * usage: fault_regs load|afterstore|store|fpflags|rmw|amo
 */
//! runs: load afterstore store fpflags rmw amo
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* Loads only, with many registers changing between them: no checkpoint
 * inside the loop. */
__attribute__((noinline)) static long mix(const long *q, long n, double *fout)
{
    long a = 1, b = 2, c = 3, d = 4, e = 5;
    double x = 0.5, y = 1.25;
    for (long i = 0; i < n; i++) {
        a += q[i];
        b ^= a << 1;
        c += b * 3;
        d -= c >> 2;
        e = e * 7 + d;
        x = x * 1.0001 + (double)a;
        y = y - x / 3.0;
    }
    *fout = x + y;
    return a + b + c + d + e;
}

/* A store then a load each round: the checkpoint is just before the
 * store, the fault comes at the load after it. */
__attribute__((noinline)) static long store_then_load(long *dst, const long *q, long n)
{
    long s = 0, t = 9;
    for (long i = 0; i < n; i++) {
        dst[i & 31] = s + t;
        t = t * 5 + i;
        s += q[i] ^ t;
    }
    return s + t;
}

/* Stores with changing registers: the fault is at a store. */
__attribute__((noinline)) static long fill(long *q, long n)
{
    long a = 3, b = 11;
    for (long i = 0; i < n; i++) {
        a = a * 13 + b;
        b ^= a >> 3;
        q[i] = a - b;
    }
    return a + b;
}

/* Inexact divisions, a store (the last checkpoint), then loads: when a load
 * faults, the divisions' inexact flag exists only in the host's MXCSR
 * (compiled code keeps FP flags there until it returns), and the guest's
 * fcsr must show it all the same. */
static volatile double one = 1.0; /* not a constant gcc could divide */

__attribute__((noinline)) static long divide_then_load(const long *q, long n, double *io)
{
    double x = *io;
    for (int i = 0; i < 4; i++)
        x = x / 3.0;
    *io = x;
    long s = 0;
    for (long i = 0; i < n; i++)
        s += q[i];
    return s;
}

/* Counters bump() and bump_atomic() change; the handler prints them. */
static long counters[4];

/* A load, a store of what it read plus one and two stores with no load
 * between (one checkpoint serves them), then a load that may fault:
 * redone from the last checkpoint, the increment must not happen twice. */
__attribute__((noinline)) static long bump(const long *q, long n)
{
    volatile long *c = counters; /* each access in the loop, in this order */
    long s = 0;
    for (long i = 0; i < n; i++) {
        c[0] += 1;
        c[1] = s;
        c[2] = i;
        s += q[i];
    }
    return s;
}

/* An AMO, then a load that may fault: the AMO must not run twice. */
__attribute__((noinline)) static long bump_atomic(const long *q, long n)
{
    long s = 0;
    for (long i = 0; i < n; i++) {
        __atomic_fetch_add(&counters[3], 2, __ATOMIC_RELAXED);
        s += q[i];
    }
    return s;
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    unsigned long instret;
    __asm__ volatile("rdinstret %0" : "=r"(instret));
    const ucontext_t *uc = ucv;
    const mcontext_t *m = &uc->uc_mcontext;
    char line[128];
    int n = snprintf(line, sizeof line, "signal %d code %d addr %p\n", sig, si->si_code, si->si_addr);
    write(1, line, (size_t)n);
    for (int r = 0; r < 32; r++) { /* __gregs[0] is the pc */
        n = snprintf(line, sizeof line, "x%d %lx\n", r, (unsigned long)m->__gregs[r]);
        write(1, line, (size_t)n);
    }
    for (int r = 0; r < 32; r++) {
        n = snprintf(line, sizeof line, "f%d %llx\n", r, (unsigned long long)m->__fpregs.__d.__f[r]);
        write(1, line, (size_t)n);
    }
    n = snprintf(line, sizeof line, "fcsr %x\n", m->__fpregs.__d.__fcsr);
    write(1, line, (size_t)n);
    n = snprintf(line, sizeof line, "instret in the handler %lu\n", instret);
    write(1, line, (size_t)n);
    n = snprintf(line, sizeof line, "counters %ld %ld %ld %ld\n", counters[0], counters[1],
                 counters[2], counters[3]);
    write(1, line, (size_t)n);
    _exit(0);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "load";
    char *mem = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return 2;
    munmap(mem + 2 * 4096, 4096); /* a hole right after two pages */
    long *p = (long *)mem;
    static long scratch[32];
    long s = 0;
    double f = 0, g = 0;
    for (int i = 0; i < 1024; i++)
        p[i] = i * 3 + 1;
    for (int rep = 0; rep < 3000; rep++) { /* warm-up: all three get compiled */
        s += mix(p, 1024, &f);
        g += f;
        s += store_then_load(scratch, p, 1024);
        s += fill(p + 512, 256);
        f = one;
        s += divide_then_load(p, 1024, &f);
        s += bump(p, 1024);
        s += bump_atomic(p, 1024);
    }
    printf("warm %ld %a\n", s, g);
    fflush(stdout);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    if (strcmp(mode, "store") == 0)
        s += fill(p + 512, 1024); /* runs into the hole */
    else if (strcmp(mode, "afterstore") == 0)
        s += store_then_load(scratch, p, 2048);
    else if (strcmp(mode, "rmw") == 0)
        s += bump(p, 2048);
    else if (strcmp(mode, "amo") == 0)
        s += bump_atomic(p, 2048);
    else if (strcmp(mode, "fpflags") == 0) {
        f = one;
        feclearexcept(FE_ALL_EXCEPT);
        s += divide_then_load(p, 2048, &f);
    }
    else
        s += mix(p, 2048, &f);
    printf("not reached %ld\n", s);
    return 1;
}
