/*
 * jit_cache_store.c — files and folders of the translation cache (layout
 * in jit_cache_store.h).
 *
 * Why one pack per guest program plus a journal: a warm start reads one
 * file with one read() instead of opening a file per unit (perf/README.md
 * has the measurement), while every compiled unit still reaches the disk
 * at once as its own small journal file, so a run that is killed, execs or
 * forks loses nothing.  The run that wrote journal files folds them into
 * the pack when it ends (compaction, under flock); concurrent runs only
 * ever rename complete files into place, so a reader sees an old or a new
 * file, never a partial one, and at worst misses a unit and compiles it.
 */
#include "llvmjit/jit_cache_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>
#include <zstd.h>

#include "llvmjit/jit_objfile.h"

#define FILE_MAGIC "LVMCACHE"
#define REC_MAGIC 0x5243564cu /* "LVCR" */
#define KIND_PACK 1u
#define KIND_JOURNAL 2u
#define MAX_FILE (1ull << 30)
#define MAX_OBJ (64u << 20)
#define MAX_BLOCKS 4096u
#define MAX_NAME 200u
#define MAX_TARGETS (MAX_BLOCKS * 8u)
#define STALE_TMP_NS (600ll * 1000000000ll) /* a temporary file this old is a crashed writer's */
#define ZSTD_LEVEL 3

typedef struct fhead {
    char magic[8];
    uint32_t kind;
    uint32_t n_records;
    uint8_t config[JC_ID_LEN];
    uint8_t group[JC_ID_LEN];
    uint64_t check; /* XXH3-64 of the bytes before it */
} fhead;

typedef struct rhead {
    uint32_t magic;
    uint32_t size;  /* the whole record, a multiple of 8 */
    uint64_t check; /* XXH3-64 of the record's bytes after this field */
    uint8_t key[JC_ID_LEN];
    uint64_t pc, hot2, created;
    uint32_t obj_size, zobj_size;
    uint16_t n_blocks, n_exits;
    uint8_t tier, flags, name_len, pad;
    uint32_t n_targets, reserved;
} rhead;

_Static_assert(sizeof(fhead) == 56, "file header layout");
_Static_assert(sizeof(rhead) == 80, "record header layout");

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

static void hex(char *out, const uint8_t *id, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", id[i]);
}

/* ---- safe file access ---- */

/* A file or folder we may trust: ours, not writable by others. */
static bool trusted(const struct stat *st) { return st->st_uid == geteuid() && !(st->st_mode & 022); }

/* openat, with the descriptor moved high in the fd table (below 1024 so a
 * fork's table stays small): the guest's own open, pipe and dup calls get
 * the lowest free numbers, as natively, and must find neither our folders
 * nor a hole a journal write left behind (the compile thread writes while
 * the guest runs).  The low number is held only between the two calls. */
static pthread_mutex_t fd_mu = PTHREAD_MUTEX_INITIALIZER; /* cache openers */
static atomic_int fd_guests;     /* guest calls making descriptors now */
static atomic_bool fd_opening;   /* the cache is between open and move */

void jit_cache_fd_enter(void)
{
    for (;;) { /* Dekker-style with open_high: seq_cst on both sides */
        atomic_fetch_add(&fd_guests, 1);
        if (!atomic_load(&fd_opening))
            return;
        atomic_fetch_sub(&fd_guests, 1);
        while (atomic_load(&fd_opening))
            sched_yield();
    }
}

void jit_cache_fd_leave(void) { atomic_fetch_sub(&fd_guests, 1); }

/* Where the cache's descriptors go: 128 below the soft limit or 1024,
 * whichever is lower; -1 when the limit is too small to bother. */
static int high_floor(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur < 256)
        return -1;
    return (int)((rl.rlim_cur > 1024 ? 1024 : rl.rlim_cur) - 128);
}

