/*
 * pthread_mutex.c — mutexes across 32 threads: a shared counter, a
 * recursive mutex, trylock, a read-write lock, pthread_once, and the
 * values threads return through pthread_join.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
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

enum { NTHREADS = 32, ITERS = 20000 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static long per_thread[NTHREADS];

static pthread_mutex_t rec;
static int depth_max;

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long table[64];

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void init_once(void)
{
    once_runs++;
}

static void recurse(int depth)
{
    pthread_mutex_lock(&rec);
    if (depth > depth_max)
        depth_max = depth;
    if (depth < 5)
        recurse(depth + 1);
    pthread_mutex_unlock(&rec);
}

static void *adder(void *arg)
{
    intptr_t id = (intptr_t)arg;
    pthread_once(&once, init_once);
    for (int i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        per_thread[id]++;
        pthread_mutex_unlock(&lock);
    }
    recurse(1);
    /* Writers update the table as a whole; readers check it is consistent. */
    for (int i = 0; i < 200; i++) {
        if ((i + id) % 4 == 0) {
            pthread_rwlock_wrlock(&rw);
            for (int k = 0; k < 64; k++)
                table[k]++;
            pthread_rwlock_unlock(&rw);
        } else {
            pthread_rwlock_rdlock(&rw);
            for (int k = 1; k < 64; k++)
                if (table[k] != table[0])
                    abort();
            pthread_rwlock_unlock(&rw);
        }
    }
    return (void *)(id * 3 + 1);
}

int main(void)
{
    pthread_t t[NTHREADS];
    pthread_mutexattr_t ma;

    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&rec, &ma);
    pthread_mutexattr_destroy(&ma);

    for (intptr_t i = 0; i < NTHREADS; i++)
        spawn(&t[i], NULL, adder, (void *)i);
    long joined = 0;
    int all_right = 1;
    for (intptr_t i = 0; i < NTHREADS; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        joined += (intptr_t)ret;
        if ((intptr_t)ret != i * 3 + 1)
            all_right = 0;
    }
    printf("counter %ld (expected %d)\n", counter, NTHREADS * ITERS);
    int even = 1;
    for (int i = 0; i < NTHREADS; i++)
        if (per_thread[i] != ITERS)
            even = 0;
    printf("per-thread counts right: %d\n", even);
    printf("join values sum %ld, each right: %d\n", joined, all_right);
    printf("recursive depth %d, once ran %d time(s)\n", depth_max, once_runs);
    long writes = 0;
    for (int id = 0; id < NTHREADS; id++)
        for (int i = 0; i < 200; i++)
            writes += (i + id) % 4 == 0;
    printf("rwlock table[0] %ld table[63] %ld (expected %ld)\n", table[0], table[63], writes);

    pthread_mutex_lock(&lock);
    printf("trylock on a held mutex: %s\n", pthread_mutex_trylock(&lock) == EBUSY ? "EBUSY" : "?");
    pthread_mutex_unlock(&lock);
    printf("trylock on a free mutex: %d\n", pthread_mutex_trylock(&lock));
    pthread_mutex_unlock(&lock);

    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_t ec;
    pthread_mutex_init(&ec, &ma);
    pthread_mutex_lock(&ec);
    printf("errorcheck relock: %s\n", pthread_mutex_lock(&ec) == EDEADLK ? "EDEADLK" : "?");
    pthread_mutex_unlock(&ec);
    printf("errorcheck unlock of unlocked: %s\n", pthread_mutex_unlock(&ec) == EPERM ? "EPERM" : "?");
    return 0;
}
