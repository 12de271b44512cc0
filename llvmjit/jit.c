/*
 * jit.c — the jit's public face: options, the dispatcher hooks (running
 * chained units, profiling interpreted blocks, tier policy), invalidation,
 * and the synchronous API for tests.
 *
 *   jit_run(pc): cell(pc).code compiled? ─ no ─► (forced mode: compile now)
 *        │ yes                                  else: interpret
 *        ▼
 *   jit_enter(state, ctx, code) ─► units chain by tail calls ─► exit code:
 *     NEXT  ─► next pc compiled? enter it (fill the jump cache) : return
 *     HOT   ─► tier-1 entry reached hot2: request a region, re-enter
 *     SYSCALL / TRAP / FLUSH ─► return to the dispatcher
 */
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Orc.h>

#include "llvmjit/jit_cache_priv.h"
#include "llvmjit/jit_session.h"

void jit_options_default(jit_options *o)
{
    memset(o, 0, sizeof *o);
    o->mode = JIT_AUTO;
    o->hot1 = 50;
    o->hot2 = 5000;
}

static const char *const mode_names[] = {
    [JIT_OFF] = "off", [JIT_AUTO] = "auto", [JIT_T1] = "t1", [JIT_T2] = "t2"};

bool jit_parse_mode(const char *s, jit_mode *out)
{
    for (int m = JIT_OFF; m <= JIT_T2; m++) {
        if (strcmp(s, mode_names[m]) == 0) {
            *out = (jit_mode)m;
            return true;
        }
    }
    return false;
}

const char *jit_mode_name(jit_mode m)
{
    return m >= JIT_OFF && m <= JIT_T2 ? mode_names[m] : "?";
}

jit *jit_new(const jit_options *o, size_t state_size, uint64_t limit, char *err, size_t errlen)
{
    jit *j = calloc(1, sizeof *j);
    if (!j || !(j->cells = jit_cells_new())) {
        snprintf(err, errlen, "out of memory");
        free(j);
        return NULL;
    }
    j->opt = *o;
    j->state_size = state_size;
    j->limit = limit;
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->work, NULL);
    pthread_cond_init(&j->done, NULL);
    pthread_cond_init(&j->idle, NULL);
    atomic_init(&j->epoch, 1);
    j->exit_stub = (void *)jit_exit_stub;
    atomic_init(&j->has_retired, false);
    if (!jit_queue_start(j, err, errlen)) {
        jit_cells_free(j->cells);
        free(j);
        return NULL;
    }
    return j;
}

static void drop_installed(jit_cell *c, void *arg)
{
    (void)arg;
    if (c->unit) {
        /* The LLJIT is going: only drop our reference (cached units linked
         * without ORC have none; the cache frees their memory). */
        if (c->unit->rt)
            LLVMOrcReleaseResourceTracker(c->unit->rt);
        free(c->unit->members);
        free(c->unit);
        c->unit = NULL;
    }
}

void jit_free(jit *j)
{
    if (!j)
        return;
    j->st.guest_cpu_ns = jit_thread_cpu_ns();
    jit_queue_stop(j);
    jit_cache_close(j); /* writes the disk cache's pack */
    jit_perf_close(j);
    jit_cells_each(j->cells, drop_installed, NULL);
    jit_session_free(j->sess); /* frees all code */
    if (j->opt.log_stats)
        jit_stats_print(&j->st, j->opt.log ? j->opt.log : stderr, &j->opt);
    jit_cells_free(j->cells);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->work);
    pthread_cond_destroy(&j->done);
    pthread_cond_destroy(&j->idle);
    free(j);
}

jit_thread *jit_thread_new(jit *j, const ir_mem *mem, jit_block_fn blocks, void *blocks_ctx)
{
    jit_thread *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->j = j;
    t->mem = *mem;
    t->blocks = blocks;
    t->blocks_ctx = blocks_ctx;
    static const _Atomic uint32_t never;
    t->ctx.mem_base = mem->base;
    t->ctx.jcache = t->jcache;
    t->ctx.irq = &never;
    j->thread_ctx = t;
    return t;
}

void jit_thread_free(jit_thread *t)
{
    if (t && t->j->thread_ctx == t)
        t->j->thread_ctx = NULL;
    free(t);
}

void jit_thread_set_interrupt(jit_thread *t, const _Atomic uint32_t *flags)
{
    static const _Atomic uint32_t never;
    t->ctx.irq = flags ? flags : &never;
}

static bool forced(const jit *j) { return j->opt.mode == JIT_T1 || j->opt.mode == JIT_T2; }

