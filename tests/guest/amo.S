/*
 * amo.S — the A extension: an LR/SC increment loop (the usual retry loop),
 * an SC without a reservation (must fail and leave memory alone), an SC to
 * a different address than the LR, and every AMO on 32- and 64-bit words
 * (amoswap, amoadd, amoand, amoor, amoxor, amomin, amomax, amominu,
 * amomaxu, with .aq/.rl orderings), checking the old values returned and
 * the memory left behind.  The 32-bit forms sign-extend what they return.
 */
#include "rvasm.inc"

    .bss
    .balign 8
cell64: .zero 8
cell32: .zero 8
other:  .zero 8

    .text
    .globl _start
_start:
    la s0, cell64
    la s1, cell32
    la s2, other

    /* LR/SC retry loop: add 1, 1000 times. */
    li s3, 1000
1:  lr.d t4, (s0)
    addi t4, t4, 1
    sc.d t5, t4, (s0)
    bnez t5, 1b
    addi s3, s3, -1
    bnez s3, 1b
    ld t4, 0(s0)
    SHOW lrsc.d, t4

    li s3, 300
2:  lr.w.aq t4, (s1)
    addi t4, t4, -7
    sc.w.rl t5, t4, (s1)
    bnez t5, 2b
    addi s3, s3, -1
    bnez s3, 2b
    lw t4, 0(s1)
    SHOW lrsc.w, t4

    /* An SC after a successful SC holds no reservation. */
    lr.d t4, (s2)
    li t6, 5
    sc.d t5, t6, (s2)
    SHOW sc1.rc, t5
    li t6, 9
    sc.d t5, t6, (s2)
    snez t5, t5
    SHOW sc2.fail, t5
    ld t4, 0(s2)
    SHOW sc2.mem, t4

    /* 64-bit AMOs */
    li t6, 0x0f0f0f0f0f0f0f0f
    sd t6, 0(s0)
    li t6, 0x1111
    amoswap.d t4, t6, (s0)
    SHOW swap.d.old, t4
    li t6, -0x2222
    amoadd.d.aq t4, t6, (s0)
    SHOW add.d.old, t4
    li t6, 0xff00
    amoand.d.rl t4, t6, (s0)
    SHOW and.d.old, t4
    li t6, 0x8000000000000001
    amoor.d.aqrl t4, t6, (s0)
    SHOW or.d.old, t4
    li t6, 0xffff
    amoxor.d t4, t6, (s0)
    SHOW xor.d.old, t4
    li t6, 5
    amomin.d t4, t6, (s0)
    SHOW min.d.old, t4
    ld t4, 0(s0)
    SHOW min.d.new, t4
    li t6, -1
    amomax.d t4, t6, (s0)
    SHOW max.d.old, t4
    ld t4, 0(s0)
    SHOW max.d.new, t4
    li t6, -1
    amominu.d t4, t6, (s0)
    SHOW minu.d.old, t4
    ld t4, 0(s0)
    SHOW minu.d.new, t4
    li t6, -1
    amomaxu.d t4, t6, (s0)
    SHOW maxu.d.old, t4
    ld t4, 0(s0)
    SHOW maxu.d.new, t4

    /* 32-bit AMOs: the upper word of the doubleword must stay intact */
    li t6, 0x5555555580000000
    sd t6, 0(s1)
    li t6, 0x7fffffff
    amoadd.w t4, t6, (s1)
    SHOW add.w.old, t4
    ld t4, 0(s1)
    SHOW add.w.mem, t4
    li t6, 0x12345678
    amoswap.w.aq t4, t6, (s1)
    SHOW swap.w.old, t4
    li t6, 0xf0f0f0f0
    amoand.w t4, t6, (s1)
    SHOW and.w.old, t4
    li t6, 0x0000000f
    amoor.w.rl t4, t6, (s1)
    SHOW or.w.old, t4
    li t6, -1
    amoxor.w t4, t6, (s1)
    SHOW xor.w.old, t4
    lw t4, 0(s1)
    SHOW xor.w.new, t4
    li t6, 0x70000000
    amomin.w t4, t6, (s1)
    SHOW min.w.old, t4
    li t6, 0x80000000           /* negative as a word */
    amomax.w t4, t6, (s1)
    SHOW max.w.old, t4
    li t6, 0x80000000
    amomaxu.w t4, t6, (s1)
    SHOW maxu.w.old, t4
    li t6, 3
    amominu.w t4, t6, (s1)
    SHOW minu.w.old, t4
    ld t4, 0(s1)
    SHOW w.mem, t4

    /* amo with rd = x0 still writes memory */
    li t6, 77
    amoadd.d zero, t6, (s2)
    ld t4, 0(s2)
    SHOW add.x0, t4
    EXIT 0
