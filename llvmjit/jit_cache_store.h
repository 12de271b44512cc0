/*
 * jit_cache_store.h — the disk side of the translation cache: folders,
 * files, records (private to llvmjit/; jit_cache.c is the JIT side).
 *
 *   DIR/                   0700, CACHEDIR.TAG
 *     v1/                  this format
 *       runs               one line per run (hits, misses, load time)
 *       g-<group>/         one guest program under one configuration
 *         pack             records, compacted (read with one read())
 *         j-<key>          journal: one record each, written as compiled
 *         image            the pack's units linked ahead of time (jit_cache_image.h)
 *         info             the program's path (for `liftvm cache stats`)
 *         lock             flock()ed while the pack is rewritten
 *
 * A file is a header (magic, kind, configuration id, group id, checksum)
 * followed by 8-aligned records; a record carries its own XXH3-64 checksum,
 * its key, the metadata needed to install it (blocks, exits, predicted
 * indirect targets, function name) and the zstd-compressed relocatable
 * object.  Files are written to a temporary name and renamed;
 * opened with O_NOFOLLOW; a file not owned by this user, writable by
 * others, not a regular file, truncated, failing a checksum or made for
 * another configuration is not trusted: it is counted as damage, skipped,
 * and dropped by the next compaction.
 */
#ifndef LIFTVM_JIT_CACHE_STORE_H
#define LIFTVM_JIT_CACHE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JC_VERSION_DIR "v1"
#define JC_IMAGE_FILE "image" /* a group's pre-linked units (jit_cache_image.h) */
#define JC_BLOCKS_FILE "blocks" /* a group's decoded blocks (jit_cache_blocks.h) */
#define JC_ID_LEN 16 /* bytes of keys, configuration and group ids (XXH3-128) */

enum { JC_F_LOOPS = 1, JC_F_CHAINED = 2, JC_F_MULTI = 4 /* every block is an entry */ };

/* A region block a unit was made from. */
typedef struct jc_block {
    uint64_t pc, end, hint; /* guest code [pc, end); predicted indirect target or 0 */
} jc_block;

/* A predicted target of the indirect jump ending block `block`. */
typedef struct jc_target {
    uint64_t block, pc;
} jc_target;

/* One cached unit.  Parsed records point into their file's buffer. */
typedef struct jc_record {
    uint8_t key[JC_ID_LEN];
    uint64_t pc;      /* entry */
    uint64_t hot2;    /* tier-1 entry counter threshold, 0 if none */
    uint64_t created; /* unix time of the compile */
    int tier;
    unsigned flags; /* JC_F_* */
    uint32_t n_blocks, n_exits;
    const jc_block *blocks;
    const uint64_t *exits; /* pcs of the cells the object names, sorted */
    uint32_t n_targets;
    const jc_target *targets; /* predicted indirect targets, by block */
    const char *name;      /* the unit's function (name_len bytes, not terminated) */
    size_t name_len;
    const void *zobj; /* zstd frame of the object */
    size_t zobj_size, obj_size;
    const void *raw; /* the encoded record */
    size_t raw_size;
} jc_record;

/* What reading found wrong (each item is skipped, never trusted). */
typedef struct jc_damage {
    unsigned unsafe;      /* symlink, not regular, other owner, writable by others */
    unsigned bad_files;   /* truncated or corrupt header */
    unsigned bad_records; /* truncated, checksum or consistency failure */
    unsigned foreign;     /* made for another configuration (build, LLVM, CPU, options) */
} jc_damage;

/* The records of one group. */
typedef struct jc_set {
    uint8_t config[JC_ID_LEN];
    bool have_config;
    jc_record *rec;
    size_t n, cap;
    void **bufs; /* file buffers the records point into */
    size_t nbufs;
    char **files; /* every file read or rejected (compaction removes the journal ones) */
    size_t nfiles;
    uint64_t file_bytes; /* bytes of the files read */
    jc_damage dmg;
} jc_set;

/* ---- folders ---- */
/* DIR/v1 as an O_DIRECTORY fd: DIR must be this user's and not writable by
 * others; create: make missing folders (0700).  -1 with err set. */
