/*
 * rv_emit_int.c — IR for RV64I and M: upper immediates, jumps, branches,
 * loads and stores, and the integer ALU in its 64- and 32-bit (W) forms.
 *
 * Ops without side effects whose rd is x0 emit nothing (they are nops);
 * loads still load, since they may fault.
 */
#include "frontend/riscv64/rv_emit.h"

/* rd = imm: lui, and c.li (addi rd, x0, imm). */
bool rv_e_lui(ir_block *b, const rv_insn *in)
{
    if (in->rd)
        rv_putx(b, in->rd, ir_const(b, in->imm));
    return true;
}

bool rv_e_auipc(ir_block *b, const rv_insn *in)
{
    if (in->rd)
        rv_putx(b, in->rd, ir_const(b, (int64_t)(in->pc + (uint64_t)in->imm)));
    return true;
}

bool rv_e_jal(ir_block *b, const rv_insn *in)
{
    if (in->rd)
        rv_putx(b, in->rd, ir_const(b, (int64_t)(in->pc + in->len)));
    ir_emit(b, IR_JMP, 0, 0, 0, (int64_t)(in->pc + (uint64_t)in->imm));
    return true;
}

/* The target (rs1 + imm) & ~1 is computed before rd is written, since rd may
 * be rs1. */
bool rv_e_jalr(ir_block *b, const rv_insn *in)
{
    ir_val t = rv_getx(b, in->rs1);
    if (in->imm)
        t = rv_op_imm(b, IR_ADD, t, in->imm);
    t = rv_op_imm(b, IR_AND, t, ~(int64_t)1);
    if (in->rd)
        rv_putx(b, in->rd, ir_const(b, (int64_t)(in->pc + in->len)));
    ir_emit(b, IR_JMPR, t, 0, 0, 0);
    return true;
}

static void branch(ir_block *b, const rv_insn *in, bool negate)
{
    ir_val x = rv_getx(b, in->rs1);
    ir_val c = ir_bin(b, (ir_op)in->op->aux, x, rv_getx(b, in->rs2));
    if (negate)
        c = rv_op_imm(b, IR_XOR, c, 1);
    ir_emit(b, IR_BR, c, 0, 0, (int64_t)(in->pc + (uint64_t)in->imm));
    ir_emit(b, IR_JMP, 0, 0, 0, (int64_t)(in->pc + in->len));
}

bool rv_e_branch(ir_block *b, const rv_insn *in)
{
    branch(b, in, false);
    return true;
}

bool rv_e_branch_not(ir_block *b, const rv_insn *in)
{
    branch(b, in, true);
    return true;
}

bool rv_e_load(ir_block *b, const rv_insn *in)
{
    ir_val v = ir_emit(b, (ir_op)in->op->aux, rv_getx(b, in->rs1), 0, 0, in->imm);
    rv_putx(b, in->rd, v);
    return true;
}

bool rv_e_store(ir_block *b, const rv_insn *in)
{
    ir_val base = rv_getx(b, in->rs1);
    ir_emit(b, (ir_op)in->op->aux, base, rv_getx(b, in->rs2), 0, in->imm);
    return true;
}

/* The common idioms li (addi rd, x0, imm) and mv (addi rd, rs, 0) become a
 * plain constant or copy, which keeps the interpreter's work down. */
bool rv_e_op_ri(ir_block *b, const rv_insn *in)
{
    if (!in->rd)
        return true;
    ir_val v;
    if (in->op->aux == IR_ADD && in->rs1 == 0)
        v = ir_const(b, in->imm);
    else if (in->op->aux == IR_ADD && in->imm == 0)
        v = rv_getx(b, in->rs1);
    else
        v = rv_op_imm(b, (ir_op)in->op->aux, rv_getx(b, in->rs1), in->imm);
    rv_putx(b, in->rd, v);
    return true;
}

/* add rd, x0, rs (c.mv) is a copy. */
bool rv_e_op_rr(ir_block *b, const rv_insn *in)
{
    if (!in->rd)
        return true;
    ir_val v;
    if (in->op->aux == IR_ADD && in->rs1 == 0) {
        v = rv_getx(b, in->rs2);
    } else {
        ir_val x = rv_getx(b, in->rs1);
        v = ir_bin(b, (ir_op)in->op->aux, x, rv_getx(b, in->rs2));
    }
    rv_putx(b, in->rd, v);
    return true;
}

bool rv_e_op_riw(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val v = rv_op_imm(b, (ir_op)in->op->aux, rv_getx(b, in->rs1), in->imm);
        rv_putx(b, in->rd, ir_un(b, IR_SEXT32, v));
    }
    return true;
}

bool rv_e_op_rrw(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val x = rv_getx(b, in->rs1);
        ir_val v = ir_bin(b, (ir_op)in->op->aux, x, rv_getx(b, in->rs2));
        rv_putx(b, in->rd, ir_un(b, IR_SEXT32, v));
    }
    return true;
}

/* A 32-bit shift of rs1 by amount n (a temp below 32): the source is
 * extended to suit the shift so the low word's result is exact, and the
 * result sign-extended. */
static ir_val shift32(ir_block *b, ir_op op, ir_val x, ir_val n)
{
    if (op == IR_SHR)
        x = ir_un(b, IR_ZEXT32, x);
    else if (op == IR_SAR)
        x = ir_un(b, IR_SEXT32, x);
    ir_val v = ir_bin(b, op, x, n);
    return op == IR_SAR ? v : ir_un(b, IR_SEXT32, v);
}

bool rv_e_shiftw(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val x = rv_getx(b, in->rs1);
        ir_val n = rv_op_imm(b, IR_AND, rv_getx(b, in->rs2), 31);
        rv_putx(b, in->rd, shift32(b, (ir_op)in->op->aux, x, n));
    }
    return true;
}

bool rv_e_shiftiw(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val x = rv_getx(b, in->rs1);
        rv_putx(b, in->rd, shift32(b, (ir_op)in->op->aux, x, ir_const(b, in->imm)));
    }
    return true;
}

bool rv_e_unary(ir_block *b, const rv_insn *in)
{
    if (in->rd)
        rv_putx(b, in->rd, ir_un(b, (ir_op)in->op->aux, rv_getx(b, in->rs1)));
    return true;
}
