/*
 * rt_exec.c — the dispatcher loop and guest fault handling.
 *
 *   ┌─► pc = state.pc ─► block cache ──miss──► frontend decode (+ -d in_asm, ir)
 *   │                        │ hit                    │
 *   │                        ▼                        ▼
 *   │               ir_interp_run(block) ◄────────── insert (+ code pages)
 *   │                        │      ▲ not compiled
 *   │   jit_run(pc) ─────────┤──────┘  (llvmjit/: chained compiled units;
 *   │                        │          jit_note_block profiles the rest)
 *   └── NEXT ◄───────────────┤── SYSCALL ─► rt_linux_syscall (exit ends the loop)
 *                            ├── FLUSH   ─► drop every translation (fence.i)
 *                            └── TRAP    ─► guest signal
 *
 * Translations are also dropped when the syscall layer changes the memory
 * map over translated code (rt_code_invalidate).
 *
 * Guest loads and stores are plain host accesses at mmu_base + addr; pages
 * the guest may not touch are protected on the host.  A host SIGSEGV/SIGBUS
 * whose address lies in the guest's reserved range is therefore a guest
 * memory fault: the handler (on an alternate stack) siglongjmps back here,
 * and the fault is reported at the state's pc, which the IR keeps at the
 * current guest instruction.  Compiled code keeps the state only at
 * checkpoints (before guest stores, at exits): a fault there is redone by
 * the interpreter from the last checkpoint, which then faults precisely.
 * (Accesses that compiled code checks against the mmu's page table instead
 * of checkpointing do not fault: a denied page goes to the interpreter.)
 * A host fault anywhere else is a liftvm bug.
 *
 * Threads: every guest thread runs this loop on its own host thread (see
 * runtime/linux/rt_thread.h); the fault state is per thread, the block
 * cache is shared (lock-free lookups, QSBR: the top of the loop is the
 * thread's quiescent point, a syscall an offline stretch).  The loop loads
 * the thread's flags word once per block: a pending guest signal is
 * delivered there (runtime/linux/rt_signal.c), and a trap or a fault in
 * guest memory goes to the guest's handler if it has one; otherwise the
 * guest dies of it: one line on stderr and liftvm dies of the same signal.
 * The jit is shared too: each thread has its own jit_thread (jump cache,
 * exit record) and runs the compiled code of every thread; code the jit
 * replaces or drops is freed by the same QSBR scheme (jit_run and
 * jit_note_block are the quiescent points, a syscall an offline stretch,
 * an exiting thread unregisters).  Dropping translations (fence.i, a map
 * change over code) flushes the block cache under tr.mu, then invalidates
 * the jit outside it: jit.prof_mu is taken before tr.mu when the jit
 * decodes blocks.
 */
#include "runtime/rt_exec.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#include "llvmjit/jit_cache.h"
#include "runtime/linux/rt_signal.h"
#include "runtime/rt_blockcache.h"
#include "runtime/rt_codemap.h"
#include "runtime/rt_log.h"

#define MAX_BLOCK_INSNS 64

/* Compiled code reads the mmu's page table as ir_mem.pages. */
_Static_assert((int)MMU_PAGE_LOAD == (int)IR_PAGE_LOAD && (int)MMU_PAGE_STORE == (int)IR_PAGE_STORE,
               "the mmu's page bits are the ones ir_mem.pages documents");

/* The translations of the running process: decoded blocks, the pages
 * they came from, and the jit (NULL with --jit=off or if it cannot start). */
static struct {
    rt_proc *p;
    rt_bcache *cache;
    rt_codemap *code;
    jit *j;
    pthread_mutex_t mu; /* the code map and flushing the block cache */
} tr = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* This thread's reader of tr.cache, and its handle on the jit (NULL: it
 * interprets). */
static _Thread_local rt_bcache_reader *reader;
static _Thread_local jit_thread *jt;
/* Blocks left to interpret before entering compiled code again, after a
 * host fault in compiled code: its state is the unit's last checkpoint and
 * the interpreter must repeat the loads since, up to the fault, which
 * recurs as a host fault or a trap (ending the redo).  Bounded so that a
 * fault that does not recur (another thread changed the map) lets the
 * compiled code back in. */
static _Thread_local uint32_t redo_blocks;
#define REDO_BLOCKS_MAX (1u << 20)

static jit_options jit_opts;
static bool jit_opts_set;
static jit_cache_options cache_opts;
static bool cache_opts_set, perfmap, jitdump;

