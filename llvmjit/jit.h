/*
 * jit.h — the LLVM tiers: hot IR blocks and regions compiled to host code.
 *
 *   dispatcher ─► jit_run(pc) ── compiled? ── yes ─► units chain to each other
 *       │                          │ no              until a syscall, trap,
 *       ▼                          ▼                 fence.i or uncompiled pc
 *   interpreter ─► jit_note_block: counts; hot1 ─► tier 1 (one block, quick)
 *                  tier-1 entries reach hot2 ─► region of hot blocks ─► tier 2 (O2)
 *                  compiles run on one background thread; code is installed
 *                  with an atomic store into the block's cell
 *
 * Any number of guest threads may use one jit, each through its own
 * jit_thread (jump cache, exit record, QSBR state): they share the compiled
 * code and the profile.  Running compiled code takes no lock; replaced and
 * invalidated code is freed once every jit_thread has been outside compiled
 * code (or offline) since.
 *
 * Lifted code consumes the same IR the interpreter runs (ir/ir_interp.c is
 * normative) and agrees with it bit for bit, including the pc and registers
 * a guest sees at a fault.  Usage from a dispatcher:
 *
 *   jit *j = jit_new(&opts, state_size, &mem, err, sizeof err);
 *   jit_thread *t = jit_thread_new(j, &mem, block_source, ctx);
 *   for (;;) {
 *       ir_exit ex;
 *       if (!jit_run(t, state, &ex)) {            // nothing compiled at pc
 *           b = block at pc; ex = ir_interp_run(b, state, &mem);
 *           jit_note_block(t, b, state, &ex);      // profile, maybe enqueue
 *       }
 *       handle ex (NEXT, SYSCALL, TRAP, FLUSH -> jit_invalidate)
 *   }
 */
#ifndef LIFTVM_JIT_H
#define LIFTVM_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/ir.h"

typedef enum jit_mode {
    JIT_OFF,  /* interpreter only */
    JIT_AUTO, /* tiered by the hot1/hot2 thresholds (default) */
    JIT_T1,   /* every block compiled at tier 1 before it first runs */
    JIT_T2,   /* every block compiled at tier 2 (as a region head) before it first runs */
} jit_mode;

typedef struct jit_options {
    jit_mode mode;
    uint32_t hot1;        /* interpreted executions of a block before tier 1 */
    uint32_t hot2;        /* executions (interpreted + tier 1) before a tier-2 region */
    const char *dump_dir; /* --dump-llvm: IR before/after optimisation per unit, or NULL */
    const char *cache_dir; /* the disk cache's folder (jit_cache.h), where the session keeps
                              its compiled stubs for the next start, or NULL */
    uint32_t fail_every;  /* test hook (LIFTVM_JIT_FAIL_EVERY): every Nth compile fails */
    uint32_t checkpoint_cost; /* test hook (LIFTVM_JIT_CHECKPOINT_COST): with a page table,
                                 accesses whose checkpoint would cost more are checked
                                 against it instead (jit_lift.c; 0: all of them) */
    FILE *log;            /* where the two logs below go (stderr if NULL) */
    bool log_units;       /* -d jit: one line per compiled unit */
    bool log_stats;       /* -d stats: a summary when the jit is freed */
} jit_options;

void jit_options_default(jit_options *o);
/* "off", "auto", "t1", "t2" -> mode; false if unknown. */
bool jit_parse_mode(const char *s, jit_mode *out);
const char *jit_mode_name(jit_mode m);

typedef struct jit jit;               /* the LLVM session and its compile thread */
typedef struct jit_thread jit_thread; /* per guest thread: jump cache, exit record, QSBR */
typedef struct jit_unit jit_unit;     /* one compiled function */

/* The runtime's IR: the block at pc, decoding it when decode is true and it
 * is not cached yet; NULL if unavailable.  Called on the guest thread that
 * owns the jit_thread (inside jit_run or jit_note_block); the jit copies
 * what it keeps. */
typedef const ir_block *(*jit_block_fn)(void *ctx, uint64_t pc, bool decode);

/* Starts the session and the compile thread.  state_size: bytes of guest
 * state (it begins with ir_state_head); mem: its limit and guard are baked
 * into bounds checks (every thread's memory must have the same).  NULL with
 * a message in err on failure. */
jit *jit_new(const jit_options *o, size_t state_size, const ir_mem *mem, char *err, size_t errlen);
/* Stops the compile thread, frees all code; prints the -d stats summary
 * unless jit_print_stats did. */
