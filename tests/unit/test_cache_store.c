/*
 * test_cache_store.c — the translation cache's files (llvmjit/jit_cache_store.c)
 * and object reader (llvmjit/jit_objfile.c): records round-trip; truncated,
 * flipped, foreign, unsafe and symlinked files are rejected; compaction
 * merges, dedupes and keeps the newest within a budget; prune evicts the
 * least recently used program; options parse.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llvmjit/jit_cache.h"
#include "llvmjit/jit_cache_store.h"
#include "llvmjit/jit_objfile.h"

/* ---- a minimal x86-64 relocatable object defining one function ---- */

typedef struct tiny_obj {
    Elf64_Ehdr eh;
    uint8_t text[16];
    char strtab[48];
    Elf64_Sym sym[3];
    Elf64_Shdr sh[4];
} tiny_obj;

/* .text, .symtab, .strtab; symbols: null, FILE name, FUNC name (size 5). */
static void make_obj(tiny_obj *o, const char *name)
{
    memset(o, 0, sizeof *o);
    memcpy(o->eh.e_ident, ELFMAG, SELFMAG);
    o->eh.e_ident[EI_CLASS] = ELFCLASS64;
    o->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    o->eh.e_ident[EI_VERSION] = EV_CURRENT;
    o->eh.e_type = ET_REL;
    o->eh.e_machine = EM_X86_64;
    o->eh.e_version = EV_CURRENT;
    o->eh.e_ehsize = sizeof o->eh;
    o->eh.e_shentsize = sizeof(Elf64_Shdr);
    o->eh.e_shnum = 4;
    o->eh.e_shoff = offsetof(tiny_obj, sh);
    static const uint8_t code[] = {0x31, 0xc0, 0xc2, 0x08, 0x00};
    memcpy(o->text, code, sizeof code);
    /* strtab: "\0.text.NAME\0" — the FILE and FUNC symbols share NAME */
    strcpy(o->strtab + 1, ".text.");
    strcpy(o->strtab + 7, name);
    size_t name_at = 7;
    o->sym[1] = (Elf64_Sym){.st_name = (Elf64_Word)name_at,
                            .st_info = ELF64_ST_INFO(STB_LOCAL, STT_FILE),
                            .st_shndx = SHN_ABS};
    o->sym[2] = (Elf64_Sym){.st_name = (Elf64_Word)name_at,
                            .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
                            .st_shndx = 1,
                            .st_size = sizeof code};
    o->sh[1] = (Elf64_Shdr){.sh_name = 1,
                            .sh_type = SHT_PROGBITS,
                            .sh_offset = offsetof(tiny_obj, text),
                            .sh_size = sizeof o->text};
    o->sh[2] = (Elf64_Shdr){.sh_type = SHT_SYMTAB,
                            .sh_offset = offsetof(tiny_obj, sym),
                            .sh_size = sizeof o->sym,
                            .sh_link = 3,
                            .sh_entsize = sizeof(Elf64_Sym)};
    o->sh[3] = (Elf64_Shdr){.sh_type = SHT_STRTAB,
                            .sh_offset = offsetof(tiny_obj, strtab),
                            .sh_size = sizeof o->strtab};
}

Test(cache_obj, symbol_size_skips_the_file_symbol)
{
    tiny_obj o;
    make_obj(&o, "u12_1000_t1");
    char err[128];
    cr_assert(jit_obj_check(&o, sizeof o, "u12_1000_t1", err, sizeof err), "%s", err);
    cr_assert_eq(jit_obj_symbol_size(&o, sizeof o, "u12_1000_t1"), 5);
    cr_assert_eq(jit_obj_symbol_size(&o, sizeof o, "nothing"), 0);
}

