/*
 * sig_handler.c — signal handlers: SIGUSR1 through raise and kill,
 * SA_SIGINFO fields (si_signo, si_code, si_pid, si_uid, si_value through
 * sigqueue), SA_RESETHAND, SA_NODEFER against the default deferral,
 * sigprocmask blocking with delivery on unblock, sigpending, sigsuspend,
 * and ignored signals.
 */
//! status: 143
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count;
static volatile sig_atomic_t info_signo, info_code, info_pid_ok, info_uid_ok, info_value;
static volatile sig_atomic_t depth, max_depth, nested_calls;
static volatile sig_atomic_t order[8], norder, masked_inside;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    info_signo = si->si_signo == sig ? sig : -1;
    info_code = si->si_code;
    info_pid_ok = si->si_pid == getpid();
    info_uid_ok = si->si_uid == getuid();
    info_value = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
}

/* Raises its own signal once from inside: with SA_NODEFER the second
 * delivery nests (depth 2); without it, it waits until the handler returns. */
static void on_nested(int sig)
{
    depth++;
    nested_calls++;
    if (depth > max_depth)
        max_depth = depth;
    if (nested_calls == 1)
        raise(sig);
    depth--;
}

static void on_record(int sig)
{
    if (norder < 8)
        order[norder++] = sig;
}

/* Raises SIGUSR2, which sa_mask blocks while this handler runs. */
static void on_masked(int sig)
{
    (void)sig;
    raise(SIGUSR2);
    masked_inside = norder;
}

static const char *code_name(int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_TKILL: return "SI_TKILL";
    case SI_QUEUE: return "SI_QUEUE";
    default: return "other";
    }
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("SIGUSR1 handled %d times\n", usr1_count);

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR2, &sa, NULL);
    kill(getpid(), SIGUSR2);
    printf("kill: signo %d code %s pid ok %d uid ok %d\n", info_signo, code_name(info_code), info_pid_ok, info_uid_ok);
    raise(SIGUSR2);
    printf("raise: signo %d code %s pid ok %d\n", info_signo, code_name(info_code), info_pid_ok);
    union sigval v = {.sival_int = 4242};
    sigqueue(getpid(), SIGUSR2, v);
    printf("sigqueue: code %s value %d\n", code_name(info_code), info_value);
    sigaction(SIGRTMIN + 3, &sa, NULL);
    v.sival_int = 77;
    sigqueue(getpid(), SIGRTMIN + 3, v);
    printf("realtime signal: signo is SIGRTMIN+3 %d value %d\n", info_signo == SIGRTMIN + 3, info_value);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    usr1_count = 0;
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    printf("SA_RESETHAND: handled %d, handler now SIG_DFL %d\n", usr1_count, now.sa_handler == SIG_DFL);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_nested;
    sigaction(SIGUSR1, &sa, NULL);
    depth = max_depth = nested_calls = 0;
    raise(SIGUSR1);
    printf("default (deferred): calls %d, max depth %d\n", nested_calls, max_depth);
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR1, &sa, NULL);
    depth = max_depth = nested_calls = 0;
    raise(SIGUSR1);
    printf("SA_NODEFER: calls %d, max depth %d\n", nested_calls, max_depth);

    /* Block, raise, see it pending, unblock: delivered before sigprocmask returns. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_record;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigset_t block, old, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, &old);
    raise(SIGUSR2);
    raise(SIGUSR1);
    raise(SIGUSR1); /* standard signals do not queue */
    raise(SIGHUP);  /* not blocked: delivered now */
    sigpending(&pending);
    printf("pending: USR1 %d USR2 %d HUP %d, delivered so far %d\n", sigismember(&pending, SIGUSR1),
           sigismember(&pending, SIGUSR2), sigismember(&pending, SIGHUP), norder);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("after unblock: %d deliveries:", norder);
    for (int i = 0; i < norder; i++)
        printf(" %s", order[i] == SIGUSR1 ? "USR1" : order[i] == SIGUSR2 ? "USR2" : order[i] == SIGHUP ? "HUP" : "?");
    printf("\n");

    /* sigsuspend: wait with USR1 unblocked while it is blocked otherwise. */
    sigprocmask(SIG_BLOCK, &block, NULL);
    norder = 0;
    kill(getpid(), SIGUSR1);
    sigset_t wait_mask;
    sigfillset(&wait_mask);
    sigdelset(&wait_mask, SIGUSR1);
    int r = sigsuspend(&wait_mask);
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("sigsuspend returned %d, handled %d, mask restored %d\n", r, norder, sigismember(&cur, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &block, NULL);

    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("ignored SIGUSR1: still running\n");
    signal(SIGCHLD, SIG_DFL);
    raise(SIGCHLD); /* default action: ignore */
    printf("default-ignored SIGCHLD: still running\n");

    /* The handler's mask (sa_mask) blocks SIGUSR2 while SIGUSR1 runs. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_record;
    sigaction(SIGUSR2, &sa, NULL);
    norder = 0;
    sa.sa_handler = on_masked;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("sa_mask: USR2 deferred inside the handler %d, delivered after it %d\n", masked_inside == 0, norder == 1);
    fflush(stdout);
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    printf("not reached\n");
    return 0;
}
