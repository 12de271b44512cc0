/*
 * jit_cache.h — the persistent translation cache, and what the runtime
 * tells the jit about the guest for it and for perf (jit_perf.h).
 *
 *   compile (compile thread) ─► object bytes ─► zstd ─► DIR/v1/g-<program>/j-<key>
 *   first reach of pc (guest thread): cached unit for pc? ─► guest bytes
 *       still hash to its key? ─► link the object (no LLVM passes, no codegen)
 *       ─► installed in pc's cell, as if just compiled
 *
 * The key (XXH3-128) covers the configuration (guest ISA, liftvm's build
 * id, LLVM version, host CPU name and features, guest state size and
 * memory limit, jit mode and hot2), the unit's shape (tier, loops,
 * chaining, counter) and every block's pc, end, indirect-target hint and
 * guest code bytes.  Usage from the runtime, after jit_new:
 *
 *   jit_cache_options co;  jit_cache_options_default(&co);   // + LIFTVM_CACHE...
 *   jit_guest g = {.isa = "riscv64", .program = path, .code_ok = fn, ...};
 *   if (!jit_cache_attach(j, &co, &g, err, sizeof err)) warn(err);  // runs uncached
 *
 * jit_free writes what is new, keeps the cache under its size limit and
 * logs the run's hit counts.
 */
#ifndef LIFTVM_JIT_CACHE_H
#define LIFTVM_JIT_CACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "llvmjit/jit.h"

typedef enum jit_cache_mode {
    JIT_CACHE_OFF, /* neither read nor written */
    JIT_CACHE_RO,  /* cached units are used; nothing is written */
    JIT_CACHE_RW,  /* used and written (default) */
} jit_cache_mode;

#define JIT_CACHE_DEFAULT_MAX (1ull << 30)

typedef struct jit_cache_options {
    jit_cache_mode mode;
    const char *dir;    /* NULL: $XDG_CACHE_HOME/liftvm, else ~/.cache/liftvm */
    uint64_t max_bytes; /* size limit; least recently used programs go first */
} jit_cache_options;

void jit_cache_options_default(jit_cache_options *o);
/* "off", "ro", "rw" -> mode; false if unknown. */
bool jit_cache_parse_mode(const char *s, jit_cache_mode *out);
const char *jit_cache_mode_name(jit_cache_mode m);
/* A size: bytes, or with a K, M, G suffix (powers of 1024); false if bad. */
bool jit_cache_parse_size(const char *s, uint64_t *out);
/* The folder the options name (o->dir or the default) into buf; false
 * (with a reason in buf) if there is none (no HOME). */
bool jit_cache_dir(const jit_cache_options *o, char *buf, size_t n);

/* The guest, as the cache and perf outputs need it. */
typedef struct jit_guest {
    const char *isa;          /* "riscv64" */
    const char *program;      /* host path of the guest program: its group in the cache */
    const char *sysroot;      /* -L prefix the interpreter was found under, or NULL */
    uint64_t program_bias;    /* load bias of the program (PIE), for symbols */
    uint64_t interp_bias;     /* load bias of its ELF interpreter, 0 if none */
    const uint8_t *mem_base;  /* host address of guest address 0 */
    /* True if guest code [start, end) is mapped executable and not
     * writable; claim: also record it as translated, so that a later change
     * of the memory map there drops the code made from it.  Guest thread. */
    bool (*code_ok)(void *ctx, uint64_t start, uint64_t end, bool claim);
    void *ctx;
} jit_guest;

/* Opens the cache for j's guest program (creating its folder in rw mode)
 * and loads the program's cached units.  False with the reason in err if
 * the cache cannot be used: the jit then runs without it.  Call once,
 * after jit_new and jit_thread_new, before running guest code. */
bool jit_cache_attach(jit *j, const jit_cache_options *o, const jit_guest *g, char *err,
                      size_t errlen);

/* Decoded blocks kept by earlier runs (jit_cache_blocks.h): the block at
 * pc if one was kept and its guest code is unchanged and read-only, else
 * NULL (decode it).  Its instructions are read-only and live as long as
 * the process; ir_block_free frees it.  Guest thread. */
ir_block *jit_cache_block(jit *j, uint64_t pc);
/* At exit, before jit_free, with every guest thread stopped: keeps the
 * process's decoded blocks for the next run (rw mode; written when this
 * run decoded enough new ones). */
void jit_cache_keep_blocks(jit *j, const ir_block *const *blocks, size_t n);
#define JIT_CACHE_MAX_BLOCKS (1u << 18)

/* Does j keep compiled units in a cache it may write? */
bool jit_cache_writable(const jit *j);

/* Counters of this run (also printed by -d stats). */
typedef struct jit_cache_stats {
    uint64_t records;  /* usable cached units found at start */
    uint64_t hits;     /* units installed from the cache */
    uint64_t misses;   /* cacheable units compiled */
    uint64_t stored;   /* units written */
    uint64_t rejected; /* cached units whose guest code no longer matched */
    uint64_t damaged;  /* entries ignored as unsafe, corrupt or foreign */
    uint64_t load_ns;  /* time spent installing cached units */
    bool known;        /* the program ran with this cache before (its group exists),
                          whether or not that run left records */
} jit_cache_stats;
bool jit_cache_get_stats(const jit *j, jit_cache_stats *out);

/* The cache opens files on the compile thread while the guest runs; each
 * descriptor is moved high in the fd table at once, but between open and
 * move it holds the lowest free number.  Guest system calls that make
 * descriptors are bracketed by these: the cache waits (a bounded time, so
 * a guest blocked in such a call cannot stall it for ever) until none is
 * running, and a call starting meanwhile waits the few microseconds the
 * cache needs, so the guest's numbers are what they would be natively. */
void jit_cache_fd_enter(void);
void jit_cache_fd_leave(void);
/* Grows the fd table to the numbers the cache moves its descriptors to.
 * Call while the process has one thread: growing a table that threads
 * share waits for an RCU grace period in the kernel (measured: 12 ms of a
 * 25 ms warm start, the guest thread blocked in the cache's first fcntl
 * while the compile thread started). */
void jit_cache_fd_reserve(void);

/* ---- perf (jit_perfmap.c) ---- */

/* perfmap: /tmp/perf-<pid>.map gets a line per unit (compiled or loaded
 * from the cache) naming the guest function from the guest's ELF symbols,
 * "sha256_block+0x1c [rv64 0x10a3c T2]"; jitdump: a jitdump file with the
 * code bytes for perf inject --jit.  False with err set if neither file
 * can be made. */
bool jit_perf_attach(jit *j, bool perfmap, bool jitdump, const jit_guest *g, char *err,
                     size_t errlen);

/* ---- ahead-of-time warm-up (liftvm cache build) ---- */

/* Compiles the unit j's mode makes for pc when pc is first reached (tier
 * 1, or a tier-2 region with --jit=t2) and stores it in the cache, unless
 * it is there already (*was_cached).  Nothing is installed.  False if pc
 * cannot be compiled or stored. */
bool jit_cache_build_unit(jit_thread *t, uint64_t pc, bool *was_cached);

/* ---- liftvm cache stats|clear|verify|prune ---- */
int jit_cache_cmd_stats(const jit_cache_options *o, FILE *out);
int jit_cache_cmd_clear(const jit_cache_options *o, FILE *out);
int jit_cache_cmd_verify(const jit_cache_options *o, FILE *out);
int jit_cache_cmd_prune(const jit_cache_options *o, FILE *out);

#endif
