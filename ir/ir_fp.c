/*
 * ir_fp.c — IEEE 754 binary32/binary64 semantics of the IR's FP ops,
 * bit-exact with RISC-V F/D: results, canonical NaNs and fflags.
 *
 *   arith/sqrt/fma ─► a NaN input? ── yes ─► canonical NaN (+NV for sNaN)
 *                       │ no
 *                       ├─ RNE RTZ RDN RUP ─► host SSE op with MXCSR.RC = rm;
 *                       │                     IEEE flags read back from MXCSR
 *                       └─ RMM ─► host op in a wider format, rounded to odd
 *                                 ─► round_pack() to the target, ties away
 *   conversions, min/max, compares, fclass: integer code, no host FPU.
 *
 * RMM: x86 has no ties-away mode.  We compute the exact result rounded to
 * odd (round toward zero, then OR the inexact flag into the last bit) in a
 * format with at least p + 2 significand bits and a wider exponent range:
 * binary64 (53 bits) for binary32 ops, __float128 (113 bits) for binary64
 * ops.  Rounding that value once more to p bits in any mode gives the same
 * result as rounding the exact value directly (Boldo & Melquiond, "Emulation
 * of FMA and correctly-rounded sums: proved algorithms using rounding to
 * odd", 2008), including the subnormal range, whose rounding point has even
 * fewer bits.  The wide ops cannot overflow or underflow for target-format
 * inputs, so their only information loss is the sticky bit.  libgcc's
 * __float128 soft-fp honours MXCSR.RC and raises its flags in MXCSR.
 * sqrt never needs this: a square root is never a midpoint between two
 * floats of its own format (if m = odd * 2^k had p + 1 significant bits,
 * m * m would need more than p bits, so it could not be the input), and it
 * never underflows or overflows, so RMM sqrt equals RNE sqrt.
 *
 * Both x86 and RISC-V detect tininess after rounding and raise underflow
 * only for tiny inexact results; x86's denormal-operand flag is ignored.
 * The MXCSR is saved before and restored after every host op, so the host's
 * own rounding mode and accrued flags are untouched.
 */
#include "ir/ir_fp.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "ir/ir.h"

#if !defined(__x86_64__)
#error "ir_fp.c drives the x86-64 MXCSR and uses __float128; port fp_enter/fp_leave first"
#endif

_Static_assert(IR_FSUB32 == IR_FADD32 + 1 && IR_FMUL32 == IR_FADD32 + 2 &&
                   IR_FDIV32 == IR_FADD32 + 3 && IR_FDIV64 == IR_FADD64 + 3,
               "ir_fp_arith relies on the order FADD, FSUB, FMUL, FDIV");
_Static_assert(IR_FNMADD32 == IR_FMADD32 + 3 && IR_FNMADD64 == IR_FMADD64 + 3,
               "ir_fp_fma relies on the order FMADD, FMSUB, FNMSUB, FNMADD");

enum { K_ADD, K_SUB, K_MUL, K_DIV };

/* ---- formats ---- */

typedef struct fp_fmt {
    int p;          /* significand bits including the hidden one */
    int emin, emax; /* unbiased exponents of the smallest / largest normal */
    int bias;
    uint64_t sign;  /* sign bit */
    uint64_t inf;   /* +infinity; +max finite is inf - 1 */
    uint64_t quiet; /* quiet bit of a NaN */
    uint64_t canon; /* the canonical quiet NaN */
} fp_fmt;

static const fp_fmt FMT32 = {24, -126, 127, 127, UINT64_C(0x80000000), UINT64_C(0x7f800000),
                             UINT64_C(0x00400000), IR_FP_CANON_NAN32};
static const fp_fmt FMT64 = {53, -1022, 1023, 1023, UINT64_C(0x8000000000000000),
                             UINT64_C(0x7ff0000000000000), UINT64_C(0x0008000000000000),
                             IR_FP_CANON_NAN64};

static inline uint64_t fp_abs(const fp_fmt *f, uint64_t x) { return x & ~f->sign; }
static inline bool fp_is_nan(const fp_fmt *f, uint64_t x) { return fp_abs(f, x) > f->inf; }
static inline bool fp_is_snan(const fp_fmt *f, uint64_t x)
{
    return fp_is_nan(f, x) && !(x & f->quiet);
}
static inline bool fp_is_inf(const fp_fmt *f, uint64_t x) { return fp_abs(f, x) == f->inf; }
static inline bool fp_is_zero(const fp_fmt *f, uint64_t x) { return fp_abs(f, x) == 0; }

