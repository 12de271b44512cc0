/*
 * jit_lift_fp.c — IR → LLVM IR for the floating-point ops.
 *
 *   rounding mode static RNE, or dynamic and frm = RNE at run time
 *     ─► fast path: the host SSE instruction, as a constrained intrinsic
 *        (fpexcept.strict), NaN results made canonical.  Its IEEE flags
 *        accrue in the host's MXCSR, which equal RISC-V's (see
 *        build_fast); jit.c clears them before entering compiled code and
 *        ORs them into the state's fp_flags whenever it returns; a unit
 *        reading fflags/fcsr ORs them in, one writing them drops them
 *        (ir_fp_host_flags, ir_fp_set_host_flags); after a read of fflags,
 *        compares are integer code (quiet_compare), so that writing the
 *        value read back costs nothing.  Compares, min/max (integer code) and
 *        conversions to integers (range checks) have fast paths that fall
 *        back to the helper for NaNs or out-of-range values.
 *   anything else (other modes; FMA on hosts without it; FCLASS)
 *     ─► slow path: the interpreter's own IEEE helper (ir/ir_fp.h), whose
 *        flags come back through a stack slot and are OR-ed into the
 *        fp_flags slot (an SSA value).  The helpers save and restore the
 *        MXCSR, so flags accrued there survive them.
 *
 * Every FP instruction in a unit is constrained (the unit is strictfp), so
 * LLVM cannot fold, speculate, duplicate or drop one: the MXCSR sees
 * exactly the guest's operations, plus quiet compares on values that are
 * not signalling NaNs, which raise nothing.  A dynamic rounding mode is
 * checked first (frm > 4 traps as illegal, like ir_interp_run).
 */
#include <string.h>

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

/* Calls helper name(args..., &flags); returns the result, *flags the
 * flags it raised. */
static LLVMValueRef call_raw(lift *L, const char *name, LLVMTypeRef *types, LLVMValueRef *args,
                             unsigned n, LLVMValueRef *flags)
{
    types[n] = L->ptr;
    args[n] = L->fpf;
    LLVMTypeRef fty = LLVMFunctionType(L->i64, types, n + 1, 0);
    LLVMBuildStore(L->B, jl_c64(L, 0), L->fpf);
    LLVMValueRef r = jl_call(L, fty, jl_helper(L, name, fty), args, n + 1);
    *flags = LLVMBuildLoad2(L->B, L->i64, L->fpf, "");
    return r;
}

static void accrue(lift *L, LLVMValueRef f)
{
    uint32_t fs = SLOT_OF(fp_flags);
    jl_slot_put(L, fs, LLVMBuildOr(L->B, jl_slot_get(L, fs), f, ""));
}

/* The ir_fp.h helper call of op (an IR_F_FPF op) with rounding-mode value
 * rm: the slow path, and the whole op where there is no fast path. */
