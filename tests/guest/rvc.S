/*
 * rvc.S — the compressed (C extension) instructions written out by name,
 * so each one is decoded from its 16-bit form: c.li, c.lui, c.addi,
 * c.addiw, c.addi16sp, c.addi4spn, c.slli, c.srli, c.srai, c.andi, c.mv,
 * c.add, c.sub, c.xor, c.or, c.and, c.addw, c.subw, c.sw/c.lw, c.sd/c.ld,
 * c.swsp/c.lwsp, c.sdsp/c.ldsp, c.fsd/c.fld, c.fsdsp/c.fldsp, c.j, c.jal
 * is rv32-only, c.jr, c.jalr, c.beqz, c.bnez, c.nop.  Results are printed
 * with the uncompressed helper in rvasm.inc.
 */
#include "rvasm.inc"

    .option rvc
    .text
    .globl _start
_start:
    c.li s0, 31                 /* s0 = 31 */
    c.li s1, -32                /* s1 = -32 */
    c.lui a5, 0x1f              /* a5 = 0x1f000 */
    c.lui a4, 0xfffff           /* a4 = -4096 (sign-extended) */
    c.addi s0, 1                /* 32 */
    c.addi s1, -1               /* -33 */
    c.nop
    c.add a5, s0                /* 0x1f020 */
    c.mv a3, a5
    c.slli a3, 40               /* 0x1f020 << 40 */
    c.srli a3, 20
    c.srai a4, 4                /* -256 */
    c.andi a5, -16              /* 0x1f020 & ~15 */
    c.sub a5, s0
    c.xor a4, a5
    c.or a3, s0                 /* | 0x20 */
    c.and a5, s1                /* 0x1efe0 & -33 */
    SHOW s0, s0
    SHOW s1, s1
    SHOW a3, a3
    SHOW a4, a4
    SHOW a5, a5

    /* 32-bit ops: wrap and sign-extend */
    lui s0, 0x7ffff             /* 0x7ffff000 */
    c.addiw s0, 31              /* 0x7ffff01f */
    c.mv s1, s0
    c.addw s1, s0               /* 0xfffe03e wraps to negative */
    c.li a5, 1
    c.subw a5, s1
    SHOW addw, s1
    SHOW subw, a5

    /* stack-relative: c.addi16sp, c.addi4spn, c.sdsp/c.ldsp, c.swsp/c.lwsp */
    c.mv s1, sp
    c.addi16sp sp, -64
    c.addi4spn a0, sp, 16       /* a0 = sp + 16 */
    li t0, 0x1122334455667788
    c.sdsp t0, 8(sp)
    c.swsp t0, 4(sp)
    c.ldsp a2, 8(sp)
    c.lwsp a3, 4(sp)            /* sign-extended 0x55667788 */
    c.li a4, -3
    c.sd a4, 0(a0)              /* *(sp+16) */
    c.sw a2, 8(a0)              /* *(sp+24) = low word */
    c.ld a5, 0(a0)
    c.lw a1, 8(a0)
    sub s0, a0, sp
    SHOW spn, s0
    SHOW ldsp, a2
    SHOW lwsp, a3
    SHOW ld, a5
    SHOW lw, a1

    /* compressed FP loads and stores move raw bits */
    li t0, 0x400921fb54442d18   /* pi */
    c.sdsp t0, 32(sp)
    c.fldsp fa0, 32(sp)
    c.fsd fa0, 8(a0)            /* *(sp+24) */
    c.fld fa1, 8(a0)
    c.fsdsp fa1, 40(sp)
    c.ldsp a2, 40(sp)
    SHOW fp, a2
    c.addi16sp sp, 64
    sub s0, sp, s1
    SHOW sp, s0

    /* control flow: c.beqz/c.bnez loop, c.j, c.jr, c.jalr */
    c.li a5, 10
    c.li s0, 0
1:  c.add s0, a5
    c.addi a5, -1
    c.bnez a5, 1b
    SHOW loop, s0
    c.li a5, 0
    c.beqz a5, 2f
    c.li s0, 0                  /* skipped */
2:  c.j 3f
    c.li s0, 1                  /* skipped */
3:  la a5, 4f
    c.jr a5
    c.li s0, 2                  /* skipped */
4:  SHOW jr, s0
    la a5, sub_add
    c.li a0, 20
    c.jalr a5                   /* ra = next pc */
    c.mv s0, a0
    SHOW jalr, s0
    EXIT 0

sub_add:
    c.addi a0, 22
    c.jr ra
