/*
 * jit_cache_image.c — a guest program's cached units linked ahead of time
 * into one image (format and why in jit_cache_image.h).
 */
#include "llvmjit/jit_cache_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>
#include <zstd.h>

#define IMAGE_FILE JC_IMAGE_FILE
#define IMAGE_MAGIC "LVMIMG01"
#define NO_CODE UINT32_MAX     /* a unit listed without code (LLVM links it) */
#define MAX_META (256u << 20)  /* bounds a damaged header cannot push past */
#define MAX_CODE (1u << 30)
#define ZSTD_LEVEL 3

typedef struct ihead {
    char magic[8];
    uint8_t config[JC_ID_LEN];
    uint8_t group[JC_ID_LEN];
    uint64_t meta_zsize; /* bytes of frame 1; frame 2 is the rest of the file */
    uint32_t n_units, n_syms, n_fixups, names_size;
    uint64_t code_size;
} ihead;

typedef struct iunit {
    uint8_t key[JC_ID_LEN];
    uint32_t entry, size; /* offset of the entry in the code, its size */
} iunit;

typedef struct ifixup {
    uint32_t at, sym;
} ifixup;

struct jc_image {
    void *meta;
    const iunit *units;
    size_t n_units;
    uint8_t *code;
    size_t code_size, map_size;
    uint64_t load_ns;
};

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

const char *jc_image_status_name(jc_image_status s)
{
    switch (s) {
    case JC_IMAGE_OK: return "ok";
    case JC_IMAGE_MISSING: return "missing";
    case JC_IMAGE_DAMAGED: return "damaged";
    case JC_IMAGE_FOREIGN: return "made for another configuration";
    case JC_IMAGE_UNRESOLVED: return "names a symbol this build does not have";
    }
    return "?";
}

/* ---- building ---- */

typedef struct builder {
    uint8_t *code;
    size_t code_size, code_cap;
    iunit *units;
    size_t n_units, units_cap;
    ifixup *fix;
    size_t n_fix, fix_cap;
    uint32_t *sym_name; /* per symbol: offset in names */
    size_t n_syms, syms_cap;
    char *names;
    size_t names_size, names_cap;
    uint32_t *table; /* symbol hash table: index + 1, 0 empty */
    size_t table_size;
    size_t unit_at; /* offset of the unit being placed */
    bool oom;
} builder;

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return false;
    *p = q;
    *cap = n;
    return true;
}

static bool table_put(builder *b, uint32_t sym)
{
    if (2 * (b->n_syms + 1) > b->table_size) {
        size_t n = b->table_size ? 2 * b->table_size : 256;
        uint32_t *t = calloc(n, sizeof *t);
        if (!t)
            return false;
        for (size_t i = 0; i < b->table_size; i++) {
            uint32_t s = b->table[i];
            if (!s)
                continue;
            const char *nm = b->names + b->sym_name[s - 1];
            size_t k = XXH3_64bits(nm, strlen(nm)) & (n - 1);
            while (t[k])
                k = (k + 1) & (n - 1);
            t[k] = s;
        }
        free(b->table);
        b->table = t;
        b->table_size = n;
    }
    const char *nm = b->names + b->sym_name[sym];
    size_t k = XXH3_64bits(nm, strlen(nm)) & (b->table_size - 1);
    while (b->table[k])
        k = (k + 1) & (b->table_size - 1);
    b->table[k] = sym + 1;
    return true;
}

