/*
 * rt_exec.h — the dispatcher: runs a loaded guest process to its end.
 */
#ifndef LIFTVM_RT_EXEC_H
#define LIFTVM_RT_EXEC_H

#include "llvmjit/jit.h"
#include "llvmjit/jit_cache.h"
#include "runtime/linux/rt_linux.h"

/* Runs p (loaded, stack set up) until it exits; returns its exit status
 * (exit_group status & 0xff).  A guest killed by a signal it does not handle
 * kills liftvm with the same signal after one line on stderr, so this does
 * not return then. */
int rt_run(rt_proc *p);

/* Options for the jit started by rt_run (default: jit_options_default). */
void rt_exec_set_jit_options(const jit_options *o);
/* Its disk cache (default: jit_cache_options_default) and perf outputs. */
void rt_exec_set_cache_options(const jit_cache_options *o, bool perfmap, bool jitdump);

/* The dispatcher's fork handler for the child (registered with
 * pthread_atfork; a raw host clone calls it itself). */
void rt_exec_after_fork_child(void);

#endif
