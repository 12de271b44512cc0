/*
 * jit_lift.h — IR → LLVM IR (private to llvmjit/).
 *
 * One unit is one LLVM function `tailcc i64 u<seq>(ptr noalias state,
 * ptr noalias ctx)` made from one or more IR blocks.  Guest state slots
 * (8 bytes at an offset) live in allocas that SROA turns into SSA values:
 *
 *   entry: load every slot the unit uses from the state
 *   block: instret += guest insns; ops on SSA values; GET/PUT are the allocas
 *     checkpoints: before an AMO, LR or SC, before a guest store that
 *     follows a load, and before a load that follows an SC or AMO (or once
 *     more than a few slots have changed, which keeps register pressure
 *     down): volatile stores of the pc and of the slots changed since the
 *     last checkpoint; guest accesses are volatile, so LLVM moves none
 *     across a checkpoint.  A host fault in a unit leaves the state of its
 *     last checkpoint (or its entry), and the runtime lets the interpreter
 *     run from there and fault precisely (jit_thread_left_code): it repeats
 *     the stores since, which store the same values, as no load since read
 *     memory they changed and no atomic op ran (checkpoints() in
 *     jit_lift.c).  Loads between checkpoints store nothing: a loop that
 *     only loads keeps every guest register in host registers.  With a
 *     page table (in->pages) accesses whose checkpoint would be dear are
 *     checked against it instead (checks_page, check_window): a denied
 *     page leaves the instruction to the interpreter, so they never fault
 *   exits: store changed slots and the next pc, then chain: load the target
 *     cell's code and `tail call tailcc` it (a jmp), or return an exit code
 *
 * Explicit traps (bounds, misaligned atomics, TRAP/TRAPIF, bad rounding
 * mode) branch to cold paths that store the changed slots and return
 * JIT_X_TRAP with the cause in jit_ctx.
 */
#ifndef LIFTVM_JIT_LIFT_H
#define LIFTVM_JIT_LIFT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>

#include "llvmjit/jit_internal.h"

typedef struct jit_lift_in {
    const ir_block *const *blocks; /* blocks[0] is the entry */
    const uint64_t *ind_hint;      /* per block: predicted indirect target, or NULL */
    const uint64_t *ind_targets;   /* per block: JIT_IND_MAX targets (0 = none), or NULL;
                                      used instead of ind_hint when given */
    bool multi_entry;              /* every block is an entry: dispatch on the state pc */
    uint32_t n_blocks;
    int tier;
    bool loops;           /* branches to the given blocks stay inside the unit */
    size_t state_size;
    uint64_t limit;       /* guest memory limit */
    uint64_t guard;       /* inaccessible host bytes on each side of it (ir_mem) */
    bool pages;           /* accesses may check ir_mem.pages (jit_ctx) */
    uint32_t checkpoint_cost; /* jit_options.checkpoint_cost */
    const char *name;     /* function name */
    jit_cell *head_cell;  /* tier 1: entry counter, NULL for none */
    uint64_t hot2;        /* count value at which the entry returns JIT_X_HOT */
    const jit_req *exits; /* direct exit targets → cells (sorted), or NULL */
} jit_lift_in;

/* The symbol units use for the cell of guest pc (see cell_ref in jit_lift.c). */
#define JIT_CELL_SYM_MAX 32
static inline void jit_cell_symbol(char *buf, size_t n, uint64_t pc)
{
    snprintf(buf, n, "jit_cell_%llx", (unsigned long long)pc);
}
/* The other way: true if name is a cell's symbol, with its pc in *pc, or
 * UINT64_MAX (no cell's pc) if what follows the prefix is not a hex number
 * ending the name.  Linkers use it to resolve objects' cell names. */
static inline bool jit_cell_symbol_pc(const char *name, uint64_t *pc)
{
    static const char prefix[] = "jit_cell_";
    if (strncmp(name, prefix, sizeof prefix - 1) != 0)
        return false;
    const char *digits = name + sizeof prefix - 1;
    char *end;
    *pc = strtoull(digits, &end, 16);
    if (end == digits || *end)
        *pc = UINT64_MAX;
    return true;
}

/* Adds the unit's function to M (whose context is used).  False with a
 * message in err if the IR cannot be lifted.  musttail: chain calls
 * become `musttail` (through a print and reparse of M: LLVM 16's C API
 * cannot set it), which keeps them jumps through any pass; without it they
 * are `tail` calls, jumps only while they stay in tail position. */
bool jit_lift(LLVMModuleRef M, const jit_lift_in *in, bool musttail, char *err, size_t errlen);
/* True if every chain call (tailcc) in M is a `tail` call directly followed
 * by the `ret` of its value: LLVM then emits a jump at every code
 * generation level (LangRef, tailcc), so the chain cannot grow the stack. */
