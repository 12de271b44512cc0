/*
 * jit_internal.h — struct layouts shared by the files of llvmjit/ (private).
 *
 * Threads: any number of guest threads (each with its own jit_thread: jump
 * cache, jit_ctx, counters) run compiled code and profile interpreted
 * blocks; the compile thread owns every LLVM object (one LLJIT: LLVM_NOTES
 * says two threads compiling in one LLJIT crash).
 *
 *   lock-free   finding a cell, its code pointer (acquire), its count
 *               (relaxed, a hint), running units, the jump caches
 *   jit.prof_mu adding cells, cell flags and indirect targets, region
 *               formation, disk-cache installs: the profile's slow path
 *   jit.mu      the request queue, installation (cell.unit, .borrowed,
 *               .tier, storing .code), the retired and free lists, the
 *               registry of guest threads
 * Lock order: prof_mu before mu.  Replaced units are freed by QSBR over
 * the registered guest threads (jit.c: jit_thread_quiescent).
 */
#ifndef LIFTVM_JIT_INTERNAL_H
#define LIFTVM_JIT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "llvmjit/jit.h"

/* What a compiled unit returns to jit_enter (and so to jit_run). */
enum {
    JIT_X_NEXT = 0, /* continue at state pc, which has no chained code */
    JIT_X_SYSCALL,  /* system call; state pc is the instruction after it */
    JIT_X_TRAP,     /* trap at state pc: jit_ctx.trap and .addr */
    JIT_X_FLUSH,    /* fence.i: state pc is the instruction after it */
    JIT_X_HOT,      /* tier-1 unit reached hot2 on entry; nothing ran */
    JIT_X_BAD,      /* entered at a pc that is not one of its entries (a bug) */
    JIT_X_INTERP,   /* the instruction at state pc is the interpreter's (guest_ptr) */
};

/* Distinct indirect-jump targets remembered per block (a bytecode VM's
 * dispatch jump has many); a region branches to those it contains.  16:
 * targets are kept in the order first seen, and with 8 the 15-opcode VM of
 * perf/bench_interp.c left hot handlers outside its region (31 % slower). */
#define JIT_IND_MAX 16

/* At exit, queued compiles go on for the disk cache for twice the run's
 * time plus the first, at most the second (jit_free). */
#define JIT_DRAIN_MIN_NS (20ull * 1000 * 1000)
#define JIT_DRAIN_MAX_NS (250ull * 1000 * 1000)

/* The calling convention of units: LLVM's tailcc, whose calls marked `tail`
 * in tail position are guaranteed to become jumps at every optimisation
 * level, so chains of units never grow the host stack. */
#define JIT_UNIT_CC 18u

typedef struct jit_unit jit_unit;

/* Per guest pc: where compiled code enters, and the block's profile.  Cells
 * are never freed while the jit lives (only reset), so compiled code may
 * embed their addresses.  Lifted code knows the offsets of code and count. */
typedef struct jit_cell {
    _Atomic(void *) code;     /* +0: the unit whose entry is pc, or the exit stub */
    uint64_t count;           /* +8: executions: interpreted + tier-1 entries */
    uint64_t pc;
    /* NULL, or JIT_IND_MAX targets seen after the block's indirect jump,
     * 0 = none: most blocks end otherwise, and cells stay small (a short
     * run makes ~1,000 of them).  Made and written under jit.prof_mu
     * (jit_cells_ind), read atomically. */
    _Atomic(uint64_t *) ind;
    jit_unit *unit;           /* installed unit, owned (under jit.mu) */
    jit_unit *borrowed;       /* code is this multi-entry region's, not unit's (under jit.mu) */
    _Atomic uint8_t tier;     /* tier of the installed unit, 0 none (written under jit.mu) */
    _Atomic uint8_t flags;    /* JIT_CF_* (written under jit.prof_mu) */
} jit_cell;

enum {
    JIT_CF_QUEUED1 = 1 << 0, /* tier-1 compile requested */
    JIT_CF_QUEUED2 = 1 << 1, /* tier-2 region with this head requested */
    JIT_CF_FAILED1 = 1 << 2, /* tier-1 compile failed: keep interpreting */
    JIT_CF_FAILED2 = 1 << 3,
    JIT_CF_COVERED = 1 << 4, /* inside a requested tier-2 region: no region of its own */
};

/* Jump cache entry: indirect jumps look the target up inline. */
typedef struct jit_jc_entry {
    uint64_t pc;
    jit_cell *cell;
} jit_jc_entry;

#define JIT_JC_BITS 12
#define JIT_JC_SIZE (1u << JIT_JC_BITS)

/* jit_options.checkpoint_cost's default: a checkpoint costing more
 * (jit_lift.c checkpoint_cost: a store per slot, four per FP result) is
 * dearer than checking the accesses after it against the page table.
 * Measured: the checkpoints of perf/bench_nbody.c's loop (~14 slots, most
 * of them FP results) made it ~20 % slower than checking; those of
 * bench_sort (9-15 integer slots) and bench_interp (5-6) are 5-50 % cheaper
 * than checking, since every access after a checked one is checked too. */
#define JIT_CHECKPOINT_COST 16

