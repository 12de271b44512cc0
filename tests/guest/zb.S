/*
 * zb.S — every Zba, Zbb and Zbs instruction on edge-case operands:
 * add.uw, sh1add/sh2add/sh3add(.uw), slli.uw; andn, orn, xnor, clz/ctz/cpop
 * (and their w forms on values with bit 31 set), max/maxu/min/minu,
 * sext.b/sext.h/zext.h, rol/ror/rori (and w forms), orc.b, rev8;
 * bclr/bext/binv/bset (register and immediate forms, shift amounts >= 64
 * are taken mod 64).
 */
//! rvflags: -march=rv64gc_zba_zbb_zbs
#include "rvasm.inc"

    .text
    .globl _start
_start:
    li s0, 0x8000000180000001   /* bit 63, bit 32, bit 31, bit 0 */
    li s1, 0xfedcba9876543210
    li s2, -5
    li s3, 0x00000000fffffff0
    li s4, 67                   /* shift amount >= 64 */

    add.uw t4, s1, s0
    SHOW add.uw, t4
    sh1add t4, s1, s0
    SHOW sh1add, t4
    sh2add t4, s2, s0
    SHOW sh2add, t4
    sh3add t4, s1, s2
    SHOW sh3add, t4
    sh1add.uw t4, s1, s0
    SHOW sh1add.uw, t4
    sh2add.uw t4, s2, s0
    SHOW sh2add.uw, t4
    sh3add.uw t4, s3, zero
    SHOW sh3add.uw, t4
    slli.uw t4, s1, 4
    SHOW slli.uw, t4

    andn t4, s1, s0
    SHOW andn, t4
    orn t4, s3, s1
    SHOW orn, t4
    xnor t4, s1, s2
    SHOW xnor, t4
    clz t4, s3
    SHOW clz, t4
    clz t4, zero
    SHOW clz0, t4
    ctz t4, s3
    SHOW ctz, t4
    ctz t4, zero
    SHOW ctz0, t4
    cpop t4, s1
    SHOW cpop, t4
    clzw t4, s0
    SHOW clzw, t4
    clzw t4, s4
    SHOW clzw2, t4
    ctzw t4, s3
    SHOW ctzw, t4
    li t5, 0xffffffff00000000
    ctzw t4, t5
    SHOW ctzw0, t4
    cpopw t4, s1
    SHOW cpopw, t4

    max t4, s1, s2
    SHOW max, t4
    maxu t4, s1, s2
    SHOW maxu, t4
    min t4, s1, s2
    SHOW min, t4
    minu t4, s1, s2
    SHOW minu, t4
    sext.b t4, s1
    SHOW sext.b, t4
    li t5, 0x1234ffff
    sext.h t4, t5
    SHOW sext.h, t4
    zext.h t4, s2
    SHOW zext.h, t4

    rol t4, s1, s4
    SHOW rol, t4
    ror t4, s1, s4
    SHOW ror, t4
    rori t4, s1, 60
    SHOW rori, t4
    rolw t4, s0, s4
    SHOW rolw, t4
    rorw t4, s0, s4
    SHOW rorw, t4
    roriw t4, s1, 1
    SHOW roriw, t4
    li t5, 0x0100ff0000800001
    orc.b t4, t5
    SHOW orc.b, t4
    rev8 t4, s1
    SHOW rev8, t4

    bclr t4, s0, s4
    SHOW bclr, t4
    bclri t4, s0, 63
    SHOW bclri, t4
    bext t4, s0, s4
    SHOW bext, t4
    bexti t4, s0, 31
    SHOW bexti, t4
    bexti t4, s0, 30
    SHOW bexti0, t4
    binv t4, s0, s4
    SHOW binv, t4
    binvi t4, s0, 32
    SHOW binvi, t4
    bset t4, zero, s4
    SHOW bset, t4
    bseti t4, s2, 2
    SHOW bseti, t4
    EXIT 0
