/*
 * rt_log.c — run-time log categories (-d LIST) and the log file (-D FILE).
 */
#include "runtime/rt_log.h"

#include <stdarg.h>
#include <string.h>

unsigned rt_log_mask;
FILE *rt_log_file;

/* stderr is not a constant initializer; set the default before main. */
__attribute__((constructor)) static void log_default_file(void) {
    if (!rt_log_file)
        rt_log_file = stderr;
}

static const struct {
    const char *name;
    unsigned bit;
    const char *doc;
} categories[] = {
    {"in_asm", RT_LOG_IN_ASM, "guest instructions of each newly decoded block"},
    {"ir", RT_LOG_IR, "IR of each newly decoded block"},
    {"exec", RT_LOG_EXEC, "every block executed, with its guest pc"},
    {"strace", RT_LOG_STRACE, "every system call with its arguments and result"},
    {"unimp", RT_LOG_UNIMP, "unimplemented system calls, flags and features"},
    {"page", RT_LOG_PAGE, "guest memory map changes"},
    {"jit", RT_LOG_JIT, "every compiled unit: tier, size, lift/optimise/codegen/link times"},
    {"stats", RT_LOG_STATS, "summary counters and timers at exit (jit, peak RSS)"},
};

void rt_logf(const char *fmt, ...) {
    FILE *f = rt_log_file ? rt_log_file : stderr;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
}

void rt_log_help(FILE *f) {
    fprintf(f, "Log categories for -d (comma-separated):\n");
    for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
        fprintf(f, "  %-8s %s\n", categories[i].name, categories[i].doc);
    fprintf(f, "  %-8s %s\n", "all", "every category above");
    fprintf(f, "  %-8s %s\n", "help", "this list");
}

/* "help" prints the list and succeeds without setting anything; the CLI
 * decides whether to exit afterwards. */
int rt_log_parse(const char *list) {
    unsigned mask = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 4 && strncmp(p, "help", 4) == 0) {
            rt_log_help(stdout);
        } else if (n == 3 && strncmp(p, "all", 3) == 0) {
            for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
                mask |= categories[i].bit;
        } else if (n > 0) {
            size_t i;
            for (i = 0; i < sizeof categories / sizeof categories[0]; i++)
                if (strlen(categories[i].name) == n && strncmp(p, categories[i].name, n) == 0)
                    break;
            if (i == sizeof categories / sizeof categories[0]) {
                fprintf(stderr, "liftvm: unknown log category '%.*s' (try -d help)\n", (int)n, p);
                return -1;
            }
            mask |= categories[i].bit;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    rt_log_mask |= mask;
    return 0;
}

/* The log is opened for appending, so that every liftvm of a process tree
 * (forked children, re-executed liftvms) adds whole lines at its end; the
 * first one truncates it (main.c).  Close-on-exec: the fd must not leak into
 * the programs the guest runs. */
int rt_log_open(const char *path) {
    FILE *f = fopen(path, "ae");
    if (!f)
        return -1;
    setvbuf(f, NULL, _IOLBF, 0);
    if (rt_log_file && rt_log_file != stderr)
        fclose(rt_log_file);
    rt_log_file = f;
    return 0;
}
