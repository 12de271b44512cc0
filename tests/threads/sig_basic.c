/* Signal handlers: raise, kill, sigqueue (si_value), SA_SIGINFO fields,
 * blocked-then-unblocked delivery and sigpending, SA_RESETHAND,
 * SA_NODEFER, sigsuspend, sigtimedwait, a real-time signal queue, and the
 * FP state and registers surviving a handler. */
#include <fenv.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t count, last_sig, last_code, last_pid_ok, last_value, depth, max_depth,
    calls;

static void info_handler(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    count++;
    last_sig = sig;
    last_code = si->si_code;
    last_pid_ok = si->si_pid == getpid() && si->si_uid == getuid();
    last_value = si->si_value.sival_int;
}

static void nested_handler(int sig) {
    depth++;
    calls++;
    if (depth > max_depth)
        max_depth = depth;
    if (calls < 3)
        raise(sig); /* with SA_NODEFER this nests */
    depth--;
}

static volatile double fp_in_handler;
static void fp_handler(int sig) {
    (void)sig;
    fesetround(FE_TONEAREST);
    volatile double a = 1.0, b = 3.0;
    fp_in_handler = a / b;
}

static int rt_order[8], rt_n;
static void rt_handler(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    (void)sig;
    if (rt_n < 8)
        rt_order[rt_n++] = si->si_value.sival_int;
}

static void set_action(int sig, void (*fn)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = flags | SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    set_action(SIGUSR1, info_handler, 0);
    raise(SIGUSR1);
    printf("raise: count=%d sig=%d code=%s pid_ok=%d\n", count, last_sig,
           last_code == SI_TKILL ? "SI_TKILL" : "other", last_pid_ok);
    kill(getpid(), SIGUSR1);
    printf("kill: count=%d code=%s pid_ok=%d\n", count, last_code == SI_USER ? "SI_USER" : "other",
           last_pid_ok);
    union sigval v = {.sival_int = 1234};
    sigqueue(getpid(), SIGUSR1, v);
    printf("sigqueue: count=%d code=%s value=%d\n", count,
           last_code == SI_QUEUE ? "SI_QUEUE" : "other", last_value);

    /* Blocked, pending, then delivered when unblocked. */
    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    raise(SIGUSR1); /* a standard signal does not queue twice */
    sigpending(&pend);
    printf("blocked: count=%d pending=%d\n", count, sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    sigpending(&pend);
    printf("unblocked: count=%d pending=%d\n", count, sigismember(&pend, SIGUSR1));

    /* SA_RESETHAND: the action is back to SIG_DFL after one delivery. */
    set_action(SIGUSR2, info_handler, SA_RESETHAND);
    raise(SIGUSR2);
    struct sigaction now;
    sigaction(SIGUSR2, NULL, &now);
    printf("resethand: count=%d sig=%d now-default=%d\n", count, last_sig,
           now.sa_handler == SIG_DFL);

    /* SA_NODEFER: the handler interrupts itself; without it the raise
     * inside waits until the handler returns. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nested_handler;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGHUP, &sa, NULL);
    raise(SIGHUP);
    printf("nodefer: max depth=%d\n", max_depth);
    max_depth = depth = calls = 0;
    sa.sa_flags = 0;
    sigaction(SIGHUP, &sa, NULL);
    raise(SIGHUP);
    printf("defer: max depth=%d calls=%d\n", max_depth, calls);

    sigset_t inside;

    /* sigsuspend: wait with SIGUSR1 unblocked, the old mask comes back. */
    sigprocmask(SIG_BLOCK, &set, NULL);
    int before = count;
    kill(getpid(), SIGUSR1);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    int r = sigsuspend(&wait_mask);
    sigprocmask(SIG_BLOCK, NULL, &inside);
    printf("sigsuspend: r=%d delivered=%d still-blocked=%d\n", r, count - before,
           sigismember(&inside, SIGUSR1));

    /* sigtimedwait takes a blocked signal without running its handler. */
    before = count;
    union sigval v2 = {.sival_int = 77};
    sigqueue(getpid(), SIGUSR1, v2);
    siginfo_t si;
    struct timespec ts = {1, 0};
    int got = sigtimedwait(&set, &si, &ts);
    printf("sigtimedwait: got=%d value=%d handler-ran=%d\n", got == SIGUSR1, si.si_value.sival_int,
           count - before);
    struct timespec short_ts = {0, 10000000};
    got = sigtimedwait(&set, &si, &short_ts);
    printf("sigtimedwait timeout: r=%d\n", got);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* Real-time signals queue, in order, with their values. */
    int rt = SIGRTMIN + 2;
    set_action(rt, rt_handler, 0);
    sigset_t rset;
    sigemptyset(&rset);
    sigaddset(&rset, rt);
    sigprocmask(SIG_BLOCK, &rset, NULL);
    for (int i = 0; i < 5; i++) {
        union sigval rv = {.sival_int = 100 + i};
        sigqueue(getpid(), rt, rv);
    }
    sigprocmask(SIG_UNBLOCK, &rset, NULL);
    printf("rt queue: n=%d", rt_n);
    for (int i = 0; i < rt_n; i++)
        printf(" %d", rt_order[i]);
    printf("\n");

    /* The interrupted code's FP state (rounding mode) survives a handler. */
    signal(SIGUSR2, fp_handler);
    fesetround(FE_UPWARD);
    volatile double x = 1.0, y = 3.0;
    raise(SIGUSR2);
    volatile double z = x / y;
    int mode = fegetround();
    fesetround(FE_TONEAREST);
    printf("fp: mode-kept=%d upward-result=%d handler=%.17g\n", mode == FE_UPWARD,
           z > 0.33333333333333331, fp_in_handler);

    /* SIG_IGN drops the signal; SIG_DFL of SIGCHLD ignores it. */
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    signal(SIGCHLD, SIG_DFL);
    raise(SIGCHLD);
    printf("ignored: alive\n");
    return 0;
}
