/*
 * args_env.c — what the kernel (or liftvm's loader) puts on the initial
 * stack: argc, argv strings (with spaces and empty ones), an environment
 * variable set by the test runner (not LIFTVM_*: liftvm keeps those for
 * itself), and auxv entries read with getauxval.
 */
//! args: one "two words" "" --flag=3 last
//! env: GUEST_TEST_VAR=hello-guest GUEST_TEST_EMPTY=
//! dynamic: yes
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
    const char *base = strrchr(argv[0], '/');
    printf("argc=%d argv0=%s\n", argc, base ? base + 1 : argv[0]);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "not null");
    printf("getenv=%s empty=[%s] missing=%s\n", getenv("GUEST_TEST_VAR"),
           getenv("GUEST_TEST_EMPTY"), getenv("GUEST_TEST_NO_SUCH") ? "set" : "unset");
    int found = 0;
    for (char **e = envp; *e; e++)
        found += strncmp(*e, "GUEST_TEST_VAR=", 15) == 0;
    printf("envp has var=%d\n", found);
    printf("AT_PAGESZ=%lu sysconf=%ld\n", getauxval(AT_PAGESZ), sysconf(_SC_PAGESIZE));
    printf("AT_UID match=%d AT_EUID match=%d AT_GID match=%d\n", getauxval(AT_UID) == getuid(),
           getauxval(AT_EUID) == geteuid(), getauxval(AT_GID) == getgid());
    printf("AT_RANDOM set=%d AT_ENTRY set=%d AT_PHDR set=%d AT_SECURE=%lu\n",
           getauxval(AT_RANDOM) != 0, getauxval(AT_ENTRY) != 0, getauxval(AT_PHDR) != 0,
           getauxval(AT_SECURE));
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    const char *eb = execfn ? strrchr(execfn, '/') : NULL;
    printf("AT_EXECFN=%s\n", eb ? eb + 1 : execfn ? execfn : "(none)");
    if (setenv("GUEST_TEST_VAR", "changed", 1) == 0)
        printf("setenv=%s\n", getenv("GUEST_TEST_VAR"));
    return argc;
}