static int open_high(int dfd, const char *name, int flags, mode_t mode)
{
    pthread_mutex_lock(&fd_mu);
    atomic_store(&fd_opening, true);
    /* Up to ~10 ms for guest calls in flight (one blocked in the open of
     * a FIFO may take for ever: then the window stays, microseconds). */
    for (int i = 0; i < 1000 && atomic_load(&fd_guests) > 0; i++)
        nanosleep(&(struct timespec){0, 10000}, NULL);
    int fd = openat(dfd, name, flags | O_CLOEXEC, mode), saved = errno;
    int at = high_floor();
    if (fd >= 0 && at >= 0 && fd < at) {
        int h = fcntl(fd, F_DUPFD_CLOEXEC, at);
        if (h >= 0) {
            close(fd);
            fd = h;
        }
    }
    atomic_store(&fd_opening, false);
    pthread_mutex_unlock(&fd_mu);
    errno = saved;
    return fd;
}

void jit_cache_fd_reserve(void)
{
    int fd = open_high(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0);
    if (fd >= 0)
        close(fd); /* the table keeps its size */
}

/* Reads a whole regular file at dfd/name (not following symlinks) into an
 * 8-aligned buffer.  NULL with *unsafe set when it may not be trusted, or
 * with errno for I/O errors (ENOENT: gone meanwhile). */
static void *read_file(int dfd, const char *name, size_t *len, bool *unsafe)
{
    *unsafe = false;
    int fd = open_high(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);
    if (fd < 0) {
        if (errno == ELOOP)
            *unsafe = true;
        return NULL;
    }
    struct stat st;
    void *buf = NULL;
    if (fstat(fd, &st) != 0)
        goto out;
    if (!S_ISREG(st.st_mode) || !trusted(&st)) {
        *unsafe = true;
        goto out;
    }
    if ((uint64_t)st.st_size > MAX_FILE) {
        errno = EFBIG;
        goto out;
    }
    size_t n = (size_t)st.st_size;
    buf = malloc(pad8(n) + 8);
    if (!buf)
        goto out;
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    *len = got; /* shorter if it shrank: the parser sees a truncated file */
out:
    close(fd);
    return buf;
}

/* Writes data to dfd/name atomically: a temporary file, then rename. */
static bool write_atomic(int dfd, const char *name, const void *data, size_t len)
{
    static unsigned counter;
    char tmp[64];
    snprintf(tmp, sizeof tmp, ".t-%ld-%u-%lx", (long)getpid(),
             __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED), (unsigned long)time(NULL));
    int fd = open_high(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    const char *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    bool ok = close(fd) == 0 && done == len && renameat(dfd, tmp, dfd, name) == 0;
    if (!ok)
        unlinkat(dfd, tmp, 0);
    return ok;
}

/* ---- folders ---- */

/* A new descriptor of the folder dfd for readdir: a dup() would share the
 * read position, so a second listing of the same folder would be empty. */
static int reopen_dir(int dfd)
{
    return open_high(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
}

/* Opens (creating if asked) the folder name under dfd (AT_FDCWD: a path),
 * checking it is a trusted directory and not a symlink. */
static int open_dir(int dfd, const char *name, bool create, bool *made, char *err, size_t errlen)
{
    if (made)
        *made = false;
    if (create && mkdirat(dfd, name, 0700) == 0 && made)
        *made = true;
    int fd = open_high(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) {
        int e = errno; /* kept for the caller: ENOENT means no cache yet */
        snprintf(err, errlen, "cannot open the cache folder %s: %s", name,
                 e == ELOOP || e == ENOTDIR ? "not a folder (a symlink?)" : strerror(e));
        errno = e;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "cannot open the cache folder %s: %s", name, strerror(errno));
        close(fd);
        return -1;
    }
    if (!trusted(&st)) {
        snprintf(err, errlen, "the cache folder %s is %s", name,
                 st.st_uid != geteuid() ? "owned by another user" : "writable by other users");
        close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

/* mkdir -p for the parents of path (mode 0700 for the ones it makes). */
static void make_parents(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        mkdir(buf, 0700);
        *p = '/';
    }
}

int jc_open_root(const char *dir, bool create, char *err, size_t errlen)
{
    if (!dir || !*dir) {
        snprintf(err, errlen, "no cache folder");
        return -1;
    }
    if (create)
        make_parents(dir);
    bool made;
    char e[256];
    int top = open_dir(AT_FDCWD, dir, create, &made, e, sizeof e);
    if (top < 0) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    if (made) {
        static const char tag[] = "Signature: 8a477f597d28d172789f06886806bc55\n"
                                  "# This file marks liftvm's translation cache; backup tools "
                                  "may skip this folder.\n";
        write_atomic(top, "CACHEDIR.TAG", tag, sizeof tag - 1);
    }
    int v = open_dir(top, JC_VERSION_DIR, create, NULL, e, sizeof e), saved = errno;
    close(top);
    errno = saved;
    if (v < 0) {
        snprintf(err, errlen, "cannot open the cache folder %s/%s", dir,
                 e + strlen("cannot open the cache folder "));
        errno = saved;
    }
    return v;
}

void jc_group_name(char buf[40], const uint8_t gid[JC_ID_LEN])
{
    memcpy(buf, "g-", 2);
    hex(buf + 2, gid, JC_ID_LEN);
}

int jc_open_group(int root, const char *name, bool create)
{
    char err[256];
    return open_dir(root, name, create, NULL, err, sizeof err);
}

/* ---- records ---- */

static bool name_ok(const char *s, size_t n)
{
    if (n == 0 || n > MAX_NAME)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.'))
            return false;
    }
    return true;
}

