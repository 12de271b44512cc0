/* fork, vfork, pipes and every way of waiting: exit statuses, deaths by
 * signal, WNOHANG, waitid's siginfo, rusage, shared and private memory
 * after fork, process groups. */
//! dynamic: yes
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int st) {
    if (WIFEXITED(st))
        printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else
        printf("%s: status %#x\n", what, st);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    pid_t me = getpid();

    /* fork + pipe + waitpid */
    int fds[2];
    if (pipe(fds))
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        char msg[64];
        int n = snprintf(msg, sizeof msg, "child says hello, parent ok %d", getppid() == me);
        write(fds[1], msg, (size_t)n);
        _exit(42);
    }
    close(fds[1]);
    char buf[128];
    ssize_t n, got = 0;
    while ((n = read(fds[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0)
        got += n;
    buf[got] = 0;
    printf("pipe: %s\n", buf);
    int st;
    printf("waitpid returned the child: %d\n", waitpid(pid, &st, 0) == pid);
    show("fork child", st);

    /* children killed by signals */
    pid = fork();
    if (pid == 0) {
        abort();
    }
    waitpid(pid, &st, 0);
    show("abort child", st);
    pid = fork();
    if (pid == 0) {
        *(volatile int *)8 = 1;
        _exit(0);
    }
    waitpid(pid, &st, 0);
    show("segv child", st);
    int block[2];
    pipe(block);
    pid = fork();
    if (pid == 0) {
        close(block[1]);
        read(block[0], buf, 1); /* blocks until killed */
        _exit(0);
    }
    close(block[0]);
    printf("WNOHANG while running: %d\n", waitpid(pid, &st, WNOHANG));
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    show("killed child", st);
    close(block[1]);

    /* vfork */
    pid = vfork();
    if (pid == 0)
        _exit(7);
    waitpid(pid, &st, 0);
    show("vfork child", st);

    /* wait4 with rusage, waitid with siginfo */
    pid = fork();
    if (pid == 0)
        _exit(3);
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    pid_t w = wait4(pid, &st, 0, &ru);
    printf("wait4: child %d, rusage sane %d\n", w == pid,
           ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);
    show("wait4 child", st);
    pid = fork();
    if (pid == 0)
        _exit(9);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int r = waitid(P_PID, (id_t)pid, &si, WEXITED);
    printf("waitid: %d signo %d code %s status %d pid ok %d\n", r, si.si_signo,
           si.si_code == CLD_EXITED ? "CLD_EXITED" : "?", si.si_status, si.si_pid == pid);
    printf("no more children: %d\n", wait(NULL) == -1);

    /* memory after fork */
    int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int *private = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static int global = 1;
    *shared = *private = 1;
    pid = fork();
    if (pid == 0) {
        *shared = *private = global = 42;
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("after fork: shared %d private %d global %d\n", *shared, *private, global);

    /* process groups */
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        printf("child is its group leader: %d\n", getpgid(0) == getpid());
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("parent group unchanged: %d\n", getpgid(0) == getpgrp());
    return 0;
}
