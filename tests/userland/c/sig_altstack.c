/*
 * sig_altstack.c — sigaltstack: a handler with SA_ONSTACK runs on the
 * alternate stack (a local's address lies inside it, and sigaltstack
 * reports SS_ONSTACK there), one without SA_ONSTACK does not, and a stack
 * overflow from unbounded recursion is caught on the alternate stack and
 * left with siglongjmp.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { ALT_SIZE = 256 * 1024 };
static char alt[ALT_SIZE] __attribute__((aligned(16)));
static volatile sig_atomic_t in_range, onstack_flag, calls;
static sigjmp_buf env;

static void on_signal(int sig)
{
    (void)sig;
    volatile char local;
    uintptr_t a = (uintptr_t)&local;
    in_range = a >= (uintptr_t)alt && a < (uintptr_t)alt + ALT_SIZE;
    stack_t now;
    sigaltstack(NULL, &now);
    onstack_flag = (now.ss_flags & SS_ONSTACK) != 0;
    calls++;
}

static void on_overflow(int sig)
{
    volatile char local;
    uintptr_t a = (uintptr_t)&local;
    in_range = a >= (uintptr_t)alt && a < (uintptr_t)alt + ALT_SIZE;
    (void)sig;
    siglongjmp(env, 1);
}

static volatile long deepest;
static volatile long limit = -1; /* never reached: keeps the compiler calm */

static long recurse(long n)
{
    volatile char pad[512];
    pad[0] = (char)n;
    deepest = n;
    if (n == limit)
        return 0;
    return recurse(n + 1) + pad[0];
}

int main(void)
{
    stack_t ss = {.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
        perror("sigaltstack");
        return 1;
    }
    stack_t q;
    sigaltstack(NULL, &q);
    printf("registered: size right %d, disabled %d, onstack %d\n", q.ss_size == ALT_SIZE, (q.ss_flags & SS_DISABLE) != 0,
           (q.ss_flags & SS_ONSTACK) != 0);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("SA_ONSTACK handler: on the alternate stack %d, SS_ONSTACK %d\n", in_range, onstack_flag);

    sa.sa_flags = 0;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    printf("plain handler: on the alternate stack %d, SS_ONSTACK %d\n", in_range, onstack_flag);

    /* Unbounded recursion until the main stack's guard page. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_overflow;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    in_range = 0;
    if (sigsetjmp(env, 1) == 0) {
        recurse(0);
        printf("recursion ended?\n");
    } else {
        printf("stack overflow caught on the alternate stack %d, depth over 1000 %d\n", in_range, deepest > 1000);
    }
    sigaltstack(NULL, &q);
    printf("after siglongjmp: SS_ONSTACK %d\n", (q.ss_flags & SS_ONSTACK) != 0);

    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &q);
    printf("disabled: %d, calls %d\n", (q.ss_flags & SS_DISABLE) != 0, calls);
    return 0;
}
