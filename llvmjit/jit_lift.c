/*
 * jit_lift.c — IR → LLVM IR: state slots, integer and memory ops, control.
 *
 *   scan: which state slots the unit uses ─► dirty fixpoint over the
 *   region's internal edges ─► entry block (allocas, tier-1 counter, slot
 *   loads) ─► one LLVM block per IR block, its ops in order ─► exits
 *
 * See jit_lift.h for the shape of a unit and the precise-fault scheme;
 * ir/ir_interp.c defines what every op means, and this file follows it
 * case by case (including its corner cases: division by zero, shift counts,
 * AMO kinds, the rounding-mode check).
 */
#include "llvmjit/jit_lift.h"

#include "ir/ir_fp.h"

#include <llvm-c/IRReader.h>
#include <llvm-c/Linker.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void fail(lift *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(lift *L, const char *fmt, ...)
{
    if (L->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->err, L->errlen, fmt, ap);
    va_end(ap);
    L->failed = true;
}

static inline bool bit_get(const uint64_t *s, uint32_t i) { return (s[i / 64] >> (i % 64)) & 1; }
static inline void bit_set(uint64_t *s, uint32_t i) { s[i / 64] |= UINT64_C(1) << (i % 64); }

LLVMValueRef jl_c64(lift *L, uint64_t v) { return LLVMConstInt(L->i64, v, 0); }
LLVMValueRef jl_c32(lift *L, uint32_t v) { return LLVMConstInt(L->i32, v, 0); }

/* ---- thin emit helpers (PostgreSQL's l_* style) ---- */

static LLVMValueRef gep8(lift *L, LLVMValueRef base, LLVMValueRef off)
{
    return LLVMBuildGEP2(L->B, L->i8, base, &off, 1, "");
}

/* The address of a cell, as a reference to the symbol jit_cell_<pc>, which
 * jit_session.c defines as an absolute symbol before linking: objects name
 * no address of this process, so another process can link them from the
 * disk cache (jit_cache.c). */
static LLVMValueRef cell_ref(lift *L, const jit_cell *c)
{
    char name[JIT_CELL_SYM_MAX];
    jit_cell_symbol(name, sizeof name, c->pc);
    LLVMValueRef g = LLVMGetNamedGlobal(L->M, name);
    if (!g) {
        g = LLVMAddGlobal(L->M, LLVMArrayType(L->i8, sizeof(jit_cell)), name);
        LLVMSetLinkage(g, LLVMExternalLinkage);
        LLVMSetAlignment(g, 8);
    }
    return g;
}

static LLVMValueRef load_at(lift *L, LLVMTypeRef ty, LLVMValueRef base, uint64_t off, unsigned align)
{
    LLVMValueRef p = off ? gep8(L, base, jl_c64(L, off)) : base;
    LLVMValueRef v = LLVMBuildLoad2(L->B, ty, p, "");
    LLVMSetAlignment(v, align);
    return v;
}

static void store_at(lift *L, LLVMValueRef v, LLVMValueRef base, uint64_t off, unsigned align)
{
    LLVMValueRef p = off ? gep8(L, base, jl_c64(L, off)) : base;
    LLVMSetAlignment(LLVMBuildStore(L->B, v, p), align);
}

static LLVMValueRef zext64(lift *L, LLVMValueRef v) { return LLVMBuildZExt(L->B, v, L->i64, ""); }
static LLVMValueRef sext64(lift *L, LLVMValueRef v) { return LLVMBuildSExt(L->B, v, L->i64, ""); }
static LLVMValueRef trunc_to(lift *L, LLVMValueRef v, LLVMTypeRef ty)
{
    return LLVMBuildTrunc(L->B, v, ty, "");
}
static LLVMValueRef icmp(lift *L, LLVMIntPredicate p, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildICmp(L->B, p, a, b, "");
}
static LLVMValueRef sel(lift *L, LLVMValueRef c, LLVMValueRef a, LLVMValueRef b)
{
    return LLVMBuildSelect(L->B, c, a, b, "");
}
static LLVMValueRef nonzero(lift *L, LLVMValueRef v) { return icmp(L, LLVMIntNE, v, jl_c64(L, 0)); }

LLVMValueRef jl_call(lift *L, LLVMTypeRef fty, LLVMValueRef fn, LLVMValueRef *args, unsigned n)
{
    return LLVMBuildCall2(L->B, fty, fn, args, n, "");
}

static LLVMValueRef intrinsic(lift *L, const char *name, LLVMTypeRef ty, LLVMValueRef *args,
                              unsigned n)
{
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(L->M, id, &ty, 1);
    LLVMTypeRef fty = LLVMIntrinsicGetType(L->C, id, &ty, 1);
    return jl_call(L, fty, fn, args, n);
}

LLVMValueRef jl_helper(lift *L, const char *name, LLVMTypeRef fty)
{
    LLVMValueRef f = LLVMGetNamedFunction(L->M, name);
    if (!f) {
        f = LLVMAddFunction(L->M, name, fty);
        LLVMSetLinkage(f, LLVMExternalLinkage);
    }
    return f;
}

static LLVMBasicBlockRef new_bb(lift *L, const char *name)
{
    return LLVMAppendBasicBlockInContext(L->C, L->fn, name);
}

/* br cond, unlikely, likely with branch weights that keep `unlikely` cold. */
static void cond_br_cold(lift *L, LLVMValueRef cond, LLVMBasicBlockRef unlikely,
                         LLVMBasicBlockRef likely)
{
    LLVMValueRef br = LLVMBuildCondBr(L->B, cond, unlikely, likely);
    LLVMSetMetadata(br, L->prof_kind, L->cold_w);
}

/* ---- state slots ---- */

static LLVMValueRef state_slot_ptr(lift *L, uint32_t s)
{
    return s ? gep8(L, L->state, jl_c64(L, (uint64_t)s * 8)) : L->state;
}

LLVMValueRef jl_slot_get(lift *L, uint32_t s)
{
    return LLVMBuildLoad2(L->B, L->i64, L->slot[s], "");
}

void jl_slot_put(lift *L, uint32_t s, LLVMValueRef v)
{
    LLVMBuildStore(L->B, v, L->slot[s]);
    bit_set(L->dirty, s);
    L->slot_val[s] = v;
    L->slot_raw[s] = NULL;
}

/* The value of slot s for the interpreter to go on from the current
 * instruction: the block added all its instructions to instret at its
 * start, as the interpreter does, and the interpreter running from here
 * adds those from the current one on again, so they are left out. */
static LLVMValueRef slot_before_insn(lift *L, uint32_t s)
{
    LLVMValueRef v = jl_slot_get(L, s);
    if (s != SLOT_OF(instret))
        return v;
    uint32_t rest = L->cur_guest - (L->insn_no ? L->insn_no - 1 : 0);
    return LLVMBuildSub(L->B, v, jl_c64(L, rest), "");
}

/* Stores the changed slots as the interpreter would have them before the
 * current instruction. */
static void store_before_insn(lift *L, bool is_volatile)
{
    for (uint32_t s = 0; s < L->nslots; s++) {
        if (!bit_get(L->dirty, s))
            continue;
        LLVMValueRef st = LLVMBuildStore(L->B, slot_before_insn(L, s), state_slot_ptr(L, s));
        LLVMSetVolatile(st, is_volatile);
        LLVMSetAlignment(st, 8);
    }
}

/* A checkpoint: volatile stores of the changed slots, the state the
 * interpreter redoes a host fault from (see checkpoints()).  Volatile
 * because nothing reads them before the next checkpoint or exit, and LLVM
 * must neither drop them nor reorder them with the volatile accesses. */
static void sync_state(lift *L)
{
    uint32_t is = SLOT_OF(instret);
    store_before_insn(L, true);
    memset(L->dirty, 0, L->nwords * sizeof *L->dirty);
    bit_set(L->dirty, is); /* the exits store all of the block's instructions */
}

/* Stores the changed slots before leaving the unit; pc (if not NULL)
 * replaces the pc slot.  L->dirty is left as it was: the caller is on a
 * path that ends here. */
static void writeback(lift *L, LLVMValueRef pc)
{
    uint32_t pcs = SLOT_OF(pc);
    for (uint32_t s = 0; s < L->nslots; s++) {
        if (!bit_get(L->dirty, s) || (pc && s == pcs))
            continue;
        LLVMSetAlignment(LLVMBuildStore(L->B, jl_slot_get(L, s), state_slot_ptr(L, s)), 8);
    }
    if (pc)
        LLVMSetAlignment(LLVMBuildStore(L->B, pc, L->state), 8);
}

/* Maps a GET/PUT offset to its slot, or fails. */
static bool slot_of(lift *L, int64_t off, uint32_t *s)
{
    if (off < 0 || off % 8 != 0 || (uint64_t)off / 8 >= L->nslots) {
        fail(L, "state offset %lld is not an 8-byte slot inside the %u-slot state", (long long)off,
             L->nslots);
        return false;
    }
    *s = (uint32_t)(off / 8);
    return true;
}

/* ---- exits ---- */

static void ret_code(lift *L, uint64_t code) { LLVMBuildRet(L->B, jl_c64(L, code)); }

/* Tail-calls the code in the cell at cellp: a jmp, since units are tailcc. */
static void chain_to_cell(lift *L, LLVMValueRef cellp)
{
    LLVMValueRef code = LLVMBuildLoad2(L->B, L->ptr, cellp, "");
    LLVMSetAlignment(code, 8);
    LLVMSetOrdering(code, LLVMAtomicOrderingAcquire);
    LLVMValueRef args[2] = {L->state, L->ctx};
    LLVMValueRef call = jl_call(L, L->unit_ty, code, args, 2);
    LLVMSetInstructionCallConv(call, JIT_UNIT_CC);
    LLVMSetTailCall(call, 1);
    LLVMBuildRet(L->B, call);
}