/* Per guest thread, passed to every unit; offsets known to lifted code. */
typedef struct jit_ctx {
    uint8_t *mem_base;    /* +0: guest address 0 */
    uint64_t trap;        /* +8: ir_trap of a JIT_X_TRAP exit */
    uint64_t addr;        /* +16: faulting address of a JIT_X_TRAP exit */
    jit_jc_entry *jcache; /* +24: JIT_JC_SIZE entries */
    const _Atomic uint32_t *irq; /* +32: nonzero when the guest thread has work pending
                                    (a signal to deliver): units return at entry and on
                                    loop back edges */
    const uint8_t *pages; /* +40: ir_mem.pages (units made with a page table only) */
} jit_ctx;

/* Calls a unit from C: jit_enter(state, ctx, code) (a stub made in LLVM IR
 * because units use tailcc). */
typedef uint64_t (*jit_enter_fn)(void *state, jit_ctx *ctx, void *code);

struct jit_unit {
    uint64_t pc; /* entry */
    int tier;
    uint32_t n_blocks;
    uint64_t seq; /* unique: the function is named u<seq> */
    void *code;
    size_t obj_size;
    void *rt; /* LLVMOrcResourceTrackerRef; freed on the compile thread */
    void *mem; /* instead of rt: code of a cached unit linked by jit_codemem.c */
    jit_cell *cell; /* where installed, or NULL */
    jit_cell **members; /* multi-entry region: the other cells whose code is this unit's */
    uint32_t n_members;
    jit_enter_fn enter;
    uint64_t epoch;
    uint64_t gone_at; /* retired: jit.gp then; freed once every guest thread saw it */
    jit_unit *next; /* in one of the lists below */
};

/* ---- statistics (jit_stats.c); timers in ns ---- */
typedef struct jit_stats {
    uint64_t units[3], failed[3], blocks[3], guest_insns[3], obj_bytes[3];
    uint64_t relifted; /* tier-1 units lifted again with musttail (jit_times) */
    uint64_t lift_ns[3], opt_ns[3], codegen_ns[3], link_ns[3];
    uint64_t thread_cpu_ns; /* compile thread CPU time */
    uint64_t thread_starts; /* compile threads started (jit_wake; 0: none was needed) */
    uint64_t guest_cpu_ns;  /* CPU time of the thread that frees the jit (the guest's) */
    uint64_t discarded;     /* finished after an invalidation */
    uint64_t freed;
    uint64_t invalidations;
    uint64_t queue_max;
    uint64_t drained, drain_ns; /* compiles done at exit for the disk cache, and their time */
    /* per guest thread (jit_thread.st), summed into jit.st as each goes */
    uint64_t runs, exits[5], hot_events, regions, region_blocks, interp_blocks, borrowed;
    uint64_t fault_rollbacks; /* host faults in compiled code, redone by the interpreter */
    uint64_t interp_exits;    /* instructions compiled code left to the interpreter */
} jit_stats;

void jit_stats_print(const jit_stats *s, FILE *f, const jit_options *o);
uint64_t jit_now_ns(void);
uint64_t jit_thread_cpu_ns(void);

/* ---- compile requests (jit_queue.c) ---- */
typedef struct jit_req {
    struct jit_req *next;
    int tier;
    bool loops;          /* direct branches between the blocks stay inside */
    bool sync;           /* a waiter wants result/err; it frees the request */
    uint64_t epoch;      /* jit.epoch when made; stale requests are dropped */
    jit_cell *head;      /* install here (NULL: not installed, sync only) */
    ir_block **blocks;   /* owned copies; blocks[0] is the entry */
    uint64_t *ind_hint;  /* per block: predicted indirect target, 0 none (= ind_targets[0]) */
    uint64_t *ind_targets; /* per block: JIT_IND_MAX predicted targets, 0 = none */
    jit_cell **member_cell; /* per block: its cell (blocks[0]: head), NULL if none */
    bool multi_entry;    /* every block is an entry: install into the member cells too */
    uint32_t n_blocks;
    uint64_t *exit_pc;   /* direct exit targets and their cells, sorted by pc */
    jit_cell **exit_cell;
    uint32_t n_exits;
    /* disk cache (jit_cache.c): the guest code bytes, hashed when the
     * request was made (on the guest thread) */
    bool cacheable;
    uint8_t code_hash[16];
    /* results of a sync request: err is empty on success */
    bool done;
    jit_unit *result;    /* the unit when head is NULL */
    char err[256];
} jit_req;

struct jit_session;
struct jit_backend;
typedef struct jit_cells jit_cells;

