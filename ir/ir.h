/*
 * ir.h — liftvm's guest-neutral intermediate representation.
 *
 * A block is a straight-line list of instructions translated from the guest
 * instructions starting at one guest pc.  Values are 64-bit temps numbered
 * from 1 (0 means "no operand"); every temp is written exactly once, so a
 * block is in SSA form without phis.  Guest registers live in the guest
 * state struct and are read and written with GET/PUT at byte offsets; the
 * state always begins with an ir_state_head (pc, FP status, reservation).
 *
 *   insn:  | op | d | a | b | c | imm |      d = op(a, b, c, imm)
 *
 * Control leaves a block only through exit ops (BR, JMP, JMPR, SYSCALL, TRAP,
 * TRAPIF, FENCEI); the last instruction of a finished block is an
 * unconditional exit.  Frontends emit every op that may fault before the
 * PUTs of the same guest instruction, so a trap sees the state as it was
 * before the faulting instruction (precise faults), and an instruction
 * stopped at its access can be run again from its start (compiled code
 * relies on it: a host fault there is redone by the interpreter from the
 * unit's last checkpoint, see llvmjit/jit_lift.h).
 *
 * The op table is ir_ops.def; ir_interp.c defines what each op means.
 */
#ifndef LIFTVM_IR_H
#define LIFTVM_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum ir_op {
#define IR_OP(name, nsrc, dst, flags, doc) IR_##name,
#include "ir_ops.def"
#undef IR_OP
    IR_OP_COUNT
} ir_op;

/* Op properties (one table, see ir_op_info). */
enum {
    IR_F_IMM = 1 << 0,   /* uses imm */
    IR_F_FAULT = 1 << 1, /* may raise a memory trap */
    IR_F_EXIT = 1 << 2,  /* may leave the block */
    IR_F_SIDE = 1 << 3,  /* effect beyond its destination temp */
    IR_F_FPF = 1 << 4,   /* may accrue IEEE flags into the state head */
};

typedef struct ir_op_info {
    const char *name;
    uint8_t nsrc;
    uint8_t has_dst;
    uint8_t flags;
    const char *doc;
} ir_op_info;

extern const ir_op_info ir_op_table[IR_OP_COUNT];

typedef uint16_t ir_val; /* temp number, 0 = none */
#define IR_NONE ((ir_val)0)
#define IR_MAX_TEMPS 65535

typedef struct ir_insn {
    uint8_t op; /* ir_op */
    ir_val d, a, b, c;
    int64_t imm;
} ir_insn;

/* Rounding modes (imm of FP ops); values match RISC-V's frm encoding. */
enum { IR_RM_RNE = 0, IR_RM_RTZ = 1, IR_RM_RDN = 2, IR_RM_RUP = 3, IR_RM_RMM = 4, IR_RM_DYN = 7 };

/* Accrued IEEE exception flags in ir_state_head.fp_flags (RISC-V fflags order). */
enum { IR_FPF_NX = 1, IR_FPF_UF = 2, IR_FPF_OF = 4, IR_FPF_DZ = 8, IR_FPF_NV = 16 };

/* FCLASS result bits (RISC-V fclass order). */
enum {
    IR_FCLASS_NEG_INF = 1 << 0, IR_FCLASS_NEG_NORMAL = 1 << 1, IR_FCLASS_NEG_SUBNORMAL = 1 << 2,
    IR_FCLASS_NEG_ZERO = 1 << 3, IR_FCLASS_POS_ZERO = 1 << 4, IR_FCLASS_POS_SUBNORMAL = 1 << 5,
    IR_FCLASS_POS_NORMAL = 1 << 6, IR_FCLASS_POS_INF = 1 << 7, IR_FCLASS_SNAN = 1 << 8,
    IR_FCLASS_QNAN = 1 << 9,
};

/* AMO kinds (imm of AMO32/AMO64). */
enum {
    IR_AMO_SWAP, IR_AMO_ADD, IR_AMO_XOR, IR_AMO_AND, IR_AMO_OR,
    IR_AMO_MIN, IR_AMO_MAX, IR_AMO_MINU, IR_AMO_MAXU, IR_AMO_COUNT
};

/* CLOCK counters. */
enum { IR_CLOCK_CYCLE, IR_CLOCK_TIME, IR_CLOCK_INSTRET };

/* Trap causes (imm of TRAP/TRAPIF, and ir_exit.trap). */
typedef enum ir_trap {
    IR_TRAP_NONE,
    IR_TRAP_ILLEGAL,     /* illegal or reserved instruction (SIGILL) */
    IR_TRAP_BREAKPOINT,  /* ebreak (SIGTRAP) */
    IR_TRAP_FETCH_FAULT, /* instruction fetch from an unmapped or non-executable page */
    IR_TRAP_LOAD_FAULT,  /* load from an unmapped or unreadable address */
    IR_TRAP_STORE_FAULT, /* store to an unmapped or read-only address */
    IR_TRAP_MISALIGNED,  /* misaligned atomic access (SIGBUS) */
} ir_trap;

const char *ir_trap_name(ir_trap t);