static jit_cell *cell_for(lift *L, uint64_t pc)
{
    const jit_req *r = L->in->exits;
    if (!r)
        return NULL;
    uint32_t lo = 0, hi = r->n_exits;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (r->exit_pc[mid] == pc)
            return r->exit_cell[mid];
        if (r->exit_pc[mid] < pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Index of the region block a branch to pc stays inside for, or -1. */
static int internal_block(const jit_lift_in *in, uint64_t pc)
{
    if (!in->loops)
        return -1;
    for (uint32_t k = 0; k < in->n_blocks; k++)
        if (in->blocks[k]->pc == pc)
            return (int)k;
    return -1;
}

static bool dirty_subset(const lift *L, uint32_t k)
{
    const uint64_t *in = &L->dirty_in[(size_t)k * L->nwords];
    for (uint32_t w = 0; w < L->nwords; w++)
        if (L->dirty[w] & ~in[w])
            return false;
    return true;
}

/* Units that can be chained poll the guest thread's interrupt word at entry
 * and on back edges: when it is set they store the state (pc = the value
 * pc, NULL: unchanged) and return to the dispatcher, which delivers the
 * pending signal.  Without this a hot loop in compiled code would never let
 * a signal in. */
static void poll_interrupt(lift *L, LLVMValueRef pc)
{
    if (!L->in->exits)
        return; /* tests' standalone units */
    LLVMValueRef irq = load_at(L, L->ptr, L->ctx, offsetof(jit_ctx, irq), 8);
    LLVMValueRef v = LLVMBuildLoad2(L->B, L->i32, irq, "");
    LLVMSetAlignment(v, 4);
    LLVMSetOrdering(v, LLVMAtomicOrderingMonotonic);
    LLVMBasicBlockRef out = new_bb(L, "irq"), go = new_bb(L, "");
    cond_br_cold(L, icmp(L, LLVMIntNE, v, jl_c32(L, 0)), out, go);
    LLVMPositionBuilderAtEnd(L->B, out);
    writeback(L, pc);
    ret_code(L, JIT_X_NEXT);
    LLVMPositionBuilderAtEnd(L->B, go);
}

static void branch_internal(lift *L, int k)
{
    if ((uint32_t)k <= L->cur) /* a possible loop back edge */
        poll_interrupt(L, jl_c64(L, L->in->blocks[k]->pc));
    /* The fixpoint in compute_dirty_in covered this edge; if not, the
     * target would miss stores at its first sync: refuse to compile. */
    if (!dirty_subset(L, (uint32_t)k))
        fail(L, "internal error: dirty set of the edge to block %d not covered", k);
    LLVMBuildBr(L->B, L->bbs[k]);
}

/* Leaves for guest pc at the current position (the block ends here). */
static void goto_pc(lift *L, uint64_t pc)
{
    int k = internal_block(L->in, pc);
    if (k >= 0) {
        branch_internal(L, k);
        return;
    }
    writeback(L, jl_c64(L, pc));
    jit_cell *c = cell_for(L, pc);
    if (c)
        chain_to_cell(L, cell_ref(L, c));
    else
        ret_code(L, JIT_X_NEXT);
}

/* The region blocks the indirect jump ending block bi is predicted to
 * reach (from the profile), at most JIT_IND_MAX, without duplicates. */
static uint32_t predicted_blocks(const jit_lift_in *in, uint32_t bi, int *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < JIT_IND_MAX; i++) {
        uint64_t t = in->ind_targets ? in->ind_targets[(size_t)bi * JIT_IND_MAX + i]
                     : i == 0 && in->ind_hint ? in->ind_hint[bi]
                                              : 0;
        int k = t ? internal_block(in, t) : -1;
        bool dup = false;
        for (uint32_t j = 0; j < n; j++)
            dup |= out[j] == k;
        if (k >= 0 && !dup)
            out[n++] = k;
    }
    return n;
}

/* Leaves for the guest pc in target: predicted targets inside the region
 * are a switch (a bytecode interpreter's dispatch becomes a jump table);
 * otherwise the jump cache (filled by jit_run) gives the target's cell, a
 * miss returns to the dispatcher. */
static void goto_value(lift *L, LLVMValueRef target)
{
    int ks[JIT_IND_MAX];
    uint32_t nk = predicted_blocks(L->in, L->cur, ks);
    if (nk) {
        poll_interrupt(L, target);
        LLVMBasicBlockRef miss = new_bb(L, "ind.miss");
        LLVMValueRef sw = LLVMBuildSwitch(L->B, target, miss, nk);
        for (uint32_t i = 0; i < nk; i++) {
            if (!dirty_subset(L, (uint32_t)ks[i]))
                fail(L, "internal error: dirty set of the edge to block %d not covered", ks[i]);
            LLVMAddCase(sw, jl_c64(L, L->in->blocks[ks[i]]->pc), L->bbs[ks[i]]);
        }
        LLVMPositionBuilderAtEnd(L->B, miss);
    }
    writeback(L, target);
    if (!L->in->exits) {
        ret_code(L, JIT_X_NEXT);
        return;
    }
    LLVMValueRef idx = LLVMBuildAnd(L->B, LLVMBuildLShr(L->B, target, jl_c64(L, 1), ""),
                                    jl_c64(L, JIT_JC_SIZE - 1), "");
    LLVMValueRef e = gep8(L, L->jcache, LLVMBuildShl(L->B, idx, jl_c64(L, 4), ""));
    LLVMValueRef epc = load_at(L, L->i64, e, offsetof(jit_jc_entry, pc), 8);
    LLVMBasicBlockRef hit = new_bb(L, "jc.hit"), miss = new_bb(L, "jc.miss");
    LLVMBuildCondBr(L->B, icmp(L, LLVMIntEQ, epc, target), hit, miss);
    LLVMPositionBuilderAtEnd(L->B, hit);
    chain_to_cell(L, load_at(L, L->ptr, e, offsetof(jit_jc_entry, cell), 8));
    LLVMPositionBuilderAtEnd(L->B, miss);
    ret_code(L, JIT_X_NEXT);
}

static void trap_exit(lift *L, ir_trap trap, LLVMValueRef addr)
{
    writeback(L, NULL);
    store_at(L, jl_c64(L, (uint64_t)trap), L->ctx, offsetof(jit_ctx, trap), 8);
    store_at(L, addr ? addr : jl_c64(L, 0), L->ctx, offsetof(jit_ctx, addr), 8);
    ret_code(L, JIT_X_TRAP);
}

/* Leaves the current instruction to the interpreter (JIT_X_INTERP): the
 * exact state before it, pc included (its INSN put it). */
static void interp_exit(lift *L)
{
    store_before_insn(L, false);
    ret_code(L, JIT_X_INTERP);
}

void jl_trap_if(lift *L, LLVMValueRef cond, ir_trap trap, LLVMValueRef addr)
{
    LLVMBasicBlockRef cold = new_bb(L, "trap"), cont = new_bb(L, "");
    cond_br_cold(L, cond, cold, cont);
    LLVMPositionBuilderAtEnd(L->B, cold);
    trap_exit(L, trap, addr);
    LLVMPositionBuilderAtEnd(L->B, cont);
}

/* ---- guest memory ---- */

#define LOAD_CHECKPOINT_DIRTY 8

/* Two bits after the slots in a dirty set say what ran since the last
 * checkpoint (a checkpoint clears them with the slots): */
static uint32_t seg_loaded(const lift *L) { return L->nslots; }     /* a guest load or LR */
static uint32_t seg_atomic(const lift *L) { return L->nslots + 1; } /* an SC or AMO */
static uint32_t seg_checked(const lift *L) { return L->nslots + 2; } /* a checked access */

static bool is_store(ir_op op) { return op >= IR_ST8 && op <= IR_ST64; }
static bool is_load(ir_op op) { return op >= IR_LD8U && op <= IR_LD64; }

/* Is an access at reg + imm one that guest_ptr checks through reg alone
 * (reg <= limit, and the guards catch the offset)? */
static bool near_base(const lift *L, int64_t imm)
{
    uint64_t limit = L->in->limit, guard = L->in->guard;
    return limit >= 8 && guard >= 8 && imm > -(int64_t)guard && imm <= (int64_t)(guard - 8);
}

/* Does plain access x need a checkpoint (or a check) to be redone right:
 * a store after a load, or any access after an SC or AMO? */
static bool needs_checkpoint(const lift *L, const ir_insn *x, const uint64_t *dirty)
{
    ir_op op = (ir_op)x->op;
    if (!(is_load(op) || is_store(op)))
        return false;
    return bit_get(dirty, seg_atomic(L)) || (is_store(op) && bit_get(dirty, seg_loaded(L)));
}

/* The cost of a checkpoint of the dirty slots: a store each, four for
 * slots that hold FP results (made canonical and moved to an integer
 * register before the store, and kept live as both). */
static uint32_t checkpoint_cost(const lift *L, const uint64_t *dirty)
{
    uint32_t n = 0;
    for (uint32_t s = 0; s < L->nslots; s++)
        n += bit_get(dirty, s) ? (L->fp_slot[s] ? 4 : 1) : 0;
    return n;
}

/* Marks in L->fp_slot the slots that some block PUTs an FP op's result in. */
static void find_fp_slots(lift *L)
{
    for (uint32_t bi = 0; bi < L->in->n_blocks; bi++) {
        const ir_block *b = L->in->blocks[bi];
        for (uint32_t i = 0; i < b->n_insns; i++) {
            const ir_insn *x = &b->insns[i];
            if (x->op != IR_PUT || x->imm < 0 || x->imm % 8 || (uint64_t)x->imm / 8 >= L->nslots)
                continue;
            for (uint32_t k = 0; k < i; k++)
                if (b->insns[k].d == x->a && b->insns[k].op >= IR_FADD32)
                    L->fp_slot[x->imm / 8] = true;
        }
    }
}

/* pick_checked's mark for op x of block walk_block. */
static bool *checked_pick(const lift *L, const ir_insn *x)
{
    const ir_block *b = L->in->blocks[L->walk_block];
    return &L->checked_all[L->first_insn[L->walk_block] + (size_t)(x - b->insns)];
}

/* Is x a load or store checked against the page table (guest_ptr) instead
 * of checkpointed?  A checked access cannot fault on the host: where the
 * table does not allow it, the unit leaves it to the interpreter with the
 * exact state.  Every access after a checked one is checked too until the
 * next checkpoint (redone from that checkpoint, an unchecked access that
 * faulted would repeat the loads before a checked store).  Which accesses
 * that need a checkpoint (see checkpoints()) are checked instead is
 * decided once per unit by pick_checked(), from the checkpoints the unit
 * would make without a page table: those whose checkpoint_cost() is above
 * in->checkpoint_cost (JIT_CHECKPOINT_COST by default, see jit_internal.h). */
static bool checks_page(const lift *L, const ir_insn *x, const uint64_t *dirty)
{
    ir_op op = (ir_op)x->op;
    if (!L->use_pages || !(is_load(op) || is_store(op)) || !near_base(L, x->imm))
        return false;
    if (bit_get(dirty, seg_checked(L)))
        return true;
    return *checked_pick(L, x);
}

/* Does op write the state back before it runs (a checkpoint)?  A host
 * fault in compiled code is recovered by running the interpreter from the
 * last checkpoint (jit_lift.h), which repeats every access since.  That is
 * right as long as the repeats read what the first run read:
 *   - a store needs a checkpoint only after a load (the load, repeated,
 *     would see the store) or an SC/AMO; back-to-back stores share one;
 *   - a load needs one only after an SC or AMO, which must not run twice;
 *   - LR, SC and AMO always checkpoint;
 *   - an access checked against the page table needs none. */
static bool checkpoints(const lift *L, const ir_insn *x, const uint64_t *dirty)
{
    ir_op op = (ir_op)x->op;
    if (op >= IR_OP_COUNT || !(ir_op_table[op].flags & IR_F_FAULT))
        return false;
    if (checks_page(L, x, dirty))
        return false;
    if (bit_get(dirty, seg_checked(L)))
        return true; /* an access that cannot be checked, after checked ones */
    bool atomic = bit_get(dirty, seg_atomic(L));
    if (is_store(op))
        return atomic || bit_get(dirty, seg_loaded(L));
    if (!is_load(op))
        return true;
    if (atomic)
        return true;
    /* A load may checkpoint too: every changed slot stays live until the
     * next checkpoint or exit, and past a few they spill (measured on
     * perf/bench_sort.c's partition loop). */
    uint32_t n = 0;
    for (uint32_t s = 0; s < L->nslots; s++)
        n += bit_get(dirty, s);
    return n > LOAD_CHECKPOINT_DIRTY;
}

/* Records op's access in dirty for the next checkpoints() (after op and
 * its checkpoint, if any: which leaves checks_page's answer as it was). */
static void note_access(const lift *L, const ir_insn *x, uint64_t *dirty)
{
    ir_op op = (ir_op)x->op;
    if (checks_page(L, x, dirty))
        bit_set(dirty, seg_checked(L));
    switch (op) {
    case IR_LR32:
    case IR_LR64: bit_set(dirty, seg_loaded(L)); break;
    case IR_SC32:
    case IR_SC64:
    case IR_AMO32:
    case IR_AMO64: bit_set(dirty, seg_atomic(L)); break;
    default:
        if (is_load(op))
            bit_set(dirty, seg_loaded(L));
        break;
    }
}

static unsigned access_size(ir_op op)
{
    switch (op) {
    case IR_LD8U: case IR_LD8S: case IR_ST8: return 1;
    case IR_LD16U: case IR_LD16S: case IR_ST16: return 2;
    case IR_LD32U: case IR_LD32S: case IR_ST32: return 4;
    default: return 8;
    }
}

/* The page-table byte of the page holding reg + off, an address inside
 * [-guard, limit + guard) (guest_ptr's check of reg). */
static LLVMValueRef page_bits(lift *L, LLVMValueRef reg, int64_t off)
{
    LLVMValueRef ea = off ? LLVMBuildAdd(L->B, reg, jl_c64(L, (uint64_t)off), "") : reg;
    LLVMValueRef page = LLVMBuildAShr(L->B, ea, jl_c64(L, 12), "");
    LLVMValueRef e = LLVMBuildLoad2(L->B, L->i8, gep8(L, L->pages, page), "");
    LLVMSetAlignment(e, 1);
    return e;
}

/* Does temp t of block b hold the value temp a holds because both were
 * read by GETs of one register with no PUT of it between them? */
static bool same_register_value(const lift *L, const ir_block *b, uint32_t a, uint32_t t)
{
    int64_t ga = L->got[a], gt = L->got[t];
    if (t == a)
        return true;
    if (ga < 0 || gt < 0 || b->insns[ga].imm != b->insns[gt].imm)
        return false;
    int64_t from = ga < gt ? ga : gt, to = ga < gt ? gt : ga;
    for (int64_t i = from + 1; i < to; i++)
        if (b->insns[i].op == IR_PUT && b->insns[i].imm == b->insns[ga].imm)
            return false;
    return true;
}

/* The check of a checked access (checks_page) through base temp a, whose
 * value reg guest_ptr has found <= limit.  At the first such access through
 * reg in the block, the pages of every plain access through reg from here
 * to the block's end (through temp a, or through a temp read from the same
 * register with no PUT of it between) must allow a store if one of them is
 * a store, else a load; otherwise the unit leaves this instruction to the
 * interpreter.  One check per base register value and block: the other
 * accesses find their temps paged.  (An access that a side exit would have
 * skipped counts too: at worst the interpreter runs the block.) */
static void check_window(lift *L, uint32_t a, LLVMValueRef reg)
{
    if (L->paged[a])
        return;
    const ir_block *b = L->in->blocks[L->cur];
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    bool store = false;
    for (uint32_t i = L->op_no; i < b->n_insns; i++) {
        const ir_insn *x = &b->insns[i];
        ir_op op = (ir_op)x->op;
        if (!(is_load(op) || is_store(op)) || !near_base(L, x->imm) ||
            !same_register_value(L, b, a, x->a))
            continue;
        L->paged[x->a] = true;
        int64_t end = x->imm + (int64_t)access_size(op);
        lo = x->imm < lo ? x->imm : lo;
        hi = end > hi ? end : hi;
        store |= is_store(op);
    }
    /* every page of [reg + lo, reg + hi): offsets are within the guards */
    LLVMValueRef e = page_bits(L, reg, hi - 1);
    for (int64_t off = lo; off < hi - 1; off += 4096)
        e = LLVMBuildAnd(L->B, e, page_bits(L, reg, off), "");
    unsigned right = store ? IR_PAGE_STORE : IR_PAGE_LOAD;
    LLVMValueRef no = icmp(L, LLVMIntEQ, LLVMBuildAnd(L->B, e, LLVMConstInt(L->i8, right, 0), ""),
                           LLVMConstInt(L->i8, 0, 0));
    LLVMBasicBlockRef deny = new_bb(L, "page.deny"), ok = new_bb(L, "");
    cond_br_cold(L, no, deny, ok);
    LLVMPositionBuilderAtEnd(L->B, deny);
    interp_exit(L);
    LLVMPositionBuilderAtEnd(L->B, ok);
}

/* Host pointer for [ea, ea+size), ea = reg + imm: traps like the
 * interpreter when the range leaves [0, limit), then (sync) writes a
 * checkpoint.  With guard pages around guest memory and a small imm, the
 * check is reg <= limit: an access it lets through is inside guest memory
 * or a guard, where it faults on the host like an unmapped page (and the
 * interpreter redoes it, see checkpoints()).  A reg above the limit leaves
 * the instruction to the interpreter (rare: no guest memory is there), so
 * the code after the check knows reg <= limit and LLVM drops the checks of
 * later accesses through the same register.  Without guards the check is
 * the same for every size (ea > limit - 8: one constant in a register for
 * all accesses), and only addresses within 8 bytes of the limit take the
 * exact check for their size.  check: the access is checked (checks_page),
 * through base temp a. */
static LLVMValueRef guest_ptr(lift *L, LLVMValueRef reg, int64_t imm, unsigned size, ir_trap trap,
                              bool sync, bool check, uint32_t a)
{
    uint64_t limit = L->in->limit;
    LLVMValueRef ea = imm ? LLVMBuildAdd(L->B, reg, jl_c64(L, (uint64_t)imm), "") : reg;
    if (near_base(L, imm)) {
        LLVMBasicBlockRef high = new_bb(L, "reg.high"), ok = new_bb(L, "");
        cond_br_cold(L, icmp(L, LLVMIntUGT, reg, jl_c64(L, limit)), high, ok);
        LLVMPositionBuilderAtEnd(L->B, high);
        interp_exit(L);
        LLVMPositionBuilderAtEnd(L->B, ok);
    } else if (limit < 8) {
        LLVMValueRef out = limit < size ? LLVMConstInt(L->i1, 1, 0)
                                        : icmp(L, LLVMIntUGT, ea, jl_c64(L, limit - size));
        jl_trap_if(L, out, trap, ea);
    } else if (size == 8) {
        jl_trap_if(L, icmp(L, LLVMIntUGT, ea, jl_c64(L, limit - 8)), trap, ea);
    } else {
        LLVMBasicBlockRef near = new_bb(L, "near.limit"), ok = new_bb(L, "");
        cond_br_cold(L, icmp(L, LLVMIntUGT, ea, jl_c64(L, limit - 8)), near, ok);
        LLVMPositionBuilderAtEnd(L->B, near);
        LLVMBasicBlockRef trap_bb = new_bb(L, "trap");
        LLVMBuildCondBr(L->B, icmp(L, LLVMIntUGT, ea, jl_c64(L, limit - size)), trap_bb, ok);
        LLVMPositionBuilderAtEnd(L->B, trap_bb);
        trap_exit(L, trap, ea);
        LLVMPositionBuilderAtEnd(L->B, ok);
    }
    if (check)
        check_window(L, a, reg);
    if (sync)
        sync_state(L);
    return gep8(L, L->base, ea);
}

static LLVMTypeRef int_type(lift *L, unsigned size)
{
    switch (size) {
    case 1: return L->i8;
    case 2: return L->i16;
    case 4: return L->i32;
    default: return L->i64;
    }
}

static LLVMValueRef lift_load(lift *L, const ir_insn *in, unsigned size, bool sign)
{
    LLVMValueRef p = guest_ptr(L, L->t[in->a], in->imm, size, IR_TRAP_LOAD_FAULT,
                               checkpoints(L, in, L->dirty), checks_page(L, in, L->dirty), in->a);
    LLVMValueRef v = LLVMBuildLoad2(L->B, int_type(L, size), p, "");
    LLVMSetVolatile(v, 1);
    LLVMSetAlignment(v, 1);
    if (size == 8)
        return v;
    return sign ? sext64(L, v) : zext64(L, v);
}

static void lift_store(lift *L, const ir_insn *in, unsigned size)
{
    LLVMValueRef p = guest_ptr(L, L->t[in->a], in->imm, size, IR_TRAP_STORE_FAULT,
                               checkpoints(L, in, L->dirty), checks_page(L, in, L->dirty), in->a);
    LLVMValueRef v = L->t[in->b];
    if (size < 8)
        v = trunc_to(L, v, int_type(L, size));
    LLVMValueRef st = LLVMBuildStore(L->B, v, p);
    LLVMSetVolatile(st, 1);
    LLVMSetAlignment(st, 1);
}

/* The checks the interpreter makes for atomics at address x: alignment
 * first (misaligned trap), then the bounds. */
static LLVMValueRef atomic_ptr(lift *L, LLVMValueRef x, unsigned size, ir_trap bounds_trap)
{
    LLVMValueRef mis = nonzero(L, LLVMBuildAnd(L->B, x, jl_c64(L, size - 1), ""));
    jl_trap_if(L, mis, IR_TRAP_MISALIGNED, x);
    return guest_ptr(L, x, 0, size, bounds_trap, true, false, 0); /* LR too: it reserves */
}

static LLVMValueRef lift_lr(lift *L, const ir_insn *in, unsigned size)
{
    LLVMValueRef x = L->t[in->a];
    LLVMValueRef p = atomic_ptr(L, x, size, IR_TRAP_LOAD_FAULT);
    LLVMValueRef v = LLVMBuildLoad2(L->B, int_type(L, size), p, "");
    LLVMSetVolatile(v, 1);
    LLVMSetAlignment(v, size);
    LLVMSetOrdering(v, LLVMAtomicOrderingSequentiallyConsistent);
    LLVMValueRef v64 = size == 4 ? sext64(L, v) : v;
    jl_slot_put(L, SLOT_OF(resv_addr), x);
    jl_slot_put(L, SLOT_OF(resv_val), v64);
    return v64;
}

/* SC: only touches memory when the reservation is for this address, as the
 * interpreter does (so a failing SC to a read-only page does not fault). */
static LLVMValueRef lift_sc(lift *L, const ir_insn *in, unsigned size)
{
    LLVMValueRef x = L->t[in->a];
    LLVMValueRef p = atomic_ptr(L, x, size, IR_TRAP_STORE_FAULT);
    LLVMValueRef reserved = icmp(L, LLVMIntEQ, jl_slot_get(L, SLOT_OF(resv_addr)), x);
    LLVMValueRef expect = jl_slot_get(L, SLOT_OF(resv_val));
    LLVMBasicBlockRef from = LLVMGetInsertBlock(L->B);
    LLVMBasicBlockRef try_bb = new_bb(L, "sc.try"), join = new_bb(L, "sc.join");
    LLVMBuildCondBr(L->B, reserved, try_bb, join);
    LLVMPositionBuilderAtEnd(L->B, try_bb);
    LLVMTypeRef ty = int_type(L, size);
    LLVMValueRef cx = LLVMBuildAtomicCmpXchg(L->B, p, size == 4 ? trunc_to(L, expect, ty) : expect,
                                             size == 4 ? trunc_to(L, L->t[in->b], ty) : L->t[in->b],
                                             LLVMAtomicOrderingSequentiallyConsistent,
                                             LLVMAtomicOrderingSequentiallyConsistent, 0);
    LLVMSetVolatile(cx, 1);
    LLVMSetAlignment(cx, size);
    LLVMValueRef ok = LLVMBuildExtractValue(L->B, cx, 1, "");
    LLVMBasicBlockRef try_end = LLVMGetInsertBlock(L->B);
    LLVMBuildBr(L->B, join);
    LLVMPositionBuilderAtEnd(L->B, join);
    LLVMValueRef phi = LLVMBuildPhi(L->B, L->i1, "");
    LLVMValueRef vals[2] = {ok, LLVMConstInt(L->i1, 0, 0)};
    LLVMBasicBlockRef froms[2] = {try_end, from};
    LLVMAddIncoming(phi, vals, froms, 2);
    jl_slot_put(L, SLOT_OF(resv_addr), jl_c64(L, UINT64_MAX));
    return zext64(L, LLVMBuildNot(L->B, phi, ""));
}

static LLVMValueRef lift_amo(lift *L, const ir_insn *in, unsigned size)
{
    LLVMValueRef x = L->t[in->a];
    LLVMValueRef p = atomic_ptr(L, x, size, IR_TRAP_STORE_FAULT);
    LLVMAtomicRMWBinOp op;
    switch (in->imm) {
    case IR_AMO_SWAP: op = LLVMAtomicRMWBinOpXchg; break;
    case IR_AMO_ADD: op = LLVMAtomicRMWBinOpAdd; break;
    case IR_AMO_XOR: op = LLVMAtomicRMWBinOpXor; break;
    case IR_AMO_AND: op = LLVMAtomicRMWBinOpAnd; break;
    case IR_AMO_OR: op = LLVMAtomicRMWBinOpOr; break;
    case IR_AMO_MIN: op = LLVMAtomicRMWBinOpMin; break;
    case IR_AMO_MAX: op = LLVMAtomicRMWBinOpMax; break;
    case IR_AMO_MINU: op = LLVMAtomicRMWBinOpUMin; break;
    default: op = LLVMAtomicRMWBinOpUMax; break; /* the interpreter's default case */
    }
    LLVMValueRef v = size == 4 ? trunc_to(L, L->t[in->b], L->i32) : L->t[in->b];
    LLVMValueRef old =
        LLVMBuildAtomicRMW(L->B, op, p, v, LLVMAtomicOrderingSequentiallyConsistent, 0);
    LLVMSetVolatile(old, 1);
    LLVMSetAlignment(old, size);
    return size == 4 ? sext64(L, old) : old;
}

/* ---- integer ops ---- */

static LLVMValueRef mulh(lift *L, LLVMValueRef x, LLVMValueRef y, bool sx, bool sy)
{
    LLVMValueRef a = sx ? LLVMBuildSExt(L->B, x, L->i128, "") : LLVMBuildZExt(L->B, x, L->i128, "");
    LLVMValueRef b = sy ? LLVMBuildSExt(L->B, y, L->i128, "") : LLVMBuildZExt(L->B, y, L->i128, "");
    LLVMValueRef p = LLVMBuildMul(L->B, a, b, "");
    return trunc_to(L, LLVMBuildLShr(L->B, p, LLVMConstInt(L->i128, 64, 0), ""), L->i64);
}

/* Signed division and remainder in the width of x and y (i64 or i32),
 * with the IR's results for a zero divisor and MIN / -1; the divisor is
 * made 1 in those cases so the host never divides by zero or overflows. */
static LLVMValueRef sdivrem(lift *L, LLVMValueRef x, LLVMValueRef y, bool rem, LLVMTypeRef ty,
                            uint64_t min)
{
    LLVMValueRef zero = icmp(L, LLVMIntEQ, y, LLVMConstInt(ty, 0, 0));
    LLVMValueRef ovf = LLVMBuildAnd(L->B, icmp(L, LLVMIntEQ, x, LLVMConstInt(ty, min, 0)),
                                    icmp(L, LLVMIntEQ, y, LLVMConstAllOnes(ty)), "");
    LLVMValueRef ysafe = sel(L, LLVMBuildOr(L->B, zero, ovf, ""), LLVMConstInt(ty, 1, 0), y);
    /* MIN / 1 = MIN and MIN % 1 = 0 are exactly the overflow results. */
    LLVMValueRef r = rem ? LLVMBuildSRem(L->B, x, ysafe, "") : LLVMBuildSDiv(L->B, x, ysafe, "");
    return sel(L, zero, rem ? x : LLVMConstAllOnes(ty), r);
}

static LLVMValueRef udivrem(lift *L, LLVMValueRef x, LLVMValueRef y, bool rem, LLVMTypeRef ty)
{
    LLVMValueRef zero = icmp(L, LLVMIntEQ, y, LLVMConstInt(ty, 0, 0));
    LLVMValueRef ysafe = sel(L, zero, LLVMConstInt(ty, 1, 0), y);
    LLVMValueRef r = rem ? LLVMBuildURem(L->B, x, ysafe, "") : LLVMBuildUDiv(L->B, x, ysafe, "");
    return sel(L, zero, rem ? x : LLVMConstAllOnes(ty), r);
}

static LLVMValueRef shift_count(lift *L, LLVMValueRef y) { return LLVMBuildAnd(L->B, y, jl_c64(L, 63), ""); }

static LLVMValueRef rot(lift *L, const char *fsh, LLVMValueRef x, LLVMValueRef y, LLVMTypeRef ty)
{
    LLVMValueRef args[3] = {x, x, y};
    return intrinsic(L, fsh, ty, args, 3);
}

/* orc.b without a loop: bit 7 of (b & 0x7f) + 0x7f is set iff the low
 * seven bits are nonzero; OR in bit 7 itself; spread 0x01 to 0xff. */
static LLVMValueRef orc_b(lift *L, LLVMValueRef x)
{
    const uint64_t lo7 = UINT64_C(0x7f7f7f7f7f7f7f7f), hi = UINT64_C(0x8080808080808080);
    LLVMValueRef t = LLVMBuildAdd(L->B, LLVMBuildAnd(L->B, x, jl_c64(L, lo7), ""), jl_c64(L, lo7), "");
    t = LLVMBuildAnd(L->B, LLVMBuildOr(L->B, t, x, ""), jl_c64(L, hi), "");
    return LLVMBuildMul(L->B, LLVMBuildLShr(L->B, t, jl_c64(L, 7), ""), jl_c64(L, 0xff), "");
}

/* The value of a pure integer op, or NULL if op is not one. */
static LLVMValueRef lift_alu(lift *L, const ir_insn *in)
{
    LLVMBuilderRef B = L->B;
    LLVMValueRef x = L->t[in->a], y = L->t[in->b];
    LLVMValueRef x32, y32, args[2];
    switch ((ir_op)in->op) {
    case IR_ADD: return LLVMBuildAdd(B, x, y, "");
    case IR_SUB: return LLVMBuildSub(B, x, y, "");
    case IR_AND: return LLVMBuildAnd(B, x, y, "");
    case IR_OR: return LLVMBuildOr(B, x, y, "");
    case IR_XOR: return LLVMBuildXor(B, x, y, "");
    case IR_SHL: return LLVMBuildShl(B, x, shift_count(L, y), "");
    case IR_SHR: return LLVMBuildLShr(B, x, shift_count(L, y), "");
    case IR_SAR: return LLVMBuildAShr(B, x, shift_count(L, y), "");
    case IR_ROTL: return rot(L, "llvm.fshl", x, y, L->i64);
    case IR_ROTR: return rot(L, "llvm.fshr", x, y, L->i64);
    case IR_ROTL32:
    case IR_ROTR32:
        x32 = trunc_to(L, x, L->i32);
        y32 = trunc_to(L, y, L->i32);
        return sext64(L, rot(L, in->op == IR_ROTL32 ? "llvm.fshl" : "llvm.fshr", x32, y32, L->i32));
    case IR_MUL: return LLVMBuildMul(B, x, y, "");
    case IR_MULH: return mulh(L, x, y, true, true);
    case IR_MULHU: return mulh(L, x, y, false, false);
    case IR_MULHSU: return mulh(L, x, y, true, false);
    case IR_DIV: return sdivrem(L, x, y, false, L->i64, UINT64_C(1) << 63);
    case IR_REM: return sdivrem(L, x, y, true, L->i64, UINT64_C(1) << 63);
    case IR_DIVU: return udivrem(L, x, y, false, L->i64);
    case IR_REMU: return udivrem(L, x, y, true, L->i64);
    case IR_DIVW:
    case IR_REMW:
        x32 = trunc_to(L, x, L->i32);
        y32 = trunc_to(L, y, L->i32);
        /* a zero divisor gives all ones in 32 bits, sign-extended: ~0 */
        return sext64(L, sdivrem(L, x32, y32, in->op == IR_REMW, L->i32, UINT64_C(1) << 31));
    case IR_DIVUW:
    case IR_REMUW:
        x32 = trunc_to(L, x, L->i32);
        y32 = trunc_to(L, y, L->i32);
        return sext64(L, udivrem(L, x32, y32, in->op == IR_REMUW, L->i32));
    case IR_EQ: return zext64(L, icmp(L, LLVMIntEQ, x, y));
    case IR_NE: return zext64(L, icmp(L, LLVMIntNE, x, y));
    case IR_LTS: return zext64(L, icmp(L, LLVMIntSLT, x, y));
    case IR_LTU: return zext64(L, icmp(L, LLVMIntULT, x, y));
    case IR_SELECT: return sel(L, nonzero(L, x), y, L->t[in->c]);
    case IR_NOT: return LLVMBuildNot(B, x, "");
    case IR_NEG: return LLVMBuildNeg(B, x, "");
    case IR_SEXT8: return sext64(L, trunc_to(L, x, L->i8));
    case IR_SEXT16: return sext64(L, trunc_to(L, x, L->i16));
    case IR_SEXT32: return sext64(L, trunc_to(L, x, L->i32));
    case IR_ZEXT8: return LLVMBuildAnd(B, x, jl_c64(L, 0xff), "");
    case IR_ZEXT16: return LLVMBuildAnd(B, x, jl_c64(L, 0xffff), "");
    case IR_ZEXT32: return LLVMBuildAnd(B, x, jl_c64(L, 0xffffffffu), "");
    case IR_CLZ:
    case IR_CTZ:
        args[0] = x;
        args[1] = LLVMConstInt(L->i1, 0, 0); /* defined for 0: 64 */
        return intrinsic(L, in->op == IR_CLZ ? "llvm.ctlz" : "llvm.cttz", L->i64, args, 2);
    case IR_CPOP: return intrinsic(L, "llvm.ctpop", L->i64, &x, 1);
    case IR_BSWAP: return intrinsic(L, "llvm.bswap", L->i64, &x, 1);
    case IR_ORCB: return orc_b(L, x);
    default: return NULL;
    }
}

/* ---- one instruction ---- */

/* fflags inside a unit are the fp_flags slot OR the flags in the host's
 * MXCSR (jit_lift_fp.c).  host_fflags reads the MXCSR with an inline
 * stmxcsr that declares it clobbers the MXCSR: LLVM then keeps the
 * constrained FP ops (which use it) on their side, without the spills of
 * every XMM register a call would cost. */
static LLVMValueRef host_fflags(lift *L)
{
    if (!L->fflags_map) { /* the flag bits of MXCSR → fflags, as a table */
        LLVMValueRef v[64];
        for (uint32_t i = 0; i < 64; i++)
            v[i] = LLVMConstInt(L->i8, ir_fp_flags_of_mxcsr(i), 0);
        LLVMValueRef tbl = LLVMConstArray(L->i8, v, 64);
        L->fflags_map = LLVMAddGlobal(L->M, LLVMTypeOf(tbl), "");
        LLVMSetInitializer(L->fflags_map, tbl);
        LLVMSetGlobalConstant(L->fflags_map, 1);
        LLVMSetLinkage(L->fflags_map, LLVMPrivateLinkage);
    }
    LLVMTypeRef aty = LLVMFunctionType(LLVMVoidTypeInContext(L->C), &L->ptr, 1, 0);
    char text[] = "stmxcsr $0", cons[] = "=*m,~{mxcsr},~{memory}";
    LLVMValueRef stmxcsr = LLVMGetInlineAsm(aty, text, strlen(text), cons, strlen(cons), 1, 0,
                                            LLVMInlineAsmDialectATT, 0);
    LLVMValueRef call = jl_call(L, aty, stmxcsr, &L->fpf, 1);
    unsigned et = LLVMGetEnumAttributeKindForName("elementtype", 11);
    LLVMAddCallSiteAttribute(call, 1, LLVMCreateTypeAttribute(L->C, et, L->i32));
    LLVMValueRef m = LLVMBuildLoad2(L->B, L->i32, L->fpf, "");
    LLVMValueRef idx[2] = {jl_c64(L, 0), LLVMBuildZExt(L->B, LLVMBuildAnd(L->B, m, jl_c32(L, 63), ""),
                                                       L->i64, "")};
    LLVMTypeRef tty = LLVMArrayType(L->i8, 64);
    LLVMValueRef p = LLVMBuildInBoundsGEP2(L->B, tty, L->fflags_map, idx, 2, "");
    return LLVMBuildZExt(L->B, LLVMBuildLoad2(L->B, L->i8, p, ""), L->i64, "");
}

static LLVMValueRef get_fflags(lift *L)
{
    L->fflags_read = LLVMBuildOr(L->B, jl_slot_get(L, SLOT_OF(fp_flags)), host_fflags(L), "");
    return L->fflags_read;
}

/* Is v the fflags value r (or r & mask, with every flag bit in mask)? */
static bool is_fflags_value(LLVMValueRef v, LLVMValueRef r)
{
    if (v == r)
        return true;
    if (!LLVMIsAInstruction(v) || LLVMGetInstructionOpcode(v) != LLVMAnd)
        return false;
    LLVMValueRef mask = LLVMGetOperand(v, 1);
    return LLVMGetOperand(v, 0) == r && LLVMIsAConstantInt(mask) &&
           (LLVMConstIntGetZExtValue(mask) & 31) == 31;
}

/* fflags = v: the MXCSR's flags must go unless all are in v (a guest
 * restoring the fflags it read keeps them all), which the cold helper does.
 * No check at all when v is what a GET in this block read and no op since
 * can have raised flags in the MXCSR: glibc and GCC make a quiet compare
 * (isless, sqrt's domain check) of frflags, flt/fle and fsflags, and the
 * compare then raises nothing in the MXCSR (quiet_compare). */
static void put_fflags(lift *L, LLVMValueRef v)
{
    if (L->fflags_read && is_fflags_value(v, L->fflags_read)) {
        jl_slot_put(L, SLOT_OF(fp_flags), v);
        return;
    }
    LLVMValueRef extra = LLVMBuildAnd(L->B, host_fflags(L), LLVMBuildNot(L->B, v, ""), "");
    LLVMBasicBlockRef drop = new_bb(L, "fflags.drop"), done = new_bb(L, "fflags.set");
    cond_br_cold(L, LLVMBuildICmp(L->B, LLVMIntNE, extra, jl_c64(L, 0), ""), drop, done);
    LLVMPositionBuilderAtEnd(L->B, drop);
    LLVMTypeRef fty = LLVMFunctionType(LLVMVoidTypeInContext(L->C), &L->i64, 1, 0);
    jl_call(L, fty, jl_helper(L, "ir_fp_set_host_flags", fty), &v, 1);
    LLVMBuildBr(L->B, done);
    LLVMPositionBuilderAtEnd(L->B, done);
    jl_slot_put(L, SLOT_OF(fp_flags), v);
}

/* Lifts in; returns true when it ended the block (unconditional exit). */
static bool lift_insn(lift *L, const ir_insn *in)
{
    LLVMValueRef d = NULL;
    uint32_t s;
    switch ((ir_op)in->op) {
    case IR_CONST: d = jl_c64(L, (uint64_t)in->imm); break;
    case IR_GET:
        if (!slot_of(L, in->imm, &s))
            break;
        if (s == SLOT_OF(fp_flags)) {
            d = get_fflags(L);
        } else if (L->slot_val[s]) { /* put earlier in this block: that value, */
            d = L->slot_val[s];
            L->raw[in->d] = L->slot_raw[s]; /* and its raw form for FP ops */
        } else {
            d = jl_slot_get(L, s);
        }
        break;
    case IR_PUT:
        if (slot_of(L, in->imm, &s)) {
            if (s == SLOT_OF(fp_flags)) {
                put_fflags(L, L->t[in->a]);
            } else {
                jl_slot_put(L, s, L->t[in->a]);
                L->slot_raw[s] = L->raw[in->a];
            }
        }
        return false;
    case IR_INSN:
        L->insn_no++;
        jl_slot_put(L, SLOT_OF(pc), jl_c64(L, (uint64_t)in->imm));
        return false;

    case IR_LD8U: d = lift_load(L, in, 1, false); break;
    case IR_LD8S: d = lift_load(L, in, 1, true); break;
    case IR_LD16U: d = lift_load(L, in, 2, false); break;
    case IR_LD16S: d = lift_load(L, in, 2, true); break;
    case IR_LD32U: d = lift_load(L, in, 4, false); break;
    case IR_LD32S: d = lift_load(L, in, 4, true); break;
    case IR_LD64: d = lift_load(L, in, 8, false); break;
    case IR_ST8: lift_store(L, in, 1); return false;
    case IR_ST16: lift_store(L, in, 2); return false;
    case IR_ST32: lift_store(L, in, 4); return false;
    case IR_ST64: lift_store(L, in, 8); return false;
    case IR_LR32: d = lift_lr(L, in, 4); break;
    case IR_LR64: d = lift_lr(L, in, 8); break;
    case IR_SC32: d = lift_sc(L, in, 4); break;
    case IR_SC64: d = lift_sc(L, in, 8); break;
    case IR_AMO32: d = lift_amo(L, in, 4); break;
    case IR_AMO64: d = lift_amo(L, in, 8); break;
    case IR_FENCE: LLVMBuildFence(L->B, LLVMAtomicOrderingSequentiallyConsistent, 0, ""); return false;

    case IR_BR: {
        LLVMBasicBlockRef taken = new_bb(L, "br.taken"), cont = new_bb(L, "");
        LLVMBuildCondBr(L->B, nonzero(L, L->t[in->a]), taken, cont);
        LLVMPositionBuilderAtEnd(L->B, taken);
        goto_pc(L, (uint64_t)in->imm);
        LLVMPositionBuilderAtEnd(L->B, cont);
        return false;
    }
    case IR_JMP: goto_pc(L, (uint64_t)in->imm); return true;
    case IR_JMPR: goto_value(L, L->t[in->a]); return true;
    case IR_SYSCALL:
        writeback(L, jl_c64(L, (uint64_t)in->imm));
        ret_code(L, JIT_X_SYSCALL);
        return true;
    case IR_TRAP: trap_exit(L, (ir_trap)in->imm, NULL); return true;
    case IR_TRAPIF: jl_trap_if(L, nonzero(L, L->t[in->a]), (ir_trap)in->imm, NULL); return false;
    case IR_FENCEI:
        writeback(L, jl_c64(L, (uint64_t)in->imm));
        ret_code(L, JIT_X_FLUSH);
        return true;
    case IR_CLOCK:
        if (in->imm == IR_CLOCK_INSTRET) {
            d = jl_slot_get(L, SLOT_OF(instret));
        } else {
            LLVMTypeRef fty = LLVMFunctionType(L->i64, &L->i64, 1, 0);
            LLVMValueRef k = jl_c64(L, (uint64_t)in->imm);
            d = jl_call(L, fty, jl_helper(L, "jit_h_clock", fty), &k, 1);
        }
        break;
    default:
        if (in->op >= IR_FADD32 && in->op < IR_OP_COUNT) {
            /* fp_flags counts as changed, as walk_block assumes, even when
             * the op's flags are all in the MXCSR: the dirty sets decide
             * where checkpoints go and must agree */
            if (ir_op_table[in->op].flags & IR_F_FPF)
                bit_set(L->dirty, SLOT_OF(fp_flags));
            jl_lift_fp(L, in); /* sets its destination temp itself */
            return false;
        }
        d = lift_alu(L, in);
        if (!d)
            fail(L, "IR op %u cannot be lifted", in->op);
        break;
    }
    if (in->d != IR_NONE && d)
        L->t[in->d] = d;
    return false;
}

/* ---- the dirty-slot fixpoint ---- */

/* Follows one block's effect on the dirty set (mirroring lift_insn: PUT,
 * INSN, instret and FP flags dirty a slot; a checkpoint cleans all but
 * instret, then LR/SC dirty the reservation) and merges the set at each
 * internal edge into the target's dirty_in.  Returns true if one grew. */
static bool walk_block(lift *L, uint32_t bi, uint64_t *cur)
{
    const jit_lift_in *in = L->in;
    const ir_block *b = in->blocks[bi];
    bool grew = false;
    L->walk_block = bi;
    memcpy(cur, &L->dirty_in[(size_t)bi * L->nwords], L->nwords * sizeof *cur);
    bit_set(cur, SLOT_OF(instret));
    for (uint32_t i = 0; i < b->n_insns; i++) {
        const ir_insn *x = &b->insns[i];
        int k = -1, ks[JIT_IND_MAX];
        uint32_t nk = 0;
        unsigned flags = x->op < IR_OP_COUNT ? ir_op_table[x->op].flags : 0;
        if (checkpoints(L, x, cur)) {
            if (L->picking && needs_checkpoint(L, x, cur))
                *checked_pick(L, x) = checkpoint_cost(L, cur) > L->in->checkpoint_cost;
            memset(cur, 0, L->nwords * sizeof *cur);
            bit_set(cur, SLOT_OF(instret)); /* see sync_state */
        }
        note_access(L, x, cur);
        if (flags & IR_F_FPF)
            bit_set(cur, SLOT_OF(fp_flags));
        switch ((ir_op)x->op) {
        case IR_PUT:
            if (x->imm >= 0 && x->imm % 8 == 0 && (uint64_t)x->imm / 8 < L->nslots)
                bit_set(cur, (uint32_t)(x->imm / 8));
            break;
        case IR_INSN: bit_set(cur, SLOT_OF(pc)); break;
        case IR_LR32:
        case IR_LR64: bit_set(cur, SLOT_OF(resv_val)); /* fall through */
        case IR_SC32:
        case IR_SC64: bit_set(cur, SLOT_OF(resv_addr)); break;
        case IR_BR:
        case IR_JMP: k = internal_block(in, (uint64_t)x->imm); break;
        case IR_JMPR: nk = predicted_blocks(in, bi, ks); break;
        default: break;
        }
        if (k >= 0)
            ks[nk++] = k;
        for (uint32_t e = 0; e < nk; e++) {
            uint64_t *t = &L->dirty_in[(size_t)ks[e] * L->nwords];
            for (uint32_t w = 0; w < L->nwords; w++) {
                if (cur[w] & ~t[w]) {
                    t[w] |= cur[w];
                    grew = true;
                }
            }
        }
        if (ir_block_is_closed(b) && i + 1 == b->n_insns)
            break;
    }
    return grew;
}

static void compute_dirty_in(lift *L, uint64_t *scratch)
{
    memset(L->dirty_in, 0, (size_t)L->in->n_blocks * L->nwords * sizeof *L->dirty_in);
    if (!L->in->loops)
        return;
    bool grew = true;
    while (grew) {
        grew = false;
        for (uint32_t bi = 0; bi < L->in->n_blocks; bi++)
            grew |= walk_block(L, bi, scratch);
    }
}

/* Fills L->checked_all (see checks_page): walks the unit as if it had no
 * page table, then marks the accesses whose checkpoint would cost more
 * than in->checkpoint_cost (checkpoint_cost()). */
static void pick_checked(lift *L, uint64_t *scratch)
{
    find_fp_slots(L);
    L->use_pages = false;
    compute_dirty_in(L, scratch);
    L->picking = true;
    for (uint32_t bi = 0; bi < L->in->n_blocks; bi++)
        walk_block(L, bi, scratch);
    L->picking = false;
    L->use_pages = true;
}

/* ---- setup ---- */

/* Marks the slots the unit touches (including the implicit ones: pc,
 * instret, FP flags and mode, the reservation). */
static void scan_slots(lift *L, bool *used, bool *fp_helpers)
{
    used[SLOT_OF(pc)] = used[SLOT_OF(instret)] = true;
    for (uint32_t bi = 0; bi < L->in->n_blocks; bi++) {
        const ir_block *b = L->in->blocks[bi];
        for (uint32_t i = 0; i < b->n_insns; i++) {
            const ir_insn *x = &b->insns[i];
            uint32_t s;
            if (x->op >= IR_OP_COUNT) {
                fail(L, "bad IR op %u", x->op);
                return;
            }
            unsigned flags = ir_op_table[x->op].flags;
            if ((x->op == IR_GET || x->op == IR_PUT) && slot_of(L, x->imm, &s)) {
                used[s] = true;
                if (s == SLOT_OF(fp_flags))
                    *fp_helpers = true; /* host_fflags needs the fpf slot */
            }
            if (flags & IR_F_FPF) {
                used[SLOT_OF(fp_flags)] = true;
                *fp_helpers = true;
            }
            if (x->op >= IR_FADD32 && (flags & IR_F_IMM) && x->imm == IR_RM_DYN)
                used[SLOT_OF(fp_rm)] = true;
            if (x->op >= IR_LR32 && x->op <= IR_SC64)
                used[SLOT_OF(resv_addr)] = used[SLOT_OF(resv_val)] = true;
        }
    }
}

static void set_fn_attrs(lift *L, LLVMValueRef fn)
{
    unsigned noalias = LLVMGetEnumAttributeKindForName("noalias", 7);
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    LLVMAddAttributeAtIndex(fn, 1, LLVMCreateEnumAttribute(L->C, noalias, 0));
    LLVMAddAttributeAtIndex(fn, 2, LLVMCreateEnumAttribute(L->C, noalias, 0));
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(L->C, nounwind, 0));
    /* FP ops are constrained intrinsics whose flags the guest sees
     * (jit_lift_fp.c) */
    unsigned strictfp = LLVMGetEnumAttributeKindForName("strictfp", 8);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(L->C, strictfp, 0));
    /* No frame pointer: rbp is one more register for guest values (perf
     * names translated code through the perf map or jitdump instead). */
}

