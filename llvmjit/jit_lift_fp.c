/*
 * jit_lift_fp.c — IR → LLVM IR for the floating-point ops.
 *
 * Every FP op calls the interpreter's own IEEE implementation (ir/ir_fp.h)
 * as a host helper, so results and accrued flags are the interpreter's by
 * construction.  Flags come back through a stack slot and are OR-ed into
 * the fp_flags state slot, which stays an SSA value: the helpers never see
 * the guest state, so no sync is needed around them.  A dynamic rounding
 * mode is checked inline first (frm > 4 traps as illegal, like
 * ir_interp_run).  Only FUNBOX32 is pure bit logic and inline.
 */
#include "llvmjit/jit_lift.h"

#include "ir/ir_fp.h"

/* The rounding-mode argument: a constant, or the dynamic mode after the
 * interpreter's check (int)fp_rm > RMM → illegal instruction. */
static LLVMValueRef rounding_mode(lift *L, const ir_insn *in)
{
    int rm = (int)in->imm;
    if (!(ir_op_table[in->op].flags & IR_F_IMM) || rm != IR_RM_DYN)
        return jl_c32(L, (uint32_t)rm);
    LLVMValueRef r = LLVMBuildTrunc(L->B, jl_slot_get(L, SLOT_OF(fp_rm)), L->i32, "");
    jl_trap_if(L, LLVMBuildICmp(L->B, LLVMIntSGT, r, jl_c32(L, IR_RM_RMM), ""), IR_TRAP_ILLEGAL,
               NULL);
    return r;
}

/* Calls helper name(args..., &flags) and accrues the flags. */
static LLVMValueRef call_flags(lift *L, const char *name, LLVMTypeRef *types, LLVMValueRef *args,
                               unsigned n)
{
    types[n] = L->ptr;
    args[n] = L->fpf;
    LLVMTypeRef fty = LLVMFunctionType(L->i64, types, n + 1, 0);
    LLVMBuildStore(L->B, jl_c64(L, 0), L->fpf);
    LLVMValueRef r = jl_call(L, fty, jl_helper(L, name, fty), args, n + 1);
    LLVMValueRef f = LLVMBuildLoad2(L->B, L->i64, L->fpf, "");
    uint32_t fs = SLOT_OF(fp_flags);
    jl_slot_put(L, fs, LLVMBuildOr(L->B, jl_slot_get(L, fs), f, ""));
    return r;
}

bool jl_lift_fp(lift *L, const ir_insn *in)
{
    LLVMValueRef x = L->t[in->a], y = L->t[in->b], z = L->t[in->c];
    LLVMValueRef op = jl_c32(L, in->op);
    LLVMTypeRef ty[6];
    LLVMValueRef a[6];
    LLVMValueRef d;
    switch ((ir_op)in->op) {
    case IR_FADD32: case IR_FSUB32: case IR_FMUL32: case IR_FDIV32:
    case IR_FADD64: case IR_FSUB64: case IR_FMUL64: case IR_FDIV64:
        ty[0] = L->i32, ty[1] = L->i64, ty[2] = L->i64, ty[3] = L->i32;
        a[3] = rounding_mode(L, in);
        a[0] = op, a[1] = x, a[2] = y;
        d = call_flags(L, "ir_fp_arith", ty, a, 4);
        break;
    case IR_FSQRT32:
    case IR_FSQRT64:
        ty[0] = L->i64, ty[1] = L->i32;
        a[1] = rounding_mode(L, in);
        a[0] = x;
        d = call_flags(L, in->op == IR_FSQRT32 ? "ir_fp_sqrt32" : "ir_fp_sqrt64", ty, a, 2);
        break;
    case IR_FMADD32: case IR_FMSUB32: case IR_FNMSUB32: case IR_FNMADD32:
    case IR_FMADD64: case IR_FMSUB64: case IR_FNMSUB64: case IR_FNMADD64:
        ty[0] = L->i32, ty[1] = ty[2] = ty[3] = L->i64, ty[4] = L->i32;
        a[4] = rounding_mode(L, in);
        a[0] = op, a[1] = x, a[2] = y, a[3] = z;
        d = call_flags(L, "ir_fp_fma", ty, a, 5);
        break;
    case IR_FMIN32: case IR_FMAX32: case IR_FMIN64: case IR_FMAX64:
        ty[0] = L->i32, ty[1] = ty[2] = L->i64;
        a[0] = op, a[1] = x, a[2] = y;
        d = call_flags(L, "ir_fp_minmax", ty, a, 3);
        break;
    case IR_FEQ32: case IR_FLT32: case IR_FLE32:
    case IR_FEQ64: case IR_FLT64: case IR_FLE64:
        ty[0] = L->i32, ty[1] = ty[2] = L->i64;
        a[0] = op, a[1] = x, a[2] = y;
        d = call_flags(L, "ir_fp_compare", ty, a, 3);
        break;
    case IR_FCLASS32:
    case IR_FCLASS64: {
        LLVMTypeRef fty = LLVMFunctionType(L->i64, &L->i64, 1, 0);
        const char *name = in->op == IR_FCLASS32 ? "ir_fp_class32" : "ir_fp_class64";
        d = jl_call(L, fty, jl_helper(L, name, fty), &x, 1);
        break;
    }
    case IR_FUNBOX32: {
        LLVMValueRef boxed = LLVMBuildICmp(L->B, LLVMIntEQ,
                                           LLVMBuildLShr(L->B, x, jl_c64(L, 32), ""),
                                           jl_c64(L, 0xffffffffu), "");
        d = LLVMBuildSelect(L->B, boxed, LLVMBuildAnd(L->B, x, jl_c64(L, 0xffffffffu), ""),
                            jl_c64(L, IR_FP_CANON_NAN32), "");
        break;
    }
    default:
        if (in->op >= IR_FCVT_W_F32 && in->op <= IR_FCVT_F64_F32) {
            ty[0] = L->i32, ty[1] = L->i64, ty[2] = L->i32;
            a[2] = rounding_mode(L, in);
            a[0] = op, a[1] = x;
            d = call_flags(L, "ir_fp_convert", ty, a, 3);
            break;
        }
        LLVMBuildUnreachable(L->B);
        snprintf(L->err, L->errlen, "IR op %u cannot be lifted", in->op);
        L->failed = true;
        return false;
    }
    if (in->d != IR_NONE)
        L->t[in->d] = d;
    return true;
}
