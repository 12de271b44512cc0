/*
 * sig_fork.c — processes: fork with a pipe each way, waitpid exit
 * statuses, a child killed by a signal (WIFSIGNALED, WTERMSIG), abort in a
 * child, SIGCHLD delivery, WNOHANG, kill of a child blocked in pause(),
 * and signal dispositions inherited across fork.
 */
//! status: 9
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t sigchld_count;

/* fork or end the test. */
static pid_t checked_fork(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        printf("fork failed: %s\n", strerror(errno));
        exit(1);
    }
    return pid;
}

static void on_chld(int sig)
{
    (void)sig;
    sigchld_count++;
}

static void describe(const char *what, int status)
{
    if (WIFEXITED(status))
        printf("%s: exited %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        printf("%s: killed by signal %d (%s)\n", what, WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        printf("%s: status %#x\n", what, status);
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);

    /* Parent -> child -> parent through two pipes. */
    int down[2], up[2];
    if (pipe(down) || pipe(up))
        return 1;
    pid_t pid = checked_fork();
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        char buf[64];
        ssize_t n = read(down[0], buf, sizeof buf);
        long sum = 0;
        for (ssize_t i = 0; i < n; i++)
            sum += buf[i];
        char out[64];
        int len = snprintf(out, sizeof out, "child got %zd bytes, sum %ld", n, sum);
        if (write(up[1], out, len) != len)
            _exit(1);
        _exit(23);
    }
    close(down[0]);
    close(up[1]);
    const char msg[] = "hello child";
    if (write(down[1], msg, sizeof msg - 1) < 0)
        return 1;
    close(down[1]);
    char reply[128] = {0};
    ssize_t n = 0, k;
    while ((k = read(up[0], reply + n, sizeof reply - 1 - n)) > 0)
        n += k;
    close(up[0]);
    int status;
    waitpid(pid, &status, 0);
    printf("reply: %s\n", reply);
    describe("pipe child", status);

    /* Several children with different exit codes, reaped in order. */
    pid_t kids[5];
    for (int i = 0; i < 5; i++) {
        kids[i] = checked_fork();
        if (kids[i] == 0)
            _exit(i * 10 + 1);
    }
    for (int i = 0; i < 5; i++) {
        waitpid(kids[i], &status, 0);
        char what[32];
        snprintf(what, sizeof what, "child %d", i);
        describe(what, status);
    }

    /* Killed by signals. */
    pid = checked_fork();
    if (pid == 0) {
        raise(SIGKILL);
        _exit(0);
    }
    waitpid(pid, &status, 0);
    describe("raise(SIGKILL)", status);
    pid = checked_fork();
    if (pid == 0) {
        signal(SIGABRT, SIG_DFL);
        abort();
    }
    waitpid(pid, &status, 0);
    describe("abort", status);
    pid = checked_fork();
    if (pid == 0) {
        volatile int *p = NULL;
        signal(SIGSEGV, SIG_DFL);
        *p = 1;
        _exit(0);
    }
    waitpid(pid, &status, 0);
    describe("NULL store", status);

    /* A child blocked in pause(), then SIGTERM from the parent; WNOHANG
     * sees it running first. */
    int ready[2];
    if (pipe(ready))
        return 1;
    pid = checked_fork();
    if (pid == 0) {
        close(ready[0]);
        if (write(ready[1], "r", 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(ready[1]);
    char c;
    if (read(ready[0], &c, 1) != 1)
        return 1;
    close(ready[0]);
    printf("WNOHANG while running: %d\n", (int)waitpid(pid, &status, WNOHANG));
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    describe("SIGTERM", status);

    /* Dispositions across fork: an ignored SIGTERM stays ignored. */
    signal(SIGTERM, SIG_IGN);
    pid = checked_fork();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(5);
    }
    waitpid(pid, &status, 0);
    describe("ignored SIGTERM in child", status);
    signal(SIGTERM, SIG_DFL);

    printf("no more children: %s\n", waitpid(-1, &status, 0) < 0 && errno == ECHILD ? "ECHILD" : "?");
    printf("SIGCHLD seen: %d\n", sigchld_count > 0);
    fflush(stdout);

    /* Exit status of this process itself after fork: the child's output
     * must not be duplicated by stdio buffers. */
    pid = checked_fork();
    if (pid == 0) {
        printf("child line\n");
        exit(0);
    }
    waitpid(pid, &status, 0);
    printf("parent line\n");
    return 9;
}
