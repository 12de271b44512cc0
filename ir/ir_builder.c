/*
 * ir_builder.c — creating IR blocks.
 */
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"

ir_block *ir_block_new(uint64_t pc)
{
    ir_block *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->pc = pc;
    b->end_pc = pc;
    return b;
}

void ir_block_free(ir_block *b)
{
    if (!b)
        return;
    if (b->storage == IR_INSNS_HEAP)
        free(b->insns);
    free(b);
}

void ir_block_start(ir_block *b, uint64_t pc, ir_insn *scratch, uint32_t cap)
{
    *b = (ir_block){.pc = pc, .end_pc = pc, .insns = scratch, .cap = cap,
                    .storage = IR_INSNS_BORROWED};
}

ir_block *ir_block_finish(ir_block *b)
{
    ir_block *f = malloc(sizeof *f + b->n_insns * sizeof(ir_insn));
    if (f) {
        *f = *b;
        f->insns = (ir_insn *)(f + 1);
        f->cap = b->n_insns;
        f->storage = IR_INSNS_INLINE;
        memcpy(f->insns, b->insns, b->n_insns * sizeof(ir_insn));
    }
    if (b->storage == IR_INSNS_HEAP)
        free(b->insns);
    b->insns = NULL;
    b->n_insns = b->cap = 0;
    return f;
}

/* Out of memory while building IR is not recoverable in a useful way. */
static void ir_oom(void)
{
    fputs("liftvm: out of memory building IR\n", stderr);
    abort();
}

ir_val ir_emit(ir_block *b, ir_op op, ir_val a, ir_val bb, ir_val c, int64_t imm)
{
    if (b->n_insns == b->cap) {
        uint32_t cap = b->cap ? b->cap * 2 : 64;
        /* Only a heap array can be resized in place; the others move to one. */
        bool heap = b->storage == IR_INSNS_HEAP;
        ir_insn *n = heap ? realloc(b->insns, cap * sizeof *n) : malloc(cap * sizeof *n);
        if (!n)
            ir_oom();
        if (!heap && b->n_insns)
            memcpy(n, b->insns, b->n_insns * sizeof *n);
        b->insns = n;
        b->cap = cap;
        b->storage = IR_INSNS_HEAP;
    }
    ir_val d = IR_NONE;
    if (ir_op_table[op].has_dst) {
        if (b->n_temps >= IR_MAX_TEMPS) {
            fputs("liftvm: IR block has too many temps\n", stderr);
            abort();
        }
        d = (ir_val)++b->n_temps;
    }
    b->insns[b->n_insns++] = (ir_insn){.op = (uint8_t)op, .d = d, .a = a, .b = bb, .c = c, .imm = imm};
    return d;
}

ir_val ir_const(ir_block *b, int64_t imm) { return ir_emit(b, IR_CONST, 0, 0, 0, imm); }
ir_val ir_get(ir_block *b, size_t off) { return ir_emit(b, IR_GET, 0, 0, 0, (int64_t)off); }
void ir_put(ir_block *b, size_t off, ir_val v) { ir_emit(b, IR_PUT, v, 0, 0, (int64_t)off); }
ir_val ir_bin(ir_block *b, ir_op op, ir_val x, ir_val y) { return ir_emit(b, op, x, y, 0, 0); }
ir_val ir_un(ir_block *b, ir_op op, ir_val x) { return ir_emit(b, op, x, 0, 0, 0); }

void ir_block_truncate(ir_block *b, uint32_t n)
{
    if (n < b->n_insns)
        b->n_insns = n;
}

bool ir_block_is_closed(const ir_block *b)
{
    if (b->n_insns == 0)
        return false;
    switch ((ir_op)b->insns[b->n_insns - 1].op) {
    case IR_JMP: case IR_JMPR: case IR_SYSCALL: case IR_TRAP: case IR_FENCEI:
        return true;
    default:
        return false;
    }
}
