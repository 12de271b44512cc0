/*
 * jit_cache.c — the translation cache on the jit's side: keys, warm-start
 * installation and storing compiled units (files: jit_cache_store.c).
 *
 *   attach: configuration id = H(ISA, build id, LLVM, CPU, options)
 *           group id = H(configuration, program path, size, mtime)
 *           read DIR/v1/g-<group>/{pack, j-*} ─► index pc → records (best first)
 *   request (guest thread): code_hash = H(guest bytes of its blocks)
 *   compiled (compile thread): key = H(configuration, shape, blocks, code_hash)
 *           ─► record ─► journal file
 *   jit_run finds no code at pc (guest thread): a record for pc whose key
 *           matches the guest code now ─► its code in the program's image
 *           (jit_cache_image.c, mapped at the first such install) ─► cell;
 *           a record the image lacks ─► decompress ─► link ─► cell
 *           linking is jit_codemem.c's copy and relocate, no LLVM; objects it
 *           cannot link go through ORC (renamed: names are per process)
 *   the session's stubs (jit_enter) are linked the same way at attach, so a
 *           warm run need not wait for LLVM to start
 *   jit_free: journal ─► pack (compaction) ─► image, size limit, run log
 *
 * A record is tried once per jit epoch: after an invalidation (fence.i, a
 * map change over code) it may match again, or no longer.
 */
#define XXH_STATIC_LINKING_ONLY
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <llvm/Config/llvm-config.h>
#include <xxhash.h>
#include <zstd.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "llvmjit/jit_cache_priv.h"
#include "llvmjit/jit_cache_blocks.h"
#include "llvmjit/jit_cache_image.h"
#include "llvmjit/jit_cache_store.h"
#include "llvmjit/jit_objfile.h"
#include "llvmjit/jit_backend.h"

typedef struct jit_cache jit_cache;

struct jit_cache {
    jit *j;
    jit_cache_mode mode;
    uint64_t max_bytes;
    int root;      /* DIR/v1 */
    int gfd;       /* the group folder, -1 until it exists */
    char gname[40];
    char *program;
    uint8_t config[JC_ID_LEN], gid[JC_ID_LEN];
    jit_guest g;
    jc_set set;     /* the records read at start */
    uint32_t *slot; /* pc hash → first record + 1 (0: empty) */
    size_t nslot;
    int32_t *next;  /* next record with the same pc, -1 at the end */
    uint64_t *tried; /* per record: the jit epoch it was last tried in */
    ZSTD_DCtx *dctx; /* guest thread */
    jit_codemem *mem; /* code of cached units, stubs */
    void *stubs;      /* its block holding jit_enter, or NULL */
    uint64_t orc_loads; /* units jit_codemem could not link */
    bool can_enter;     /* j->enter is set (guest thread) */
    uint64_t verify_ns, unpack_ns, link_ns; /* parts of st.load_ns */
    uint64_t attach_ns, wait_ns; /* reading the cache; waiting for the LLVM session */
    jc_image *img;        /* the program's pre-linked units (guest thread, prof_mu) */
    bool img_tried;       /* img was looked for (at the first install) */
    jc_image_status img_status;
    uint64_t img_hits;    /* units installed from img */
    uint64_t img_missing; /* hits on records img does not list: it is stale */
    jc_blocks *blocks;    /* blocks decoded by earlier runs (jit_cache_blocks.h) */
    jc_blocks_status blocks_status;
    _Atomic uint64_t blocks_taken, blocks_changed, blocks_damaged; /* guest threads */
    size_t blocks_written; /* at exit, 0: the file was left as it was */
    pthread_mutex_t mu; /* st, gfd, wrote (the compile thread stores) */
    jit_cache_stats st;
    bool wrote;
    long pid;
    uint64_t load_seq;
};

/* ---- options ---- */

void jit_cache_options_default(jit_cache_options *o)
{
    memset(o, 0, sizeof *o);
    o->mode = JIT_CACHE_RW;
    o->max_bytes = JIT_CACHE_DEFAULT_MAX;
}

static const char *const mode_names[] = {
    [JIT_CACHE_OFF] = "off", [JIT_CACHE_RO] = "ro", [JIT_CACHE_RW] = "rw"};

bool jit_cache_parse_mode(const char *s, jit_cache_mode *out)
{
    for (int m = JIT_CACHE_OFF; m <= JIT_CACHE_RW; m++) {
        if (strcmp(s, mode_names[m]) == 0) {
            *out = (jit_cache_mode)m;
            return true;
        }
    }
    return false;
}

const char *jit_cache_mode_name(jit_cache_mode m)
{
    return m >= JIT_CACHE_OFF && m <= JIT_CACHE_RW ? mode_names[m] : "?";
}

bool jit_cache_parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    unsigned shift = 0;
    switch (*end) {
    case 0: break;
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    default: return false;
    }
    if (*end == 'i' && shift)
        end++;
    if ((*end == 'b' || *end == 'B') && shift)
        end++;
    if (*end || (shift && v > (UINT64_MAX >> shift)))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

bool jit_cache_dir(const jit_cache_options *o, char *buf, size_t n)
{
    const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int w;
    char cwd[4096];
    if (o->dir && *o->dir && o->dir[0] != '/' && getcwd(cwd, sizeof cwd))
        w = snprintf(buf, n, "%s/%s", cwd, o->dir); /* the guest may change directory */
    else if (o->dir && *o->dir)
        w = snprintf(buf, n, "%s", o->dir);
    else if (x && x[0] == '/') /* XDG: relative values are invalid and ignored */
        w = snprintf(buf, n, "%s/liftvm", x);
    else if (home && *home)
        w = snprintf(buf, n, "%s/.cache/liftvm", home);
    else {
        snprintf(buf, n, "no cache folder: neither XDG_CACHE_HOME nor HOME is set");
        return false;
    }
    if (w < 0 || (size_t)w >= n) {
        snprintf(buf, n, "the cache folder's name is too long");
        return false;
    }
    return true;
}

