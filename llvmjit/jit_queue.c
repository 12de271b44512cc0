/*
 * jit_queue.c — the compile thread: requests in, installed code out.
 *
 *   guest threads                        compile thread (owns all of LLVM)
 *   jit_queue_push(req) ──► queue ──►  lift, optimise, emit, link
 *   (keeps interpreting, or waits         │
 *    for a sync request)                  ▼ under jit.mu
 *                                       epoch unchanged and tier not lower?
 *                                        ├ yes: cell.unit = u; cell.code = u (release)
 *                                        │      the replaced unit → retired
 *                                        └ no:  u → to_free (never ran)
 *   every guest thread passed a quiescent point: retired → to_free
 *                                        ──► ORC resource tracker removed
 *
 * A replaced unit may still be running on any guest thread (a loop that
 * re-enters through the cell picks up the new code at its next entry), so
 * it is freed only after every guest thread has been outside compiled code
 * (or offline) once since it was retired: a thread cannot hold the old code
 * then, because cells and the jump caches name cells, not code (QSBR,
 * jit.c).  Cells that borrowed a retired region's code get theirs back
 * when it is retired, before its grace period starts.
 *
 * fork: the child of a host fork has no compile thread.  A pthread_atfork
 * handler waits until the thread is idle (between compiles, so it holds no
 * LLVM state half-changed) with jit.mu held across the fork; the child then
 * starts a new compile thread on the same session.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "llvmjit/jit_backend.h"
#include "llvmjit/jit_cache_priv.h"

void jit_req_free(jit_req *r)
{
    if (!r)
        return;
    for (uint32_t i = 0; i < r->n_blocks; i++)
        ir_block_free(r->blocks[i]);
    free(r->blocks);
    free(r->ind_hint);
    free(r->ind_targets);
    free(r->member_cell);
    free(r->exit_pc);
    free(r->exit_cell);
    free(r);
}

static void free_units(jit *j, jit_unit *u)
{
    while (u) {
        jit_unit *n = u->next;
        if (u->mem)
            jit_cache_release_code(j, u->mem);
        else if (j->sess)
            j->llvm->session_remove(j->sess, u->rt);
        free(u->members);
        free(u);
        j->st.freed++;
        u = n;
    }
}

static void log_unit(jit *j, const jit_req *r, const jit_unit *u, const jit_times *t,
                     const char *err)
{
    FILE *f = j->opt.log ? j->opt.log : stderr;
    uint32_t insns = 0;
    for (uint32_t i = 0; i < r->n_blocks; i++)
        insns += r->blocks[i]->n_guest;
    if (!u) {
        fprintf(f, "jit: t%d pc 0x%llx (%u blocks) failed: %s\n", r->tier,
                (unsigned long long)r->blocks[0]->pc, r->n_blocks, err);
        return;
    }
    fprintf(f,
            "jit: t%d u%llu pc 0x%llx: %u blocks, %u insns; lift %.3f opt %.3f codegen %.3f "
            "link %.3f ms; %zu bytes\n",
            r->tier, (unsigned long long)u->seq, (unsigned long long)u->pc, r->n_blocks, insns,
            t->lift_ns / 1e6, t->opt_ns / 1e6, t->codegen_ns / 1e6, t->link_ns / 1e6,
            u->obj_size);
}

/* Compiles r (without the lock); returns the unit or NULL with r->err. */
static jit_unit *compile(jit *j, jit_req *r)
{
    uint64_t seq = ++j->seq;
    char name[64];
    snprintf(name, sizeof name, "u%llu_%llx_t%d", (unsigned long long)seq,
             (unsigned long long)r->blocks[0]->pc, r->tier);
    bool counting = r->head && r->tier == 1 && j->opt.mode == JIT_AUTO;
    jit_lift_in in = {
        .blocks = (const ir_block *const *)r->blocks,
        .ind_hint = r->ind_hint,
        .ind_targets = r->ind_targets,
        .multi_entry = r->multi_entry,
        .n_blocks = r->n_blocks,
        .tier = r->tier,
        .loops = r->loops,
        .state_size = j->state_size,
        .limit = j->limit,
        .guard = j->guard,
        .pages = j->pages,
        .checkpoint_cost = j->opt.checkpoint_cost,
        .name = name,
        .head_cell = counting ? r->head : NULL,
        .hot2 = counting ? j->opt.hot2 : 0,
        .exits = r->head ? r : NULL,
    };
    bool force_fail = j->opt.fail_every && ++j->compiles % j->opt.fail_every == 0;
    jit_times t = {0};
    jit_compiled c = {0};
    int tier = r->tier >= 2 ? 2 : 1;
    jit_unit *u = NULL;
    if (j->llvm->session_compile(j->sess, &in, j->opt.dump_dir, force_fail, r->cacheable, &t,
                                 &c, r->err, sizeof r->err)) {
        u = calloc(1, sizeof *u);
        if (!u) {
            j->llvm->session_remove(j->sess, c.rt);
            snprintf(r->err, sizeof r->err, "out of memory");
        } else {
            u->pc = r->blocks[0]->pc;
            u->tier = tier;
            u->n_blocks = r->n_blocks;
            u->seq = seq;
            u->code = c.code;
            u->obj_size = c.obj_size;
            u->rt = c.rt;
            u->enter = j->enter;
            u->epoch = r->epoch;
            jit_cache_store(j, r, &in, c.obj, c.obj_size); /* disk cache, if on */
            jit_perf_unit(j->perf, u->pc, u->tier, u->code, c.code_size);
        }
        free(c.obj);
    }
    jit_stats *s = &j->st;
    s->lift_ns[tier] += t.lift_ns;
    s->opt_ns[tier] += t.opt_ns;
    s->codegen_ns[tier] += t.codegen_ns;
    s->link_ns[tier] += t.link_ns;
    s->relifted += t.relifted;
    if (u) {
        s->units[tier]++;
        s->blocks[tier] += r->n_blocks;
        for (uint32_t i = 0; i < r->n_blocks; i++)
            s->guest_insns[tier] += r->blocks[i]->n_guest;
        s->obj_bytes[tier] += u->obj_size;
    } else {
        s->failed[tier]++;
    }
    if (j->opt.log_units)
        log_unit(j, r, u, &t, r->err);
    return u;
}

