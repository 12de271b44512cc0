/*
 * ir_print.c — the IR's text form, used by -d ir and as golden test data.
 *
 *   block 0x10078..0x10080 guest=2
 *     insn 0x10078
 *     t1 = get 88
 *     t2 = const 1
 *     t3 = add t1, t2
 *     put t3, 88
 *     jmp 0x1007c
 *
 * Operands print as temps (tN) in a, b, c order, then imm when the op uses
 * it: guest pcs in hex, everything else in signed decimal.
 */
#include <ctype.h>
#include <stdlib.h>

#include "ir/ir.h"

static bool imm_is_pc(ir_op op)
{
    return op == IR_INSN || op == IR_BR || op == IR_JMP || op == IR_SYSCALL || op == IR_FENCEI;
}

void ir_print_insn(FILE *f, const ir_insn *in)
{
    const ir_op_info *info = &ir_op_table[in->op];
    if (info->has_dst)
        fprintf(f, "t%u = ", in->d);
    for (const char *p = info->name; *p; p++)
        fputc(tolower((unsigned char)*p), f);
    const ir_val src[3] = {in->a, in->b, in->c};
    const char *sep = " ";
    for (int i = 0; i < info->nsrc; i++) {
        fprintf(f, "%st%u", sep, src[i]);
        sep = ", ";
    }
    if (info->flags & IR_F_IMM) {
        if (imm_is_pc((ir_op)in->op))
            fprintf(f, "%s0x%llx", sep, (unsigned long long)in->imm);
        else
            fprintf(f, "%s%lld", sep, (long long)in->imm);
    }
    fputc('\n', f);
}

void ir_print_block(FILE *f, const ir_block *b)
{
    fprintf(f, "block 0x%llx..0x%llx guest=%u\n", (unsigned long long)b->pc,
            (unsigned long long)b->end_pc, b->n_guest);
    for (uint32_t i = 0; i < b->n_insns; i++) {
        fputs("  ", f);
        ir_print_insn(f, &b->insns[i]);
    }
}

char *ir_block_to_string(const ir_block *b)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    ir_print_block(f, b);
    fclose(f);
    return buf;
}
