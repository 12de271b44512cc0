/* Thread ends and futex-based locks: a robust mutex whose owner died
 * (EOWNERDEAD), priority-inheritance mutexes (FUTEX_LOCK_PI), a thread's
 * own exit while others run, and the main thread leaving with
 * pthread_exit while a worker finishes the process with exit(3). */
//! cflags: -pthread
//! status: 3
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_mutex_t robust;
static void *die_holding(void *arg) {
    (void)arg;
    pthread_mutex_lock(&robust);
    return NULL; /* exits without unlocking */
}

static pthread_mutex_t pi;
static long pi_sum;
static void *pi_worker(void *arg) {
    for (int i = 0; i < 5000; i++) {
        pthread_mutex_lock(&pi);
        pi_sum += (long)arg;
        pthread_mutex_unlock(&pi);
    }
    return NULL;
}

static void *raw_exit(void *arg) {
    (void)arg;
    syscall(SYS_exit, 0); /* ends only this thread */
    return (void *)1;
}

static pthread_t main_thread;
static void *finisher(void *arg) {
    (void)arg;
    void *r;
    int j = pthread_join(main_thread, &r); /* the main thread's pthread_exit value */
    printf("finisher: joined main=%d value=%ld\n", j == 0, (long)r);
    fflush(stdout);
    exit(3);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &ma);
    pthread_t t;
    pthread_create(&t, NULL, die_holding, NULL);
    pthread_join(t, NULL);
    int r = pthread_mutex_lock(&robust);
    printf("robust: lock=%s", r == EOWNERDEAD ? "EOWNERDEAD" : r == 0 ? "0" : "other");
    if (r == EOWNERDEAD)
        printf(" consistent=%d", pthread_mutex_consistent(&robust));
    printf(" unlock=%d\n", pthread_mutex_unlock(&robust));

    pthread_mutexattr_t pa;
    pthread_mutexattr_init(&pa);
    pthread_mutexattr_setprotocol(&pa, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&pi, &pa);
    pthread_t pw[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&pw[i], NULL, pi_worker, (void *)(i + 1));
    for (int i = 0; i < 4; i++)
        pthread_join(pw[i], NULL);
    printf("pi mutex: sum=%ld\n", pi_sum);

    /* A raw SYS_exit ends one thread; glibc still sees it end (the kernel
     * clears its tid at CHILD_CLEARTID and wakes the joiner). */
    pthread_create(&t, NULL, raw_exit, NULL);
    void *res = (void *)7;
    pthread_join(t, &res);
    printf("raw exit: joined\n");

    main_thread = pthread_self();
    pthread_t f;
    pthread_create(&f, NULL, finisher, NULL);
    pthread_exit((void *)99);
}
