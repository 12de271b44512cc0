/*
 * rt_signal.c — guest signal delivery: the host handler, the host masks,
 * the dispositions, building frames at block boundaries, synchronous
 * traps, SA_RESTART, and the interruptible host syscall (see rt_signal.h).
 *
 *   rt_sigaction ─► rt_signal_set_action: guest table + host disposition
 *       handler ─► on_host_signal (SA_SIGINFO, no SA_RESTART)
 *       SIG_DFL / SIG_IGN ─► the host's, so an unhandled signal kills or is
 *       ignored by the host kernel exactly as the guest's would be
 *   on_host_signal ─► rt_signal_host_async: slot + pending bit + flag, and
 *       the signal stays blocked on the host until delivered (so a second
 *       real-time instance waits in the host kernel's queue)
 *   dispatcher ─► rt_signal_deliver ─► setup_frame (rt_sigframe.c)
 *
 * A syscall that blocks in the host kernel can miss a signal that arrives
 * between the dispatcher's last check and the host call.  Calls made with
 * rt_signal_safe_syscall cannot: it tests the thread's flag right before
 * the syscall instruction, and the host handler moves a thread caught
 * between the test and the instruction to the path that returns -EINTR
 * (qemu-user's safe_syscall, in a dozen lines of x86-64 assembly).
 * rt_signal_restartable_syscall tells that case apart: a call that never
 * started returns -RT_ERESTART_NOSTART and is always run again after the
 * handler, as on Linux, where the signal is taken before the ecall.
 */
#include "runtime/linux/rt_signal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#include "runtime/linux/syscall_priv.h"

/* clang-format off */
enum {
    G_SIGILL = 4, G_SIGTRAP = 5, G_SIGBUS = 7, G_SIGFPE = 8, G_SIGKILL = 9, G_SIGSEGV = 11,
    G_SIGCHLD = 17, G_SIGCONT = 18, G_SIGSTOP = 19, G_SIGTSTP = 20, G_SIGTTIN = 21,
    G_SIGTTOU = 22, G_SIGURG = 23, G_SIGWINCH = 28, G_SIGSYS = 31, G_SIGQUIT = 3,
    G_SIGABRT = 6, G_SIGXCPU = 24, G_SIGXFSZ = 25,
};
/* clang-format on */
enum { G_SIG_DFL = 0, G_SIG_IGN = 1 };
enum {
    G_SA_NOCLDSTOP = 1,
    G_SA_NOCLDWAIT = 2,
    G_SA_ONSTACK = 0x08000000,
    G_SA_RESTART = 0x10000000,
    G_SA_NODEFER = 0x40000000,
    G_SA_RESETHAND = (int)0x80000000u,
};
enum { G_SS_ONSTACK = 1, G_SS_DISABLE = 2, G_SS_AUTODISARM = (int)(1u << 31) };
#define G_MINSIGSTKSZ 2048 /* riscv64 */
#define SYSCALL_INSN_LEN 4 /* ecall; a restarted syscall re-executes it */

static uint64_t bit(int g) {
    return 1ull << (g - 1);
}
static const uint64_t unblockable = (1ull << (G_SIGKILL - 1)) | (1ull << (G_SIGSTOP - 1));
/* Signals the runtime raises for its own faults: never blocked on the host,
 * masked for the guest in software. */
static const uint64_t sync_class = (1ull << (G_SIGSEGV - 1)) | (1ull << (G_SIGBUS - 1)) |
                                   (1ull << (G_SIGILL - 1)) | (1ull << (G_SIGFPE - 1)) |
                                   (1ull << (G_SIGTRAP - 1));
/* Delivered before the others, as Linux's next_signal does. */
static const uint64_t synchronous = sync_class | (1ull << (G_SIGSYS - 1));

int rt_signal_to_host(int g) {
    if (g >= 1 && g < 32)
        return g;
    if (g >= 32 && g <= 62)
        return g + 2;
    return 0;
}

int rt_signal_from_host(int h) {
    if (h >= 1 && h < 32)
        return h;
    if (h >= 34 && h <= 64)
        return h - 2;
    return 0;
}

