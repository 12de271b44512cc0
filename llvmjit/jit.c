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
 *   Units leave the IEEE flags of their host FP instructions in the MXCSR
 *   (jit_lift_fp.c): jit_enter starts with them clear, and they are OR-ed
 *   into the state's fp_flags whenever the code returns.
 *
 * Several guest threads: each has a jit_thread.  Running code takes no
 * lock; profiling takes jit.prof_mu only on its slow path (a new cell, a
 * new indirect target, a block becoming hot).  Code that is replaced or
 * invalidated is retired and freed by QSBR: every guest thread passes a
 * quiescent point when it enters or leaves jit_run and after each
 * interpreted block it profiles (it holds no code pointer there, since
 * cells and the jump cache name cells, not code), and goes offline around
 * calls that may block (syscalls).  A retired unit is stamped with a new
 * grace period (jit.gp); once every registered thread has seen that
 * period or is offline, nobody can reach it any more and the compile
 * thread frees it.  A thread that stays inside one loop keeps the units it
 * runs alive (and may run code invalidated meanwhile until it leaves the
 * loop: every chain through a cell ends at the exit stub then).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ir/ir_fp.h"
#include "llvmjit/jit_backend.h"
#include "llvmjit/jit_cache_priv.h"

void jit_options_default(jit_options *o)
{
    memset(o, 0, sizeof *o);
    o->mode = JIT_AUTO;
    o->hot1 = 50;
    o->hot2 = 5000;
    o->checkpoint_cost = JIT_CHECKPOINT_COST;
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

jit *jit_new(const jit_options *o, size_t state_size, const ir_mem *mem, char *err, size_t errlen)
{
    jit *j = calloc(1, sizeof *j);
    if (!j || !(j->cells = jit_cells_new())) {
        snprintf(err, errlen, "out of memory");
        free(j);
        return NULL;
    }
    j->started_ns = jit_now_ns();
    j->owner_pid = (long)getpid();
    j->opt = *o;
    j->state_size = state_size;
    j->limit = mem->limit;
    j->guard = mem->guard;
    j->pages = mem->pages != NULL;
    pthread_mutex_init(&j->mu, NULL);
    pthread_mutex_init(&j->prof_mu, NULL);
    pthread_cond_init(&j->work, NULL);
    pthread_cond_init(&j->done, NULL);
    pthread_cond_init(&j->idle, NULL);
    atomic_init(&j->epoch, 1);
    j->exit_stub = (void *)jit_exit_stub;
    atomic_init(&j->has_retired, false);
    atomic_init(&j->gp, 1);
    jit_queue_start(j); /* the compile thread itself starts with the first work */
    return j;
}

static void drop_installed(jit_cell *c, void *arg)
{
    jit *j = arg;
    if (c->unit) {
        /* The LLJIT is going: only drop our reference (cached units linked
         * without ORC have none; the cache frees their memory). */
        if (c->unit->rt)
            j->llvm->session_release(j->sess, c->unit->rt);
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
    /* A short run ends with hot blocks still queued; dropped, they would
     * be found hot, queued and dropped again by every later run, which
     * would never start warm.  With a writable disk cache they are
     * compiled now, for at most twice as long as the run took plus 20 ms
     * (and 250 ms): once, since the next run finds them in the cache; a
     * queue longer than that takes a few runs.
     * LIFTVM_CACHE_DRAIN_MS: a test hook that sets the time (0: none).
     * Not in a forked child: its queue came from its parent, which drains
     * its own, and a child's exit should not wait. */
    uint64_t now = jit_now_ns(), until = 0;
    if (jit_cache_writable(j) && (long)getpid() == j->owner_pid) {
        uint64_t budget = 2 * (now - j->started_ns) + JIT_DRAIN_MIN_NS;
        if (budget > JIT_DRAIN_MAX_NS)
            budget = JIT_DRAIN_MAX_NS;
        const char *hook = getenv("LIFTVM_CACHE_DRAIN_MS");
        if (hook && *hook)
            budget = strtoull(hook, NULL, 10) * 1000000u;
        until = budget ? now + budget : 0;
    }
    jit_queue_stop(j, until);
    j->st.drain_ns = jit_now_ns() - now;
    jit_cache_close(j); /* writes the disk cache's pack */
    jit_perf_close(j);
    jit_cells_each(j->cells, drop_installed, j);
    if (j->sess)
        j->llvm->session_free(j->sess); /* frees all code */
    if (j->opt.log_stats)
        jit_stats_print(&j->st, j->opt.log ? j->opt.log : stderr, &j->opt);
    jit_cells_free(j->cells);
    pthread_mutex_destroy(&j->mu);
    pthread_mutex_destroy(&j->prof_mu);
    pthread_cond_destroy(&j->work);
    pthread_cond_destroy(&j->done);
    pthread_cond_destroy(&j->idle);
    free(j);
}

/* Adds a guest thread's counters (jit_thread.st) to to. */
static void add_thread_counters(jit_stats *to, const jit_stats *from)
{
    to->runs += from->runs;
    for (int i = 0; i < 5; i++)
        to->exits[i] += from->exits[i];
    to->hot_events += from->hot_events;
    to->interp_blocks += from->interp_blocks;
    to->fault_rollbacks += from->fault_rollbacks;
    to->interp_exits += from->interp_exits;
}

void jit_print_stats(jit *j)
{
    pthread_mutex_lock(&j->mu);
    bool print = j->opt.log_stats;
    j->opt.log_stats = false; /* not again in jit_free */
    jit_stats st = j->st;
    for (const jit_thread *t = j->threads; t; t = t->next)
        add_thread_counters(&st, &t->st);
    pthread_mutex_unlock(&j->mu);
    if (print) {
        st.guest_cpu_ns = jit_thread_cpu_ns();
        jit_stats_print(&st, j->opt.log ? j->opt.log : stderr, &j->opt);
    }
}

/* ---- guest threads and QSBR ---- */

/* The calling host thread's jit_thread (the one a fork keeps). */
static _Thread_local jit_thread *self;

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
    t->ctx.pages = mem->pages;
    t->ctx.jcache = t->jcache;
    t->ctx.irq = &never;
    t->epoch = atomic_load(&j->epoch);
    pthread_mutex_lock(&j->mu);
    atomic_init(&t->seen, atomic_load(&j->gp));
    t->next = j->threads;
    j->threads = t;
    pthread_mutex_unlock(&j->mu);
    self = t;
    return t;
}


void jit_thread_free(jit_thread *t)
{
    if (!t)
        return;
    jit *j = t->j;
    pthread_mutex_lock(&j->mu);
    for (jit_thread **p = &j->threads; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    add_thread_counters(&j->st, &t->st);
    jit_reclaim_locked(j); /* t may have been the last to hold retired code */
    pthread_mutex_unlock(&j->mu);
    if (self == t)
        self = NULL;
    free(t);
}

void jit_threads_after_fork(jit *j)
{
    jit_thread *keep = NULL;
    for (jit_thread *t = j->threads, *n; t; t = n) {
        n = t->next;
        if (t == self)
            keep = t;
        else
            free(t); /* its host thread does not exist in this process */
    }
    j->threads = keep;
    if (keep)
        keep->next = NULL;
}

void jit_retire_locked(jit *j, jit_unit *u)
{
    /* The cells no longer lead to u: a thread that sees the new period
     * (acquire) sees them changed. */
    u->gone_at = atomic_fetch_add(&j->gp, 1) + 1;
    u->next = j->retired;
    j->retired = u;
    atomic_store(&j->has_retired, true);
}

void jit_reclaim_locked(jit *j)
{
    if (!j->retired)
        return;
    uint64_t min = UINT64_MAX;
    for (const jit_thread *t = j->threads; t; t = t->next) {
        uint64_t s = atomic_load(&t->seen);
        if (s < min)
            min = s;
    }
    bool moved = false;
    for (jit_unit **p = &j->retired; *p;) {
        jit_unit *u = *p;
        if (u->gone_at <= min) {
            *p = u->next;
            u->next = j->to_free;
            j->to_free = u;
            moved = true;
        } else {
            p = &u->next;
        }
    }
    atomic_store(&j->has_retired, j->retired != NULL);
    if (moved)
        jit_wake(j);
}

/* A quiescent point of t: it holds no pointer to compiled code.  One load
 * and a compare unless something was retired since t's last one. */
static void quiescent(jit_thread *t)
{
    jit *j = t->j;
    uint64_t g = atomic_load_explicit(&j->gp, memory_order_acquire);
    if (atomic_load_explicit(&t->seen, memory_order_relaxed) == g)
        return;
    atomic_store_explicit(&t->seen, g, memory_order_release);
    if (atomic_load_explicit(&j->has_retired, memory_order_relaxed)) {
        pthread_mutex_lock(&j->mu);
        jit_reclaim_locked(j);
        pthread_mutex_unlock(&j->mu);
    }
}

void jit_thread_offline(jit_thread *t)
{
    jit *j = t->j;
    atomic_store(&t->seen, UINT64_MAX);
    if (atomic_load_explicit(&j->has_retired, memory_order_relaxed)) {
        pthread_mutex_lock(&j->mu);
        jit_reclaim_locked(j);
        pthread_mutex_unlock(&j->mu);
    }
}

void jit_thread_online(jit_thread *t)
{
    atomic_store(&t->seen, atomic_load(&t->j->gp));
    atomic_thread_fence(memory_order_seq_cst); /* before any cell is read */
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

static uint64_t count_of(const jit_cell *c) { return __atomic_load_n(&c->count, __ATOMIC_RELAXED); }

/* One more execution of c (threads sharing a block may lose counts: it is
 * only a hint, like the count tier-1 code keeps); returns the new count. */
static uint64_t count_up(jit_cell *c)
{
    uint64_t n = count_of(c) + 1;
    __atomic_store_n(&c->count, n, __ATOMIC_RELAXED);
    return n;
}

/* The disk cache's unit for pc, installed (under prof_mu: the cache's
 * loader state and cell flags are the profile's), or NULL. */
static jit_cell *cache_install(jit_thread *t, uint64_t pc)
{
    jit *j = t->j;
    if (!j->cache || !jit_cache_has(j, pc))
        return NULL;
    pthread_mutex_lock(&j->prof_mu);
    jit_cell *c = jit_cache_install(t, pc);
    pthread_mutex_unlock(&j->prof_mu);
    return c;
}

/* Forced modes: compiles the code for pc at the mode's tier and waits.
 * Returns its cell, or NULL when it must be interpreted (failed before, or
 * another thread's compile of it is under way). */
static jit_cell *compile_now(jit_thread *t, uint64_t pc)
{
    jit *j = t->j;
    int tier = j->opt.mode == JIT_T2 ? 2 : 1;
    uint8_t failed = tier == 2 ? JIT_CF_FAILED2 : JIT_CF_FAILED1;
    uint8_t queued = tier == 2 ? JIT_CF_QUEUED2 : JIT_CF_QUEUED1;
    pthread_mutex_lock(&j->prof_mu);
    jit_cell *c = jit_cells_get(j->cells, pc, j->exit_stub);
    if (!c || (c->flags & (failed | queued)) || code_of(j, c)) {
        pthread_mutex_unlock(&j->prof_mu);
        return code_of(j, c) ? c : NULL;
    }
    jit_req *r = NULL;
    if (tier == 2) {
        r = jit_region_tier2(t, pc, true);
    } else {
        const ir_block *b = t->blocks(t->blocks_ctx, pc, true);
        r = b ? jit_region_tier1(t, b) : NULL;
    }
    if (!r) {
        c->flags |= failed;
        pthread_mutex_unlock(&j->prof_mu);
        return NULL;
    }
    c->flags |= queued;
    r->sync = true;
    jit_queue_push(j, r);
    pthread_mutex_unlock(&j->prof_mu);
    jit_queue_wait(j, r); /* without prof_mu: other threads go on profiling */
    uint64_t made = r->epoch;
    jit_req_free(r);
    if (code_of(j, c))
        return c;
    pthread_mutex_lock(&j->prof_mu);
    /* Discarded because the code changed meanwhile: not a failure, a
     * later run compiles it afresh. */
    c->flags &= (uint8_t)~queued;
    if (made == atomic_load(&j->epoch))
        c->flags |= failed;
    pthread_mutex_unlock(&j->prof_mu);
    return NULL;
}

/* Asks for a tier-2 region headed at c, once (under prof_mu). */
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
    quiescent(t);
    /* Blocks this thread looks up from here on are at least this new. */
    t->epoch = atomic_load_explicit(&j->epoch, memory_order_acquire);
    jit_cell *c = jit_cells_find(j->cells, h->pc);
    void *code = code_of(j, c);
    if (!code && j->cache && (c = cache_install(t, h->pc))) /* warm start */
        code = code_of(j, c);
    if (!code) {
        if (!forced(j) || !(c = compile_now(t, h->pc)))
            return false;
        code = code_of(j, c);
    }
    t->st.runs++;
    ir_fp_take_host_flags(); /* whatever liftvm's own code raised; each return takes the rest */
    for (;;) {
        jit_jc_entry *e = &t->jcache[(h->pc >> 1) & (JIT_JC_SIZE - 1)];
        e->pc = h->pc;
        e->cell = c;
        t->in_code = true;
        uint64_t r = j->enter(state, &t->ctx, code);
        t->in_code = false;
        h->fp_flags |= ir_fp_take_host_flags();
        if (r <= JIT_X_HOT)
            t->st.exits[r]++;
        switch (r) {
        case JIT_X_NEXT:
            if (atomic_load_explicit(t->ctx.irq, memory_order_relaxed)) {
                ex->kind = IR_EXIT_NEXT; /* the dispatcher has work: go there */
                break;
            }
            c = jit_cells_find(j->cells, h->pc);
            code = code_of(j, c);
            if (!code && j->cache && (c = cache_install(t, h->pc)))
                code = code_of(j, c);
            if (!code && forced(j) && (c = compile_now(t, h->pc)))
                code = code_of(j, c);
            if (code)
                continue;
            ex->kind = IR_EXIT_NEXT;
            break;
        case JIT_X_HOT:
            c = jit_cells_find(j->cells, h->pc);
            t->st.hot_events++;
            if (c) {
                pthread_mutex_lock(&j->prof_mu);
                request_region(t, c);
                pthread_mutex_unlock(&j->prof_mu);
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
        case JIT_X_INTERP:
            t->st.interp_exits++;
            quiescent(t);
            return false; /* the dispatcher interprets the block at pc */
        default:
            fprintf(stderr, "liftvm: internal error: compiled code returned %llu at pc 0x%llx\n",
                    (unsigned long long)r, (unsigned long long)h->pc);
            abort();
        }
        break;
    }
    quiescent(t);
    return true;
}

bool jit_thread_left_code(jit_thread *t, void *state, uint32_t fault_mxcsr)
{
    bool was = t->in_code;
    t->in_code = false;
    if (was) {
        t->st.fault_rollbacks++;
        ((ir_state_head *)state)->fp_flags |= ir_fp_flags_of_mxcsr(fault_mxcsr);
    }
    return was;
}

/* Is to among c's indirect targets, or is there no room to add it? */
static bool ind_known(const jit_cell *c, uint64_t to)
{
    const uint64_t *ind = atomic_load_explicit(&c->ind, memory_order_acquire);
    for (int i = 0; ind && i < JIT_IND_MAX; i++) {
        uint64_t x = __atomic_load_n(&ind[i], __ATOMIC_RELAXED);
        if (x == to)
            return true;
        if (!x)
            return false;
    }
    return ind != NULL; /* no room left, or no array yet */
}

/* Does a block with this count and flags want a compile request (auto)? */
static bool wants_request(const jit *j, uint64_t count, uint8_t flags)
{
    if (count >= j->opt.hot2)
        return !(flags & (JIT_CF_QUEUED2 | JIT_CF_FAILED2 | JIT_CF_COVERED));
    return count >= j->opt.hot1 && !(flags & (JIT_CF_QUEUED1 | JIT_CF_FAILED1));
}

void jit_note_block(jit_thread *t, const ir_block *b, const void *state, const ir_exit *ex)
{
    jit *j = t->j;
    t->st.interp_blocks++;
    if (j->opt.mode == JIT_OFF)
        return;
    bool ind = ex->kind == IR_EXIT_NEXT && b->n_insns && b->insns[b->n_insns - 1].op == IR_JMPR;
    uint64_t to = ind ? ((const ir_state_head *)state)->pc : 0;
    bool autom = j->opt.mode == JIT_AUTO;
    /* The fast path takes no lock: a known cell, a known target, nothing
     * to request. */
    jit_cell *c = jit_cells_find(j->cells, b->pc);
    if (c) {
        uint64_t n = count_up(c);
        if ((!ind || ind_known(c, to)) && (!autom || !wants_request(j, n, c->flags))) {
            quiescent(t);
            return;
        }
    }
    pthread_mutex_lock(&j->prof_mu);
    if (!c) {
        if (!(c = jit_cells_get(j->cells, b->pc, j->exit_stub))) {
            pthread_mutex_unlock(&j->prof_mu);
            return;
        }
        count_up(c);
    }
    uint64_t *targets = ind ? jit_cells_ind(j->cells, c) : NULL;
    for (int i = 0; targets && i < JIT_IND_MAX; i++) {
        uint64_t x = __atomic_load_n(&targets[i], __ATOMIC_RELAXED);
        if (x == to)
            break;
        if (!x) {
            __atomic_store_n(&targets[i], to, __ATOMIC_RELAXED);
            break;
        }
    }
    uint64_t n = count_of(c);
    if (autom && n >= j->opt.hot2) {
        request_region(t, c);
    } else if (autom && n >= j->opt.hot1 && !(c->flags & (JIT_CF_QUEUED1 | JIT_CF_FAILED1))) {
        c->flags |= JIT_CF_QUEUED1;
        jit_req *r = jit_region_tier1(t, b);
        if (r)
            jit_queue_push(j, r);
        else
            c->flags |= JIT_CF_FAILED1;
    }
    pthread_mutex_unlock(&j->prof_mu);
    quiescent(t);
}

typedef struct reset_arg {
    jit *j;
    jit_unit *gone;
} reset_arg;

/* Under prof_mu and mu: c back to empty; its unit to a->gone. */
static void reset_cell(jit_cell *c, void *arg)
{
    reset_arg *a = arg;
    if (c->unit) {
        c->unit->cell = NULL;
        c->unit->next = a->gone;
        a->gone = c->unit;
        c->unit = NULL;
    }
    atomic_store(&c->tier, 0);
    atomic_store_explicit(&c->code, a->j->exit_stub, memory_order_release);
    __atomic_store_n(&c->count, 0, __ATOMIC_RELAXED);
    uint64_t *ind = atomic_load_explicit(&c->ind, memory_order_relaxed);
    for (int i = 0; ind && i < JIT_IND_MAX; i++)
        __atomic_store_n(&ind[i], 0, __ATOMIC_RELAXED);
    c->borrowed = NULL;
    c->flags = 0;
}

void jit_invalidate(jit *j)
{
    pthread_mutex_lock(&j->prof_mu);
    pthread_mutex_lock(&j->mu);
    atomic_fetch_add(&j->epoch, 1); /* in-flight and queued compiles are now stale */
    reset_arg a = {j, NULL};
    jit_cells_each(j->cells, reset_cell, &a);
    /* Retired only now that no cell leads to any of them (a region's
     * member cells borrowed its code).  Threads still running one of them
     * leave it at their next unit boundary (every cell is the exit stub)
     * and keep it alive until then. */
    for (jit_unit *u = a.gone, *n; u; u = n) {
        n = u->next;
        jit_retire_locked(j, u);
    }
    j->st.invalidations++;
    pthread_mutex_unlock(&j->mu);
    pthread_mutex_unlock(&j->prof_mu);
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
    /* Shared by all threads: compiled code only reads a jump cache.  (As a
     * thread-local array it cost every thread of every run 64 KiB to clear.) */
    static jit_jc_entry empty[JIT_JC_SIZE];
    static const _Atomic uint32_t never;
    jit_ctx ctx = {.mem_base = mem->base, .jcache = empty, .irq = &never, .pages = mem->pages};
    ir_fp_take_host_flags();
    uint64_t r = u->enter(state, &ctx, u->code);
    ((ir_state_head *)state)->fp_flags |= ir_fp_take_host_flags();
    switch (r) {
    case JIT_X_NEXT: return (ir_exit){.kind = IR_EXIT_NEXT};
    case JIT_X_SYSCALL: return (ir_exit){.kind = IR_EXIT_SYSCALL};
    case JIT_X_FLUSH: return (ir_exit){.kind = IR_EXIT_FLUSH};
    case JIT_X_TRAP:
        return (ir_exit){.kind = IR_EXIT_TRAP, .trap = (ir_trap)ctx.trap, .addr = ctx.addr};
    case JIT_X_INTERP: return (ir_exit){.kind = IR_EXIT_INTERP};
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
    jit_wake(j);
    pthread_mutex_unlock(&j->mu);
}