static void *code_of(const jit *j, const jit_cell *c)
{
    void *code = c ? atomic_load_explicit(&c->code, memory_order_acquire) : NULL;
    return code == j->exit_stub ? NULL : code;
}

/* Forced modes: compiles the code for pc at the mode's tier and waits.
 * Returns its cell, or NULL when it must be interpreted (failed before). */
static jit_cell *compile_now(jit_thread *t, uint64_t pc)
{
    jit *j = t->j;
    int tier = j->opt.mode == JIT_T2 ? 2 : 1;
    uint8_t failed = tier == 2 ? JIT_CF_FAILED2 : JIT_CF_FAILED1;
    jit_cell *c = jit_cells_get(j->cells, pc, j->exit_stub);
    if (!c || (c->flags & failed))
        return NULL;
    jit_req *r = NULL;
    if (tier == 2) {
        r = jit_region_tier2(t, pc, true);
    } else {
        const ir_block *b = t->blocks(t->blocks_ctx, pc, true);
        r = b ? jit_region_tier1(t, b) : NULL;
    }
    if (!r) {
        c->flags |= failed;
        return NULL;
    }
    r->sync = true;
    jit_queue_push(j, r);
    jit_queue_wait(j, r);
    jit_req_free(r);
    if (!code_of(j, c)) {
        c->flags |= failed;
        return NULL;
    }
    return c;
}

/* Asks for a tier-2 region headed at c, once. */
static void request_region(jit_thread *t, jit_cell *c)
{
    jit *j = t->j;
    if (c->flags & (JIT_CF_QUEUED2 | JIT_CF_FAILED2 | JIT_CF_COVERED))
        return;
    c->flags |= JIT_CF_QUEUED2;
    jit_req *r = jit_region_tier2(t, c->pc, false);
    if (r)
        jit_queue_push(j, r);
    else
        c->flags |= JIT_CF_FAILED2;
}

bool jit_run(jit_thread *t, void *state, ir_exit *ex)
{
    jit *j = t->j;
    ir_state_head *h = state;
    jit_cell *c = jit_cells_find(j->cells, h->pc);
    void *code = code_of(j, c);
    if (!code && j->cache && (c = jit_cache_install(t, h->pc))) /* warm start */
        code = code_of(j, c);
    if (!code) {
        if (!forced(j) || !(c = compile_now(t, h->pc)))
            return false;
        code = code_of(j, c);
    }
    j->st.runs++;
    for (;;) {
        jit_jc_entry *e = &t->jcache[(h->pc >> 1) & (JIT_JC_SIZE - 1)];
        e->pc = h->pc;
        e->cell = c;
        uint64_t r = j->enter(state, &t->ctx, code);
        if (r <= JIT_X_HOT)
            j->st.exits[r]++;
        switch (r) {
        case JIT_X_NEXT:
            if (atomic_load_explicit(t->ctx.irq, memory_order_relaxed)) {
                ex->kind = IR_EXIT_NEXT; /* the dispatcher has work: go there */
                break;
            }
            c = jit_cells_find(j->cells, h->pc);
            code = code_of(j, c);
            if (!code && j->cache && (c = jit_cache_install(t, h->pc)))
                code = code_of(j, c);
            if (!code && forced(j) && (c = compile_now(t, h->pc)))
                code = code_of(j, c);
            if (code)
                continue;
            ex->kind = IR_EXIT_NEXT;
            break;
        case JIT_X_HOT:
            c = jit_cells_find(j->cells, h->pc);
            j->st.hot_events++;
            if (c) {
                request_region(t, c);
                code = code_of(j, c);
                if (code)
                    continue;
            }
            ex->kind = IR_EXIT_NEXT;
            break;
        case JIT_X_SYSCALL:
            ex->kind = IR_EXIT_SYSCALL;
            break;
        case JIT_X_FLUSH:
            ex->kind = IR_EXIT_FLUSH;
            break;
        case JIT_X_TRAP:
            ex->kind = IR_EXIT_TRAP;
            ex->trap = (ir_trap)t->ctx.trap;
            ex->addr = t->ctx.addr;
            break;
        default:
            fprintf(stderr, "liftvm: internal error: compiled code returned %llu at pc 0x%llx\n",
                    (unsigned long long)r, (unsigned long long)h->pc);
            abort();
        }
        break;
    }
    jit_queue_quiescent(j);
    return true;
}

