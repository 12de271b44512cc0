/*
 * rt_blockcache.c — the block cache: pc → ir_block, open addressing.
 */
#include "runtime/rt_blockcache.h"

#include <stdlib.h>

struct rt_bcache {
    ir_block **slots; /* NULL = empty; no deletions, so no tombstones */
    size_t cap;       /* power of two */
    size_t count;
};

#define INITIAL_CAP 1024

/* Guest pcs are 2-byte aligned and clustered; a multiplicative hash spreads
 * them over the table. */
static size_t slot_of(uint64_t pc, size_t cap) {
    return (size_t)((pc * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

rt_bcache *rt_bcache_new(void) {
    rt_bcache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->slots = calloc(INITIAL_CAP, sizeof *c->slots);
    if (!c->slots) {
        free(c);
        return NULL;
    }
    c->cap = INITIAL_CAP;
    return c;
}

void rt_bcache_flush(rt_bcache *c) {
    for (size_t i = 0; i < c->cap; i++) {
        if (c->slots[i]) {
            ir_block_free(c->slots[i]);
            c->slots[i] = NULL;
        }
    }
    c->count = 0;
}

void rt_bcache_free(rt_bcache *c) {
    if (!c)
        return;
    rt_bcache_flush(c);
    free(c->slots);
    free(c);
}

ir_block *rt_bcache_lookup(const rt_bcache *c, uint64_t pc) {
    for (size_t i = slot_of(pc, c->cap);; i = (i + 1) & (c->cap - 1)) {
        ir_block *b = c->slots[i];
        if (!b || b->pc == pc)
            return b;
    }
}

static void put(ir_block **slots, size_t cap, ir_block *b) {
    size_t i = slot_of(b->pc, cap);
    while (slots[i])
        i = (i + 1) & (cap - 1);
    slots[i] = b;
}

bool rt_bcache_insert(rt_bcache *c, ir_block *b) {
    if (2 * (c->count + 1) > c->cap) {
        size_t ncap = c->cap * 2;
        ir_block **ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return false;
        for (size_t i = 0; i < c->cap; i++)
            if (c->slots[i])
                put(ns, ncap, c->slots[i]);
        free(c->slots);
        c->slots = ns;
        c->cap = ncap;
    }
    put(c->slots, c->cap, b);
    c->count++;
    return true;
}

size_t rt_bcache_count(const rt_bcache *c) {
    return c->count;
}
