/*
 * jit_lift_fp.c — IR → LLVM IR for the floating-point ops.
 *
 *   rounding mode static RNE, or dynamic and frm = RNE at run time
 *     ─► fast path: the host op, then exact checks in software:
 *          result finite, normal (not tiny), not NaN, no division by zero
 *          ─► inexact from an exact error term (TwoSum for add/sub, an FMA
 *             residual for mul/div/sqrt, binary32 ops in binary64 where
 *             products are exact), the only flag such a result can raise
 *   anything else (other modes, NaN, infinities, overflow, tiny results)
 *     ─► slow path: the interpreter's own IEEE helper (ir/ir_fp.h)
 *
 * So results and accrued flags equal ir_interp_run's by construction on the
 * slow path and by the exactness arguments below on the fast one.  Flags
 * come back from helpers through a stack slot and are OR-ed into the
 * fp_flags state slot, which stays an SSA value: helpers never see the
 * guest state, so no sync is needed around them.  A dynamic rounding mode
 * is checked first (frm > 4 traps as illegal, like ir_interp_run).
 * Compares, min/max and conversions have fast paths too; FMA and FCLASS
 * always call the helper.
 */
#include <math.h>
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

/* Calls helper name(args..., &flags) and accrues the flags. */
static LLVMValueRef call_flags(lift *L, const char *name, LLVMTypeRef *types, LLVMValueRef *args,
                               unsigned n)
{
    LLVMValueRef f;
    LLVMValueRef r = call_raw(L, name, types, args, n, &f);
    accrue(L, f);
    return r;
}

/* The helper call of op with rounding-mode value rm (the slow path). */
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

static LLVMValueRef fp_intrinsic(lift *L, const char *name, LLVMTypeRef ty, LLVMValueRef *args,
                                 unsigned n)
{
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(L->M, id, &ty, 1);
    return jl_call(L, LLVMIntrinsicGetType(L->C, id, &ty, 1), fn, args, n);
}

static LLVMValueRef fabs_(lift *L, LLVMValueRef v)
{
    return fp_intrinsic(L, "llvm.fabs", LLVMTypeOf(v), &v, 1);
}

static LLVMValueRef fcmp(lift *L, LLVMRealPredicate p, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildFCmp(L->B, p, a, b, "");
}

static LLVMValueRef and_(lift *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildAnd(L->B, a, b, ""); }
static LLVMValueRef or_(lift *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildOr(L->B, a, b, ""); }

/* lo <= |v| < +inf (false for NaN). */
static LLVMValueRef in_range(lift *L, LLVMValueRef v, double lo)
{
    LLVMTypeRef t = LLVMTypeOf(v);
    LLVMValueRef a = fabs_(L, v);
    return and_(L, fcmp(L, LLVMRealOGE, a, cf(t, lo)), fcmp(L, LLVMRealOLT, a, cf(t, INFINITY)));
}

/* A fast path's outcome: usable when ok; d the result bits, nx inexact. */
typedef struct fast {
    LLVMValueRef ok, d, nx;
} fast;

/* Smallest magnitude of a fast-path result or operand: far enough above
 * the subnormal range that results are not tiny and the error terms below
 * are exact (their lowest bit stays above 2^-1074 / 2^-149). */
#define T64 0x1p-900
#define T32 0x1p-125 /* binary32 results: not tiny (min normal is 2^-126) */

/* binary64 a + b: TwoSum gives the exact error of the rounded sum; tiny
 * sums are exact (so never underflow), and a finite sum has finite
 * operands. */
static fast add64(lift *L, LLVMValueRef a, LLVMValueRef b)
{
    LLVMBuilderRef B = L->B;
    LLVMValueRef s = LLVMBuildFAdd(B, a, b, "");
    LLVMValueRef bb = LLVMBuildFSub(B, s, a, "");
    LLVMValueRef err = LLVMBuildFAdd(B, LLVMBuildFSub(B, a, LLVMBuildFSub(B, s, bb, ""), ""),
                                     LLVMBuildFSub(B, b, bb, ""), "");
    LLVMTypeRef t = LLVMTypeOf(a);
    return (fast){in_range(L, s, 0.0), s, fcmp(L, LLVMRealUNE, err, cf(t, 0.0))};
}

static LLVMValueRef fma_(lift *L, LLVMValueRef a, LLVMValueRef b, LLVMValueRef c)
{
    LLVMValueRef args[3] = {a, b, c};
    return fp_intrinsic(L, "llvm.fma", LLVMTypeOf(a), args, 3);
}