void jit_note_block(jit_thread *t, const ir_block *b, const void *state, const ir_exit *ex)
{
    jit *j = t->j;
    j->st.interp_blocks++;
    if (j->opt.mode == JIT_OFF)
        return;
    jit_cell *c = jit_cells_get(j->cells, b->pc, j->exit_stub);
    if (!c)
        return;
    c->count++;
    if (ex->kind == IR_EXIT_NEXT && b->n_insns && b->insns[b->n_insns - 1].op == IR_JMPR) {
        uint64_t to = ((const ir_state_head *)state)->pc;
        for (int i = 0; i < JIT_IND_MAX; i++) {
            if (c->ind[i] == to)
                break;
            if (!c->ind[i]) {
                c->ind[i] = to;
                break;
            }
        }
    }
    if (j->opt.mode != JIT_AUTO)
        return;
    if (c->count >= j->opt.hot2) {
        request_region(t, c);
    } else if (c->count >= j->opt.hot1 && !(c->flags & (JIT_CF_QUEUED1 | JIT_CF_FAILED1))) {
        c->flags |= JIT_CF_QUEUED1;
        jit_req *r = jit_region_tier1(t, b);
        if (r)
            jit_queue_push(j, r);
        else
            c->flags |= JIT_CF_FAILED1;
    }
    jit_queue_quiescent(j);
}

static void reset_cell(jit_cell *c, void *arg)
{
    jit *j = arg;
    if (c->unit) {
        c->unit->cell = NULL;
        c->unit->next = j->to_free;
        j->to_free = c->unit;
        c->unit = NULL;
    }
    atomic_store(&c->tier, 0);
    atomic_store_explicit(&c->code, j->exit_stub, memory_order_release);
    c->count = 0;
    memset(c->ind, 0, sizeof c->ind);
    c->borrowed = NULL;
    c->flags = 0;
}

void jit_invalidate(jit *j)
{
    pthread_mutex_lock(&j->mu);
    atomic_fetch_add(&j->epoch, 1); /* in-flight and queued compiles are now stale */
    jit_cells_each(j->cells, reset_cell, j);
    /* The guest thread is outside compiled code: retired units can go too. */
    jit_unit **tail = &j->to_free;
    while (*tail)
        tail = &(*tail)->next;
    *tail = j->retired;
    j->retired = NULL;
    atomic_store(&j->has_retired, false);
    pthread_cond_signal(&j->work);
    pthread_mutex_unlock(&j->mu);
    if (j->thread_ctx)
        memset(j->thread_ctx->jcache, 0, sizeof j->thread_ctx->jcache);
    j->st.invalidations++;
}

/* ---- synchronous API for tests ---- */

jit_unit *jit_compile_sync(jit *j, const ir_block *const *blocks, size_t n, int tier, bool loops,
                           char *err, size_t errlen)
{
    if (n == 0) {
        snprintf(err, errlen, "no blocks");
        return NULL;
    }
    jit_req *r = jit_region_standalone(j, blocks, n, tier, loops);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    r->sync = true;
    jit_queue_push(j, r);
    jit_queue_wait(j, r);
    jit_unit *u = r->result;
    if (!u)
        snprintf(err, errlen, "%s", r->err);
    jit_req_free(r);
    return u;
}

jit_unit *jit_compile_block_sync(jit *j, const ir_block *b, int tier, char *err, size_t errlen)
{
    return jit_compile_sync(j, &b, 1, tier, false, err, errlen);
}

ir_exit jit_unit_run(jit_unit *u, void *state, const ir_mem *mem)
{
    static _Thread_local jit_jc_entry empty[JIT_JC_SIZE];
    static const _Atomic uint32_t never;
    jit_ctx ctx = {.mem_base = mem->base, .jcache = empty, .irq = &never};
    uint64_t r = u->enter(state, &ctx, u->code);
    switch (r) {
    case JIT_X_NEXT: return (ir_exit){.kind = IR_EXIT_NEXT};
    case JIT_X_SYSCALL: return (ir_exit){.kind = IR_EXIT_SYSCALL};
    case JIT_X_FLUSH: return (ir_exit){.kind = IR_EXIT_FLUSH};
    case JIT_X_TRAP:
        return (ir_exit){.kind = IR_EXIT_TRAP, .trap = (ir_trap)ctx.trap, .addr = ctx.addr};
    default:
        fprintf(stderr, "liftvm: internal error: unit returned %llu\n", (unsigned long long)r);
        abort();
    }
}

void jit_unit_free(jit *j, jit_unit *u)
{
    if (!u)
        return;
    pthread_mutex_lock(&j->mu);
    u->next = j->to_free;
    j->to_free = u;
    pthread_cond_signal(&j->work);
    pthread_mutex_unlock(&j->mu);
}