static void init_types(lift *L, LLVMModuleRef M)
{
    L->M = M;
    L->C = LLVMGetModuleContext(M);
    L->i1 = LLVMInt1TypeInContext(L->C);
    L->i8 = LLVMInt8TypeInContext(L->C);
    L->i16 = LLVMInt16TypeInContext(L->C);
    L->i32 = LLVMInt32TypeInContext(L->C);
    L->i64 = LLVMInt64TypeInContext(L->C);
    L->i128 = LLVMIntTypeInContext(L->C, 128);
    L->ptr = LLVMPointerTypeInContext(L->C, 0);
    LLVMTypeRef params[2] = {L->ptr, L->ptr};
    L->unit_ty = LLVMFunctionType(L->i64, params, 2, 0);
}

/* The entry block: allocas, the tier-1 counter, slot loads. */
static void build_entry(lift *L, LLVMBasicBlockRef entry, const bool *used, bool fp_helpers)
{
    const jit_lift_in *in = L->in;
    LLVMPositionBuilderAtEnd(L->B, entry);
    for (uint32_t s = 0; s < L->nslots; s++)
        if (used[s])
            L->slot[s] = LLVMBuildAlloca(L->B, L->i64, "");
    if (fp_helpers)
        L->fpf = LLVMBuildAlloca(L->B, L->i64, "fpf");
    L->base = load_at(L, L->ptr, L->ctx, offsetof(jit_ctx, mem_base), 8);
    if (in->pages)
        L->pages = load_at(L, L->ptr, L->ctx, offsetof(jit_ctx, pages), 8);
    if (in->exits)
        L->jcache = load_at(L, L->ptr, L->ctx, offsetof(jit_ctx, jcache), 8);
    if (in->head_cell && in->hot2) {
        /* Relaxed atomics: a racy count is fine, a torn one is not. */
        LLVMValueRef cp = gep8(L, cell_ref(L, in->head_cell), jl_c64(L, offsetof(jit_cell, count)));
        LLVMValueRef c = LLVMBuildLoad2(L->B, L->i64, cp, "");
        LLVMSetAlignment(c, 8);
        LLVMSetOrdering(c, LLVMAtomicOrderingMonotonic);
        c = LLVMBuildAdd(L->B, c, jl_c64(L, 1), "");
        LLVMValueRef st = LLVMBuildStore(L->B, c, cp);
        LLVMSetAlignment(st, 8);
        LLVMSetOrdering(st, LLVMAtomicOrderingMonotonic);
        LLVMBasicBlockRef hot = new_bb(L, "hot"), go = new_bb(L, "");
        cond_br_cold(L, icmp(L, LLVMIntEQ, c, jl_c64(L, in->hot2)), hot, go);
        LLVMPositionBuilderAtEnd(L->B, hot);
        ret_code(L, JIT_X_HOT);
        LLVMPositionBuilderAtEnd(L->B, go);
    }
    poll_interrupt(L, NULL);
    LLVMValueRef pc = NULL;
    for (uint32_t s = 0; s < L->nslots; s++) {
        if (!L->slot[s])
            continue;
        LLVMValueRef v = LLVMBuildLoad2(L->B, L->i64, state_slot_ptr(L, s), "");
        LLVMSetAlignment(v, 8);
        LLVMBuildStore(L->B, v, L->slot[s]);
        if (s == SLOT_OF(pc))
            pc = v;
    }
    if (!in->multi_entry || in->n_blocks == 1) {
        LLVMBuildBr(L->B, L->bbs[0]);
        return;
    }
    /* A multi-entry region: every block's cell may hold this code, and the
     * state pc says where it was entered (cells are entered with it set). */
    LLVMBasicBlockRef bad = new_bb(L, "bad.entry");
    LLVMValueRef sw = LLVMBuildSwitch(L->B, pc, bad, in->n_blocks);
    for (uint32_t k = 0; k < in->n_blocks; k++)
        LLVMAddCase(sw, jl_c64(L, in->blocks[k]->pc), L->bbs[k]);
    LLVMPositionBuilderAtEnd(L->B, bad);
    ret_code(L, JIT_X_BAD);
}