void rt_exec_set_jit_options(const jit_options *o) {
    jit_opts = *o;
    jit_opts_set = true;
}

void rt_exec_set_cache_options(const jit_cache_options *o, bool perf_map, bool jit_dump) {
    cache_opts = *o;
    cache_opts_set = true;
    perfmap = perf_map;
    jitdump = jit_dump;
}

/* Where a host fault in guest memory jumps to, and what it saw (per
 * thread). */
static _Thread_local struct {
    const mmu_space *mm;
    sigjmp_buf jb;
    volatile sig_atomic_t armed;
    volatile uint64_t addr; /* guest address */
    volatile int signo;
    volatile int write; /* 1 store, 0 load, -1 unknown */
    volatile uint32_t mxcsr; /* the host's at the fault (compiled code's FP flags) */
} host_fault;

/* Async-signal-safe hex formatting for the internal-error message. */
static size_t fmt_hex(char *buf, uint64_t v) {
    char tmp[16];
    size_t n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    buf[0] = '0';
    buf[1] = 'x';
    for (size_t i = 0; i < n; i++)
        buf[2 + i] = tmp[n - 1 - i];
    return n + 2;
}

static void on_host_fault(int sig, siginfo_t *si, void *ucv) {
    if (si->si_code <= 0) { /* sent (kill, tgkill, sigqueue), not a fault */
        rt_signal_host_async(sig, si, ucv);
        return;
    }
    if (host_fault.armed && host_fault.mm && mmu_owns_host_addr(host_fault.mm, si->si_addr)) {
        host_fault.addr = (uint64_t)((uint8_t *)si->si_addr - mmu_base(host_fault.mm));
        host_fault.signo = sig;
        host_fault.write = -1;
        host_fault.mxcsr = 0;
#if defined(__x86_64__)
        /* Page-fault error code bit 1: the access was a write. */
        const ucontext_t *uc = ucv;
        host_fault.write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
        host_fault.mxcsr = uc->uc_mcontext.fpregs ? uc->uc_mcontext.fpregs->mxcsr : 0;
#else
        (void)ucv;
#endif
        host_fault.armed = 0;
        siglongjmp(host_fault.jb, 1);
    }
    char msg[96];
    size_t n = 0;
    const char *head = sig == SIGBUS ? "liftvm: internal error: host SIGBUS at "
                                     : "liftvm: internal error: host SIGSEGV at ";
    memcpy(msg, head, strlen(head));
    n = strlen(head);
    n += fmt_hex(msg + n, (uint64_t)(uintptr_t)si->si_addr);
    msg[n++] = '\n';
    ssize_t w = write(STDERR_FILENO, msg, n);
    (void)w;
    signal(SIGABRT, SIG_DFL);
    abort();
}

