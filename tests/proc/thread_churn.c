/* Waves of short-lived threads, each running enough guest code to use the
 * interpreter: under ASan, LeakSanitizer finds any per-thread buffer the
 * runtime leaves behind when a guest thread exits (more threads than
 * glibc's stack cache keeps, so no stale TLS hides a lost pointer). */
//! dynamic: yes
#include <pthread.h>
#include <stdio.h>

enum { WAVES = 3, THREADS = 16 };

static void *work(void *arg) {
    volatile long s = 0;
    for (long i = 0; i < 20000; i++)
        s += i ^ (long)arg;
    return (void *)(s & 1);
}

int main(void) {
    long odd = 0;
    for (int w = 0; w < WAVES; w++) {
        pthread_t t[THREADS];
        for (long i = 0; i < THREADS; i++)
            pthread_create(&t[i], NULL, work, (void *)i);
        for (int i = 0; i < THREADS; i++) {
            void *r;
            pthread_join(t[i], &r);
            odd += (long)r;
        }
    }
    printf("%d threads joined, %ld odd sums\n", WAVES * THREADS, odd);
    return 0;
}