static LLVMValueRef helper_call(lift *L, const ir_insn *in, LLVMValueRef rm, LLVMValueRef *flags)
{
    LLVMValueRef x = L->t[in->a], y = L->t[in->b];
    LLVMValueRef op = jl_c32(L, in->op);
    LLVMTypeRef ty[6];
    LLVMValueRef a[6];
    switch ((ir_op)in->op) {
    case IR_FADD32: case IR_FSUB32: case IR_FMUL32: case IR_FDIV32:
    case IR_FADD64: case IR_FSUB64: case IR_FMUL64: case IR_FDIV64:
        ty[0] = L->i32, ty[1] = L->i64, ty[2] = L->i64, ty[3] = L->i32;
        a[0] = op, a[1] = x, a[2] = y, a[3] = rm;
        return call_raw(L, "ir_fp_arith", ty, a, 4, flags);
    case IR_FSQRT32:
    case IR_FSQRT64:
        ty[0] = L->i64, ty[1] = L->i32;
        a[0] = x, a[1] = rm;
        return call_raw(L, in->op == IR_FSQRT32 ? "ir_fp_sqrt32" : "ir_fp_sqrt64", ty, a, 2, flags);
    case IR_FMADD32: case IR_FMSUB32: case IR_FNMSUB32: case IR_FNMADD32:
    case IR_FMADD64: case IR_FMSUB64: case IR_FNMSUB64: case IR_FNMADD64:
        ty[0] = L->i32, ty[1] = ty[2] = ty[3] = L->i64, ty[4] = L->i32;
        a[0] = op, a[1] = x, a[2] = y, a[3] = L->t[in->c], a[4] = rm;
        return call_raw(L, "ir_fp_fma", ty, a, 5, flags);
    case IR_FMIN32: case IR_FMAX32: case IR_FMIN64: case IR_FMAX64:
        ty[0] = L->i32, ty[1] = ty[2] = L->i64;
        a[0] = op, a[1] = x, a[2] = y;
        return call_raw(L, "ir_fp_minmax", ty, a, 3, flags);
    case IR_FEQ32: case IR_FLT32: case IR_FLE32:
    case IR_FEQ64: case IR_FLT64: case IR_FLE64:
        ty[0] = L->i32, ty[1] = ty[2] = L->i64;
        a[0] = op, a[1] = x, a[2] = y;
        return call_raw(L, "ir_fp_compare", ty, a, 3, flags);
    default: /* conversions */
        ty[0] = L->i32, ty[1] = L->i64, ty[2] = L->i32;
        a[0] = op, a[1] = x, a[2] = rm;
        return call_raw(L, "ir_fp_convert", ty, a, 3, flags);
    }
}

/* ---- fast paths ---- */

static LLVMTypeRef f32t(lift *L) { return LLVMFloatTypeInContext(L->C); }
static LLVMTypeRef f64t(lift *L) { return LLVMDoubleTypeInContext(L->C); }
static LLVMValueRef cf(LLVMTypeRef t, double v) { return LLVMConstReal(t, v); }

static LLVMValueRef as_f64(lift *L, LLVMValueRef x) { return LLVMBuildBitCast(L->B, x, f64t(L), ""); }
static LLVMValueRef as_f32(lift *L, LLVMValueRef x)
{
    return LLVMBuildBitCast(L->B, LLVMBuildTrunc(L->B, x, L->i32, ""), f32t(L), "");
}
static LLVMValueRef bits64(lift *L, LLVMValueRef v) { return LLVMBuildBitCast(L->B, v, L->i64, ""); }
static LLVMValueRef bits32(lift *L, LLVMValueRef v)
{
    return LLVMBuildZExt(L->B, LLVMBuildBitCast(L->B, v, L->i32, ""), L->i64, "");
}

static LLVMValueRef and_(lift *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildAnd(L->B, a, b, ""); }

static LLVMValueRef md_string(lift *L, const char *s)
{
    return LLVMMetadataAsValue(L->C, LLVMMDStringInContext2(L->C, s, strlen(s)));
}

/* llvm.experimental.constrained.<op>(args..., [round.tonearest,]
 * fpexcept.strict): the host instruction, which raises its IEEE flags in
 * the MXCSR; LLVM neither folds, speculates, drops nor reorders it.  ovl:
 * the intrinsic's overload types (result, then source for conversions);
 * rounding: whether it takes a rounding-mode argument (always RNE, the
 * host's mode while units run). */
static LLVMValueRef strict(lift *L, const char *op, LLVMTypeRef *ovl, unsigned novl,
                           LLVMValueRef *args, unsigned n, bool rounding)
{
    char name[64];
    snprintf(name, sizeof name, "llvm.experimental.constrained.%s", op);
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef a[5];
    memcpy(a, args, n * sizeof *a);
    if (rounding)
        a[n++] = md_string(L, "round.tonearest");
    a[n++] = md_string(L, "fpexcept.strict");
    LLVMValueRef call = jl_call(L, LLVMIntrinsicGetType(L->C, id, ovl, novl),
                                LLVMGetIntrinsicDeclaration(L->M, id, ovl, novl), a, n);
    unsigned strictfp = LLVMGetEnumAttributeKindForName("strictfp", 8);
    LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(L->C, strictfp, 0));
    return call;
}