static size_t layout_size(const rhead *h)
{
    return sizeof *h + (size_t)h->n_blocks * sizeof(jc_block) + (size_t)h->n_exits * 8 +
           (size_t)h->n_targets * sizeof(jc_target) + pad8(h->name_len) + pad8(h->zobj_size);
}

void *jc_unpack_object(const jc_record *r, void *dctx)
{
    if (r->obj_size == 0 || r->obj_size > MAX_OBJ)
        return NULL;
    void *obj = malloc(r->obj_size);
    if (!obj)
        return NULL;
    size_t n = dctx ? ZSTD_decompressDCtx(dctx, obj, r->obj_size, r->zobj, r->zobj_size)
                    : ZSTD_decompress(obj, r->obj_size, r->zobj, r->zobj_size);
    if (ZSTD_isError(n) || n != r->obj_size) {
        free(obj);
        return NULL;
    }
    return obj;
}

static bool object_ok(const jc_record *r, void *dctx)
{
    void *obj = jc_unpack_object(r, dctx);
    if (!obj)
        return false;
    char name[MAX_NAME + 1], err[128];
    memcpy(name, r->name, r->name_len);
    name[r->name_len] = 0;
    bool ok = jit_obj_check(obj, r->obj_size, name, err, sizeof err);
    free(obj);
    return ok;
}

static bool push_record(jc_set *set, const jc_record *r)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 64;
        jc_record *n = realloc(set->rec, cap * sizeof *n);
        if (!n)
            return false;
        set->rec = n;
        set->cap = cap;
    }
    set->rec[set->n++] = *r;
    return true;
}

/* Parses the records of one file into set; damage is counted. */
static void parse_file(const uint8_t *buf, size_t len, const uint8_t *want, void *check_objects,
                       jc_set *set)
{
    const fhead *fh = (const fhead *)buf;
    if (len < sizeof *fh || memcmp(fh->magic, FILE_MAGIC, 8) != 0 ||
        (fh->kind != KIND_PACK && fh->kind != KIND_JOURNAL) ||
        fh->check != XXH3_64bits(fh, offsetof(fhead, check))) {
        set->dmg.bad_files++;
        return;
    }
    const uint8_t *config = want ? want : set->have_config ? set->config : fh->config;
    if (memcmp(fh->config, config, JC_ID_LEN) != 0) {
        set->dmg.foreign += fh->n_records ? fh->n_records : 1;
        return;
    }
    if (!set->have_config) {
        memcpy(set->config, fh->config, JC_ID_LEN);
        set->have_config = true;
    }
    size_t at = sizeof *fh;
    for (uint32_t i = 0; i < fh->n_records; i++) {
        const rhead *h = (const rhead *)(buf + at);
        if (len - at < sizeof *h || h->magic != REC_MAGIC || h->size < sizeof *h || h->size % 8 ||
            h->size > len - at) {
            set->dmg.bad_records += fh->n_records - i; /* cannot find the next one */
            return;
        }
        at += h->size;
        if (h->check != XXH3_64bits((const uint8_t *)h + 16, h->size - 16) ||
            h->n_targets > MAX_TARGETS || layout_size(h) != h->size || h->n_blocks == 0 ||
            h->n_blocks > MAX_BLOCKS ||
            (h->tier != 1 && h->tier != 2) || h->obj_size == 0 || h->obj_size > MAX_OBJ) {
            set->dmg.bad_records++;
            continue;
        }
        const uint8_t *p = (const uint8_t *)(h + 1);
        jc_record r = {
            .pc = h->pc,
            .hot2 = h->hot2,
            .created = h->created,
            .tier = h->tier,
            .flags = h->flags,
            .n_blocks = h->n_blocks,
            .n_exits = h->n_exits,
            .blocks = (const jc_block *)p,
            .exits = (const uint64_t *)(p + h->n_blocks * sizeof(jc_block)),
            .raw = h,
            .raw_size = h->size,
        };
        memcpy(r.key, h->key, JC_ID_LEN);
        p += h->n_blocks * sizeof(jc_block) + (size_t)h->n_exits * 8;
        r.n_targets = h->n_targets;
        r.targets = (const jc_target *)p;
        p += (size_t)h->n_targets * sizeof(jc_target);
        r.name = (const char *)p;
        r.name_len = h->name_len;
        r.zobj = p + pad8(h->name_len);
        r.zobj_size = h->zobj_size;
        r.obj_size = h->obj_size;
        bool blocks_ok = r.blocks[0].pc == r.pc;
        for (uint32_t k = 0; k < r.n_blocks; k++)
            blocks_ok = blocks_ok && r.blocks[k].end > r.blocks[k].pc;
        for (uint32_t k = 0; k < r.n_targets; k++)
            blocks_ok = blocks_ok && r.targets[k].block < r.n_blocks;
        if (!blocks_ok || !name_ok(r.name, r.name_len) || (check_objects && !object_ok(&r, check_objects))) {
            set->dmg.bad_records++;
            continue;
        }
        if (!push_record(set, &r))
            return;
    }
}