/* The symbol called name, added if new; UINT32_MAX if out of memory. */
static uint32_t symbol(builder *b, const char *name)
{
    size_t len = strlen(name);
    if (b->table_size) {
        size_t k = XXH3_64bits(name, len) & (b->table_size - 1);
        for (uint32_t s; (s = b->table[k]); k = (k + 1) & (b->table_size - 1))
            if (strcmp(b->names + b->sym_name[s - 1], name) == 0)
                return s - 1;
    }
    if (!grow((void **)&b->names, &b->names_cap, b->names_size + len + 1, 1) ||
        !grow((void **)&b->sym_name, &b->syms_cap, b->n_syms + 1, sizeof *b->sym_name))
        return UINT32_MAX;
    uint32_t s = (uint32_t)b->n_syms;
    b->sym_name[s] = (uint32_t)b->names_size;
    memcpy(b->names + b->names_size, name, len + 1);
    if (!table_put(b, s))
        return UINT32_MAX;
    b->names_size += len + 1;
    b->n_syms++;
    return s;
}

/* Forgets the symbols from n on (a unit that could not be placed): the
 * table is made again, as removing entries would break probe chains. */
static void drop_symbols(builder *b, size_t n, size_t names_size)
{
    uint32_t *old = b->table;
    size_t size = b->table_size;
    b->table = NULL;
    b->table_size = 0;
    b->n_syms = 0;
    for (size_t i = 0; i < size; i++) {
        if (!old[i] || old[i] > n)
            continue;
        if (!table_put(b, old[i] - 1))
            b->oom = true;
        b->n_syms++;
    }
    free(old);
    b->n_syms = n;
    b->names_size = names_size;
}

static bool place_fixup(void *ctx, const char *name, size_t at, uint64_t *addr)
{
    builder *b = ctx;
    if (name && !*name)
        return false; /* "" is symbol 0, the image itself */
    uint32_t sym = name ? symbol(b, name) : 0;
    if (sym == UINT32_MAX || !grow((void **)&b->fix, &b->fix_cap, b->n_fix + 1, sizeof *b->fix))
        return false;
    b->fix[b->n_fix++] = (ifixup){(uint32_t)(b->unit_at + at), sym};
    if (addr)
        *addr = 0; /* the fixup adds the address at load */
    return true;
}

static int by_key(const void *a, const void *b)
{
    return memcmp(((const iunit *)a)->key, ((const iunit *)b)->key, JC_ID_LEN);
}

/* Lays out record r's object at the end of the code; false if it cannot
 * be placed without LLVM (or memory is short: b->oom). */
static bool place_unit(builder *b, const jc_record *r, ZSTD_DCtx *dctx, iunit *u)
{
    void *obj = jc_unpack_object(r, dctx);
    size_t size, align, entry, code_size;
    char name[256];
    bool ok = false;
    if (!obj || r->name_len >= sizeof name || !jit_obj_layout(obj, r->obj_size, &size, &align) ||
        size == 0 || align > 4096)
        goto out;
    memcpy(name, r->name, r->name_len);
    name[r->name_len] = 0;
    size_t at = (b->code_size + align - 1) & ~(align - 1);
    if (at + size > MAX_CODE || !grow((void **)&b->code, &b->code_cap, at + size, 1)) {
        b->oom = at + size <= MAX_CODE;
        goto out;
    }
    memset(b->code + b->code_size, 0, at - b->code_size);
    size_t n_fix = b->n_fix, n_syms = b->n_syms, names_size = b->names_size;
    b->unit_at = at;
    if (!jit_obj_place(obj, r->obj_size, b->code + at, size, at, place_fixup, b, name, &entry,
                       &code_size)) {
        b->n_fix = n_fix;
        drop_symbols(b, n_syms, names_size);
        goto out;
    }
    u->entry = (uint32_t)(at + entry);
    u->size = (uint32_t)code_size;
    b->code_size = at + size;
    ok = true;
out:
    free(obj);
    return ok;
}

static void free_builder(builder *b)
{
    free(b->code);
    free(b->units);
    free(b->fix);
    free(b->sym_name);
    free(b->names);
    free(b->table);
}

