/*
 * pthread_cond.c — condition variables: a bounded buffer with 4 producers
 * and 4 consumers, broadcast to a crowd of waiters, a barrier, and a timed
 * wait that times out.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

/* pthread_create or end the test: a missing thread would hang it instead. */
static void spawn(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    int err = pthread_create(t, attr, fn, arg);
    if (err != 0) {
        printf("pthread_create failed: %s\n", strerror(err));
        exit(1);
    }
}

enum { CAP = 8, PRODUCERS = 4, CONSUMERS = 4, PER_PRODUCER = 5000 };

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static long buf[CAP];
static int head, count, producers_left = PRODUCERS;
static long consumed_sum[CONSUMERS], consumed_n[CONSUMERS];

static void *producer(void *arg)
{
    long base = (intptr_t)arg * PER_PRODUCER;
    for (long i = 1; i <= PER_PRODUCER; i++) {
        pthread_mutex_lock(&m);
        while (count == CAP)
            pthread_cond_wait(&not_full, &m);
        buf[(head + count) % CAP] = base + i;
        count++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&m);
    }
    pthread_mutex_lock(&m);
    producers_left--;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&m);
    return NULL;
}

static void *consumer(void *arg)
{
    intptr_t id = (intptr_t)arg;
    for (;;) {
        pthread_mutex_lock(&m);
        while (count == 0 && producers_left > 0)
            pthread_cond_wait(&not_empty, &m);
        if (count == 0) {
            pthread_mutex_unlock(&m);
            return NULL;
        }
        long v = buf[head];
        head = (head + 1) % CAP;
        count--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&m);
        consumed_sum[id] += v;
        consumed_n[id]++;
    }
}

static pthread_mutex_t gate_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate = PTHREAD_COND_INITIALIZER;
static int gate_open, waiting, woken;

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&gate_m);
    waiting++;
    pthread_cond_broadcast(&gate); /* tell main one more is waiting */
    while (!gate_open)
        pthread_cond_wait(&gate, &gate_m);
    woken++;
    pthread_mutex_unlock(&gate_m);
    return NULL;
}

static pthread_barrier_t barrier;
static int phase_counts[3];
static pthread_mutex_t pc_m = PTHREAD_MUTEX_INITIALIZER;
static int serial_seen;

static void *phased(void *arg)
{
    (void)arg;
    for (int p = 0; p < 3; p++) {
        pthread_mutex_lock(&pc_m);
        phase_counts[p]++;
        pthread_mutex_unlock(&pc_m);
        int r = pthread_barrier_wait(&barrier);
        if (r == PTHREAD_BARRIER_SERIAL_THREAD) {
            pthread_mutex_lock(&pc_m);
            serial_seen++;
            /* Everyone has finished phase p before anyone starts p+1. */
            if (phase_counts[p] != 6 || (p < 2 && phase_counts[p + 1] != 0))
                serial_seen += 100;
            pthread_mutex_unlock(&pc_m);
        }
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

int main(void)
{
    pthread_t p[PRODUCERS], c[CONSUMERS], w[16], b[6];
    for (intptr_t i = 0; i < CONSUMERS; i++)
        spawn(&c[i], NULL, consumer, (void *)i);
    for (intptr_t i = 0; i < PRODUCERS; i++)
        spawn(&p[i], NULL, producer, (void *)i);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(p[i], NULL);
    for (int i = 0; i < CONSUMERS; i++)
        pthread_join(c[i], NULL);
    long sum = 0, n = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        sum += consumed_sum[i];
        n += consumed_n[i];
    }
    long total = (long)PRODUCERS * PER_PRODUCER;
    printf("bounded buffer: %ld items, sum %ld (expected %ld)\n", n, sum, total * (total + 1) / 2);

    for (int i = 0; i < 16; i++)
        spawn(&w[i], NULL, waiter, NULL);
    pthread_mutex_lock(&gate_m);
    while (waiting < 16)
        pthread_cond_wait(&gate, &gate_m);
    gate_open = 1;
    pthread_cond_broadcast(&gate);
    pthread_mutex_unlock(&gate_m);
    for (int i = 0; i < 16; i++)
        pthread_join(w[i], NULL);
    printf("broadcast woke %d of 16 waiters\n", woken);

    pthread_barrier_init(&barrier, NULL, 6);
    for (int i = 0; i < 6; i++)
        spawn(&b[i], NULL, phased, NULL);
    for (int i = 0; i < 6; i++)
        pthread_join(b[i], NULL);
    pthread_barrier_destroy(&barrier);
    printf("barrier phases %d %d %d, serial thread seen %d times\n", phase_counts[0], phase_counts[1],
           phase_counts[2], serial_seen);

    pthread_cond_t never = PTHREAD_COND_INITIALIZER;
    struct timespec t0, deadline, t1;
    clock_gettime(CLOCK_REALTIME, &t0);
    deadline = t0;
    deadline.tv_nsec += 100 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&m);
    int r = pthread_cond_timedwait(&never, &m, &deadline);
    pthread_mutex_unlock(&m);
    clock_gettime(CLOCK_REALTIME, &t1);
    double waited = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("timedwait: %s after at least 0.1 s: %d\n", r == ETIMEDOUT ? "ETIMEDOUT" : "?", waited >= 0.099);
    return 0;
}
