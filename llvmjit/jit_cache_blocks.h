/*
 * jit_cache_blocks.h — decoded blocks kept in the disk cache (private to
 * llvmjit/): the file "blocks" in a program's group.
 *
 * A warm run still interprets the blocks no run compiled (most of a short
 * program's blocks run a few times only); decoding them was a fifth of its
 * time.  At exit a run writes the blocks it decoded into this file, with
 * the guest code bytes each was decoded from; the next run maps the file
 * and takes a block from there, its instructions used where they lie,
 * when its guest code is still the same.
 *
 *   header   "LVMBLK01", u32 sizeof(ir_insn), u32 count, config[16],
 *            group[16], u64 file size
 *   entries  count × {u64 pc, u64 end_pc, u64 data offset, u32 n_insns,
 *            u32 n_guest, u32 n_temps, u32 0, u64 check}, sorted by pc
 *   data     per entry: its guest code (end_pc - pc bytes, padded to 8),
 *            then its n_insns instructions
 *
 * check is an XXH3 of the entry's other fields and its data, checked when
 * the entry is first used (the file is mapped, not read: a run touches
 * the pages of the blocks it takes only).
 */
#ifndef LIFTVM_JIT_CACHE_BLOCKS_H
#define LIFTVM_JIT_CACHE_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"
#include "llvmjit/jit_cache_store.h"

typedef struct jc_blocks jc_blocks;

typedef enum jc_blocks_status {
    JC_BLOCKS_OK,
    JC_BLOCKS_MISSING,
    JC_BLOCKS_DAMAGED, /* untrusted, truncated or inconsistent */
    JC_BLOCKS_FOREIGN, /* another configuration's or program's */
} jc_blocks_status;

/* One block as kept: code points at its guest code bytes, insns at its
 * instructions (into the mapped file, or the caller's memory to write). */
typedef struct jc_kept_block {
    uint64_t pc, end_pc;
    uint32_t n_insns, n_guest, n_temps;
    const uint8_t *code;
    const ir_insn *insns;
} jc_kept_block;

const char *jc_blocks_status_name(jc_blocks_status s);

/* Maps gfd's blocks file; NULL with *status saying why not.  config NULL:
 * any configuration's.  Blocks taken from it point into the mapping. */
jc_blocks *jc_blocks_open(int gfd, const uint8_t *config,
                          const uint8_t gid[JC_ID_LEN], jc_blocks_status *status);
/* Frees the index, not the mapping: blocks taken from it may still be in
 * the runtime's block cache, which outlives the disk cache (the process
 * is ending; its mappings go with it). */
void jc_blocks_close(jc_blocks *bs);
size_t jc_blocks_count(const jc_blocks *bs);
/* The entry at pc: 1 and *out when there is one and it is whole, 0 when
 * there is none, -1 when it fails its check. */
int jc_blocks_find(const jc_blocks *bs, uint64_t pc, jc_kept_block *out);

/* jc_blocks_open, then every entry's check (cache verify). */
jc_blocks_status jc_blocks_check(int gfd, const uint8_t *config, const uint8_t gid[JC_ID_LEN]);

/* Writes gfd's blocks file: the n blocks given (any order; their code and
 * insns are read now), then old's entries at pcs not among them and still
 * whole, at most max entries in all.  False if it could not be written. */
bool jc_blocks_write(int gfd, const uint8_t config[JC_ID_LEN], const uint8_t gid[JC_ID_LEN],
                     jc_kept_block *blocks, size_t n, const jc_blocks *old, size_t max);

#endif