/* ---- the interruptible host syscall ---- */

/* long rt_ss_call(flag, nr, a1..a6): System V arguments in rdi, rsi, rdx,
 * rcx, r8, r9 and two on the stack; the kernel's in rax, rdi, rsi, rdx,
 * r10, r8, r9.  Between rt_ss_start and rt_ss_end the call has not
 * started: the host handler sends such a thread to rt_ss_fail. */
long rt_ss_call(const _Atomic uint32_t *flag, long nr, long a1, long a2, long a3, long a4, long a5,
                long a6);
extern const char rt_ss_start[], rt_ss_end[], rt_ss_fail[];
__asm__(".text\n"
        ".globl rt_ss_call\n"
        ".hidden rt_ss_call\n"
        ".type rt_ss_call, @function\n"
        "rt_ss_call:\n"
        "    .cfi_startproc\n"
        "    movq %rdi, %r11\n"
        "    movq %rsi, %rax\n"
        "    movq %rdx, %rdi\n"
        "    movq %rcx, %rsi\n"
        "    movq %r8, %rdx\n"
        "    movq %r9, %r10\n"
        "    movq 8(%rsp), %r8\n"
        "    movq 16(%rsp), %r9\n"
        ".globl rt_ss_start\n"
        ".hidden rt_ss_start\n"
        "rt_ss_start:\n"
        "    cmpl $0, (%r11)\n"
        "    jne rt_ss_fail\n"
        "    syscall\n"
        ".globl rt_ss_end\n"
        ".hidden rt_ss_end\n"
        "rt_ss_end:\n"
        "    ret\n"
        ".globl rt_ss_fail\n"
        ".hidden rt_ss_fail\n"
        "rt_ss_fail:\n"
        "    movq $-513, %rax\n" /* -RT_ERESTART_NOSTART */
        "    ret\n"
        "    .cfi_endproc\n"
        ".size rt_ss_call, .-rt_ss_call\n");

_Static_assert(RT_ERESTART_NOSTART == 513, "rt_ss_fail's constant");

long rt_signal_safe_syscall(rt_thread *t, long nr, long a1, long a2, long a3, long a4, long a5,
                            long a6) {
    long r = rt_ss_call(&t->flags, nr, a1, a2, a3, a4, a5, a6);
    return r == -RT_ERESTART_NOSTART ? -EINTR : r;
}

long rt_signal_restartable_syscall(rt_thread *t, long nr, long a1, long a2, long a3, long a4,
                                   long a5, long a6) {
    long r;
    /* A flag without work for the dispatcher (none is set today) must not
     * leave the guest with -RT_ERESTART_NOSTART: only a set flag sends the
     * dispatcher to rt_signal_deliver, which restarts the call. */
    do
        r = rt_ss_call(&t->flags, nr, a1, a2, a3, a4, a5, a6);
    while (r == -RT_ERESTART_NOSTART && !atomic_load(&t->flags));
    return r;
}

/* ---- host handlers and masks ---- */

/* Every host signal a guest signal may use, minus the sync class. */
static void maskable_set(sigset_t *s) {
    sigemptyset(s);
    for (int g = 1; g <= RT_NSIG; g++) {
        int h = rt_signal_to_host(g);
        if (h && !(bit(g) & (sync_class | unblockable)))
            sigaddset(s, h);
    }
}

/* A signal for the guest reached a host thread that runs no guest code
 * (the jit's compile thread, a thread on its way out): it blocks guest
 * signals from now on and the signal goes back to the process, where the
 * kernel picks a thread that does not block it. */
static void requeue(int h, siginfo_t *si, ucontext_t *uc) {
    for (int g = 1; g <= RT_NSIG; g++) {
        int s = rt_signal_to_host(g);
        if (s && !(bit(g) & (sync_class | unblockable)))
            sigaddset(&uc->uc_sigmask, s);
    }
    syscall(SYS_rt_sigqueueinfo, getpid(), h, si);
}