/* Under j->mu: a multi-entry region also serves the cells of its other
 * blocks that have no region of their own: they borrow its code (their own
 * unit stays theirs) until the region is retired. */
static void lend_to_members(jit *j, const jit_req *r, jit_unit *u)
{
    if (!r->multi_entry || r->n_blocks < 2 || !(u->members = malloc(r->n_blocks * sizeof *u->members)))
        return;
    for (uint32_t k = 1; k < r->n_blocks; k++) {
        jit_cell *m = r->member_cell[k];
        if (!m || m == r->head || m->borrowed || atomic_load(&m->tier) >= u->tier)
            continue;
        m->borrowed = u;
        atomic_store_explicit(&m->code, u->code, memory_order_release);
        u->members[u->n_members++] = m;
        j->st.borrowed++;
    }
}

/* Under j->mu: cells still borrowing the code of a region about to be
 * retired go back to their own unit's code (or the exit stub). */
static void take_back_loans(jit *j, jit_unit *u)
{
    for (uint32_t i = 0; i < u->n_members; i++) {
        jit_cell *m = u->members[i];
        if (m->borrowed != u)
            continue;
        m->borrowed = NULL;
        atomic_store_explicit(&m->code, m->unit ? m->unit->code : j->exit_stub,
                              memory_order_release);
    }
    u->n_members = 0;
}

/* Under j->mu: publishes u in r's cell, or discards it if the code it was
 * made from may have changed meanwhile.  Also installs units loaded from
 * the disk cache (jit_cache.c, on the guest thread). */
void jit_queue_install(jit *j, jit_req *r, jit_unit *u)
{
    jit_cell *c = r->head;
    if (r->epoch != atomic_load(&j->epoch) || u->tier < atomic_load(&c->tier)) {
        u->next = j->to_free;
        j->to_free = u;
        j->st.discarded++;
        return;
    }
    jit_unit *old = c->unit;
    if (old)
        take_back_loans(j, old);
    c->unit = u;
    u->cell = c;
    atomic_store(&c->tier, (uint8_t)u->tier);
    /* Code borrowed from a region of at least this tier stays. */
    if (!c->borrowed || u->tier >= c->borrowed->tier) {
        c->borrowed = NULL;
        atomic_store_explicit(&c->code, u->code, memory_order_release);
    }
    lend_to_members(j, r, u);
    if (old) {
        old->cell = NULL;
        jit_retire_locked(j, old);
    }
}

/* Runs f(j, arg) without the lock, marked busy (a fork waits for it). */
static void unlocked(jit *j, void (*f)(jit *, void *), void *arg)
{
    j->busy = true;
    pthread_mutex_unlock(&j->mu);
    f(j, arg);
    pthread_mutex_lock(&j->mu);
    j->busy = false;
    if (j->paused)
        pthread_cond_broadcast(&j->idle);
}

