/*
 * jit_region.c — what to compile: compile requests from the profile.
 *
 * Tier 1 is one block.  A tier-2 region grows breadth-first from its head
 * along the static successors of each block (BR and JMP targets) and along
 * the observed targets of a block's indirect jump (returns, a bytecode
 * interpreter's dispatch), keeping only blocks that are hot themselves
 * (executed at least hot1 times); so loops, calls and returns inside the
 * hot path become LLVM control flow, and cold paths leave the unit.  In
 * forced tier-2 mode there is no profile: the region is what is statically
 * reachable, decoded on demand, up to a smaller size.  Every block of a
 * region is an entry (the unit dispatches on the state pc), so the region's
 * code also serves the cells of its other blocks.
 *
 * A request owns copies of its blocks (the block cache may be flushed while
 * the compile runs) and the cells of its exit targets (made here, under
 * jit.prof_mu, which every guest thread takes to change the profile).  It
 * carries the jit epoch of when its thread entered jit_run, from before it
 * looked any of the blocks up: if the code changed since, it is dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "llvmjit/jit_internal.h"

#define REGION_MAX 32        /* blocks in an auto-mode region */
#define REGION_FORCED_MAX 8  /* blocks in a forced tier-2 region */

static ir_block *copy_block(const ir_block *b)
{
    ir_block *c = ir_block_new(b->pc);
    if (!c)
        return NULL;
    c->insns = malloc((b->n_insns ? b->n_insns : 1) * sizeof *c->insns);
    if (!c->insns) {
        ir_block_free(c);
        return NULL;
    }
    memcpy(c->insns, b->insns, b->n_insns * sizeof *c->insns);
    c->end_pc = b->end_pc;
    c->n_insns = c->cap = b->n_insns;
    c->n_guest = b->n_guest;
    c->n_temps = b->n_temps;
    c->exec_count = __atomic_load_n(&b->exec_count, __ATOMIC_RELAXED);
    return c;
}

static jit_req *req_new(uint32_t cap, int tier, bool loops, uint64_t epoch)
{
    jit_req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->blocks = calloc(cap, sizeof *r->blocks);
    r->ind_hint = calloc(cap, sizeof *r->ind_hint);
    r->ind_targets = calloc((size_t)cap * JIT_IND_MAX, sizeof *r->ind_targets);
    r->member_cell = calloc(cap, sizeof *r->member_cell);
    if (!r->blocks || !r->ind_hint || !r->ind_targets || !r->member_cell) {
        jit_req_free(r);
        return NULL;
    }
    r->tier = tier;
    r->loops = loops;
    r->epoch = epoch;
    return r;
}

/* Adds a copy of b with its predicted indirect targets (NULL: none) and
 * its cell (NULL: none). */
static bool add_block(jit_req *r, const ir_block *b, const uint64_t *targets, jit_cell *cell)
{
    ir_block *c = copy_block(b);
    if (!c)
        return false;
    if (targets) {
        memcpy(&r->ind_targets[(size_t)r->n_blocks * JIT_IND_MAX], targets,
               JIT_IND_MAX * sizeof *targets);
        r->ind_hint[r->n_blocks] = targets[0];
    }
    r->member_cell[r->n_blocks] = cell;
    r->blocks[r->n_blocks++] = c;
    return true;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Fills r's exit table: every BR/JMP target with its cell, sorted. */
static bool add_exits(jit *j, jit_req *r)
{
    uint32_t n = 0, cap = 0;
    for (uint32_t i = 0; i < r->n_blocks; i++)
        cap += r->blocks[i]->n_insns;
    r->exit_pc = malloc((cap ? cap : 1) * sizeof *r->exit_pc);
    r->exit_cell = malloc((cap ? cap : 1) * sizeof *r->exit_cell);
    if (!r->exit_pc || !r->exit_cell)
        return false;
    for (uint32_t i = 0; i < r->n_blocks; i++) {
        const ir_block *b = r->blocks[i];
        for (uint32_t k = 0; k < b->n_insns; k++)
            if (b->insns[k].op == IR_BR || b->insns[k].op == IR_JMP)
                r->exit_pc[n++] = (uint64_t)b->insns[k].imm;
    }
    qsort(r->exit_pc, n, sizeof *r->exit_pc, cmp_u64);
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (m && r->exit_pc[m - 1] == r->exit_pc[i])
            continue;
        r->exit_pc[m] = r->exit_pc[i];
        r->exit_cell[m] = jit_cells_get(j->cells, r->exit_pc[i], j->exit_stub);
        if (!r->exit_cell[m])
            return false;
        m++;
    }
    r->n_exits = m;
    return true;
}