/* An arithmetic op on values of type t (result type t). */
static LLVMValueRef strict_op(lift *L, const char *op, LLVMValueRef *args, unsigned n)
{
    LLVMTypeRef t = LLVMTypeOf(args[0]);
    return strict(L, op, &t, 1, args, n, true);
}

/* A compare: fcmp (quiet: raises invalid only for a signalling NaN, like
 * feq) or fcmps (signalling: for any NaN, like flt and fle). */
static LLVMValueRef strict_cmp(lift *L, const char *kind, const char *pred, LLVMValueRef a,
                               LLVMValueRef b)
{
    LLVMTypeRef t = LLVMTypeOf(a);
    LLVMValueRef args[3] = {a, b, md_string(L, pred)};
    return strict(L, kind, &t, 1, args, 3, false);
}

/* A conversion from value x to type to. */
static LLVMValueRef strict_cvt(lift *L, const char *op, LLVMTypeRef to, LLVMValueRef x,
                               bool rounding)
{
    LLVMTypeRef ovl[2] = {to, LLVMTypeOf(x)};
    return strict(L, op, ovl, 2, &x, 1, rounding);
}

/* Is the binary32 (low half) or binary64 pattern x a NaN?  Integer code:
 * it raises nothing. */
static LLVMValueRef is_nan_bits(lift *L, LLVMValueRef x, bool is32)
{
    uint64_t abs = is32 ? 0x7fffffffu : UINT64_C(0x7fffffffffffffff);
    uint64_t inf = is32 ? 0x7f800000u : UINT64_C(0x7ff0000000000000);
    return LLVMBuildICmp(L->B, LLVMIntUGT, and_(L, x, jl_c64(L, abs)), jl_c64(L, inf), "");
}

/* The bits of host result r with any NaN made the canonical one (x86
 * propagates payloads and makes the "default" NaN negative; RISC-V never
 * does either).  r comes from a host op, so it is never signalling: the
 * compare raises nothing wherever LLVM puts it, and a plain fcmp lets it
 * pick the cheapest form (a mask compare, not ucomisd and setp). */
static LLVMValueRef canonical(lift *L, LLVMValueRef r)
{
    bool is32 = LLVMTypeOf(r) == f32t(L);
    LLVMTypeRef it = is32 ? L->i32 : L->i64;
    LLVMValueRef canon = LLVMConstBitCast(
        LLVMConstInt(it, is32 ? IR_FP_CANON_NAN32 : IR_FP_CANON_NAN64, 0), LLVMTypeOf(r));
    LLVMValueRef nan = LLVMBuildFCmp(L->B, LLVMRealUNO, r, r, "");
    LLVMValueRef v = LLVMBuildSelect(L->B, nan, canon, r, "");
    return is32 ? bits32(L, v) : bits64(L, v);
}

static LLVMValueRef yes(lift *L) { return LLVMConstInt(L->i1, 1, 0); }
static LLVMValueRef no(lift *L) { return LLVMConstInt(L->i1, 0, 0); }

/* A fast path's outcome: usable when ok; d the result bits, nx an inexact
 * flag found in software (the host's own flags are in the MXCSR); raw the
 * host FP result before canonical(), or NULL. */
typedef struct fast {
    LLVMValueRef ok, d, nx, raw;
} fast;

/* Operand temp i as a binary32/64 value for a host FP op.  The raw form of
 * an earlier result serves as well as its canonical bits: a host NaN is
 * quiet, so either raises nothing and gives a NaN that canonical() fixes;
 * using it keeps canonical() off the chain of dependent FP ops (and
 * unused, unless the value reaches memory, the state or integer code). */
static LLVMValueRef fp_arg(lift *L, uint32_t i, bool is32)
{
    LLVMValueRef r = L->raw[i];
    if (r && LLVMTypeOf(r) == (is32 ? f32t(L) : f64t(L)))
        return r;
    return is32 ? as_f32(L, L->t[i]) : as_f64(L, L->t[i]);
}

/* A result of the host op: canonical bits and the raw value. */
static fast host_result(lift *L, LLVMValueRef r)
{
    return (fast){yes(L), canonical(L, r), no(L), r};
}