static inline uint32_t f32_bits(float v)
{
    uint32_t x;
    memcpy(&x, &v, sizeof x);
    return x;
}
static inline float f32_val(uint32_t x)
{
    float v;
    memcpy(&v, &x, sizeof v);
    return v;
}
static inline uint64_t f64_bits(double v)
{
    uint64_t x;
    memcpy(&x, &v, sizeof x);
    return x;
}
static inline double f64_val(uint64_t x)
{
    double v;
    memcpy(&v, &x, sizeof v);
    return v;
}

/* Rounding modes outside RNE..RMM cannot reach us (the frontend traps on
 * them); treat them as RNE rather than misbehave. */
static inline int fix_rm(int rm) { return rm >= IR_RM_RNE && rm <= IR_RM_RMM ? rm : IR_RM_RNE; }

/* ---- host FPU environment (MXCSR) ---- */

enum {
    MXCSR_FLAGS = 0x3f,   /* IE DE ZE OE UE PE */
    MXCSR_DAZ = 0x40,
    MXCSR_MASKS = 0x1f80, /* all exceptions masked */
    MXCSR_RC = 0x6000,
    MXCSR_FTZ = 0x8000,
};

static inline uint32_t mxcsr_read(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static inline void mxcsr_write(uint32_t v) { __asm__ volatile("ldmxcsr %0" : : "m"(v)); }

/* Value barriers: the compiler must compute the operands after the
 * preceding volatile asm (the mode switch) and the result before the
 * following one (the flag read), and cannot constant-fold across them. */
#define FP_FENCE1(x) __asm__ volatile("" : "+x"(x))
#define FP_FENCE2(x, y) __asm__ volatile("" : "+x"(x), "+x"(y))
#define FP_FENCE3(x, y, z) __asm__ volatile("" : "+x"(x), "+x"(y), "+x"(z))

/* Switches the host to rounding mode rm (not RMM) with clear flags, all
 * exceptions masked and no flush-to-zero; returns the MXCSR to restore. */
static inline uint32_t fp_enter(int rm)
{
    static const uint32_t rc[4] = {
        [IR_RM_RNE] = 0x0000, [IR_RM_RTZ] = 0x6000, [IR_RM_RDN] = 0x2000, [IR_RM_RUP] = 0x4000};
    uint32_t saved = mxcsr_read();
    uint32_t want = (saved & ~(uint32_t)(MXCSR_FLAGS | MXCSR_DAZ | MXCSR_RC | MXCSR_FTZ)) |
                    MXCSR_MASKS | rc[rm & 3];
    if (want != saved) mxcsr_write(want); /* ldmxcsr is slow; usually RNE is already set */
    return saved;
}

/* Restores the host MXCSR and returns the IEEE flags raised since fp_enter
 * as IR_FPF_* bits (the denormal-operand flag has no IEEE counterpart). */
static inline uint64_t fp_leave(uint32_t saved)
{
    uint32_t m = mxcsr_read();
    if (m != saved) mxcsr_write(saved);
    return ir_fp_flags_of_mxcsr(m);
}

uint64_t ir_fp_flags_of_mxcsr(uint32_t m)
{
    uint64_t f = 0;
    if (m & 0x01) f |= IR_FPF_NV;
    if (m & 0x04) f |= IR_FPF_DZ;
    if (m & 0x08) f |= IR_FPF_OF;
    if (m & 0x10) f |= IR_FPF_UF;
    if (m & 0x20) f |= IR_FPF_NX;
    return f;
}

uint64_t ir_fp_host_flags(void) { return ir_fp_flags_of_mxcsr(mxcsr_read()); }

void ir_fp_set_host_flags(uint64_t fflags)
{
    uint32_t m = mxcsr_read();
    if (ir_fp_flags_of_mxcsr(m) & ~fflags)
        mxcsr_write(m & ~(uint32_t)MXCSR_FLAGS);
}

uint64_t ir_fp_take_host_flags(void)
{
    uint32_t m = mxcsr_read();
    if (!(m & MXCSR_FLAGS))
        return 0;
    mxcsr_write(m & ~(uint32_t)MXCSR_FLAGS); /* ldmxcsr is slow: only when needed */
    return ir_fp_flags_of_mxcsr(m);
}

/* ---- integer rounding ---- */

/* Whether rounding a magnitude whose kept part is `kept`, with a discarded
 * part that compares to half an ulp as cmp (<0, 0, >0) and is nonzero iff
 * `inexact`, goes up by one ulp in mode rm. */
static inline bool round_up(int rm, bool sign, uint64_t kept, int cmp, bool inexact)
{
    switch (rm) {
    case IR_RM_RNE: return cmp > 0 || (cmp == 0 && (kept & 1));
    case IR_RM_RMM: return cmp >= 0;
    case IR_RM_RDN: return inexact && sign;
    case IR_RM_RUP: return inexact && !sign;
    default: return false; /* RTZ */
    }
}

/* Rounds the magnitude sig (> 0) to an integer multiple of 2^shift
 * (shift >= 1) in mode rm; returns the multiplier and sets *inexact. */
static uint64_t round_shift(uint64_t sig, int shift, bool sign, int rm, bool *inexact)
{
    uint64_t kept;
    int cmp;
    if (shift > 64) {
        kept = 0;
        cmp = -1; /* sig < 2^64 <= half of 2^shift */
        *inexact = true;
    } else if (shift == 64) {
        kept = 0;
        cmp = sig > (UINT64_C(1) << 63) ? 1 : sig == (UINT64_C(1) << 63) ? 0 : -1;
        *inexact = true;
    } else {
        uint64_t rem = sig & ((UINT64_C(1) << shift) - 1), half = UINT64_C(1) << (shift - 1);
        kept = sig >> shift;
        cmp = rem > half ? 1 : rem == half ? 0 : -1;
        *inexact = rem != 0;
    }
    return kept + round_up(rm, sign, kept, cmp, *inexact);
}

/* The result of an overflowing rounding: infinity or the largest finite
 * number, as the mode and sign say. */
static uint64_t overflow_result(const fp_fmt *f, bool sign, int rm, uint64_t *flags)
{
    *flags |= IR_FPF_OF | IR_FPF_NX;
    bool to_inf = rm == IR_RM_RNE || rm == IR_RM_RMM || (rm == IR_RM_RDN && sign) ||
                  (rm == IR_RM_RUP && !sign);
    return (sign ? f->sign : 0) | (to_inf ? f->inf : f->inf - 1);
}

/* Rounds (-1)^sign * sig * 2^exp (sig != 0, any exponent) to format f in
 * mode rm, the way an IEEE operation rounds its exact result: NX when
 * inexact, UF when tiny after rounding and inexact, OF (+NX) on overflow.
 * Returns the bit pattern. */
static uint64_t round_pack(const fp_fmt *f, bool sign, int exp, uint64_t sig, int rm,
                           uint64_t *flags)
{
    int lz = __builtin_clzll(sig);
    sig <<= lz;
    exp -= lz;
    int e = exp + 63; /* |value| in [2^e, 2^(e+1)) */
    if (e > f->emax)
        return overflow_result(f, sign, rm, flags);
    int shift = 64 - f->p;
    bool inexact, tiny = false;
    if (e < f->emin) {
        /* Tiny after rounding: the value rounded to p bits with an unbounded
         * exponent stays below 2^emin, i.e. unless it carries up to it. */
        bool carry_ex;
        tiny = !(e == f->emin - 1 &&
                 round_shift(sig, shift, sign, rm, &carry_ex) == (UINT64_C(1) << f->p));
        shift += f->emin - e;
    }
    uint64_t kept = round_shift(sig, shift, sign, rm, &inexact);
    uint64_t bits;
    if (e < f->emin)
        bits = kept; /* subnormal; 2^(p-1) becomes the smallest normal */
    else
        bits = ((uint64_t)(e + f->bias - 1) << (f->p - 1)) + kept; /* hidden bit bumps exp */
    if (bits >= f->inf)
        return overflow_result(f, sign, rm, flags);
    if (inexact) *flags |= IR_FPF_NX | (tiny ? IR_FPF_UF : 0);
    return (sign ? f->sign : 0) | bits;
}

/* Splits finite nonzero x into sign, sig and exp with |x| = sig * 2^exp. */
static void unpack(const fp_fmt *f, uint64_t x, bool *sign, int *exp, uint64_t *sig)
{
    uint64_t frac_mask = (UINT64_C(1) << (f->p - 1)) - 1;
    int field = (int)(fp_abs(f, x) >> (f->p - 1));
    *sign = (x & f->sign) != 0;
    *sig = (x & frac_mask) | (field ? frac_mask + 1 : 0);
    *exp = (field ? field : 1) - f->bias - (f->p - 1);
}

/* ---- RMM through a wider format rounded to odd ---- */

/* Finishes a binary32 RMM op from r, the exact result rounded toward zero
 * to binary64, and hf, the host flags of computing it. */
static uint64_t rmm_finish32(double r, uint64_t hf, uint64_t *flags)
{
    uint64_t w = f64_bits(r);
    *flags |= hf & (IR_FPF_NV | IR_FPF_DZ);
    if (fp_is_nan(&FMT64, w)) return IR_FP_CANON_NAN32;
    uint64_t sign = (w >> 32) & FMT32.sign;
    if (fp_is_inf(&FMT64, w)) return sign | FMT32.inf; /* infinite operands or x/0 */
    if (fp_is_zero(&FMT64, w)) return sign;             /* exact zero */
    bool s;
    int exp;
    uint64_t sig;
    unpack(&FMT64, w, &s, &exp, &sig);
    return round_pack(&FMT32, s, exp, sig | ((hf & IR_FPF_NX) != 0), IR_RM_RMM, flags);
}

/* As rmm_finish32 for a binary64 result from a __float128 rounded toward
 * zero.  The 113-bit significand is cut to 64 bits with the dropped bits
 * jammed into bit 0, which keeps more than p + 2 bits and the stickiness. */
static uint64_t rmm_finish64(__float128 r, uint64_t hf, uint64_t *flags)
{
    uint64_t w[2]; /* little-endian: w[1] holds sign, exponent, top of fraction */
    memcpy(w, &r, sizeof w);
    uint64_t hi = w[1], lo = w[0];
    uint64_t sign = hi & FMT64.sign;
    int field = (int)((hi >> 48) & 0x7fff);
    uint64_t frac_hi = hi & ((UINT64_C(1) << 48) - 1);
    *flags |= hf & (IR_FPF_NV | IR_FPF_DZ);
    if (field == 0x7fff) return (frac_hi | lo) ? IR_FP_CANON_NAN64 : sign | FMT64.inf;
    if (field == 0) return sign; /* exact zero: binary64 ops never reach binary128 subnormals */
    uint64_t top = frac_hi | (UINT64_C(1) << 48); /* 49 bits */
    uint64_t sig = (top << 15) | (lo >> 49) | ((lo & ((UINT64_C(1) << 49) - 1)) != 0) |
                   ((hf & IR_FPF_NX) != 0);
    int exp = field - 16383 - 112 + 49;
    return round_pack(&FMT64, sign != 0, exp, sig, IR_RM_RMM, flags);
}

static uint64_t rmm_arith32(int k, float x, float y, uint64_t *flags)
{
    double dx = x, dy = y, r = 0;
    uint32_t saved = fp_enter(IR_RM_RTZ);
    switch (k) {
    case K_ADD: FP_FENCE2(dx, dy); r = dx + dy; break;
    case K_SUB: FP_FENCE2(dx, dy); r = dx - dy; break;
    case K_MUL: FP_FENCE2(dx, dy); r = dx * dy; break;
    case K_DIV: FP_FENCE2(dx, dy); r = dx / dy; break;
    }
    FP_FENCE1(r);
    uint64_t hf = fp_leave(saved);
    return rmm_finish32(r, hf, flags);
}

static uint64_t rmm_arith64(int k, double x, double y, uint64_t *flags)
{
    __float128 qx = x, qy = y, r = 0;
    uint32_t saved = fp_enter(IR_RM_RTZ);
    switch (k) {
    case K_ADD: FP_FENCE2(qx, qy); r = qx + qy; break;
    case K_SUB: FP_FENCE2(qx, qy); r = qx - qy; break;
    case K_MUL: FP_FENCE2(qx, qy); r = qx * qy; break;
    case K_DIV: FP_FENCE2(qx, qy); r = qx / qy; break;
    }
    FP_FENCE1(r);
    uint64_t hf = fp_leave(saved);
    return rmm_finish64(r, hf, flags);
}

/* ---- arithmetic ---- */

/* NaN operands of arithmetic: NV for a signalling one, canonical result. */
static bool nan_operands(const fp_fmt *f, uint64_t a, uint64_t b, uint64_t *flags)
{
    if (!fp_is_nan(f, a) && !fp_is_nan(f, b)) return false;
    if (fp_is_snan(f, a) || fp_is_snan(f, b)) *flags |= IR_FPF_NV;
    return true;
}

static uint64_t arith32(int k, uint32_t a, uint32_t b, int rm, uint64_t *flags)
{
    if (nan_operands(&FMT32, a, b, flags)) return IR_FP_CANON_NAN32;
    float x = f32_val(a), y = f32_val(b), r = 0;
    if (rm == IR_RM_RMM) return rmm_arith32(k, x, y, flags);
    uint32_t saved = fp_enter(rm);
    switch (k) {
    case K_ADD: FP_FENCE2(x, y); r = x + y; break;
    case K_SUB: FP_FENCE2(x, y); r = x - y; break;
    case K_MUL: FP_FENCE2(x, y); r = x * y; break;
    case K_DIV: FP_FENCE2(x, y); r = x / y; break;
    }
    FP_FENCE1(r);
    *flags |= fp_leave(saved);
    uint32_t rb = f32_bits(r);
    return fp_is_nan(&FMT32, rb) ? IR_FP_CANON_NAN32 : rb;
}

static uint64_t arith64(int k, uint64_t a, uint64_t b, int rm, uint64_t *flags)
{
    if (nan_operands(&FMT64, a, b, flags)) return IR_FP_CANON_NAN64;
    double x = f64_val(a), y = f64_val(b), r = 0;
    if (rm == IR_RM_RMM) return rmm_arith64(k, x, y, flags);
    uint32_t saved = fp_enter(rm);
    switch (k) {
    case K_ADD: FP_FENCE2(x, y); r = x + y; break;
    case K_SUB: FP_FENCE2(x, y); r = x - y; break;
    case K_MUL: FP_FENCE2(x, y); r = x * y; break;
    case K_DIV: FP_FENCE2(x, y); r = x / y; break;
    }
    FP_FENCE1(r);
    *flags |= fp_leave(saved);
    uint64_t rb = f64_bits(r);
    return fp_is_nan(&FMT64, rb) ? IR_FP_CANON_NAN64 : rb;
}

uint64_t ir_fp_arith(int op, uint64_t a, uint64_t b, int rm, uint64_t *flags)
{
    rm = fix_rm(rm);
    if (op >= IR_FADD32 && op <= IR_FDIV32)
        return arith32(op - IR_FADD32, (uint32_t)a, (uint32_t)b, rm, flags);
    if (op >= IR_FADD64 && op <= IR_FDIV64) return arith64(op - IR_FADD64, a, b, rm, flags);
    return 0; /* not an arithmetic op: the verifier rejects such IR */
}

/* sqrt: NaN in → canonical (NV if signalling); negative nonzero in → NV.
 * RMM is done as RNE (see the top of the file). */
uint64_t ir_fp_sqrt32(uint64_t a, int rm, uint64_t *flags)
{
    uint32_t x = (uint32_t)a;
    rm = fix_rm(rm);
    if (nan_operands(&FMT32, x, 0, flags)) return IR_FP_CANON_NAN32;
    if ((x & FMT32.sign) && !fp_is_zero(&FMT32, x)) {
        *flags |= IR_FPF_NV;
        return IR_FP_CANON_NAN32;
    }
    float v = f32_val(x);
    uint32_t saved = fp_enter(rm == IR_RM_RMM ? IR_RM_RNE : rm);
    FP_FENCE1(v);
    v = __builtin_sqrtf(v);
    FP_FENCE1(v);
    *flags |= fp_leave(saved);
    return f32_bits(v);
}

uint64_t ir_fp_sqrt64(uint64_t a, int rm, uint64_t *flags)
{
    rm = fix_rm(rm);
    if (nan_operands(&FMT64, a, 0, flags)) return IR_FP_CANON_NAN64;
    if ((a & FMT64.sign) && !fp_is_zero(&FMT64, a)) {
        *flags |= IR_FPF_NV;
        return IR_FP_CANON_NAN64;
    }
    double v = f64_val(a);
    uint32_t saved = fp_enter(rm == IR_RM_RMM ? IR_RM_RNE : rm);
    FP_FENCE1(v);
    v = __builtin_sqrt(v);
    FP_FENCE1(v);
    *flags |= fp_leave(saved);
    return f64_bits(v);
}

/* ---- fused multiply-add ---- */

/* NaN operands of a*b+c: canonical result; NV for a signalling NaN and for
 * inf*0 even when c is a quiet NaN (the RISC-V spec requires it). */
static bool fma_nan_operands(const fp_fmt *f, uint64_t a, uint64_t b, uint64_t c, uint64_t *flags)
{
    if (!fp_is_nan(f, a) && !fp_is_nan(f, b) && !fp_is_nan(f, c)) return false;
    bool inf_zero = (fp_is_inf(f, a) && fp_is_zero(f, b)) || (fp_is_zero(f, a) && fp_is_inf(f, b));
    if (fp_is_snan(f, a) || fp_is_snan(f, b) || fp_is_snan(f, c) || inf_zero)
        *flags |= IR_FPF_NV;
    return true;
}

/* binary32 a*b+c.  RMM: the product of two binary32 is exact in binary64,
 * so one binary64 addition rounded to odd gives the sum rounded to odd. */
static uint64_t fma32(uint32_t a, uint32_t b, uint32_t c, int rm, uint64_t *flags)
{
    if (fma_nan_operands(&FMT32, a, b, c, flags)) return IR_FP_CANON_NAN32;
    float x = f32_val(a), y = f32_val(b), z = f32_val(c);
    if (rm == IR_RM_RMM) {
        double dx = x, dy = y, dz = z, r;
        uint32_t saved = fp_enter(IR_RM_RTZ);
        FP_FENCE3(dx, dy, dz);
        r = dx * dy + dz; /* -ffp-contract=off: an exact product, then one rounding */
        FP_FENCE1(r);
        uint64_t hf = fp_leave(saved);
        return rmm_finish32(r, hf, flags);
    }
    uint32_t saved = fp_enter(rm);
    FP_FENCE3(x, y, z);
    float r = fmaf(x, y, z);
    FP_FENCE1(r);
    *flags |= fp_leave(saved);
    uint32_t rb = f32_bits(r);
    return fp_is_nan(&FMT32, rb) ? IR_FP_CANON_NAN32 : rb;
}

/* binary64 a*b+c.  RMM: the product is exact in __float128 (106 <= 113
 * bits), and the addition rounded to odd is what rmm_finish64 needs. */
static uint64_t fma64(uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *flags)
{
    if (fma_nan_operands(&FMT64, a, b, c, flags)) return IR_FP_CANON_NAN64;
    double x = f64_val(a), y = f64_val(b), z = f64_val(c);
    if (rm == IR_RM_RMM) {
        __float128 qx = x, qy = y, qz = z, r;
        uint32_t saved = fp_enter(IR_RM_RTZ);
        FP_FENCE3(qx, qy, qz);
        r = qx * qy + qz;
        FP_FENCE1(r);
        uint64_t hf = fp_leave(saved);
        return rmm_finish64(r, hf, flags);
    }
    uint32_t saved = fp_enter(rm);
    FP_FENCE3(x, y, z);
    double r = fma(x, y, z);
    FP_FENCE1(r);
    *flags |= fp_leave(saved);
    uint64_t rb = f64_bits(r);
    return fp_is_nan(&FMT64, rb) ? IR_FP_CANON_NAN64 : rb;
}

/* FMSUB negates c, FNMSUB the product, FNMADD both; flipping sign bits
 * gives IEEE's signs of exact zero results (e.g. FNMADD(+0, 1, +0) = -0). */
uint64_t ir_fp_fma(int op, uint64_t a, uint64_t b, uint64_t c, int rm, uint64_t *flags)
{
    rm = fix_rm(rm);
    if (op >= IR_FMADD32 && op <= IR_FNMADD32) {
        int k = op - IR_FMADD32;
        uint32_t na = (k == 2 || k == 3) ? 0x80000000u : 0, nc = (k == 1 || k == 3) ? 0x80000000u : 0;
        return fma32((uint32_t)a ^ na, (uint32_t)b, (uint32_t)c ^ nc, rm, flags);
    }
    if (op >= IR_FMADD64 && op <= IR_FNMADD64) {
        int k = op - IR_FMADD64;
        uint64_t na = (k == 2 || k == 3) ? FMT64.sign : 0, nc = (k == 1 || k == 3) ? FMT64.sign : 0;
        return fma64(a ^ na, b, c ^ nc, rm, flags);
    }
    return 0;
}

/* ---- min/max, compares, class ---- */

/* A key whose unsigned order is the numeric order of non-NaN x, with
 * -0 < +0. */
static inline uint64_t order_key(const fp_fmt *f, uint64_t x)
{
    return (x & f->sign) ? ~x & (f->sign | (f->sign - 1)) : x | f->sign;
}

/* RISC-V fmin/fmax (2.2+, IEEE 754-2019 minimumNumber/maximumNumber):
 * one NaN operand yields the other operand, two yield the canonical NaN,
 * a signalling NaN raises NV. */
static uint64_t minmax(const fp_fmt *f, bool is_max, uint64_t a, uint64_t b, uint64_t *flags)
{
    bool na = fp_is_nan(f, a), nb = fp_is_nan(f, b);
    if (fp_is_snan(f, a) || fp_is_snan(f, b)) *flags |= IR_FPF_NV;
    if (na && nb) return f->canon;
    if (na) return b;
    if (nb) return a;
    bool a_less = order_key(f, a) < order_key(f, b);
    return (a_less != is_max) ? a : b;
}

uint64_t ir_fp_minmax(int op, uint64_t a, uint64_t b, uint64_t *flags)
{
    switch (op) {
    case IR_FMIN32: return minmax(&FMT32, false, (uint32_t)a, (uint32_t)b, flags);
    case IR_FMAX32: return minmax(&FMT32, true, (uint32_t)a, (uint32_t)b, flags);
    case IR_FMIN64: return minmax(&FMT64, false, a, b, flags);
    case IR_FMAX64: return minmax(&FMT64, true, a, b, flags);
    default: return 0;
    }
}

/* kind: 0 eq (quiet), 1 lt, 2 le (signalling). Unordered yields 0. */
static uint64_t compare(const fp_fmt *f, int kind, uint64_t a, uint64_t b, uint64_t *flags)
{
    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        if (kind != 0 || fp_is_snan(f, a) || fp_is_snan(f, b)) *flags |= IR_FPF_NV;
        return 0;
    }
    bool both_zero = fp_is_zero(f, a) && fp_is_zero(f, b);
    uint64_t ka = order_key(f, a), kb = order_key(f, b);
    switch (kind) {
    case 0: return both_zero || ka == kb;
    case 1: return !both_zero && ka < kb;
    default: return both_zero || ka <= kb;
    }
}

