/*
 * pthread_many.c — many threads: 200 short-lived threads in waves, detached
 * threads with a semaphore, custom stack sizes, threads creating threads,
 * pthread_exit, deferred cancellation, and pthread_self/equal.
 */
#include <pthread.h>
#include <semaphore.h>
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

static void *square(void *arg)
{
    intptr_t v = (intptr_t)arg;
    return (void *)(v * v);
}

static sem_t done_sem;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long detached_sum;

static void *detached(void *arg)
{
    pthread_mutex_lock(&m);
    detached_sum += (intptr_t)arg;
    pthread_mutex_unlock(&m);
    sem_post(&done_sem);
    return NULL;
}

/* Uses most of a 1 MiB stack to check the requested size is really there. */
static void *deep_stack(void *arg)
{
    (void)arg;
    volatile char big[768 * 1024];
    memset((char *)big, 1, sizeof big);
    long s = 0;
    for (size_t i = 0; i < sizeof big; i += 4096)
        s += big[i];
    return (void *)s;
}

static void *spawner(void *arg)
{
    intptr_t depth = (intptr_t)arg;
    if (depth == 0)
        return (void *)1;
    pthread_t a, b;
    void *ra, *rb;
    spawn(&a, NULL, spawner, (void *)(depth - 1));
    spawn(&b, NULL, spawner, (void *)(depth - 1));
    pthread_join(a, &ra);
    pthread_join(b, &rb);
    return (void *)((intptr_t)ra + (intptr_t)rb);
}

static void *exits_early(void *arg)
{
    (void)arg;
    pthread_exit((void *)1234);
    return NULL;
}

static int cleanup_ran;

static void cleanup(void *arg)
{
    (void)arg;
    cleanup_ran = 1;
}

static void *cancellable(void *arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, NULL);
    for (;;)
        pause(); /* a cancellation point */
    pthread_cleanup_pop(0);
    return NULL;
}

static pthread_t main_thread;

static void *check_self(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)(!pthread_equal(pthread_self(), main_thread) && pthread_equal(pthread_self(), pthread_self()));
}

int main(void)
{
    long sum = 0;
    for (int wave = 0; wave < 5; wave++) {
        pthread_t t[40];
        for (intptr_t i = 0; i < 40; i++)
            spawn(&t[i], NULL, square, (void *)(wave * 40 + i));
        for (int i = 0; i < 40; i++) {
            void *r;
            pthread_join(t[i], &r);
            sum += (intptr_t)r;
        }
    }
    printf("200 threads in waves: sum of squares %ld\n", sum);

    sem_init(&done_sem, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (intptr_t i = 1; i <= 64; i++) {
        pthread_t t;
        spawn(&t, &attr, detached, (void *)i);
    }
    for (int i = 0; i < 64; i++)
        sem_wait(&done_sem);
    pthread_attr_destroy(&attr);
    printf("64 detached threads: sum %ld\n", detached_sum);

    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1024 * 1024);
    size_t ss = 0;
    pthread_attr_getstacksize(&attr, &ss);
    pthread_t big;
    void *r;
    spawn(&big, &attr, deep_stack, NULL);
    pthread_join(big, &r);
    pthread_attr_destroy(&attr);
    printf("1 MiB stack: size %zu, touched %ld pages\n", ss, (long)(intptr_t)r);

    pthread_t root;
    spawn(&root, NULL, spawner, (void *)6);
    pthread_join(root, &r);
    printf("threads creating threads: %ld leaves\n", (long)(intptr_t)r);

    pthread_t e;
    spawn(&e, NULL, exits_early, NULL);
    pthread_join(e, &r);
    printf("pthread_exit value %ld\n", (long)(intptr_t)r);

    pthread_t c;
    spawn(&c, NULL, cancellable, NULL);
    usleep(20000);
    pthread_cancel(c);
    pthread_join(c, &r);
    printf("cancelled: %d, cleanup handler ran: %d\n", r == PTHREAD_CANCELED, cleanup_ran);

    main_thread = pthread_self();
    pthread_t s;
    spawn(&s, NULL, check_self, NULL);
    pthread_join(s, &r);
    printf("pthread_self/equal right: %ld\n", (long)(intptr_t)r);
    return 0;
}