static void note_file(jc_set *set, const char *name)
{
    char **f = realloc(set->files, (set->nfiles + 1) * sizeof *f);
    if (!f)
        return;
    set->files = f;
    if ((f[set->nfiles] = strdup(name)))
        set->nfiles++;
}

static void read_one(int gfd, const char *name, const uint8_t *want, void *check_objects,
                     jc_set *set)
{
    bool unsafe;
    size_t len = 0;
    void *buf = read_file(gfd, name, &len, &unsafe);
    if (unsafe)
        set->dmg.unsafe++;
    if (buf || unsafe)
        note_file(set, name);
    if (!buf)
        return;
    void **b = realloc(set->bufs, (set->nbufs + 1) * sizeof *b);
    if (!b) {
        free(buf);
        return;
    }
    set->bufs = b;
    set->bufs[set->nbufs++] = buf;
    set->file_bytes += len;
    parse_file(buf, len, want, check_objects, set);
}

void jc_read_group(int gfd, const uint8_t *want, bool check_objects, jc_set *set)
{
    memset(set, 0, sizeof *set);
    ZSTD_DCtx *dctx = check_objects ? ZSTD_createDCtx() : NULL; /* non-NULL: check */
    read_one(gfd, "pack", want, dctx, set);
    int d = reopen_dir(gfd);
    DIR *dir = d >= 0 ? fdopendir(d) : NULL;
    if (dir) {
        for (struct dirent *e; (e = readdir(dir));)
            if (e->d_name[0] == 'j' && e->d_name[1] == '-')
                read_one(gfd, e->d_name, want, dctx, set);
        closedir(dir);
    } else if (d >= 0) {
        close(d);
    }
    ZSTD_freeDCtx(dctx);
}

void jc_set_free(jc_set *set)
{
    for (size_t i = 0; i < set->nbufs; i++)
        free(set->bufs[i]);
    for (size_t i = 0; i < set->nfiles; i++)
        free(set->files[i]);
    free(set->bufs);
    free(set->files);
    free(set->rec);
    memset(set, 0, sizeof *set);
}

/* ---- writing ---- */

