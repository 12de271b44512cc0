/*
 * rand_engine.c — the execution engines rand_diff compares.
 *
 *   interp    the reference: blocks of up to 64 instructions, ir_interp_run
 *   interp1   the same with one guest instruction per block
 *   t1        (JIT) every block compiled alone at tier 1 (jit_compile_block_sync),
 *             blocks of 1 to 64 instructions depending on the stream's slot
 *   t2        (JIT) tier-2 regions: from each entry pc, every block reachable
 *             by direct branches, compiled with loops (jit_compile_sync)
 *   t1chain   (JIT) the dispatcher path: jit_run in forced tier-1 mode with
 *             chaining between units, the interpreter for what is not compiled
 *   t2chain   the same in forced tier-2 mode
 *
 * The JIT engines are built when CMake finds the llvmjit implementation
 * (RAND_HAVE_JIT).  To add an engine: write a run function and add a row to
 * the engines[] table at the end of this file.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/fe.h"
#include "tests/rand/rand_diff.h"

#ifdef RAND_HAVE_JIT
#include "llvmjit/jit.h"
#endif

/* A stream runs at most this many blocks (loops are short; more is a bug). */
#define MAX_STEPS 200000u

int rd_trap_signal(ir_trap t)
{
    switch (t) {
    case IR_TRAP_ILLEGAL: return SIGILL;
    case IR_TRAP_BREAKPOINT: return SIGTRAP;
    case IR_TRAP_MISALIGNED: return SIGBUS;
    case IR_TRAP_FETCH_FAULT: case IR_TRAP_LOAD_FAULT: case IR_TRAP_STORE_FAULT: return SIGSEGV;
    default: return SIGILL;
    }
}

/* ---- per-run block cache: pc -> decoded, verified block ---- */

typedef struct bcache {
    uint64_t *pcs;
    ir_block **blocks;
    void **units; /* JIT units per entry pc (engine-specific), may stay NULL */
    size_t cap, n;
} bcache;

static size_t slot_of(const bcache *c, uint64_t pc)
{
    size_t i = (size_t)((pc >> 1) * 0x9e3779b97f4a7c15ull) & (c->cap - 1);
    while (c->blocks[i] && c->pcs[i] != pc)
        i = (i + 1) & (c->cap - 1);
    return i;
}

static bool bc_grow(bcache *c)
{
    bcache nc = {.cap = c->cap ? c->cap * 2 : 256};
    nc.pcs = calloc(nc.cap, sizeof *nc.pcs);
    nc.blocks = calloc(nc.cap, sizeof *nc.blocks);
    nc.units = calloc(nc.cap, sizeof *nc.units);
    if (!nc.pcs || !nc.blocks || !nc.units) {
        free(nc.pcs);
        free(nc.blocks);
        free(nc.units);
        return false;
    }
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->blocks[i])
            continue;
        size_t j = slot_of(&nc, c->pcs[i]);
        nc.pcs[j] = c->pcs[i];
        nc.blocks[j] = c->blocks[i];
        nc.units[j] = c->units[i];
        nc.n++;
    }
    free(c->pcs);
    free(c->blocks);
    free(c->units);
    *c = nc;
    return true;
}

/* Frees every block; free_unit (may be NULL) releases the units. */
static void bc_clear(bcache *c, void (*free_unit)(void *ctx, void *u), void *ctx)
{
    for (size_t i = 0; i < c->cap; i++) {
        if (c->units[i] && free_unit)
            free_unit(ctx, c->units[i]);
        ir_block_free(c->blocks[i]);
        c->blocks[i] = NULL;
        c->units[i] = NULL;
    }
    c->n = 0;
}

static void bc_free(bcache *c, void (*free_unit)(void *ctx, void *u), void *ctx)
{
    if (c->cap)
        bc_clear(c, free_unit, ctx);
    free(c->pcs);
    free(c->blocks);
    free(c->units);
    memset(c, 0, sizeof *c);
}

static bool fetch(void *ctx, uint64_t addr, uint16_t *out) { return mmu_fetch16(ctx, addr, out); }

/* The block at pc, decoding (max_insns) and verifying it on a miss; NULL
 * with err set on failure.  *slot gets its cache slot. */