struct jit {
    jit_options opt;
    size_t state_size;
    uint64_t limit, guard;    /* the guest memory's (ir_mem) */
    bool pages;               /* it has a page table: units check accesses (jit_lift.c) */
    const struct jit_backend *llvm; /* set with sess, before it */
    struct jit_session *sess; /* compile thread only (made there) */
    void *exit_stub;          /* jit_exit_stub: the code of empty cells */
    jit_enter_fn enter;       /* set by the compile thread before any unit exists */

    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work;      /* queue or free list not empty, session wanted, or stop */
    pthread_cond_t done;      /* a sync request finished */
    pthread_cond_t idle;      /* the compile thread stopped being busy (fork waits) */
    bool busy;                /* the compile thread works outside mu (in LLVM) */
    bool paused;              /* a fork is under way: start nothing */
    bool stop;
    bool broken;              /* the session could not start: every compile fails */
    bool want_session;        /* someone waits for the session (it starts on demand) */
    bool thread_up;           /* the compile thread exists (jit_wake starts it) */
    bool no_thread;           /* it could not be started: compiles fail */
    uint64_t started_ns;      /* jit_new (jit_now_ns) */
    long owner_pid;           /* the process that made it (not a forked child) */
    uint64_t drain_until;     /* after stop, queued compiles go on until then (jit_free) */
    char start_err[512];
    jit_req *q_head, *q_tail;
    uint64_t q_len;
    jit_unit *retired;        /* replaced or dropped; freed once no guest thread can run them */
    jit_unit *to_free;        /* for the compile thread to free */
    atomic_bool has_retired;
    _Atomic uint64_t gp;      /* grace periods: bumped at each retirement (QSBR) */
    jit_thread *threads;      /* registered guest threads (under mu) */
    _Atomic uint64_t epoch;
    uint64_t seq;             /* compile thread: unit names */
    uint64_t compiles;        /* compile thread: for fail_every */

    struct jit_cache *cache;  /* persistent translation cache (jit_cache.c), or NULL */
    struct jit_perf *perf;    /* perf map and jitdump (jit_perfmap.c), or NULL */

    pthread_mutex_t prof_mu;  /* the profile's slow path (see the top of this file) */
    jit_cells *cells;
    jit_stats st;
};

struct jit_thread {
    jit_ctx ctx;
    jit *j;
    ir_mem mem;
    jit_block_fn blocks;
    void *blocks_ctx;
    _Atomic uint64_t seen; /* jit.gp at its last quiescent point; UINT64_MAX offline */
    uint64_t epoch;        /* jit.epoch when jit_run began: requests made from blocks
                              looked up since carry it */
    jit_thread *next;      /* jit.threads */
    jit_stats st;          /* its share of the guest-thread counters */
    bool in_code;          /* inside j->enter: a host fault there is compiled code's
                              (see jit_thread_left_code) */
    jit_jc_entry jcache[JIT_JC_SIZE];
};

/* ---- QSBR for compiled code (jit.c) ---- */
/* Under jit.mu: u is no longer reachable through any cell; it is freed
 * once every registered guest thread has passed a quiescent point (or was
 * offline) since. */
void jit_retire_locked(jit *j, jit_unit *u);
/* Under jit.mu: moves the retired units no guest thread can hold to the
 * compile thread's free list. */
void jit_reclaim_locked(jit *j);
/* In the child of a fork (jit.mu held): only the calling thread's
 * jit_thread stays registered; the others' threads are gone. */
void jit_threads_after_fork(jit *j);

/* ---- the cell table (jit_cells.c) ---- */
jit_cells *jit_cells_new(void);
void jit_cells_free(jit_cells *c);
/* Lock-free, from any thread (NULL if pc has no cell yet). */
jit_cell *jit_cells_find(const jit_cells *c, uint64_t pc);
/* Finds or makes the cell of pc (code = stub); NULL when out of memory.
 * Under jit.prof_mu. */
jit_cell *jit_cells_get(jit_cells *c, uint64_t pc, void *stub);
/* Calls fn on every cell (under jit.prof_mu). */
void jit_cells_each(jit_cells *c, void (*fn)(jit_cell *, void *), void *arg);
/* x's indirect-target array, made (zeroed) on first use; NULL if out of
 * memory.  Under jit.prof_mu; freed with the cells. */
uint64_t *jit_cells_ind(jit_cells *c, jit_cell *x);

/* ---- compile thread and queue (jit_queue.c) ---- */
/* Sets up the queue (fork handlers); no thread yet (see jit_wake). */
void jit_queue_start(jit *j);
/* Under j->mu: tells the compile thread there is work, starting it first
 * if this is the first (see jit_queue_start). */
void jit_wake(jit *j);
/* Stops the compile thread; queued requests are dropped, except that
 * until drain_until (jit_now_ns; 0: not at all) it compiles them first. */
void jit_queue_stop(jit *j, uint64_t drain_until);
/* Takes ownership of r (sync: the caller waits with jit_queue_wait). */
void jit_queue_push(jit *j, jit_req *r);
void jit_queue_wait(jit *j, jit_req *r);
void jit_req_free(jit_req *r);

/* ---- requests from the profile (jit_region.c), under jit.prof_mu ---- */
/* A tier-1 request for b, or a tier-2 region with head pc; NULL if none
 * could be made (out of memory, block unavailable). */
jit_req *jit_region_tier1(jit_thread *t, const ir_block *b);
jit_req *jit_region_tier2(jit_thread *t, uint64_t pc, bool forced);
/* A request for the given blocks, not installed anywhere (tests). */
jit_req *jit_region_standalone(jit *j, const ir_block *const *blocks, size_t n, int tier,
                               bool loops);

#endif