/* A key that orders the binary32 (xi: i32) or binary64 (i64) pattern xi
 * like its value as a signed integer, for non-NaNs: flipping the magnitude
 * bits of negative values does it, with -0 just below +0. */
static LLVMValueRef order_key(lift *L, LLVMValueRef xi, bool is32)
{
    LLVMTypeRef it = is32 ? L->i32 : L->i64;
    LLVMValueRef sign = LLVMBuildAShr(L->B, xi, LLVMConstInt(it, is32 ? 31 : 63, 0), "");
    return LLVMBuildXor(L->B, xi, LLVMBuildLShr(L->B, sign, LLVMConstInt(it, 1, 0), ""), "");
}

/* min/max of two non-NaN values by their keys, -0 below +0 as RISC-V
 * wants (fmin(-0, +0) = -0). */
static LLVMValueRef minmax(lift *L, bool max, bool is32, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef k[2], v[2] = {a, b};
    for (int i = 0; i < 2; i++)
        k[i] = order_key(L, is32 ? LLVMBuildTrunc(L->B, v[i], L->i32, "") : v[i], is32);
    LLVMValueRef first = LLVMBuildICmp(L->B, max ? LLVMIntSGT : LLVMIntSLT, k[0], k[1], "");
    return LLVMBuildSelect(L->B, first, a, b, "");
}

/* float → integer: t = x rounded to an integer (RTZ: trunc, RNE:
 * roundeven; neither raises inexact), exact in range [lo, hi]; inexact iff
 * t != x.  Quiet compares: for NaNs (the slow path's case) at most invalid
 * is raised, which the guest op raises too. */
static fast to_int(lift *L, ir_op op, LLVMValueRef x, bool rtz)
{
    LLVMTypeRef f64 = f64t(L);
    LLVMValueRef t = strict(L, rtz ? "trunc" : "roundeven", &f64, 1, &x, 1, false);
    double lo, hi;
    bool sign = true, wide = false;
    switch (op) {
    case IR_FCVT_W_F32: case IR_FCVT_W_F64: lo = -0x1p31, hi = 0x1p31 - 1; break;
    case IR_FCVT_WU_F32: case IR_FCVT_WU_F64: lo = 0.0, hi = 0x1p32 - 1, sign = false; break;
    case IR_FCVT_L_F32: case IR_FCVT_L_F64: lo = -0x1p63, hi = 0x1p63, wide = true; break;
    default: lo = 0.0, hi = 0x1p64, sign = false, wide = true; break;
    }
    /* wide: hi itself is out of range (< hi); narrow: <= hi */
    LLVMValueRef ok = and_(L, strict_cmp(L, "fcmp", "oge", t, cf(f64, lo)),
                           strict_cmp(L, "fcmp", wide ? "olt" : "ole", t, cf(f64, hi)));
    /* out-of-range t would give the host's "integer indefinite": convert a
     * safe (exact) value then */
    LLVMValueRef safe = LLVMBuildSelect(L->B, ok, t, cf(f64, 0.0), "");
    const char *cvt = sign ? "fptosi" : "fptoui";
    LLVMValueRef d;
    if (wide) {
        d = strict_cvt(L, cvt, L->i64, safe, false);
    } else {
        d = strict_cvt(L, cvt, L->i32, safe, false);
        d = LLVMBuildSExt(L->B, d, L->i64, ""); /* the IR's s32() of the 32-bit result */
    }
    return (fast){ok, d, strict_cmp(L, "fcmp", "une", t, x), NULL};
}

/* integer → float in RNE: the host conversion raises inexact itself. */
static fast from_int(lift *L, ir_op op, LLVMValueRef x)
{
    bool to32 = op <= IR_FCVT_F32_LU;
    bool sign = op == IR_FCVT_F32_W || op == IR_FCVT_F32_L || op == IR_FCVT_F64_W || op == IR_FCVT_F64_L;
    bool word = op == IR_FCVT_F32_W || op == IR_FCVT_F32_WU || op == IR_FCVT_F64_W || op == IR_FCVT_F64_WU;
    LLVMValueRef v = x;
    if (word) /* s32(a) or u32(a) */
        v = sign ? LLVMBuildSExt(L->B, LLVMBuildTrunc(L->B, x, L->i32, ""), L->i64, "")
                 : LLVMBuildAnd(L->B, x, jl_c64(L, 0xffffffffu), "");
    LLVMValueRef r = strict_cvt(L, sign ? "sitofp" : "uitofp", to32 ? f32t(L) : f64t(L), v, true);
    return (fast){yes(L), to32 ? bits32(L, r) : bits64(L, r), no(L), r};
}

