/*
 * jit_cells.c — guest pc → jit_cell, used by the guest thread only.
 *
 * Cells live in chunks that are never freed while the table lives, so
 * compiled code may embed a cell's address and the jump cache may point at
 * it; buckets are chained and rehashed at load factor 1.
 */
#include <stdlib.h>

#include "llvmjit/jit_internal.h"

#define CHUNK_CELLS 512

typedef struct chunk {
    struct chunk *next;
    size_t used;
    jit_cell cells[CHUNK_CELLS];
} chunk;

struct jit_cells {
    jit_cell **buckets;
    size_t nbuckets; /* power of two */
    size_t count;
    chunk *chunks;
};

static size_t bucket_of(uint64_t pc, size_t n)
{
    return (size_t)(((pc >> 1) * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (n - 1);
}

jit_cells *jit_cells_new(void)
{
    jit_cells *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->nbuckets = 1024;
    c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
    if (!c->buckets) {
        free(c);
        return NULL;
    }
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
    free(c->buckets);
    free(c);
}

jit_cell *jit_cells_find(const jit_cells *c, uint64_t pc)
{
    for (jit_cell *x = c->buckets[bucket_of(pc, c->nbuckets)]; x; x = x->next)
        if (x->pc == pc)
            return x;
    return NULL;
}

static void grow(jit_cells *c)
{
    size_t n = c->nbuckets * 2;
    jit_cell **b = calloc(n, sizeof *b);
    if (!b)
        return; /* longer chains, still correct */
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (jit_cell *x = c->buckets[i], *nx; x; x = nx) {
            nx = x->next;
            size_t k = bucket_of(x->pc, n);
            x->next = b[k];
            b[k] = x;
        }
    }
    free(c->buckets);
    c->buckets = b;
    c->nbuckets = n;
}

jit_cell *jit_cells_get(jit_cells *c, uint64_t pc, void *stub)
{
    jit_cell *x = jit_cells_find(c, pc);
    if (x)
        return x;
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
    if (++c->count > c->nbuckets)
        grow(c);
    size_t k = bucket_of(pc, c->nbuckets);
    x->next = c->buckets[k];
    c->buckets[k] = x;
    return x;
}

void jit_cells_each(jit_cells *c, void (*fn)(jit_cell *, void *), void *arg)
{
    for (chunk *k = c->chunks; k; k = k->next)
        for (size_t i = 0; i < k->used; i++)
            fn(&k->cells[i], arg);
}