static void install_fault_handler(const mmu_space *mm) {
    static bool done;
    static stack_t ss = {.ss_size = 1 << 16};
    host_fault.mm = mm;
    if (done)
        return;
    done = true;
    ss.ss_sp = malloc(ss.ss_size);
    if (ss.ss_sp)
        sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_host_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* Prints "liftvm: guest killed by SIG... (why) at pc 0x..." and dies of sig,
 * without a core dump, so the parent sees the same death as natively. */
static _Noreturn void guest_killed(int sig, const char *why, uint64_t pc) {
    fprintf(stderr, "liftvm: guest killed by SIG%s (%s) at pc 0x%lx\n", sigabbrev_np(sig), why, pc);
    fflush(stderr);
    if (rt_log_file)
        fflush(rt_log_file);
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

/* Describes a memory fault at guest address addr for the kill message. */
static void describe_access(const rt_proc *p, char *buf, size_t n, const char *what, int need,
                            uint64_t addr) {
    int prot = mmu_page_prot(p->mm, addr);
    const char *state = prot < 0        ? "unmapped"
                        : need == MMU_W ? "read-only"
                        : need == MMU_X ? "non-executable"
                                        : "unreadable";
    if (prot >= 0 && (prot & need))
        state = "protected";
    snprintf(buf, n, "%s %s address 0x%lx", what, state, addr);
}

/* si_code of a SIGSEGV at addr: not mapped, or mapped without access. */
static int segv_code(const rt_proc *p, uint64_t addr) {
    return mmu_page_prot(p->mm, addr) < 0 ? RT_SEGV_MAPERR : RT_SEGV_ACCERR;
}

/* A trap at the state's pc: to the guest's handler if it has one (returns),
 * else the guest dies of it. */
static void guest_trap(rt_thread *t, ir_trap trap, uint64_t addr) {
    const rt_proc *p = t->proc;
    uint64_t pc = ((const ir_state_head *)t->cpu)->pc;
    uint64_t fetch = addr ? addr : pc;
    char why[160];
    switch (trap) {
    case IR_TRAP_ILLEGAL:
        if (rt_signal_sync(t, SIGILL, RT_ILL_ILLOPC, pc))
            return;
        guest_killed(SIGILL, "illegal instruction", pc);
    case IR_TRAP_BREAKPOINT:
        if (rt_signal_sync(t, SIGTRAP, RT_TRAP_BRKPT, pc))
            return;
        guest_killed(SIGTRAP, "breakpoint", pc);
    case IR_TRAP_FETCH_FAULT:
        if (rt_signal_sync(t, SIGSEGV, segv_code(p, fetch), fetch))
            return;
        describe_access(p, why, sizeof why, "instruction fetch from", MMU_X, fetch);
        guest_killed(SIGSEGV, why, pc);
    case IR_TRAP_LOAD_FAULT:
        if (rt_signal_sync(t, SIGSEGV, segv_code(p, addr), addr))
            return;
        describe_access(p, why, sizeof why, "load from", MMU_R, addr);
        guest_killed(SIGSEGV, why, pc);
    case IR_TRAP_STORE_FAULT:
        if (rt_signal_sync(t, SIGSEGV, segv_code(p, addr), addr))
            return;
        describe_access(p, why, sizeof why, "store to", MMU_W, addr);
        guest_killed(SIGSEGV, why, pc);
    case IR_TRAP_MISALIGNED:
        if (rt_signal_sync(t, SIGBUS, RT_BUS_ADRALN, addr))
            return;
        snprintf(why, sizeof why, "misaligned atomic access at 0x%lx", addr);
        guest_killed(SIGBUS, why, pc);
    default:
        snprintf(why, sizeof why, "unknown trap %d", (int)trap);
        guest_killed(SIGILL, why, pc);
    }
}

/* A host fault inside the guest range, caught by on_host_fault: to the
 * guest's handler if it has one (returns), else the guest dies of it. */
static void guest_host_fault(rt_thread *t) {
    const rt_proc *p = t->proc;
    uint64_t pc = ((const ir_state_head *)t->cpu)->pc;
    uint64_t addr = host_fault.addr;
    char why[160];
    if (host_fault.signo == SIGBUS) {
        if (rt_signal_sync(t, SIGBUS, RT_BUS_ADRERR, addr))
            return;
        snprintf(why, sizeof why, "access beyond the end of a mapped file at 0x%lx", addr);
        guest_killed(SIGBUS, why, pc);
    }
    if (rt_signal_sync(t, SIGSEGV, segv_code(p, addr), addr))
        return;
    if (host_fault.write < 0)
        snprintf(why, sizeof why, "access to unmapped or protected address 0x%lx",
                 (uint64_t)host_fault.addr);
    else if (host_fault.write)
        describe_access(p, why, sizeof why, "store to", MMU_W, host_fault.addr);
    else
        describe_access(p, why, sizeof why, "load from", MMU_R, host_fault.addr);
    guest_killed(SIGSEGV, why, pc);
}

static bool fetch_parcel(void *ctx, uint64_t addr, uint16_t *out) {
    return mmu_fetch16(ctx, addr, out);
}

static void log_new_block(const rt_proc *p, const ir_block *b) {
    if (rt_log_on(RT_LOG_IN_ASM)) {
        rt_logf("IN:\n");
        char text[128];
        for (uint64_t pc = b->pc; pc < b->end_pc;) {
            unsigned len = p->arch->disasm(pc, fetch_parcel, p->mm, text, sizeof text);
            if (len == 0)
                break;
            rt_logf("0x%016lx:  %s\n", pc, text);
            pc += len;
        }
        rt_logf("\n");
    }
    if (rt_log_on(RT_LOG_IR)) {
        ir_print_block(rt_log_file ? rt_log_file : stderr, b);
        rt_logf("\n");
    }
}

/* Decodes the block at pc and caches it (or takes the one another thread
 * cached first); a malformed block is a frontend bug.  A flush while
 * decoding may have made the bytes stale: decode again. */
static ir_block *translate(rt_proc *p, rt_bcache *cache, uint64_t pc) {
    for (;;) {
        uint64_t gen = rt_bcache_generation(cache);
        /* A block an earlier run decoded, kept in the disk cache, else decoded now. */
        ir_block *b = tr.j ? jit_cache_block(tr.j, pc) : NULL;
        if (!b)
            b = p->arch->decode_block(pc, fetch_parcel, p->mm, MAX_BLOCK_INSNS);
        if (!b) {
            fprintf(stderr, "liftvm: out of memory translating the block at 0x%lx\n", pc);
            exit(1);
        }
#ifndef NDEBUG
        /* Like an assert (the frontend's own consistency; the decoder
         * tests verify every block they make): ~5 % of a short warm run. */
        char msg[256];
        const char *bad = ir_verify(b, msg, sizeof msg);
        if (bad) {
            fprintf(stderr, "liftvm: internal error: invalid IR for the block at 0x%lx: %s\n", pc,
                    bad);
            ir_print_block(stderr, b);
            abort();
        }
#endif
        if (b->end_pc > b->pc) {
            pthread_mutex_lock(&tr.mu);
            rt_codemap_add(tr.code, b->pc, b->end_pc);
            pthread_mutex_unlock(&tr.mu);
        }
        ir_block *cached = rt_bcache_insert_since(cache, b, gen); /* frees b unless it is cached */
        if (!cached && rt_bcache_generation(cache) != gen)
            continue;
        if (!cached) {
            fprintf(stderr, "liftvm: out of memory translating the block at 0x%lx\n", pc);
            exit(1);
        }
        if (cached == b)
            log_new_block(p, cached);
        return cached;
    }
}

/* Drops every translation: decoded blocks (under tr.mu), then compiled
 * code.  In that order: a compile request made from a block looked up
 * before the flush carries an older jit epoch and is discarded.  Other
 * threads may be running compiled code; the jit keeps it alive until they
 * leave it. */
static void drop_translations(bool whole, uint64_t addr, uint64_t len) {
    pthread_mutex_lock(&tr.mu);
    bool drop = whole || rt_codemap_overlaps(tr.code, addr, len);
    if (drop) {
        rt_bcache_flush(tr.cache);
        rt_codemap_clear(tr.code);
    }
    pthread_mutex_unlock(&tr.mu);
    if (drop && tr.j)
        jit_invalidate(tr.j);
}

void rt_code_invalidate(rt_proc *p, uint64_t addr, uint64_t len) {
    if (tr.p != p || !tr.code)
        return;
    drop_translations(false, addr, len);
}

/* In the child of a fork only the forking thread exists: locks other
 * threads may have held are made afresh and the cache forgets their
 * readers. */
void rt_exec_after_fork_child(void) {
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    tr.mu = fresh;
    if (tr.cache)
        rt_bcache_after_fork(tr.cache, reader);
}

/* The jit's view of the block cache (on the calling guest thread). */
static const ir_block *jit_block_source(void *ctx, uint64_t pc, bool decode) {
    (void)ctx;
    ir_block *b = rt_bcache_lookup(tr.cache, pc);
    if (!b && decode)
        b = translate(tr.p, tr.cache, pc);
    return b;
}

/* Acts on a block exit; false when the thread's loop must end. */
static bool after_block(rt_thread *t, ir_exit ex) {
    switch (ex.kind) {
    case IR_EXIT_NEXT:
        return true;
    case IR_EXIT_SYSCALL: {
        rt_bcache_offline(reader); /* the call may block */
        if (jt)
            jit_thread_offline(jt);
        bool go_on = rt_linux_syscall(t->proc);
        if (jt)
            jit_thread_online(jt);
        rt_bcache_online(reader);
        if (go_on && atomic_load_explicit(&t->flags, memory_order_relaxed))
            go_on = rt_signal_deliver(t, true);
        return go_on;
    }
    case IR_EXIT_FLUSH:
        drop_translations(true, 0, 0);
        return true;
    case IR_EXIT_TRAP:
        redo_blocks = 0; /* a redo ends at the trap (an address out of range) */
        guest_trap(t, ex.trap, ex.addr);
        return true;
    case IR_EXIT_INTERP: /* jit_unit_run's only; jit_run returns false instead */
        break;
    }
    fprintf(stderr, "liftvm: internal error: unknown block exit %d at 0x%lx\n", (int)ex.kind,
            ((ir_state_head *)t->cpu)->pc);
    abort();
}

/* The loop proper, for one thread; returns when it exits (or the process). */
static void dispatch(rt_thread *t, rt_bcache *cache) {
    rt_proc *p = t->proc;
    ir_state_head *head = t->cpu;
    const ir_mem mem = {mmu_base(p->mm), mmu_limit(p->mm), MMU_GUARD, mmu_pages(p->mm)};
    for (;;) {
        rt_bcache_quiescent(reader);
        if (atomic_load_explicit(&t->flags, memory_order_relaxed) && !rt_signal_deliver(t, false))
            return;
        ir_exit ex;
        if (jt && !redo_blocks && jit_run(jt, t->cpu, &ex)) {
            if (!after_block(t, ex))
                return;
            continue;
        }
        uint64_t pc = head->pc;
        ir_block *b = rt_bcache_lookup(cache, pc);
        if (!b)
            b = translate(p, cache, pc);
        /* Threads sharing the block may lose counts: it is only a hint. */
        __atomic_store_n(&b->exec_count, __atomic_load_n(&b->exec_count, __ATOMIC_RELAXED) + 1,
                         __ATOMIC_RELAXED);
        if (rt_log_on(RT_LOG_EXEC))
            rt_logf("exec 0x%lx\n", pc);
        if (redo_blocks)
            redo_blocks--;
        ex = ir_interp_run(b, t->cpu, &mem);
        if (jt)
            jit_note_block(jt, b, t->cpu, &ex);
        if (!after_block(t, ex))
            return;
    }
}

/* For the jit's disk cache: is [start, end) read-only guest code (mapped
 * readable and executable, not writable)?  claim: count its pages as
 * translated code, so that a map change there drops what was made from it. */
static bool guest_code_ok(void *ctx, uint64_t start, uint64_t end, bool claim) {
    rt_proc *p = ctx;
    for (uint64_t a = start & ~MMU_PAGE_MASK; a < end; a += MMU_PAGE_SIZE) {
        int prot = mmu_page_prot(p->mm, a);
        if (prot < 0 || (prot & (MMU_R | MMU_X | MMU_W)) != (MMU_R | MMU_X))
            return false;
    }
    if (claim) {
        pthread_mutex_lock(&tr.mu);
        rt_codemap_add(tr.code, start, end);
        pthread_mutex_unlock(&tr.mu);
    }
    return true;
}

/* Attaches the disk cache and the perf outputs; each that cannot start
 * says why, and the run goes on without it. */
static void attach_cache_and_perf(rt_proc *p) {
    if (!cache_opts_set)
        jit_cache_options_default(&cache_opts);
    jit_guest g = {
        .isa = p->arch->name,
        .program = p->exe_abspath ? p->exe_abspath : p->exe_path,
        .sysroot = p->sysroot,
        .program_bias = p->load_bias,
        .interp_bias = p->interp_base,
        .mem_base = mmu_base(p->mm),
        .code_ok = guest_code_ok,
        .ctx = p,
    };
    char err[512];
    if (!jit_cache_attach(tr.j, &cache_opts, &g, err, sizeof err))
        fprintf(stderr, "liftvm: translation cache off: %s\n", err);
    if (!jit_perf_attach(tr.j, perfmap, jitdump, &g, err, sizeof err))
        fprintf(stderr, "liftvm: %s\n", err);
}

/* Starts the jit unless it is off; on failure says why and interprets. */
static void start_jit(rt_proc *p) {
    if (!jit_opts_set)
        jit_options_default(&jit_opts);
    if (jit_opts.mode == JIT_OFF)
        return;
    jit_options o = jit_opts;
    if (!cache_opts_set)
        jit_cache_options_default(&cache_opts);
    static char cache_dir[4096]; /* the compile thread reads it later */
    if (cache_opts.mode == JIT_CACHE_RW && jit_cache_dir(&cache_opts, cache_dir, sizeof cache_dir))
        o.cache_dir = cache_dir; /* the LLVM session keeps its stubs there */
    o.log = rt_log_file;
    o.log_units = rt_log_on(RT_LOG_JIT);
    o.log_stats = rt_log_on(RT_LOG_STATS);
    if (cache_opts.mode != JIT_CACHE_OFF)
        jit_cache_fd_reserve(); /* before jit_new starts the compile thread */
    char err[256];
    const ir_mem mem = {mmu_base(p->mm), mmu_limit(p->mm), MMU_GUARD, mmu_pages(p->mm)};
    tr.j = jit_new(&o, p->arch->state_size, &mem, err, sizeof err);
    if (!tr.j) {
        fprintf(stderr, "liftvm: the jit cannot start (%s); interpreting only\n", err);
        return;
    }
    attach_cache_and_perf(p);
    jit_cache_stats cs;
    /* A first run compiles soon: LLVM starts now, beside the guest.  A
     * program that ran before and left no records rarely compiles at all,
     * and loading LLVM (~5 ms) would then only delay its exit; it starts
     * with the first compile instead. */
    if (!jit_cache_get_stats(tr.j, &cs) || (cs.records == 0 && !cs.known))
        jit_start_session(tr.j);
}

/* After every guest thread has unregistered. */
static void stop_jit(void) {
    if (tr.j) {
        size_t n;
        const ir_block **blocks = rt_bcache_blocks(tr.cache, &n);
        jit_cache_keep_blocks(tr.j, blocks, blocks ? n : 0);
        free(blocks);
    }
    jit_free(tr.j); /* prints the -d stats summary */
    tr.j = NULL;
}

/* Runs t's loop until the thread or the process exits.  A host fault in
 * guest memory comes back through the sigsetjmp; the loop then goes on in
 * the guest's handler. */
static void run_thread(rt_thread *t) {
    host_fault.mm = t->proc->mm;
    reader = rt_bcache_reader_new(tr.cache);
    if (!reader) {
        fprintf(stderr, "liftvm: out of memory starting a guest thread\n");
        rt_thread_exit_process(1);
    }
    if (tr.j) {
        const ir_mem mem = {mmu_base(t->proc->mm), mmu_limit(t->proc->mm), MMU_GUARD,
                            mmu_pages(t->proc->mm)};
        jt = jit_thread_new(tr.j, &mem, jit_block_source, NULL);
        if (!jt)
            fprintf(stderr, "liftvm: out of memory for a thread's jit state; it interprets\n");
        else /* compiled loops return to the dispatcher when a signal is pending */
            jit_thread_set_interrupt(jt, &t->flags);
    }
    if (sigsetjmp(host_fault.jb, 1) != 0) {
        rt_signal_host_mask_lost(t); /* siglongjmp restored the mask of the sigsetjmp */
        if (jt && jit_thread_left_code(jt, t->cpu, host_fault.mxcsr)) {
            redo_blocks = REDO_BLOCKS_MAX;
        } else {
            redo_blocks = 0;
            guest_host_fault(t);
        }
    }
    host_fault.armed = 1;
    dispatch(t, tr.cache);
    host_fault.armed = 0;
    jit_thread_free(jt);
    jt = NULL;
    rt_bcache_reader_free(reader);
    reader = NULL;
}

/* A second guest thread is about to start: nothing to change, every
 * thread registers its own block-cache reader and jit_thread in
 * run_thread. */
static void threads_started(void) {}

static const rt_thread_runner runner = {run_thread, threads_started};

int rt_run(rt_proc *p) {
    rt_bcache *cache = rt_bcache_new();
    rt_codemap *code = rt_codemap_new();
    rt_thread *t = rt_thread_current(p);
    if (!cache || !code || !t) {
        fprintf(stderr, "liftvm: out of memory\n");
        return 1;
    }
    tr.p = p;
    tr.cache = cache;
    tr.code = code;
    static bool atfork_done;
    if (!atfork_done) {
        atfork_done = true;
        pthread_atfork(NULL, NULL, rt_exec_after_fork_child);
    }
    /* The jit's compile thread inherits a mask with every signal blocked:
     * a guest signal must not interrupt its host calls (the guest's host
     * handlers have no SA_RESTART). */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    start_jit(p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    install_fault_handler(p->mm);
    rt_signal_init(p);
    rt_thread_set_runner(&runner);
    run_thread(t);
    /* After an exit_group other threads may still be finishing, and then
     * rt_thread_finish ends the process at once: the -d stats summary is
     * printed now. */
    if (p->exited && tr.j && rt_thread_count() > 1)
        jit_print_stats(tr.j);
    /* Waits for the other threads if this one exited alone; ends the host
     * process at once if they still run after an exit_group. */
    int status = rt_thread_finish(t);
    stop_jit();
    rt_bcache_free(cache);
    rt_codemap_free(code);
    tr.p = NULL;
    tr.cache = NULL;
    tr.code = NULL;
    if (rt_log_file)
        fflush(rt_log_file);
    return status;
}