/* ---- ids and keys ---- */

typedef struct build_id_search {
    uint8_t id[64];
    size_t len;
} build_id_search;

/* dl_iterate_phdr callback: the GNU build-id note of the main program
 * (the first object); 1 stops the walk. */
static int find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    build_id_search *b = arg;
    b->len = jit_elf_build_id(info, b->id, sizeof b->id);
    return 1;
}

/* liftvm's build id: the GNU build-id note, else a hash of the executable. */
static void build_id(XXH3_state_t *h)
{
    static build_id_search b;
    static bool done;
    if (!done) {
        dl_iterate_phdr(find_build_id, &b);
        if (b.len == 0) {
            int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
            XXH3_state_t s;
            XXH3_128bits_reset(&s);
            char buf[65536];
            ssize_t n;
            while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
                XXH3_128bits_update(&s, buf, (size_t)n);
            if (fd >= 0)
                close(fd);
            XXH128_hash_t d = XXH3_128bits_digest(&s);
            memcpy(b.id, &d, sizeof d);
            b.len = sizeof d;
        }
        done = true;
    }
    XXH3_128bits_update(h, b.id, b.len);
}

static void put_str(XXH3_state_t *h, const char *s)
{
    XXH3_128bits_update(h, s, strlen(s) + 1);
}

static void put_u64(XXH3_state_t *h, uint64_t v) { XXH3_128bits_update(h, &v, sizeof v); }

static void digest(XXH3_state_t *h, uint8_t out[JC_ID_LEN])
{
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(h));
    memcpy(out, c.digest, JC_ID_LEN);
}

/* The host CPU, as code generation sees it.  On x86-64: the raw CPUID
 * leaves LLVM's host detection reads (vendor, family/model/stepping and
 * feature words, extended features, brand string) and XCR0 (which vector
 * state the OS enables), so equal inputs give LLVM equal CPU names and
 * features; hashing them costs microseconds where asking LLVM for its
 * strings cost ~0.3 ms per call (and needs LLVM, which a warm run does not
 * load). */
static void hash_host_cpu(XXH3_state_t *h)
{
#if defined(__x86_64__)
    static const unsigned leaves[][2] = {
        {0, 0}, {1, 0}, {7, 0}, {7, 1}, {0xd, 1}, {0x14, 0}, {0x19, 0}, {0x24, 0},
        {0x80000000u, 0}, {0x80000001u, 0}, {0x80000002u, 0}, {0x80000003u, 0},
        {0x80000004u, 0}, {0x80000008u, 0},
    };
    unsigned max = __get_cpuid_max(0, NULL), max_ext = __get_cpuid_max(0x80000000u, NULL);
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
        unsigned r[4] = {0, 0, 0, 0};
        unsigned leaf = leaves[i][0];
        if (leaf < 0x80000000u ? leaf <= max : leaf <= max_ext)
            __cpuid_count(leaf, leaves[i][1], r[0], r[1], r[2], r[3]);
        if (leaf == 1)
            r[1] &= 0x00ffffffu; /* EBX[31:24] is the APIC id of the CPU we run on */
        XXH3_128bits_update(h, r, sizeof r);
    }
    unsigned a, b, c, d;
    uint64_t xcr0 = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_OSXSAVE)) {
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        xcr0 = (uint64_t)hi << 32 | lo;
    }
    put_u64(h, xcr0);
#else
#error "liftvm's jit emits x86-64 code: the host must be x86-64"
#endif
}

/* Once per process: CPUID exits to the hypervisor in a VM. */
static XXH128_hash_t host_cpu_hash;
static void host_cpu_init(void)
{
    XXH3_state_t h;
    XXH3_128bits_reset(&h);
    hash_host_cpu(&h);
    host_cpu_hash = XXH3_128bits_digest(&h);
}

static void put_host_cpu(XXH3_state_t *h)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, host_cpu_init);
    XXH3_128bits_update(h, &host_cpu_hash, sizeof host_cpu_hash);
}

/* Everything outside a unit that changes the code made for it. */
static void config_id(const jit *j, const jit_guest *g, uint8_t out[JC_ID_LEN])
{
    XXH3_state_t h;
    XXH3_128bits_reset(&h);
    put_str(&h, "liftvm translation cache 2");
    put_str(&h, g->isa ? g->isa : "?");
    build_id(&h);
    put_str(&h, LLVM_VERSION_STRING);
    put_host_cpu(&h);
    put_u64(&h, j->state_size);
    put_u64(&h, j->limit);
    put_u64(&h, j->guard);
    put_u64(&h, j->pages);
    put_u64(&h, j->opt.checkpoint_cost);
    put_u64(&h, (uint64_t)j->opt.mode);
    put_u64(&h, j->opt.mode == JIT_AUTO ? j->opt.hot2 : 0);
    digest(&h, out);
}

/* The guest program as a file: path, size, modification time. */
static void group_id(const uint8_t config[JC_ID_LEN], const char *program, uint8_t out[JC_ID_LEN])
{
    XXH3_state_t h;
    XXH3_128bits_reset(&h);
    XXH3_128bits_update(&h, config, JC_ID_LEN);
    put_str(&h, program);
    struct stat st;
    if (stat(program, &st) == 0) {
        put_u64(&h, (uint64_t)st.st_size);
        put_u64(&h, (uint64_t)st.st_mtim.tv_sec);
        put_u64(&h, (uint64_t)st.st_mtim.tv_nsec);
    }
    digest(&h, out);
}

