/* posix_spawn (CLONE_VM|CLONE_VFORK in glibc), posix_spawnp, system() and
 * popen in both directions, all running /bin/sh. */
//! dynamic: yes
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    pid_t pid;
    char *av[] = {"sh", "-c", "echo \"spawned sh: $0 $1\"; exit 6", "zero", "one", NULL};
    int r = posix_spawn(&pid, "/bin/sh", NULL, NULL, av, environ);
    int st;
    waitpid(pid, &st, 0);
    printf("posix_spawn: %d exit %d\n", r, WEXITSTATUS(st));

    /* file actions: stdout of the child into a pipe */
    int fds[2];
    pipe(fds);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    char *av2[] = {"sh", "-c", "echo through the pipe", NULL};
    r = posix_spawnp(&pid, "sh", &fa, NULL, av2, environ);
    close(fds[1]);
    char buf[128];
    ssize_t n = read(fds[0], buf, sizeof buf);
    waitpid(pid, &st, 0);
    printf("posix_spawnp: %d read %.*s", r, (int)(n > 0 ? n : 0), buf);
    posix_spawn_file_actions_destroy(&fa);

    /* A program that cannot be run: glibc reports the exec error through
     * memory shared with the vfork child; liftvm's fork emulation cannot,
     * so the child exits with 127 instead.  Either way it failed. */
    char *av3[] = {"nope", NULL};
    r = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, av3, environ);
    st = 0;
    if (r == 0)
        waitpid(pid, &st, 0);
    printf("posix_spawn of a missing program failed: %d\n",
           r != 0 || (WIFEXITED(st) && WEXITSTATUS(st) == 127));

    r = system("echo from system; exit 4");
    printf("system: exit %d\n", WEXITSTATUS(r));
    printf("system(NULL) finds a shell: %d\n", system(NULL) != 0);

    FILE *f = popen("echo popen line 1; echo popen line 2", "r");
    while (f && fgets(buf, sizeof buf, f))
        printf("popen read: %s", buf);
    printf("pclose: %d\n", f ? pclose(f) : -1);
    f = popen("while read l; do echo \"sh got: $l\"; done", "w");
    fprintf(f, "alpha\nbeta\n");
    printf("pclose(w): %d\n", pclose(f));
    return 0;
}