static void free_list(jit *j, void *units) { free_units(j, units); }

typedef struct compile_call {
    jit_req *r;
    jit_unit *u;
} compile_call;

static void compile_one(jit *j, void *arg)
{
    compile_call *c = arg;
    c->u = compile(j, c->r);
}

typedef struct session_call {
    const jit_backend *llvm;
    jit_session *s;
    char err[512];
} session_call;

/* Loads the LLVM side (the first time: liftvm-llvm.so) and makes a session. */
static void new_session(jit *j, void *arg)
{
    session_call *c = arg;
    c->llvm = jit_backend_get(c->err, sizeof c->err);
    if (c->llvm)
        c->s = c->llvm->session_new(j->opt.cache_dir, c->err, sizeof c->err);
}

/* Under j->mu: starts the LLVM session (busy meanwhile).  On demand, not
 * at start: a warm run whose code all comes from the disk cache (with the
 * cached jit_enter stubs) never pays for it (~1.3 ms CPU). */
static void start_session(jit *j)
{
    session_call c = {NULL, NULL, ""};
    unlocked(j, new_session, &c);
    j->llvm = c.llvm;
    j->sess = c.s;
    if (c.s) {
        if (!j->enter) /* else the disk cache gave it already (jit_cache_attach) */
            j->enter = (jit_enter_fn)c.llvm->session_enter(c.s);
    } else {
        j->broken = true;
        snprintf(j->start_err, sizeof j->start_err, "the LLVM session cannot start: %.440s", c.err);
        fprintf(stderr, "liftvm: jit: %s; interpreting only\n", j->start_err);
    }
}

static bool session_needed(const jit *j)
{
    return !j->sess && !j->broken && (j->q_head || j->want_session);
}

/* After stop: go on with the queue?  (See jit_free: the compiles a short
 * run leaves queued would otherwise be made, and dropped, again by every
 * later run.) */
static bool draining(const jit *j)
{
    return j->q_head && !j->broken && !j->paused && jit_now_ns() < j->drain_until;
}

/* The compile thread's loop; runs with j->mu held except while busy. */
static void serve(jit *j)
{
    for (;;) {
        while (!j->stop && (j->paused || (!j->q_head && !j->to_free && !session_needed(j))))
            pthread_cond_wait(&j->work, &j->mu);
        if (j->stop && !draining(j))
            break;
        if (session_needed(j)) {
            start_session(j);
            continue;
        }
        if (j->to_free) {
            jit_unit *f = j->to_free;
            j->to_free = NULL;
            unlocked(j, free_list, f);
            continue;
        }
        jit_req *r = j->q_head;
        if (j->stop)
            j->st.drained++;
        j->q_head = r->next;
        if (!j->q_head)
            j->q_tail = NULL;
        j->q_len--;
        compile_call c = {r, NULL};
        if (j->broken)
            snprintf(r->err, sizeof r->err, "%.250s", j->start_err);
        else if (!r->sync && r->epoch != atomic_load(&j->epoch))
            j->st.discarded++; /* stale: the code it was made from may have changed */
        else
            unlocked(j, compile_one, &c);
        if (c.u && r->head)
            jit_queue_install(j, r, c.u);
        if (r->sync) {
            r->result = r->head ? NULL : c.u;
            r->done = true;
            pthread_cond_broadcast(&j->done);
        } else {
            jit_req_free(r);
        }
    }
}

static void *compile_main(void *arg)
{
    jit *j = arg;
    pthread_mutex_lock(&j->mu);
    j->busy = false; /* since jit_wake */
    if (j->paused)
        pthread_cond_broadcast(&j->idle);
    serve(j);
    pthread_mutex_unlock(&j->mu);
    j->st.thread_cpu_ns += jit_thread_cpu_ns();
    return NULL;
}

