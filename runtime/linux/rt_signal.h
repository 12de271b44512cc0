/*
 * rt_signal.h — guest signal delivery (private to runtime/).
 *
 *   host signal ─► host handler (async-signal-safe): siginfo into the
 *     thread's slot, pending bit, host-block it until delivered, flag
 *   dispatcher, at a block boundary: t->flags != 0 ─► rt_signal_deliver:
 *     IGN: drop; DFL: default action (kill liftvm with the same signal);
 *     handler: riscv64 rt_sigframe on the guest stack (or the altstack),
 *     registers enter the handler, ra = sigreturn trampoline;
 *     an interrupted syscall (-EINTR) is restarted for SA_RESTART
 *   trap or host fault in guest memory ─► rt_signal_sync (precise: pc and
 *     registers of the faulting instruction)
 *
 * Guest signals 1..31 are the same host signals; guest 32..62 are host
 * 34..64 (the host libc keeps 32 and 33 for itself, as qemu-user does);
 * guest 63 and 64 have no host signal and can only be sent to oneself.
 * Each thread's host mask mirrors its guest mask (plus the signals waiting
 * for delivery), except for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGTRAP,
 * which the runtime needs for its own faults and masks in software; so the
 * host kernel picks the thread for a process-directed signal and queues
 * real-time signals, and a blocking host syscall returns EINTR (the host
 * handlers have no SA_RESTART) when a signal for a guest handler arrives.
 */
#ifndef LIFTVM_RT_SIGNAL_H
#define LIFTVM_RT_SIGNAL_H

#include <signal.h>

#include "runtime/linux/rt_thread.h"

/* Host signal number for guest signal g (0 if it has none), and back. */
int rt_signal_to_host(int g);
int rt_signal_from_host(int h);

/* Once per process, before guest code runs: the host handlers the runtime
 * always keeps and the sigreturn trampoline. */
void rt_signal_init(rt_proc *p);
/* On a new guest thread: its host mask from its guest mask. */
void rt_signal_thread_start(rt_thread *t);

/* The host-handler part for a signal aimed at the guest (called from the
 * runtime's own SIGSEGV/SIGBUS handler for sent, not faulting, signals).
 * Async-signal-safe. */
void rt_signal_host_async(int hsig, siginfo_t *si, void *ucontext);

/* At a block boundary when t->flags is not 0: delivers the pending signals
 * the thread does not block.  after_syscall: the last block ended in a
 * syscall whose -EINTR may be restarted.  False when the thread must stop
 * (the process is exiting). */
bool rt_signal_deliver(rt_thread *t, bool after_syscall);

/* A synchronous trap at the state's pc (sig, si_code, si_addr): true if a
 * guest handler will run (its frame is built), false if the guest dies of
 * it (the caller reports and kills). */
bool rt_signal_sync(rt_thread *t, int sig, int code, uint64_t addr);

/* rt_sigaction's effect: g's action (process-wide) becomes *nw if nw,
 * the old one goes to *old if old; the host disposition follows. */
struct rt_sigaction_rec;
void rt_signal_set_action(rt_proc *p, int g, const struct rt_sigaction_rec *nw,
                          struct rt_sigaction_rec *old);

/* Kills liftvm with guest signal g's host twin by its default action, no
 * core file (stops, for a stop signal, and returns when continued). */
void rt_signal_die(rt_proc *p, int g);

/* Makes the host mask follow t->sigmask and the pending set; sets the
 * deliver flag if a pending signal is now unblocked. */
void rt_signal_mask_changed(rt_thread *t);

/* The host mask was changed behind rt_signal's back (siglongjmp out of
 * the host fault handler restores an old one): set it again. */
void rt_signal_host_mask_lost(rt_thread *t);

/* A host syscall that a signal for the guest interrupts without a race:
 * returns -EINTR if one is (or becomes) pending before the call blocks,
 * else the raw result (-errno on failure). */
long rt_signal_safe_syscall(rt_thread *t, long nr, long a1, long a2, long a3, long a4, long a5,
                            long a6);

/* Linux's ERESTARTNOINTR: the result of a call that a guest signal stopped
 * before it started (never seen by the guest: the dispatcher restarts it). */
#define RT_ERESTART_NOSTART 513
/* As rt_signal_safe_syscall for a syscall handler's call that may block
 * (read on a pipe, wait4, accept...): a signal pending before the call
 * starts gives -RT_ERESTART_NOSTART, which rt_signal_deliver always
 * restarts after the handler; one that interrupts the host call gives its
 * -EINTR, restarted or not by the handler's SA_RESTART as on Linux. */
long rt_signal_restartable_syscall(rt_thread *t, long nr, long a1, long a2, long a3, long a4,
                                   long a5, long a6);

/* A signal to the calling thread that the host cannot carry (guest 63,
 * 64): pending in software. */
void rt_signal_post_self(rt_thread *t, const rt_g_siginfo *info);
/* rt_sigpending: signals pending for t (its own and the process's) that it
 * blocks. */
uint64_t rt_signal_pending(rt_thread *t);
/* rt_sigsuspend: waits with mask until a signal is to be delivered; always
 * -EINTR (the delivery restores the mask after the handler's frame took
 * the old one). */
long rt_signal_suspend(rt_thread *t, uint64_t mask);
/* rt_sigtimedwait: takes a pending signal of set (guest numbers) into *out
 * and returns its number; -EAGAIN on timeout (host_ts: a host timespec or
 * NULL), -EINTR when a handled signal arrives instead. */
long rt_signal_timedwait(rt_thread *t, uint64_t set, rt_g_siginfo *out, const void *host_ts);
/* A host syscall made while the guest's mask is temporarily mask (ppoll,
 * pselect6, epoll_pwait: the atomic swap of pselect): interruptible as
 * rt_signal_safe_syscall; the old mask comes back after the call, or after
 * the handler's frame is built when a signal ended it. */
long rt_signal_call_masked(rt_thread *t, uint64_t mask, long nr, long a1, long a2, long a3, long a4,
                           long a5, long a6);
/* True if g sent to t now would kill the process by its default action
 * (not blocked, SIG_DFL, terminating). */
bool rt_signal_fatal_now(rt_thread *t, int g);

/* Per-thread alternate stack change (sigaltstack and rt_sigreturn): sp is
 * the thread's current stack pointer.  0 or -EPERM, -EINVAL, -ENOMEM. */
int rt_signal_set_altstack(rt_thread *t, const rt_g_stack *ss, uint64_t sp);
/* The altstack as sigaltstack reports it for stack pointer sp. */
rt_g_stack rt_signal_get_altstack(const rt_thread *t, uint64_t sp);

#endif
