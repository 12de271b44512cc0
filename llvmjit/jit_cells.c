/*
 * jit_cells.c — guest pc → jit_cell: lock-free lookups from every guest
 * thread, insertions under jit.prof_mu.
 *
 * Cells live in chunks that are never freed while the table lives, so
 * compiled code may embed a cell's address and the jump caches may point
 * at it.  The index is an open-addressing table of cell pointers with
 * linear probing, doubled when half full.  A reader loads the table
 * pointer (acquire) and probes; an inserter fills the cell, then publishes
 * it with a release store into an empty slot; a grow builds the bigger
 * table aside and publishes it with one release store.  Old tables stay
 * until the whole index is freed (a reader may still probe one; together
 * they are smaller than the last).
 */
#include <stdlib.h>

#include "llvmjit/jit_internal.h"

#define CHUNK_CELLS 512

typedef struct chunk {
    struct chunk *next;
    size_t used;
    jit_cell cells[CHUNK_CELLS];
} chunk;

/* Indirect-target arrays (jit_cell.ind), handed out in order. */
#define IND_CHUNK 64
typedef struct ind_chunk {
    struct ind_chunk *next;
    size_t used;
    uint64_t ind[IND_CHUNK][JIT_IND_MAX];
} ind_chunk;

typedef struct table {
    struct table *older; /* replaced tables, freed with the index */
    size_t mask;         /* slots - 1, a power of two minus one */
    _Atomic(jit_cell *) slot[];
} table;

struct jit_cells {
    _Atomic(table *) tab;
    size_t count;
    chunk *chunks;
    ind_chunk *inds;
};

static size_t slot_of(uint64_t pc, size_t mask)
{
    return (size_t)(((pc >> 1) * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & mask;
}

static table *table_new(size_t slots)
{
    table *t = calloc(1, sizeof *t + slots * sizeof t->slot[0]);
    if (t)
        t->mask = slots - 1;
    return t;
}

jit_cells *jit_cells_new(void)
{
    jit_cells *c = calloc(1, sizeof *c);
    table *t = table_new(1024);
    if (!c || !t) {
        free(c);
        free(t);
        return NULL;
    }
    atomic_init(&c->tab, t);
    return c;
}

void jit_cells_free(jit_cells *c)
{
    if (!c)
        return;
    for (chunk *k = c->chunks, *n; k; k = n) {
        n = k->next;
        free(k);
    }
    for (ind_chunk *k = c->inds, *n; k; k = n) {
        n = k->next;
        free(k);
    }
    for (table *t = atomic_load(&c->tab), *o; t; t = o) {
        o = t->older;
        free(t);
    }
    free(c);
}

jit_cell *jit_cells_find(const jit_cells *c, uint64_t pc)
{
    const table *t = atomic_load_explicit(&c->tab, memory_order_acquire);
    for (size_t i = slot_of(pc, t->mask);; i = (i + 1) & t->mask) {
        jit_cell *x = atomic_load_explicit(&t->slot[i], memory_order_acquire);
        if (!x || x->pc == pc)
            return x;
    }
}

/* Puts x into t's first free slot on its probe path (release: x is
 * complete before a reader can see it). */
static void place(table *t, jit_cell *x)
{
    size_t i = slot_of(x->pc, t->mask);
    while (atomic_load_explicit(&t->slot[i], memory_order_relaxed))
        i = (i + 1) & t->mask;
    atomic_store_explicit(&t->slot[i], x, memory_order_release);
}

/* Doubles the table; false if out of memory (the old one stays). */
static bool grow(jit_cells *c)
{
    table *old = atomic_load_explicit(&c->tab, memory_order_relaxed);
    table *t = table_new((old->mask + 1) * 2);
    if (!t)
        return false;
    for (size_t i = 0; i <= old->mask; i++) {
        jit_cell *x = atomic_load_explicit(&old->slot[i], memory_order_relaxed);
        if (x)
            place(t, x);
    }
    t->older = old;
    atomic_store_explicit(&c->tab, t, memory_order_release);
    return true;
}

jit_cell *jit_cells_get(jit_cells *c, uint64_t pc, void *stub)
{
    jit_cell *x = jit_cells_find(c, pc);
    if (x)
        return x;
    table *t = atomic_load_explicit(&c->tab, memory_order_relaxed);
    if (2 * (c->count + 1) > t->mask + 1 && !grow(c) && c->count + 1 > t->mask)
        return NULL; /* cannot grow and the table would be full */
    if (!c->chunks || c->chunks->used == CHUNK_CELLS) {
        chunk *k = calloc(1, sizeof *k);
        if (!k)
            return NULL;
        k->next = c->chunks;
        c->chunks = k;
    }
    x = &c->chunks->cells[c->chunks->used++];
    x->pc = pc;
    atomic_init(&x->code, stub);
    atomic_init(&x->tier, 0);
    atomic_init(&x->flags, 0);
    atomic_init(&x->ind, NULL);
    c->count++;
    place(atomic_load_explicit(&c->tab, memory_order_relaxed), x);
    return x;
}

void jit_cells_each(jit_cells *c, void (*fn)(jit_cell *, void *), void *arg)
{
    for (chunk *k = c->chunks; k; k = k->next)
        for (size_t i = 0; i < k->used; i++)
            fn(&k->cells[i], arg);
}

uint64_t *jit_cells_ind(jit_cells *c, jit_cell *x)
{
    uint64_t *ind = atomic_load_explicit(&x->ind, memory_order_relaxed);
    if (ind)
        return ind;
    if (!c->inds || c->inds->used == IND_CHUNK) {
        ind_chunk *k = calloc(1, sizeof *k);
        if (!k)
            return NULL;
        k->next = c->inds;
        c->inds = k;
    }
    ind = c->inds->ind[c->inds->used++];
    /* release: a reader that sees the array sees it zeroed */
    atomic_store_explicit(&x->ind, ind, memory_order_release);
    return ind;
}
