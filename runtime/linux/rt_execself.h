/*
 * rt_execself.h — what a guest execve needs from liftvm's command line
 * (runtime/linux/syscall_exec.c, called from main.c).
 *
 * A guest that execs a riscv64 program gets a new liftvm process running
 * it: liftvm execs itself with the options it was started with, so -L, -d,
 * -D and the jit options carry over to every program of a process tree.
 */
#ifndef LIFTVM_RT_EXECSELF_H
#define LIFTVM_RT_EXECSELF_H

#include <stddef.h>

/* Records how to start liftvm again: its own executable (resolved now, as
 * an absolute path), the option words to replay (main.c leaves out the
 * per-program -0, -E and -U) and the LIFTVM_* environment twins (except
 * LIFTVM_ARGV0, _SET_ENV, _UNSET_ENV).  Returns 0, or -1 if liftvm cannot
 * find its own executable (a guest execve then fails with ENOEXEC). */
int rt_execself_init(int nopts, char *const *opts);

/* The host file for the program path the command line names: like every
 * absolute path the guest uses, one that exists under sysroot is taken from
 * there.  Returns path itself or buf (n bytes) holding the mapped path. */
const char *rt_execself_program(const char *sysroot, const char *path, char *buf, size_t n);

/* The option liftvm passes when it starts itself for a guest execve: the
 * -D log is appended to (the first liftvm of the process tree created it)
 * and -d strace lines carry the pid. */
#define RT_EXECSELF_CHILD "--exec-child"

/* Marks this liftvm as one a guest process created (a forked child or a
 * re-executed image): -d strace lines start with "[pid N] ". */
void rt_execself_mark_child(void);

#endif
