/*
 * jit_codemem.c — executable memory for units loaded from the disk cache,
 * linked without LLVM (jit_obj_link): the warm path of a run never waits
 * for ORC, and a unit costs a copy and a few relocations instead of an
 * object-file parse, a materialisation and three mmaps.
 *
 *   chunks of 4 MiB; first-fit free list of extents
 *   link:    extent ─► its pages made read+write ─► copy, relocate
 *            ─► read+exec again (no page is ever writable and executable)
 *   a chunk is mapped read+write and its pages from `fresh` on have never
 *   held code: an extent there is written at once, one mprotect (to
 *   read+exec) instead of two; a warm start links hundreds of units, and
 *   mprotect was ~14 % of its time
 *   release: the extent goes back to the free list (the jit calls it only
 *            when no guest thread can still be running the code)
 *
 * Writing flips the permissions of whole pages, so extents are whole
 * pages: other guest threads may be running other units meanwhile, and no
 * page holds code of two units.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "llvmjit/jit_codemem.h"
#include "llvmjit/jit_objfile.h"

#define CHUNK_SIZE (4u << 20)

typedef struct extent {
    struct extent *next; /* by address within its chunk */
    size_t off, size;
} extent;

typedef struct chunk {
    struct chunk *next;
    uint8_t *base;
    extent *free; /* free extents, sorted, coalesced */
    size_t fresh; /* pages from here on never held code: still read+write */
} chunk;

typedef struct jit_codeblock {
    struct jit_codeblock *prev, *next; /* live blocks, freed with the arena */
    chunk *c;
    size_t off, size;
} jit_codeblock;

struct jit_codemem {
    pthread_mutex_t mu;
    chunk *chunks;
    jit_codeblock *live;
    size_t page;
};

jit_codemem *jit_codemem_new(void)
{
    jit_codemem *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    pthread_mutex_init(&m->mu, NULL);
    m->page = (size_t)sysconf(_SC_PAGESIZE);
    return m;
}

void jit_codemem_free(jit_codemem *m)
{
    if (!m)
        return;
    for (jit_codeblock *b = m->live, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    for (chunk *c = m->chunks, *n; c; c = n) {
        n = c->next;
        munmap(c->base, CHUNK_SIZE);
        for (extent *e = c->free, *en; e; e = en) {
            en = e->next;
            free(e);
        }
        free(c);
    }
    pthread_mutex_destroy(&m->mu);
    free(m);
}

static chunk *new_chunk(jit_codemem *m)
{
    chunk *c = calloc(1, sizeof *c);
    extent *e = calloc(1, sizeof *e);
    void *p = mmap(NULL, CHUNK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!c || !e || p == MAP_FAILED) {
        free(c);
        free(e);
        if (p != MAP_FAILED)
            munmap(p, CHUNK_SIZE);
        return NULL;
    }
    c->base = p;
    e->size = CHUNK_SIZE;
    c->free = e;
    c->next = m->chunks;
    m->chunks = c;
    return c;
}

/* First fit of size bytes aligned to align (a power of two) in c. */
static bool take(chunk *c, size_t size, size_t align, size_t *off)
{
    for (extent **pe = &c->free; *pe; pe = &(*pe)->next) {
        extent *e = *pe;
        size_t start = (e->off + align - 1) & ~(align - 1), pad = start - e->off;
        if (pad > e->size || e->size - pad < size)
            continue;
        size_t tail = e->size - pad - size;
        if (pad && tail) { /* split in three: keep the front, add the tail */
            extent *t = malloc(sizeof *t);
            if (!t)
                return false;
            t->off = start + size;
            t->size = tail;
            t->next = e->next;
            e->next = t;
            e->size = pad;
        } else if (pad) {
            e->size = pad;
        } else if (tail) {
            e->off = start + size;
            e->size = tail;
        } else {
            *pe = e->next;
            free(e);
        }
        *off = start;
        return true;
    }
    return false;
}

static jit_codeblock *alloc_block(jit_codemem *m, size_t size, size_t align)
{
    if (size == 0 || size > CHUNK_SIZE || align > m->page)
        return NULL;
    size = (size + m->page - 1) & ~(m->page - 1); /* whole pages (see the top) */
    align = m->page;
    jit_codeblock *b = malloc(sizeof *b);
    if (!b)
        return NULL;
    pthread_mutex_lock(&m->mu);
    bool ok = false;
    for (chunk *c = m->chunks; c && !ok; c = c->next)
        if ((ok = take(c, size, align, &b->off)))
            b->c = c;
    if (!ok) {
        chunk *c = new_chunk(m);
        if (c && (ok = take(c, size, align, &b->off)))
            b->c = c;
    }
    if (ok) {
        b->size = size;
        b->prev = NULL;
        b->next = m->live;
        if (m->live)
            m->live->prev = b;
        m->live = b;
    }
    pthread_mutex_unlock(&m->mu);
    if (!ok) {
        free(b);
        return NULL;
    }
    return b;
}

void jit_codemem_release(jit_codemem *m, void *block)
{
    jit_codeblock *b = block;
    if (!m || !b)
        return;
    pthread_mutex_lock(&m->mu);
    if (b->prev)
        b->prev->next = b->next;
    else
        m->live = b->next;
    if (b->next)
        b->next->prev = b->prev;
    chunk *c = b->c;
    extent *prev = NULL, *next = c->free;
    while (next && next->off < b->off) {
        prev = next;
        next = next->next;
    }
    if (prev && prev->off + prev->size == b->off) {
        prev->size += b->size;
        if (next && prev->off + prev->size == next->off) {
            prev->size += next->size;
            prev->next = next->next;
            free(next);
        }
    } else if (next && b->off + b->size == next->off) {
        next->off = b->off;
        next->size += b->size;
    } else {
        extent *e = malloc(sizeof *e);
        if (e) { /* else the space is lost, nothing worse */
            e->off = b->off;
            e->size = b->size;
            e->next = next;
            if (prev)
                prev->next = e;
            else
                c->free = e;
        }
    }
    pthread_mutex_unlock(&m->mu);
    free(b);
}

bool jit_codemem_link(jit_codemem *m, const void *obj, size_t len, const char *name,
                      jit_obj_resolve_fn resolve, void *ctx, void **entry, size_t *code_size,
                      void **block)
{
    size_t size, align;
    if (!m || !jit_obj_layout(obj, len, &size, &align) || size == 0)
        return false;
    jit_codeblock *b = alloc_block(m, size, align);
    if (!b)
        return false;
    uint8_t *at = b->c->base + b->off;
    uintptr_t lo = (uintptr_t)at & ~(uintptr_t)(m->page - 1);
    uintptr_t hi = ((uintptr_t)at + b->size + m->page - 1) & ~(uintptr_t)(m->page - 1);
    pthread_mutex_lock(&m->mu);
    bool fresh = b->off >= b->c->fresh;
    if (b->off + b->size > b->c->fresh)
        b->c->fresh = b->off + b->size; /* executable below, after the mprotect below */
    pthread_mutex_unlock(&m->mu);
    bool ok = fresh || mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE) == 0;
    ok = ok && jit_obj_link(obj, len, at, b->size, resolve, ctx, name, entry, code_size);
    /* Executable (again) whatever happened: other units may live on these
     * pages, and `fresh` has moved past them. */
    if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC) != 0)
        abort(); /* cannot happen for our own mapping; running on would crash later */
    if (!ok) {
        jit_codemem_release(m, b);
        return false;
    }
    *block = b;
    return true;
}