Test(cache_obj, rename_in_place)
{
    tiny_obj o;
    make_obj(&o, "u12_1000_t1");
    cr_assert(jit_obj_rename(&o, sizeof o, "u12_1000_t1", "r0000000005"));
    cr_assert_eq(jit_obj_symbol_size(&o, sizeof o, "r0000000005"), 5);
    cr_assert_eq(jit_obj_symbol_size(&o, sizeof o, "u12_1000_t1"), 0);
    cr_assert_str_eq(o.strtab + 1, ".text.r0000000005");
    cr_assert_not(jit_obj_rename(&o, sizeof o, "r0000000005", "short"), "lengths differ");
    cr_assert_not(jit_obj_rename(&o, sizeof o, "absent_name", "r0000000006"));
}

Test(cache_obj, malformed_objects)
{
    tiny_obj o;
    char err[128];
    make_obj(&o, "f");
    cr_assert_not(jit_obj_check(&o, 40, "f", err, sizeof err), "truncated before sections");
    make_obj(&o, "f");
    o.eh.e_shoff = 1u << 30;
    cr_assert_not(jit_obj_check(&o, sizeof o, "f", err, sizeof err));
    make_obj(&o, "f");
    o.sh[2].sh_size = 1u << 20; /* symbol table past the end */
    cr_assert_not(jit_obj_check(&o, sizeof o, "f", err, sizeof err));
    make_obj(&o, "f");
    o.sym[2].st_name = 4000; /* name outside the string table */
    cr_assert_not(jit_obj_check(&o, sizeof o, "f", err, sizeof err));
    make_obj(&o, "f");
    o.eh.e_machine = EM_RISCV;
    cr_assert_not(jit_obj_check(&o, sizeof o, "f", err, sizeof err));
    cr_assert_not(jit_obj_check("garbage", 8, "f", err, sizeof err));
}

/* ---- records and files ---- */