static void lift_block(lift *L, uint32_t bi)
{
    const ir_block *b = L->in->blocks[bi];
    L->cur = bi;
    L->walk_block = bi;
    LLVMPositionBuilderAtEnd(L->B, L->bbs[bi]);
    memcpy(L->dirty, &L->dirty_in[(size_t)bi * L->nwords], L->nwords * sizeof *L->dirty);
    LLVMValueRef *t = realloc(L->t, ((size_t)b->n_temps + 1) * sizeof *t);
    if (!t) {
        fail(L, "out of memory");
        return;
    }
    L->t = t;
    LLVMValueRef *raw = realloc(L->raw, ((size_t)b->n_temps + 1) * sizeof *raw);
    if (!raw) {
        fail(L, "out of memory");
        return;
    }
    L->raw = raw;
    bool *paged = realloc(L->paged, ((size_t)b->n_temps + 1) * sizeof *paged);
    int64_t *got = realloc(L->got, ((size_t)b->n_temps + 1) * sizeof *got);
    if (paged)
        L->paged = paged;
    if (got)
        L->got = got;
    if (!paged || !got) {
        fail(L, "out of memory");
        return;
    }
    for (uint32_t i = 0; i <= b->n_temps; i++) {
        t[i] = jl_c64(L, 0); /* temp 0 (none) reads as 0, as in the interpreter */
        raw[i] = NULL;
        paged[i] = false;
        got[i] = -1;
    }
    for (uint32_t i = 0; i < b->n_insns; i++)
        if (b->insns[i].op == IR_GET && b->insns[i].d <= b->n_temps)
            got[b->insns[i].d] = i;
    /* Values put in other blocks do not dominate this one. */
    L->fflags_read = NULL;
    memset(L->slot_val, 0, L->nslots * sizeof *L->slot_val);
    memset(L->slot_raw, 0, L->nslots * sizeof *L->slot_raw);
    uint32_t is = SLOT_OF(instret);
    jl_slot_put(L, is, LLVMBuildAdd(L->B, jl_slot_get(L, is), jl_c64(L, b->n_guest), ""));
    L->cur_guest = b->n_guest;
    L->insn_no = 0;
    for (uint32_t i = 0; i < b->n_insns && !L->failed; i++) {
        const ir_insn *x = &b->insns[i];
        if (x->a > b->n_temps || x->b > b->n_temps || x->c > b->n_temps || x->d > b->n_temps) {
            fail(L, "temp out of range in the block at 0x%llx", (unsigned long long)b->pc);
            return;
        }
        L->op_no = i;
        bool ended = lift_insn(L, x);
        note_access(L, x, L->dirty); /* as walk_block does */
        if (ended)
            return;
    }
    fail(L, "the block at 0x%llx does not end with an exit", (unsigned long long)b->pc);
}

