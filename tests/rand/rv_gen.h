/*
 * rv_gen.h — random RV64GC instruction streams for differential testing.
 *
 * A stream is a list of groups; a group is one or a few instructions that
 * belong together (an address computation and the AMO that uses it, an
 * LR/SC pair, a loop head, a branch).  Branches name a target group, not a
 * byte offset, so rv_gen_layout can drop any set of groups (to shrink a
 * failing stream) and still produce valid code.  Every stream terminates:
 * branches only go forward, except the backward branch that closes a loop,
 * which counts down the reserved register s1 from a small constant.  The
 * last group is the terminator "addi a7,zero,93; ecall".
 *
 * Reserved registers, never written by generated code except as noted:
 *   s0 (x8)  base of the sandbox (RVG_SANDBOX_SIZE bytes of data)
 *   sp (x2)  s0 + RVG_SP_OFF; a c.addi16sp group moves it and restores it
 *   s1 (x9)  loop counter, written only by loop heads and tails
 *
 * Guest layout (the harness and the qemu oracle place streams identically,
 * so pc-relative values and addresses agree): stream slot k starts at
 * rvg_code_addr(k); its data page at rvg_data_addr(k) holds a 1 KiB dump
 * area (used by the qemu epilogue) followed by the sandbox.
 */
#ifndef LIFTVM_RV_GEN_H
#define LIFTVM_RV_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/riscv64/rv_state.h"

#define RVG_CODE_BASE 0x1000000ull  /* slot 0's code region */
#define RVG_CODE_STRIDE 0x10000ull  /* code region per slot */
#define RVG_CODE_PRO 0x800ull       /* room before the stream (qemu prologue) */
#define RVG_DATA_BASE 0x2000000ull  /* slot 0's data page */
#define RVG_DATA_STRIDE 0x1000ull
#define RVG_DUMP_SIZE 0x400ull      /* dump area at the start of the data page */
#define RVG_SANDBOX_SIZE 0x800ull   /* sandbox right after the dump area */
#define RVG_SP_OFF 0x400ull         /* sp = s0 + RVG_SP_OFF */
#define RVG_MAX_SLOTS 64u
#define RVG_MAX_CODE (RVG_CODE_STRIDE - RVG_CODE_PRO - 0x1000ull) /* stream bytes */

static inline uint64_t rvg_code_addr(unsigned slot)
{
    return RVG_CODE_BASE + slot * RVG_CODE_STRIDE + RVG_CODE_PRO;
}
static inline uint64_t rvg_data_addr(unsigned slot) { return RVG_DATA_BASE + slot * RVG_DATA_STRIDE; }
static inline uint64_t rvg_sandbox_addr(unsigned slot)
{
    return rvg_data_addr(slot) + RVG_DUMP_SIZE;
}
/* Guest space needed for every slot. */
#define RVG_SPACE_LIMIT (RVG_DATA_BASE + RVG_MAX_SLOTS * RVG_DATA_STRIDE)

/* Instruction classes (bit numbers of rv_gen_opts.classes). */
typedef enum rvg_class {
    RVG_ALU,    /* integer reg/imm ops, W forms, shifts, lui/auipc, edge constants */
    RVG_MUL,    /* M: mul*, div*, rem* with edge-case operands */
    RVG_ATOMIC, /* A: LR/SC pairs and AMOs on aligned sandbox addresses */
    RVG_FP_S,   /* F: single-precision ops */
    RVG_FP_D,   /* D: double-precision ops and S<->D conversions */
    RVG_FCSR,   /* csrr*(i) on fflags, frm, fcsr (frm kept valid) */
    RVG_ZB,     /* Zba, Zbb, Zbs */
    RVG_MEM,    /* loads and stores of every width, integer and FP */
    RVG_BRANCH, /* forward branches and jumps (direct and indirect) */
    RVG_LOOP,   /* counted backward loops */
    RVG_RVC,    /* compressed encodings (where a class has one) */
    RVG_MISC,   /* fence, fence.i, nops */
    RVG_TRAP,   /* some streams end in an illegal-instruction trap (invalid frm) */
    RVG_NCLASSES
} rvg_class;

#define RVG_ALL_CLASSES ((1u << RVG_NCLASSES) - 1)

/* Names for the class bits ("alu", "mul", ...), for command-line options. */
extern const char *const rvg_class_names[RVG_NCLASSES];

typedef struct rv_gen_opts {
    unsigned classes;    /* RVG_* bits */
    unsigned min_groups; /* stream length in groups, chosen uniformly in [min, max] */
    unsigned max_groups;
    /* Avoid what the architecture leaves open (an SC of another width than
     * its LR at the same address), for comparisons with real riscv64. */
    bool portable;
} rv_gen_opts;

/* How an instruction's target is filled in at layout time (the kinds
 * relative to the preceding auipc come last). */
typedef enum rvg_fix {
    RVG_FIX_NONE,
    RVG_FIX_B,     /* B-type branch offset */
    RVG_FIX_CB,    /* c.beqz / c.bnez offset */
    RVG_FIX_J,     /* jal offset */
    RVG_FIX_CJ,    /* c.j offset */
    RVG_FIX_JALR,  /* jalr imm = target - pc of the previous instruction (auipc) */
    RVG_FIX_JALR1, /* the same plus 1: jalr clears bit 0 of the sum */
    RVG_FIX_ADDI,  /* addi imm = target - pc of the previous instruction (auipc) */
} rvg_fix;

typedef struct rvg_insn {
    uint32_t enc;   /* encoding with a zero offset field where fix != NONE */
    uint8_t len;    /* 2 or 4 */
    uint8_t fix;    /* rvg_fix */
    uint32_t target; /* group index the fixup points at (the first live one at or after it) */
} rvg_insn;

typedef struct rvg_group {
    uint32_t first, n; /* instructions [first, first + n) */
    int32_t tie;       /* group that must go when this one goes (loop head -> tail), or -1 */
    int32_t loop;      /* loop this group belongs to (body or tail), or -1 */
    uint8_t cls;       /* rvg_class that produced it */
} rvg_group;

typedef struct rv_gen_prog {
    uint64_t seed;
    rvg_insn *insns;
    size_t n_insns, cap_insns;
    rvg_group *groups;
    size_t n_groups, cap_groups;
} rv_gen_prog;

/* Generates the stream for seed; NULL when out of memory. */
rv_gen_prog *rv_gen_new(uint64_t seed, const rv_gen_opts *opts);
void rv_gen_free(rv_gen_prog *p);

/* Lays out the groups with live[g] set (NULL: all; the terminator is always
 * kept) at guest address pc into out (cap bytes).  Returns the byte length,
 * or -1 if a branch offset does not fit its encoding or out is too small.
 * *term_off gets the offset of the final ecall. */
long rv_gen_layout(const rv_gen_prog *p, const bool *live, uint64_t pc, uint8_t *out, size_t cap,
                   size_t *term_off);

/* Fills a guest state (x, f, fflags, frm; pc = rvg_code_addr(slot)) and the
 * sandbox bytes with values derived from seed, biased toward edge cases. */
void rv_gen_init_state(uint64_t seed, unsigned slot, fe_rv64_state *st, uint8_t *sandbox);

/* A 64-bit mix of two values (splitmix64), for per-stream seeds. */
uint64_t rv_gen_mix(uint64_t a, uint64_t b);

#endif