static ir_block *bc_get(bcache *c, const rd_machine *m, uint64_t pc, unsigned max_insns,
                        size_t *slot, char *err, size_t errlen)
{
    if ((c->n + 1) * 2 > c->cap && !bc_grow(c)) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    size_t i = slot_of(c, pc);
    if (!c->blocks[i]) {
        ir_block *b = fe_riscv64.decode_block(pc, fetch, m->mm, max_insns);
        if (!b) {
            snprintf(err, errlen, "decode_block(0x%llx) failed", (unsigned long long)pc);
            return NULL;
        }
        char buf[160];
        const char *msg = ir_verify(b, buf, sizeof buf);
        if (msg) {
            snprintf(err, errlen, "block at 0x%llx does not verify: %s", (unsigned long long)pc,
                     msg);
            ir_block_free(b);
            return NULL;
        }
        c->pcs[i] = pc;
        c->blocks[i] = b;
        c->n++;
    }
    if (slot)
        *slot = i;
    return c->blocks[i];
}

/* Handles a block or unit exit: true when the run is over (*r says how). */
static bool finish_exit(const ir_exit *ex, const fe_rv64_state *st, uint64_t end_pc, int *sig,
                        rd_status *r, char *err, size_t errlen)
{
    switch (ex->kind) {
    case IR_EXIT_NEXT:
    case IR_EXIT_FLUSH:
        return false;
    case IR_EXIT_SYSCALL:
        if (st->head.pc == end_pc) {
            *r = RD_EXIT;
        } else {
            *r = RD_FAILED;
            snprintf(err, errlen, "unexpected ecall before 0x%llx",
                     (unsigned long long)st->head.pc);
        }
        return true;
    case IR_EXIT_TRAP:
        *r = RD_SIGNAL;
        *sig = rd_trap_signal(ex->trap);
        return true;
    case IR_EXIT_INTERP: /* the engines interpret first (interp_step) */
        break;
    }
    *r = RD_FAILED;
    snprintf(err, errlen, "unknown exit kind %d", (int)ex->kind);
    return true;
}

/* ---- engine contexts ---- */

/* Per engine, kept across runs: a run that ends in a host fault leaves by
 * siglongjmp (see rand_diff.c), so nothing a run allocates may live only in
 * its locals.  Every run starts by clearing the cache. */
typedef struct eng_ctx {
    bcache cache;
#ifdef RAND_HAVE_JIT
    jit *j;
    jit_thread *t; /* chain engines only */
    const rd_machine *m;
#endif
} eng_ctx;

static bool plain_open(rd_engine *e, const rd_machine *m, char *err, size_t errlen)
{
    (void)m;
    e->ctx = calloc(1, sizeof(eng_ctx));
    if (!e->ctx)
        snprintf(err, errlen, "out of memory");
    return e->ctx != NULL;
}

static void plain_close(rd_engine *e)
{
    eng_ctx *c = e->ctx;
    if (!c)
        return;
    bc_free(&c->cache, NULL, NULL);
    free(c);
    e->ctx = NULL;
}

/* ---- the interpreter ---- */

static rd_status run_interp(rd_engine *e, const rd_machine *m, fe_rv64_state *st, uint64_t end_pc,
                            int *sig, char *err, size_t errlen)
{
    bcache *c = &((eng_ctx *)e->ctx)->cache;
    bc_clear(c, NULL, NULL);
    rd_status r = RD_FAILED;
    for (unsigned steps = 0;; steps++) {
        if (steps == MAX_STEPS) {
            snprintf(err, errlen, "no exit after %u blocks (pc 0x%llx)", steps,
                     (unsigned long long)st->head.pc);
            break;
        }
        ir_block *b = bc_get(c, m, st->head.pc, e->param, NULL, err, errlen);
        if (!b)
            break;
        ir_exit ex = ir_interp_run(b, st, &m->mem);
        if (ex.kind == IR_EXIT_FLUSH)
            bc_clear(c, NULL, NULL);
        if (finish_exit(&ex, st, end_pc, sig, &r, err, errlen))
            break;
    }
    return r;
}

#ifdef RAND_HAVE_JIT

/* ---- the JIT tiers ---- */

static void free_unit(void *ctx, void *u) { jit_unit_free(((eng_ctx *)ctx)->j, u); }

static bool jit_open(rd_engine *e, const rd_machine *m, char *err, size_t errlen)
{
    eng_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    jit_options o;
    jit_options_default(&o);
    o.mode = e->param == 11 ? JIT_T1 : e->param == 12 ? JIT_T2 : JIT_OFF;
    /* as liftvm's test hook: 0 checks every access that needs a checkpoint
     * against the page table (see tests/CMakeLists.txt's rand-checked) */
    const char *cost = getenv("LIFTVM_JIT_CHECKPOINT_COST");
    if (cost && *cost)
        o.checkpoint_cost = (uint32_t)strtoul(cost, NULL, 10);
    c->m = m;
    c->j = jit_new(&o, sizeof(fe_rv64_state), &m->mem, err, errlen);
    if (!c->j) {
        free(c);
        return false;
    }
    e->ctx = c;
    return true;
}

