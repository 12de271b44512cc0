/*
 * test_cache_image.c — a program's cached units linked ahead of time into
 * one image (llvmjit/jit_cache_image.c): the units run where the image is
 * mapped, with cell, helper and section addresses fixed up; a unit only
 * LLVM can link is listed without code; damaged, truncated, symlinked,
 * foreign and unresolvable images are refused with the reason.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llvmjit/jit_cache_image.h"
#include "llvmjit/jit_cache_store.h"
#include "unit_obj.h"

static char dir[256];
static const uint8_t config[JC_ID_LEN] = {7, 7, 7};
static const uint8_t other_config[JC_ID_LEN] = {8};
static const uint8_t gid[JC_ID_LEN] = {0xcc};
static int root = -1, g = -1;

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/liftvm-unit-image-%ld", (long)getpid());
    char cmd[300], err[256], name[40];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    root = jc_open_root(dir, true, err, sizeof err);
    cr_assert_geq(root, 0, "%s", err);
    jc_group_name(name, gid);
    g = jc_open_group(root, name, true);
    cr_assert_geq(g, 0);
}

static void teardown(void)
{
    close(g);
    close(root);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

/* A journal record with key byte k for a unit at pc whose code returns
 * the address of pc's exit cell plus k. */
static void journal(uint64_t pc, uint8_t k, uint32_t type, const uint8_t *cfg)
{
    char name[16];
    snprintf(name, sizeof name, "u%u", k);
    unit_obj o;
    unit_obj_make(&o, name, pc + 0x40, k, type);
    jc_block b = {pc, pc + 8, 0};
    uint64_t exits[1] = {pc + 0x40};
    jc_record r = {.pc = pc,
                   .created = 1000 + k,
                   .tier = 1,
                   .flags = JC_F_CHAINED,
                   .n_blocks = 1,
                   .n_exits = 1,
                   .blocks = &b,
                   .exits = exits,
                   .name = name,
                   .name_len = strlen(name)};
    memset(r.key, k, JC_ID_LEN);
    size_t len;
    void *rec = jc_encode(&r, &o, sizeof o, &len);
    cr_assert_not_null(rec);
    cr_assert(jc_write_journal(g, cfg, gid, rec, len, r.key));
    free(rec);
}

/* Cells live at 0x7000000000 + pc; nothing else is known. */
static uint64_t resolve(void *ctx, const char *name)
{
    (void)ctx;
    unsigned long long pc;
    char tail;
    if (sscanf(name, "jit_cell_%llx%c", &pc, &tail) == 1)
        return 0x7000000000ull + pc;
    return 0;
}

static uint64_t no_cells(void *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    return 0;
}

static void key(uint8_t out[JC_ID_LEN], uint8_t k) { memset(out, k, JC_ID_LEN); }

static void build(size_t want_units)
{
    size_t units = 0;
    cr_assert(jc_image_build(g, config, gid, &units));
    cr_assert_eq(units, want_units);
}

Test(cache_image, units_run_where_the_image_is_mapped, .init = setup, .fini = teardown)
{
    journal(0x1000, 1, R_X86_64_64, config);
    journal(0x2000, 2, R_X86_64_64, config);
    journal(0x3000, 3, R_X86_64_64, config);
    cr_assert_gt(jc_compact(g, config, gid, 0, false, NULL), 0);
    build(3);
    jc_image_status st;
    jc_image *im = jc_image_load(g, config, gid, resolve, NULL, &st);
    cr_assert_not_null(im, "%s", jc_image_status_name(st));
    cr_assert_eq(jc_image_units(im), 3);
    for (uint8_t k = 1; k <= 3; k++) {
        uint8_t kk[JC_ID_LEN];
        key(kk, k);
        void *entry;
        size_t size;
        bool listed;
        cr_assert(jc_image_find(im, kk, &entry, &size, &listed));
        cr_assert_eq(size, UNIT_OBJ_CODE_SIZE);
        uint64_t pc = 0x1000u * k;
        cr_assert_eq(((uint64_t (*)(void))entry)(), 0x7000000000ull + pc + 0x40 + k,
                     "the cell fixup, with its addend");
        uint64_t self;
        memcpy(&self, (uint8_t *)entry + UNIT_OBJ_SELF_AT, 8);
        cr_assert_eq(self, (uint64_t)(uintptr_t)entry, "the section fixup: the image's address");
    }
    uint8_t absent[JC_ID_LEN];
    key(absent, 9);
    void *entry;
    size_t size;
    bool listed = true;
    cr_assert_not(jc_image_find(im, absent, &entry, &size, &listed));
    cr_assert_not(listed);
    jc_image_free(im);
    cr_assert_eq(jc_image_check(g, config, gid), JC_IMAGE_OK);
}