/* Host FMA instructions (else LLVM would call libm's fma). */
static bool host_has_fma(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("fma");
}

/* Builds the fast path of in when there is one: returns false (emitting
 * nothing) otherwise.  rtz: the op's static mode is RTZ (conversions to
 * integers have an RTZ fast path; the rest need RNE).
 *
 * Arithmetic, square root, FMA and the FP↔FP conversions are the host
 * instruction in RNE: x86 SSE and RISC-V raise the same IEEE flags (both
 * detect tininess after rounding, and with exceptions masked x86 raises
 * underflow only for tiny inexact results), so the MXCSR accrues exactly
 * the guest's flags; only NaN results differ (canonical()). */
static bool build_fast(lift *L, const ir_insn *in, bool rtz, fast *f)
{
    ir_op op = (ir_op)in->op;
    LLVMValueRef x = L->t[in->a], y = L->t[in->b], z = L->t[in->c];
    bool is32 = (op >= IR_FADD32 && op <= IR_FCLASS32);
    static const char *const arith[] = {"fadd", "fsub", "fmul", "fdiv"};
    switch (op) {
    case IR_FADD32: case IR_FSUB32: case IR_FMUL32: case IR_FDIV32:
    case IR_FADD64: case IR_FSUB64: case IR_FMUL64: case IR_FDIV64: {
        LLVMValueRef ab[2] = {fp_arg(L, in->a, is32), fp_arg(L, in->b, is32)};
        int k = op - (is32 ? IR_FADD32 : IR_FADD64);
        *f = host_result(L, strict_op(L, arith[k], ab, 2));
        return true;
    }
    case IR_FSQRT32: case IR_FSQRT64: {
        LLVMValueRef a = fp_arg(L, in->a, is32);
        *f = host_result(L, strict_op(L, "sqrt", &a, 1));
        return true;
    }
    case IR_FMADD32: case IR_FMSUB32: case IR_FNMSUB32: case IR_FNMADD32:
    case IR_FMADD64: case IR_FMSUB64: case IR_FNMSUB64: case IR_FNMADD64: {
        int k = op - (is32 ? IR_FMADD32 : IR_FMADD64); /* FMADD, FMSUB, FNMSUB, FNMADD */
        LLVMValueRef a = fp_arg(L, in->a, is32), b = fp_arg(L, in->b, is32);
        LLVMValueRef c = fp_arg(L, in->c, is32);
        if (k >= 2) /* -(a*b) ± c: negating a negates the exact product */
            a = LLVMBuildFNeg(L->B, a, "");
        if (k == 1 || k == 3)
            c = LLVMBuildFNeg(L->B, c, "");
        LLVMValueRef abc[3] = {a, b, c};
        /* RISC-V raises invalid for ∞ × 0 + qNaN; x86 need not: a NaN
         * addend takes the helper */
        *f = host_result(L, strict_op(L, "fma", abc, 3));
        f->ok = LLVMBuildNot(L->B, is_nan_bits(L, z, is32), "");
        return true;
    }
    case IR_FEQ32: case IR_FLT32: case IR_FLE32:
    case IR_FEQ64: case IR_FLT64: case IR_FLE64: {
        LLVMValueRef a = fp_arg(L, in->a, is32), b = fp_arg(L, in->b, is32);
        LLVMValueRef r = op == IR_FEQ32 || op == IR_FEQ64   ? strict_cmp(L, "fcmp", "oeq", a, b)
                         : op == IR_FLT32 || op == IR_FLT64 ? strict_cmp(L, "fcmps", "olt", a, b)
                                                            : strict_cmp(L, "fcmps", "ole", a, b);
        *f = (fast){yes(L), LLVMBuildZExt(L->B, r, L->i64, ""), no(L), NULL};
        return true;
    }
    case IR_FMIN32: case IR_FMAX32: case IR_FMIN64: case IR_FMAX64: {
        LLVMValueRef ab = is32 ? and_(L, x, jl_c64(L, 0xffffffffu)) : x;
        LLVMValueRef bb = is32 ? and_(L, y, jl_c64(L, 0xffffffffu)) : y;
        LLVMValueRef nan = LLVMBuildOr(L->B, is_nan_bits(L, ab, is32), is_nan_bits(L, bb, is32), "");
        *f = (fast){LLVMBuildNot(L->B, nan, ""),
                    minmax(L, op == IR_FMAX32 || op == IR_FMAX64, is32, ab, bb), no(L), NULL};
        return true;
    }
    case IR_FCVT_F32_F64:
        *f = host_result(L, strict_cvt(L, "fptrunc", f32t(L), fp_arg(L, in->a, false), true));
        return true;
    case IR_FCVT_F64_F32:
        *f = host_result(L, strict_cvt(L, "fpext", f64t(L), fp_arg(L, in->a, true), false));
        return true;
    default:
        break;
    }
    if (op >= IR_FCVT_W_F32 && op <= IR_FCVT_LU_F64) {
        bool src32 = op <= IR_FCVT_LU_F32;
        LLVMValueRef a = src32 ? strict_cvt(L, "fpext", f64t(L), fp_arg(L, in->a, true), false)
                               : fp_arg(L, in->a, false);
        *f = to_int(L, op, a, rtz);
        return true;
    }
    if (op >= IR_FCVT_F32_W && op <= IR_FCVT_F64_LU) {
        *f = from_int(L, op, x);
        return true;
    }
    return false;
}

