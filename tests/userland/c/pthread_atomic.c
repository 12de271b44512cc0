/*
 * pthread_atomic.c — C11 atomics across threads: fetch_add, a CAS loop,
 * an atomic_flag spinlock, release/acquire message passing, exchange, and
 * a lock-free Treiber stack shared by 8 threads.
 */
#include <pthread.h>
#include <stdatomic.h>
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

enum { NTHREADS = 32, ITERS = 50000 };

static atomic_long total;
static atomic_int max_seen;
static atomic_flag spin = ATOMIC_FLAG_INIT;
static long spin_protected;
static atomic_uint tickets;
static unsigned char got_ticket[NTHREADS * 100];

static void *hammer(void *arg)
{
    intptr_t id = (intptr_t)arg;
    for (int i = 0; i < ITERS; i++)
        atomic_fetch_add_explicit(&total, 1, memory_order_relaxed);
    /* CAS loop: keep the largest value any thread offers. */
    for (int i = 0; i < 1000; i++) {
        int mine = (int)((id * 7919 + i * 104729) % 100003);
        int cur = atomic_load(&max_seen);
        while (mine > cur && !atomic_compare_exchange_weak(&max_seen, &cur, mine))
            ;
    }
    for (int i = 0; i < 2000; i++) {
        while (atomic_flag_test_and_set_explicit(&spin, memory_order_acquire))
            ;
        spin_protected++;
        atomic_flag_clear_explicit(&spin, memory_order_release);
    }
    for (int i = 0; i < 100; i++) {
        unsigned t = atomic_fetch_add(&tickets, 1);
        got_ticket[t]++;
    }
    return NULL;
}

/* Release/acquire: the reader must see the payload once it sees the flag. */
static long payload[1000];
static atomic_int ready;

static void *writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        payload[i] = (long)i * i;
    atomic_store_explicit(&ready, 1, memory_order_release);
    return NULL;
}

static void *reader(void *arg)
{
    long *sum = arg;
    while (!atomic_load_explicit(&ready, memory_order_acquire))
        ;
    for (int i = 0; i < 1000; i++)
        *sum += payload[i];
    return NULL;
}

struct node {
    struct node *next;
    long value;
};
static _Atomic(struct node *) top;
static atomic_long popped_sum, popped_n;

static void push(struct node *n)
{
    struct node *old = atomic_load(&top);
    do
        n->next = old;
    while (!atomic_compare_exchange_weak(&top, &old, n));
}

/* Pop is only safe without reuse of nodes (no ABA): nodes are never freed
 * until every thread has finished. */
static struct node *pop(void)
{
    struct node *old = atomic_load(&top);
    while (old && !atomic_compare_exchange_weak(&top, &old, old->next))
        ;
    return old;
}

static struct node nodes[8][2000];

static void *stacker(void *arg)
{
    intptr_t id = (intptr_t)arg;
    for (int i = 0; i < 2000; i++) {
        nodes[id][i].value = id * 2000 + i + 1;
        push(&nodes[id][i]);
        if (i % 2) {
            struct node *n = pop();
            if (n) {
                atomic_fetch_add(&popped_sum, n->value);
                atomic_fetch_add(&popped_n, 1);
            }
        }
    }
    return NULL;
}

int main(void)
{
    pthread_t t[NTHREADS];
    for (intptr_t i = 0; i < NTHREADS; i++)
        spawn(&t[i], NULL, hammer, (void *)i);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    int expect_max = 0;
    for (long id = 0; id < NTHREADS; id++)
        for (long i = 0; i < 1000; i++) {
            int v = (int)((id * 7919 + i * 104729) % 100003);
            if (v > expect_max)
                expect_max = v;
        }
    int tickets_ok = 1;
    for (int i = 0; i < NTHREADS * 100; i++)
        if (got_ticket[i] != 1)
            tickets_ok = 0;
    printf("fetch_add total %ld (expected %ld)\n", atomic_load(&total), (long)NTHREADS * ITERS);
    printf("cas max %d (expected %d)\n", atomic_load(&max_seen), expect_max);
    printf("spinlock counter %ld (expected %d)\n", spin_protected, NTHREADS * 2000);
    printf("tickets unique: %d, next %u\n", tickets_ok, atomic_load(&tickets));

    long sums[4] = {0};
    pthread_t r[4], w;
    for (int i = 0; i < 4; i++)
        spawn(&r[i], NULL, reader, &sums[i]);
    spawn(&w, NULL, writer, NULL);
    pthread_join(w, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(r[i], NULL);
    printf("acquire/release sums %ld %ld %ld %ld\n", sums[0], sums[1], sums[2], sums[3]);

    pthread_t s[8];
    for (intptr_t i = 0; i < 8; i++)
        spawn(&s[i], NULL, stacker, (void *)i);
    for (int i = 0; i < 8; i++)
        pthread_join(s[i], NULL);
    long left_sum = 0, left_n = 0;
    for (struct node *n = pop(); n; n = pop()) {
        left_sum += n->value;
        left_n++;
    }
    long all = 8 * 2000;
    printf("treiber stack: %ld popped + %ld left = %ld, values sum right: %d\n", atomic_load(&popped_n), left_n,
           atomic_load(&popped_n) + left_n, atomic_load(&popped_sum) + left_sum == all * (all + 1) / 2);

    atomic_long x = 5;
    long old = atomic_exchange(&x, 9);
    long expected = 9;
    _Bool ok = atomic_compare_exchange_strong(&x, &expected, 11);
    long fo = atomic_fetch_or(&x, 0x30);
    long fa = atomic_fetch_and(&x, 0x3c);
    long fx = atomic_fetch_xor(&x, 0xff);
    long fs = atomic_fetch_sub(&x, 3);
    printf("exchange %ld cas %d or %ld and %ld xor %ld sub %ld final %ld lock-free %d\n", old, ok, fo, fa, fx, fs,
           atomic_load(&x), atomic_is_lock_free(&x));
    return 0;
}
