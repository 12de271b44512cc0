/* #! scripts run through execve: the interpreter line with and without its
 * optional argument, a script whose interpreter is itself a script, and the
 * errors for a missing interpreter or an empty #! line.  /bin/sh is
 * riscv64 busybox under liftvm (run.sh's sysroot), the host's sh natively. */
//! dynamic: yes
//! args: @TMP@
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void write_script(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    chmod(path, 0755);
}

static void run(const char *what, const char *path, char *const *av) {
    pid_t pid = fork();
    if (pid == 0) {
        execv(path, av);
        printf("%s: execv failed: %s\n", what, strerrorname_np(errno));
        _exit(99);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2)
        return 2;
    char a[4096], b[4096], c[4096], d[4096], text[8192];
    snprintf(a, sizeof a, "%s/a.sh", argv[1]);
    write_script(a, "#!/bin/sh\n"
                    "echo \"a.sh: $# args: ${1##*/} | $2\"\n"
                    "for w in $2; do echo \"word $w\"; done\n"
                    "exit 3\n");
    char *av[] = {"ignored-argv0", "first", "second arg", NULL};
    run("plain script", a, av);

    snprintf(b, sizeof b, "%s/b.sh", argv[1]);
    write_script(b, "#!/bin/sh -e  \n"
                    "echo \"b.sh: sh -e, args: $*\"\n"
                    "false\n"
                    "echo not reached\n");
    run("script with an interpreter argument", b, av);

    /* c.sh's interpreter is a.sh: a.sh runs with c.sh and the arguments */
    snprintf(c, sizeof c, "%s/c.sh", argv[1]);
    snprintf(text, sizeof text, "#!%s\nthis line is never run by sh\n", a);
    write_script(c, text);
    run("script interpreted by a script", c, av);

    snprintf(d, sizeof d, "%s/d.sh", argv[1]);
    write_script(d, "#!/nonexistent/interpreter\n");
    run("missing interpreter", d, av);
    write_script(d, "#!   \n");
    run("empty #! line", d, av);

    /* execvp falls back to /bin/sh for a text file without #! */
    write_script(d, "echo \"no #! line, run by sh: $1\"\n");
    pid_t pid = fork();
    if (pid == 0) {
        char *av2[] = {"d.sh", "x", NULL};
        execvp(d, av2);
        _exit(99);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("execvp fallback: exit %d\n", WEXITSTATUS(st));
    return 0;
}
