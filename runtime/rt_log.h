/*
 * rt_log.h — run-time log categories (-d LIST, -D FILE).
 */
#ifndef LIFTVM_RT_LOG_H
#define LIFTVM_RT_LOG_H

#include <stdbool.h>
#include <stdio.h>

enum {
    RT_LOG_IN_ASM = 1 << 0, /* guest instructions of each newly decoded block */
    RT_LOG_IR = 1 << 1,     /* IR of each newly decoded block */
    RT_LOG_EXEC = 1 << 2,   /* every block executed, with its pc */
    RT_LOG_STRACE = 1 << 3, /* every syscall with arguments and result */
    RT_LOG_UNIMP = 1 << 4,  /* unimplemented syscalls, flags and features */
    RT_LOG_PAGE = 1 << 5,   /* guest memory map changes */
    RT_LOG_JIT = 1 << 6,    /* every compiled unit: tier, size, lift/optimise/codegen times */
    RT_LOG_STATS = 1 << 7,  /* summary counters and timers at exit */
};

extern unsigned rt_log_mask;
extern FILE *rt_log_file; /* stderr unless -D */

static inline bool rt_log_on(unsigned cat) { return (rt_log_mask & cat) != 0; }
void rt_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parses a comma-separated category list ("in_asm,strace" or "help");
 * returns 0, or -1 after printing the unknown name to stderr. */
int rt_log_parse(const char *list);
/* Opens FILE for log output; -1 on error. */
int rt_log_open(const char *path);
void rt_log_help(FILE *f);

#endif