jit_req *jit_region_tier1(jit_thread *t, const ir_block *b)
{
    jit *j = t->j;
    jit_req *r = req_new(1, 1, false, t->epoch);
    if (!r)
        return NULL;
    r->head = jit_cells_get(j->cells, b->pc, j->exit_stub);
    if (!r->head || !add_block(r, b, NULL, r->head) || !add_exits(j, r)) {
        jit_req_free(r);
        return NULL;
    }
    return r;
}

static bool seen(const uint64_t *pcs, uint32_t n, uint64_t pc)
{
    for (uint32_t i = 0; i < n; i++)
        if (pcs[i] == pc)
            return true;
    return false;
}

jit_req *jit_region_tier2(jit_thread *t, uint64_t head, bool forced)
{
    jit *j = t->j;
    uint32_t max = forced ? REGION_FORCED_MAX : REGION_MAX;
    /* Candidates in breadth-first order; at most max are taken, and each
     * taken block adds at most its insns' worth of successors. */
    uint64_t work[REGION_MAX * 8];
    uint32_t nwork = 0, next = 0;
    jit_req *r = req_new(max, 2, true, t->epoch);
    if (!r)
        return NULL;
    r->head = jit_cells_get(j->cells, head, j->exit_stub);
    if (!r->head)
        goto fail;
    /* Every block an entry: code reached through a cell or the jump cache
     * (returns, dispatch) lands in the region instead of a tier-1 unit, and
     * forced mode compiles far fewer regions.  (It costs an entry edge, so
     * phis, into every block: measured worth it on the perf suite.) */
    r->multi_entry = true;
    work[nwork++] = head;
    while (next < nwork && r->n_blocks < max) {
        uint64_t pc = work[next++];
        jit_cell *c = jit_cells_find(j->cells, pc);
        uint64_t count = c ? __atomic_load_n(&c->count, __ATOMIC_RELAXED) : 0;
        if (!forced && pc != head && (!c || count < j->opt.hot1))
            continue; /* cold: an exit of the region */
        /* Decoded if need be: a block that only ran as a unit loaded from
         * the disk cache was never decoded in this run (and without it a
         * cached tier-1 unit that reached hot2 never got its region). */
        const ir_block *b = t->blocks(t->blocks_ctx, pc, true);
        if (!b) {
            if (pc == head)
                goto fail;
            continue;
        }
        if (!c && !(c = jit_cells_get(j->cells, pc, j->exit_stub)))
            goto fail;
        const uint64_t *ind = atomic_load_explicit(&c->ind, memory_order_acquire);
        if (!add_block(r, b, forced ? NULL : ind, c))
            goto fail;
        if (pc != head)
            c->flags |= JIT_CF_COVERED;
        for (uint32_t k = 0; k < b->n_insns; k++) {
            const ir_insn *x = &b->insns[k];
            uint64_t to[JIT_IND_MAX] = {0};
            if (x->op == IR_BR || x->op == IR_JMP)
                to[0] = (uint64_t)x->imm;
            else if (x->op == IR_JMPR && !forced && ind)
                memcpy(to, ind, sizeof to);
            for (int i = 0; i < JIT_IND_MAX && to[i]; i++)
                if (nwork < sizeof work / sizeof work[0] && !seen(work, nwork, to[i]))
                    work[nwork++] = to[i];
        }
    }
    if (!add_exits(j, r))
        goto fail;
    j->st.regions++;
    j->st.region_blocks += r->n_blocks;
    return r;
fail:
    jit_req_free(r);
    return NULL;
}

jit_req *jit_region_standalone(jit *j, const ir_block *const *blocks, size_t n, int tier,
                               bool loops)
{
    jit_req *r = req_new(n ? (uint32_t)n : 1, tier >= 2 ? 2 : 1, loops, atomic_load(&j->epoch));
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!add_block(r, blocks[i], NULL, NULL)) {
            jit_req_free(r);
            return NULL;
        }
    }
    return r;
}
