/* The /proc files that describe the guest: /proc/self/exe, cmdline, comm,
 * auxv, maps, and /proc/cpuinfo (a riscv64 view under liftvm). */
//! dynamic: yes
//! args: one "two words" ""
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <unistd.h>

static size_t slurp(const char *path, char *buf, size_t cap) {
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    size_t got = 0;
    ssize_t n;
    while (got < cap - 1 && (n = read(fd, buf + got, cap - 1 - got)) > 0)
        got += (size_t)n;
    close(fd);
    buf[got] = 0;
    return got;
}

static char big[1 << 20];

int main(int argc, char **argv) {
    /* exe: the program, not the emulator */
    char exe[4096] = {0};
    readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *b = strrchr(argv[0], '/');
    printf("exe names the program: %d\n", strcmp(strrchr(exe, '/'), b ? b : argv[0]) == 0);

    /* cmdline: the arguments, NUL-separated */
    size_t n = slurp("/proc/self/cmdline", big, sizeof big);
    size_t want = 0;
    int same = 1;
    for (int i = 0; i < argc; i++) {
        same &= want + strlen(argv[i]) < n && strcmp(big + want, argv[i]) == 0;
        want += strlen(argv[i]) + 1;
    }
    printf("cmdline: %d args, matches argv %d\n", argc, same && want == n);
    char *self = strdup(exe);
    printf("cmdline[1..]:");
    for (int i = 1; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\n");

    /* comm */
    prctl(PR_SET_NAME, "renamed-proc");
    slurp("/proc/self/comm", big, sizeof big);
    printf("comm: %s", big);

    /* auxv */
    int fd = open("/proc/self/auxv", O_RDONLY);
    unsigned long av[2], pagesz = 0, entry = 0;
    while (read(fd, av, sizeof av) == sizeof av && av[0] != AT_NULL) {
        if (av[0] == AT_PAGESZ)
            pagesz = av[1];
        if (av[0] == AT_ENTRY)
            entry = av[1];
    }
    close(fd);
    printf("auxv: pagesz %lu, entry matches getauxval %d\n", pagesz, entry == getauxval(AT_ENTRY));

    /* maps: main's code is in an executable mapping of the program, a local
     * variable in [stack] */
    slurp("/proc/self/maps", big, sizeof big);
    unsigned long code = (unsigned long)(void *)main, stack = (unsigned long)(void *)&n;
    int code_ok = 0, stack_ok = 0;
    for (char *line = strtok(big, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long lo, hi;
        char perms[8];
        int pos = 0;
        if (sscanf(line, "%lx-%lx %7s %*x %*x:%*x %*u %n", &lo, &hi, perms, &pos) < 3)
            continue;
        const char *name = pos ? line + pos : "";
        if (code >= lo && code < hi && perms[2] == 'x' && strcmp(name, self) == 0)
            code_ok = 1;
        if (stack >= lo && stack < hi && strcmp(name, "[stack]") == 0)
            stack_ok = 1;
    }
    printf("maps: code in the program's r-x mapping %d, local in [stack] %d\n", code_ok, stack_ok);

    /* cpuinfo: one entry per CPU, with this architecture's fields */
    slurp("/proc/cpuinfo", big, sizeof big);
    int cpus = 0, arch_ok = 1;
    for (char *line = strtok(big, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "processor", 9) == 0)
            cpus++;
#if defined(__riscv)
        if (strncmp(line, "isa", 3) == 0)
            arch_ok &= strstr(line, ": rv64imafdc") != NULL;
        if (strncmp(line, "mmu", 3) == 0)
            arch_ok &= strstr(line, ": sv39") != NULL;
#else
        if (strncmp(line, "flags", 5) == 0)
            arch_ok &= strstr(line, " fpu") != NULL;
#endif
    }
    printf("cpuinfo: one entry per online CPU %d, fields ok %d\n",
           cpus == sysconf(_SC_NPROCESSORS_ONLN), arch_ok);
    return 0;
}