/* Frames 1 and 2 after the head, as jc_write_blob's data. */
static bool write_image(int gfd, const uint8_t *config, const uint8_t gid[JC_ID_LEN],
                        const builder *b)
{
    size_t meta_size = b->n_units * sizeof(iunit) + b->n_syms * sizeof(uint32_t) +
                       b->n_fix * sizeof(ifixup) + b->names_size;
    uint8_t *meta = malloc(meta_size ? meta_size : 1);
    size_t cap = sizeof(ihead) + ZSTD_compressBound(meta_size) + ZSTD_compressBound(b->code_size);
    uint8_t *out = malloc(cap);
    bool ok = false;
    if (!meta || !out)
        goto done;
    uint8_t *p = meta;
    memcpy(p, b->units, b->n_units * sizeof(iunit));
    p += b->n_units * sizeof(iunit);
    memcpy(p, b->sym_name, b->n_syms * sizeof(uint32_t));
    p += b->n_syms * sizeof(uint32_t);
    memcpy(p, b->fix, b->n_fix * sizeof(ifixup));
    p += b->n_fix * sizeof(ifixup);
    memcpy(p, b->names, b->names_size);
    ihead h = {.magic = IMAGE_MAGIC,
               .n_units = (uint32_t)b->n_units,
               .n_syms = (uint32_t)b->n_syms,
               .n_fixups = (uint32_t)b->n_fix,
               .names_size = (uint32_t)b->names_size,
               .code_size = b->code_size};
    memcpy(h.config, config, JC_ID_LEN);
    memcpy(h.group, gid, JC_ID_LEN);
    size_t z1 = ZSTD_compress(out + sizeof h, cap - sizeof h, meta, meta_size, ZSTD_LEVEL);
    if (ZSTD_isError(z1))
        goto done;
    size_t z2 = ZSTD_compress(out + sizeof h + z1, cap - sizeof h - z1, b->code, b->code_size,
                              ZSTD_LEVEL);
    if (ZSTD_isError(z2))
        goto done;
    h.meta_zsize = z1;
    memcpy(out, &h, sizeof h);
    ok = jc_write_blob(gfd, IMAGE_FILE, out, sizeof h + z1 + z2);
done:
    free(meta);
    free(out);
    return ok;
}

bool jc_image_build(int gfd, const uint8_t *config, const uint8_t gid[JC_ID_LEN], size_t *units)
{
    *units = 0;
    jc_set set;
    jc_read_group(gfd, config, false, &set);
    const uint8_t *cfg = config ? config : set.config;
    builder b = {0};
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    bool ok = false;
    if (set.n == 0 || (!config && !set.have_config)) {
        unlinkat(gfd, IMAGE_FILE, 0); /* nothing left for it to hold */
        goto out;
    }
    if (!dctx || !grow((void **)&b.units, &b.units_cap, set.n, sizeof *b.units) ||
        symbol(&b, "") != 0) /* symbol 0: the image itself */
        goto out;
    for (size_t i = 0; i < set.n && !b.oom; i++) {
        iunit u = {.entry = NO_CODE, .size = 0};
        memcpy(u.key, set.rec[i].key, JC_ID_LEN);
        if (!place_unit(&b, &set.rec[i], dctx, &u) && b.oom)
            continue;
        b.units[b.n_units++] = u;
    }
    if (b.oom)
        goto out;
    qsort(b.units, b.n_units, sizeof *b.units, by_key);
    size_t m = 0; /* a key twice (a journal file beside the pack): keep one with code */
    for (size_t i = 0; i < b.n_units; i++) {
        if (m && memcmp(b.units[m - 1].key, b.units[i].key, JC_ID_LEN) == 0) {
            if (b.units[m - 1].entry == NO_CODE)
                b.units[m - 1] = b.units[i];
            continue;
        }
        b.units[m++] = b.units[i];
    }
    b.n_units = m;
    ok = write_image(gfd, cfg, gid, &b);
    if (ok)
        *units = b.n_units;
out:
    ZSTD_freeDCtx(dctx);
    free_builder(&b);
    jc_set_free(&set);
    return ok;
}

/* ---- reading ---- */

