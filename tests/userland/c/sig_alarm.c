/*
 * sig_alarm.c — timers and interrupted system calls: alarm(1) and pause(),
 * alarm's remaining time, setitimer(ITIMER_REAL) ticks, a blocking read on
 * an empty pipe interrupted by SIGALRM with and without SA_RESTART, and
 * nanosleep interrupted by a signal.
 */
//! status: 142
//! timeout: 30
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;
static int pipe_w = -1;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
    if (pipe_w >= 0 && alarms == 2) {
        /* With SA_RESTART the read resumes and then gets this byte. */
        const char c = 'R';
        ssize_t n = write(pipe_w, &c, 1);
        (void)n;
    }
}

static void install(int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = flags;
    sigaction(SIGALRM, &sa, NULL);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    install(0);
    double t0 = now();
    alarm(1);
    int r = pause();
    int e = errno;
    double dt = now() - t0;
    printf("pause returned %d errno %s after about 1 s: %d, alarms %d\n", r, e == EINTR ? "EINTR" : "?",
           dt > 0.9 && dt < 5, alarms);

    alarm(100);
    unsigned left = alarm(0);
    printf("alarm(0) reports the old alarm's time left: %d\n", left > 90 && left <= 100);

    /* setitimer: 5 ticks of 20 ms. */
    alarms = 0;
    struct itimerval it = {.it_interval = {0, 20000}, .it_value = {0, 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    while (alarms < 5)
        pause();
    struct itimerval off = {0};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("itimer ticks %d\n", alarms);

    /* A read on an empty pipe, interrupted, without SA_RESTART: EINTR. */
    int p[2];
    if (pipe(p) != 0)
        return 1;
    install(0);
    alarms = 0;
    struct itimerval once = {.it_value = {0, 50000}};
    setitimer(ITIMER_REAL, &once, NULL);
    char c = 0;
    ssize_t n = read(p[0], &c, 1);
    printf("read without SA_RESTART: %zd %s\n", n, n < 0 && errno == EINTR ? "EINTR" : "?");

    /* With SA_RESTART: the first tick interrupts and the read restarts; the
     * second tick's handler writes a byte, which the restarted read returns. */
    install(SA_RESTART);
    alarms = 0;
    pipe_w = p[1];
    struct itimerval two = {.it_interval = {0, 30000}, .it_value = {0, 30000}};
    setitimer(ITIMER_REAL, &two, NULL);
    n = read(p[0], &c, 1);
    setitimer(ITIMER_REAL, &off, NULL);
    pipe_w = -1;
    printf("read with SA_RESTART: %zd '%c' after %d alarm(s)\n", n, c, alarms >= 2 ? 2 : alarms);

    /* nanosleep interrupted: EINTR with the remaining time filled in. */
    install(0);
    setitimer(ITIMER_REAL, &once, NULL);
    struct timespec req = {2, 0}, rem = {0, 0};
    r = nanosleep(&req, &rem);
    printf("nanosleep: %d %s, remaining between 1 and 2 s: %d\n", r, r < 0 && errno == EINTR ? "EINTR" : "?",
           rem.tv_sec == 1 || (rem.tv_sec == 0 && rem.tv_nsec > 0));

    /* SIGALRM with the default action ends the process (status 142). */
    fflush(stdout);
    signal(SIGALRM, SIG_DFL);
    alarm(1);
    for (;;)
        pause();
}