void *jc_encode(const jc_record *r, const void *obj, size_t obj_size, size_t *len)
{
    if (r->n_blocks == 0 || r->n_blocks > MAX_BLOCKS || r->n_exits > 0xffff ||
        r->n_targets > MAX_TARGETS || !name_ok(r->name, r->name_len) || obj_size == 0 ||
        obj_size > MAX_OBJ)
        return NULL;
    size_t zcap = ZSTD_compressBound(obj_size);
    size_t cap = sizeof(rhead) + r->n_blocks * sizeof(jc_block) + (size_t)r->n_exits * 8 +
                 (size_t)r->n_targets * sizeof(jc_target) + pad8(r->name_len) + pad8(zcap);
    uint8_t *buf = calloc(1, cap);
    if (!buf)
        return NULL;
    rhead *h = (rhead *)buf;
    uint8_t *p = (uint8_t *)(h + 1);
    memcpy(p, r->blocks, r->n_blocks * sizeof(jc_block));
    p += r->n_blocks * sizeof(jc_block);
    memcpy(p, r->exits, (size_t)r->n_exits * 8);
    p += (size_t)r->n_exits * 8;
    if (r->n_targets)
        memcpy(p, r->targets, (size_t)r->n_targets * sizeof(jc_target));
    p += (size_t)r->n_targets * sizeof(jc_target);
    memcpy(p, r->name, r->name_len);
    p += pad8(r->name_len);
    size_t z = ZSTD_compress(p, zcap, obj, obj_size, ZSTD_LEVEL);
    if (ZSTD_isError(z)) {
        free(buf);
        return NULL;
    }
    *h = (rhead){
        .magic = REC_MAGIC,
        .pc = r->pc,
        .hot2 = r->hot2,
        .created = r->created,
        .obj_size = (uint32_t)obj_size,
        .zobj_size = (uint32_t)z,
        .n_blocks = (uint16_t)r->n_blocks,
        .n_exits = (uint16_t)r->n_exits,
        .n_targets = r->n_targets,
        .tier = (uint8_t)r->tier,
        .flags = (uint8_t)r->flags,
        .name_len = (uint8_t)r->name_len,
    };
    memcpy(h->key, r->key, JC_ID_LEN);
    h->size = (uint32_t)layout_size(h);
    h->check = XXH3_64bits(buf + 16, h->size - 16);
    *len = h->size;
    return buf;
}

static void file_head(fhead *fh, uint32_t kind, uint32_t n, const uint8_t *config,
                      const uint8_t *gid)
{
    memset(fh, 0, sizeof *fh);
    memcpy(fh->magic, FILE_MAGIC, 8);
    fh->kind = kind;
    fh->n_records = n;
    memcpy(fh->config, config, JC_ID_LEN);
    memcpy(fh->group, gid, JC_ID_LEN);
    fh->check = XXH3_64bits(fh, offsetof(fhead, check));
}

bool jc_write_journal(int gfd, const uint8_t config[JC_ID_LEN], const uint8_t gid[JC_ID_LEN],
                      const void *rec, size_t len, const uint8_t key[JC_ID_LEN])
{
    uint8_t *buf = malloc(sizeof(fhead) + len);
    if (!buf)
        return false;
    file_head((fhead *)buf, KIND_JOURNAL, 1, config, gid);
    memcpy(buf + sizeof(fhead), rec, len);
    char name[2 + 2 * JC_ID_LEN + 1] = "j-";
    hex(name + 2, key, JC_ID_LEN);
    bool ok = write_atomic(gfd, name, buf, sizeof(fhead) + len);
    free(buf);
    return ok;
}

void jc_write_info(int gfd, const char *program)
{
    if (faccessat(gfd, "info", F_OK, AT_SYMLINK_NOFOLLOW) == 0 || !program)
        return;
    char text[4200];
    int n = snprintf(text, sizeof text, "%s\n", program);
    if (n > 0 && (size_t)n < sizeof text)
        write_atomic(gfd, "info", text, (size_t)n);
}

