/* Several threads run the same hot code at once, so that under the JIT
 * they profile the same blocks, race to get them compiled and tiered up,
 * and run (and chain through) the same compiled units: an integer loop, a
 * switch-dispatched bytecode loop (indirect jumps), recursive calls
 * (returns), a floating-point loop, and string work in libc.  Every thread
 * gets its own inputs; the results are printed in thread order.  Then the
 * threads run the same loops again with different trip counts while the
 * main thread keeps creating short-lived threads that run them too. */
//! cflags: -pthread -ffp-contract=off
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NTHREADS 4

static pthread_barrier_t start;

static uint64_t lcg_loop(uint64_t seed, long n) {
    uint64_t x = seed, h = 0;
    for (long i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        h ^= (x >> 29) + (h << 6) + (h >> 2);
        if ((x & 7) == 3)
            h += i;
    }
    return h;
}

/* A tiny stack machine: the switch becomes a jump table. */
enum { OP_PUSH, OP_ADD, OP_MUL, OP_XOR, OP_DUP, OP_SWAP, OP_DROP, OP_JNZ, OP_DEC, OP_HALT };
static const int prog[] = {
    OP_PUSH, 0,  OP_PUSH, 0, /* acc, counter (set below) */
    OP_SWAP, OP_PUSH, 7, OP_MUL, OP_PUSH, 13, OP_ADD, OP_DUP, OP_PUSH, 0x5a5a, OP_XOR, OP_ADD,
    OP_SWAP, OP_DEC, OP_DUP, OP_JNZ, 4, OP_DROP, OP_HALT,
};
static int64_t vm(int64_t seed, int64_t count) {
    int64_t st[16];
    int sp = 0;
    for (int pc = 0;;) {
        switch (prog[pc++]) {
        case OP_PUSH:
            st[sp++] = prog[pc++];
            if (sp == 1)
                st[0] = seed;
            if (sp == 2)
                st[1] = count;
            break;
        case OP_ADD: sp--; st[sp - 1] += st[sp]; break;
        case OP_MUL: sp--; st[sp - 1] = (st[sp - 1] * st[sp]) & 0xffffffffff; break;
        case OP_XOR: sp--; st[sp - 1] ^= st[sp]; break;
        case OP_DUP: st[sp] = st[sp - 1]; sp++; break;
        case OP_SWAP: { int64_t t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; break; }
        case OP_DROP: sp--; break;
        case OP_JNZ: sp--; pc = st[sp] ? prog[pc] : pc + 1; break;
        case OP_DEC: st[sp - 1]--; break;
        case OP_HALT: return st[sp - 1];
        }
    }
}

static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static double fp_loop(double seed, long n) {
    double s = 0, x = seed;
    for (long i = 0; i < n; i++) {
        x = x * 1.0000001 + 0.25;
        s += sqrt(x) / (1.0 + (double)(i & 15));
    }
    return s;
}

static unsigned long str_work(int seed, int n) {
    char buf[128];
    unsigned long h = 0;
    for (int i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "thread-%d-item-%d", seed, i);
        h = h * 31 + strlen(buf) + (unsigned char)buf[i % strlen(buf)];
    }
    return h;
}

typedef struct job {
    int id;
    long scale;
    uint64_t lcg;
    int64_t vm;
    long fib;
    double fp;
    unsigned long str;
} job;

static void work(job *j) {
    j->lcg = lcg_loop(0x1234 + j->id, 100000 * j->scale);
    j->vm = vm(j->id + 1, 8000 * j->scale);
    j->fib = fib(18 + j->id % 3);
    j->fp = fp_loop(1.5 + j->id, 40000 * j->scale);
    j->str = str_work(j->id, 1000 * (int)j->scale);
}

static void *worker(void *arg) {
    pthread_barrier_wait(&start);
    work(arg);
    return NULL;
}

static void *short_lived(void *arg) {
    work(arg);
    return NULL;
}

static void print(const job *j) {
    printf("thread %d scale %ld: lcg %016llx vm %lld fib %ld fp %.6f str %lu\n", j->id, j->scale,
           (unsigned long long)j->lcg, (long long)j->vm, j->fib, j->fp, j->str);
}

int main(void) {
    job jobs[NTHREADS];
    pthread_t t[NTHREADS];
    for (int round = 0; round < 2; round++) {
        pthread_barrier_init(&start, NULL, NTHREADS);
        for (int i = 0; i < NTHREADS; i++) {
            jobs[i] = (job){.id = i, .scale = round ? 1 + i : 2};
            pthread_create(&t[i], NULL, worker, &jobs[i]);
        }
        /* meanwhile: short-lived threads through the same code */
        job extra[6];
        for (int i = 0; i < 6; i++) {
            extra[i] = (job){.id = 10 + i, .scale = 1};
            pthread_t e;
            pthread_create(&e, NULL, short_lived, &extra[i]);
            pthread_join(e, NULL);
        }
        for (int i = 0; i < NTHREADS; i++)
            pthread_join(t[i], NULL);
        pthread_barrier_destroy(&start);
        for (int i = 0; i < NTHREADS; i++)
            print(&jobs[i]);
        for (int i = 0; i < 6; i++)
            print(&extra[i]);
    }
    return 0;
}