void rt_signal_host_async(int h, siginfo_t *si, void *ucv) {
    int saved_errno = errno;
    ucontext_t *uc = ucv;
    int g = rt_signal_from_host(h);
    rt_thread *t = rt_thread_tls;
    if (g && !t) {
        requeue(h, si, uc);
    } else if (g) {
        memcpy(&t->sig_info[g], si, sizeof t->sig_info[g]);
        t->sig_info[g].si_signo = g;
        atomic_signal_fence(memory_order_seq_cst);
        atomic_fetch_or(&t->sig_pending, bit(g));
        if (!(bit(g) & sync_class)) {
            sigaddset(&uc->uc_sigmask, h); /* until delivered */
            t->host_blocked |= bit(g);
        }
        if (!(t->sigmask & bit(g))) {
            atomic_fetch_or(&t->flags, RT_TF_SIGNAL);
            greg_t *ip = &uc->uc_mcontext.gregs[REG_RIP];
            if (*ip >= (greg_t)(uintptr_t)rt_ss_start && *ip < (greg_t)(uintptr_t)rt_ss_end)
                *ip = (greg_t)(uintptr_t)rt_ss_fail;
        }
    }
    errno = saved_errno;
}

static void on_host_signal(int h, siginfo_t *si, void *uc) {
    int g = rt_signal_from_host(h);
    if (g && (bit(g) & sync_class) && si->si_code > 0) {
        /* A real SIGILL/SIGFPE/SIGTRAP in liftvm itself: guest code never
         * runs on the host CPU, so this is a bug. */
        static const char msg[] = "liftvm: internal error: host fault signal in the runtime\n";
        ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)w;
        signal(SIGABRT, SIG_DFL);
        abort();
    }
    rt_signal_host_async(h, si, uc);
}

/* Actions: the table is rt_sys_state.sigact, shared by the threads. */
static pthread_mutex_t act_mu = PTHREAD_MUTEX_INITIALIZER;

/* The host disposition that makes the host behave as the guest asked. */
static void host_install(int g, const rt_sigaction_rec *a) {
    int h = rt_signal_to_host(g);
    if (!h || (bit(g) & (sync_class | unblockable)))
        return; /* the sync class keeps the runtime's handlers */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    if (a->handler == G_SIG_DFL) {
        sa.sa_handler = SIG_DFL;
    } else if (a->handler == G_SIG_IGN) {
        sa.sa_handler = SIG_IGN;
    } else {
        sa.sa_sigaction = on_host_signal;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK; /* no SA_RESTART: host calls return EINTR */
        maskable_set(&sa.sa_mask);
    }
    if (g == G_SIGCHLD)
        sa.sa_flags |= (int)(a->flags & (G_SA_NOCLDSTOP | G_SA_NOCLDWAIT));
    sigaction(h, &sa, NULL);
}

void rt_signal_set_action(rt_proc *p, int g, const rt_sigaction_rec *nw, rt_sigaction_rec *old) {
    rt_sys_state *st = p->sys;
    rt_thread *t = rt_thread_self();
    bool dropped = false;
    pthread_mutex_lock(&act_mu);
    if (old)
        *old = st->sigact[g];
    if (nw) {
        st->sigact[g] = *nw;
        st->sigact[g].mask &= ~unblockable;
        host_install(g, nw);
        /* Setting SIG_IGN discards a pending instance (the host does the
         * same for the ones still in its queue). */
        if (nw->handler == G_SIG_IGN && t)
            dropped = atomic_fetch_and(&t->sig_pending, ~bit(g)) & bit(g);
    }
    pthread_mutex_unlock(&act_mu);
    if (dropped)
        rt_signal_mask_changed(t); /* the host may take g again */
}

/* The action for delivering g; SA_RESETHAND resets it on the way. */
static rt_sigaction_rec take_action(rt_proc *p, int g) {
    rt_sys_state *st = p->sys;
    pthread_mutex_lock(&act_mu);
    rt_sigaction_rec a = st->sigact[g];
    if (a.handler > G_SIG_IGN && (a.flags & G_SA_RESETHAND)) {
        st->sigact[g].handler = G_SIG_DFL;
        host_install(g, &st->sigact[g]);
    }
    pthread_mutex_unlock(&act_mu);
    return a;
}

