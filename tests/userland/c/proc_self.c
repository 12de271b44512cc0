/*
 * proc_self.c — what a program learns about itself from /proc/self:
 * cmdline holds its own argv, exe names its own file, maps lists the stack
 * it runs on and its own code, and pthread_getattr_np on the main thread
 * (which glibc answers from /proc/self/maps) finds that stack.
 */
//! args: first "second arg" third
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    /* cmdline: NUL-separated, exactly argv. */
    FILE *f = fopen("/proc/self/cmdline", "rb");
    char buf[4096];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    int fields = 0, same = 1;
    for (size_t off = 0; off < n; off += strlen(buf + off) + 1) {
        if (fields >= argc || strcmp(buf + off, argv[fields]) != 0)
            same = 0;
        fields++;
    }
    printf("cmdline: %d fields, argc %d, same as argv %d\n", fields, argc, same && fields == argc);

    /* exe: the same file as argv[0]. */
    char exe[4096], arg0[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = 0;
    printf("exe is argv[0]: %d\n", realpath(argv[0], arg0) && strcmp(exe, arg0) == 0);

    /* maps: a line covering a local variable (the stack) and one covering main. */
    int local = 0;
    uintptr_t sp = (uintptr_t)&local, pc = (uintptr_t)&main;
    int stack_line = 0, code_line = 0, stack_named = 0;
    f = fopen("/proc/self/maps", "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3)
            continue;
        if (sp >= lo && sp < hi) {
            stack_line = 1;
            stack_named = strstr(line, "[stack]") != NULL;
        }
        if (pc >= lo && pc < hi && perms[2] == 'x')
            code_line = 1;
    }
    if (f)
        fclose(f);
    printf("maps: stack mapped %d (named [stack] %d), code mapped executable %d\n", stack_line, stack_named, code_line);

    pthread_attr_t attr;
    void *addr = NULL;
    size_t size = 0;
    int r = pthread_getattr_np(pthread_self(), &attr);
    if (r == 0) {
        pthread_attr_getstack(&attr, &addr, &size);
        pthread_attr_destroy(&attr);
    }
    printf("pthread_getattr_np(main): %d, stack holds a local %d\n", r,
           sp >= (uintptr_t)addr && sp < (uintptr_t)addr + size);
    return 0;
}
