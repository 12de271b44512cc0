/*
 * jit_helpers.c — host functions that compiled units call, and the table
 * that defines them as absolute symbols in the JIT (jit_session.c).
 */
#include <math.h>
#include <time.h>

#include "ir/ir_fp.h"
#include "llvmjit/jit_lift.h"

/* CLOCK for the cycle and time counters, exactly as ir_interp_run computes
 * them (instret is read inline from the state slot). */
uint64_t jit_h_clock(uint64_t kind)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    return kind == IR_CLOCK_TIME ? ns / 100 : ns;
}

/* The code of every cell with nothing compiled: returns JIT_X_NEXT to
 * jit_enter.  In assembly so that it exists before LLVM has started (the
 * session starts on the compile thread while the guest already runs).  It
 * is what LLVM emits for `tailcc i64 f(ptr, ptr) { ret i64 0 }` on x86-64:
 * tailcc callees pop an argument area padded to 8 bytes ("ret $8"), and
 * jit_session.c checks at start-up that LLVM still agrees. */
__asm__(".text\n"
        ".p2align 4\n"
        ".globl jit_exit_stub\n"
        ".type jit_exit_stub, @function\n"
        "jit_exit_stub:\n"
        "    xorl %eax, %eax\n"
        "    ret $8\n"
        ".size jit_exit_stub, . - jit_exit_stub\n");

const jit_helper_sym jit_helper_syms[] = {
    {"jit_h_clock", (void *)jit_h_clock},
    {"ir_fp_arith", (void *)ir_fp_arith},
    {"ir_fp_sqrt32", (void *)ir_fp_sqrt32},
    {"ir_fp_sqrt64", (void *)ir_fp_sqrt64},
    {"ir_fp_fma", (void *)ir_fp_fma},
    {"ir_fp_minmax", (void *)ir_fp_minmax},
    {"ir_fp_compare", (void *)ir_fp_compare},
    {"ir_fp_class32", (void *)ir_fp_class32},
    {"ir_fp_class64", (void *)ir_fp_class64},
    {"ir_fp_convert", (void *)ir_fp_convert},
    {"ir_fp_host_flags", (void *)ir_fp_host_flags},
    {"ir_fp_set_host_flags", (void *)ir_fp_set_host_flags},
    /* libm, for FP fast paths on hosts without FMA or SSE4.1 instructions */
    {"fma", (void *)fma},
    {"fmaf", (void *)fmaf},
    {"trunc", (void *)trunc},
    {"truncf", (void *)truncf},
    {"roundeven", (void *)roundeven},
    {"roundevenf", (void *)roundevenf},
};
const size_t jit_helper_count = sizeof jit_helper_syms / sizeof jit_helper_syms[0];
