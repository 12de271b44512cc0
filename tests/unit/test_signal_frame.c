/*
 * test_signal_frame.c — the riscv64 signal frame (runtime/linux/rt_sigframe.c)
 * against the layout of the Debian riscv64 cross headers, byte by byte:
 * offsets, what the handler's registers hold, rt_sigreturn's round trip,
 * refusal of corrupt frames; and the guest/host signal numbering.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "frontend/riscv64/rv_state.h"
#include "mmu/mmu.h"
#include "runtime/linux/rt_sigframe.h"
#include "runtime/linux/rt_signal.h"

#define STACK 0x100000ull
#define STACK_LEN 0x10000ull
#define SP (STACK + STACK_LEN - 0x108) /* not 16-aligned on purpose */

static mmu_space *mm;
static fe_rv64_state st;

static void setup(void) {
    mm = mmu_space_new(1ull << 38);
    cr_assert_not_null(mm);
    cr_assert_eq(mmu_map(mm, STACK, STACK_LEN, MMU_R | MMU_W), 0);
    memset(&st, 0, sizeof st);
    st.head.pc = 0x10abc;
    st.head.fp_flags = 0x15;
    st.head.fp_rm = 3;
    st.head.resv_addr = 0x2000;
    for (int i = 1; i < 32; i++)
        st.x[i] = 0x1000000000ull * (uint64_t)i + (uint64_t)i;
    st.x[2] = SP;
    for (int i = 0; i < 32; i++)
        st.f[i] = 0xffffffff00000000ull | (uint64_t)(i * 3);
}

static void teardown(void) {
    mmu_space_free(mm);
}

TestSuite(sigframe, .init = setup, .fini = teardown);

static uint64_t rd64(uint64_t a) {
    uint64_t v;
    cr_assert_eq(mmu_read(mm, a, &v, 8), 0);
    return v;
}

static uint32_t rd32(uint64_t a) {
    uint32_t v;
    cr_assert_eq(mmu_read(mm, a, &v, 4), 0);
    return v;
}

/* The numbers glibc's riscv64 headers give (sys/ucontext.h, bits/sigcontext.h,
 * asm/sigcontext.h): sizeof(siginfo_t) 128, sizeof(ucontext_t) 960,
 * offsetof(ucontext_t, uc_mcontext) 176, uc_sigmask 40, uc_stack 16,
 * sizeof(mcontext_t) 784 with __fpregs at 256, union __riscv_fp_state 528. */
Test(sigframe, layout_matches_the_riscv64_headers) {
    cr_assert_eq(sizeof(rt_rv_sigframe), 1088);
    cr_assert_eq(offsetof(rt_rv_sigframe, uc), 128);
    cr_assert_eq(offsetof(rt_rv_ucontext, uc_stack), 16);
    cr_assert_eq(offsetof(rt_rv_ucontext, uc_sigmask), 40);
    cr_assert_eq(offsetof(rt_rv_ucontext, uc_mcontext), 176);
    cr_assert_eq(sizeof(rt_rv_ucontext), 960);
    cr_assert_eq(sizeof(rt_rv_sigcontext), 784);
    cr_assert_eq(offsetof(rt_rv_sigcontext, fp), 256);
    cr_assert_eq(sizeof(rt_rv_fpstate), 528);
    cr_assert_eq(rt_sigframe_size(&fe_riscv64), 1088);
}

static rt_g_siginfo info_for(int sig) {
    rt_g_siginfo si;
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = -6; /* SI_TKILL */
    si.u.kill.pid = 1234;
    si.u.kill.uid = 1000;
    return si;
}

static uint64_t setup_frame(int sig, uint64_t sp) {
    rt_g_siginfo si = info_for(sig);
    rt_sigframe_args a = {
        .sig = sig,
        .info = &si,
        .handler = 0x20000,
        .sp = sp,
        .mask = 0x8000000000000201ull,
        .stack = {.sp = 0x5000, .flags = 2, .size = 0x4000},
        .restorer = 0x3ffffff000ull,
    };
    cr_assert_eq(rt_sigframe_setup(&fe_riscv64, mm, &st, &a), 0);
    return (sp - 1088) & ~15ull;
}