/* H(guest bytes of the blocks); false if some block is not read-only code. */
static bool code_hash(const jit_guest *g, const jc_block *b, uint32_t n, bool claim,
                      uint8_t out[JC_ID_LEN])
{
    XXH3_state_t h;
    XXH3_128bits_reset(&h);
    for (uint32_t i = 0; i < n; i++) {
        if (b[i].end <= b[i].pc || !g->code_ok(g->ctx, b[i].pc, b[i].end, claim))
            return false;
        XXH3_128bits_update(&h, g->mem_base + b[i].pc, b[i].end - b[i].pc);
    }
    digest(&h, out);
    return true;
}

/* The key of a unit of shape r made from code whose hash is code. */
static void unit_key(const uint8_t config[JC_ID_LEN], const jc_record *r,
                     const uint8_t code[JC_ID_LEN], uint8_t out[JC_ID_LEN])
{
    XXH3_state_t h;
    XXH3_128bits_reset(&h);
    XXH3_128bits_update(&h, config, JC_ID_LEN);
    put_u64(&h, (uint64_t)r->tier);
    put_u64(&h, r->flags);
    put_u64(&h, r->hot2);
    put_u64(&h, r->n_blocks);
    for (uint32_t i = 0; i < r->n_blocks; i++) {
        put_u64(&h, r->blocks[i].pc);
        put_u64(&h, r->blocks[i].end);
        put_u64(&h, r->blocks[i].hint);
    }
    put_u64(&h, r->n_exits);
    XXH3_128bits_update(&h, r->exits, (size_t)r->n_exits * 8);
    put_u64(&h, r->n_targets);
    for (uint32_t i = 0; i < r->n_targets; i++) {
        put_u64(&h, r->targets[i].block);
        put_u64(&h, r->targets[i].pc);
    }
    XXH3_128bits_update(&h, code, JC_ID_LEN);
    digest(&h, out);
}

/* ---- the session's stubs ---- */

/* "stubs-<id>": what the stubs' code depends on besides their source,
 * which the build id covers. */
static void stubs_name(char out[48])
{
    XXH3_state_t h;
    XXH3_128bits_reset(&h);
    put_str(&h, "liftvm stubs 2");
    build_id(&h);
    put_str(&h, LLVM_VERSION_STRING);
    put_host_cpu(&h);
    uint8_t id[JC_ID_LEN];
    digest(&h, id);
    memcpy(out, "stubs-", 6);
    for (int i = 0; i < JC_ID_LEN; i++)
        sprintf(out + 6 + 2 * i, "%02x", id[i]);
}

void *jit_cache_stubs_load(const char *cache_dir, size_t *len)
{
    char err[256], name[48];
    int root = cache_dir ? jc_open_root(cache_dir, false, err, sizeof err) : -1;
    if (root < 0)
        return NULL;
    stubs_name(name);
    void *obj = jc_read_blob(root, name, len);
    close(root);
    return obj;
}

void jit_cache_stubs_save(const char *cache_dir, const void *obj, size_t len)
{
    char err[256], name[48];
    int root = cache_dir ? jc_open_root(cache_dir, true, err, sizeof err) : -1;
    if (root < 0)
        return;
    stubs_name(name);
    jc_write_blob(root, name, obj, len);
    close(root);
}

/* ---- the index of records by entry pc ---- */

static size_t slot_of(uint64_t pc, size_t n)
{
    return (size_t)(((pc >> 1) * UINT64_C(0x9e3779b97f4a7c15)) >> 20) & (n - 1);
}

static int better_first(const void *a, const void *b, void *arg)
{
    const jc_record *rec = arg, *x = &rec[*(const int32_t *)a], *y = &rec[*(const int32_t *)b];
    if (x->pc != y->pc)
        return x->pc < y->pc ? -1 : 1;
    if (x->tier != y->tier)
        return x->tier > y->tier ? -1 : 1;
    return x->created > y->created ? -1 : x->created < y->created;
}

