/*
 * syscall_signal.c — the signal, futex and timer syscalls.
 *
 * Signals travel as host signals (guest tid = host tid; numbering in
 * rt_signal.h), so kill, tkill, tgkill and sigqueue pass through to the
 * host kernel, which picks the receiving thread; the host handler and the
 * dispatcher deliver them (rt_signal.c).  Actions are process-wide, masks,
 * pending sets and alternate stacks per thread (rt_thread.h).
 *
 * A signal the guest sends itself that would kill it by its default action
 * kills liftvm here with the same host signal, without a core file and
 * with a -d strace line, as before threads existed.
 *
 * Futexes are host futexes on the guest's memory (base + addr): waits,
 * wakes, requeues, bitsets, timeouts and PI futexes all work across guest
 * threads, and waits are interruptible by guest signals without a race
 * (rt_signal_restartable_syscall).  Interval timers and POSIX timers are the
 * host's, with the signal number translated.
 */
#include "runtime/linux/syscall_priv.h"

#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/linux/rt_signal.h"

enum { G_SIGKILL = 9, G_SIGSEGV = 11, G_SIGSTOP = 19 };
enum { G_SIG_BLOCK = 0, G_SIG_UNBLOCK = 1, G_SIG_SETMASK = 2 };

static const uint64_t unblockable = (1ull << (G_SIGKILL - 1)) | (1ull << (G_SIGSTOP - 1));

static uint64_t reg(const rt_thread *t, size_t off) {
    uint64_t v;
    memcpy(&v, (const uint8_t *)t->cpu + off, sizeof v);
    return v;
}

/* ---- sending ---- */

/* A signal to oneself that the host cannot carry (guest 63 and 64). */
static long post_self(rt_thread *t, int sig, int code) {
    rt_g_siginfo info;
    memset(&info, 0, sizeof info);
    info.si_signo = sig;
    info.si_code = code;
    info.u.kill.pid = getpid();
    info.u.kill.uid = getuid();
    rt_signal_post_self(t, &info);
    return 0;
}

/* Checks sig and finds its host twin: 0 (sig 0, the existence check), a
 * host signal, or -1 for a guest signal with no host twin. */
static int host_sig(int sig) {
    if (sig == 0)
        return 0;
    int h = rt_signal_to_host(sig);
    return h ? h : -1;
}

/* True if tid is one of liftvm's own host threads that runs no guest code
 * (the jit's compile thread): the guest must not signal those. */
static bool helper_thread(int tid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d", tid);
    return !rt_thread_is_guest(tid) && access(path, F_OK) == 0;
}

long rt_sys_kill(rt_proc *p, const uint64_t *a) {
    int pid = rt_sys_int(a[0]), sig = rt_sys_int(a[1]);
    rt_thread *t = rt_thread_current(p);
    if (sig < 0 || sig > RT_SIG_MAX || !t)
        return t ? -EINVAL : -ENOMEM;
    int h = host_sig(sig);
    bool self = pid == getpid();
    if (h < 0)
        return self ? post_self(t, sig, RT_SI_USER) : -EINVAL;
    if (self && rt_signal_fatal_now(t, sig))
        rt_signal_die(p, sig);
    return rt_sys_ret(kill(pid, h));
}

long rt_sys_tkill(rt_proc *p, const uint64_t *a) {
    int tid = rt_sys_int(a[0]), sig = rt_sys_int(a[1]);
    rt_thread *t = rt_thread_current(p);
    if (tid <= 0 || sig < 0 || sig > RT_SIG_MAX || !t)
        return t ? -EINVAL : -ENOMEM;
    int h = host_sig(sig);
    bool self = tid == t->tid;
    if (h < 0)
        return self ? post_self(t, sig, RT_SI_TKILL) : -EINVAL;
    if (self && rt_signal_fatal_now(t, sig))
        rt_signal_die(p, sig);
    if (helper_thread(tid))
        return -ESRCH;
    return rt_sys_ret(syscall(SYS_tkill, tid, h));
}

