/* sigaltstack: a SA_ONSTACK handler runs on the alternate stack and sees
 * SS_ONSTACK, one without SA_ONSTACK does not; SS_AUTODISARM; recovering
 * from a stack overflow through a handler on the alternate stack. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static char *alt;
static size_t alt_size = 1 << 16;
static volatile int on_alt, flags_inside, runs;
static sigjmp_buf jb;

static void where_handler(int sig) {
    (void)sig;
    char local;
    on_alt = &local >= alt && &local < alt + alt_size;
    stack_t now;
    sigaltstack(NULL, &now);
    flags_inside = now.ss_flags;
    runs++;
}

static void overflow_handler(int sig, siginfo_t *si, void *uc) {
    (void)si;
    (void)uc;
    char local;
    on_alt = &local >= alt && &local < alt + alt_size;
    siglongjmp(jb, sig);
}

static volatile long sink;
static long recurse(long n) {
    volatile char pad[512];
    pad[0] = (char)n;
    sink += pad[0];
    return recurse(n + 1) + pad[0];
}

static void set(int sig, void (*fn)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

int main(void) {
    alt = malloc(alt_size);
    stack_t ss = {.ss_sp = alt, .ss_size = alt_size, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0)
        return 1;
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("set: flags=%d size-ok=%d\n", cur.ss_flags, cur.ss_size == alt_size);

    set(SIGUSR1, where_handler, SA_ONSTACK);
    raise(SIGUSR1);
    printf("onstack handler: on-alt=%d flags-inside=%d\n", on_alt, flags_inside);

    set(SIGUSR2, where_handler, 0);
    raise(SIGUSR2);
    printf("plain handler: on-alt=%d flags-inside=%d\n", on_alt, flags_inside);

    /* Too small a stack is refused. */
    stack_t tiny = {.ss_sp = alt, .ss_size = 16, .ss_flags = 0};
    printf("tiny: r=%d\n", sigaltstack(&tiny, NULL));

    /* SS_AUTODISARM: disabled while the handler runs, back afterwards. */
    ss.ss_flags = SS_AUTODISARM;
    sigaltstack(&ss, NULL);
    raise(SIGUSR1);
    sigaltstack(NULL, &cur);
    printf("autodisarm: on-alt=%d inside=%s after=%d\n", on_alt,
           flags_inside & SS_DISABLE ? "disabled" : "enabled", cur.ss_flags & ~SS_AUTODISARM);
    ss.ss_flags = 0;
    sigaltstack(&ss, NULL);

    /* Stack overflow: SIGSEGV can only be handled on the alternate stack. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = overflow_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    int sig = sigsetjmp(jb, 1);
    if (sig == 0)
        recurse(0);
    printf("overflow: sig=%d on-alt=%d\n", sig, on_alt);

    /* Disabled: a handler runs on the normal stack again. */
    stack_t off = {.ss_flags = SS_DISABLE};
    sigaltstack(&off, NULL);
    sigaltstack(NULL, &cur);
    raise(SIGUSR1);
    printf("disabled: flags=%d on-alt=%d runs=%d\n", cur.ss_flags, on_alt, runs);
    return 0;
}
