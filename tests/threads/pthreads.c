/* pthreads: mutexes, condition variables, C11 atomics (LR/SC loops and
 * AMOs) across threads, thread-local storage, 40 threads with join
 * results, detached threads, barriers, rwlocks, once, cancellation. */
//! cflags: -pthread
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NTHREADS 40
#define ITERS 20000

static atomic_long amo_sum;
static atomic_uint_fast64_t cas_word;
static long locked_sum;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static __thread long tls_value = 7;
static __thread char tls_buf[64];

/* A compare-and-swap loop: lr/sc on riscv64. */
static void cas_add(uint64_t v) {
    uint64_t old = atomic_load_explicit(&cas_word, memory_order_relaxed);
    while (!atomic_compare_exchange_weak(&cas_word, &old, old + v))
        ;
}

static void *worker(void *arg) {
    long id = (long)arg;
    tls_value = id;
    snprintf(tls_buf, sizeof tls_buf, "thread %ld", id);
    for (int i = 0; i < ITERS; i++) {
        atomic_fetch_add(&amo_sum, 1);
        cas_add(3);
        if (i % 16 == 0) {
            pthread_mutex_lock(&mu);
            locked_sum += id;
            pthread_mutex_unlock(&mu);
        }
    }
    char expect[64];
    snprintf(expect, sizeof expect, "thread %ld", id);
    long ok = tls_value == id;
    for (int i = 0; expect[i]; i++)
        ok &= tls_buf[i] == expect[i];
    return (void *)(id * 1000 + ok);
}

/* Producer/consumer through a bounded queue with two condition variables. */
#define QCAP 8
static int queue[QCAP], qhead, qcount;
static pthread_mutex_t qmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg) {
    (void)arg;
    for (int i = 1; i <= 5000; i++) {
        pthread_mutex_lock(&qmu);
        while (qcount == QCAP)
            pthread_cond_wait(&not_full, &qmu);
        queue[(qhead + qcount++) % QCAP] = i;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qmu);
    }
    return NULL;
}

static void *consumer(void *arg) {
    long sum = 0;
    (void)arg;
    for (int n = 0; n < 5000; n++) {
        pthread_mutex_lock(&qmu);
        while (qcount == 0)
            pthread_cond_wait(&not_empty, &qmu);
        sum += queue[qhead];
        qhead = (qhead + 1) % QCAP;
        qcount--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qmu);
    }
    return (void *)sum;
}

static pthread_barrier_t barrier;
static atomic_int before, after_wrong;
static void *barrier_worker(void *arg) {
    (void)arg;
    for (int round = 0; round < 50; round++) {
        atomic_fetch_add(&before, 1);
        pthread_barrier_wait(&barrier);
        if (atomic_load(&before) < (round + 1) * 4)
            atomic_fetch_add(&after_wrong, 1);
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_value;
static void *rw_worker(void *arg) {
    long id = (long)arg, seen = 0;
    for (int i = 0; i < 2000; i++) {
        if (i % 10 == id % 10) {
            pthread_rwlock_wrlock(&rw);
            rw_value++;
            pthread_rwlock_unlock(&rw);
        } else {
            pthread_rwlock_rdlock(&rw);
            seen += rw_value >= 0;
            pthread_rwlock_unlock(&rw);
        }
    }
    return (void *)seen;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs;
static void once_fn(void) { atomic_fetch_add(&once_runs, 1); }
static void *once_worker(void *arg) {
    (void)arg;
    pthread_once(&once, once_fn);
    return NULL;
}

static atomic_int detached_done;
static void *detached(void *arg) {
    (void)arg;
    atomic_fetch_add(&detached_done, 1);
    return NULL;
}

static atomic_int cleanup_ran;
static void cleanup(void *arg) { atomic_store(&cleanup_ran, (int)(long)arg); }
static void *cancellable(void *arg) {
    (void)arg;
    pthread_cleanup_push(cleanup, (void *)42);
    for (;;)
        pause(); /* a cancellation point */
    pthread_cleanup_pop(0);
    return NULL;
}

int main(void) {
    pthread_t th[NTHREADS];
    for (long i = 0; i < NTHREADS; i++)
        if (pthread_create(&th[i], NULL, worker, (void *)i) != 0)
            return 1;
    long results = 0, tls_ok = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        pthread_join(th[i], &r);
        results += (long)r / 1000;
        tls_ok += (long)r % 1000;
    }
    printf("threads=%d join-sum=%ld tls-ok=%ld\n", NTHREADS, results, tls_ok);
    printf("amo=%ld cas=%llu mutex=%ld\n", (long)amo_sum, (unsigned long long)cas_word, locked_sum);
    printf("main tls=%ld\n", tls_value);

    pthread_t prod, cons;
    pthread_create(&cons, NULL, consumer, NULL);
    pthread_create(&prod, NULL, producer, NULL);
    void *sum;
    pthread_join(prod, NULL);
    pthread_join(cons, &sum);
    printf("queue sum=%ld\n", (long)sum);

    pthread_barrier_init(&barrier, NULL, 4);
    pthread_t bt[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&bt[i], NULL, barrier_worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(bt[i], NULL);
    printf("barrier before=%d wrong=%d\n", atomic_load(&before), atomic_load(&after_wrong));

    pthread_t rt[6];
    long seen = 0;
    for (long i = 0; i < 6; i++)
        pthread_create(&rt[i], NULL, rw_worker, (void *)i);
    for (int i = 0; i < 6; i++) {
        void *r;
        pthread_join(rt[i], &r);
        seen += (long)r;
    }
    printf("rwlock value=%ld reads=%ld\n", rw_value, seen);

    pthread_t ot[5];
    for (int i = 0; i < 5; i++)
        pthread_create(&ot[i], NULL, once_worker, NULL);
    for (int i = 0; i < 5; i++)
        pthread_join(ot[i], NULL);
    printf("once runs=%d\n", atomic_load(&once_runs));

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 10; i++) {
        pthread_t d;
        pthread_create(&d, &attr, detached, NULL);
    }
    while (atomic_load(&detached_done) < 10)
        usleep(1000);
    printf("detached=%d\n", atomic_load(&detached_done));

    pthread_t ct;
    pthread_create(&ct, NULL, cancellable, NULL);
    usleep(20000);
    pthread_cancel(ct);
    void *cr;
    pthread_join(ct, &cr);
    printf("cancelled=%d cleanup=%d\n", cr == PTHREAD_CANCELED, atomic_load(&cleanup_ran));
    return 0;
}