long rt_sys_tgkill(rt_proc *p, const uint64_t *a) {
    int tgid = rt_sys_int(a[0]), tid = rt_sys_int(a[1]), sig = rt_sys_int(a[2]);
    rt_thread *t = rt_thread_current(p);
    if (tgid <= 0 || tid <= 0 || sig < 0 || sig > RT_SIG_MAX || !t)
        return t ? -EINVAL : -ENOMEM;
    int h = host_sig(sig);
    bool self = tgid == getpid() && tid == t->tid;
    if (h < 0)
        return self ? post_self(t, sig, RT_SI_TKILL) : -EINVAL;
    if (self && rt_signal_fatal_now(t, sig))
        rt_signal_die(p, sig);
    if (tgid == getpid() && helper_thread(tid))
        return -ESRCH;
    return rt_sys_ret(syscall(SYS_tgkill, tgid, tid, h));
}

/* rt_sigqueueinfo(tgid, sig, info) and rt_tgsigqueueinfo(tgid, tid, sig,
 * info): siginfo has the same layout on both sides; only si_signo and the
 * signal number change.  The host checks si_code as Linux would. */
static long queue_info(rt_proc *p, int tgid, int tid, int sig, uint64_t uinfo) {
    rt_thread *t = rt_thread_current(p);
    if (sig < 0 || sig > RT_SIG_MAX || !t)
        return t ? -EINVAL : -ENOMEM;
    rt_g_siginfo info;
    if (mmu_read(p->mm, uinfo, &info, sizeof info))
        return -EFAULT;
    int h = host_sig(sig);
    bool self = tgid == getpid() && (tid == 0 || tid == t->tid);
    if (h < 0) {
        if (!self)
            return -EINVAL;
        info.si_signo = sig;
        rt_signal_post_self(t, &info);
        return 0;
    }
    info.si_signo = h;
    if (tid)
        return rt_sys_ret(syscall(SYS_rt_tgsigqueueinfo, tgid, tid, h, &info));
    return rt_sys_ret(syscall(SYS_rt_sigqueueinfo, tgid, h, &info));
}

long rt_sys_rt_sigqueueinfo(rt_proc *p, const uint64_t *a) {
    return queue_info(p, rt_sys_int(a[0]), 0, rt_sys_int(a[1]), a[2]);
}

long rt_sys_rt_tgsigqueueinfo(rt_proc *p, const uint64_t *a) {
    if (rt_sys_int(a[1]) <= 0)
        return -EINVAL;
    return queue_info(p, rt_sys_int(a[0]), rt_sys_int(a[1]), rt_sys_int(a[2]), a[3]);
}

/* ---- actions and masks ---- */

/* rt_sigaction(sig, act, oact, sigsetsize) with riscv64's kernel struct
 * sigaction: handler, flags, mask (no sa_restorer).  Guest 63 and 64 are
 * recorded like the others (they can only come from the guest itself). */
long rt_sys_rt_sigaction(rt_proc *p, const uint64_t *a) {
    int sig = rt_sys_int(a[0]);
    if (a[3] != 8)
        return -EINVAL;
    if (sig < 1 || sig > RT_SIG_MAX)
        return -EINVAL;
    if (a[1] && (sig == G_SIGKILL || sig == G_SIGSTOP))
        return -EINVAL;
    rt_sigaction_rec nw, old;
    if (a[1] && mmu_read(p->mm, a[1], &nw, sizeof nw))
        return -EFAULT;
    rt_signal_set_action(p, sig, a[1] ? &nw : NULL, &old);
    if (a[2] && mmu_write(p->mm, a[2], &old, sizeof old))
        return -EFAULT;
    return 0;
}

long rt_sys_rt_sigprocmask(rt_proc *p, const uint64_t *a) {
    int how = rt_sys_int(a[0]);
    rt_thread *t = rt_thread_current(p);
    if (a[3] != 8 || !t)
        return t ? -EINVAL : -ENOMEM;
    uint64_t set = 0, old = t->sigmask;
    if (a[1]) {
        if (how != G_SIG_BLOCK && how != G_SIG_UNBLOCK && how != G_SIG_SETMASK)
            return -EINVAL;
        if (mmu_read(p->mm, a[1], &set, sizeof set))
            return -EFAULT;
    }
    if (a[2] && !mmu_check(p->mm, a[2], 8, MMU_W))
        return -EFAULT;
    if (a[1]) {
        if (how == G_SIG_BLOCK)
            t->sigmask |= set;
        else if (how == G_SIG_UNBLOCK)
            t->sigmask &= ~set;
        else
            t->sigmask = set;
        t->sigmask &= ~unblockable;
        rt_signal_mask_changed(t); /* unblocked pending signals arrive after the call */
    }
    if (a[2] && mmu_write(p->mm, a[2], &old, sizeof old))
        return -EFAULT;
    return 0;
}

