/* Processes made by a raw clone, not fork(): sharing the fd table
 * (CLONE_FILES) and with an exit signal other than SIGCHLD.  liftvm cannot
 * use glibc's fork() for them and runs its own fork handlers around a host
 * clone; with the jit on, a child without them hung at exit (joining a
 * compile thread it does not have).  Each child runs a loop long enough to
 * be compiled, prints, and exits with its own status.
 *
 * //! dynamic: yes
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long work(unsigned long n)
{
    unsigned long h = 1469598103934665603ul;
    for (unsigned long i = 0; i < n; i++)
        h = (h ^ i) * 1099511628211ul;
    return h;
}

static void report(const char *what, long pid, int options)
{
    int st = 0;
    long w = waitpid((pid_t)pid, &st, options);
    printf("%s: waited %s, exited %d status %d\n", what, w == pid ? "ok" : "wrong pid",
           WIFEXITED(st), WEXITSTATUS(st));
}

int main(void)
{
    printf("parent work %lx\n", work(300000));
    fflush(stdout);

    /* Shares the fd table: a descriptor the child opens is the parent's too. */
    int fds[2];
    if (pipe(fds) != 0)
        return 1;
    long pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
    if (pid < 0) {
        perror("clone CLONE_FILES");
        return 1;
    }
    if (pid == 0) {
        printf("files child work %lx\n", work(300000));
        fflush(stdout);
        close(fds[1]); /* the parent's write end goes too */
        _exit(3);
    }
    report("files child", pid, 0);
    char c;
    printf("write end closed by the child: read %zd\n", read(fds[0], &c, 1));

    /* Exit signal SIGUSR1 (ignored here): the parent waits with __WALL. */
    signal(SIGUSR1, SIG_IGN);
    pid = syscall(SYS_clone, SIGUSR1, 0, 0, 0, 0);
    if (pid < 0) {
        perror("clone SIGUSR1");
        return 1;
    }
    if (pid == 0) {
        printf("usr1 child work %lx\n", work(300000));
        fflush(stdout);
        _exit(4);
    }
    report("usr1 child", pid, __WALL);
    return 0;
}
