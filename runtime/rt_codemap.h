/*
 * rt_codemap.h — which guest pages hold code that has been translated
 * (private to runtime/).  Lets memory-map changes (mmap over, munmap,
 * mprotect, mremap, madvise) drop translations only when they touch code.
 */
#ifndef LIFTVM_RT_CODEMAP_H
#define LIFTVM_RT_CODEMAP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct rt_codemap rt_codemap;

rt_codemap *rt_codemap_new(void);
void rt_codemap_free(rt_codemap *m);
/* Records the pages of guest code [start, end) (end > start). */
void rt_codemap_add(rt_codemap *m, uint64_t start, uint64_t end);
/* True if a recorded page overlaps [addr, addr + len). */
bool rt_codemap_overlaps(const rt_codemap *m, uint64_t addr, uint64_t len);
void rt_codemap_clear(rt_codemap *m);

#endif
