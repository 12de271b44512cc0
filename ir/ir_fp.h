/*
 * ir_fp.h — IEEE 754 semantics of the IR's floating-point ops.
 *
 * Shared by the interpreter and the JIT, which calls these as host
 * helpers.  Values are raw bit patterns: binary32 in the low 32 bits of a
 * u64 (high half zero), binary64 in all 64.  rm is a resolved rounding mode
 * IR_RM_RNE..IR_RM_RMM (never IR_RM_DYN).  Exceptions raised by the op are
 * OR-ed into *flags as IR_FPF_* bits.  Any NaN result is the canonical quiet
 * NaN (0x7fc00000 / 0x7ff8000000000000); NaN payloads never propagate.
 */
#ifndef LIFTVM_IR_FP_H
#define LIFTVM_IR_FP_H

#include <stdint.h>

#define IR_FP_CANON_NAN32 UINT64_C(0x7fc00000)
#define IR_FP_CANON_NAN64 UINT64_C(0x7ff8000000000000)

/* Two-operand arithmetic: kind is the IR op (IR_FADD32 ... IR_FDIV64). */
uint64_t ir_fp_arith(int op, uint64_t a, uint64_t b, int rm, uint64_t *flags);
uint64_t ir_fp_sqrt32(uint64_t a, int rm, uint64_t *flags);
uint64_t ir_fp_sqrt64(uint64_t a, int rm, uint64_t *flags);
/* Fused multiply-add d = ±(a*b) ± c, op one of IR_FMADD32 ... IR_FNMADD64. */
uint64_t ir_fp_fma(int op, uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *flags);
/* IR_FMIN32/64, IR_FMAX32/64. */
uint64_t ir_fp_minmax(int op, uint64_t a, uint64_t b, uint64_t *flags);
/* IR_FEQ/FLT/FLE 32/64: returns 0 or 1. */
uint64_t ir_fp_compare(int op, uint64_t a, uint64_t b, uint64_t *flags);
uint64_t ir_fp_class32(uint64_t a);
uint64_t ir_fp_class64(uint64_t a);
/* Conversions: op one of IR_FCVT_*; rm ignored where exact. */
uint64_t ir_fp_convert(int op, uint64_t a, int rm, uint64_t *flags);

/* The host's accrued IEEE flags.  Compiled code (llvmjit/jit_lift_fp.c)
 * does RNE arithmetic with host instructions and leaves the flags they
 * raise in the x86-64 MXCSR: while it runs, the guest's fflags are the
 * state's fp_flags OR the MXCSR's.  The helpers above save and restore the
 * MXCSR around their own host ops, so those flags survive them.
 * ir_fp_flags_of_mxcsr: the IR_FPF_* bits of an MXCSR value (a saved one,
 * e.g. from a signal's ucontext; the denormal-operand flag has no IEEE
 * counterpart).  ir_fp_host_flags: the current MXCSR's, as IR_FPF_* bits.
 * ir_fp_set_host_flags: the guest sets fflags to fflags: clears the MXCSR's
 * unless they are all among them (ldmxcsr is slow, and a guest restoring
 * the fflags it read keeps them all).  ir_fp_take_host_flags: the current
 * MXCSR's, cleared there. */
uint64_t ir_fp_flags_of_mxcsr(uint32_t mxcsr);
uint64_t ir_fp_host_flags(void);
void ir_fp_set_host_flags(uint64_t fflags);
uint64_t ir_fp_take_host_flags(void);

#endif