static bool build_index(jit_cache *c)
{
    size_t n = c->set.n;
    if (n == 0)
        return true;
    int32_t *order = malloc(n * sizeof *order);
    c->next = malloc(n * sizeof *c->next);
    c->tried = calloc(n, sizeof *c->tried);
    for (c->nslot = 16; c->nslot < 2 * n; c->nslot *= 2)
        ;
    c->slot = calloc(c->nslot, sizeof *c->slot);
    if (!order || !c->next || !c->tried || !c->slot) {
        free(order);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (int32_t)i;
    qsort_r(order, n, sizeof *order, better_first, c->set.rec);
    for (size_t i = 0; i < n; i++) {
        const jc_record *r = &c->set.rec[order[i]];
        bool first = i == 0 || c->set.rec[order[i - 1]].pc != r->pc;
        c->next[order[i]] = i + 1 < n && c->set.rec[order[i + 1]].pc == r->pc ? order[i + 1] : -1;
        if (!first)
            continue;
        size_t s = slot_of(r->pc, c->nslot);
        while (c->slot[s])
            s = (s + 1) & (c->nslot - 1);
        c->slot[s] = (uint32_t)order[i] + 1;
    }
    free(order);
    return true;
}

static int32_t index_find(const jit_cache *c, uint64_t pc)
{
    if (!c->nslot)
        return -1;
    for (size_t s = slot_of(pc, c->nslot); c->slot[s]; s = (s + 1) & (c->nslot - 1))
        if (c->set.rec[c->slot[s] - 1].pc == pc)
            return (int32_t)c->slot[s] - 1;
    return -1;
}

/* True if r's key matches the guest code now (claim: record the code). */
static bool matches(const jit_cache *c, const jc_record *r, bool claim)
{
    uint8_t code[JC_ID_LEN], key[JC_ID_LEN];
    if (!code_hash(&c->g, r->blocks, r->n_blocks, claim, code))
        return false;
    unit_key(c->config, r, code, key);
    return memcmp(key, r->key, JC_ID_LEN) == 0;
}

static void load_stubs(jit *j, jit_cache *c, const char *dir);

/* ---- attach and close ---- */

static void free_cache(jit_cache *c)
{
    if (c->gfd >= 0)
        close(c->gfd);
    if (c->root >= 0)
        close(c->root);
    jc_set_free(&c->set);
    free(c->slot);
    free(c->next);
    free(c->tried);
    free(c->program);
    ZSTD_freeDCtx(c->dctx);
    jit_codemem_free(c->mem); /* the units are gone (jit_free), or none used it */
    jc_image_free(c->img);
    jc_blocks_close(c->blocks);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

bool jit_cache_attach(jit *j, const jit_cache_options *o, const jit_guest *g, char *err,
                      size_t errlen)
{
    /* The compile-failure test hook and --dump-llvm are about compiling:
     * units loaded instead would defeat them. */
    if (o->mode == JIT_CACHE_OFF || j->opt.mode == JIT_OFF || j->opt.fail_every ||
        j->opt.dump_dir)
        return true;
    if (!g->code_ok || !g->mem_base || !g->program) {
        snprintf(err, errlen, "the runtime gave the cache no way to read guest code");
        return false;
    }
    char dir[4096];
    if (!jit_cache_dir(o, dir, sizeof dir)) {
        snprintf(err, errlen, "%s", dir);
        return false;
    }
    jit_cache *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    pthread_mutex_init(&c->mu, NULL);
    c->root = -1;
    c->j = j;
    c->mode = o->mode;
    c->max_bytes = o->max_bytes ? o->max_bytes : JIT_CACHE_DEFAULT_MAX;
    c->gfd = -1;
    c->pid = (long)getpid();
    c->g = *g;
    c->program = realpath(g->program, NULL);
    if (!c->program)
        c->program = strdup(g->program);
    c->g.program = c->program;
    c->g.sysroot = NULL;
    c->dctx = ZSTD_createDCtx();
    c->mem = jit_codemem_new();
    c->root = jc_open_root(dir, o->mode == JIT_CACHE_RW, err, errlen);
    if (c->root < 0 && o->mode == JIT_CACHE_RO && errno == ENOENT) {
        free_cache(c); /* read-only and no cache yet: nothing to read, nothing to say */
        return true;
    }
    if (c->root < 0 || !c->program || !c->dctx || !c->mem) {
        free_cache(c);
        return false;
    }
    uint64_t t0 = jit_now_ns();
    config_id(j, g, c->config);
    group_id(c->config, c->program, c->gid);
    jc_group_name(c->gname, c->gid);
    c->gfd = jc_open_group(c->root, c->gname, false);
    if (c->gfd >= 0)
        jc_read_group(c->gfd, c->config, false, &c->set);
    const jc_damage *d = &c->set.dmg;
    c->st.damaged = d->unsafe + d->bad_files + d->bad_records + d->foreign;
    c->st.records = c->set.n;
    c->st.known = c->gfd >= 0;
    c->blocks_status = JC_BLOCKS_MISSING;
    if (c->gfd >= 0)
        c->blocks = jc_blocks_open(c->gfd, c->config, c->gid, &c->blocks_status);
    if (!build_index(c)) {
        snprintf(err, errlen, "out of memory");
        free_cache(c);
        return false;
    }
    load_stubs(j, c, dir);
    c->attach_ns = jit_now_ns() - t0;
    j->cache = c;
    return true;
}

static void log_run(jit_cache *c)
{
    jc_run r = {
        .time = (int64_t)time(NULL),
        .pid = c->pid,
        .hits = c->st.hits,
        .misses = c->st.misses,
        .stored = c->st.stored,
        .load_ns = c->st.load_ns,
        .bad = c->st.damaged + c->st.rejected,
    };
    memcpy(r.group, c->gname, sizeof r.group);
    jc_log_run(c->root, &r);
}

static void print_stats(const jit_cache *c, FILE *f)
{
    const jit_cache_stats *s = &c->st;
    fprintf(f,
            "jit: cache %s: %llu cached units at start; %llu hits, %llu misses, %llu stored, "
            "%llu rejected, %llu damaged; load %.3f ms (%.3f ms/unit); open %.3f ms, "
            "waiting for LLVM %.3f ms; stubs %s\n",
            jit_cache_mode_name(c->mode), (unsigned long long)s->records,
            (unsigned long long)s->hits, (unsigned long long)s->misses,
            (unsigned long long)s->stored, (unsigned long long)s->rejected,
            (unsigned long long)s->damaged, s->load_ns / 1e6,
            s->hits ? s->load_ns / 1e6 / (double)s->hits : 0.0, c->attach_ns / 1e6,
            c->wait_ns / 1e6, c->stubs ? "cached" : "from LLVM");
    if (s->hits)
        fprintf(f,
                "jit: cache load per unit: verify %.1f us, unpack %.1f us, link %.1f us; "
                "%llu linked by LLVM\n",
                c->verify_ns / 1e3 / (double)s->hits, c->unpack_ns / 1e3 / (double)s->hits,
                c->link_ns / 1e3 / (double)s->hits, (unsigned long long)c->orc_loads);
    fprintf(f,
            "jit: cache blocks: %s; %zu kept, %llu taken, %llu whose guest code changed, "
            "%llu damaged; %zu written at exit\n",
            jc_blocks_status_name(c->blocks_status), jc_blocks_count(c->blocks),
            (unsigned long long)c->blocks_taken, (unsigned long long)c->blocks_changed,
            (unsigned long long)c->blocks_damaged, c->blocks_written);
    if (c->img_tried)
        fprintf(f,
                "jit: cache image: %s; %zu units, %zu code bytes, mapped in %.3f ms; "
                "%llu units from it, %llu loaded alone (not in it)\n",
                jc_image_status_name(c->img_status), jc_image_units(c->img),
                jc_image_code_bytes(c->img), jc_image_load_ns(c->img) / 1e6,
                (unsigned long long)c->img_hits, (unsigned long long)c->img_missing);
}

void jit_cache_print_stats(const jit *j, FILE *f)
{
    if (j->cache)
        print_stats(j->cache, f);
}

bool jit_cache_writable(const jit *j) { return j->cache && j->cache->mode == JIT_CACHE_RW; }

bool jit_cache_get_stats(const jit *j, jit_cache_stats *out)
{
    if (!j->cache)
        return false;
    pthread_mutex_lock(&j->cache->mu);
    *out = j->cache->st;
    pthread_mutex_unlock(&j->cache->mu);
    return true;
}

void jit_cache_close(jit *j)
{
    jit_cache *c = j->cache;
    if (!c)
        return;
    j->cache = NULL;
    if (j->opt.log_stats)
        print_stats(c, j->opt.log ? j->opt.log : stderr);
    /* LIFTVM_CACHE_NO_COMPACT: a measurement hook (perf/startup.sh) that
     * keeps the one-file-per-unit journal layout to compare with packs. */
    const char *nc = getenv("LIFTVM_CACHE_NO_COMPACT");
    bool compact = !nc || !*nc || strcmp(nc, "0") == 0;
    if (c->mode == JIT_CACHE_RW) {
        /* The pack is rewritten when the records changed; the image too, and
         * when units were loaded one by one that it should have held. */
        bool changed = c->gfd >= 0 && compact && (c->wrote || c->st.damaged);
        bool image = c->gfd >= 0 && compact &&
                     (changed || c->img_missing || (c->st.hits && !c->img));
        if (changed)
            jc_compact(c->gfd, c->config, c->gid, 0, false, NULL);
        size_t units = 0;
        if (image && !jc_image_build(c->gfd, c->config, c->gid, &units) && j->opt.log_units)
            fprintf(j->opt.log ? j->opt.log : stderr, "jit: cache image not written\n");
        if (changed || image || c->blocks_written) {
            jc_prune(c->root, c->max_bytes, NULL);
        } else if (c->gfd >= 0 && c->st.hits) {
            utimensat(c->gfd, "pack", NULL, AT_SYMLINK_NOFOLLOW); /* last use, for eviction */
        } else if (c->gfd < 0 && c->pid == (long)getpid()) {
            /* A run that left no records still marks its program as known
             * (an empty group): the next run then does not start LLVM at
             * once for compiles that never come (jit_cache_stats.known). */
            int gfd = jc_open_group(c->root, c->gname, true);
            if (gfd >= 0) {
                jc_write_info(gfd, c->program); /* for cache stats */
                close(gfd);
            }
        }
        /* A forked child's counts started as its parent's: the parent logs. */
        if (c->pid == (long)getpid())
            log_run(c);
    }
    free_cache(c);
}

/* ---- decoded blocks (jit_cache_blocks.h) ---- */

ir_block *jit_cache_block(jit *j, uint64_t pc)
{
    jit_cache *c = j->cache;
    jc_kept_block k;
    int found = c && c->blocks ? jc_blocks_find(c->blocks, pc, &k) : 0;
    if (found < 0)
        atomic_fetch_add_explicit(&c->blocks_damaged, 1, memory_order_relaxed);
    if (found <= 0)
        return NULL;
    /* Only from the same guest code, and code the guest cannot write
     * (other code is decoded afresh: it may change under us). */
    if (!c->g.code_ok(c->g.ctx, k.pc, k.end_pc, false) ||
        memcmp(c->g.mem_base + k.pc, k.code, k.end_pc - k.pc) != 0) {
        atomic_fetch_add_explicit(&c->blocks_changed, 1, memory_order_relaxed);
        return NULL;
    }
    ir_block *b = malloc(sizeof *b);
    if (!b)
        return NULL;
    /* The mapping is read-only, and stays (jc_blocks_close): the block's
     * instructions are never written (ir_emit would move them first). */
    *b = (ir_block){.pc = k.pc, .end_pc = k.end_pc, .n_insns = k.n_insns, .cap = k.n_insns,
                    .n_guest = k.n_guest, .n_temps = k.n_temps, .insns = (ir_insn *)k.insns,
                    .storage = IR_INSNS_MAPPED};
    atomic_fetch_add_explicit(&c->blocks_taken, 1, memory_order_relaxed);
    return b;
}

void jit_cache_keep_blocks(jit *j, const ir_block *const *blocks, size_t n)
{
    jit_cache *c = j->cache;
    if (!c || c->mode != JIT_CACHE_RW || c->pid != (long)getpid())
        return;
    size_t fresh = 0;
    for (size_t i = 0; i < n; i++)
        fresh += blocks[i]->storage != IR_INSNS_MAPPED;
    /* Rewriting the file costs about what decoding its blocks does: not
     * for a few new blocks among many. */
    if (fresh == 0 || (fresh < 256 && fresh * 32 < n))
        return;
    jc_kept_block *k = malloc((n ? n : 1) * sizeof *k);
    if (!k)
        return;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const ir_block *b = blocks[i];
        if (b->end_pc > b->pc && c->g.code_ok(c->g.ctx, b->pc, b->end_pc, false))
            k[m++] = (jc_kept_block){b->pc, b->end_pc, b->n_insns, b->n_guest, b->n_temps,
                                     c->g.mem_base + b->pc, b->insns};
    }
    pthread_mutex_lock(&c->mu);
    if (m && c->gfd < 0 && (c->gfd = jc_open_group(c->root, c->gname, true)) >= 0)
        jc_write_info(c->gfd, c->program);
    if (m && c->gfd >= 0 &&
        jc_blocks_write(c->gfd, c->config, c->gid, k, m, c->blocks, JIT_CACHE_MAX_BLOCKS))
        c->blocks_written = m;
    pthread_mutex_unlock(&c->mu);
    free(k);
}

/* ---- storing (request: guest thread; store: compile thread) ---- */

void jit_cache_note_request(jit *j, jit_req *r)
{
    jit_cache *c = j->cache;
    r->cacheable = false;
    if (!c || c->mode != JIT_CACHE_RW || !r->head || r->n_blocks == 0 ||
        r->n_blocks > 4096)
        return;
    jc_block small[32], *b = r->n_blocks <= 32 ? small : malloc(r->n_blocks * sizeof *b);
    if (!b)
        return;
    for (uint32_t i = 0; i < r->n_blocks; i++)
        b[i] = (jc_block){r->blocks[i]->pc, r->blocks[i]->end_pc, 0};
    r->cacheable = code_hash(&c->g, b, r->n_blocks, false, r->code_hash);
    if (b != small)
        free(b);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void jit_cache_store(jit *j, const jit_req *r, const jit_lift_in *in, const void *obj,
                     size_t len)
{
    jit_cache *c = j->cache;
    if (!c || !r->cacheable)
        return;
    uint32_t n = in->n_blocks, ne = in->exits ? in->exits->n_exits : 0, nt = 0;
    jc_block *b = malloc(n * sizeof *b);
    uint64_t *exits = malloc((ne + 1) * sizeof *exits);
    jc_target *targets = in->ind_targets ? malloc((size_t)n * JIT_IND_MAX * sizeof *targets) : NULL;
    if (!b || !exits || (in->ind_targets && !targets))
        goto out;
    /* The predicted targets of each block's indirect jump shape the code. */
    for (uint32_t i = 0; in->ind_targets && i < n; i++)
        for (uint32_t k = 0; k < JIT_IND_MAX; k++)
            if (in->ind_targets[(size_t)i * JIT_IND_MAX + k])
                targets[nt++] = (jc_target){i, in->ind_targets[(size_t)i * JIT_IND_MAX + k]};
    for (uint32_t i = 0; i < n; i++)
        b[i] = (jc_block){in->blocks[i]->pc, in->blocks[i]->end_pc,
                          in->ind_hint ? in->ind_hint[i] : 0};
    /* The cells the object names: exit targets, and the counter's cell. */
    for (uint32_t i = 0; i < ne; i++)
        exits[i] = in->exits->exit_pc[i];
    if (in->head_cell && in->hot2 && !bsearch(&in->head_cell->pc, exits, ne, 8, cmp_u64)) {
        exits[ne++] = in->head_cell->pc;
        qsort(exits, ne, sizeof *exits, cmp_u64);
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    jc_record rec = {
        .pc = b[0].pc,
        .hot2 = in->head_cell && in->hot2 ? in->hot2 : 0,
        .created = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec,
        .tier = in->tier >= 2 ? 2 : 1,
        .flags = (in->loops ? JC_F_LOOPS : 0) | (in->exits ? JC_F_CHAINED : 0) |
                 (in->multi_entry ? JC_F_MULTI : 0),
        .n_blocks = n,
        .n_exits = ne,
        .blocks = b,
        .exits = exits,
        .n_targets = nt,
        .targets = targets,
        .name = in->name,
        .name_len = strlen(in->name),
    };
    unit_key(c->config, &rec, r->code_hash, rec.key);
    size_t rlen;
    void *enc = jc_encode(&rec, obj, len, &rlen);
    pthread_mutex_lock(&c->mu);
    c->st.misses++;
    if (enc && c->gfd < 0 && (c->gfd = jc_open_group(c->root, c->gname, true)) >= 0)
        jc_write_info(c->gfd, c->program);
    if (enc && c->gfd >= 0 && jc_write_journal(c->gfd, c->config, c->gid, enc, rlen, rec.key)) {
        c->st.stored++;
        c->wrote = true;
    }
    pthread_mutex_unlock(&c->mu);
    free(enc);
out:
    free(b);
    free(exits);
    free(targets);
}

/* ---- installing (guest thread) ---- */

/* Asks for the LLVM session (it starts on demand) and waits until the
 * compile thread has started it. */
static bool session_ready(jit *j)
{
    jit_start_session(j);
    for (;;) {
        pthread_mutex_lock(&j->mu);
        bool ready = j->sess != NULL, broken = j->broken;
        pthread_mutex_unlock(&j->mu);
        if (ready || broken)
            return ready;
        nanosleep(&(struct timespec){0, 50000}, NULL);
    }
}

/* What a cached object's undefined symbols resolve to: the cells of its
 * exits, and host helpers. */
typedef struct resolver {
    const jc_record *r;
    jit_cell *const *cells;
} resolver;

static uint64_t resolve(void *ctx, const char *name)
{
    const resolver *rs = ctx;
    uint64_t pc;
    if (rs && jit_cell_symbol_pc(name, &pc)) {
        size_t lo = 0, hi = rs->r->n_exits;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (rs->r->exits[mid] == pc)
                return (uint64_t)(uintptr_t)rs->cells[mid];
            if (rs->r->exits[mid] < pc)
                lo = mid + 1;
            else
                hi = mid;
        }
        return 0;
    }
    for (size_t i = 0; i < jit_helper_count; i++)
        if (strcmp(jit_helper_syms[i].name, name) == 0)
            return (uint64_t)(uintptr_t)jit_helper_syms[i].addr;
    return 0;
}

/* Links obj through ORC (the fallback): a fresh name first, since the
 * session defines each name once. */
static bool link_with_orc(jit *j, jit_cache *c, const jc_record *r, void *obj,
                          jit_cell *const *cells, jit_compiled *out)
{
    char name[256], fresh[256], err[256];
    memcpy(name, r->name, r->name_len);
    name[r->name_len] = 0;
    int w = snprintf(fresh, sizeof fresh, "r%0*llx", (int)r->name_len - 1,
                     (unsigned long long)c->load_seq);
    if (w != (int)r->name_len || !jit_obj_rename(obj, r->obj_size, name, fresh) ||
        !session_ready(j))
        return false;
    if (!j->llvm->session_load(j->sess, obj, r->obj_size, fresh, r->exits, cells, r->n_exits,
                               out, err, sizeof err)) {
        if (j->opt.log_units)
            fprintf(j->opt.log ? j->opt.log : stderr, "jit: cached unit at 0x%llx: %s\n",
                    (unsigned long long)r->pc, err);
        return false;
    }
    c->orc_loads++;
    return true;
}

/* The image's symbols: cells (made now if new) and host helpers. */
static uint64_t resolve_for_image(void *ctx, const char *name)
{
    jit *j = ctx;
    uint64_t pc;
    if (!jit_cell_symbol_pc(name, &pc))
        return resolve(NULL, name);
    return pc == UINT64_MAX ? 0 : (uint64_t)(uintptr_t)jit_cells_get(j->cells, pc, j->exit_stub);
}

/* Maps the program's image once, at the first install (under prof_mu:
 * its symbols make cells). */
static void open_image(jit *j, jit_cache *c)
{
    c->img_tried = true;
    if (c->gfd < 0)
        return;
    c->img = jc_image_load(c->gfd, c->config, c->gid, resolve_for_image, j, &c->img_status);
    if (c->img_status == JC_IMAGE_DAMAGED || c->img_status == JC_IMAGE_FOREIGN) {
        pthread_mutex_lock(&c->mu);
        c->st.damaged++; /* rebuilt when this run ends */
        pthread_mutex_unlock(&c->mu);
    }
    if (!c->img && j->opt.log_units && c->img_status != JC_IMAGE_MISSING)
        fprintf(j->opt.log ? j->opt.log : stderr, "jit: cache image not used: %s\n",
                jc_image_status_name(c->img_status));
}

/* r's unit from the image, or NULL if the image has no code for it. */
static jit_unit *image_unit(jit_thread *t, jit_cache *c, const jc_record *r, size_t *code_size)
{
    void *entry;
    bool listed;
    if (!c->img_tried)
        open_image(t->j, c);
    if (!c->img)
        return NULL;
    if (!jc_image_find(c->img, r->key, &entry, code_size, &listed)) {
        if (!listed)
            c->img_missing++;
        return NULL;
    }
    jit_unit *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    u->pc = r->pc;
    u->tier = r->tier;
    u->n_blocks = r->n_blocks;
    u->seq = ++c->load_seq;
    u->code = entry;
    u->obj_size = r->obj_size;
    u->enter = t->j->enter;
    u->epoch = t->epoch; /* from before the code was hashed */
    c->img_hits++;
    return u; /* u->mem NULL: the image is unmapped with the cache */
}

/* Links r's object and returns the new unit, or NULL. */
static jit_unit *load_unit(jit_thread *t, jit_cache *c, const jc_record *r, size_t *code_size)
{
    jit *j = t->j;
    uint64_t seq = ++c->load_seq;
    uint64_t t0 = jit_now_ns();
    jit_cell **cells = malloc((r->n_exits ? r->n_exits : 1) * sizeof *cells);
    void *obj = jc_unpack_object(r, c->dctx);
    jit_unit *u = calloc(1, sizeof *u);
    if (!cells || !obj || !u)
        goto fail;
    for (uint32_t i = 0; i < r->n_exits; i++)
        if (!(cells[i] = jit_cells_get(j->cells, r->exits[i], j->exit_stub)))
            goto fail;
    uint64_t t1 = jit_now_ns();
    c->unpack_ns += t1 - t0;
    char name[256];
    memcpy(name, r->name, r->name_len);
    name[r->name_len] = 0;
    resolver rs = {r, cells};
    jit_compiled out = {0};
    bool linked = jit_codemem_link(c->mem, obj, r->obj_size, name, resolve, &rs, &out.code,
                                   &out.code_size, &u->mem);
    if (!linked)
        linked = link_with_orc(j, c, r, obj, cells, &out);
    c->link_ns += jit_now_ns() - t1;
    if (!linked)
        goto fail;
    u->pc = r->pc;
    u->tier = r->tier;
    u->n_blocks = r->n_blocks;
    u->seq = seq;
    u->code = out.code;
    u->obj_size = r->obj_size;
    u->rt = out.rt;
    u->enter = j->enter;
    u->epoch = t->epoch; /* from before the code was hashed */
    *code_size = out.code_size;
    free(obj);
    free(cells);
    return u;
fail:
    free(u);
    free(obj);
    free(cells);
    return NULL;
}

void jit_cache_release_code(jit *j, void *mem)
{
    if (j->cache)
        jit_codemem_release(j->cache->mem, mem);
}

/* jit_enter from the stubs the session kept in the cache folder, linked
 * here and checked as the session checks its own: a warm run can enter
 * cached code before LLVM has started. */
static void load_stubs(jit *j, jit_cache *c, const char *dir)
{
    size_t len = 0, size = 0, s_enter, s_next;
    uint64_t v_enter, v_next;
    void *obj = jit_cache_stubs_load(dir, &len), *enter = NULL;
    if (!obj || !jit_obj_symbol_at(obj, len, "jit_enter", &s_enter, &v_enter) ||
        !jit_obj_symbol_at(obj, len, "jit_exit_next", &s_next, &v_next) || s_enter != s_next ||
        !jit_codemem_link(c->mem, obj, len, "jit_enter", resolve, NULL, &enter, &size,
                          &c->stubs)) {
        free(obj);
        return;
    }
    free(obj);
    static const unsigned char want[] = {0x31, 0xc0, 0xc2, 0x08, 0x00}; /* xor eax; ret 8 */
    const uint8_t *next = (const uint8_t *)enter - v_enter + v_next;
    if (memcmp(next, want, sizeof want) != 0 ||
        memcmp((const void *)jit_exit_stub, want, sizeof want) != 0)
        return; /* the session will refuse them too */
    pthread_mutex_lock(&j->mu);
    if (!j->enter)
        j->enter = (jit_enter_fn)enter;
    pthread_mutex_unlock(&j->mu);
}

/* Publishes u in cell as a compiled unit is published (a multi-entry
 * region lends its code to its blocks' cells); false if it was discarded. */
static bool publish(jit *j, jit_cell *cell, jit_unit *u, const jc_record *r)
{
    jit_cell **members = NULL;
    if ((r->flags & JC_F_MULTI) && r->n_blocks > 1 &&
        (members = calloc(r->n_blocks, sizeof *members)))
        for (uint32_t k = 1; k < r->n_blocks; k++)
            members[k] = jit_cells_get(j->cells, r->blocks[k].pc, j->exit_stub);
    jit_req as_compiled = {
        .head = cell,
        .epoch = u->epoch,
        .multi_entry = members != NULL,
        .member_cell = members,
        .n_blocks = r->n_blocks,
    };
    pthread_mutex_lock(&j->mu);
    jit_queue_install(j, &as_compiled, u);
    bool installed = u->cell == cell; /* else it is on the free list now */
    if (!installed)
        jit_wake(j);
    pthread_mutex_unlock(&j->mu);
    free(members);
    return installed;
}

static jit_cell *install_record(jit_thread *t, jit_cache *c, const jc_record *r)
{
    jit *j = t->j;
    jit_cell *cell = jit_cells_get(j->cells, r->pc, j->exit_stub);
    if (!cell || atomic_load(&cell->tier) >= r->tier)
        return NULL;
    uint64_t t0 = jit_now_ns();
    if (!c->can_enter) { /* the cached stubs, or the session's */
        pthread_mutex_lock(&j->mu);
        c->can_enter = j->enter != NULL;
        pthread_mutex_unlock(&j->mu);
        if (!c->can_enter && !(c->can_enter = session_ready(j)))
            return NULL;
        c->wait_ns += jit_now_ns() - t0;
        t0 = jit_now_ns();
    }
    /* Claiming the code makes the runtime count its pages as translated,
     * so a later map change there drops the unit. */
    uint64_t tv = jit_now_ns();
    bool ok = matches(c, r, true);
    c->verify_ns += jit_now_ns() - tv;
    if (!ok) {
        c->st.rejected++;
        return NULL;
    }
    size_t code_size = 0;
    jit_unit *u = image_unit(t, c, r, &code_size);
    if (!u)
        u = load_unit(t, c, r, &code_size);
    if (!u)
        return NULL;
    if (!publish(j, cell, u, r))
        return NULL;
    cell->flags |= r->tier >= 2 ? JIT_CF_QUEUED2 : JIT_CF_QUEUED1;
    if (r->tier >= 2) {
        for (uint32_t i = 1; i < r->n_blocks; i++) {
            jit_cell *in = jit_cells_get(j->cells, r->blocks[i].pc, j->exit_stub);
            if (in)
                in->flags |= JIT_CF_COVERED;
        }
    }
    if (j->perf)
        jit_perf_unit(j->perf, u->pc, u->tier, u->code, code_size);
    uint64_t dt = jit_now_ns() - t0;
    if (j->opt.log_units)
        fprintf(j->opt.log ? j->opt.log : stderr,
                "jit: t%d r%llu pc 0x%llx: %u blocks from the cache; load %.3f ms; %zu bytes\n",
                u->tier, (unsigned long long)u->seq, (unsigned long long)u->pc, u->n_blocks,
                dt / 1e6, u->obj_size);
    pthread_mutex_lock(&c->mu);
    c->st.hits++;
    c->st.load_ns += dt;
    pthread_mutex_unlock(&c->mu);
    return cell;
}

bool jit_cache_has(const jit *j, uint64_t pc)
{
    return j->cache && index_find(j->cache, pc) >= 0;
}

jit_cell *jit_cache_install(jit_thread *t, uint64_t pc)
{
    jit_cache *c = t->j->cache;
    int32_t i = c ? index_find(c, pc) : -1;
    if (i < 0)
        return NULL;
    uint64_t epoch = atomic_load(&t->j->epoch);
    for (; i >= 0; i = c->next[i]) {
        if (c->tried[i] == epoch)
            continue;
        c->tried[i] = epoch;
        jit_cell *cell = install_record(t, c, &c->set.rec[i]);
        if (cell)
            return cell;
    }
    return NULL;
}

/* ---- ahead of time ---- */

bool jit_cache_build_unit(jit_thread *t, uint64_t pc, bool *was_cached)
{
    jit *j = t->j;
    jit_cache *c = j->cache;
    *was_cached = false;
    if (!c || c->mode != JIT_CACHE_RW || j->opt.mode == JIT_OFF)
        return false;
    for (int32_t i = index_find(c, pc); i >= 0; i = c->next[i]) {
        if (matches(c, &c->set.rec[i], false)) {
            *was_cached = true;
            return true;
        }
    }
    jit_req *r = NULL;
    pthread_mutex_lock(&j->prof_mu);
    t->epoch = atomic_load(&j->epoch);
    if (j->opt.mode == JIT_T2) {
        r = jit_region_tier2(t, pc, true);
    } else {
        const ir_block *b = t->blocks(t->blocks_ctx, pc, true);
        r = b ? jit_region_tier1(t, b) : NULL;
    }
    if (r) {
        r->sync = true;
        jit_queue_push(j, r);
    }
    pthread_mutex_unlock(&j->prof_mu);
    if (!r)
        return false;
    jit_queue_wait(j, r);
    bool ok = r->err[0] == 0 && r->cacheable;
    jit_req_free(r);
    return ok;
}
