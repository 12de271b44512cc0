/*
 * fcsr.S — floating-point CSRs: fcsr, frm and fflags through csrrw/csrrs/
 * csrrc (and the frcsr/fscsr/frrm/fsrm/frflags/fsflags aliases, immediate
 * forms included); the static rounding mode field of an instruction
 * against the dynamic one in frm; flags raised by fdiv, fsqrt, overflow,
 * underflow, invalid conversions (which RISC-V defines: saturate, NaN ->
 * max) and fcvt inexactness; fclass; NaN boxing of single-precision values.
 */
#include "rvasm.inc"

    .text
    .globl _start
_start:
    /* Write all of fcsr, read back its parts. */
    li t5, 0xff
    fscsr s0, t5                /* old value (0 at start) */
    SHOW fcsr.initial, s0
    frcsr s0
    SHOW fcsr.ff, s0
    frrm s0
    SHOW frm.of.ff, s0
    frflags s0
    SHOW fflags.of.ff, s0
    li t5, 0x3ff                /* bits above 7 are ignored */
    csrw fcsr, t5
    frcsr s0
    SHOW fcsr.masked, s0
    fsflagsi s0, 0              /* swap in zero flags, old in s0 */
    SHOW fsflagsi.old, s0
    fsrmi s0, 2                 /* RDN */
    SHOW fsrmi.old, s0
    frcsr s0
    SHOW fcsr.rdn, s0
    csrrsi s0, fflags, 0x11     /* set NV and NX */
    SHOW csrrsi.old, s0
    csrrci s0, fflags, 0x01     /* clear NX */
    frflags s0
    SHOW after.csrrci, s0
    li t5, 0x8
    csrrs s0, fcsr, t5          /* set OF through fcsr */
    frcsr s0
    SHOW csrrs.fcsr, s0
    csrrc s0, fcsr, t5
    frcsr s0
    SHOW csrrc.fcsr, s0
    fsflags zero

    /* Dynamic rounding: 1/3 in each frm, and a static-rm override. */
    li t5, 1
    fcvt.d.l fa1, t5
    li t5, 3
    fcvt.d.l fa2, t5
    fneg.d fa3, fa1
    li s1, 0
1:  fsrm s1
    fdiv.d fa0, fa1, fa2
    fmv.x.d s0, fa0
    SHOW div.dyn, s0
    fdiv.d fa0, fa3, fa2
    fmv.x.d s0, fa0
    SHOW negdiv.dyn, s0
    fdiv.d fa0, fa1, fa2, rup   /* static rm ignores frm */
    fmv.x.d s0, fa0
    SHOW div.rup, s0
    addi s1, s1, 1
    li t5, 5
    bltu s1, t5, 1b
    fsrmi 0

    /* fcvt with rounding modes: 2.5 -> int */
    li t5, 0x4004000000000000   /* 2.5 */
    fmv.d.x fa0, t5
    fcvt.l.d s0, fa0, rne
    SHOW cvt.rne, s0
    fcvt.l.d s0, fa0, rtz
    SHOW cvt.rtz, s0
    fcvt.l.d s0, fa0, rdn
    SHOW cvt.rdn, s0
    fcvt.l.d s0, fa0, rup
    SHOW cvt.rup, s0
    fcvt.l.d s0, fa0, rmm
    SHOW cvt.rmm, s0
    frflags s0
    SHOW cvt.flags, s0          /* NX */
    fsflags zero

    /* Invalid conversions saturate and set NV. */
    li t5, 0x7ff8000000000000   /* NaN */
    fmv.d.x fa0, t5
    fcvt.w.d s0, fa0, rtz
    SHOW cvt.nan.w, s0
    fcvt.lu.d s0, fa0, rtz
    SHOW cvt.nan.lu, s0
    li t5, 0xc3e0000000000001   /* about -2^63 - 2048: below range */
    fmv.d.x fa0, t5
    fcvt.l.d s0, fa0, rtz
    SHOW cvt.low.l, s0
    fcvt.wu.d s0, fa0, rtz
    SHOW cvt.neg.wu, s0
    li t5, 0x41f0000000000000   /* 2^32 */
    fmv.d.x fa0, t5
    fcvt.w.d s0, fa0, rtz
    SHOW cvt.big.w, s0
    fcvt.wu.d s0, fa0, rtz
    SHOW cvt.big.wu, s0
    frflags s0
    SHOW invalid.flags, s0
    fsflags zero

    /* Flags from arithmetic. */
    fmv.d.x fa0, zero
    fdiv.d fa4, fa1, fa0        /* 1/0: DZ */
    frflags s0
    SHOW flags.div0, s0
    fsflags zero
    fsqrt.d fa4, fa3            /* sqrt(-1): NV, canonical NaN */
    frflags s0
    SHOW flags.sqrtneg, s0
    fmv.x.d s0, fa4
    SHOW sqrt.nan, s0
    fsflags zero
    li t5, 0x7fefffffffffffff
    fmv.d.x fa0, t5
    fmul.d fa4, fa0, fa0        /* overflow: OF NX */
    frflags s0
    SHOW flags.overflow, s0
    fsflags zero
    li t5, 0x0010000000000001
    fmv.d.x fa0, t5
    fmul.d fa4, fa0, fa2
    fdiv.d fa4, fa0, fa2
    fdiv.d fa4, fa4, fa2        /* tiny and inexact: UF NX */
    frflags s0
    SHOW flags.underflow, s0
    fsflags zero

    /* fclass of several values */
    fclass.d s0, fa3
    SHOW class.neg1, s0
    fclass.d s0, fa4
    SHOW class.sub, s0
    fmv.d.x fa0, zero
    fneg.d fa0, fa0
    fclass.d s0, fa0
    SHOW class.negzero, s0
    li t5, 0x7ff0000000000000
    fmv.d.x fa0, t5
    fclass.d s0, fa0
    SHOW class.inf, s0
    li t5, 0x7ff0000000000001
    fmv.d.x fa0, t5
    fclass.d s0, fa0
    SHOW class.snan, s0

    /* Single precision: results are NaN-boxed in the 64-bit register,
     * and an improperly boxed input reads as the canonical NaN. */
    li t5, 0x3fc00000           /* 1.5f */
    fmv.w.x fa0, t5
    fadd.s fa0, fa0, fa0
    fmv.x.d s0, fa0
    SHOW box.s, s0
    li t5, 0x000000003f800000   /* upper bits zero: not boxed */
    fmv.d.x fa0, t5
    fadd.s fa1, fa0, fa0
    fmv.x.w s0, fa1
    SHOW unboxed.s, s0
    frflags s0
    SHOW final.flags, s0
    EXIT 0
