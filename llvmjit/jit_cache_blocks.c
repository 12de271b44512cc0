/*
 * jit_cache_blocks.c — decoded blocks kept in the disk cache (format and
 * why in jit_cache_blocks.h).
 */
#include "llvmjit/jit_cache_blocks.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xxhash.h>

#define BLOCKS_MAGIC "LVMBLK01"
#define MAX_INSNS (1u << 16) /* bounds a damaged entry cannot push past */
#define MAX_CODE (1u << 16)

typedef struct bhead {
    char magic[8];
    uint32_t insn_size; /* sizeof(ir_insn) of the writer */
    uint32_t count;
    uint8_t config[JC_ID_LEN];
    uint8_t group[JC_ID_LEN];
    uint64_t size;      /* of the whole file */
} bhead;

typedef struct bentry {
    uint64_t pc, end_pc;
    uint64_t data; /* offset of its guest code, then its instructions */
    uint32_t n_insns, n_guest, n_temps, zero;
    uint64_t check;
} bentry;

struct jc_blocks {
    const uint8_t *map;
    size_t size;
    const bentry *e;
    uint32_t count;
};

static uint64_t pad8(uint64_t n) { return (n + 7) & ~(uint64_t)7; }

static uint64_t data_size(uint64_t code, uint32_t n_insns)
{
    return pad8(code) + (uint64_t)n_insns * sizeof(ir_insn);
}

/* The check of an entry (its check field aside) and its data: the data's
 * hash seeded with the entry's (two one-shot hashes: the streaming API
 * cost a third of taking a block). */
static uint64_t entry_check(const bentry *e, const void *data, uint64_t len)
{
    bentry c = *e;
    c.check = 0;
    return XXH3_64bits_withSeed(data, len, XXH3_64bits(&c, sizeof c));
}

const char *jc_blocks_status_name(jc_blocks_status s)
{
    static const char *const names[] = {[JC_BLOCKS_OK] = "ok", [JC_BLOCKS_MISSING] = "missing",
                                        [JC_BLOCKS_DAMAGED] = "damaged",
                                        [JC_BLOCKS_FOREIGN] = "foreign"};
    return s <= JC_BLOCKS_FOREIGN ? names[s] : "?";
}

jc_blocks *jc_blocks_open(int gfd, const uint8_t *config,
                          const uint8_t gid[JC_ID_LEN], jc_blocks_status *status)
{
    size_t len = 0;
    bool unsafe;
    const uint8_t *map = jc_map_file(gfd, JC_BLOCKS_FILE, &len, &unsafe);
    if (!map) {
        *status = unsafe ? JC_BLOCKS_DAMAGED : JC_BLOCKS_MISSING;
        return NULL;
    }
    bhead h;
    *status = JC_BLOCKS_DAMAGED;
    if (len < sizeof h)
        goto bad;
    memcpy(&h, map, sizeof h);
    if (memcmp(h.magic, BLOCKS_MAGIC, 8) != 0 || h.size != len ||
        (len - sizeof h) / sizeof(bentry) < h.count)
        goto bad;
    if (h.insn_size != sizeof(ir_insn) || (config && memcmp(h.config, config, JC_ID_LEN) != 0) ||
        memcmp(h.group, gid, JC_ID_LEN) != 0) {
        *status = JC_BLOCKS_FOREIGN;
        goto bad;
    }
    jc_blocks *bs = malloc(sizeof *bs);
    if (!bs)
        goto bad;
    *bs = (jc_blocks){map, len, (const bentry *)(map + sizeof h), h.count};
    *status = JC_BLOCKS_OK;
    return bs;
bad:
    munmap((void *)map, len);
    return NULL;
}

void jc_blocks_close(jc_blocks *bs) { free(bs); }

size_t jc_blocks_count(const jc_blocks *bs) { return bs ? bs->count : 0; }

/* Bounds and check of entry e; its code and instructions into out. */
static bool entry_whole(const jc_blocks *bs, const bentry *e, jc_kept_block *out)
{
    uint64_t code = e->end_pc - e->pc;
    if (e->end_pc <= e->pc || code > MAX_CODE || e->n_insns == 0 || e->n_insns > MAX_INSNS ||
        e->n_guest == 0 || e->data % 8 || e->data > bs->size ||
        bs->size - e->data < data_size(code, e->n_insns))
        return false;
    const uint8_t *data = bs->map + e->data;
    if (entry_check(e, data, data_size(code, e->n_insns)) != e->check)
        return false;
    *out = (jc_kept_block){e->pc, e->end_pc, e->n_insns, e->n_guest, e->n_temps, data,
                           (const ir_insn *)(data + pad8(code))};
    return true;
}

