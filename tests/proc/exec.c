/* execve and execveat of a riscv64 program (itself): arguments, the
 * environment, AT_EXECFN, /proc/self/exe, close-on-exec, the signal mask and
 * ignored signals across exec; Linux's errors for what cannot be run. */
//! dynamic: yes
//! args: @TMP@
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *base(const char *p) {
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The program run again by exec: reports what it inherited. */
static int child(int argc, char **argv) {
    char exe[4096] = {0};
    readlink("/proc/self/exe", exe, sizeof exe - 1);
    printf("child: argv0=%s argc=%d", argv[0], argc);
    for (int i = 2; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\nchild: FOO=%s HOME set %d\n", getenv("FOO") ? getenv("FOO") : "(unset)",
           getenv("HOME") != NULL);
    const char *fn = (const char *)getauxval(AT_EXECFN);
    printf("child: execfn %s exe %s\n",
           !fn                               ? "(none)"
           : strncmp(fn, "/dev/fd/", 8) == 0 ? "/dev/fd/N"
                                             : base(fn),
           base(exe));
    printf("child: fd 10 open %d, fd 11 open %d\n", fcntl(10, F_GETFD) >= 0,
           fcntl(11, F_GETFD) >= 0);
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    struct sigaction sa;
    sigaction(SIGUSR2, NULL, &sa);
    printf("child: SIGUSR1 blocked %d, SIGUSR2 ignored %d\n", sigismember(&cur, SIGUSR1),
           sa.sa_handler == SIG_IGN);
    return 5;
}

static void run(const char *what, int (*fn)(const char *self, char **av, char **ev),
                const char *self) {
    pid_t pid = fork();
    if (pid == 0) {
        char *av[] = {"renamed-argv0", "child", "two words", "", "last", NULL};
        char *ev[] = {"FOO=bar baz", "HOME=/nowhere", NULL};
        fn(self, av, ev);
        printf("%s failed: %s\n", what, strerror(errno));
        _exit(99);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

static int by_execve(const char *self, char **av, char **ev) {
    return execve(self, av, ev);
}

static int by_execveat(const char *self, char **av, char **ev) {
    return (int)syscall(SYS_execveat, AT_FDCWD, self, av, ev, 0);
}

static int by_fexecve(const char *self, char **av, char **ev) {
    int fd = open(self, O_RDONLY);
    return fexecve(fd, av, ev);
}

static void expect_error(const char *what, const char *path) {
    char *av[] = {"x", NULL};
    errno = 0;
    int r = execve(path, av, NULL);
    printf("%s: %d %s\n", what, r, strerrorname_np(errno));
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child(argc, argv);
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *tmp = argv[1];
    char self[4096] = {0};
    if (readlink("/proc/self/exe", self, sizeof self - 1) <= 0)
        return 1;
    printf("self is %s: %d\n", base(argv[0]), strcmp(base(self), base(argv[0])) == 0);

    /* what the exec'd program inherits */
    int keep = open("/dev/null", O_RDONLY), drop = open("/dev/null", O_RDONLY | O_CLOEXEC);
    dup2(keep, 10);
    dup3(drop, 11, O_CLOEXEC);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGUSR2, SIG_IGN);
    run("execve", by_execve, self);
    run("execveat", by_execveat, self);
    run("fexecve", by_fexecve, self);

    /* errors */
    char path[4096];
    expect_error("missing file", "/nonexistent/program");
    expect_error("missing dir", "/dev/null/x");
    expect_error("directory", tmp);
    snprintf(path, sizeof path, "%s/data", tmp);
    FILE *f = fopen(path, "w");
    fputs("just some text\n", f);
    fclose(f);
    expect_error("not executable", path);
    chmod(path, 0755);
    expect_error("unknown format", path);
    snprintf(path, sizeof path, "%s/empty", tmp);
    close(open(path, O_WRONLY | O_CREAT, 0755));
    expect_error("empty file", path);
    return 0;
}