/* binary64 a * b: the FMA residual a*b - p is exact when |p| >= T64. */
static fast mul64(lift *L, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef p = LLVMBuildFMul(L->B, a, b, "");
    LLVMValueRef err = fma_(L, a, b, LLVMBuildFNeg(L->B, p, ""));
    /* an exact zero needs a zero operand (a zero p may be an underflow) */
    LLVMValueRef zero = and_(L, fcmp(L, LLVMRealOEQ, p, cf(f64t(L), 0.0)),
                             or_(L, fcmp(L, LLVMRealOEQ, a, cf(f64t(L), 0.0)),
                                 fcmp(L, LLVMRealOEQ, b, cf(f64t(L), 0.0))));
    return (fast){or_(L, in_range(L, p, T64), zero), p, fcmp(L, LLVMRealUNE, err, cf(f64t(L), 0.0))};
}

/* binary64 a / b: the remainder a - q*b (an FMA) is exact when a, b and q
 * are all at least T64; a zero dividend gives an exact zero. */
static fast div64(lift *L, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef q = LLVMBuildFDiv(L->B, a, b, "");
    LLVMValueRef rem = fma_(L, LLVMBuildFNeg(L->B, q, ""), b, a);
    LLVMValueRef big = and_(L, in_range(L, q, T64), and_(L, in_range(L, a, T64), in_range(L, b, T64)));
    LLVMValueRef zero = and_(L, fcmp(L, LLVMRealOEQ, a, cf(f64t(L), 0.0)), in_range(L, b, T64));
    return (fast){or_(L, big, zero), q, fcmp(L, LLVMRealUNE, rem, cf(f64t(L), 0.0))};
}

/* binary64 sqrt: the residual a - s*s is exact when a >= T64. */
static fast sqrt64(lift *L, LLVMValueRef a)
{
    LLVMValueRef s = fp_intrinsic(L, "llvm.sqrt", f64t(L), &a, 1);
    LLVMValueRef err = fma_(L, LLVMBuildFNeg(L->B, s, ""), s, a);
    LLVMValueRef pos = and_(L, fcmp(L, LLVMRealOGE, a, cf(f64t(L), T64)),
                            fcmp(L, LLVMRealOLT, a, cf(f64t(L), INFINITY)));
    LLVMValueRef zero = fcmp(L, LLVMRealOEQ, a, cf(f64t(L), 0.0));
    return (fast){or_(L, pos, zero), s, fcmp(L, LLVMRealUNE, err, cf(f64t(L), 0.0))};
}

/* binary32 *, /, sqrt through binary64: the binary64 product of two
 * binary32 values is exact, and binary64 has more than 2*24+2 bits, so
 * rounding a binary64 quotient or root to binary32 is correctly rounded
 * (no double-rounding error); inexactness is checked exactly in binary64. */
static fast mul32(lift *L, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef ad = LLVMBuildFPExt(L->B, a, f64t(L), ""), bd = LLVMBuildFPExt(L->B, b, f64t(L), "");
    LLVMValueRef pd = LLVMBuildFMul(L->B, ad, bd, "");
    LLVMValueRef r = LLVMBuildFPTrunc(L->B, pd, f32t(L), "");
    LLVMValueRef back = LLVMBuildFPExt(L->B, r, f64t(L), "");
    LLVMValueRef zero = fcmp(L, LLVMRealOEQ, pd, cf(f64t(L), 0.0));
    return (fast){or_(L, in_range(L, r, T32), zero), r, fcmp(L, LLVMRealUNE, back, pd)};
}

static fast div32(lift *L, LLVMValueRef a, LLVMValueRef b)
{
    LLVMValueRef ad = LLVMBuildFPExt(L->B, a, f64t(L), ""), bd = LLVMBuildFPExt(L->B, b, f64t(L), "");
    LLVMValueRef r = LLVMBuildFPTrunc(L->B, LLVMBuildFDiv(L->B, ad, bd, ""), f32t(L), "");
    LLVMValueRef back = LLVMBuildFMul(L->B, LLVMBuildFPExt(L->B, r, f64t(L), ""), bd, "");
    LLVMValueRef zero = and_(L, fcmp(L, LLVMRealOEQ, ad, cf(f64t(L), 0.0)), in_range(L, bd, 0x1p-149));
    return (fast){or_(L, in_range(L, r, T32), zero), r, fcmp(L, LLVMRealUNE, back, ad)};
}