bool jit_lift_chains_in_place(LLVMModuleRef M);

/* Adds `i64 jit_enter(ptr state, ptr ctx, ptr code)` (C convention, calls
 * code with tailcc, which C cannot) and `tailcc i64 jit_exit_next(ptr,
 * ptr)` returning JIT_X_NEXT, the model of the assembly jit_exit_stub. */
void jit_lift_stubs(LLVMModuleRef M);

/* ---- shared by jit_lift.c and jit_lift_fp.c ---- */

typedef struct lift {
    const jit_lift_in *in;
    LLVMContextRef C;
    LLVMModuleRef M;
    LLVMBuilderRef B;
    LLVMValueRef fn, state, ctx, base, jcache, pages;
    LLVMTypeRef i1, i8, i16, i32, i64, i128, ptr, unit_ty;
    uint32_t nslots, nwords;
    LLVMValueRef *slot;   /* alloca per used 8-byte state slot, else NULL */
    uint64_t *dirty;      /* slots whose alloca may differ from the state */
    uint64_t *dirty_in;   /* n_blocks × nwords: dirty on entry to each block */
    LLVMBasicBlockRef *bbs;
    LLVMValueRef *t;      /* temps of the current block */
    LLVMValueRef *raw;    /* per temp: its FP value as the host computed it (a NaN
                             not yet canonical: fine for further FP ops), or NULL */
    LLVMValueRef *slot_val; /* per slot: the value last put in the current block, */
    LLVMValueRef *slot_raw; /* and its raw FP form; NULL when unknown */
    uint32_t cur;         /* current block */
    uint32_t cur_guest;   /* its guest instructions */
    uint32_t insn_no;     /* INSN ops lifted so far in it */
    uint32_t op_no;       /* the op being lifted: its index in the block */
    bool *paged;          /* per temp: the pages of the accesses through it from
                             here to the block's end are checked (check_window) */
    int64_t *got;         /* per temp: the index of the GET that read it, or -1 */
    bool use_pages;       /* checks_page may check (in->pages, after pick_checked) */
    bool picking;         /* pick_checked's walk: walk_block fills checked */
    bool *fp_slot;        /* per slot: a block puts an FP op's result in it */
    uint32_t walk_block;  /* the block walk_block or lift_block is in */
    uint32_t *first_insn; /* per block: the index of its first op in checked_all */
    bool *checked_all;    /* per op of every block: checks_page's pick (pick_checked) */
    LLVMValueRef fpf;     /* i64 alloca: flags out-parameter of FP helpers, stmxcsr's target */
    LLVMValueRef fflags_map; /* i8[64]: MXCSR flag bits → fflags bits, once used */
    LLVMValueRef fflags_read; /* the fflags a GET in this block read, while no op since
                                 can have raised flags in the MXCSR; else NULL */
    LLVMValueRef cold_w;  /* !prof branch weights: the true side is unlikely */
    LLVMValueRef likely_w; /* !prof branch weights: the true side is likely */
    unsigned prof_kind;
    char *err;
    size_t errlen;
    bool failed;
} lift;

#define SLOT_OF(field) ((uint32_t)(offsetof(ir_state_head, field) / 8))

LLVMValueRef jl_c64(lift *L, uint64_t v);
LLVMValueRef jl_c32(lift *L, uint32_t v);
LLVMValueRef jl_slot_get(lift *L, uint32_t s);
void jl_slot_put(lift *L, uint32_t s, LLVMValueRef v);
/* Branches to a cold path that traps with cause trap at address addr
 * (NULL: 0) when cond holds; continues in a fresh block. */
void jl_trap_if(lift *L, LLVMValueRef cond, ir_trap trap, LLVMValueRef addr);
LLVMValueRef jl_call(lift *L, LLVMTypeRef fty, LLVMValueRef fn, LLVMValueRef *args, unsigned n);
/* A host helper's declaration in the module (extern, C convention). */
LLVMValueRef jl_helper(lift *L, const char *name, LLVMTypeRef fty);

/* FP ops (jit_lift_fp.c): d = op(...), or false with L->failed set. */
bool jl_lift_fp(lift *L, const ir_insn *in);

/* ---- host helpers callable from units (jit_helpers.c) ---- */
typedef struct jit_helper_sym {
    const char *name;
    void *addr;
} jit_helper_sym;
extern const jit_helper_sym jit_helper_syms[];
extern const size_t jit_helper_count;
uint64_t jit_h_clock(uint64_t kind);
uint64_t jit_exit_stub(void); /* assembly; returns JIT_X_NEXT */

#endif