static void jit_close(rd_engine *e)
{
    eng_ctx *c = e->ctx;
    if (!c)
        return;
    if (c->t)
        jit_thread_free(c->t);
    bc_free(&c->cache, free_unit, c);
    jit_free(c->j);
    free(c);
    e->ctx = NULL;
}

/* Block sizes of the t1 engine, chosen by the stream's slot, so block
 * boundaries (and the state written back at them) fall everywhere. */
static unsigned t1_block_size(uint64_t entry)
{
    static const unsigned sizes[] = {64, 1, 2, 3, 5, 8, 13, 21, 34};
    uint64_t slot = (entry - RVG_CODE_BASE) / RVG_CODE_STRIDE;
    return sizes[slot % (sizeof sizes / sizeof sizes[0])];
}

/* After IR_EXIT_INTERP (compiled code left an access at a rare address to
 * the interpreter, as jit_run does): one interpreted block from state pc. */
static bool interp_step(bcache *c, const rd_machine *m, fe_rv64_state *st, ir_exit *ex, char *err,
                        size_t errlen)
{
    ir_block *b = bc_get(c, m, st->head.pc, 64, NULL, err, errlen);
    if (!b)
        return false;
    *ex = ir_interp_run(b, st, &m->mem);
    return true;
}

/* Tier 1, one block per unit, run by this loop. */
static rd_status run_t1(rd_engine *e, const rd_machine *m, fe_rv64_state *st, uint64_t end_pc,
                        int *sig, char *err, size_t errlen)
{
    eng_ctx *jc = e->ctx;
    bcache *c = &jc->cache;
    bc_clear(c, free_unit, jc);
    rd_status r = RD_FAILED;
    unsigned size = t1_block_size(st->head.pc);
    for (unsigned steps = 0;; steps++) {
        if (steps == MAX_STEPS) {
            snprintf(err, errlen, "no exit after %u units", steps);
            break;
        }
        size_t i;
        ir_block *b = bc_get(c, m, st->head.pc, size, &i, err, errlen);
        if (!b)
            break;
        if (!c->units[i]) {
            char cerr[256];
            c->units[i] = jit_compile_block_sync(jc->j, b, 1, cerr, sizeof cerr);
            if (!c->units[i]) {
                snprintf(err, errlen, "tier-1 compile of 0x%llx failed: %s",
                         (unsigned long long)b->pc, cerr);
                break;
            }
        }
        ir_exit ex = jit_unit_run(c->units[i], st, &m->mem);
        if (ex.kind == IR_EXIT_INTERP && !interp_step(c, m, st, &ex, err, errlen))
            break;
        if (ex.kind == IR_EXIT_FLUSH)
            bc_clear(c, free_unit, jc);
        if (finish_exit(&ex, st, end_pc, sig, &r, err, errlen))
            break;
    }
    return r;
}

/* The blocks reachable from pc by direct branches and fall-through inside
 * [lo, hi), entry first; returns how many (at most cap). */
static size_t region_blocks(bcache *c, const rd_machine *m, uint64_t pc, uint64_t lo, uint64_t hi,
                            const ir_block **out, size_t cap, char *err, size_t errlen)
{
    size_t n = 0;
    uint64_t *work = malloc(cap * sizeof *work);
    if (!work)
        return 0;
    size_t nw = 0;
    work[nw++] = pc;
    while (nw && n < cap) {
        uint64_t p = work[--nw];
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = out[k]->pc == p;
        if (seen)
            continue;
        ir_block *b = bc_get(c, m, p, 64, NULL, err, errlen);
        if (!b)
            break;
        out[n++] = b;
        for (uint32_t k = 0; k < b->n_insns; k++) {
            const ir_insn *in = &b->insns[k];
            if (in->op != IR_BR && in->op != IR_JMP)
                continue;
            uint64_t t = (uint64_t)in->imm;
            if (t >= lo && t < hi && nw < cap)
                work[nw++] = t;
        }
    }
    free(work);
    return n;
}

