/*
 * rt_blockcache.h — guest pc → decoded block (private to runtime/).
 *
 * One cache per process, shared by its guest threads.  An open-addressing
 * hash table with linear probing that doubles when half full; lookups take
 * no lock (one atomic load of the table, then the probe), inserts and
 * flushes take the cache's mutex.
 *
 * The cache owns its blocks.  A flush (fence.i, code unmapped) or a resize
 * replaces the table, and the old table and its blocks are freed only when
 * every registered reader has passed a quiescent point since (QSBR): a
 * thread registers a reader, calls rt_bcache_quiescent where it holds no
 * block pointer (the top of its dispatcher loop) and goes offline around
 * calls that may block (syscalls).  A block pointer obtained while online
 * stays valid until the reader's next quiescent point or offline call.
 * With no reader registered (one thread, tests) a flush frees at once.
 */
#ifndef LIFTVM_RT_BLOCKCACHE_H
#define LIFTVM_RT_BLOCKCACHE_H

#include <stdatomic.h>
#include <stdint.h>

#include "ir/ir.h"

typedef struct rt_bcache rt_bcache;

/* One per thread that looks blocks up.  Layout public for the inline
 * quiescent check; fields are the cache's business. */
typedef struct rt_bcache_reader {
    _Atomic uint64_t seen;         /* last epoch seen at a quiescent point; UINT64_MAX offline */
    const _Atomic uint64_t *epoch; /* the cache's epoch */
    struct rt_bcache_reader *next; /* the cache's reader list (under its mutex) */
    rt_bcache *cache;
} rt_bcache_reader;

rt_bcache *rt_bcache_new(void);
/* Frees the cache and every block; no reader may still be registered or
 * running blocks. */
void rt_bcache_free(rt_bcache *c);
/* The block starting at pc, or NULL. */
ir_block *rt_bcache_lookup(const rt_bcache *c, uint64_t pc);
/* Adds b (keyed by b->pc) and returns the cached block for that pc: b, or
 * the block another thread inserted first (b is freed then).  NULL if out
 * of memory (b is freed).  b must not be in the cache already. */
ir_block *rt_bcache_insert(rt_bcache *c, ir_block *b);
/* As rt_bcache_insert for a block decoded after rt_bcache_generation gave
 * gen: if a flush happened since, b may hold stale code: it is freed and
 * NULL returned (rt_bcache_generation then differs from gen: decode again). */
ir_block *rt_bcache_insert_since(rt_bcache *c, ir_block *b, uint64_t gen);
/* Changes at every flush. */
uint64_t rt_bcache_generation(const rt_bcache *c);
/* Drops every block (code may have changed: fence.i). */
void rt_bcache_flush(rt_bcache *c);
/* Number of blocks cached. */
size_t rt_bcache_count(const rt_bcache *c);
/* The cached blocks in a malloc'd array of *n (NULL if none or out of
 * memory); valid while nothing flushes (every guest thread stopped). */
const ir_block **rt_bcache_blocks(const rt_bcache *c, size_t *n);

/* Registers a reader (online); NULL if out of memory. */
rt_bcache_reader *rt_bcache_reader_new(rt_bcache *c);
/* Unregisters r (it holds no block pointer any more) and frees it. */
void rt_bcache_reader_free(rt_bcache_reader *r);
/* In the child of a fork: self (or NULL) is the only reader left, and the
 * mutex another thread may have held is made afresh. */
void rt_bcache_after_fork(rt_bcache *c, rt_bcache_reader *self);
/* Goes offline (before a call that may block) / back online. */
void rt_bcache_offline(rt_bcache_reader *r);
void rt_bcache_online(rt_bcache_reader *r);

/* A quiescent point: r holds no block pointer.  One load and a compare
 * unless a flush happened. */
static inline void rt_bcache_quiescent(rt_bcache_reader *r) {
    uint64_t e = atomic_load_explicit(r->epoch, memory_order_acquire);
    if (atomic_load_explicit(&r->seen, memory_order_relaxed) != e)
        atomic_store_explicit(&r->seen, e, memory_order_release);
}

#endif