Test(cache_image, a_unit_only_llvm_links_is_listed_without_code, .init = setup,
     .fini = teardown)
{
    journal(0x1000, 1, R_X86_64_64, config);
    journal(0x2000, 2, R_X86_64_PC32, config);
    build(2);
    jc_image_status st;
    jc_image *im = jc_image_load(g, config, gid, resolve, NULL, &st);
    cr_assert_not_null(im, "%s", jc_image_status_name(st));
    uint8_t kk[JC_ID_LEN];
    void *entry;
    size_t size;
    bool listed;
    key(kk, 2);
    cr_assert_not(jc_image_find(im, kk, &entry, &size, &listed));
    cr_assert(listed, "listed: its absence is no reason to build the image again");
    key(kk, 1);
    cr_assert(jc_image_find(im, kk, &entry, &size, &listed));
    jc_image_free(im);
}

static char image_path[512];

static const char *path(void)
{
    char gname[40];
    jc_group_name(gname, gid);
    snprintf(image_path, sizeof image_path, "%s/" JC_VERSION_DIR "/%s/" JC_IMAGE_FILE, dir,
             gname);
    return image_path;
}

static jc_image_status load_status(void)
{
    jc_image_status st;
    jc_image *im = jc_image_load(g, config, gid, resolve, NULL, &st);
    cr_assert_eq(im == NULL, st != JC_IMAGE_OK);
    jc_image_free(im);
    return st;
}

static void image_of_two(void)
{
    journal(0x1000, 1, R_X86_64_64, config);
    journal(0x2000, 2, R_X86_64_64, config);
    build(2);
    cr_assert_eq(load_status(), JC_IMAGE_OK);
}

Test(cache_image, missing_and_damaged_images_are_refused, .init = setup, .fini = teardown)
{
    cr_assert_eq(load_status(), JC_IMAGE_MISSING);
    image_of_two();
    struct stat sb;
    cr_assert_eq(stat(path(), &sb), 0);
    int fd = open(path(), O_RDWR);
    uint8_t b;
    cr_assert_eq(pread(fd, &b, 1, sb.st_size - 5), 1);
    b ^= 0x04;
    cr_assert_eq(pwrite(fd, &b, 1, sb.st_size - 5), 1);
    close(fd);
    cr_assert_eq(load_status(), JC_IMAGE_DAMAGED, "a flipped bit in the code frame");
    cr_assert_eq(jc_image_check(g, config, gid), JC_IMAGE_DAMAGED);

    image_of_two();
    cr_assert_eq(truncate(path(), sb.st_size / 2), 0);
    cr_assert_eq(load_status(), JC_IMAGE_DAMAGED, "truncated");

    image_of_two();
    cr_assert_eq(chmod(path(), 0666), 0);
    cr_assert_eq(load_status(), JC_IMAGE_DAMAGED, "writable by others: not trusted");

    image_of_two();
    char real[600];
    snprintf(real, sizeof real, "%s.real", path());
    cr_assert_eq(rename(path(), real), 0);
    cr_assert_eq(symlink(real, path()), 0);
    cr_assert_eq(load_status(), JC_IMAGE_DAMAGED, "a symlink is not followed");
    cr_assert_eq(unlink(path()), 0);
}

Test(cache_image, foreign_and_unresolvable_images_are_refused, .init = setup, .fini = teardown)
{
    image_of_two();
    jc_image_status st;
    cr_assert_null(jc_image_load(g, other_config, gid, resolve, NULL, &st));
    cr_assert_eq(st, JC_IMAGE_FOREIGN);
    cr_assert_eq(jc_image_check(g, other_config, gid), JC_IMAGE_FOREIGN);
    cr_assert_null(jc_image_load(g, config, gid, no_cells, NULL, &st));
    cr_assert_eq(st, JC_IMAGE_UNRESOLVED);
}

Test(cache_image, no_records_no_image, .init = setup, .fini = teardown)
{
    image_of_two();
    char cmd[1200], gname[40];
    jc_group_name(gname, gid);
    snprintf(cmd, sizeof cmd, "rm -f %s/" JC_VERSION_DIR "/%s/pack %s/" JC_VERSION_DIR "/%s/j-*",
             dir, gname, dir, gname);
    cr_assert_eq(system(cmd), 0);
    size_t units;
    cr_assert_not(jc_image_build(g, config, gid, &units));
    cr_assert_eq(load_status(), JC_IMAGE_MISSING, "the image of records that are gone goes too");
}