uint64_t ir_fp_compare(int op, uint64_t a, uint64_t b, uint64_t *flags)
{
    switch (op) {
    case IR_FEQ32: return compare(&FMT32, 0, (uint32_t)a, (uint32_t)b, flags);
    case IR_FLT32: return compare(&FMT32, 1, (uint32_t)a, (uint32_t)b, flags);
    case IR_FLE32: return compare(&FMT32, 2, (uint32_t)a, (uint32_t)b, flags);
    case IR_FEQ64: return compare(&FMT64, 0, a, b, flags);
    case IR_FLT64: return compare(&FMT64, 1, a, b, flags);
    case IR_FLE64: return compare(&FMT64, 2, a, b, flags);
    default: return 0;
    }
}

static uint64_t fp_class(const fp_fmt *f, uint64_t x)
{
    bool neg = (x & f->sign) != 0;
    uint64_t m = fp_abs(f, x);
    if (m > f->inf) return (x & f->quiet) ? IR_FCLASS_QNAN : IR_FCLASS_SNAN;
    if (m == f->inf) return neg ? IR_FCLASS_NEG_INF : IR_FCLASS_POS_INF;
    if (m == 0) return neg ? IR_FCLASS_NEG_ZERO : IR_FCLASS_POS_ZERO;
    if (m < (UINT64_C(1) << (f->p - 1)))
        return neg ? IR_FCLASS_NEG_SUBNORMAL : IR_FCLASS_POS_SUBNORMAL;
    return neg ? IR_FCLASS_NEG_NORMAL : IR_FCLASS_POS_NORMAL;
}