/* Every guest state struct starts with this head. */
typedef struct ir_state_head {
    uint64_t pc;        /* guest pc: the current instruction while a block runs */
    uint64_t fp_flags;  /* accrued IR_FPF_* flags */
    uint64_t fp_rm;     /* dynamic rounding mode (IR_RM_*; 5, 6, 7 are invalid) */
    uint64_t resv_addr; /* LR reservation address, ~0 when none */
    uint64_t resv_val;  /* value loaded by LR */
    uint64_t instret;   /* guest instructions retired (counted per block) */
} ir_state_head;

/* Where a block's instruction array lives (ir_block.storage). */
typedef enum ir_storage {
    IR_INSNS_HEAP,     /* its own allocation, freed with the block */
    IR_INSNS_BORROWED, /* the builder's scratch array (ir_block_start) */
    IR_INSNS_INLINE,   /* right after the block, in the same allocation */
    IR_INSNS_MAPPED,   /* memory that outlives the block (a mapped cache file) */
} ir_storage;

typedef struct ir_block {
    uint64_t pc;          /* guest pc of the first instruction */
    uint64_t end_pc;      /* guest pc just past the last instruction */
    uint32_t n_insns;     /* IR instructions */
    uint32_t cap;
    uint32_t n_guest;     /* guest instructions */
    uint32_t n_temps;     /* temps used, numbered 1..n_temps */
    ir_insn *insns;
    uint64_t exec_count;  /* executions so far (the JIT's hotness counter) */
    uint8_t storage;      /* ir_storage */
} ir_block;

/* ---- builder (ir_builder.c) ---- */
ir_block *ir_block_new(uint64_t pc);
void ir_block_free(ir_block *b);
/* Building without the heap: b (the caller's, e.g. on the stack) collects
 * instructions in scratch, cap of them, then on the heap if it needs more;
 * ir_block_finish copies it into one allocation holding the block and its
 * exact array, and releases what b held.  A short run decodes ~1,000
 * blocks: a growing array each (and its page faults) cost a fifth of a
 * warm busybox echo. */
void ir_block_start(ir_block *b, uint64_t pc, ir_insn *scratch, uint32_t cap);
ir_block *ir_block_finish(ir_block *b);
/* Appends op; returns its destination temp (IR_NONE if the op has none). */
ir_val ir_emit(ir_block *b, ir_op op, ir_val a, ir_val bb, ir_val c, int64_t imm);
ir_val ir_const(ir_block *b, int64_t imm);
ir_val ir_get(ir_block *b, size_t state_offset);
void ir_put(ir_block *b, size_t state_offset, ir_val v);
ir_val ir_bin(ir_block *b, ir_op op, ir_val x, ir_val y);
ir_val ir_un(ir_block *b, ir_op op, ir_val x);
/* Removes the instructions from index n on (used to cut a block short). */
void ir_block_truncate(ir_block *b, uint32_t n);
/* True when the last instruction is an unconditional exit. */
bool ir_block_is_closed(const ir_block *b);

/* ---- verifier (ir_verify.c): NULL if well formed, else a static message ---- */
const char *ir_verify(const ir_block *b, char *buf, size_t buflen);

/* ---- text printer (ir_print.c), the -d ir format and the golden-test format ---- */
void ir_print_insn(FILE *f, const ir_insn *in);
void ir_print_block(FILE *f, const ir_block *b);
/* Prints into a malloc'd string the caller frees. */
char *ir_block_to_string(const ir_block *b);

/* ---- reference interpreter (ir_interp.c) ---- */
typedef enum ir_exit_kind {
    IR_EXIT_NEXT,    /* continue at head.pc */
    IR_EXIT_SYSCALL, /* system call; continue at head.pc afterwards */
    IR_EXIT_TRAP,    /* trap at head.pc, see ir_exit.trap and .addr */
    IR_EXIT_FLUSH,   /* code may have changed (fence.i); continue at head.pc */
    IR_EXIT_INTERP,  /* compiled code only (jit_unit_run): interpret from head.pc */
} ir_exit_kind;

typedef struct ir_exit {
    ir_exit_kind kind;
    ir_trap trap;
    uint64_t addr; /* faulting data address for memory traps */
} ir_exit;

/* Where guest memory is: user mode maps guest address x to host base + x for
 * x + size <= limit; pages the guest may not touch are protected on the host,
 * and the runtime turns the host fault into a guest trap (see runtime/). */
typedef struct ir_mem {
    uint8_t *base;
    uint64_t limit;
    uint64_t guard; /* host bytes before base and after base + limit that are
                       reserved and never accessible (0: none known) */
    /* NULL, or one byte per 4 KiB page, read by compiled code instead of
     * relying on host faults (llvmjit/jit_lift.c): pages[x >> 12] for every
     * x in [-guard, limit + guard) (signed shift), bit IR_PAGE_LOAD set
     * only where a host load of the page cannot fault, IR_PAGE_STORE only
     * where a host store cannot (the interpreter ignores it). */
    const uint8_t *pages;
} ir_mem;

enum { IR_PAGE_LOAD = 0x10, IR_PAGE_STORE = 0x20 };

ir_exit ir_interp_run(const ir_block *b, void *state, const ir_mem *mem);

#endif
