/*
 * ir_ops.c — the op property table, generated from ir_ops.def.
 */
#include "ir/ir.h"

const ir_op_info ir_op_table[IR_OP_COUNT] = {
#define IR_OP(name, nsrc, dst, flags, doc) [IR_##name] = {#name, nsrc, dst, flags, doc},
#include "ir_ops.def"
#undef IR_OP
};

const char *ir_trap_name(ir_trap t)
{
    switch (t) {
    case IR_TRAP_NONE: return "none";
    case IR_TRAP_ILLEGAL: return "illegal instruction";
    case IR_TRAP_BREAKPOINT: return "breakpoint";
    case IR_TRAP_FETCH_FAULT: return "instruction fetch fault";
    case IR_TRAP_LOAD_FAULT: return "load fault";
    case IR_TRAP_STORE_FAULT: return "store fault";
    case IR_TRAP_MISALIGNED: return "misaligned atomic access";
    }
    return "unknown trap";
}