static int lock_group(int gfd)
{
    int fd = open_high(gfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

static int by_key_then_newest(const void *a, const void *b)
{
    const jc_record *x = *(const jc_record *const *)a, *y = *(const jc_record *const *)b;
    int c = memcmp(x->key, y->key, JC_ID_LEN);
    if (c)
        return c;
    return x->created < y->created ? 1 : x->created > y->created ? -1 : 0;
}

static int newest_first(const void *a, const void *b)
{
    const jc_record *x = *(const jc_record *const *)a, *y = *(const jc_record *const *)b;
    return x->created < y->created ? 1 : x->created > y->created ? -1 : 0;
}

/* Removes stray temporary files of writers that died long ago. */
static void remove_stale_temps(int gfd)
{
    int d = reopen_dir(gfd);
    DIR *dir = d >= 0 ? fdopendir(d) : NULL;
    if (!dir) {
        if (d >= 0)
            close(d);
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t now_ns = (int64_t)now.tv_sec * 1000000000ll + now.tv_nsec;
    for (struct dirent *e; (e = readdir(dir));) {
        struct stat st;
        if (strncmp(e->d_name, ".t-", 3) != 0 ||
            fstatat(gfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        int64_t m = (int64_t)st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec;
        if (now_ns - m > STALE_TMP_NS)
            unlinkat(gfd, e->d_name, 0);
    }
    closedir(dir);
}

int64_t jc_compact(int gfd, const uint8_t *config, const uint8_t gid[JC_ID_LEN], uint64_t budget,
                   bool check_objects, jc_damage *dmg)
{
    int lk = lock_group(gfd);
    if (lk < 0)
        return -1;
    jc_set set;
    jc_read_group(gfd, config, check_objects, &set);
    if (dmg) {
        dmg->unsafe += set.dmg.unsafe;
        dmg->bad_files += set.dmg.bad_files;
        dmg->bad_records += set.dmg.bad_records;
        dmg->foreign += set.dmg.foreign;
    }
    int64_t result = -1;
    const jc_record **v = malloc((set.n ? set.n : 1) * sizeof *v);
    if (!v)
        goto out;
    for (size_t i = 0; i < set.n; i++)
        v[i] = &set.rec[i];
    qsort(v, set.n, sizeof *v, by_key_then_newest);
    size_t m = 0;
    for (size_t i = 0; i < set.n; i++)
        if (m == 0 || memcmp(v[m - 1]->key, v[i]->key, JC_ID_LEN) != 0)
            v[m++] = v[i];
    qsort(v, m, sizeof *v, newest_first);
    size_t bytes = sizeof(fhead), kept = 0;
    for (; kept < m; kept++) {
        if (budget && bytes + v[kept]->raw_size > budget)
            break;
        bytes += v[kept]->raw_size;
    }
    if (kept == 0) {
        unlinkat(gfd, "pack", 0);
        result = 0;
    } else {
        uint8_t *buf = malloc(bytes);
        if (!buf) {
            free(v);
            goto out;
        }
        const uint8_t *cfg = config ? config : set.config;
        file_head((fhead *)buf, KIND_PACK, (uint32_t)kept, cfg, gid);
        size_t at = sizeof(fhead);
        for (size_t i = 0; i < kept; i++) {
            memcpy(buf + at, v[i]->raw, v[i]->raw_size);
            at += v[i]->raw_size;
        }
        if (write_atomic(gfd, "pack", buf, bytes))
            result = (int64_t)bytes;
        free(buf);
    }
    free(v);
    if (result >= 0) {
        /* Everything read is in the new pack now, or was not worth keeping. */
        for (size_t i = 0; i < set.nfiles; i++)
            if (strncmp(set.files[i], "j-", 2) == 0 && unlinkat(gfd, set.files[i], 0) != 0 &&
                errno == EISDIR)
                unlinkat(gfd, set.files[i], AT_REMOVEDIR);
    }
    remove_stale_temps(gfd);
out:
    jc_set_free(&set);
    close(lk); /* releases the lock */
    return result;
}

bool jc_remove_group(int root, const char *name)
{
    int g = jc_open_group(root, name, false);
    if (g < 0) {
        /* Not ours, or not a folder: remove the name itself if we can. */
        return unlinkat(root, name, 0) == 0 || unlinkat(root, name, AT_REMOVEDIR) == 0;
    }
    int lk = lock_group(g);
    int d = reopen_dir(g);
    DIR *dir = d >= 0 ? fdopendir(d) : NULL;
    if (dir) {
        for (struct dirent *e; (e = readdir(dir));)
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                unlinkat(g, e->d_name, 0);
        closedir(dir);
    } else if (d >= 0) {
        close(d);
    }
    if (lk >= 0)
        close(lk);
    close(g);
    return unlinkat(root, name, AT_REMOVEDIR) == 0;
}

#define BLOB_MAGIC "LVMBLOB1"

void *jc_read_blob(int root, const char *name, size_t *len)
{
    bool unsafe;
    size_t n = 0;
    uint8_t *buf = read_file(root, name, &n, &unsafe);
    if (!buf)
        return NULL;
    uint64_t check;
    if (n < 16 || memcmp(buf, BLOB_MAGIC, 8) != 0 ||
        (memcpy(&check, buf + 8, 8), check != XXH3_64bits(buf + 16, n - 16))) {
        free(buf);
        return NULL;
    }
    memmove(buf, buf + 16, n - 16);
    *len = n - 16;
    return buf;
}

bool jc_write_blob(int root, const char *name, const void *data, size_t len)
{
    uint8_t *buf = malloc(16 + len);
    if (!buf)
        return false;
    memcpy(buf, BLOB_MAGIC, 8);
    uint64_t check = XXH3_64bits(data, len);
    memcpy(buf + 8, &check, 8);
    memcpy(buf + 16, data, len);
    bool ok = write_atomic(root, name, buf, 16 + len);
    free(buf);
    return ok;
}

const void *jc_map_file(int dir, const char *name, size_t *len, bool *unsafe)
{
    *unsafe = false;
    int fd = open_high(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0);
    if (fd < 0) {
        *unsafe = errno == ELOOP;
        return NULL;
    }
    struct stat st;
    void *map = NULL;
    if (fstat(fd, &st) == 0) {
        if (!S_ISREG(st.st_mode) || !trusted(&st))
            *unsafe = true;
        else if (st.st_size > 0 && (uint64_t)st.st_size <= MAX_FILE)
            map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    close(fd);
    if (map == MAP_FAILED || !map)
        return NULL;
    *len = (size_t)st.st_size;
    return map;
}

bool jc_write_file(int dir, const char *name, const void *data, size_t len)
{
    return write_atomic(dir, name, data, len);
}

/* ---- the whole cache ---- */

jc_group_info *jc_list_groups(int root, size_t *n)
{
    *n = 0;
    int d = reopen_dir(root);
    DIR *dir = d >= 0 ? fdopendir(d) : NULL;
    if (!dir) {
        if (d >= 0)
            close(d);
        return NULL;
    }
    jc_group_info *v = NULL;
    size_t cap = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        if (strncmp(e->d_name, "g-", 2) != 0 || strlen(e->d_name) >= sizeof v->name)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            jc_group_info *nv = realloc(v, cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        jc_group_info *g = &v[*n];
        memset(g, 0, sizeof *g);
        memcpy(g->name, e->d_name, strlen(e->d_name) + 1); /* fits: checked above */
        int gfd = open_high(root, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        int gd = gfd >= 0 ? reopen_dir(gfd) : -1;
        DIR *gdir = gd >= 0 ? fdopendir(gd) : NULL;
        if (gdir) {
            for (struct dirent *f; (f = readdir(gdir));) {
                struct stat st;
                if (f->d_name[0] == '.' && (!f->d_name[1] || f->d_name[1] == '.'))
                    continue;
                if (fstatat(gfd, f->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                    continue;
                g->bytes += (uint64_t)st.st_size;
                int64_t m = (int64_t)st.st_mtim.tv_sec * 1000000000ll + st.st_mtim.tv_nsec;
                if (m > g->used_ns && strcmp(f->d_name, "lock") != 0)
                    g->used_ns = m;
            }
            closedir(gdir);
        } else if (gd >= 0) {
            close(gd);
        }
        if (gfd >= 0)
            close(gfd);
        (*n)++;
    }
    closedir(dir);
    return v;
}

bool jc_parse_group_name(const char *name, uint8_t out[JC_ID_LEN])
{
    if (strncmp(name, "g-", 2) != 0)
        return false;
    const char *s = name + 2;
    for (size_t i = 0; i < JC_ID_LEN; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return false;
        out[i] = (uint8_t)v;
    }
    return s[2 * JC_ID_LEN] == 0;
}

static int most_recent_first(const void *a, const void *b)
{
    const jc_group_info *x = a, *y = b;
    return x->used_ns < y->used_ns ? 1 : x->used_ns > y->used_ns ? -1 : 0;
}

/* Keeps the run log short: the last 500 lines once it passes 64 KiB. */
static void trim_runs(int root)
{
    bool unsafe;
    size_t len = 0;
    char *buf = read_file(root, "runs", &len, &unsafe);
    if (!buf || len < (64u << 10)) {
        free(buf);
        if (unsafe)
            unlinkat(root, "runs", 0);
        return;
    }
    size_t lines = 0, at = len;
    while (at > 0 && lines <= 500)
        if (buf[--at] == '\n')
            lines++;
    if (at > 0)
        at++;
    write_atomic(root, "runs", buf + at, len - at);
    free(buf);
}

/* Bytes of the files directly under root (run log, stubs). */
static uint64_t loose_bytes(int root)
{
    uint64_t total = 0;
    int d = reopen_dir(root);
    DIR *dir = d >= 0 ? fdopendir(d) : NULL;
    if (!dir) {
        if (d >= 0)
            close(d);
        return 0;
    }
    for (struct dirent *e; (e = readdir(dir));) {
        struct stat st;
        if (fstatat(root, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
    }
    closedir(dir);
    return total;
}

uint64_t jc_prune(int root, uint64_t limit, unsigned *removed_groups)
{
    trim_runs(root);
    size_t n;
    jc_group_info *g = jc_list_groups(root, &n);
    uint64_t total = loose_bytes(root);
    if (total > limit) { /* kept stubs are remade by the next run */
        int d = reopen_dir(root);
        DIR *dir = d >= 0 ? fdopendir(d) : NULL;
        for (struct dirent *e; dir && (e = readdir(dir));)
            if (strncmp(e->d_name, "stubs-", 6) == 0)
                unlinkat(root, e->d_name, 0);
        if (dir)
            closedir(dir);
        else if (d >= 0)
            close(d);
        total = loose_bytes(root);
    }
    unsigned removed = 0;
    qsort(g, n, sizeof *g, most_recent_first);
    for (size_t i = 0; i < n; i++) {
        if (total + g[i].bytes <= limit) {
            total += g[i].bytes;
            continue;
        }
        uint8_t gid[JC_ID_LEN];
        int gfd = i == 0 && jc_parse_group_name(g[i].name, gid) ? jc_open_group(root, g[i].name, false) : -1;
        if (gfd >= 0) {
            /* The most recent program alone is too big: keep its newest
             * records (its other files are small).  Its image goes: it
             * holds the records dropped now (the next run that uses the
             * cache makes it again, and prunes after). */
            unlinkat(gfd, JC_IMAGE_FILE, 0);
            unlinkat(gfd, JC_BLOCKS_FILE, 0); /* remade by a run that decodes enough */
            uint64_t room = limit > total + 4096 ? limit - total - 4096 : 0;
            int64_t kept = room ? jc_compact(gfd, NULL, gid, room, false, NULL) : -1;
            close(gfd);
            if (kept > 0) {
                total += (uint64_t)kept + 4096;
                continue;
            }
        }
        if (jc_remove_group(root, g[i].name))
            removed++;
    }
    free(g);
    if (removed_groups)
        *removed_groups = removed;
    return total;
}

/* ---- run log ---- */

void jc_log_run(int root, const jc_run *r)
{
    int fd = open_high(root, "runs", O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && trusted(&st))
        dprintf(fd, "%lld %ld %llu %llu %llu %llu %llu %s\n", (long long)r->time, r->pid,
                (unsigned long long)r->hits, (unsigned long long)r->misses,
                (unsigned long long)r->stored, (unsigned long long)r->load_ns,
                (unsigned long long)r->bad, r->group);
    close(fd);
}

size_t jc_read_runs(int root, jc_run *out, size_t max)
{
    bool unsafe;
    size_t len = 0, n = 0;
    char *buf = read_file(root, "runs", &len, &unsafe);
    if (!buf)
        return 0;
    buf[len] = 0; /* read_file leaves room */
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        jc_run r = {0};
        long long t;
        unsigned long long h, m, s, l, b;
        if (sscanf(line, "%lld %ld %llu %llu %llu %llu %llu %39s", &t, &r.pid, &h, &m, &s, &l, &b,
                   r.group) != 8)
            continue;
        r.time = t;
        r.hits = h;
        r.misses = m;
        r.stored = s;
        r.load_ns = l;
        r.bad = b;
        if (n == max) {
            memmove(out, out + 1, (max - 1) * sizeof *out);
            n--;
        }
        out[n++] = r;
    }
    free(buf);
    return n;
}