/* Makes every chain call `musttail`.  A `tail` call with tailcc is only
 * guaranteed to be a jump while it stays in tail position, and passes may
 * move it out (SimplifyCFG merges all returns into one block; only code
 * generation above -O0 splits them again).  musttail keeps it there through
 * every pass and forces the jump at every code generation level, so chains
 * of units cannot grow the host stack.  The C API of LLVM 16 cannot set
 * musttail (LLVMSetTailCallKind is LLVM 18): the module goes through its
 * text once, and the reparsed functions replace the built ones. */
static bool make_musttail(LLVMModuleRef M, char *err, size_t errlen)
{
    static const char from[] = " tail call tailcc ", to[] = " musttail call tailcc ";
    char *txt = LLVMPrintModuleToString(M);
    size_t n = 0, len = strlen(txt);
    for (const char *p = strstr(txt, from); p; p = strstr(p + 1, from))
        n++;
    if (n == 0) {
        LLVMDisposeMessage(txt);
        return true;
    }
    char *out = malloc(len + n * (sizeof to - sizeof from) + 1);
    if (!out) {
        LLVMDisposeMessage(txt);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    char *w = out;
    const char *r = txt;
    for (const char *p; (p = strstr(r, from)); r = p + sizeof from - 1) {
        memcpy(w, r, (size_t)(p - r));
        w += p - r;
        memcpy(w, to, sizeof to - 1);
        w += sizeof to - 1;
    }
    strcpy(w, r);
    LLVMDisposeMessage(txt);
    LLVMContextRef C = LLVMGetModuleContext(M);
    LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(out, strlen(out), "unit");
    free(out);
    LLVMModuleRef N = NULL;
    char *msg = NULL;
    if (LLVMParseIRInContext(C, buf, &N, &msg)) { /* takes buf */
        snprintf(err, errlen, "musttail rewrite does not parse: %.200s", msg ? msg : "?");
        LLVMDisposeMessage(msg);
        return false;
    }
    /* Bodies first (they use the declarations), then the declarations. */
    for (int pass = 0; pass < 2; pass++) {
        for (LLVMValueRef f = LLVMGetFirstFunction(M), next; f; f = next) {
            next = LLVMGetNextFunction(f);
            if (pass == 1 || !LLVMIsDeclaration(f))
                LLVMDeleteFunction(f);
        }
    }
    for (LLVMValueRef g = LLVMGetFirstGlobal(M), next; g; g = next) {
        next = LLVMGetNextGlobal(g);
        LLVMDeleteGlobal(g);
    }
    if (LLVMLinkModules2(M, N)) { /* destroys N */
        snprintf(err, errlen, "musttail rewrite does not link back");
        return false;
    }
    return true;
}

bool jit_lift(LLVMModuleRef M, const jit_lift_in *in, bool musttail, char *err, size_t errlen)
{
    lift L = {.in = in, .err = err, .errlen = errlen};
    init_types(&L, M);
    if (in->n_blocks == 0 || in->state_size < sizeof(ir_state_head)) {
        snprintf(err, errlen, "nothing to lift");
        return false;
    }
    L.nslots = (uint32_t)(in->state_size / 8);
    L.nwords = (L.nslots + 3 + 63) / 64; /* + seg_loaded, seg_atomic, seg_checked */
    bool *used = calloc(L.nslots, sizeof *used);
    L.slot = calloc(L.nslots, sizeof *L.slot);
    L.slot_val = calloc(L.nslots, sizeof *L.slot_val);
    L.slot_raw = calloc(L.nslots, sizeof *L.slot_raw);
    L.dirty = calloc(L.nwords, sizeof *L.dirty);
    uint64_t *scratch = calloc(L.nwords, sizeof *scratch);
    L.dirty_in = calloc((size_t)in->n_blocks * L.nwords, sizeof *L.dirty_in);
    L.bbs = calloc(in->n_blocks, sizeof *L.bbs);
    L.first_insn = calloc(in->n_blocks, sizeof *L.first_insn);
    size_t n_insns = 0;
    for (uint32_t bi = 0; bi < in->n_blocks && L.first_insn; bi++) {
        L.first_insn[bi] = (uint32_t)n_insns;
        n_insns += in->blocks[bi]->n_insns;
    }
    L.checked_all = calloc(n_insns + 1, sizeof *L.checked_all);
    L.fp_slot = calloc(L.nslots, sizeof *L.fp_slot);
    bool fp_helpers = false;
    if (!used || !L.slot || !L.slot_val || !L.slot_raw || !L.dirty || !scratch || !L.dirty_in ||
        !L.bbs || !L.first_insn || !L.checked_all || !L.fp_slot) {
        fail(&L, "out of memory");
        goto out;
    }
    scan_slots(&L, used, &fp_helpers);
    if (L.failed)
        goto out;
    if (in->pages)
        pick_checked(&L, scratch);
    compute_dirty_in(&L, scratch);

    LLVMContextRef C = L.C;
    L.fn = LLVMAddFunction(M, in->name, L.unit_ty);
    LLVMSetFunctionCallConv(L.fn, JIT_UNIT_CC);
    set_fn_attrs(&L, L.fn);
    L.state = LLVMGetParam(L.fn, 0);
    L.ctx = LLVMGetParam(L.fn, 1);
    L.prof_kind = LLVMGetMDKindIDInContext(C, "prof", 4);
    LLVMMetadataRef w[3] = {LLVMMDStringInContext2(C, "branch_weights", 14),
                            LLVMValueAsMetadata(jl_c32(&L, 1)),
                            LLVMValueAsMetadata(jl_c32(&L, 100000))};
    L.cold_w = LLVMMetadataAsValue(C, LLVMMDNodeInContext2(C, w, 3));
    LLVMMetadataRef lw[3] = {w[0], w[2], w[1]};
    L.likely_w = LLVMMetadataAsValue(C, LLVMMDNodeInContext2(C, lw, 3));
    L.B = LLVMCreateBuilderInContext(C);
    /* The entry block first, then one LLVM block per IR block. */
    LLVMBasicBlockRef entry = new_bb(&L, "entry");
    for (uint32_t bi = 0; bi < in->n_blocks; bi++) {
        char name[32];
        snprintf(name, sizeof name, "b%u", bi);
        L.bbs[bi] = new_bb(&L, name);
    }
    build_entry(&L, entry, used, fp_helpers);
    for (uint32_t bi = 0; bi < in->n_blocks && !L.failed; bi++)
        lift_block(&L, bi);
    LLVMDisposeBuilder(L.B);
    if (!L.failed && musttail && !make_musttail(M, err, errlen))
        L.failed = true;
out:
    free(used);
    free(L.slot);
    free(L.slot_val);
    free(L.slot_raw);
    free(L.raw);
    free(L.paged);
    free(L.first_insn);
    free(L.checked_all);
    free(L.fp_slot);
    free(L.got);
    free(L.dirty);
    free(scratch);
    free(L.dirty_in);
    free(L.bbs);
    free(L.t);
    return !L.failed;
}

bool jit_lift_chains_in_place(LLVMModuleRef M)
{
    for (LLVMValueRef f = LLVMGetFirstFunction(M); f; f = LLVMGetNextFunction(f))
        for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
            for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i; i = LLVMGetNextInstruction(i)) {
                if (!LLVMIsACallInst(i) || LLVMGetInstructionCallConv(i) != JIT_UNIT_CC)
                    continue;
                LLVMValueRef next = LLVMGetNextInstruction(i);
                if (!LLVMIsTailCall(i) || !next || LLVMGetInstructionOpcode(next) != LLVMRet ||
                    LLVMGetNumOperands(next) != 1 || LLVMGetOperand(next, 0) != i)
                    return false;
            }
    return true;
}

