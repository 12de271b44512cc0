/* Signals that interrupt blocking calls: alarm + pause, a pipe read
 * interrupted by SIGALRM with and without SA_RESTART, nanosleep (never
 * restarted), setitimer/getitimer, POSIX timers with SIGEV_SIGNAL and
 * SIGEV_THREAD_ID, SIGEV_THREAD (glibc's helper thread), and pselect,
 * ppoll and epoll_pwait letting a blocked signal in for their wait. */
//! cflags: -pthread
//! libs: -lrt
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms, timer_value, timer_hits;
static volatile pid_t timer_tid;

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

static volatile sig_atomic_t usr1;
static void on_usr1(int sig) {
    (void)sig;
    usr1++;
}

static void on_timer(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    timer_hits++;
    timer_value = si->si_value.sival_int;
    timer_tid = (pid_t)syscall(SYS_gettid);
}

static void set(int sig, void (*fn)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

static int pipefd[2];
static void *late_writer(void *arg) {
    usleep((useconds_t)(long)arg);
    if (write(pipefd[1], "data", 4) != 4)
        return NULL;
    return NULL;
}

static atomic_int thread_timer_runs;
static void thread_timer(union sigval v) {
    atomic_fetch_add(&thread_timer_runs, v.sival_int);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);

    /* alarm + pause */
    set(SIGALRM, on_alarm, 0);
    alarm(1);
    int r = pause();
    printf("pause: r=%d errno=%s alarms=%d\n", r, errno == EINTR ? "EINTR" : "?", alarms);

    /* A read interrupted without SA_RESTART fails with EINTR. */
    if (pipe(pipefd) != 0)
        return 1;
    struct itimerval it = {{0, 0}, {0, 100000}};
    setitimer(ITIMER_REAL, &it, NULL);
    char buf[8];
    ssize_t n = read(pipefd[0], buf, sizeof buf);
    printf("read without SA_RESTART: n=%zd errno=%s alarms=%d\n", n, errno == EINTR ? "EINTR" : "?",
           alarms);

    /* With SA_RESTART the read goes on after the handler and gets the data
     * a thread writes later. */
    set(SIGALRM, on_alarm, SA_RESTART);
    pthread_t w;
    pthread_create(&w, NULL, late_writer, (void *)300000L);
    setitimer(ITIMER_REAL, &it, NULL);
    n = read(pipefd[0], buf, sizeof buf);
    pthread_join(w, NULL);
    printf("read with SA_RESTART: n=%zd alarms=%d\n", n, alarms);

    /* nanosleep is never restarted: EINTR even with SA_RESTART.  (One short
     * sleep first: with --jit=t1/t2 the path is compiled before the timer
     * runs, so the alarm cannot come before the long sleep starts.) */
    nanosleep(&(struct timespec){0, 1000}, NULL);
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec ts = {5, 0}, rem = {0, 0};
    r = nanosleep(&ts, &rem);
    printf("nanosleep: r=%d errno=%s remaining>3s=%d alarms=%d\n", r, errno == EINTR ? "EINTR" : "?",
           rem.tv_sec >= 3, alarms);

    /* getitimer reads back a periodic timer; disarm it. */
    struct itimerval per = {{0, 50000}, {0, 50000}}, cur;
    setitimer(ITIMER_REAL, &per, NULL);
    getitimer(ITIMER_REAL, &cur);
    printf("getitimer: interval=%ld armed=%d\n", (long)cur.it_interval.tv_usec,
           cur.it_value.tv_sec > 0 || cur.it_value.tv_usec > 0);
    while (alarms < 8)
        pause();
    struct itimerval zero = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &zero, NULL);
    printf("periodic: alarms>=8=%d\n", alarms >= 8);

    /* A POSIX timer with a real-time signal and a value. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN + 1, &sa, NULL);
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN + 1;
    ev.sigev_value.sival_int = 4242;
    timer_t t;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0)
        return 2;
    struct itimerspec spec = {{0, 0}, {0, 50000000}};
    timer_settime(t, 0, &spec, NULL);
    while (!timer_hits)
        pause();
    printf("timer: hits=%d value=%d main-thread=%d\n", timer_hits, timer_value,
           timer_tid == getpid());
    timer_delete(t);

    /* SIGEV_THREAD: glibc runs the function on a thread of its own. */
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = thread_timer;
    ev.sigev_value.sival_int = 5;
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0)
        return 3;
    timer_settime(t, 0, &spec, NULL);
    for (int i = 0; i < 200 && !atomic_load(&thread_timer_runs); i++)
        usleep(10000);
    printf("sigev_thread: runs=%d\n", atomic_load(&thread_timer_runs));
    timer_delete(t);

    /* SIGUSR1 is blocked and pending; each wait's mask lets it in, so the
     * wait ends at once with EINTR after the handler, and the old mask is
     * back afterwards. */
    set(SIGUSR1, on_usr1, SA_RESTART);
    sigset_t usr, none, now;
    sigemptyset(&usr);
    sigaddset(&usr, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &usr, NULL);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(pipefd[0], &rd);
    struct timespec five = {5, 0};
    raise(SIGUSR1);
    r = pselect(pipefd[0] + 1, &rd, NULL, NULL, &five, &none);
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("pselect: r=%d errno=%s usr1=%d still-blocked=%d\n", r, errno == EINTR ? "EINTR" : "?",
           usr1, sigismember(&now, SIGUSR1));
    struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
    raise(SIGUSR1);
    r = ppoll(&pfd, 1, &five, &none);
    printf("ppoll: r=%d errno=%s usr1=%d\n", r, errno == EINTR ? "EINTR" : "?", usr1);
    int ep = epoll_create1(0);
    struct epoll_event ee = {.events = EPOLLIN}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, pipefd[0], &ee);
    raise(SIGUSR1);
    r = epoll_pwait(ep, &out, 1, 5000, &none);
    printf("epoll_pwait: r=%d errno=%s usr1=%d\n", r, errno == EINTR ? "EINTR" : "?", usr1);
    /* Without a mask the pending signal stays pending: the wait times out. */
    struct timespec short_wait = {0, 20000000};
    r = pselect(pipefd[0] + 1, &rd, NULL, NULL, &short_wait, NULL);
    printf("pselect without mask: r=%d usr1=%d\n", r, usr1);
    sigprocmask(SIG_UNBLOCK, &usr, NULL);
    printf("unblocked: usr1=%d\n", usr1);
    return 0;
}
