/*
 * rt_blockcache.h — guest pc → decoded block (private to runtime/).
 *
 * An open-addressing hash table with linear probing that doubles when half
 * full.  The cache owns its blocks: rt_bcache_flush and rt_bcache_free free
 * them, so nobody may hold a block pointer across a flush.
 */
#ifndef LIFTVM_RT_BLOCKCACHE_H
#define LIFTVM_RT_BLOCKCACHE_H

#include <stdint.h>

#include "ir/ir.h"

typedef struct rt_bcache rt_bcache;

rt_bcache *rt_bcache_new(void);
void rt_bcache_free(rt_bcache *c);
/* The block starting at pc, or NULL. */
ir_block *rt_bcache_lookup(const rt_bcache *c, uint64_t pc);
/* Adds b (keyed by b->pc, which must not be present); false if out of memory. */
bool rt_bcache_insert(rt_bcache *c, ir_block *b);
/* Frees every block (code may have changed: fence.i). */
void rt_bcache_flush(rt_bcache *c);
/* Number of blocks cached. */
size_t rt_bcache_count(const rt_bcache *c);

#endif
