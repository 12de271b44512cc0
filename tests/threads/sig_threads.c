/* Signals and threads: pthread_kill to a thread blocked in a condition
 * variable wait and to a busy thread, per-thread masks deciding which
 * thread takes a process-directed signal, a sigwait thread, and a
 * blocked-everywhere signal waiting until some thread unblocks it. */
//! cflags: -pthread
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static _Atomic pid_t handler_tid;
static atomic_int handler_runs;
static _Thread_local volatile int my_hits;

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

static void handler(int sig) {
    (void)sig;
    my_hits++;
    atomic_store(&handler_tid, gettid_());
    atomic_fetch_add(&handler_runs, 1);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go;
static _Atomic pid_t waiter_tid;

static void *waiter(void *arg) {
    (void)arg;
    atomic_store(&waiter_tid, gettid_());
    pthread_mutex_lock(&mu);
    while (!go)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return (void *)(long)my_hits;
}

static atomic_int stop_spin;
static _Atomic pid_t spinner_tid;
static void *spinner(void *arg) {
    (void)arg;
    atomic_store(&spinner_tid, gettid_());
    volatile unsigned long x = 0;
    while (!atomic_load(&stop_spin))
        x++;
    return (void *)(long)my_hits;
}

/* Unblocks SIGUSR2 and waits for it: the process-directed SIGUSR2 must
 * land here, as every other thread blocks it. */
static atomic_int taker_ready;
static _Atomic pid_t taker_tid;
static void *taker(void *arg) {
    (void)arg;
    atomic_store(&taker_tid, gettid_());
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    atomic_store(&taker_ready, 1);
    while (!my_hits)
        usleep(1000);
    return (void *)(long)my_hits;
}

static void *sigwaiter(void *arg) {
    sigset_t *set = arg;
    int sig = 0;
    sigwait(set, &sig);
    return (void *)(long)sig;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGUSR1, handler);
    signal(SIGUSR2, handler);

    /* A thread blocked in pthread_cond_wait runs the handler and goes on
     * waiting. */
    pthread_t w;
    pthread_create(&w, NULL, waiter, NULL);
    while (!atomic_load(&waiter_tid))
        usleep(1000);
    usleep(20000);
    pthread_kill(w, SIGUSR1);
    while (atomic_load(&handler_runs) < 1)
        usleep(1000);
    int ran_in_waiter = atomic_load(&handler_tid) == atomic_load(&waiter_tid);
    pthread_mutex_lock(&mu);
    go = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    void *r;
    pthread_join(w, &r);
    printf("cond waiter: handler ran there=%d hits=%ld main hits=%d\n", ran_in_waiter, (long)r,
           my_hits);

    /* A busy thread gets its signal at the next block boundary. */
    pthread_t s;
    pthread_create(&s, NULL, spinner, NULL);
    while (!atomic_load(&spinner_tid))
        usleep(1000);
    for (int i = 0; i < 5; i++) {
        int before = atomic_load(&handler_runs);
        pthread_kill(s, SIGUSR1);
        while (atomic_load(&handler_runs) == before)
            usleep(1000);
    }
    int in_spinner = atomic_load(&handler_tid) == atomic_load(&spinner_tid);
    atomic_store(&stop_spin, 1);
    pthread_join(s, &r);
    printf("spinner: hits=%ld in spinner=%d\n", (long)r, in_spinner);

    /* Process-directed: only the taker does not block SIGUSR2. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    pthread_t t;
    pthread_create(&t, NULL, taker, NULL);
    while (!atomic_load(&taker_ready))
        usleep(1000);
    kill(getpid(), SIGUSR2);
    pthread_join(t, &r);
    printf("process signal: taker hits=%ld main hits=%d in taker=%d\n", (long)r, my_hits,
           atomic_load(&handler_tid) == atomic_load(&taker_tid));

    /* Blocked in every thread: pending for the process until unblocked. */
    kill(getpid(), SIGUSR2);
    sigset_t pend;
    sigpending(&pend);
    int was_pending = sigismember(&pend, SIGUSR2);
    int before = my_hits;
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    printf("all blocked: pending=%d delivered on unblock=%d\n", was_pending, my_hits - before);

    /* sigwait in a thread: every thread blocks SIGINT. */
    sigset_t wset;
    sigemptyset(&wset);
    sigaddset(&wset, SIGINT);
    pthread_sigmask(SIG_BLOCK, &wset, NULL);
    pthread_t sw;
    pthread_create(&sw, NULL, sigwaiter, &wset);
    usleep(20000);
    kill(getpid(), SIGINT);
    pthread_join(sw, &r);
    printf("sigwait: got=%ld\n", (long)r);

    printf("signal 0 to self: r=%d\n", pthread_kill(pthread_self(), 0));
    return 0;
}
