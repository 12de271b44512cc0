/*
 * rt_codemap.c — a set of guest page numbers (open addressing, linear
 * probing, grows at half full).  An overlap query walks the smaller of the
 * range's pages and the set, so munmap of a huge range stays cheap.
 */
#include "runtime/rt_codemap.h"

#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"

#define EMPTY UINT64_MAX

struct rt_codemap {
    uint64_t *pages; /* page numbers, EMPTY = free */
    size_t cap;      /* power of two */
    size_t count;
    bool all; /* out of memory once: every range counts as code */
};

static size_t slot_of(uint64_t page, size_t cap)
{
    return (size_t)((page * UINT64_C(0x9e3779b97f4a7c15)) >> 24) & (cap - 1);
}

static bool alloc_table(rt_codemap *m, size_t cap)
{
    uint64_t *p = malloc(cap * sizeof *p);
    if (!p)
        return false;
    memset(p, 0xff, cap * sizeof *p);
    m->pages = p;
    m->cap = cap;
    return true;
}

rt_codemap *rt_codemap_new(void)
{
    rt_codemap *m = calloc(1, sizeof *m);
    if (m && !alloc_table(m, 256)) {
        free(m);
        return NULL;
    }
    return m;
}

void rt_codemap_free(rt_codemap *m)
{
    if (m)
        free(m->pages);
    free(m);
}

static bool contains(const rt_codemap *m, uint64_t page)
{
    for (size_t i = slot_of(page, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (m->pages[i] == page)
            return true;
        if (m->pages[i] == EMPTY)
            return false;
    }
}

static void put(uint64_t *pages, size_t cap, uint64_t page)
{
    size_t i = slot_of(page, cap);
    while (pages[i] != EMPTY && pages[i] != page)
        i = (i + 1) & (cap - 1);
    pages[i] = page;
}

void rt_codemap_add(rt_codemap *m, uint64_t start, uint64_t end)
{
    for (uint64_t pg = start / MMU_PAGE_SIZE; pg <= (end - 1) / MMU_PAGE_SIZE; pg++) {
        if (contains(m, pg))
            continue;
        if (2 * (m->count + 1) > m->cap) {
            uint64_t *old = m->pages;
            size_t ocap = m->cap;
            if (!alloc_table(m, ocap * 2)) {
                m->all = true;
                return;
            }
            for (size_t i = 0; i < ocap; i++)
                if (old[i] != EMPTY)
                    put(m->pages, m->cap, old[i]);
            free(old);
        }
        put(m->pages, m->cap, pg);
        m->count++;
    }
}

bool rt_codemap_overlaps(const rt_codemap *m, uint64_t addr, uint64_t len)
{
    if (m->all)
        return len != 0;
    if (len == 0 || m->count == 0)
        return false;
    uint64_t first = addr / MMU_PAGE_SIZE;
    uint64_t last = (addr + len - 1 < addr ? UINT64_MAX : addr + len - 1) / MMU_PAGE_SIZE;
    if (last - first < m->count) {
        for (uint64_t pg = first;; pg++) {
            if (contains(m, pg))
                return true;
            if (pg == last)
                return false;
        }
    }
    for (size_t i = 0; i < m->cap; i++)
        if (m->pages[i] != EMPTY && m->pages[i] >= first && m->pages[i] <= last)
            return true;
    return false;
}

void rt_codemap_clear(rt_codemap *m)
{
    memset(m->pages, 0xff, m->cap * sizeof *m->pages);
    m->count = 0;
    m->all = false;
}