long rt_sys_rt_sigpending(rt_proc *p, const uint64_t *a) {
    rt_thread *t = rt_thread_current(p);
    if (a[1] > 8 || !t)
        return t ? -EINVAL : -ENOMEM;
    uint64_t pending = rt_signal_pending(t);
    return mmu_write(p->mm, a[0], &pending, (size_t)a[1]) ? -EFAULT : 0;
}

long rt_sys_rt_sigsuspend(rt_proc *p, const uint64_t *a) {
    rt_thread *t = rt_thread_current(p);
    if (a[1] != 8 || !t)
        return t ? -EINVAL : -ENOMEM;
    uint64_t mask;
    if (mmu_read(p->mm, a[0], &mask, sizeof mask))
        return -EFAULT;
    return rt_signal_suspend(t, mask);
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize): struct timespec is two
 * 64-bit words on both sides, so the host reads the guest's directly. */
long rt_sys_rt_sigtimedwait(rt_proc *p, const uint64_t *a) {
    rt_thread *t = rt_thread_current(p);
    if (a[3] != 8 || !t)
        return t ? -EINVAL : -ENOMEM;
    uint64_t set;
    if (mmu_read(p->mm, a[0], &set, sizeof set))
        return -EFAULT;
    const void *ts = NULL;
    if (a[2] && !(ts = mmu_host_ptr(p->mm, a[2], 16, MMU_R)))
        return -EFAULT;
    if (a[1] && !mmu_check(p->mm, a[1], sizeof(rt_g_siginfo), MMU_W))
        return -EFAULT;
    rt_g_siginfo info;
    long r = rt_signal_timedwait(t, set, &info, ts);
    if (r > 0 && a[1] && mmu_write(p->mm, a[1], &info, sizeof info))
        return -EFAULT;
    return r;
}

/* The frame rt_sigreturn finds at sp is not one: Linux kills with SIGSEGV. */
static _Noreturn void bad_sigreturn(rt_proc *p, rt_thread *t) {
    fprintf(stderr, "liftvm: guest killed by SIGSEGV (bad signal frame at sp 0x%lx) at pc 0x%lx\n",
            reg(t, p->arch->off_sp), ((const ir_state_head *)t->cpu)->pc);
    rt_signal_die(p, G_SIGSEGV);
    _exit(128 + G_SIGSEGV);
}

/* rt_sigreturn: the registers, FP state, mask and altstack come back from
 * the frame at sp; the result is the restored a0, so writing it back
 * changes nothing. */
long rt_sys_rt_sigreturn(rt_proc *p, const uint64_t *a) {
    (void)a;
    rt_thread *t = rt_thread_current(p);
    if (!t)
        return -ENOMEM;
    uint64_t mask;
    rt_g_stack ss;
    if (rt_sigframe_restore(p->arch, p->mm, t->cpu, &mask, &ss) != 0)
        bad_sigreturn(p, t);
    t->sigmask = mask & ~unblockable;
    rt_signal_set_altstack(t, &ss,
                           reg(t, p->arch->off_sp)); /* errors other than EFAULT are ignored */
    rt_signal_mask_changed(t);
    return (long)reg(t, p->arch->off_ret);
}

/* sigaltstack(ss, old_ss); stack_t is sp, int flags (padded), size. */
long rt_sys_sigaltstack(rt_proc *p, const uint64_t *a) {
    rt_thread *t = rt_thread_current(p);
    if (!t)
        return -ENOMEM;
    uint64_t sp = reg(t, p->arch->off_sp);
    rt_g_stack nw, old = rt_signal_get_altstack(t, sp);
    if (a[0] && mmu_read(p->mm, a[0], &nw, sizeof nw))
        return -EFAULT;
    if (a[0]) {
        int r = rt_signal_set_altstack(t, &nw, sp);
        if (r)
            return r;
    }
    if (a[1] && mmu_write(p->mm, a[1], &old, sizeof old))
        return -EFAULT;
    return 0;
}

/* ---- futex ---- */

