/*
 * test_cache_link.c — linking cached units without LLVM: jit_obj_link
 * (llvmjit/jit_objfile.c) relocates an object into executable memory from
 * jit_codemem.c, which reuses freed space and refuses what it cannot link.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdint.h>
#include <string.h>

#include "llvmjit/jit_codemem.h"
#include "llvmjit/jit_objfile.h"
#include "unit_obj.h"

/* unit_obj_make's object for the cell of 0x1000, relocation 0 of the given
 * type and addend. */
static void make(unit_obj *o, uint32_t type, int64_t addend)
{
    unit_obj_make(o, "fn", 0x1000, addend, type);
}

static uint64_t cell_value = 0x123456789a0ull;

static uint64_t resolve(void *ctx, const char *name)
{
    (void)ctx;
    return strcmp(name, "jit_cell_1000") == 0 ? cell_value : 0;
}

Test(cache_link, relocated_code_runs)
{
    unit_obj o;
    make(&o, R_X86_64_64, 8);
    jit_codemem *m = jit_codemem_new();
    cr_assert_not_null(m);
    void *entry, *block;
    size_t size;
    cr_assert(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &entry, &size, &block));
    cr_assert_eq(size, UNIT_OBJ_CODE_SIZE);
    uint64_t (*fn)(void) = (uint64_t (*)(void))entry;
    cr_assert_eq(fn(), cell_value + 8);
    jit_codemem_release(m, block);
    jit_codemem_free(m);
}

Test(cache_link, freed_space_is_reused_and_neighbours_keep_running)
{
    unit_obj o;
    make(&o, R_X86_64_64, 0);
    jit_codemem *m = jit_codemem_new();
    void *entry[64], *block[64];
    size_t size;
    for (int i = 0; i < 64; i++)
        cr_assert(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &entry[i], &size,
                                   &block[i]));
    for (int i = 0; i < 64; i += 2)
        jit_codemem_release(m, block[i]);
    void *again, *b2;
    cr_assert(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &again, &size, &b2));
    bool reused = false;
    for (int i = 0; i < 64; i += 2)
        reused |= again == entry[i];
    cr_assert(reused, "a freed extent is used again");
    for (int i = 1; i < 64; i += 2) /* written pages went back to executable */
        cr_assert_eq(((uint64_t (*)(void))entry[i])(), cell_value);
    cr_assert_eq(((uint64_t (*)(void))again)(), cell_value);
    jit_codemem_free(m);
}

Test(cache_link, refuses_what_it_cannot_link)
{
    unit_obj o;
    jit_codemem *m = jit_codemem_new();
    void *entry, *block;
    size_t size;
    make(&o, R_X86_64_PC32, 0);
    cr_assert_not(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &entry, &size, &block));
    make(&o, R_X86_64_64, 0);
    strcpy(o.strtab + UNIT_OBJ_CELL_NAME, "jit_cell_2000"); /* the resolver does not know it */
    cr_assert_not(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &entry, &size, &block));
    make(&o, R_X86_64_64, 0);
    o.rela[0].r_offset = sizeof o.text - 4; /* the 8 bytes would cross the end of .text */
    cr_assert_not(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &entry, &size, &block));
    make(&o, R_X86_64_64, 0);
    cr_assert_not(jit_codemem_link(m, &o, sizeof o, "other", resolve, NULL, &entry, &size,
                                   &block));
    make(&o, R_X86_64_64, 0);
    cr_assert(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &entry, &size, &block),
              "and still links a good one");
    jit_codemem_free(m);
}