/* Tier 2: a region unit per entry pc, with loops kept inside the unit. */
static rd_status run_t2(rd_engine *e, const rd_machine *m, fe_rv64_state *st, uint64_t end_pc,
                        int *sig, char *err, size_t errlen)
{
    enum { MAX_REGION = 512 };
    static const ir_block *blocks[MAX_REGION];
    eng_ctx *jc = e->ctx;
    bcache *c = &jc->cache;
    bc_clear(c, free_unit, jc);
    rd_status r = RD_FAILED;
    uint64_t lo = st->head.pc;
    for (unsigned steps = 0;; steps++) {
        if (steps == MAX_STEPS) {
            snprintf(err, errlen, "no exit after %u units", steps);
            break;
        }
        size_t i;
        uint64_t pc = st->head.pc;
        if (!bc_get(c, m, pc, 64, &i, err, errlen))
            break;
        if (!c->units[i]) {
            size_t n = region_blocks(c, m, pc, lo, end_pc, blocks, MAX_REGION, err, errlen);
            if (!n)
                break;
            i = slot_of(c, pc); /* the cache may have grown */
            char cerr[256];
            c->units[i] = jit_compile_sync(jc->j, blocks, n, 2, true, cerr, sizeof cerr);
            if (!c->units[i]) {
                snprintf(err, errlen, "tier-2 compile of a %zu-block region at 0x%llx failed: %s",
                         n, (unsigned long long)pc, cerr);
                break;
            }
        }
        ir_exit ex = jit_unit_run(c->units[i], st, &m->mem);
        if (ex.kind == IR_EXIT_INTERP && !interp_step(c, m, st, &ex, err, errlen))
            break;
        if (ex.kind == IR_EXIT_FLUSH)
            bc_clear(c, free_unit, jc);
        if (finish_exit(&ex, st, end_pc, sig, &r, err, errlen))
            break;
    }
    return r;
}

/* The block source of the chain engines: the engine's own cache. */
static const ir_block *chain_blocks(void *ctx, uint64_t pc, bool decode)
{
    eng_ctx *c = ctx;
    if (!decode) {
        if (!c->cache.cap)
            return NULL;
        size_t i = slot_of(&c->cache, pc);
        return c->cache.blocks[i];
    }
    char err[160];
    return bc_get(&c->cache, c->m, pc, 64, NULL, err, sizeof err);
}

/* The runtime's path: jit_run with chaining, the interpreter as fallback.
 * The code of a slot changes from stream to stream, so every run starts
 * with jit_invalidate (which the runtime calls on fence.i). */
static rd_status run_chain(rd_engine *e, const rd_machine *m, fe_rv64_state *st, uint64_t end_pc,
                           int *sig, char *err, size_t errlen)
{
    eng_ctx *jc = e->ctx;
    if (!jc->t) {
        jc->t = jit_thread_new(jc->j, &m->mem, chain_blocks, jc);
        if (!jc->t) {
            snprintf(err, errlen, "jit_thread_new failed");
            return RD_FAILED;
        }
    }
    jit_invalidate(jc->j);
    bc_clear(&jc->cache, NULL, NULL);
    rd_status r = RD_FAILED;
    for (unsigned steps = 0;; steps++) {
        if (steps == MAX_STEPS) {
            snprintf(err, errlen, "no exit after %u steps", steps);
            break;
        }
        ir_exit ex;
        if (!jit_run(jc->t, st, &ex)) {
            ir_block *b = bc_get(&jc->cache, m, st->head.pc, 64, NULL, err, errlen);
            if (!b)
                break;
            ex = ir_interp_run(b, st, &m->mem);
            jit_note_block(jc->t, b, st, &ex);
        }
        if (ex.kind == IR_EXIT_FLUSH) {
            jit_invalidate(jc->j);
            bc_clear(&jc->cache, NULL, NULL);
        }
        if (finish_exit(&ex, st, end_pc, sig, &r, err, errlen))
            break;
    }
    return r;
}

#endif /* RAND_HAVE_JIT */

static rd_engine engines[] = {
    {.name = "interp", .doc = "IR interpreter, blocks of up to 64 instructions", .run = run_interp,
     .open = plain_open, .close = plain_close, .param = 64},
    {.name = "interp1", .doc = "IR interpreter, one instruction per block", .run = run_interp,
     .open = plain_open, .close = plain_close, .param = 1},
#ifdef RAND_HAVE_JIT
    {.name = "t1", .doc = "tier 1, one block per unit (1 to 64 instructions by slot)",
     .run = run_t1, .open = jit_open, .close = jit_close, .jit = true},
    {.name = "t2", .doc = "tier 2, regions with loops", .run = run_t2, .open = jit_open,
     .close = jit_close, .jit = true},
    {.name = "t1chain", .doc = "jit_run in forced tier-1 mode, chained units", .run = run_chain,
     .open = jit_open, .close = jit_close, .param = 11, .jit = true},
    {.name = "t2chain", .doc = "jit_run in forced tier-2 mode, chained units", .run = run_chain,
     .open = jit_open, .close = jit_close, .param = 12, .jit = true},
#endif
};

rd_engine *rd_engines(size_t *n)
{
    *n = sizeof engines / sizeof engines[0];
    return engines;
}
