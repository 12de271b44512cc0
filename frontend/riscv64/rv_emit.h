/*
 * rv_emit.h — small IR-building helpers shared by the RV64 emitters.
 *
 * x0 reads as the constant 0 and writes to it are dropped; F registers hold
 * raw bits, singles NaN-boxed (high 32 bits all ones).
 */
#ifndef LIFTVM_RV_EMIT_H
#define LIFTVM_RV_EMIT_H

#include "frontend/riscv64/rv_insn.h"
#include "frontend/riscv64/rv_state.h"

#define RV_BOX32 ((int64_t)UINT64_C(0xffffffff00000000))

static inline ir_val rv_getx(ir_block *b, unsigned r)
{
    return r ? ir_get(b, RV_OFF_X(r)) : ir_const(b, 0);
}

static inline void rv_putx(ir_block *b, unsigned r, ir_val v)
{
    if (r)
        ir_put(b, RV_OFF_X(r), v);
}

static inline ir_val rv_getf(ir_block *b, unsigned r) { return ir_get(b, RV_OFF_F(r)); }
static inline void rv_putf(ir_block *b, unsigned r, ir_val v) { ir_put(b, RV_OFF_F(r), v); }

/* A single read from an F register: the boxed value, or the canonical NaN. */
static inline ir_val rv_getf32(ir_block *b, unsigned r)
{
    return ir_un(b, IR_FUNBOX32, rv_getf(b, r));
}

/* Writes a single (low 32 bits of v, high half zero or not) NaN-boxed. */
static inline void rv_putf32(ir_block *b, unsigned r, ir_val v)
{
    rv_putf(b, r, ir_bin(b, IR_OR, v, ir_const(b, RV_BOX32)));
}

static inline ir_val rv_op_imm(ir_block *b, ir_op op, ir_val x, int64_t imm)
{
    return ir_bin(b, op, x, ir_const(b, imm));
}

#endif
