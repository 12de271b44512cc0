/* Blocking calls that signals interrupt, as signal(7) "Interruption of
 * system calls" says: read on an empty pipe fails with EINTR under a
 * handler without SA_RESTART and resumes under one with it; nanosleep
 * fails with EINTR and a remaining time either way; wait4 follows
 * SA_RESTART.  Then the race: a signal whose handler writes to the pipe,
 * sent by a timer or another thread just before (or while) the main
 * thread blocks reading that pipe, many times — the read must always end
 * (a signal taken late, after the call blocked, would leave it waiting). */
//! dynamic: yes
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static int wake_fd = -1; /* the handler writes a byte here when >= 0 */

static void on_sig(int s) {
    (void)s;
    hits++;
    if (wake_fd >= 0) {
        int e = errno;
        ssize_t w = write(wake_fd, "s", 1);
        (void)w;
        errno = e;
    }
}

static void handler(int sig, int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sig;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* One SIGALRM after usec microseconds. */
static void alarm_us(long usec) {
    struct itimerval it = {{0, 0}, {usec / 1000000, usec % 1000000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void msleep(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void read_pipe(void) {
    int p[2];
    char c = 0;
    pipe(p);
    handler(SIGALRM, 0);
    hits = 0;
    alarm_us(50000);
    ssize_t r = read(p[0], &c, 1);
    printf("read, no SA_RESTART: %zd %s, handler ran %d\n", r, r < 0 ? strerror(errno) : "-",
           (int)hits);

    handler(SIGALRM, SA_RESTART);
    hits = 0;
    pid_t pid = fork();
    if (pid == 0) {
        msleep(300);
        write(p[1], "x", 1);
        _exit(0);
    }
    alarm_us(50000);
    r = read(p[0], &c, 1);
    printf("read, SA_RESTART: %zd '%c', handler ran %d\n", r, r == 1 ? c : '?', (int)hits);
    waitpid(pid, NULL, 0);
    close(p[0]);
    close(p[1]);
}

static void sleep_interrupted(int flags) {
    handler(SIGALRM, flags);
    hits = 0;
    alarm_us(50000);
    struct timespec req = {2, 0}, rem = {0, 0};
    int r = nanosleep(&req, &rem);
    int e = errno;
    bool left = rem.tv_sec > 0 || rem.tv_nsec > 0;
    bool less = rem.tv_sec < 2;
    printf("nanosleep%s: %d %s, remaining > 0: %s, < request: %s, handler ran %d\n",
           flags ? " SA_RESTART" : "", r, r < 0 ? strerror(e) : "-", left ? "yes" : "no",
           less ? "yes" : "no", (int)hits);
}

static void wait_interrupted(int flags) {
    handler(SIGALRM, flags);
    pid_t pid = fork();
    if (pid == 0) {
        msleep(300);
        _exit(7);
    }
    hits = 0;
    alarm_us(50000);
    int st = 0;
    pid_t r = wait4(pid, &st, 0, NULL);
    int e = errno;
    printf("wait4%s: %s, handler ran %d\n", flags ? " SA_RESTART" : "",
           r == pid ? "child" : r < 0 ? strerror(e) : "?", (int)hits);
    if (r != pid)
        r = wait4(pid, &st, 0, NULL);
    printf("  then: %s, exit %d\n", r == pid ? "child" : "?", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* ---- the race ---- */

enum { ROUNDS = 400 };

/* Reads one byte the handler writes; counts the EINTRs (without
 * SA_RESTART the signal may end the read first). */
static int read_wake(int fd) {
    char c;
    int eintr = 0;
    for (;;) {
        ssize_t r = read(fd, &c, 1);
        if (r == 1)
            return eintr;
        if (r < 0 && errno == EINTR) {
            eintr++;
            continue;
        }
        printf("read failed: %zd %s\n", r, strerror(errno));
        _exit(1);
    }
}

static void timer_race(int flags) {
    int p[2];
    pipe(p);
    wake_fd = p[1];
    handler(SIGALRM, flags);
    hits = 0;
    for (int i = 0; i < ROUNDS; i++) {
        alarm_us(1 + (i * 7) % 60); /* 1..60 us: before, at and after the read */
        read_wake(p[0]);
    }
    printf("timer race%s: %d rounds done, handler ran %d\n", flags ? " SA_RESTART" : "", ROUNDS,
           (int)hits);
    wake_fd = -1;
    close(p[0]);
    close(p[1]);
}

static pthread_t main_thread;
static int go[2];

static void *killer(void *arg) {
    (void)arg;
    char c;
    for (int i = 0; i < ROUNDS; i++) {
        if (read(go[0], &c, 1) != 1)
            break;
        for (volatile int spin = 0; spin < (i * 13) % 2000; spin++) {
        }
        pthread_kill(main_thread, SIGUSR1);
    }
    return NULL;
}

static void thread_race(int flags) {
    int p[2];
    pipe(p);
    pipe(go);
    wake_fd = p[1];
    handler(SIGUSR1, flags);
    hits = 0;
    main_thread = pthread_self();
    pthread_t th;
    pthread_create(&th, NULL, killer, NULL);
    for (int i = 0; i < ROUNDS; i++) {
        write(go[1], "g", 1);
        read_wake(p[0]);
    }
    pthread_join(th, NULL);
    printf("thread race%s: %d rounds done, handler ran %d\n", flags ? " SA_RESTART" : "", ROUNDS,
           (int)hits);
    wake_fd = -1;
    close(p[0]);
    close(p[1]);
    close(go[0]);
    close(go[1]);
}

/* Ends the test if a read hangs. */
static void *watchdog(void *arg) {
    (void)arg;
    sleep(60);
    printf("hang\n");
    _exit(1);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    read_pipe();
    sleep_interrupted(0);
    sleep_interrupted(SA_RESTART);
    wait_interrupted(0);
    wait_interrupted(SA_RESTART);
    /* The watchdog blocks the test's signals: they stay the main thread's. */
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGALRM);
    sigaddset(&s, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    pthread_t wd;
    pthread_create(&wd, NULL, watchdog, NULL);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    timer_race(SA_RESTART);
    timer_race(0);
    thread_race(SA_RESTART);
    thread_race(0);
    return 0;
}