int jc_open_root(const char *dir, bool create, char *err, size_t errlen);
/* The folder name of a group: "g-" and 32 hex digits. */
void jc_group_name(char buf[40], const uint8_t gid[JC_ID_LEN]);
/* The group id a folder name gives; false if it is not one. */
bool jc_parse_group_name(const char *name, uint8_t gid[JC_ID_LEN]);
/* The group folder under root (created 0700 if create), or -1. */
int jc_open_group(int root, const char *name, bool create);

/* ---- reading ---- */
/* Reads the pack and journal of a group.  want: keep only records of this
 * configuration (the others count as foreign); NULL: adopt the pack's.
 * check_objects: also decompress every object and check it (verify). */
void jc_read_group(int gfd, const uint8_t *want, bool check_objects, jc_set *set);
void jc_set_free(jc_set *set);
/* Decompresses r's object into a new buffer of r->obj_size bytes; NULL if
 * the frame is corrupt or memory is short.  dctx: a ZSTD_DCtx to reuse
 * (making one per call costs more than decompressing a unit), or NULL. */
void *jc_unpack_object(const jc_record *r, void *dctx);

/* ---- writing ---- */
/* Encodes a record (zstd-compressing obj); NULL if out of memory. */
void *jc_encode(const jc_record *r, const void *obj, size_t obj_size, size_t *len);
/* Writes one encoded record as the journal file j-<key>. */
bool jc_write_journal(int gfd, const uint8_t config[JC_ID_LEN], const uint8_t gid[JC_ID_LEN],
                      const void *rec, size_t len, const uint8_t key[JC_ID_LEN]);
/* Writes "info" (the program path) if missing. */
void jc_write_info(int gfd, const char *program);
/* Under the group's lock: merges pack and journal into a new pack of the
 * configuration config (NULL: the pack's), newest records first within
 * budget bytes (0: no limit), drops damaged and foreign files, removes the
 * merged journal files; check_objects: also drops records whose object
 * does not decompress and check.  Returns the pack's bytes, or -1. */
int64_t jc_compact(int gfd, const uint8_t *config, const uint8_t gid[JC_ID_LEN], uint64_t budget,
                   bool check_objects, jc_damage *dmg);
/* Removes a whole group folder (under its lock). */
bool jc_remove_group(int root, const char *name);

/* A small file of its own under root ("stubs-<id>"): a checksummed blob.
 * NULL if missing, untrusted or damaged. */
void *jc_read_blob(int root, const char *name, size_t *len);
bool jc_write_blob(int root, const char *name, const void *data, size_t len);
/* A file read where it lies: dir/name mapped read-only (not following
 * symlinks; regular, ours, not writable by others, at most 1 GiB), *len its
 * size; NULL if missing, untrusted or empty (*unsafe set when untrusted).
 * Files here are only ever replaced by rename, never rewritten in place,
 * so a mapping stays whole; the caller checks what it reads. */
const void *jc_map_file(int dir, const char *name, size_t *len, bool *unsafe);
/* Writes dir/name through a temporary file and a rename. */
bool jc_write_file(int dir, const char *name, const void *data, size_t len);

/* ---- the whole cache ---- */
typedef struct jc_group_info {
    char name[40];
    uint64_t bytes;  /* all its files */
    int64_t used_ns; /* newest mtime of its files: last use */
} jc_group_info;
/* The groups under root; *n of them in a malloc'd array (NULL if none). */
jc_group_info *jc_list_groups(int root, size_t *n);
/* Keeps the cache within limit bytes: least recently used groups are
 * removed; if the newest alone is too big its oldest records go.  Returns
 * the bytes left. */
uint64_t jc_prune(int root, uint64_t limit, unsigned *removed_groups);

/* ---- run log ---- */
typedef struct jc_run {
    int64_t time;
    long pid;
    uint64_t hits, misses, stored, load_ns, bad;
    char group[40];
} jc_run;
void jc_log_run(int root, const jc_run *r);
/* The last max runs (oldest first) into out; returns how many. */
size_t jc_read_runs(int root, jc_run *out, size_t max);

#endif