static bool spawn(jit *j, void *(*fn)(void *), char *err, size_t errlen)
{
    /* The compile thread takes no signals: guest and fault signals belong
     * to the guest thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&j->thread, NULL, fn, j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the compile thread: %s", strerror(rc));
        return false;
    }
    return true;
}

/* ---- fork ---- */

static jit *forking_jit; /* the process's jit, if any (one at a time) */

void jit_fork_prepare(void)
{
    jit *j = forking_jit;
    if (!j)
        return;
    /* prof_mu first (the lock order): no other guest thread is changing
     * the profile across the fork. */
    pthread_mutex_lock(&j->prof_mu);
    pthread_mutex_lock(&j->mu);
    j->paused = true;
    while (j->busy)
        pthread_cond_wait(&j->idle, &j->mu);
}

void jit_fork_parent(void)
{
    jit *j = forking_jit;
    if (!j)
        return;
    j->paused = false;
    pthread_cond_broadcast(&j->work);
    pthread_mutex_unlock(&j->mu);
    pthread_mutex_unlock(&j->prof_mu);
}

void jit_fork_child(void)
{
    jit *j = forking_jit;
    if (!j)
        return;
    /* Only this thread exists: fresh condition variables (the parent's had
     * the compile thread waiting); a compile thread starts when the child
     * first needs one (the parent's session, if it had started one, is
     * the child's too). */
    pthread_cond_init(&j->work, NULL);
    pthread_cond_init(&j->done, NULL);
    pthread_cond_init(&j->idle, NULL);
    j->paused = false;
    j->busy = false;
    j->thread_up = false;
    j->st.thread_cpu_ns = 0;
    jit_threads_after_fork(j);
    pthread_mutex_unlock(&j->mu);
    pthread_mutex_unlock(&j->prof_mu);
}

static void register_fork_handlers(void) { pthread_atfork(jit_fork_prepare, jit_fork_parent, jit_fork_child); }

void jit_start_session(jit *j)
{
    pthread_mutex_lock(&j->mu);
    j->want_session = true;
    jit_wake(j);
    pthread_mutex_unlock(&j->mu);
}

void jit_wake(jit *j)
{
    if (!j->thread_up && !j->no_thread && !j->stop) {
        char err[128];
        j->busy = true; /* until the thread holds mu: a fork must wait for it */
        if (spawn(j, compile_main, err, sizeof err)) {
            j->thread_up = true;
            j->st.thread_starts++;
        } else {
            fprintf(stderr, "liftvm: jit: %s; interpreting only\n", err);
            j->busy = false;
            j->broken = true;
            j->no_thread = true;
        }
    }
    pthread_cond_signal(&j->work);
}

/* The compile thread starts with the first work (a compile, the session,
 * code to free), not here: a run whose code all comes from the disk cache
 * never starts it, and stays single-threaded, which measured 3.7 -> 3.0 ms
 * for a warm busybox echo (glibc's malloc takes no locks in a process of
 * one thread, and mprotect/munmap need no TLB shootdown on another CPU).
 * The LLVM session starts on the thread when first needed, and the guest
 * runs in the interpreter meanwhile (empty cells hold the assembly exit
 * stub, not LLVM code). */
void jit_queue_start(jit *j)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_fork_handlers);
    if (!forking_jit)
        forking_jit = j;
}

void jit_queue_stop(jit *j, uint64_t drain_until)
{
    if (forking_jit == j)
        forking_jit = NULL;
    pthread_mutex_lock(&j->mu);
    j->stop = true;
    j->drain_until = drain_until;
    pthread_cond_broadcast(&j->work);
    bool up = j->thread_up;
    pthread_mutex_unlock(&j->mu);
    if (up)
        pthread_join(j->thread, NULL);
    /* The thread is gone: free what it left, then the session. */
    while (j->q_head) {
        jit_req *r = j->q_head;
        j->q_head = r->next;
        jit_req_free(r);
    }
    j->q_tail = NULL;
    free_units(j, j->retired);
    free_units(j, j->to_free);
    j->retired = j->to_free = NULL;
}

void jit_queue_push(jit *j, jit_req *r)
{
    if (j->cache)
        jit_cache_note_request(j, r); /* hashes the guest code now, on the guest thread */
    pthread_mutex_lock(&j->mu);
    if (j->no_thread) {
        snprintf(r->err, sizeof r->err, "no compile thread");
        if (r->sync) {
            r->done = true;
        } else {
            jit_req_free(r);
        }
        pthread_mutex_unlock(&j->mu);
        return;
    }
    r->next = NULL;
    if (j->q_tail)
        j->q_tail->next = r;
    else
        j->q_head = r;
    j->q_tail = r;
    if (++j->q_len > j->st.queue_max)
        j->st.queue_max = j->q_len;
    jit_wake(j);
    pthread_mutex_unlock(&j->mu);
}

void jit_queue_wait(jit *j, jit_req *r)
{
    pthread_mutex_lock(&j->mu);
    while (!r->done)
        pthread_cond_wait(&j->done, &j->mu);
    pthread_mutex_unlock(&j->mu);
}