Test(sigframe, frame_bytes_and_handler_registers) {
    uint64_t f = setup_frame(10, SP);
    /* handler entry */
    cr_assert_eq(st.head.pc, 0x20000);
    cr_assert_eq(st.x[1], 0x3ffffff000ull, "ra = the trampoline");
    cr_assert_eq(st.x[2], f, "sp = the frame");
    cr_assert_eq(f % 16, 0);
    cr_assert_eq(st.x[10], 10, "a0 = signo");
    cr_assert_eq(st.x[11], f, "a1 = &info");
    cr_assert_eq(st.x[12], f + 128, "a2 = &uc");
    cr_assert_eq(st.head.resv_addr, UINT64_MAX, "the reservation is gone");
    /* siginfo */
    cr_assert_eq(rd32(f + 0), 10);
    cr_assert_eq(rd32(f + 8), (uint32_t)-6);
    cr_assert_eq(rd32(f + 16), 1234);
    cr_assert_eq(rd32(f + 20), 1000);
    /* ucontext */
    uint64_t uc = f + 128;
    cr_assert_eq(rd64(uc + 0), 0, "uc_flags");
    cr_assert_eq(rd64(uc + 8), 0, "uc_link");
    cr_assert_eq(rd64(uc + 16), 0x5000, "ss_sp");
    cr_assert_eq(rd32(uc + 24), 2, "ss_flags");
    cr_assert_eq(rd64(uc + 32), 0x4000, "ss_size");
    cr_assert_eq(rd64(uc + 40), 0x8000000000000201ull, "uc_sigmask");
    uint64_t mc = uc + 176;
    cr_assert_eq(rd64(mc + 0), 0x10abc, "sc_regs.pc");
    for (int i = 1; i < 32; i++) {
        uint64_t want = i == 2 ? SP : 0x1000000000ull * (uint64_t)i + (uint64_t)i;
        cr_assert_eq(rd64(mc + 8 * (uint64_t)i), want, "x%d", i);
    }
    for (int i = 0; i < 32; i++)
        cr_assert_eq(rd64(mc + 256 + 8 * (uint64_t)i), 0xffffffff00000000ull | (uint64_t)(i * 3));
    cr_assert_eq(rd32(mc + 256 + 256), (3u << 5) | 0x15, "fcsr = frm << 5 | fflags");
    cr_assert_eq(rd32(mc + 256 + 516), 0, "reserved");
    cr_assert_eq(rd32(mc + 256 + 520), 0, "END header magic");
}

Test(sigframe, sigreturn_restores_what_the_handler_left) {
    fe_rv64_state before = st;
    uint64_t f = setup_frame(11, SP);
    /* The handler runs: clobbers registers and edits the saved context. */
    for (int i = 1; i < 32; i++)
        st.x[i] = 0xdead;
    st.f[5] = 0;
    st.head.fp_flags = 0;
    st.head.fp_rm = 0;
    uint64_t new_pc = 0x10ac0, new_fcsr = (1u << 5) | 0x3;
    cr_assert_eq(mmu_write(mm, f + 128 + 176, &new_pc, 8), 0);
    cr_assert_eq(mmu_write(mm, f + 128 + 176 + 512, &new_fcsr, 4), 0);
    st.x[2] = f; /* sp back at the frame when the trampoline runs */
    uint64_t mask = 0;
    rt_g_stack ss;
    cr_assert_eq(rt_sigframe_restore(&fe_riscv64, mm, &st, &mask, &ss), 0);
    cr_assert_eq(st.head.pc, new_pc);
    for (int i = 1; i < 32; i++)
        cr_assert_eq(st.x[i], before.x[i], "x%d", i);
    cr_assert_eq(memcmp(st.f, before.f, sizeof st.f), 0);
    cr_assert_eq(st.head.fp_flags, 3);
    cr_assert_eq(st.head.fp_rm, 1);
    cr_assert_eq(mask, 0x8000000000000201ull);
    cr_assert_eq(ss.sp, 0x5000);
    cr_assert_eq(ss.size, 0x4000);
}

Test(sigframe, corrupt_or_unwritable_frames_are_refused) {
    uint64_t f = setup_frame(12, SP);
    uint32_t junk = 1;
    cr_assert_eq(mmu_write(mm, f + 128 + 176 + 256 + 516, &junk, 4), 0);
    uint64_t mask;
    rt_g_stack ss;
    st.x[2] = f;
    cr_assert_eq(rt_sigframe_restore(&fe_riscv64, mm, &st, &mask, &ss), -EFAULT);
    st.x[2] = 0xdead0000; /* unmapped */
    cr_assert_eq(rt_sigframe_restore(&fe_riscv64, mm, &st, &mask, &ss), -EFAULT);
    rt_g_siginfo si = info_for(12);
    rt_sigframe_args a = {.sig = 12, .info = &si, .handler = 0x20000, .sp = STACK + 512};
    cr_assert_eq(rt_sigframe_setup(&fe_riscv64, mm, &st, &a), -EFAULT, "frame below the stack");
    a.sp = 100;
    cr_assert_eq(rt_sigframe_setup(&fe_riscv64, mm, &st, &a), -EFAULT, "frame below address 0");
}

Test(sigframe, guest_and_host_signal_numbers) {
    for (int g = 1; g < 32; g++) {
        cr_assert_eq(rt_signal_to_host(g), g);
        cr_assert_eq(rt_signal_from_host(g), g);
    }
    cr_assert_eq(rt_signal_to_host(32), 34, "guest SIGCANCEL avoids the host libc's 32 and 33");
    cr_assert_eq(rt_signal_to_host(62), 64);
    cr_assert_eq(rt_signal_to_host(63), 0);
    cr_assert_eq(rt_signal_to_host(64), 0);
    cr_assert_eq(rt_signal_from_host(32), 0);
    cr_assert_eq(rt_signal_from_host(33), 0);
    for (int g = 32; g <= 62; g++)
        cr_assert_eq(rt_signal_from_host(rt_signal_to_host(g)), g);
}
