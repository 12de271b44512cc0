/* Stress: thread churn (600 threads, 8 at a time), 4000 queued real-time
 * signals aimed at busy threads (none may be lost), and code rewritten
 * and flushed (fence.i) by one thread while three others keep calling it,
 * which drops translations other threads may be running. */
//! cflags: -pthread
//! jit: off auto
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void *nothing(void *arg) { return arg; }

static atomic_long delivered;
static atomic_int stop;
static void rt_handler(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    atomic_fetch_add(&delivered, si->si_value.sival_int);
}
static void *busy(void *arg) {
    (void)arg;
    volatile unsigned long x = 0;
    while (!atomic_load(&stop))
        x++;
    return NULL;
}

/* Code that returns a constant; the writer flips the constant. */
typedef int (*fn_t)(void);
static uint32_t *code;
static atomic_long calls, bad;
static void write_code(int v) {
#if defined(__riscv)
    code[0] = 0x00000513u | ((uint32_t)v << 20); /* li a0, v (addi a0, zero, v) */
    code[1] = 0x00008067u;                       /* ret */
#else
    uint8_t *b = (uint8_t *)code;
    b[0] = 0xb8; /* mov eax, imm32 */
    memcpy(b + 1, &v, 4);
    b[5] = 0xc3; /* ret */
#endif
    __builtin___clear_cache((char *)code, (char *)code + 16);
}
static void *caller(void *arg) {
    (void)arg;
    while (!atomic_load(&stop)) {
        __builtin___clear_cache((char *)code, (char *)code + 16);
        int v = ((fn_t)(void *)code)();
        if (v < 1 || v > 100)
            atomic_fetch_add(&bad, 1);
        atomic_fetch_add(&calls, 1);
    }
    return NULL;
}

int main(void) {
    /* churn */
    long sum = 0;
    for (int round = 0; round < 75; round++) {
        pthread_t t[8];
        for (long i = 0; i < 8; i++)
            if (pthread_create(&t[i], NULL, nothing, (void *)(i + 1)) != 0)
                return 1;
        for (int i = 0; i < 8; i++) {
            void *r;
            pthread_join(t[i], &r);
            sum += (long)r;
        }
    }
    printf("churn: sum=%ld\n", sum);

    /* queued real-time signals at busy threads */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = rt_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGRTMIN + 3, &sa, NULL);
    pthread_t b[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&b[i], NULL, busy, NULL);
    long sent = 0;
    for (int i = 0; i < 4000; i++) {
        union sigval v = {.sival_int = 1};
        while (pthread_sigqueue(b[i % 4], SIGRTMIN + 3, v) == EAGAIN)
            usleep(100);
        sent++;
    }
    while (atomic_load(&delivered) < sent)
        usleep(1000);
    atomic_store(&stop, 1);
    for (int i = 0; i < 4; i++)
        pthread_join(b[i], NULL);
    printf("rt signals: sent=%ld delivered=%ld\n", sent, (long)atomic_load(&delivered));

    /* code rewritten under running threads */
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED)
        return 2;
    write_code(1);
    atomic_store(&stop, 0);
    pthread_t c[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&c[i], NULL, caller, NULL);
    for (int i = 0; i < 20000; i++)
        write_code(1 + i % 100);
    while (atomic_load(&calls) < 30000)
        usleep(1000);
    atomic_store(&stop, 1);
    for (int i = 0; i < 3; i++)
        pthread_join(c[i], NULL);
    printf("rewritten code: bad=%ld final=%d\n", (long)atomic_load(&bad), ((fn_t)(void *)code)());
    return 0;
}