uint64_t ir_fp_class32(uint64_t a) { return fp_class(&FMT32, (uint32_t)a); }
uint64_t ir_fp_class64(uint64_t a) { return fp_class(&FMT64, a); }

/* ---- conversions ---- */

/* Target of a float → integer conversion. */
typedef struct int_kind {
    bool is_signed;
    int bits; /* 32 or 64 */
} int_kind;

/* Sign-extends the low `bits` bits of v (RV64 keeps 32-bit results
 * sign-extended in registers, unsigned ones too). */
static inline uint64_t sext_bits(uint64_t v, int bits)
{
    return bits == 32 ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

/* The saturated result of an invalid conversion: NaN and too-large
 * positive values give the maximum, too-negative values the minimum. */
static uint64_t int_saturate(int_kind k, bool negative, uint64_t *flags)
{
    *flags |= IR_FPF_NV;
    uint64_t max = k.is_signed ? (UINT64_MAX >> (65 - k.bits)) : (UINT64_MAX >> (64 - k.bits));
    uint64_t min = k.is_signed ? ~max : 0;
    return sext_bits(negative ? min : max, k.bits);
}

/* Float (format f) → integer in mode rm, RISC-V style: round, then range
 * check; invalid results saturate with NV only, valid inexact ones get NX.
 * A negative value rounding to 0 is a valid unsigned 0. */
static uint64_t float_to_int(const fp_fmt *f, uint64_t x, int_kind k, int rm, uint64_t *flags)
{
    if (fp_is_nan(f, x)) return int_saturate(k, false, flags);
    bool sign = (x & f->sign) != 0;
    if (fp_is_inf(f, x)) return int_saturate(k, sign, flags);
    if (fp_is_zero(f, x)) return 0;
    int exp;
    uint64_t sig, mag;
    bool inexact = false;
    unpack(f, x, &sign, &exp, &sig);
    if (exp >= 0) {
        if (exp + 64 - __builtin_clzll(sig) > 64) return int_saturate(k, sign, flags);
        mag = sig << exp;
    } else {
        mag = round_shift(sig, -exp, sign, rm, &inexact); /* < 2^53 + 1, no overflow */
    }
    uint64_t limit; /* the largest magnitude allowed with this sign */
    if (k.is_signed)
        limit = (UINT64_C(1) << (k.bits - 1)) - (sign ? 0 : 1);
    else
        limit = sign ? 0 : (UINT64_MAX >> (64 - k.bits));
    if (mag > limit) return int_saturate(k, sign, flags);
    if (inexact) *flags |= IR_FPF_NX;
    return sext_bits(sign ? -mag : mag, k.bits);
}

/* Integer → float: mag is the magnitude, sign its sign. */
static uint64_t int_to_float(const fp_fmt *f, bool sign, uint64_t mag, int rm, uint64_t *flags)
{
    if (mag == 0) return 0; /* +0 in every mode */
    return round_pack(f, sign, 0, mag, rm, flags);
}

static uint64_t int_to_float_signed(const fp_fmt *f, int64_t v, int rm, uint64_t *flags)
{
    return int_to_float(f, v < 0, v < 0 ? -(uint64_t)v : (uint64_t)v, rm, flags);
}

/* binary64 → binary32 with rounding. */
static uint64_t f64_to_f32(uint64_t x, int rm, uint64_t *flags)
{
    if (fp_is_nan(&FMT64, x)) {
        if (fp_is_snan(&FMT64, x)) *flags |= IR_FPF_NV;
        return IR_FP_CANON_NAN32;
    }
    uint64_t sign = (x >> 32) & FMT32.sign;
    if (fp_is_inf(&FMT64, x)) return sign | FMT32.inf;
    if (fp_is_zero(&FMT64, x)) return sign;
    bool s;
    int exp;
    uint64_t sig;
    unpack(&FMT64, x, &s, &exp, &sig);
    return round_pack(&FMT32, s, exp, sig, rm, flags);
}

/* binary32 → binary64, always exact. */
static uint64_t f32_to_f64(uint32_t x, uint64_t *flags)
{
    if (fp_is_nan(&FMT32, x)) {
        if (fp_is_snan(&FMT32, x)) *flags |= IR_FPF_NV;
        return IR_FP_CANON_NAN64;
    }
    uint64_t sign = (uint64_t)(x & FMT32.sign) << 32;
    if (fp_is_inf(&FMT32, x)) return sign | FMT64.inf;
    if (fp_is_zero(&FMT32, x)) return sign;
    bool s;
    int exp;
    uint64_t sig;
    unpack(&FMT32, x, &s, &exp, &sig);
    return round_pack(&FMT64, s, exp, sig, IR_RM_RNE, flags); /* exact: no flags */
}

uint64_t ir_fp_convert(int op, uint64_t a, int rm, uint64_t *flags)
{
    static const int_kind W = {true, 32}, WU = {false, 32}, L = {true, 64}, LU = {false, 64};
    rm = fix_rm(rm);
    uint32_t a32 = (uint32_t)a;
    switch (op) {
    case IR_FCVT_W_F32: return float_to_int(&FMT32, a32, W, rm, flags);
    case IR_FCVT_WU_F32: return float_to_int(&FMT32, a32, WU, rm, flags);
    case IR_FCVT_L_F32: return float_to_int(&FMT32, a32, L, rm, flags);
    case IR_FCVT_LU_F32: return float_to_int(&FMT32, a32, LU, rm, flags);
    case IR_FCVT_W_F64: return float_to_int(&FMT64, a, W, rm, flags);
    case IR_FCVT_WU_F64: return float_to_int(&FMT64, a, WU, rm, flags);
    case IR_FCVT_L_F64: return float_to_int(&FMT64, a, L, rm, flags);
    case IR_FCVT_LU_F64: return float_to_int(&FMT64, a, LU, rm, flags);
    case IR_FCVT_F32_W: return int_to_float_signed(&FMT32, (int32_t)a32, rm, flags);
    case IR_FCVT_F32_WU: return int_to_float(&FMT32, false, a32, rm, flags);
    case IR_FCVT_F32_L: return int_to_float_signed(&FMT32, (int64_t)a, rm, flags);
    case IR_FCVT_F32_LU: return int_to_float(&FMT32, false, a, rm, flags);
    case IR_FCVT_F64_W: return int_to_float_signed(&FMT64, (int32_t)a32, rm, flags);
    case IR_FCVT_F64_WU: return int_to_float(&FMT64, false, a32, rm, flags);
    case IR_FCVT_F64_L: return int_to_float_signed(&FMT64, (int64_t)a, rm, flags);
    case IR_FCVT_F64_LU: return int_to_float(&FMT64, false, a, rm, flags);
    case IR_FCVT_F32_F64: return f64_to_f32(a, rm, flags);
    case IR_FCVT_F64_F32: return f32_to_f64(a32, flags);
    default: return 0;
    }
}
