/*
 * ir_verify.c — structural checks of an IR block: every op known, every
 * source temp defined earlier in the block, destinations numbered as the
 * builder numbers them, immediates in range where the op constrains them,
 * and the block closed by an unconditional exit.
 */
#include <stdlib.h>

#include "ir/ir.h"

static const char *fail(char *buf, size_t len, uint32_t i, const char *what)
{
    snprintf(buf, len, "insn %u: %s", i, what);
    return buf;
}

const char *ir_verify(const ir_block *b, char *buf, size_t len)
{
    uint32_t defined = 0; /* temps 1..defined are defined so far */
    for (uint32_t i = 0; i < b->n_insns; i++) {
        const ir_insn *in = &b->insns[i];
        if (in->op >= IR_OP_COUNT)
            return fail(buf, len, i, "unknown op");
        const ir_op_info *info = &ir_op_table[in->op];
        const ir_val src[3] = {in->a, in->b, in->c};
        for (int k = 0; k < 3; k++) {
            if (k < info->nsrc) {
                if (src[k] == IR_NONE || src[k] > defined)
                    return fail(buf, len, i, "operand uses an undefined temp");
            } else if (src[k] != IR_NONE) {
                return fail(buf, len, i, "operand given to an op that takes fewer");
            }
        }
        if (info->has_dst) {
            if (in->d != defined + 1)
                return fail(buf, len, i, "destination temp out of order");
            defined = in->d;
        } else if (in->d != IR_NONE) {
            return fail(buf, len, i, "destination given to an op without one");
        }
        if ((info->flags & IR_F_FPF) && (info->flags & IR_F_IMM)) {
            int64_t rm = in->imm;
            if (!(rm >= IR_RM_RNE && rm <= IR_RM_RMM) && rm != IR_RM_DYN)
                return fail(buf, len, i, "invalid rounding mode");
        }
        if ((in->op == IR_AMO32 || in->op == IR_AMO64) && (in->imm < 0 || in->imm >= IR_AMO_COUNT))
            return fail(buf, len, i, "invalid AMO kind");
        if ((in->op == IR_GET || in->op == IR_PUT) && (in->imm < 0 || (in->imm & 7)))
            return fail(buf, len, i, "state offset not 8-byte aligned");
        if ((in->op == IR_TRAP || in->op == IR_TRAPIF) && (in->imm <= IR_TRAP_NONE || in->imm > IR_TRAP_MISALIGNED))
            return fail(buf, len, i, "invalid trap cause");
    }
    if (defined != b->n_temps)
        return fail(buf, len, b->n_insns, "temp count does not match");
    if (!ir_block_is_closed(b))
        return fail(buf, len, b->n_insns, "block does not end with an unconditional exit");
    return NULL;
}
