/*
 * rt_sigframe.h — the guest's signal frame (private to runtime/linux/).
 *
 * What a riscv64 Linux kernel writes on the user stack when it runs a
 * signal handler (arch/riscv/kernel/signal.c), and what rt_sigreturn reads
 * back.  The layout is checked against the Debian riscv64 cross headers
 * (/usr/riscv64-linux-gnu/include: sys/ucontext.h, bits/sigcontext.h,
 * asm/ptrace.h, asm/sigcontext.h) by the static asserts below and by
 * tests/unit/test_signal_frame.c:
 *
 *   sp ─► struct rt_sigframe (16-byte aligned, 1088 bytes)
 *     +0     siginfo   (128)  si_signo, si_errno, si_code, union at +16
 *     +128   ucontext  (960)
 *       +0     uc_flags (0), uc_link (0)
 *       +16    uc_stack      {ss_sp, ss_flags, ss_size}     24
 *       +40    uc_sigmask    u64, then 120 unused bytes (glibc's 1024-bit sigset_t)
 *       +176   uc_mcontext = struct sigcontext                784
 *         +0     sc_regs: pc, ra, sp, gp, tp, t0-t2, s0-s1, a0-a7, s2-s11, t3-t6  (x[i] at 8*i, pc
 * at 0) +256   sc_fpregs (union, 16-aligned, 528): f[32] u64, fcsr u32 at +256; the tail is zero:
 * u32 reserved at +516 and the END context header {magic 0, size 0} at +520
 *
 * The handler runs with pc = handler, ra = the sigreturn trampoline
 * (li a7, 139; ecall — what the vDSO's __vdso_rt_sigreturn holds),
 * sp = frame, a0 = signo, a1 = &info, a2 = &uc.
 */
#ifndef LIFTVM_RT_SIGFRAME_H
#define LIFTVM_RT_SIGFRAME_H

#include <stddef.h>
#include <stdint.h>

#include "frontend/fe.h"
#include "mmu/mmu.h"

/* Generic 64-bit siginfo (asm-generic, the same as x86-64's). */
typedef struct rt_g_siginfo {
    int32_t si_signo, si_errno, si_code, pad0;
    union {
        uint8_t raw[112];
        struct {
            int32_t pid;
            uint32_t uid;
            uint64_t value; /* sigval (rt signals, sigqueue) */
        } kill;
        struct {
            int32_t tid;
            int32_t overrun;
            uint64_t value;
        } timer;
        struct {
            int32_t pid;
            uint32_t uid;
            int32_t status;
            int32_t pad;
            int64_t utime, stime;
        } chld;
        struct {
            uint64_t addr;
        } fault;
    } u;
} rt_g_siginfo;

/* si_code values the runtime produces. */
enum {
    RT_SI_USER = 0,
    RT_SI_KERNEL = 0x80,
    RT_SI_QUEUE = -1,
    RT_SI_TKILL = -6,
    RT_ILL_ILLOPC = 1,
    RT_SEGV_MAPERR = 1,
    RT_SEGV_ACCERR = 2,
    RT_BUS_ADRALN = 1,
    RT_BUS_ADRERR = 2,
    RT_TRAP_BRKPT = 1,
};

/* Guest stack_t (sigaltstack, uc_stack). */
typedef struct rt_g_stack {
    uint64_t sp;
    int32_t flags;
    int32_t pad;
    uint64_t size;
} rt_g_stack;

/* ---- riscv64 ---- */

/* union __riscv_fp_state as the kernel writes it for the D extension. */
typedef struct rt_rv_fpstate {
    uint64_t f[32];
    uint32_t fcsr;
    uint8_t q_tail[256]; /* the rest of the Q layout's registers: zero */
    uint32_t reserved;   /* must be zero on sigreturn */
    uint32_t end_magic;  /* END context header: magic 0, size 0 */
    uint32_t end_size;
} __attribute__((aligned(16))) rt_rv_fpstate;

typedef struct rt_rv_sigcontext {
    uint64_t regs[32]; /* regs[0] = pc, regs[i] = x[i] */
    rt_rv_fpstate fp;
} rt_rv_sigcontext;

typedef struct rt_rv_ucontext {
    uint64_t uc_flags;
    uint64_t uc_link;
    rt_g_stack uc_stack;
    uint64_t uc_sigmask;
    uint8_t unused[120];
    rt_rv_sigcontext uc_mcontext;
} rt_rv_ucontext;

typedef struct rt_rv_sigframe {
    rt_g_siginfo info;
    rt_rv_ucontext uc;
} rt_rv_sigframe;

_Static_assert(sizeof(rt_g_siginfo) == 128, "siginfo is 128 bytes");
_Static_assert(offsetof(rt_g_siginfo, u) == 16, "siginfo union at 16");
_Static_assert(sizeof(rt_g_stack) == 24, "stack_t is 24 bytes");
_Static_assert(sizeof(rt_rv_fpstate) == 528, "union __riscv_fp_state is 528 bytes");
_Static_assert(offsetof(rt_rv_fpstate, fcsr) == 256, "fcsr after f[32]");
_Static_assert(offsetof(rt_rv_fpstate, reserved) == 516, "sc_extdesc.reserved");
_Static_assert(offsetof(rt_rv_fpstate, end_magic) == 520, "sc_extdesc.hdr");
_Static_assert(sizeof(rt_rv_sigcontext) == 784, "struct sigcontext is 784 bytes");
_Static_assert(offsetof(rt_rv_ucontext, uc_stack) == 16, "uc_stack");
_Static_assert(offsetof(rt_rv_ucontext, uc_sigmask) == 40, "uc_sigmask");
_Static_assert(offsetof(rt_rv_ucontext, uc_mcontext) == 176, "uc_mcontext");
_Static_assert(sizeof(rt_rv_ucontext) == 960, "ucontext_t is 960 bytes");
_Static_assert(offsetof(rt_rv_sigframe, uc) == 128, "uc after info");
_Static_assert(sizeof(rt_rv_sigframe) == 1088, "rt_sigframe is 1088 bytes");

/* The sigreturn trampoline: li a7, 139 (rt_sigreturn); ecall. */
#define RT_RV_SIGRETURN_INSN0 0x08b00893u
#define RT_RV_SIGRETURN_INSN1 0x00000073u

/* What a frame is built from. */
typedef struct rt_sigframe_args {
    int sig;
    const rt_g_siginfo *info;
    uint64_t handler;
    uint64_t sp;       /* the stack top to build below (the altstack's top if switching) */
    uint64_t mask;     /* uc_sigmask: the mask rt_sigreturn restores */
    rt_g_stack stack;  /* uc_stack: the altstack as it was */
    uint64_t restorer; /* ra: the sigreturn trampoline */
} rt_sigframe_args;

/* Bytes of a frame for arch (what the stack needs), 0 if unsupported. */
size_t rt_sigframe_size(const fe_arch *arch);
/* Writes the frame below a->sp (16-byte aligned) into guest memory and sets
 * the registers of cpu to enter the handler.  0, -EFAULT if the frame's
 * memory is not writable, -ENOSYS for an arch without signal frames. */
int rt_sigframe_setup(const fe_arch *arch, mmu_space *mm, void *cpu, const rt_sigframe_args *a);
/* rt_sigreturn: reads the frame at cpu's sp back into cpu (registers, pc,
 * FP state); *mask and *stack get the saved mask and uc_stack.  0, or
 * -EFAULT for an unreadable or corrupt frame (nonzero reserved words). */
int rt_sigframe_restore(const fe_arch *arch, const mmu_space *mm, void *cpu, uint64_t *mask,
                        rt_g_stack *stack);

#endif