enum {
    G_FUTEX_WAIT = 0,
    G_FUTEX_WAKE = 1,
    G_FUTEX_FD = 2,
    G_FUTEX_REQUEUE = 3,
    G_FUTEX_CMP_REQUEUE = 4,
    G_FUTEX_WAKE_OP = 5,
    G_FUTEX_LOCK_PI = 6,
    G_FUTEX_UNLOCK_PI = 7,
    G_FUTEX_TRYLOCK_PI = 8,
    G_FUTEX_WAIT_BITSET = 9,
    G_FUTEX_WAKE_BITSET = 10,
    G_FUTEX_WAIT_REQUEUE_PI = 11,
    G_FUTEX_CMP_REQUEUE_PI = 12,
    G_FUTEX_LOCK_PI2 = 13,
    G_FUTEX_CMD_MASK = 127, /* without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME */
};

/* The host address of the futex word at guest addr, or NULL (-EFAULT)
 * when it lies outside the guest space.  An unmapped word inside it is
 * left to the host kernel, which answers as Linux would (EFAULT when it
 * must read it, nothing for a private wake). */
static uint32_t *futex_word(rt_proc *p, uint64_t addr) {
    if (addr > mmu_limit(p->mm) - 4)
        return NULL;
    return (uint32_t *)(mmu_base(p->mm) + addr);
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3): every command is
 * the host's on the same words.  The op number, flags and struct timespec
 * agree between riscv64 and x86-64. */
long rt_sys_futex(rt_proc *p, const uint64_t *a) {
    int op = rt_sys_int(a[1]);
    int cmd = op & G_FUTEX_CMD_MASK;
    rt_thread *t = rt_thread_current(p);
    if (!t)
        return -ENOMEM;
    if (a[0] & 3)
        return -EINVAL;
    uint32_t *uaddr = futex_word(p, a[0]);
    if (!uaddr)
        return -EFAULT;
    long val = (long)(uint32_t)a[2], val3 = (long)(uint32_t)a[5];
    switch (cmd) {
    case G_FUTEX_WAIT:
    case G_FUTEX_WAIT_BITSET:
    case G_FUTEX_LOCK_PI:
    case G_FUTEX_LOCK_PI2:
    case G_FUTEX_WAIT_REQUEUE_PI: {
        const void *ts = NULL;
        if (a[3] && !(ts = mmu_host_ptr(p->mm, a[3], 16, MMU_R)))
            return -EFAULT;
        uint32_t *uaddr2 = NULL;
        if (cmd == G_FUTEX_WAIT_REQUEUE_PI && !(uaddr2 = futex_word(p, a[4])))
            return -EFAULT;
        return rt_signal_restartable_syscall(t, SYS_futex, (long)uaddr, op, val, (long)ts,
                                             (long)uaddr2, val3);
    }
    case G_FUTEX_WAKE:
    case G_FUTEX_WAKE_BITSET:
    case G_FUTEX_UNLOCK_PI:
    case G_FUTEX_TRYLOCK_PI:
        return rt_sys_ret(syscall(SYS_futex, uaddr, op, val, NULL, NULL, val3));
    case G_FUTEX_REQUEUE:
    case G_FUTEX_CMP_REQUEUE:
    case G_FUTEX_WAKE_OP:
    case G_FUTEX_CMP_REQUEUE_PI: {
        uint32_t *uaddr2 = futex_word(p, a[4]);
        if (!uaddr2)
            return -EFAULT;
        return rt_sys_ret(syscall(SYS_futex, uaddr, op, val, (long)(uint32_t)a[3], uaddr2, val3));
    }
    default:
        rt_sys_unimp("futex op %d", cmd);
        return -ENOSYS;
    }
}

/* ---- timers ---- */

/* setitimer/getitimer: struct itimerval is four 64-bit words on both sides;
 * ITIMER_REAL raises SIGALRM, which is the same number. */
long rt_sys_setitimer(rt_proc *p, const uint64_t *a) {
    const void *nw = NULL;
    void *old = NULL;
    if (a[1] && !(nw = mmu_host_ptr(p->mm, a[1], 32, MMU_R)))
        return -EFAULT;
    if (a[2] && !(old = mmu_host_ptr(p->mm, a[2], 32, MMU_W)))
        return -EFAULT;
    return rt_sys_ret(syscall(SYS_setitimer, rt_sys_int(a[0]), nw, old));
}

