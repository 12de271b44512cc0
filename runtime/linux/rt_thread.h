/*
 * rt_thread.h — guest threads and their signal state (private to runtime/).
 *
 * Every guest thread is a host thread (pthread) running its own dispatcher
 * loop on its own guest state; the guest tid is the host tid, so tgkill,
 * futexes, PI futexes and CLONE_CHILD_CLEARTID work on host primitives.
 * What belongs to one thread — the state, the signal mask and pending set,
 * the alternate stack, clear_child_tid, the robust list, the syscall in
 * progress — lives in rt_thread; what the threads share (signal actions,
 * the memory map, the name /proc/self/comm shows) stays in rt_proc and
 * rt_sys_state.
 *
 *   rt_run (main thread) ─► rt_thread_current: adopts the host thread
 *   clone(CLONE_VM|CLONE_THREAD...) ─► rt_thread_clone ─► pthread ─► runner->run
 *                                      (the dispatcher loop, rt_exec.c)
 *   exit       ─► rt_thread_exit: this thread's loop ends; the last one out
 *                 ends the process with the leader's status
 *   exit_group ─► rt_thread_group_exit: the process ends
 *
 * A thread's struct is only reached through rt_thread_self() on that
 * thread (the host signal handler uses it too) or under the registry lock.
 */
#ifndef LIFTVM_RT_THREAD_H
#define LIFTVM_RT_THREAD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "runtime/linux/rt_linux.h"
#include "runtime/linux/rt_sigframe.h"

/* Guest signal numbers run 1..RT_NSIG. */
#define RT_NSIG 64

/* Bits of rt_thread.flags, the one word the dispatcher loads per block. */
enum {
    RT_TF_SIGNAL = 1, /* a signal arrived (or was unblocked): deliver what can be */
    RT_TF_STOP = 2,   /* the process is exiting: stop running guest code */
};

typedef struct rt_thread {
    rt_proc *proc;
    void *cpu; /* this thread's guest state (arch->state_size bytes) */
    int tid;   /* host tid = guest tid */
    bool is_main;

    _Atomic uint32_t flags;             /* RT_TF_* */
    _Atomic uint64_t sig_pending;       /* received, not yet delivered (bit sig - 1) */
    rt_g_siginfo sig_info[RT_NSIG + 1]; /* siginfo of each pending signal */
    uint64_t sigmask;                   /* blocked guest signals (bit sig - 1) */
    uint64_t host_blocked;              /* guest signals whose host twins the host mask blocks */
    uint64_t saved_mask;                /* rt_sigsuspend: the mask to restore ... */
    bool restore_mask;                  /* ... once the signal that ended it is delivered */
    rt_g_stack altstack; /* sigaltstack; size 0 = disabled, flags = SS_AUTODISARM or 0 */

    uint64_t sys_nr, sys_args[6]; /* the syscall in progress or last made */
    bool exiting;                 /* exit: the loop ends after this syscall */
    int exit_code;

    uint64_t clear_child_tid; /* set_tid_address / CLONE_CHILD_CLEARTID */
    uint64_t robust_list, robust_len;

    void *host_altstack;    /* where the host fault handler runs */
    struct rt_thread *next; /* registry (live) or free list */
} rt_thread;

extern _Thread_local rt_thread *rt_thread_tls;

/* The calling host thread's guest thread, or NULL if it runs none. */
static inline rt_thread *rt_thread_self(void) {
    return rt_thread_tls;
}

/* The dispatcher's side (rt_exec.c registers it in rt_run): run executes a
 * new thread's loop until the thread exits; multithreaded is called once,
 * before the second guest thread starts.  Without a runner, clone of a
 * thread fails with ENOSYS. */
typedef struct rt_thread_runner {
    void (*run)(rt_thread *t);
    void (*multithreaded)(void);
} rt_thread_runner;
void rt_thread_set_runner(const rt_thread_runner *r);

/* The calling host thread's guest thread, adopting the host thread (with
 * p->cpu as its state) if it has none yet: the main thread, unit tests.
 * NULL only when out of memory. */
rt_thread *rt_thread_current(rt_proc *p);

/* clone with CLONE_VM: starts a guest thread that returns 0 from the call at
 * the parent's pc, on stack sp (0: the parent's sp), with tls if
 * CLONE_SETTLS.  Returns its tid or -errno. */
long rt_thread_clone(rt_proc *p, rt_thread *parent, uint64_t flags, uint64_t sp, uint64_t ptid,
                     uint64_t tls, uint64_t ctid);

/* exit: ends the calling thread after this syscall (the last thread out
 * ends the process, p->exited). */
void rt_thread_exit(rt_thread *t, int code);
/* exit_group: the process ends with status code. */
void rt_thread_group_exit(rt_proc *p, int code);

/* Live guest threads. */
int rt_thread_count(void);
/* True if tid is a live guest thread of this process. */
bool rt_thread_is_guest(int tid);

/* For the owner of a thread's loop once it has returned: a thread that
 * exited alone clears its child tid (store 0, futex wake), leaves the
 * registry and frees what it owns.  The main thread instead waits here for
 * the others and gets the process status back (-1: not the main thread). */
int rt_thread_finish(rt_thread *t);

/* The process is exiting while other threads may still run guest code:
 * flushes liftvm's logs and output and ends the host process with status
 * (without running atexit handlers under running threads). */
_Noreturn void rt_thread_exit_process(int status);

/* In the child of a fork: the calling thread is the only one left, its
 * state becomes p->cpu, and its pending signals, robust list and child
 * tid address are cleared.  Runs by itself as a pthread_atfork child
 * handler inside glibc's fork(); a raw clone must call it. */
void rt_thread_after_fork(void);

#endif