void jit_free(jit *j);
/* The LLVM session starts on demand (the first compile, or a cached unit
 * that needs it); this starts it now, in the background: for a run that
 * will compile soon (nothing cached for the program). */
void jit_start_session(jit *j);
/* Prints the -d stats summary now (guest threads still registered count
 * what they did so far), once: the process may end without jit_free. */
void jit_print_stats(jit *j);

/* A guest thread's handle, registered with j (online); made and used on
 * that thread only.  NULL if out of memory.  Free every jit_thread before
 * the jit. */
jit_thread *jit_thread_new(jit *j, const ir_mem *mem, jit_block_fn blocks, void *blocks_ctx);
/* Unregisters t (its thread holds no compiled code any more) and frees it. */
void jit_thread_free(jit_thread *t);
/* Around a call that may block for long (a syscall): an offline thread
 * runs no compiled code and does not hold back the freeing of replaced
 * code.  jit_run and jit_note_block are its quiescent points otherwise. */
void jit_thread_offline(jit_thread *t);
void jit_thread_online(jit_thread *t);
/* Compiled code returns to the dispatcher soon (at the next unit entry or
 * loop back edge) when *flags is nonzero: a pending guest signal must not
 * wait for a hot loop to end.  Default: never. */
void jit_thread_set_interrupt(jit_thread *t, const _Atomic uint32_t *flags);

/* Runs compiled code for the state's pc, if there is any (in forced modes,
 * compiling it first).  Returns false when the block at state pc must be
 * interpreted: touching nothing, or after compiled code left the
 * instruction at state pc to the interpreter (a rare address, see
 * jit_lift.c guest_ptr); else true with the exit that ended the chain of
 * units in *ex: IR_EXIT_NEXT (state pc has no compiled code), SYSCALL,
 * TRAP, FLUSH. */
bool jit_run(jit_thread *t, void *state, ir_exit *ex);

/* After a host fault on this thread siglongjmp'ed out: was it in compiled
 * code?  Then the state holds the unit's last checkpoint, not the faulting
 * instruction's (units write the state back only at checkpoints and exits;
 * accesses checked against the page table do not fault, see
 * llvmjit/jit_lift.h), and the caller must interpret from there: the interpreter
 * repeats the loads since and faults precisely.  Clears the mark.  Then
 * also ORs the IEEE flags in fault_mxcsr (the host MXCSR the fault's
 * ucontext saved: compiled code accrues guest FP flags there) into the
 * state's fp_flags; the redo raises those of the ops since the checkpoint
 * again, and flags are sticky. */
bool jit_thread_left_code(jit_thread *t, void *state, uint32_t fault_mxcsr);

/* After the interpreter ran b ending with ex: profiles it, and in auto mode
 * enqueues a tier-1 compile when the block becomes hot. */
void jit_note_block(jit_thread *t, const ir_block *b, const void *state, const ir_exit *ex);

/* Guest code may have changed (fence.i; mmap, munmap or mprotect over
 * translated code): drops every translation and in-flight compile.  Call on
 * a guest thread, outside compiled code; other threads running compiled
 * code meanwhile leave it at their next unit boundary (the code stays
 * alive until they have).  Blocks the runtime gives the jit must come from
 * a block cache flushed before this call. */
void jit_invalidate(jit *j);

/* Fork handlers, registered with pthread_atfork when the first jit starts
 * (they pause the compile thread across the fork and start a new one in
 * the child); a host clone that bypasses glibc's fork() must run them
 * itself (runtime/linux/syscall_fork.c). */
void jit_fork_prepare(void);
void jit_fork_parent(void);
void jit_fork_child(void);

/* ---- synchronous API for tests (e.g. the random-instruction tester) ---- */

/* Compiles blocks[0..n) at tier 1 or 2 and waits for the result: blocks[0]
 * is the entry; with loops, direct branches between the given blocks become
 * LLVM branches, otherwise every exit leaves the unit (one pass, like one
 * ir_interp_run).  Nothing is chained to other units.  NULL with err set
 * when the compile fails. */
jit_unit *jit_compile_sync(jit *j, const ir_block *const *blocks, size_t n, int tier, bool loops,
                           char *err, size_t errlen);
/* Shorthand for one block, one pass. */
jit_unit *jit_compile_block_sync(jit *j, const ir_block *b, int tier, char *err, size_t errlen);
/* Runs u once on state and mem (its limit and guard must be the jit's).
 * IR_EXIT_INTERP: the caller must interpret a block at state pc. */
ir_exit jit_unit_run(jit_unit *u, void *state, const ir_mem *mem);
void jit_unit_free(jit *j, jit_unit *u);

#endif