typedef struct parsed {
    ihead h;
    void *meta;
    const iunit *units;
    const uint32_t *sym_name;
    const ifixup *fix;
    const char *names;
    const uint8_t *code_frame;
    size_t code_zsize;
} parsed;

/* Reads, checks and decompresses the head and frame 1 of gfd's image.
 * config/gid NULL: any.  On success p->meta is the caller's to free, and
 * buf (the file) must outlive p->code_frame. */
static jc_image_status parse(int gfd, const uint8_t *config, const uint8_t *gid, void **buf,
                             parsed *p)
{
    struct stat st;
    memset(p, 0, sizeof *p);
    *buf = NULL;
    if (fstatat(gfd, IMAGE_FILE, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
        return JC_IMAGE_MISSING;
    size_t len = 0;
    uint8_t *file = jc_read_blob(gfd, IMAGE_FILE, &len);
    if (!file)
        return JC_IMAGE_DAMAGED; /* unsafe, unreadable or a bad checksum */
    *buf = file;
    if (len < sizeof(ihead))
        return JC_IMAGE_DAMAGED;
    memcpy(&p->h, file, sizeof p->h);
    const ihead *h = &p->h;
    if (memcmp(h->magic, IMAGE_MAGIC, 8) != 0)
        return JC_IMAGE_DAMAGED;
    if ((config && memcmp(h->config, config, JC_ID_LEN) != 0) ||
        (gid && memcmp(h->group, gid, JC_ID_LEN) != 0))
        return JC_IMAGE_FOREIGN;
    uint64_t meta_size = (uint64_t)h->n_units * sizeof(iunit) +
                         (uint64_t)h->n_syms * sizeof(uint32_t) +
                         (uint64_t)h->n_fixups * sizeof(ifixup) + h->names_size;
    if (h->meta_zsize > len - sizeof *h || meta_size > MAX_META || h->code_size > MAX_CODE ||
        h->n_syms == 0 || h->names_size == 0)
        return JC_IMAGE_DAMAGED;
    if (!(p->meta = malloc(meta_size)))
        return JC_IMAGE_UNRESOLVED;
    size_t got = ZSTD_decompress(p->meta, meta_size, file + sizeof *h, h->meta_zsize);
    if (ZSTD_isError(got) || got != meta_size)
        return JC_IMAGE_DAMAGED;
    const uint8_t *m = p->meta;
    p->units = (const iunit *)m;
    p->sym_name = (const uint32_t *)(m + h->n_units * sizeof(iunit));
    p->fix = (const ifixup *)((const uint8_t *)p->sym_name + h->n_syms * sizeof(uint32_t));
    p->names = (const char *)(p->fix + h->n_fixups);
    p->code_frame = file + sizeof *h + h->meta_zsize;
    p->code_zsize = len - sizeof *h - h->meta_zsize;
    /* Every offset in bounds, keys sorted, names terminated. */
    if (p->names[h->names_size - 1] != 0)
        return JC_IMAGE_DAMAGED;
    for (uint32_t i = 0; i < h->n_units; i++) {
        const iunit *u = &p->units[i];
        if ((i && memcmp(p->units[i - 1].key, u->key, JC_ID_LEN) >= 0) ||
            (u->entry != NO_CODE && (u->entry >= h->code_size || u->size > h->code_size - u->entry)))
            return JC_IMAGE_DAMAGED;
    }
    for (uint32_t i = 0; i < h->n_syms; i++)
        if (p->sym_name[i] >= h->names_size)
            return JC_IMAGE_DAMAGED;
    for (uint32_t i = 0; i < h->n_fixups; i++)
        if (p->fix[i].sym >= h->n_syms || h->code_size < 8 || p->fix[i].at > h->code_size - 8)
            return JC_IMAGE_DAMAGED;
    return JC_IMAGE_OK;
}

jc_image_status jc_image_check(int gfd, const uint8_t *config, const uint8_t gid[JC_ID_LEN])
{
    void *file;
    parsed p;
    jc_image_status s = parse(gfd, config, gid, &file, &p);
    if (s == JC_IMAGE_OK) {
        void *code = malloc(p.h.code_size ? p.h.code_size : 1);
        size_t got = code ? ZSTD_decompress(code, p.h.code_size, p.code_frame, p.code_zsize) : 0;
        if (!code)
            s = JC_IMAGE_UNRESOLVED;
        else if (ZSTD_isError(got) || got != p.h.code_size)
            s = JC_IMAGE_DAMAGED;
        free(code);
    }
    free(p.meta);
    free(file);
    return s;
}

jc_image *jc_image_load(int gfd, const uint8_t config[JC_ID_LEN], const uint8_t gid[JC_ID_LEN],
                        jit_obj_resolve_fn resolve, void *ctx, jc_image_status *status)
{
    uint64_t t0 = now_ns();
    void *file;
    parsed p;
    jc_image *im = NULL;
    uint64_t *addr = NULL;
    uint8_t *map = MAP_FAILED;
    size_t page = (size_t)sysconf(_SC_PAGESIZE), map_size = 0;
    *status = parse(gfd, config, gid, &file, &p);
    if (*status != JC_IMAGE_OK)
        goto fail;
    *status = JC_IMAGE_UNRESOLVED;
    map_size = (p.h.code_size + page - 1) & ~(page - 1);
    if (map_size == 0)
        map_size = page;
    im = calloc(1, sizeof *im);
    addr = malloc(p.h.n_syms * sizeof *addr);
    map = mmap(NULL, map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!im || !addr || map == MAP_FAILED)
        goto fail;
    /* Straight into the mapping: the code is never copied again. */
    size_t got = ZSTD_decompress(map, map_size, p.code_frame, p.code_zsize);
    if (ZSTD_isError(got) || got != p.h.code_size) {
        *status = JC_IMAGE_DAMAGED;
        goto fail;
    }
    addr[0] = (uint64_t)(uintptr_t)map;
    for (uint32_t i = 1; i < p.h.n_syms; i++)
        if (!(addr[i] = resolve(ctx, p.names + p.sym_name[i])))
            goto fail;
    for (uint32_t i = 0; i < p.h.n_fixups; i++) {
        uint64_t v;
        memcpy(&v, map + p.fix[i].at, 8);
        v += addr[p.fix[i].sym];
        memcpy(map + p.fix[i].at, &v, 8);
    }
    if (mprotect(map, map_size, PROT_READ | PROT_EXEC) != 0)
        goto fail;
    free(addr);
    free(file);
    im->meta = p.meta;
    im->units = p.units;
    im->n_units = p.h.n_units;
    im->code = map;
    im->code_size = p.h.code_size;
    im->map_size = map_size;
    im->load_ns = now_ns() - t0;
    *status = JC_IMAGE_OK;
    return im;
fail:
    if (map != MAP_FAILED)
        munmap(map, map_size);
    free(addr);
    free(im);
    free(p.meta);
    free(file);
    return NULL;
}

void jc_image_free(jc_image *im)
{
    if (!im)
        return;
    munmap(im->code, im->map_size);
    free(im->meta);
    free(im);
}

bool jc_image_find(const jc_image *im, const uint8_t key[JC_ID_LEN], void **entry,
                   size_t *code_size, bool *listed)
{
    *listed = false;
    if (!im)
        return false;
    iunit want;
    memcpy(want.key, key, JC_ID_LEN);
    const iunit *u = bsearch(&want, im->units, im->n_units, sizeof *u, by_key);
    if (!u)
        return false;
    *listed = true;
    if (u->entry == NO_CODE)
        return false;
    *entry = im->code + u->entry;
    *code_size = u->size;
    return true;
}

size_t jc_image_units(const jc_image *im) { return im ? im->n_units : 0; }
size_t jc_image_code_bytes(const jc_image *im) { return im ? im->code_size : 0; }
uint64_t jc_image_load_ns(const jc_image *im) { return im ? im->load_ns : 0; }
