/*
 * test_cache_blocks.c — decoded blocks kept in the disk cache
 * (llvmjit/jit_cache_blocks.c): blocks written are found again with the
 * same guest code and instructions; a rewrite keeps the old entries at
 * other pcs; a flipped byte spoils only its entry; truncated, symlinked,
 * foreign and missing files are refused with the reason.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llvmjit/jit_cache_blocks.h"
#include "llvmjit/jit_cache_store.h"

static char dir[256], path[400];
static const uint8_t config[JC_ID_LEN] = {5, 5};
static const uint8_t other_config[JC_ID_LEN] = {6};
static const uint8_t gid[JC_ID_LEN] = {0xbb};
static int root = -1, g = -1;

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/liftvm-unit-blocks-%ld", (long)getpid());
    char cmd[300], err[256], name[40];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    root = jc_open_root(dir, true, err, sizeof err);
    cr_assert_geq(root, 0, "%s", err);
    jc_group_name(name, gid);
    g = jc_open_group(root, name, true);
    cr_assert_geq(g, 0);
    snprintf(path, sizeof path, "%s/v1/%s/%s", dir, name, JC_BLOCKS_FILE);
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

/* Guest code and instructions of block i (distinct per i). */
static uint8_t code[4][12];
static ir_insn insns[4][3];

static jc_kept_block block(int i, uint64_t pc)
{
    for (int k = 0; k < 12; k++)
        code[i][k] = (uint8_t)(i * 16 + k);
    memset(insns[i], 0, sizeof insns[i]);
    insns[i][0] = (ir_insn){.op = IR_INSN, .imm = (int64_t)pc};
    insns[i][1] = (ir_insn){.op = IR_CONST, .d = 1, .imm = i * 100};
    insns[i][2] = (ir_insn){.op = IR_JMP, .imm = (int64_t)pc + 12};
    return (jc_kept_block){pc, pc + 12, 3, 3, 1, code[i], insns[i]};
}

static void expect_block(const jc_blocks *bs, int i, uint64_t pc)
{
    jc_kept_block k;
    cr_assert_eq(jc_blocks_find(bs, pc, &k), 1, "block at %#lx", (unsigned long)pc);
    cr_expect_eq(k.pc, pc);
    cr_expect_eq(k.end_pc, pc + 12);
    cr_expect_eq(k.n_insns, 3);
    cr_expect_eq(k.n_guest, 3);
    cr_expect_eq(k.n_temps, 1);
    cr_expect_eq(memcmp(k.code, code[i], 12), 0, "guest code of %#lx", (unsigned long)pc);
    cr_expect_eq(k.insns[1].imm, i * 100);
    cr_expect_eq(k.insns[2].op, IR_JMP);
    cr_expect_eq(k.insns[2].imm, (int64_t)pc + 12);
}

/* Writes blocks 0..2 at 0x3000, 0x1000, 0x2000 (out of order). */
static void write_three(void)
{
    jc_kept_block v[3] = {block(0, 0x3000), block(1, 0x1000), block(2, 0x2000)};
    cr_assert(jc_blocks_write(g, config, gid, v, 3, NULL, 100));
}

static jc_blocks *open_ok(void)
{
    jc_blocks_status st;
    jc_blocks *bs = jc_blocks_open(g, config, gid, &st);
    cr_assert_not_null(bs, "status %s", jc_blocks_status_name(st));
    cr_expect_eq(st, JC_BLOCKS_OK);
    return bs;
}

TestSuite(cache_blocks, .init = setup, .fini = teardown);

Test(cache_blocks, written_blocks_are_found_with_their_code_and_instructions)
{
    write_three();
    jc_blocks *bs = open_ok();
    cr_expect_eq(jc_blocks_count(bs), 3);
    expect_block(bs, 1, 0x1000);
    expect_block(bs, 2, 0x2000);
    expect_block(bs, 0, 0x3000);
    jc_kept_block k;
    cr_expect_eq(jc_blocks_find(bs, 0x1800, &k), 0, "no block there");
    cr_expect_eq(jc_blocks_check(g, config, gid), JC_BLOCKS_OK);
    jc_blocks_close(bs);
}