/* The op with a fast path guarded by the rounding mode and the fast
 * path's own conditions, the helper otherwise; true if it was emitted. */
static bool lift_fast(lift *L, const ir_insn *in)
{
    ir_op op = (ir_op)in->op;
    bool has_rm = ir_op_table[op].flags & IR_F_IMM;
    int rm = (int)in->imm;
    bool dyn = has_rm && rm == IR_RM_DYN;
    /* Exact conversions do not depend on the mode at all. */
    bool exact = op == IR_FCVT_F64_W || op == IR_FCVT_F64_WU || !has_rm;
    bool rtz = has_rm && rm == IR_RM_RTZ && op >= IR_FCVT_W_F32 && op <= IR_FCVT_LU_F64;
    if (has_rm && !dyn && !exact && rm != IR_RM_RNE && !rtz)
        return false;
    LLVMValueRef rmv = has_rm ? rounding_mode(L, in) : jl_c32(L, (uint32_t)rm);
    bool check_rm = dyn && !exact;
    LLVMBasicBlockRef slow_bb = NULL;
    if (check_rm) {
        LLVMBasicBlockRef fast_bb = LLVMAppendBasicBlockInContext(L->C, L->fn, "fp.fast");
        slow_bb = LLVMAppendBasicBlockInContext(L->C, L->fn, "fp.slow");
        LLVMValueRef rne = LLVMBuildICmp(L->B, LLVMIntEQ, rmv, jl_c32(L, IR_RM_RNE), "");
        LLVMSetMetadata(LLVMBuildCondBr(L->B, rne, fast_bb, slow_bb), L->prof_kind, L->likely_w);
        LLVMPositionBuilderAtEnd(L->B, fast_bb);
    }
    fast f;
    if (!build_fast(L, in, rtz, &f)) {
        /* cannot happen for the ops routed here; keep the IR well formed */
        f = (fast){no(L), jl_c64(L, 0), no(L), NULL};
    }
    bool always = LLVMIsConstant(f.ok) && LLVMConstIntGetZExtValue(f.ok);
    bool no_nx = LLVMIsConstant(f.nx) && !LLVMConstIntGetZExtValue(f.nx);
    LLVMValueRef fflags = LLVMBuildZExt(L->B, f.nx, L->i64, ""); /* IR_FPF_NX is 1 */
    if (always && !check_rm) { /* no slow path at all */
        if (!no_nx)
            accrue(L, fflags);
        if (in->d != IR_NONE) {
            L->t[in->d] = f.d;
            L->raw[in->d] = f.raw;
        }
        return true;
    }
    if (!slow_bb)
        slow_bb = LLVMAppendBasicBlockInContext(L->C, L->fn, "fp.slow");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->C, L->fn, "fp.join");
    LLVMBasicBlockRef fast_end = LLVMGetInsertBlock(L->B);
    if (always) {
        LLVMBuildBr(L->B, join);
    } else {
        LLVMValueRef br = LLVMBuildCondBr(L->B, f.ok, join, slow_bb);
        LLVMSetMetadata(br, L->prof_kind, L->likely_w); /* the slow path is rare */
    }
    LLVMPositionBuilderAtEnd(L->B, slow_bb);
    LLVMValueRef sflags;
    LLVMValueRef sd = helper_call(L, in, rmv, &sflags);
    LLVMValueRef sraw = NULL; /* the helper's result as the raw type */
    if (f.raw)
        sraw = LLVMTypeOf(f.raw) == f32t(L) ? as_f32(L, sd) : as_f64(L, sd);
    LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(L->B);
    LLVMBuildBr(L->B, join);
    LLVMPositionBuilderAtEnd(L->B, join);
    LLVMValueRef d = LLVMBuildPhi(L->B, L->i64, "");
    LLVMValueRef fl = LLVMBuildPhi(L->B, L->i64, "");
    LLVMValueRef dv[2] = {f.d, sd}, fv[2] = {fflags, sflags};
    LLVMBasicBlockRef from[2] = {fast_end, slow_end};
    LLVMAddIncoming(d, dv, from, 2);
    LLVMAddIncoming(fl, fv, from, 2);
    LLVMValueRef raw = NULL;
    if (f.raw) {
        raw = LLVMBuildPhi(L->B, LLVMTypeOf(f.raw), "");
        LLVMValueRef rv[2] = {f.raw, sraw};
        LLVMAddIncoming(raw, rv, from, 2);
    }
    accrue(L, fl);
    if (in->d != IR_NONE) {
        L->t[in->d] = d;
        L->raw[in->d] = raw;
    }
    return true;
}