void jit_lift_stubs(LLVMModuleRef M)
{
    lift L = {0};
    init_types(&L, M);
    LLVMBuilderRef B = LLVMCreateBuilderInContext(L.C);

    LLVMTypeRef p3[3] = {L.ptr, L.ptr, L.ptr};
    LLVMValueRef enter = LLVMAddFunction(M, "jit_enter", LLVMFunctionType(L.i64, p3, 3, 0));
    LLVMPositionBuilderAtEnd(B, LLVMAppendBasicBlockInContext(L.C, enter, ""));
    LLVMValueRef args[2] = {LLVMGetParam(enter, 0), LLVMGetParam(enter, 1)};
    LLVMValueRef call = LLVMBuildCall2(B, L.unit_ty, LLVMGetParam(enter, 2), args, 2, "");
    LLVMSetInstructionCallConv(call, JIT_UNIT_CC);
    LLVMBuildRet(B, call);

    LLVMValueRef next = LLVMAddFunction(M, "jit_exit_next", L.unit_ty);
    LLVMSetFunctionCallConv(next, JIT_UNIT_CC);
    LLVMPositionBuilderAtEnd(B, LLVMAppendBasicBlockInContext(L.C, next, ""));
    LLVMBuildRet(B, LLVMConstInt(L.i64, JIT_X_NEXT, 0));
    LLVMDisposeBuilder(B);
    /* nounwind, like the units: no .eh_frame, whose PC64 relocations
     * jit_obj_link does not do, so a warm run links the cached stubs
     * without waiting for the LLVM session. */
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    LLVMAddAttributeAtIndex(enter, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(L.C, nounwind, 0));
    LLVMAddAttributeAtIndex(next, LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(L.C, nounwind, 0));
}