int jc_blocks_find(const jc_blocks *bs, uint64_t pc, jc_kept_block *out)
{
    if (!bs)
        return 0;
    size_t lo = 0, hi = bs->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t at = bs->e[mid].pc;
        if (at == pc)
            return entry_whole(bs, &bs->e[mid], out) ? 1 : -1;
        if (at < pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

jc_blocks_status jc_blocks_check(int gfd, const uint8_t *config, const uint8_t gid[JC_ID_LEN])
{
    jc_blocks_status st;
    jc_blocks *bs = jc_blocks_open(gfd, config, gid, &st);
    for (uint32_t i = 0; bs && i < bs->count && st == JC_BLOCKS_OK; i++) {
        jc_kept_block k;
        if (!entry_whole(bs, &bs->e[i], &k) || (i && bs->e[i - 1].pc >= bs->e[i].pc))
            st = JC_BLOCKS_DAMAGED;
    }
    if (bs)
        munmap((void *)bs->map, bs->size);
    jc_blocks_close(bs);
    return st;
}

static int by_pc(const void *a, const void *b)
{
    uint64_t x = ((const jc_kept_block *)a)->pc, y = ((const jc_kept_block *)b)->pc;
    return x < y ? -1 : x > y;
}

bool jc_blocks_write(int gfd, const uint8_t config[JC_ID_LEN], const uint8_t gid[JC_ID_LEN],
                     jc_kept_block *blocks, size_t n, const jc_blocks *old, size_t max)
{
    if (n)
        qsort(blocks, n, sizeof *blocks, by_pc);
    /* The merged list: the blocks given, and old's whole entries at other
     * pcs (both sorted: one walk). */
    size_t n_old = jc_blocks_count(old), cap = n + n_old;
    jc_kept_block *all = malloc((cap ? cap : 1) * sizeof *all);
    if (!all)
        return false;
    size_t m = 0;
    for (size_t i = 0, k = 0; (i < n || k < n_old) && m < max;) {
        jc_kept_block kept;
        if (k < n_old && (i == n || old->e[k].pc < blocks[i].pc)) {
            if (entry_whole(old, &old->e[k], &kept))
                all[m++] = kept;
            k++;
            continue;
        }
        if (k < n_old && old->e[k].pc == blocks[i].pc)
            k++; /* this run's block replaces the old entry */
        if (blocks[i].end_pc > blocks[i].pc && blocks[i].end_pc - blocks[i].pc <= MAX_CODE &&
            blocks[i].n_insns && blocks[i].n_insns <= MAX_INSNS && blocks[i].n_guest &&
            (m == 0 || all[m - 1].pc != blocks[i].pc))
            all[m++] = blocks[i];
        i++;
    }
    uint64_t size = sizeof(bhead) + m * sizeof(bentry);
    for (size_t i = 0; i < m; i++)
        size += data_size(all[i].end_pc - all[i].pc, all[i].n_insns);
    uint8_t *buf = size <= (1u << 30) ? calloc(1, size) : NULL;
    bool ok = false;
    if (buf) {
        bhead h = {.insn_size = sizeof(ir_insn), .count = (uint32_t)m, .size = size};
        memcpy(h.magic, BLOCKS_MAGIC, 8);
        memcpy(h.config, config, JC_ID_LEN);
        memcpy(h.group, gid, JC_ID_LEN);
        memcpy(buf, &h, sizeof h);
        uint64_t at = sizeof h + m * sizeof(bentry);
        for (size_t i = 0; i < m; i++) {
            const jc_kept_block *b = &all[i];
            uint64_t code = b->end_pc - b->pc, len = data_size(code, b->n_insns);
            bentry e = {b->pc, b->end_pc, at, b->n_insns, b->n_guest, b->n_temps, 0, 0};
            memcpy(buf + at, b->code, code);
            memcpy(buf + at + pad8(code), b->insns, (size_t)b->n_insns * sizeof(ir_insn));
            e.check = entry_check(&e, buf + at, len);
            memcpy(buf + sizeof h + i * sizeof e, &e, sizeof e);
            at += len;
        }
        ok = jc_write_file(gfd, JC_BLOCKS_FILE, buf, size);
        free(buf);
    }
    free(all);
    return ok;
}
