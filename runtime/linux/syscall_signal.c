/*
 * syscall_signal.c — signals and futexes for a single-threaded guest.
 *
 * Signal dispositions, the blocked mask and the alternate stack are
 * recorded in rt_sys_state; delivery to guest handlers is a later step.
 * A signal the guest sends itself while blocking it stays pending until
 * it is unblocked, as on Linux (glibc blocks signals around raise()).
 * Until then a signal the guest sends itself takes its default action for
 * real: a terminating one kills liftvm with the same host signal (no core
 * file), so the parent sees the status the guest would have produced.
 * SIG_IGN and SIG_DFL for ordinary signals are mirrored onto the host, so
 * a guest that ignores SIGPIPE gets EPIPE instead of dying.
 *
 * With one thread a futex has no one to wait for or wake: FUTEX_WAIT with
 * a stale value returns -EAGAIN, wakes wake nobody, and FUTEX_WAKE_OP still
 * performs its operation on the second word.
 */
#include "runtime/linux/syscall_priv.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* clang-format off */
/* Guest (asm-generic) signal numbers; x86-64 uses the same ones. */
enum {
    G_SIGHUP = 1, G_SIGINT = 2, G_SIGQUIT = 3, G_SIGILL = 4, G_SIGTRAP = 5, G_SIGABRT = 6,
    G_SIGBUS = 7, G_SIGFPE = 8, G_SIGKILL = 9, G_SIGUSR1 = 10, G_SIGSEGV = 11,
    G_SIGUSR2 = 12, G_SIGPIPE = 13, G_SIGALRM = 14, G_SIGTERM = 15, G_SIGSTKFLT = 16,
    G_SIGCHLD = 17, G_SIGCONT = 18, G_SIGSTOP = 19, G_SIGTSTP = 20, G_SIGTTIN = 21,
    G_SIGTTOU = 22, G_SIGURG = 23, G_SIGXCPU = 24, G_SIGXFSZ = 25, G_SIGVTALRM = 26,
    G_SIGPROF = 27, G_SIGWINCH = 28, G_SIGIO = 29, G_SIGPWR = 30, G_SIGSYS = 31,
};
/* clang-format on */

enum { G_SIG_DFL = 0, G_SIG_IGN = 1 };
enum { G_SIG_BLOCK = 0, G_SIG_UNBLOCK = 1, G_SIG_SETMASK = 2 };
enum { G_SS_ONSTACK = 1, G_SS_DISABLE = 2, G_SS_AUTODISARM = 1u << 31 };
#define G_MINSIGSTKSZ 2048 /* riscv64 */

static uint64_t sigbit(int sig) {
    return 1ull << (sig - 1);
}
static const uint64_t unblockable = (1ull << (G_SIGKILL - 1)) | (1ull << (G_SIGSTOP - 1));

typedef enum { ACT_TERM, ACT_CORE, ACT_IGN, ACT_STOP, ACT_CONT } default_action;

/* clang-format off */
static default_action default_of(int sig) {
    switch (sig) {
    case G_SIGQUIT: case G_SIGILL: case G_SIGTRAP: case G_SIGABRT: case G_SIGBUS:
    case G_SIGFPE: case G_SIGSEGV: case G_SIGXCPU: case G_SIGXFSZ: case G_SIGSYS:
        return ACT_CORE;
    case G_SIGCHLD: case G_SIGURG: case G_SIGWINCH:
        return ACT_IGN;
    case G_SIGSTOP: case G_SIGTSTP: case G_SIGTTIN: case G_SIGTTOU:
        return ACT_STOP;
    case G_SIGCONT:
        return ACT_CONT;
    default:
        return ACT_TERM; /* including every real-time signal */
    }
}
/* clang-format on */

/* Signals whose host disposition may follow the guest's SIG_IGN/SIG_DFL:
 * the classic ones the runtime does not use for faults, and never the
 * host libc's internal real-time signals. */