Test(cache_blocks, a_rewrite_keeps_old_entries_at_other_pcs)
{
    write_three();
    jc_blocks *old = open_ok();
    /* This run decoded 0x2000 anew (other code now) and 0x4000. */
    jc_kept_block v[2] = {block(3, 0x2000), block(2, 0x4000)};
    cr_assert(jc_blocks_write(g, config, gid, v, 2, old, 100));
    jc_blocks_close(old);
    jc_blocks *bs = open_ok();
    cr_expect_eq(jc_blocks_count(bs), 4);
    expect_block(bs, 1, 0x1000);
    expect_block(bs, 3, 0x2000);
    expect_block(bs, 0, 0x3000);
    expect_block(bs, 2, 0x4000);
    jc_blocks_close(bs);
    /* A limit keeps the first entries by pc. */
    old = open_ok();
    cr_assert(jc_blocks_write(g, config, gid, NULL, 0, old, 2));
    jc_blocks_close(old);
    bs = open_ok();
    cr_expect_eq(jc_blocks_count(bs), 2);
    jc_blocks_close(bs);
}

Test(cache_blocks, a_flipped_byte_spoils_only_its_entry)
{
    write_three();
    /* The file: header, 3 entries, then each entry's data in pc order;
     * the last byte is in the instructions of the block at 0x3000. */
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    int fd = open(path, O_RDWR);
    cr_assert_geq(fd, 0);
    uint8_t x;
    cr_assert_eq(pread(fd, &x, 1, st.st_size - 9), 1);
    x ^= 0x10;
    cr_assert_eq(pwrite(fd, &x, 1, st.st_size - 9), 1);
    close(fd);
    jc_blocks *bs = open_ok();
    jc_kept_block k;
    cr_expect_eq(jc_blocks_find(bs, 0x3000, &k), -1, "the damaged entry is refused");
    expect_block(bs, 1, 0x1000);
    cr_expect_eq(jc_blocks_check(g, config, gid), JC_BLOCKS_DAMAGED);
    /* A rewrite drops it. */
    cr_assert(jc_blocks_write(g, config, gid, NULL, 0, bs, 100));
    jc_blocks_close(bs);
    bs = open_ok();
    cr_expect_eq(jc_blocks_count(bs), 2);
    cr_expect_eq(jc_blocks_find(bs, 0x3000, &k), 0);
    jc_blocks_close(bs);
}

Test(cache_blocks, truncated_symlinked_foreign_and_missing_files_are_refused)
{
    jc_blocks_status st;
    cr_expect_null(jc_blocks_open(g, config, gid, &st));
    cr_expect_eq(st, JC_BLOCKS_MISSING);
    write_three();
    cr_expect_null(jc_blocks_open(g, other_config, gid, &st));
    cr_expect_eq(st, JC_BLOCKS_FOREIGN);
    uint8_t other_gid[JC_ID_LEN] = {0xbc};
    cr_expect_null(jc_blocks_open(g, config, other_gid, &st));
    cr_expect_eq(st, JC_BLOCKS_FOREIGN);
    cr_expect_eq(jc_blocks_check(g, other_config, gid), JC_BLOCKS_FOREIGN);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(truncate(path, sb.st_size - 1), 0);
    cr_expect_null(jc_blocks_open(g, config, gid, &st));
    cr_expect_eq(st, JC_BLOCKS_DAMAGED, "truncated: %s", jc_blocks_status_name(st));
    cr_assert_eq(truncate(path, 10), 0);
    cr_expect_null(jc_blocks_open(g, config, gid, &st));
    cr_expect_eq(st, JC_BLOCKS_DAMAGED, "shorter than its header");
    char target[500];
    snprintf(target, sizeof target, "%s.real", path);
    cr_assert_eq(rename(path, target), 0);
    cr_assert_eq(symlink(target, path), 0);
    cr_expect_null(jc_blocks_open(g, config, gid, &st));
    cr_expect_eq(st, JC_BLOCKS_DAMAGED, "a symlink is not followed");
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(rename(target, path), 0);
    cr_assert_eq(chmod(path, 0666), 0);
    cr_expect_null(jc_blocks_open(g, config, gid, &st));
    cr_expect_eq(st, JC_BLOCKS_DAMAGED, "writable by others");
}
