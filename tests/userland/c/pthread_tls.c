/*
 * pthread_tls.c — thread-local storage: _Thread_local and __thread
 * variables with initialisers, TLS arrays, per-thread errno, and
 * pthread_key_create destructors, across 40 threads.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>

/* pthread_create or end the test: a missing thread would hang it instead. */
static void spawn(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    int err = pthread_create(t, attr, fn, arg);
    if (err != 0) {
        printf("pthread_create failed: %s\n", strerror(err));
        exit(1);
    }
}

enum { NTHREADS = 40 };

static _Thread_local int tl_counter = 100;
static __thread long tl_array[16] = {1, 2, 3};
static __thread char tl_name[32] = "initial";
static _Thread_local struct {
    int a;
    double d;
} tl_struct = {7, 2.5};
static __thread int tl_zero;

static pthread_key_t key;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int destructor_calls;
static long destructor_sum;
static uintptr_t addrs[NTHREADS];

static void destroy(void *p)
{
    pthread_mutex_lock(&m);
    destructor_calls++;
    destructor_sum += *(long *)p;
    pthread_mutex_unlock(&m);
}

static int bump(void)
{
    return ++tl_counter;
}

static void *worker(void *arg)
{
    intptr_t id = (intptr_t)arg;
    int ok = 1;
    /* Every thread starts from the initial image, not from main's values. */
    if (tl_counter != 100 || tl_array[2] != 3 || tl_array[15] != 0 || strcmp(tl_name, "initial") != 0 ||
        tl_struct.a != 7 || tl_struct.d != 2.5 || tl_zero != 0)
        ok = 0;
    addrs[id] = (uintptr_t)&tl_counter;
    snprintf(tl_name, sizeof tl_name, "thread-%02ld", (long)id);
    for (int i = 0; i < 16; i++)
        tl_array[i] = id * 100 + i;
    for (int i = 0; i < 1000 + id; i++)
        bump();
    tl_struct.a = (int)id;
    usleep(1000); /* let the others run and scribble on their own copies */
    if (tl_counter != 1100 + id || tl_array[7] != id * 100 + 7 || tl_struct.a != id)
        ok = 0;
    char expect[32];
    snprintf(expect, sizeof expect, "thread-%02ld", (long)id);
    if (strcmp(tl_name, expect) != 0)
        ok = 0;

    /* errno is thread-local too. */
    errno = 0;
    if (close(-1) != -1 || errno != EBADF)
        ok = 0;

    static long values[NTHREADS];
    values[id] = id + 1;
    pthread_setspecific(key, &values[id]);
    if (pthread_getspecific(key) != &values[id])
        ok = 0;
    return (void *)(intptr_t)ok;
}

int main(void)
{
    pthread_key_create(&key, destroy);
    tl_counter = 5;
    strcpy(tl_name, "main");
    pthread_t t[NTHREADS];
    for (intptr_t i = 0; i < NTHREADS; i++)
        spawn(&t[i], NULL, worker, (void *)i);
    int ok = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        ok += (int)(intptr_t)r;
    }
    int distinct = 1;
    for (int i = 0; i < NTHREADS; i++)
        for (int j = i + 1; j < NTHREADS; j++)
            if (addrs[i] == addrs[j])
                distinct = 0;
    printf("threads with correct TLS: %d of %d\n", ok, NTHREADS);
    printf("TLS addresses distinct: %d, main's differs: %d\n", distinct, addrs[0] != (uintptr_t)&tl_counter);
    printf("main's TLS untouched: counter %d name %s array[2] %ld\n", tl_counter, tl_name, tl_array[2]);
    printf("key destructors: %d calls, sum %ld\n", destructor_calls, destructor_sum);
    pthread_key_delete(key);
    return 0;
}