/* clang-format off */
static bool mirrored(int sig) {
    switch (sig) {
    case G_SIGHUP: case G_SIGINT: case G_SIGQUIT: case G_SIGUSR1: case G_SIGUSR2:
    case G_SIGPIPE: case G_SIGALRM: case G_SIGTERM: case G_SIGCHLD: case G_SIGTSTP:
    case G_SIGTTIN: case G_SIGTTOU: case G_SIGXCPU: case G_SIGXFSZ: case G_SIGVTALRM:
    case G_SIGPROF: case G_SIGWINCH: case G_SIGURG: case G_SIGIO: case G_SIGPWR:
        return true;
    default:
        return false;
    }
}
/* clang-format on */

/* Kills (or stops) liftvm with host signal sig, its default action. */
static void host_default_raise(rt_proc *p, int sig) {
    rt_sys_strace_unfinished(p);
    if (rt_log_on(RT_LOG_STRACE))
        rt_logf("+++ killed by SIG%s +++\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    if (rt_log_file)
        fflush(rt_log_file);
    fflush(stdout);
    fflush(stderr);
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
}

/* A signal the guest sent to itself: a blocked one waits in sigpending
 * until rt_sigprocmask unblocks it. */
static long deliver_self(rt_proc *p, int sig) {
    if (sig == 0)
        return 0;
    if (sig < 0 || sig > RT_SIG_MAX)
        return -EINVAL;
    rt_sys_state *st = p->sys;
    uint64_t handler = st->sigact[sig].handler;
    bool catchable = sig != G_SIGKILL && sig != G_SIGSTOP;
    if (catchable && handler == G_SIG_IGN)
        return 0;
    if (catchable && (st->sigmask & sigbit(sig))) {
        st->sigpending |= sigbit(sig);
        return 0;
    }
    if (catchable && handler != G_SIG_DFL) {
        rt_sys_unimp("signal %d: guest handler %#llx not run (no signal delivery yet)", sig,
                     (unsigned long long)handler);
        return 0;
    }
    switch (default_of(sig)) {
    case ACT_IGN:
    case ACT_CONT:
        return 0;
    case ACT_STOP:
        host_default_raise(p, sig);
        return 0; /* continued */
    default:
        host_default_raise(p, sig);
        /* Still alive (the host signal was somehow caught): exit as the
         * kernel would report a death by signal to a shell. */
        p->exited = true;
        p->exit_status = 128 + sig;
        return 0;
    }
}

/* True if tid is one of liftvm's own host threads. */
static bool own_thread(int tid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d", tid);
    return tid > 0 && access(path, F_OK) == 0;
}

long rt_sys_kill(rt_proc *p, const uint64_t *a) {
    int pid = rt_sys_int(a[0]), sig = rt_sys_int(a[1]);
    if (pid == getpid())
        return deliver_self(p, sig);
    return rt_sys_ret(kill(pid, sig));
}

long rt_sys_tkill(rt_proc *p, const uint64_t *a) {
    int tid = rt_sys_int(a[0]), sig = rt_sys_int(a[1]);
    if (tid <= 0)
        return -EINVAL;
    if (tid == gettid())
        return deliver_self(p, sig);
    if (own_thread(tid))
        return -ESRCH; /* a liftvm helper thread, not a guest thread */
    return rt_sys_ret(syscall(SYS_tkill, tid, sig));
}

long rt_sys_tgkill(rt_proc *p, const uint64_t *a) {
    int tgid = rt_sys_int(a[0]), tid = rt_sys_int(a[1]), sig = rt_sys_int(a[2]);
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    if (tgid == getpid())
        return tid == gettid() ? deliver_self(p, sig) : -ESRCH;
    return rt_sys_ret(syscall(SYS_tgkill, tgid, tid, sig));
}

/* rt_sigaction(sig, act, oact, sigsetsize) with riscv64's kernel struct
 * sigaction: handler, flags, mask (no sa_restorer). */
long rt_sys_rt_sigaction(rt_proc *p, const uint64_t *a) {
    int sig = rt_sys_int(a[0]);
    if (a[3] != 8)
        return -EINVAL;
    if (sig < 1 || sig > RT_SIG_MAX)
        return -EINVAL;
    if (a[1] && (sig == G_SIGKILL || sig == G_SIGSTOP))
        return -EINVAL;
    rt_sys_state *st = p->sys;
    rt_sigaction_rec nw;
    if (a[1] && mmu_read(p->mm, a[1], &nw, sizeof nw))
        return -EFAULT;
    if (a[2] && mmu_write(p->mm, a[2], &st->sigact[sig], sizeof st->sigact[sig]))
        return -EFAULT;
    if (a[1]) {
        nw.mask &= ~unblockable;
        st->sigact[sig] = nw;
        if (nw.handler == G_SIG_IGN)
            st->sigpending &= ~sigbit(sig);
        if (mirrored(sig)) {
            if (nw.handler == G_SIG_IGN)
                signal(sig, SIG_IGN);
            else if (nw.handler == G_SIG_DFL)
                signal(sig, SIG_DFL);
        }
    }
    return 0;
}

long rt_sys_rt_sigprocmask(rt_proc *p, const uint64_t *a) {
    int how = rt_sys_int(a[0]);
    if (a[3] != 8)
        return -EINVAL;
    rt_sys_state *st = p->sys;
    uint64_t set = 0;
    if (a[1]) {
        if (how != G_SIG_BLOCK && how != G_SIG_UNBLOCK && how != G_SIG_SETMASK)
            return -EINVAL;
        if (mmu_read(p->mm, a[1], &set, sizeof set))
            return -EFAULT;
    }
    if (a[2] && mmu_write(p->mm, a[2], &st->sigmask, sizeof st->sigmask))
        return -EFAULT;
    if (a[1]) {
        if (how == G_SIG_BLOCK)
            st->sigmask |= set;
        else if (how == G_SIG_UNBLOCK)
            st->sigmask &= ~set;
        else
            st->sigmask = set;
        st->sigmask &= ~unblockable;
        /* Signals that were waiting and are now unblocked arrive now. */
        uint64_t ready = st->sigpending & ~st->sigmask;
        for (int sig = 1; ready && sig <= RT_SIG_MAX; sig++) {
            if (ready & sigbit(sig)) {
                ready &= ~sigbit(sig);
                st->sigpending &= ~sigbit(sig);
                deliver_self(p, sig);
                if (p->exited)
                    break;
            }
        }
    }
    return 0;
}

/* Only signals the guest sent itself while blocking them can be pending. */
long rt_sys_rt_sigpending(rt_proc *p, const uint64_t *a) {
    if (a[1] > 8)
        return -EINVAL;
    uint64_t pending = p->sys->sigpending & p->sys->sigmask;
    return mmu_write(p->mm, a[0], &pending, (size_t)a[1]) ? -EFAULT : 0;
}

/* stack_t: sp, int flags (padded), size — 24 bytes. */
typedef struct guest_stack {
    uint64_t sp;
    int32_t flags;
    int32_t pad;
    uint64_t size;
} guest_stack;

long rt_sys_sigaltstack(rt_proc *p, const uint64_t *a) {
    rt_sys_state *st = p->sys;
    guest_stack nw;
    if (a[0] && mmu_read(p->mm, a[0], &nw, sizeof nw))
        return -EFAULT;
    if (a[1]) {
        guest_stack old = {.sp = st->altstack_sp,
                           .flags = st->altstack_size ? st->altstack_flags : G_SS_DISABLE,
                           .size = st->altstack_size};
        if (mmu_write(p->mm, a[1], &old, sizeof old))
            return -EFAULT;
    }
    if (a[0]) {
        uint32_t mode = (uint32_t)nw.flags & ~(uint32_t)G_SS_AUTODISARM;
        if (mode != 0 && mode != G_SS_DISABLE && mode != G_SS_ONSTACK)
            return -EINVAL;
        if (mode == G_SS_DISABLE) {
            st->altstack_sp = 0;
            st->altstack_size = 0;
            st->altstack_flags = 0;
        } else {
            if (nw.size < G_MINSIGSTKSZ)
                return -ENOMEM;
            st->altstack_sp = nw.sp;
            st->altstack_size = nw.size;
            st->altstack_flags = (int32_t)((uint32_t)nw.flags & G_SS_AUTODISARM);
        }
    }
    return 0;
}

/* ---- futex ---- */

enum {
    FUTEX_WAIT = 0,
    FUTEX_WAKE = 1,
    FUTEX_FD = 2,
    FUTEX_REQUEUE = 3,
    FUTEX_CMP_REQUEUE = 4,
    FUTEX_WAKE_OP = 5,
    FUTEX_WAIT_BITSET = 9,
    FUTEX_WAKE_BITSET = 10,
    FUTEX_PRIVATE = 128,
    FUTEX_CLOCK_REALTIME = 256,
};

/* Applies FUTEX_WAKE_OP's encoded operation to the word at uaddr2. */
static long futex_wake_op(rt_proc *p, uint64_t uaddr2, uint32_t val3) {
    unsigned op = (val3 >> 28) & 0xf, cmp = (val3 >> 24) & 0xf;
    int32_t oparg = (int32_t)(val3 << 8) >> 20; /* 12-bit signed */
    if (op & 8) {
        if ((uint32_t)oparg > 31)
            return -EINVAL;
        oparg = (int32_t)(1u << oparg);
        op &= 7;
    }
    if (cmp > 5 || op > 4)
        return -ENOSYS;
    uint32_t *w = mmu_host_ptr(p->mm, uaddr2, 4, MMU_R | MMU_W);
    if (!w || (uaddr2 & 3))
        return w ? -EINVAL : -EFAULT;
    uint32_t old = *w, v = (uint32_t)oparg;
    /* clang-format off */
    switch (op) {
    case 0: *w = v; break;        /* SET */
    case 1: *w = old + v; break;  /* ADD */
    case 2: *w = old | v; break;  /* OR */
    case 3: *w = old & ~v; break; /* ANDN */
    default: *w = old ^ v; break; /* XOR */
    }
    /* clang-format on */
    return 0; /* nobody to wake whatever the comparison says */
}

/* Waits until the (relative or absolute) timeout: nothing can wake a lone
 * thread.  Without a timeout the thread would sleep forever, as on Linux. */
static long futex_sleep(rt_proc *p, uint64_t taddr, bool absolute, bool realtime) {
    if (!taddr) {
        rt_sys_unimp("futex wait with no other thread and no timeout: sleeping forever");
        for (;;)
            pause();
    }
    int64_t raw[2];
    if (mmu_read(p->mm, taddr, raw, sizeof raw))
        return -EFAULT;
    if (raw[0] < 0 || raw[1] < 0 || raw[1] >= 1000000000)
        return -EINVAL;
    struct timespec ts = {.tv_sec = raw[0], .tv_nsec = raw[1]};
    clockid_t clk = realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC;
    int r;
    while ((r = clock_nanosleep(clk, absolute ? TIMER_ABSTIME : 0, &ts, &ts)) == EINTR)
        ;
    return r ? -r : -ETIMEDOUT;
}

long rt_sys_futex(rt_proc *p, const uint64_t *a) {
    uint64_t uaddr = a[0];
    int op = rt_sys_int(a[1]);
    int cmd = op & ~(FUTEX_PRIVATE | FUTEX_CLOCK_REALTIME);
    uint32_t val = (uint32_t)a[2], val3 = (uint32_t)a[5];
    if (uaddr & 3)
        return -EINVAL;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        if (cmd == FUTEX_WAIT_BITSET && val3 == 0)
            return -EINVAL;
        uint32_t cur;
        if (mmu_read(p->mm, uaddr, &cur, 4))
            return -EFAULT;
        if (cur != val)
            return -EAGAIN;
        return futex_sleep(p, a[3], cmd == FUTEX_WAIT_BITSET, op & FUTEX_CLOCK_REALTIME);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        if (cmd == FUTEX_WAKE_BITSET && val3 == 0)
            return -EINVAL;
        return mmu_check(p->mm, uaddr, 4, MMU_R) ? 0 : -EFAULT;
    case FUTEX_REQUEUE:
        return 0;
    case FUTEX_CMP_REQUEUE: {
        uint32_t cur;
        if (mmu_read(p->mm, uaddr, &cur, 4))
            return -EFAULT;
        return cur == val3 ? 0 : -EAGAIN;
    }
    case FUTEX_WAKE_OP:
        return futex_wake_op(p, a[4], val3);
    default:
        rt_sys_unimp("futex op %d", cmd);
        return -ENOSYS;
    }
}