static char dir[256];
static const uint8_t config[JC_ID_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t other_config[JC_ID_LEN] = {9};
static const uint8_t gid[JC_ID_LEN] = {0xaa, 0xbb};

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/liftvm-unit-cache-%ld", (long)getpid());
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

/* An encoded record for a unit at pc made of one block, key byte k. */
static void *record(uint64_t pc, uint8_t k, uint64_t created, size_t *len)
{
    static char name[32];
    static tiny_obj o;
    snprintf(name, sizeof name, "u%u_%llx_t1", k, (unsigned long long)pc);
    make_obj(&o, name);
    jc_block b = {pc, pc + 8, 0};
    uint64_t exits[2] = {pc + 8, pc + 64};
    jc_record r = {
        .pc = pc,
        .created = created,
        .tier = 1,
        .flags = JC_F_CHAINED,
        .n_blocks = 1,
        .n_exits = 2,
        .blocks = &b,
        .exits = exits,
        .name = name,
        .name_len = strlen(name),
    };
    memset(r.key, k, JC_ID_LEN);
    return jc_encode(&r, &o, sizeof o, len);
}

static int group(int *root)
{
    char err[256], name[40];
    *root = jc_open_root(dir, true, err, sizeof err);
    cr_assert_geq(*root, 0, "%s", err);
    jc_group_name(name, gid);
    int g = jc_open_group(*root, name, true);
    cr_assert_geq(g, 0);
    return g;
}

static void journal(int g, uint64_t pc, uint8_t k, const uint8_t *cfg)
{
    size_t len;
    void *rec = record(pc, k, 1000 + k, &len);
    cr_assert_not_null(rec);
    uint8_t key[JC_ID_LEN];
    memset(key, k, JC_ID_LEN);
    cr_assert(jc_write_journal(g, cfg, gid, rec, len, key));
    free(rec);
}

static void path_of(char *buf, size_t n, int g, const char *name)
{
    (void)g;
    char gname[40];
    jc_group_name(gname, gid);
    snprintf(buf, n, "%s/" JC_VERSION_DIR "/%s/%s", dir, gname, name);
}

Test(cache_store, roundtrip_and_compaction, .init = setup, .fini = teardown)
{
    int root, g = group(&root);
    journal(g, 0x1000, 1, config);
    journal(g, 0x2000, 2, config);
    journal(g, 0x2000, 2, config); /* the same key again: one entry */
    jc_set set;
    jc_read_group(g, config, true, &set);
    cr_assert_eq(set.n, 2);
    cr_assert_eq(set.dmg.bad_records + set.dmg.bad_files + set.dmg.unsafe, 0);
    const jc_record *r = set.rec[0].pc == 0x1000 ? &set.rec[0] : &set.rec[1];
    cr_assert_eq(r->n_exits, 2);
    cr_assert_eq(r->exits[1], 0x1000 + 64);
    cr_assert_eq(r->blocks[0].end, 0x1008);
    void *obj = jc_unpack_object(r, NULL);
    cr_assert_not_null(obj);
    cr_assert_eq(r->obj_size, sizeof(tiny_obj));
    free(obj);
    jc_set_free(&set);

    cr_assert_gt(jc_compact(g, config, gid, 0, true, NULL), 0);
    char p[512];
    path_of(p, sizeof p, g, "pack");
    cr_assert_eq(access(p, F_OK), 0);
    jc_read_group(g, config, true, &set);
    cr_assert_eq(set.n, 2);
    cr_assert_eq(set.nfiles, 1, "the journal was folded into the pack");
    jc_set_free(&set);
    close(g);
    close(root);
}

/* Writes a pack of 3 records, damages it with f, and reads it back. */
static jc_set damaged(void (*f)(const char *pack), int *g_out, int *root)
{
    int g = group(root);
    journal(g, 0x1000, 1, config);
    journal(g, 0x2000, 2, config);
    journal(g, 0x3000, 3, config);
    cr_assert_gt(jc_compact(g, config, gid, 0, false, NULL), 0);
    char p[512];
    path_of(p, sizeof p, g, "pack");
    f(p);
    jc_set set;
    jc_read_group(g, config, false, &set);
    *g_out = g;
    return set;
}

static void truncate_half(const char *p)
{
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    cr_assert_eq(truncate(p, st.st_size / 2), 0);
}

static void flip_middle(const char *p)
{
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    int fd = open(p, O_RDWR);
    uint8_t b;
    cr_assert_eq(pread(fd, &b, 1, st.st_size / 2), 1);
    b ^= 0x10;
    cr_assert_eq(pwrite(fd, &b, 1, st.st_size / 2), 1);
    close(fd);
}

static void make_writable(const char *p) { cr_assert_eq(chmod(p, 0666), 0); }

static void make_symlink(const char *p)
{
    char real[600];
    snprintf(real, sizeof real, "%s.real", p);
    cr_assert_eq(rename(p, real), 0);
    cr_assert_eq(symlink(real, p), 0);
}

Test(cache_store, truncated_pack_keeps_the_records_before_the_cut, .init = setup,
     .fini = teardown)
{
    int g, root;
    jc_set set = damaged(truncate_half, &g, &root);
    cr_assert_lt(set.n, 3);
    cr_assert_gt(set.dmg.bad_records, 0);
    jc_set_free(&set);
    jc_damage d = {0};
    cr_assert_geq(jc_compact(g, config, gid, 0, false, &d), 0);
    jc_read_group(g, config, false, &set);
    cr_assert_eq(set.dmg.bad_records, 0, "compaction replaced the damaged pack");
    jc_set_free(&set);
    close(g);
    close(root);
}

Test(cache_store, flipped_bit_is_caught_by_the_checksum, .init = setup, .fini = teardown)
{
    int g, root;
    jc_set set = damaged(flip_middle, &g, &root);
    cr_assert_eq(set.n, 2);
    cr_assert_eq(set.dmg.bad_records, 1);
    jc_set_free(&set);
    close(g);
    close(root);
}

Test(cache_store, unsafe_files_are_not_read, .init = setup, .fini = teardown)
{
    int g, root;
    jc_set set = damaged(make_writable, &g, &root);
    cr_assert_eq(set.n, 0);
    cr_assert_eq(set.dmg.unsafe, 1);
    jc_set_free(&set);
    close(g);
    close(root);
    teardown();
    set = damaged(make_symlink, &g, &root);
    cr_assert_eq(set.n, 0);
    cr_assert_eq(set.dmg.unsafe, 1);
    jc_set_free(&set);
    /* compaction replaces the link with a file, leaves its target alone */
    cr_assert_geq(jc_compact(g, config, gid, 0, false, NULL), 0);
    char p[512];
    path_of(p, sizeof p, g, "pack");
    struct stat st;
    cr_assert(lstat(p, &st) != 0 || S_ISREG(st.st_mode));
    close(g);
    close(root);
}

Test(cache_store, foreign_configuration_is_ignored, .init = setup, .fini = teardown)
{
    int root, g = group(&root);
    journal(g, 0x1000, 1, config);
    journal(g, 0x2000, 2, other_config);
    jc_set set;
    jc_read_group(g, config, false, &set);
    cr_assert_eq(set.n, 1);
    cr_assert_eq(set.rec[0].pc, 0x1000);
    cr_assert_eq(set.dmg.foreign, 1);
    jc_set_free(&set);
    close(g);
    close(root);
}

Test(cache_store, budget_keeps_the_newest, .init = setup, .fini = teardown)
{
    int root, g = group(&root);
    size_t len;
    free(record(0x1000, 1, 1, &len));
    for (uint8_t k = 1; k <= 6; k++)
        journal(g, 0x1000 * k, k, config);
    int64_t bytes = jc_compact(g, config, gid, 56 + 3 * len + len / 2, false, NULL);
    cr_assert_gt(bytes, 0);
    jc_set set;
    jc_read_group(g, config, false, &set);
    cr_assert_eq(set.n, 3);
    for (size_t i = 0; i < set.n; i++)
        cr_assert_geq(set.rec[i].pc, 0x4000, "pc 0x%llx is one of the oldest",
                      (unsigned long long)set.rec[i].pc);
    jc_set_free(&set);
    close(g);
    close(root);
}

Test(cache_store, prune_evicts_least_recently_used, .init = setup, .fini = teardown)
{
    char err[256];
    int root = jc_open_root(dir, true, err, sizeof err);
    cr_assert_geq(root, 0, "%s", err);
    const char *names[2] = {"g-00000000000000000000000000000001",
                            "g-00000000000000000000000000000002"};
    uint64_t one = 0;
    for (int i = 0; i < 2; i++) {
        int g = jc_open_group(root, names[i], true);
        cr_assert_geq(g, 0);
        for (uint8_t k = 1; k <= 4; k++)
            journal(g, 0x1000 * k, (uint8_t)(k + 10 * i), config);
        struct timespec t[2] = {{.tv_sec = 1000 + i}, {.tv_sec = 1000 + i}};
        int d = openat(root, names[i], O_RDONLY | O_DIRECTORY);
        for (uint8_t k = 1; k <= 4; k++) { /* group 0 used long ago, group 1 later */
            char j[64];
            snprintf(j, sizeof j, "j-");
            for (int b = 0; b < JC_ID_LEN; b++)
                snprintf(j + 2 + 2 * b, 3, "%02x", (uint8_t)(k + 10 * i));
            utimensat(d, j, t, 0);
        }
        close(d);
        close(g);
    }
    size_t n;
    jc_group_info *gi = jc_list_groups(root, &n);
    cr_assert_eq(n, 2);
    one = gi[0].bytes;
    free(gi);
    unsigned removed = 0;
    uint64_t left = jc_prune(root, one + one / 2, &removed);
    cr_assert_eq(removed, 1);
    cr_assert_leq(left, one + one / 2);
    gi = jc_list_groups(root, &n);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(gi[0].name, names[1], "the more recently used group stays");
    free(gi);
    close(root);
}

Test(cache_store, blobs_and_run_log, .init = setup, .fini = teardown)
{
    char err[256];
    int root = jc_open_root(dir, true, err, sizeof err);
    cr_assert_geq(root, 0, "%s", err);
    cr_assert(jc_write_blob(root, "stubs-x", "abcdef", 6));
    size_t len = 0;
    char *b = jc_read_blob(root, "stubs-x", &len);
    cr_assert_not_null(b);
    cr_assert_eq(len, 6);
    cr_assert_eq(memcmp(b, "abcdef", 6), 0);
    free(b);
    for (int i = 0; i < 12; i++) {
        jc_run r = {.time = 100 + i, .pid = 7, .hits = (uint64_t)i, .misses = 1};
        snprintf(r.group, sizeof r.group, "g-abc");
        jc_log_run(root, &r);
    }
    jc_run runs[10];
    cr_assert_eq(jc_read_runs(root, runs, 10), 10);
    cr_assert_eq(runs[9].hits, 11);
    cr_assert_eq(runs[0].hits, 2);
    close(root);
}

Test(cache_store, root_owned_by_others_or_symlinked_is_refused, .init = setup, .fini = teardown)
{
    char err[256], link[300];
    cr_assert_eq(mkdir(dir, 0777), 0);
    cr_assert_eq(chmod(dir, 0777), 0);
    cr_assert_lt(jc_open_root(dir, true, err, sizeof err), 0);
    cr_assert(strstr(err, "writable by other users"), "%s", err);
    cr_assert_eq(chmod(dir, 0700), 0);
    snprintf(link, sizeof link, "%s/link", dir);
    char target[300];
    snprintf(target, sizeof target, "%s/real", dir);
    cr_assert_eq(mkdir(target, 0700), 0);
    cr_assert_eq(symlink(target, link), 0);
    cr_assert_lt(jc_open_root(link, true, err, sizeof err), 0);
}

/* ---- options ---- */

Test(cache_opts, sizes_and_modes)
{
    uint64_t v;
    cr_assert(jit_cache_parse_size("1G", &v) && v == 1ull << 30);
    cr_assert(jit_cache_parse_size("512M", &v) && v == 512ull << 20);
    cr_assert(jit_cache_parse_size("64KiB", &v) && v == 64ull << 10);
    cr_assert(jit_cache_parse_size("1000", &v) && v == 1000);
    cr_assert_not(jit_cache_parse_size("-1", &v));
    cr_assert_not(jit_cache_parse_size("12X", &v));
    cr_assert_not(jit_cache_parse_size("", &v));
    cr_assert_not(jit_cache_parse_size("99999999999999999999G", &v));
    jit_cache_mode m;
    cr_assert(jit_cache_parse_mode("ro", &m) && m == JIT_CACHE_RO);
    cr_assert_not(jit_cache_parse_mode("yes", &m));
}

Test(cache_opts, default_folder)
{
    jit_cache_options o;
    jit_cache_options_default(&o);
    cr_assert_eq(o.mode, JIT_CACHE_RW);
    cr_assert_eq(o.max_bytes, JIT_CACHE_DEFAULT_MAX);
    char buf[512];
    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    cr_assert(jit_cache_dir(&o, buf, sizeof buf));
    cr_assert_str_eq(buf, "/x/cache/liftvm");
    setenv("XDG_CACHE_HOME", "relative", 1); /* invalid per XDG: ignored */
    setenv("HOME", "/home/u", 1);
    cr_assert(jit_cache_dir(&o, buf, sizeof buf));
    cr_assert_str_eq(buf, "/home/u/.cache/liftvm");
    o.dir = "/elsewhere";
    cr_assert(jit_cache_dir(&o, buf, sizeof buf));
    cr_assert_str_eq(buf, "/elsewhere");
    o.dir = NULL;
    unsetenv("XDG_CACHE_HOME");
    unsetenv("HOME");
    cr_assert_not(jit_cache_dir(&o, buf, sizeof buf));
}
