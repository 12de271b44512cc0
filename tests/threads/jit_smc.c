/* Code changed under running threads: the main thread rewrites a
 * generated function, in turn by storing new instructions and flushing
 * (fence.i on riscv64, __builtin___clear_cache), by mprotect (writable,
 * rewrite, executable again), by mapping a fresh page over it (mmap
 * MAP_FIXED) and by munmap + mmap at the same address.  Meanwhile two
 * threads call it (under a read lock, so never during a rewrite) and check
 * every result, and three threads run hot loops of their own that never
 * touch it; under the JIT each rewrite drops every translation while those
 * threads are inside compiled code. */
//! cflags: -pthread
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ROUNDS 8
#define CHUNKS 16

typedef int (*fn_t)(void);
static uint8_t *code;
static int expect;
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static atomic_int stop;
static atomic_long calls, bad_calls, loops, bad_loops;

/* gen() returns v. */
static void emit(uint8_t *at, int v) {
#if defined(__riscv)
    uint32_t insn[2] = {0x00000513u | ((uint32_t)v << 20), /* li a0, v */
                        0x00008067u};                      /* ret */
    memcpy(at, insn, sizeof insn);
#else
    at[0] = 0xb8; /* mov eax, imm32 */
    memcpy(at + 1, &v, 4);
    at[5] = 0xc3; /* ret */
#endif
}

static void flush(uint8_t *at) {
#if defined(__riscv)
    if (expect & 1) {
        __asm__ volatile("fence.i" ::: "memory");
        return;
    }
#endif
    __builtin___clear_cache((char *)at, (char *)at + 16);
}

static void *caller(void *arg) {
    (void)arg;
    while (!atomic_load(&stop)) {
        pthread_rwlock_rdlock(&lock);
        int want = expect, got = ((fn_t)(void *)code)();
        pthread_rwlock_unlock(&lock);
        if (got != want)
            atomic_fetch_add(&bad_calls, 1);
        atomic_fetch_add(&calls, 1);
    }
    return NULL;
}

/* A hot loop of its own: chunk k hashes k's range; the expected hashes
 * were computed before any thread started. */
static uint64_t chunk_hash(int k) {
    uint64_t h = 0xcbf29ce484222325ull + (uint64_t)k;
    for (int i = 0; i < 4000; i++) {
        h ^= (uint64_t)(i * k + 7);
        h *= 0x100000001b3ull;
        if (h & 1)
            h += h >> 17;
    }
    return h;
}
static uint64_t want_hash[CHUNKS];

static void *looper(void *arg) {
    int k = (int)(intptr_t)arg;
    while (!atomic_load(&stop)) {
        if (chunk_hash(k % CHUNKS) != want_hash[k % CHUNKS])
            atomic_fetch_add(&bad_loops, 1);
        atomic_fetch_add(&loops, 1);
        k++;
    }
    return NULL;
}

/* Waits until the callers and the loopers have run a while on the new code. */
static void let_run(void) {
    long c = atomic_load(&calls), l = atomic_load(&loops);
    while (atomic_load(&calls) < c + 100 || atomic_load(&loops) < l + 3)
        usleep(500);
}

static int rewrite(int round) {
    int v = 1 + round % 1000;
    switch (round % 4) {
    case 0: /* store and flush */
        expect = v;
        emit(code, v);
        flush(code);
        return 0;
    case 1: /* mprotect: writable, rewrite, executable */
        if (mprotect(code, 4096, PROT_READ | PROT_WRITE) != 0)
            return -1;
        emit(code, v);
        if (mprotect(code, 4096, PROT_READ | PROT_EXEC) != 0)
            return -1;
        flush(code);
        expect = v;
        return 0;
    case 3: /* unmapped, then mapped again at the same address */
        if (munmap(code, 4096) != 0)
            return -1;
        /* fall through */
    default: { /* case 2: a fresh page mapped over it */
        void *p = mmap(code, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (p != code)
            return -1;
        emit(code, v);
        flush(code);
        expect = v;
        return 0;
    }
    }
}

int main(void) {
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                0);
    if (code == MAP_FAILED)
        return 2;
    for (int k = 0; k < CHUNKS; k++)
        want_hash[k] = chunk_hash(k);
    expect = 1;
    emit(code, 1);
    flush(code);
    pthread_t c[2], l[3];
    for (int i = 0; i < 2; i++)
        pthread_create(&c[i], NULL, caller, NULL);
    for (int i = 0; i < 3; i++)
        pthread_create(&l[i], NULL, looper, (void *)(intptr_t)(i * 5));
    let_run();
    int failed_rewrites = 0;
    for (int round = 0; round < ROUNDS; round++) {
        pthread_rwlock_wrlock(&lock);
        failed_rewrites += rewrite(round) != 0;
        pthread_rwlock_unlock(&lock);
        let_run();
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(c[i], NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(l[i], NULL);
    printf("rounds %d, failed rewrites %d\n", ROUNDS, failed_rewrites);
    printf("calls checked: %s, wrong results %ld\n",
           atomic_load(&calls) > 100L * ROUNDS ? "enough" : "too few", (long)atomic_load(&bad_calls));
    printf("loops checked: %s, wrong hashes %ld\n",
           atomic_load(&loops) > 3L * ROUNDS ? "enough" : "too few", (long)atomic_load(&bad_loops));
    printf("final %d\n", ((fn_t)(void *)code)());
    return 0;
}
