/* vfork suspends the parent until the child exits or execs: the child's
 * lines, written across a pause, all come before the parent's; the same
 * for a child whose exec fails before it exits, and for one that execs. */
//! dynamic: yes
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void say(const char *s) {
    ssize_t w = write(1, s, strlen(s));
    (void)w;
}

static void pause_ms(long ms) {
    struct timespec ts = {0, ms * 1000000};
    nanosleep(&ts, NULL);
}

static void reap(pid_t pid) {
    int st = 0;
    if (waitpid(pid, &st, 0) != pid)
        printf("waitpid failed\n");
    else
        printf("child status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);

    pid_t pid = vfork();
    if (pid == 0) {
        say("child: start\n");
        pause_ms(200);
        say("child: exiting\n");
        _exit(3);
    }
    printf("parent: resumed after the exit\n");
    reap(pid);

    pid = vfork();
    if (pid == 0) {
        char *argv[] = {"missing", NULL};
        execv("/nonexistent/missing", argv);
        pause_ms(100);
        say("child: exec failed\n");
        _exit(127);
    }
    printf("parent: resumed after the failed exec\n");
    reap(pid);

    pid = vfork();
    if (pid == 0) {
        char *argv[] = {"sh", "-c", "exit 5", NULL};
        execv("/bin/sh", argv);
        _exit(126);
    }
    printf("parent: resumed after the exec\n");
    reap(pid);
    return 0;
}