static fast sqrt32(lift *L, LLVMValueRef a)
{
    LLVMValueRef ad = LLVMBuildFPExt(L->B, a, f64t(L), "");
    LLVMValueRef r = LLVMBuildFPTrunc(L->B, fp_intrinsic(L, "llvm.sqrt", f64t(L), &ad, 1), f32t(L), "");
    LLVMValueRef rd = LLVMBuildFPExt(L->B, r, f64t(L), "");
    LLVMValueRef pos = and_(L, fcmp(L, LLVMRealOGT, ad, cf(f64t(L), 0.0)),
                            fcmp(L, LLVMRealOLT, ad, cf(f64t(L), INFINITY)));
    LLVMValueRef zero = fcmp(L, LLVMRealOEQ, ad, cf(f64t(L), 0.0));
    return (fast){or_(L, pos, zero), r, fcmp(L, LLVMRealUNE, LLVMBuildFMul(L->B, rd, rd, ""), ad)};
}

/* min/max of two non-NaN values: equal values (only ±0 differ in bits)
 * combine their bits: OR makes min(-0, +0) = -0, AND max = +0. */
static LLVMValueRef minmax(lift *L, bool max, LLVMValueRef a, LLVMValueRef b, LLVMValueRef ab,
                           LLVMValueRef bb)
{
    LLVMValueRef first = fcmp(L, max ? LLVMRealOGT : LLVMRealOLT, a, b);
    LLVMValueRef eq = fcmp(L, LLVMRealOEQ, a, b);
    LLVMValueRef same = max ? and_(L, ab, bb) : or_(L, ab, bb);
    return LLVMBuildSelect(L->B, first, ab, LLVMBuildSelect(L->B, eq, same, bb, ""), "");
}

/* float → integer: t = x rounded to an integer (RTZ: trunc, RNE:
 * roundeven), exact in range [lo, hi]; inexact iff t != x. */
static fast to_int(lift *L, ir_op op, LLVMValueRef x, bool rtz)
{
    LLVMValueRef t = fp_intrinsic(L, rtz ? "llvm.trunc" : "llvm.roundeven", f64t(L), &x, 1);
    double lo, hi;
    bool sign = true, wide = false;
    switch (op) {
    case IR_FCVT_W_F32: case IR_FCVT_W_F64: lo = -0x1p31, hi = 0x1p31 - 1; break;
    case IR_FCVT_WU_F32: case IR_FCVT_WU_F64: lo = 0.0, hi = 0x1p32 - 1, sign = false; break;
    case IR_FCVT_L_F32: case IR_FCVT_L_F64: lo = -0x1p63, hi = 0x1p63, wide = true; break;
    default: lo = 0.0, hi = 0x1p64, sign = false, wide = true; break;
    }
    /* wide: hi itself is out of range (< hi); narrow: <= hi */
    LLVMValueRef ok = and_(L, fcmp(L, LLVMRealOGE, t, cf(f64t(L), lo)),
                           fcmp(L, wide ? LLVMRealOLT : LLVMRealOLE, t, cf(f64t(L), hi)));
    /* out-of-range t would make fptoXi poison: convert a safe value then */
    LLVMValueRef safe = LLVMBuildSelect(L->B, ok, t, cf(f64t(L), 0.0), "");
    LLVMValueRef d;
    if (wide) {
        d = sign ? LLVMBuildFPToSI(L->B, safe, L->i64, "") : LLVMBuildFPToUI(L->B, safe, L->i64, "");
    } else {
        d = sign ? LLVMBuildFPToSI(L->B, safe, L->i32, "") : LLVMBuildFPToUI(L->B, safe, L->i32, "");
        d = LLVMBuildSExt(L->B, d, L->i64, ""); /* the IR's s32() of the 32-bit result */
    }
    return (fast){ok, d, fcmp(L, LLVMRealUNE, t, x)};
}

/* integer → float in RNE: inexact iff converting back differs; a result
 * at 2^63 (signed) or 2^64 (unsigned) is out of range of the way back and
 * always inexact. */