static bool has_fast_path(ir_op op)
{
    if ((op >= IR_FMADD32 && op <= IR_FNMADD32) || (op >= IR_FMADD64 && op <= IR_FNMADD64))
        return host_has_fma();
    return (op >= IR_FADD32 && op <= IR_FSQRT32) || (op >= IR_FMIN32 && op <= IR_FLE32) ||
           (op >= IR_FADD64 && op <= IR_FSQRT64) || (op >= IR_FMIN64 && op <= IR_FLE64) ||
           (op >= IR_FCVT_W_F32 && op <= IR_FCVT_F64_F32);
}

static bool is_compare(ir_op op)
{
    return (op >= IR_FEQ32 && op <= IR_FLE32) || (op >= IR_FEQ64 && op <= IR_FLE64);
}

/* feq/flt/fle in integer code, their invalid flag accrued in software: no
 * host FP op, so the MXCSR gains nothing (see L->fflags_read).  order_key
 * decides, except that -0 and +0 are equal. */
static void quiet_compare(lift *L, const ir_insn *in)
{
    ir_op op = (ir_op)in->op;
    bool is32 = op <= IR_FLE32;
    LLVMTypeRef it = is32 ? L->i32 : L->i64;
    LLVMValueRef v[2] = {L->t[in->a], L->t[in->b]}, k[2], nan[2], quiet[2];
    uint64_t quiet_bit = is32 ? 0x400000u : UINT64_C(0x8000000000000);
    for (int i = 0; i < 2; i++) {
        LLVMValueRef x = is32 ? and_(L, v[i], jl_c64(L, 0xffffffffu)) : v[i];
        nan[i] = is_nan_bits(L, x, is32);
        quiet[i] = LLVMBuildICmp(L->B, LLVMIntNE, and_(L, x, jl_c64(L, quiet_bit)), jl_c64(L, 0), "");
        v[i] = is32 ? LLVMBuildTrunc(L->B, x, it, "") : x;
        k[i] = order_key(L, v[i], is32);
    }
    LLVMValueRef any_nan = LLVMBuildOr(L->B, nan[0], nan[1], "");
    LLVMValueRef mag = LLVMBuildShl(L->B, LLVMBuildOr(L->B, v[0], v[1], ""), LLVMConstInt(it, 1, 0), "");
    LLVMValueRef zeros = LLVMBuildICmp(L->B, LLVMIntEQ, mag, LLVMConstInt(it, 0, 0), "");
    LLVMValueRef r, invalid;
    if (op == IR_FEQ32 || op == IR_FEQ64) { /* invalid for a signalling NaN only */
        LLVMValueRef eq = LLVMBuildOr(L->B, LLVMBuildICmp(L->B, LLVMIntEQ, v[0], v[1], ""), zeros, "");
        r = LLVMBuildAnd(L->B, eq, LLVMBuildNot(L->B, any_nan, ""), "");
        invalid = LLVMBuildOr(L->B, LLVMBuildAnd(L->B, nan[0], LLVMBuildNot(L->B, quiet[0], ""), ""),
                              LLVMBuildAnd(L->B, nan[1], LLVMBuildNot(L->B, quiet[1], ""), ""), "");
    } else { /* invalid for any NaN */
        bool lt = op == IR_FLT32 || op == IR_FLT64;
        LLVMValueRef c = LLVMBuildICmp(L->B, lt ? LLVMIntSLT : LLVMIntSLE, k[0], k[1], "");
        c = lt ? LLVMBuildAnd(L->B, c, LLVMBuildNot(L->B, zeros, ""), "")
               : LLVMBuildOr(L->B, c, zeros, "");
        r = LLVMBuildAnd(L->B, c, LLVMBuildNot(L->B, any_nan, ""), "");
        invalid = any_nan;
    }
    LLVMValueRef nv = LLVMBuildZExt(L->B, invalid, L->i64, "");
    accrue(L, LLVMBuildShl(L->B, nv, jl_c64(L, 4), "")); /* IR_FPF_NV is 1 << 4 */
    if (in->d != IR_NONE)
        L->t[in->d] = LLVMBuildZExt(L->B, r, L->i64, "");
}