long rt_sys_getitimer(rt_proc *p, const uint64_t *a) {
    void *cur = mmu_host_ptr(p->mm, a[1], 32, MMU_W);
    if (!cur)
        return -EFAULT;
    return rt_sys_ret(syscall(SYS_getitimer, rt_sys_int(a[0]), cur));
}

/* struct sigevent: value, signo, notify, then a union whose first int is
 * the thread id of SIGEV_THREAD_ID (64 bytes on both sides). */
typedef struct guest_sigevent {
    uint64_t value;
    int32_t signo;
    int32_t notify;
    int32_t tid;
    int32_t pad[11];
} guest_sigevent;
_Static_assert(sizeof(guest_sigevent) == sizeof(struct sigevent), "struct sigevent is 64 bytes");

enum { G_SIGEV_SIGNAL = 0, G_SIGEV_NONE = 1, G_SIGEV_THREAD_ID = 4 };

/* timer_create(clock, sevp, timerid): the kernel's timer id is an int. */
long rt_sys_timer_create(rt_proc *p, const uint64_t *a) {
    guest_sigevent ev;
    guest_sigevent *evp = NULL;
    if (a[1]) {
        if (mmu_read(p->mm, a[1], &ev, sizeof ev))
            return -EFAULT;
        if (ev.notify == G_SIGEV_SIGNAL || ev.notify == G_SIGEV_THREAD_ID) {
            if (ev.signo < 1 || ev.signo > RT_SIG_MAX)
                return -EINVAL;
            int h = rt_signal_to_host(ev.signo);
            if (!h) {
                rt_sys_unimp("timer_create with guest signal %d (no host signal)", ev.signo);
                return -EINVAL;
            }
            ev.signo = h;
        }
        evp = &ev;
    }
    int32_t *id = mmu_host_ptr(p->mm, a[2], sizeof *id, MMU_W);
    if (!id)
        return -EFAULT;
    return rt_sys_ret(syscall(SYS_timer_create, rt_sys_int(a[0]), evp, id));
}

/* struct itimerspec is four 64-bit words on both sides. */
long rt_sys_timer_settime(rt_proc *p, const uint64_t *a) {
    const void *nw = mmu_host_ptr(p->mm, a[2], 32, MMU_R);
    void *old = NULL;
    if (!nw || (a[3] && !(old = mmu_host_ptr(p->mm, a[3], 32, MMU_W))))
        return -EFAULT;
    return rt_sys_ret(syscall(SYS_timer_settime, rt_sys_int(a[0]), rt_sys_int(a[1]), nw, old));
}

long rt_sys_timer_gettime(rt_proc *p, const uint64_t *a) {
    void *cur = mmu_host_ptr(p->mm, a[1], 32, MMU_W);
    if (!cur)
        return -EFAULT;
    return rt_sys_ret(syscall(SYS_timer_gettime, rt_sys_int(a[0]), cur));
}

long rt_sys_timer_getoverrun(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(syscall(SYS_timer_getoverrun, rt_sys_int(a[0])));
}

long rt_sys_timer_delete(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(syscall(SYS_timer_delete, rt_sys_int(a[0])));
}

/* ---- waits that swap the mask (ppoll, pselect6, epoll_pwait) ---- */

long rt_sys_wait_call(rt_proc *p, uint64_t mask_addr, long nr, long a1, long a2, long a3, long a4,
                      long a5, long a6) {
    rt_thread *t = rt_thread_current(p);
    if (!t)
        return -ENOMEM;
    if (!mask_addr)
        return rt_signal_safe_syscall(t, nr, a1, a2, a3, a4, a5, a6);
    uint64_t mask;
    if (mmu_read(p->mm, mask_addr, &mask, sizeof mask))
        return -EFAULT;
    return rt_signal_call_masked(t, mask, nr, a1, a2, a3, a4, a5, a6);
}

long rt_sys_blocking(rt_proc *p, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
    rt_thread *t = rt_thread_current(p);
    if (!t)
        return rt_sys_ret(syscall(nr, a1, a2, a3, a4, a5, a6));
    return rt_signal_restartable_syscall(t, nr, a1, a2, a3, a4, a5, a6);
}