static fast from_int(lift *L, ir_op op, LLVMValueRef x)
{
    bool to32 = op <= IR_FCVT_F32_LU;
    LLVMTypeRef ft = to32 ? f32t(L) : f64t(L);
    bool sign = op == IR_FCVT_F32_W || op == IR_FCVT_F32_L || op == IR_FCVT_F64_W || op == IR_FCVT_F64_L;
    bool word = op == IR_FCVT_F32_W || op == IR_FCVT_F32_WU || op == IR_FCVT_F64_W || op == IR_FCVT_F64_WU;
    LLVMValueRef v = x;
    if (word) /* s32(a) or u32(a) */
        v = sign ? LLVMBuildSExt(L->B, LLVMBuildTrunc(L->B, x, L->i32, ""), L->i64, "")
                 : LLVMBuildAnd(L->B, x, jl_c64(L, 0xffffffffu), "");
    LLVMValueRef r = sign ? LLVMBuildSIToFP(L->B, v, ft, "") : LLVMBuildUIToFP(L->B, v, ft, "");
    LLVMValueRef rd = to32 ? LLVMBuildFPExt(L->B, r, f64t(L), "") : r;
    LLVMValueRef big = fcmp(L, LLVMRealOGE, rd, cf(f64t(L), sign ? 0x1p63 : 0x1p64));
    LLVMValueRef safe = LLVMBuildSelect(L->B, big, cf(f64t(L), 0.0), rd, "");
    LLVMValueRef back = sign ? LLVMBuildFPToSI(L->B, safe, L->i64, "") : LLVMBuildFPToUI(L->B, safe, L->i64, "");
    LLVMValueRef nx = or_(L, big, LLVMBuildICmp(L->B, LLVMIntNE, back, v, ""));
    return (fast){LLVMConstInt(L->i1, 1, 0), to32 ? bits32(L, r) : bits64(L, r), nx};
}

/* Builds the fast path of in when there is one: returns false (emitting
 * nothing) otherwise.  rtz: the op's static mode is RTZ (conversions to
 * integers have an RTZ fast path; the rest need RNE). */
