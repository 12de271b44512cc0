/*
 * jit_cache_priv.h — where the disk cache and the perf outputs hook into
 * the jit (private to llvmjit/).
 */
#ifndef LIFTVM_JIT_CACHE_PRIV_H
#define LIFTVM_JIT_CACHE_PRIV_H

#include "llvmjit/jit_cache.h"
#include "llvmjit/jit_codemem.h"
#include "llvmjit/jit_internal.h"
#include "llvmjit/jit_lift.h"

/* Guest thread, as r is queued: hashes the guest code of r's blocks into
 * r->code_hash and sets r->cacheable (rw cache, code mapped read-only). */
void jit_cache_note_request(jit *j, jit_req *r);
/* Compile thread, after r compiled from in to obj: stores it. */
void jit_cache_store(jit *j, const jit_req *r, const jit_lift_in *in, const void *obj,
                     size_t len);
/* Guest thread, under jit.prof_mu: installs cached code for pc when there
 * is some that matches the guest code now; its cell, or NULL. */
jit_cell *jit_cache_install(jit_thread *t, uint64_t pc);
/* Lock-free: has the cache a record for pc at all? */
bool jit_cache_has(const jit *j, uint64_t pc);
/* jit_free, after the compile thread stopped: writes the pack, prunes,
 * logs the run, frees the cache. */
void jit_cache_close(jit *j);
void jit_cache_print_stats(const jit *j, FILE *f);

/* The session's stubs object kept in cache_dir (NULL: none) for this
 * build, LLVM and CPU: a malloc'd copy, or NULL. */
void *jit_cache_stubs_load(const char *cache_dir, size_t *len);
void jit_cache_stubs_save(const char *cache_dir, const void *obj, size_t len);

/* jit_queue.c: under j->mu, publishes u in r->head (and, for a multi-entry
 * region, lends it to r->member_cell) unless it is stale or of a lower
 * tier than the cell's: then u goes to the free list. */
void jit_queue_install(jit *j, jit_req *r, jit_unit *u);

/* Frees the code of a unit loaded by jit_codemem (u->mem).  Any thread. */
void jit_cache_release_code(jit *j, void *mem);

/* ---- perf map and jitdump (jit_perfmap.c, jit_jitdump.c) ---- */
typedef struct jit_perf jit_perf;
/* One line / record for a unit of the given tier entered at guest pc whose
 * host code is [code, code + size).  Any thread. */
void jit_perf_unit(jit_perf *p, uint64_t pc, int tier, const void *code, size_t size);
void jit_perf_close(jit *j);

typedef struct jit_jitdump jit_jitdump;
/* Creates ${JITDUMPDIR:-$HOME}/.debug/jit/liftvm-<pid>-XXXXXX/jit-<pid>.dump
 * and maps it executable so that perf record sees it; NULL with err set. */
jit_jitdump *jit_jitdump_open(char *err, size_t errlen);
void jit_jitdump_code(jit_jitdump *d, const char *name, const void *code, size_t size);
void jit_jitdump_close(jit_jitdump *d);

/* ---- guest symbols (jit_symbols.c) ---- */
typedef struct jit_syms jit_syms;
jit_syms *jit_syms_new(const jit_guest *g);
void jit_syms_free(jit_syms *s);
/* "function+0xoff", or "image+0xoff" without a symbol, or "0xpc". */
void jit_syms_describe(jit_syms *s, uint64_t pc, char *buf, size_t n);

#endif