/* ---- default actions ---- */

typedef enum { ACT_TERM, ACT_CORE, ACT_IGN, ACT_STOP, ACT_CONT } default_action;

/* clang-format off */
static default_action default_of(int g) {
    switch (g) {
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

/* True if g, delivered now, would end the process by its default action. */
static bool kills_by_default(rt_proc *p, int g) {
    pthread_mutex_lock(&act_mu);
    bool dfl = p->sys->sigact[g].handler == G_SIG_DFL;
    pthread_mutex_unlock(&act_mu);
    default_action d = default_of(g);
    return dfl && (d == ACT_TERM || d == ACT_CORE);
}

void rt_signal_die(rt_proc *p, int g) {
    rt_sys_strace_unfinished(p);
    const char *name = sigabbrev_np(g);
    if (rt_log_on(RT_LOG_STRACE))
        rt_logf("+++ killed by SIG%s +++\n", name ? name : "RT");
    if (rt_log_file)
        fflush(rt_log_file);
    fflush(stdout);
    fflush(stderr);
    int h = rt_signal_to_host(g);
    if (!h)
        _exit(128 + g); /* no host twin: the exit status a shell would show */
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    signal(h, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, h);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(h);
    if (default_of(g) == ACT_STOP) /* continued */
        return;
    _exit(128 + g);
}

/* The default action of g, which the guest did not catch. */
static void default_act(rt_thread *t, int g) {
    switch (default_of(g)) {
    case ACT_IGN:
    case ACT_CONT:
        return;
    default:
        rt_signal_die(t->proc, g);
    }
}

/* ---- masks ---- */

void rt_signal_mask_changed(rt_thread *t) {
    rt_proc *p = t->proc;
    const uint64_t maskable = ~(sync_class | unblockable);
    uint64_t pend = atomic_load(&t->sig_pending);
    if (pend & ~t->sigmask)
        atomic_fetch_or(&t->flags, RT_TF_SIGNAL);
    /* Nothing to tell the host (the common case for glibc's many mask
     * changes).  The host handler adds to pending and host_blocked
     * together, so this cannot miss a signal it blocked meanwhile. */
    if (((t->sigmask | pend) & maskable) == t->host_blocked)
        return;
    sigset_t block, hm, hp;
    maskable_set(&block);
    /* The host handler must not run while the new mask is worked out. */
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    pend = atomic_load(&t->sig_pending);
    uint64_t blocked = (t->sigmask | pend) & maskable;
    /* A signal waiting in the host kernel that this change unblocks and
     * whose action is the default kill: die here, without a core file
     * (raise() and abort() block signals around tgkill). */
    if ((t->host_blocked & ~blocked) && sigpending(&hp) == 0) {
        for (int g = 1; g <= RT_NSIG; g++) {
            int h = rt_signal_to_host(g);
            if (h && sigismember(&hp, h) && !(blocked & bit(g)) && kills_by_default(p, g))
                rt_signal_die(p, g);
        }
    }
    sigemptyset(&hm);
    for (int g = 1; g <= RT_NSIG; g++) {
        int h = rt_signal_to_host(g);
        if (h && (blocked & bit(g)))
            sigaddset(&hm, h);
    }
    if (pend & ~t->sigmask)
        atomic_fetch_or(&t->flags, RT_TF_SIGNAL);
    t->host_blocked = blocked;
    pthread_sigmask(SIG_SETMASK, &hm, NULL);
}

/* ---- the alternate stack ---- */

static bool on_altstack(const rt_thread *t, uint64_t sp) {
    return t->altstack.size && sp > t->altstack.sp && sp - t->altstack.sp <= t->altstack.size;
}

rt_g_stack rt_signal_get_altstack(const rt_thread *t, uint64_t sp) {
    rt_g_stack s = {.sp = t->altstack.sp, .size = t->altstack.size};
    s.flags = !t->altstack.size ? G_SS_DISABLE : on_altstack(t, sp) ? G_SS_ONSTACK : 0;
    s.flags |= t->altstack.flags & G_SS_AUTODISARM;
    return s;
}

int rt_signal_set_altstack(rt_thread *t, const rt_g_stack *ss, uint64_t sp) {
    if (on_altstack(t, sp))
        return -EPERM;
    int mode = ss->flags & ~G_SS_AUTODISARM;
    if (mode != 0 && mode != G_SS_DISABLE && mode != G_SS_ONSTACK)
        return -EINVAL;
    if (mode == G_SS_DISABLE) {
        memset(&t->altstack, 0, sizeof t->altstack);
        return 0;
    }
    if (ss->size < G_MINSIGSTKSZ)
        return -ENOMEM;
    t->altstack.sp = ss->sp;
    t->altstack.size = ss->size;
    t->altstack.flags = ss->flags & G_SS_AUTODISARM;
    return 0;
}

/* ---- frames ---- */

static uint64_t reg(const rt_thread *t, size_t off) {
    uint64_t v;
    memcpy(&v, (const uint8_t *)t->cpu + off, sizeof v);
    return v;
}

static void set_reg(rt_thread *t, size_t off, uint64_t v) {
    memcpy((uint8_t *)t->cpu + off, &v, sizeof v);
}

/* The sigreturn trampoline in the guest's last page (above the stack, see
 * rt_layout.h), mapped on first use: li a7, 139; ecall, as in the vDSO's
 * __vdso_rt_sigreturn, so unwinders recognise signal frames by it. */
static uint64_t trampoline(rt_proc *p) {
    uint64_t at = mmu_limit(p->mm) - MMU_PAGE_SIZE;
    if (mmu_page_prot(p->mm, at) < 0) {
        const uint32_t code[2] = {RT_RV_SIGRETURN_INSN0, RT_RV_SIGRETURN_INSN1};
        if (mmu_map(p->mm, at, MMU_PAGE_SIZE, MMU_R | MMU_X) == 0)
            mmu_poke(p->mm, at, code, sizeof code);
    }
    return at;
}

/* Builds the frame for g and enters its handler; false if the stack cannot
 * take it. */
static bool setup_frame(rt_thread *t, int g, const rt_g_siginfo *info,
                        const rt_sigaction_rec *act) {
    rt_proc *p = t->proc;
    const fe_arch *arch = p->arch;
    uint64_t sp = reg(t, arch->off_sp);
    size_t size = rt_sigframe_size(arch);
    if (!size)
        return false;
    rt_g_stack saved = rt_signal_get_altstack(t, sp);
    saved.flags &= ~G_SS_AUTODISARM; /* uc_stack holds sas_ss_flags(sp) only */
    bool on = on_altstack(t, sp);
    if (on && !on_altstack(t, sp - size))
        return false; /* the altstack overflows */
    if ((act->flags & G_SA_ONSTACK) && t->altstack.size && !on)
        sp = t->altstack.sp + t->altstack.size;
    if (t->altstack.flags & G_SS_AUTODISARM)
        memset(&t->altstack, 0, sizeof t->altstack);
    rt_sigframe_args a = {
        .sig = g,
        .info = info,
        .handler = act->handler,
        .sp = sp,
        .mask = t->restore_mask ? t->saved_mask : t->sigmask,
        .stack = saved,
        .restorer = trampoline(p),
    };
    if (rt_sigframe_setup(arch, p->mm, t->cpu, &a) != 0)
        return false;
    t->restore_mask = false;
    t->sigmask |= act->mask;
    if (!(act->flags & G_SA_NODEFER))
        t->sigmask |= bit(g);
    t->sigmask &= ~unblockable;
    return true;
}

/* The frame for g cannot be written: the guest dies of SIGSEGV, as Linux's
 * force_sigsegv ends up doing for a bad stack. */
static _Noreturn void bad_frame(rt_thread *t, int g) {
    uint64_t pc = ((const ir_state_head *)t->cpu)->pc;
    const char *name = sigabbrev_np(g);
    fprintf(stderr,
            "liftvm: guest killed by SIGSEGV (cannot write the frame for SIG%s at sp 0x%lx) at pc "
            "0x%lx\n",
            name ? name : "RT", reg(t, t->proc->arch->off_sp), pc);
    rt_signal_die(t->proc, G_SIGSEGV);
    _exit(128 + G_SIGSEGV);
}

/* True if fd is a socket with a receive (input) or send timeout set:
 * Linux's sock_intr_errno then gives -EINTR, which no SA_RESTART restarts. */
static bool sock_timed(uint64_t fd, bool input) {
    struct timeval tv = {0, 0};
    socklen_t len = sizeof tv;
    if (getsockopt((int)(int32_t)fd, SOL_SOCKET, input ? SO_RCVTIMEO : SO_SNDTIMEO, &tv, &len))
        return false; /* not a socket */
    return tv.tv_sec || tv.tv_usec;
}

/* Syscalls Linux never restarts after a handler ran, SA_RESTART or not
 * (signal(7) "Interruption of system calls"): the waits with timeouts, the
 * mask-swapping waits, the sleeps, System V IPC, and socket calls on a
 * socket with a timeout in their direction (read and write included: on a
 * socket they are recvmsg and sendmsg). */
static bool never_restarted(const rt_thread *t) {
    switch (t->sys_nr) {
    case RT_NR_semop:
    case RT_NR_msgrcv:
    case RT_NR_msgsnd:
        return true;
    case RT_NR_read:
    case RT_NR_readv:
    case RT_NR_accept:
    case RT_NR_accept4:
    case RT_NR_recvfrom:
    case RT_NR_recvmsg:
        return sock_timed(t->sys_args[0], true);
    case RT_NR_recvmmsg:
        return t->sys_args[4] != 0 || sock_timed(t->sys_args[0], true);
    case RT_NR_write:
    case RT_NR_writev:
    case RT_NR_connect:
    case RT_NR_sendto:
    case RT_NR_sendmsg:
    case RT_NR_sendmmsg:
        return sock_timed(t->sys_args[0], false);
    case RT_NR_rt_sigsuspend:
    case RT_NR_rt_sigtimedwait:
    case RT_NR_ppoll:
    case RT_NR_pselect6:
    case RT_NR_epoll_pwait:
    case RT_NR_epoll_pwait2:
    case RT_NR_nanosleep:
    case RT_NR_clock_nanosleep:
    case RT_NR_io_getevents:
    case RT_NR_io_pgetevents:
    case RT_NR_semtimedop:
        return true;
    case RT_NR_futex: {
        int cmd = (int)(t->sys_args[1] & 127);
        return (cmd == 0 || cmd == 9) && t->sys_args[3] != 0; /* WAIT, WAIT_BITSET, timed */
    }
    default:
        return false;
    }
}

/* Makes the interrupted syscall run again: a0 and pc as before the ecall. */
static void restart_syscall(rt_thread *t) {
    const fe_arch *arch = t->proc->arch;
    set_reg(t, arch->off_ret, t->sys_args[0]);
    ((ir_state_head *)t->cpu)->pc -= SYSCALL_INSN_LEN;
}

/* -d strace: "--- SIGUSR1 {si_signo=SIGUSR1, si_code=-6} ---", as strace
 * shows a signal it sees arrive. */
static void trace_signal(const rt_thread *t, int g, const rt_g_siginfo *info) {
    if (!rt_log_on(RT_LOG_STRACE))
        return;
    const char *name = sigabbrev_np(g);
    char rt[16];
    if (!name) {
        snprintf(rt, sizeof rt, "RT_%d", g - 32);
        name = rt;
    }
    char pid[32] = "";
    if (rt_sys_strace_pids)
        snprintf(pid, sizeof pid, "[pid %d] ", t->tid);
    rt_logf("%s--- SIG%s {si_signo=SIG%s, si_code=%d} ---\n", pid, name, name, info->si_code);
}

/* The next signal to deliver from ready (not empty). */
static int pick(uint64_t ready) {
    uint64_t first = ready & synchronous;
    return __builtin_ctzll(first ? first : ready) + 1;
}

bool rt_signal_deliver(rt_thread *t, bool after_syscall) {
    rt_proc *p = t->proc;
    if (atomic_load(&t->flags) & RT_TF_STOP)
        return false;
    atomic_fetch_and(&t->flags, ~(uint32_t)RT_TF_SIGNAL);
    int64_t ret = after_syscall && t->sys_nr != RT_NR_rt_sigreturn
                      ? (int64_t)reg(t, p->arch->off_ret)
                      : 0;
    bool eintr = ret == -EINTR;
    /* The call never started: it runs after the handlers, whatever their
     * flags (Linux takes such a signal before the ecall). */
    bool nostart = ret == -RT_ERESTART_NOSTART;
    bool consumed = false, handled = false;
    for (;;) {
        uint64_t ready = atomic_load(&t->sig_pending) & ~t->sigmask;
        if (!ready)
            break;
        int g = pick(ready);
        rt_g_siginfo info = t->sig_info[g];
        atomic_fetch_and(&t->sig_pending, ~bit(g));
        consumed = true;
        trace_signal(t, g, &info);
        rt_sigaction_rec act = take_action(p, g);
        if (act.handler == G_SIG_IGN)
            continue;
        if (act.handler == G_SIG_DFL) {
            default_act(t, g);
            continue;
        }
        /* Before the frame: it saves the registers the handler returns to. */
        if (!handled && (nostart || (eintr && (act.flags & G_SA_RESTART) && !never_restarted(t))))
            restart_syscall(t);
        handled = true;
        if (!setup_frame(t, g, &info, &act))
            bad_frame(t, g);
    }
    /* Nothing ran a handler: Linux restarts the call transparently. */
    if (((eintr && consumed) || nostart) && !handled)
        restart_syscall(t);
    if (t->restore_mask) {
        t->sigmask = t->saved_mask;
        t->restore_mask = false;
    }
    if (consumed)
        rt_signal_mask_changed(t);
    return !(atomic_load(&t->flags) & RT_TF_STOP);
}

bool rt_signal_sync(rt_thread *t, int g, int code, uint64_t addr) {
    rt_proc *p = t->proc;
    if (!p->sys)
        return false;
    pthread_mutex_lock(&act_mu);
    uint64_t handler = p->sys->sigact[g].handler;
    pthread_mutex_unlock(&act_mu);
    /* Linux's force_sig: a blocked or ignored fault kills. */
    if (handler == G_SIG_DFL || handler == G_SIG_IGN || (t->sigmask & bit(g)))
        return false;
    rt_g_siginfo info;
    memset(&info, 0, sizeof info);
    info.si_signo = g;
    info.si_code = code;
    info.u.fault.addr = addr;
    trace_signal(t, g, &info);
    rt_sigaction_rec act = take_action(p, g);
    if (act.handler <= G_SIG_IGN || !setup_frame(t, g, &info, &act))
        return false;
    rt_signal_mask_changed(t);
    return true;
}

/* ---- setup ---- */

void rt_signal_init(rt_proc *p) {
    static bool handlers_done;
    rt_sys_state *st = rt_sys_state_get(p);
    if (!handlers_done) {
        handlers_done = true;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_host_signal;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        maskable_set(&sa.sa_mask);
        sigaction(SIGILL, &sa, NULL);
        sigaction(SIGFPE, &sa, NULL);
        sigaction(SIGTRAP, &sa, NULL);
    }
    /* An ignored signal stays ignored across execve (nohup). */
    for (int g = 1; st && g <= RT_NSIG; g++) {
        int h = rt_signal_to_host(g);
        struct sigaction old;
        if (h && !(bit(g) & (sync_class | unblockable)) && sigaction(h, NULL, &old) == 0 &&
            !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN)
            st->sigact[g].handler = G_SIG_IGN;
    }
    trampoline(p);
}

void rt_signal_thread_start(rt_thread *t) {
    rt_signal_mask_changed(t);
}

/* ---- waits and self-sent signals (for syscall_signal.c) ---- */

void rt_signal_post_self(rt_thread *t, const rt_g_siginfo *info) {
    int g = info->si_signo;
    t->sig_info[g] = *info;
    atomic_fetch_or(&t->sig_pending, bit(g));
    rt_signal_mask_changed(t);
}

uint64_t rt_signal_pending(rt_thread *t) {
    sigset_t hp;
    uint64_t pend = atomic_load(&t->sig_pending);
    if (sigpending(&hp) == 0) {
        for (int g = 1; g <= RT_NSIG; g++) {
            int h = rt_signal_to_host(g);
            if (h && sigismember(&hp, h))
                pend |= bit(g);
        }
    }
    return pend & t->sigmask;
}

/* Blocks every guest signal on the host (and says so in host_blocked). */
static void host_block_all(rt_thread *t) {
    sigset_t block;
    maskable_set(&block);
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    t->host_blocked = ~(sync_class | unblockable);
}

void rt_signal_host_mask_lost(rt_thread *t) {
    t->host_blocked = ~0ull; /* matches no computed mask: the next change sets it */
    rt_signal_mask_changed(t);
}

long rt_signal_suspend(rt_thread *t, uint64_t mask) {
    sigset_t hm;
    host_block_all(t);
    t->saved_mask = t->sigmask;
    t->restore_mask = true;
    t->sigmask = mask & ~unblockable;
    /* Sleep until a signal the temporary mask lets through is pending (an
     * async SIGSEGV the guest blocks runs the host handler but does not
     * count). */
    for (;;) {
        uint64_t pend = atomic_load(&t->sig_pending);
        if ((pend & ~t->sigmask) || (atomic_load(&t->flags) & RT_TF_STOP))
            break;
        uint64_t blocked = (t->sigmask | pend) & ~(sync_class | unblockable);
        sigemptyset(&hm);
        for (int g = 1; g <= RT_NSIG; g++) {
            int h = rt_signal_to_host(g);
            if (h && (blocked & bit(g)))
                sigaddset(&hm, h);
        }
        sigsuspend(&hm);
    }
    atomic_fetch_or(&t->flags, RT_TF_SIGNAL);
    /* The host mask stays closed: delivery sets it from the restored mask. */
    return -EINTR;
}

long rt_signal_timedwait(rt_thread *t, uint64_t set, rt_g_siginfo *out, const void *host_ts) {
    set &= ~unblockable;
    host_block_all(t);
    uint64_t pend = atomic_load(&t->sig_pending) & set;
    if (pend) {
        int g = pick(pend);
        *out = t->sig_info[g];
        atomic_fetch_and(&t->sig_pending, ~bit(g));
        rt_signal_mask_changed(t);
        return g;
    }
    rt_signal_mask_changed(t);
    uint64_t hset = 0;
    for (int g = 1; g <= RT_NSIG; g++) {
        int h = rt_signal_to_host(g);
        if (h && (set & bit(g)))
            hset |= 1ull << (h - 1);
    }
    siginfo_t hi;
    long r = rt_signal_safe_syscall(t, SYS_rt_sigtimedwait, (long)&hset, (long)&hi, (long)host_ts,
                                    8, 0, 0);
    if (r <= 0)
        return r;
    int g = rt_signal_from_host((int)r);
    if (!g)
        return -EINTR;
    memcpy(out, &hi, sizeof *out);
    out->si_signo = g;
    return g;
}

bool rt_signal_fatal_now(rt_thread *t, int g) {
    return g >= 1 && g <= RT_NSIG && !(t->sigmask & bit(g)) && kills_by_default(t->proc, g);
}

long rt_signal_call_masked(rt_thread *t, uint64_t mask, long nr, long a1, long a2, long a3, long a4,
                           long a5, long a6) {
    t->saved_mask = t->sigmask;
    t->restore_mask = true;
    t->sigmask = mask & ~unblockable;
    rt_signal_mask_changed(t); /* flags a pending signal the mask lets through */
    long r = rt_signal_safe_syscall(t, nr, a1, a2, a3, a4, a5, a6);
    if (r != -EINTR || !(atomic_load(&t->flags) & RT_TF_SIGNAL)) {
        t->sigmask = t->saved_mask;
        t->restore_mask = false;
        rt_signal_mask_changed(t);
    }
    /* Else the delivery builds the handler's frame with the saved mask and
     * then restores it, as after rt_sigsuspend. */
    return r;
}