static bool build_fast(lift *L, const ir_insn *in, bool rtz, fast *f)
{
    ir_op op = (ir_op)in->op;
    LLVMValueRef x = L->t[in->a], y = L->t[in->b];
    bool is32 = (op >= IR_FADD32 && op <= IR_FCLASS32);
    switch (op) {
    case IR_FADD64: case IR_FSUB64:
        *f = add64(L, as_f64(L, x), op == IR_FSUB64 ? LLVMBuildFNeg(L->B, as_f64(L, y), "") : as_f64(L, y));
        f->d = bits64(L, f->d);
        return true;
    case IR_FADD32: case IR_FSUB32:
        *f = add64(L, as_f32(L, x), op == IR_FSUB32 ? LLVMBuildFNeg(L->B, as_f32(L, y), "") : as_f32(L, y));
        f->d = bits32(L, f->d);
        return true;
    case IR_FMUL64: *f = mul64(L, as_f64(L, x), as_f64(L, y)); f->d = bits64(L, f->d); return true;
    case IR_FDIV64: *f = div64(L, as_f64(L, x), as_f64(L, y)); f->d = bits64(L, f->d); return true;
    case IR_FSQRT64: *f = sqrt64(L, as_f64(L, x)); f->d = bits64(L, f->d); return true;
    case IR_FMUL32: *f = mul32(L, as_f32(L, x), as_f32(L, y)); f->d = bits32(L, f->d); return true;
    case IR_FDIV32: *f = div32(L, as_f32(L, x), as_f32(L, y)); f->d = bits32(L, f->d); return true;
    case IR_FSQRT32: *f = sqrt32(L, as_f32(L, x)); f->d = bits32(L, f->d); return true;
    case IR_FEQ32: case IR_FLT32: case IR_FLE32:
    case IR_FEQ64: case IR_FLT64: case IR_FLE64: {
        LLVMValueRef a = is32 ? as_f32(L, x) : as_f64(L, x), b = is32 ? as_f32(L, y) : as_f64(L, y);
        LLVMRealPredicate p = (op == IR_FEQ32 || op == IR_FEQ64)   ? LLVMRealOEQ
                              : (op == IR_FLT32 || op == IR_FLT64) ? LLVMRealOLT
                                                                   : LLVMRealOLE;
        *f = (fast){fcmp(L, LLVMRealORD, a, b), LLVMBuildZExt(L->B, fcmp(L, p, a, b), L->i64, ""),
                    LLVMConstInt(L->i1, 0, 0)};
        return true;
    }
    case IR_FMIN32: case IR_FMAX32: case IR_FMIN64: case IR_FMAX64: {
        LLVMValueRef a = is32 ? as_f32(L, x) : as_f64(L, x), b = is32 ? as_f32(L, y) : as_f64(L, y);
        LLVMValueRef ab = is32 ? LLVMBuildAnd(L->B, x, jl_c64(L, 0xffffffffu), "") : x;
        LLVMValueRef bb = is32 ? LLVMBuildAnd(L->B, y, jl_c64(L, 0xffffffffu), "") : y;
        *f = (fast){fcmp(L, LLVMRealORD, a, b),
                    minmax(L, op == IR_FMAX32 || op == IR_FMAX64, a, b, ab, bb),
                    LLVMConstInt(L->i1, 0, 0)};
        return true;
    }
    case IR_FCVT_F32_F64: {
        LLVMValueRef a = as_f64(L, x);
        LLVMValueRef r = LLVMBuildFPTrunc(L->B, a, f32t(L), "");
        LLVMValueRef zero = fcmp(L, LLVMRealOEQ, a, cf(f64t(L), 0.0));
        *f = (fast){or_(L, in_range(L, r, T32), zero), bits32(L, r),
                    fcmp(L, LLVMRealUNE, LLVMBuildFPExt(L->B, r, f64t(L), ""), a)};
        return true;
    }
    case IR_FCVT_F64_F32: {
        LLVMValueRef a = as_f32(L, x);
        *f = (fast){fcmp(L, LLVMRealORD, a, a), bits64(L, LLVMBuildFPExt(L->B, a, f64t(L), "")),
                    LLVMConstInt(L->i1, 0, 0)};
        return true;
    }
    default:
        break;
    }
    if (op >= IR_FCVT_W_F32 && op <= IR_FCVT_LU_F64) {
        bool src32 = op <= IR_FCVT_LU_F32;
        LLVMValueRef a = src32 ? LLVMBuildFPExt(L->B, as_f32(L, x), f64t(L), "") : as_f64(L, x);
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
    LLVMBasicBlockRef fast_bb = LLVMAppendBasicBlockInContext(L->C, L->fn, "fp.fast");
    LLVMBasicBlockRef slow_bb = LLVMAppendBasicBlockInContext(L->C, L->fn, "fp.slow");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->C, L->fn, "fp.join");
    if (dyn && !exact)
        LLVMBuildCondBr(L->B, LLVMBuildICmp(L->B, LLVMIntEQ, rmv, jl_c32(L, IR_RM_RNE), ""), fast_bb,
                        slow_bb);
    else
        LLVMBuildBr(L->B, fast_bb);
    LLVMPositionBuilderAtEnd(L->B, fast_bb);
    fast f;
    if (!build_fast(L, in, rtz, &f)) {
        /* cannot happen for the ops routed here; keep the IR well formed */
        f = (fast){LLVMConstInt(L->i1, 0, 0), jl_c64(L, 0), LLVMConstInt(L->i1, 0, 0)};
    }
    LLVMValueRef fflags = LLVMBuildZExt(L->B, f.nx, L->i64, ""); /* IR_FPF_NX is 1 */
    LLVMBasicBlockRef fast_end = LLVMGetInsertBlock(L->B);
    LLVMValueRef br = LLVMBuildCondBr(L->B, f.ok, join, slow_bb);
    LLVMSetMetadata(br, L->prof_kind, L->likely_w); /* the slow path is rare */
    LLVMPositionBuilderAtEnd(L->B, slow_bb);
    LLVMValueRef sflags;
    LLVMValueRef sd = helper_call(L, in, rmv, &sflags);
    LLVMBasicBlockRef slow_end = LLVMGetInsertBlock(L->B);
    LLVMBuildBr(L->B, join);
    LLVMPositionBuilderAtEnd(L->B, join);
    LLVMValueRef d = LLVMBuildPhi(L->B, L->i64, "");
    LLVMValueRef fl = LLVMBuildPhi(L->B, L->i64, "");
    LLVMValueRef dv[2] = {f.d, sd}, fv[2] = {fflags, sflags};
    LLVMBasicBlockRef from[2] = {fast_end, slow_end};
    LLVMAddIncoming(d, dv, from, 2);
    LLVMAddIncoming(fl, fv, from, 2);
    accrue(L, fl);
    if (in->d != IR_NONE)
        L->t[in->d] = d;
    return true;
}

static bool has_fast_path(ir_op op)
{
    return (op >= IR_FADD32 && op <= IR_FSQRT32) || (op >= IR_FMIN32 && op <= IR_FLE32) ||
           (op >= IR_FADD64 && op <= IR_FSQRT64) || (op >= IR_FMIN64 && op <= IR_FLE64) ||
           (op >= IR_FCVT_W_F32 && op <= IR_FCVT_F64_F32);
}

bool jl_lift_fp(lift *L, const ir_insn *in)
{
    if (has_fast_path((ir_op)in->op) && lift_fast(L, in))
        return true;
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