bool jl_lift_fp(lift *L, const ir_insn *in)
{
    ir_op op = (ir_op)in->op;
    if (L->fflags_read && is_compare(op)) {
        quiet_compare(L, in);
        return true;
    }
    if (ir_op_table[op].flags & IR_F_FPF)
        L->fflags_read = NULL; /* the op may raise flags in the MXCSR */
    if (has_fast_path(op) && lift_fast(L, in))
        return true;
    LLVMValueRef x = L->t[in->a];
    LLVMValueRef d;
    if (ir_op_table[op].flags & IR_F_FPF) { /* exactly the ops with an ir_fp.h helper */
        LLVMValueRef flags;
        d = helper_call(L, in, rounding_mode(L, in), &flags);
        accrue(L, flags);
    } else if (op == IR_FCLASS32 || op == IR_FCLASS64) {
        LLVMTypeRef fty = LLVMFunctionType(L->i64, &L->i64, 1, 0);
        const char *name = op == IR_FCLASS32 ? "ir_fp_class32" : "ir_fp_class64";
        d = jl_call(L, fty, jl_helper(L, name, fty), &x, 1);
    } else if (op == IR_FUNBOX32) {
        LLVMValueRef boxed = LLVMBuildICmp(L->B, LLVMIntEQ,
                                           LLVMBuildLShr(L->B, x, jl_c64(L, 32), ""),
                                           jl_c64(L, 0xffffffffu), "");
        d = LLVMBuildSelect(L->B, boxed, LLVMBuildAnd(L->B, x, jl_c64(L, 0xffffffffu), ""),
                            jl_c64(L, IR_FP_CANON_NAN32), "");
    } else {
        LLVMBuildUnreachable(L->B);
        snprintf(L->err, L->errlen, "IR op %u cannot be lifted", in->op);
        L->failed = true;
        return false;
    }
    if (in->d != IR_NONE)
        L->t[in->d] = d;
    return true;
}
