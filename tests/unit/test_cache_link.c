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

/* .text: movabs $sym+addend, %rax; ret — and its relocation. */
typedef struct reloc_obj {
    Elf64_Ehdr eh;
    uint8_t text[16];
    char strtab[32];
    Elf64_Sym sym[3];
    Elf64_Rela rela[1];
    Elf64_Shdr sh[5];
} reloc_obj;

static void make(reloc_obj *o, uint32_t type, int64_t addend)
{
    memset(o, 0, sizeof *o);
    memcpy(o->eh.e_ident, ELFMAG, SELFMAG);
    o->eh.e_ident[EI_CLASS] = ELFCLASS64;
    o->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    o->eh.e_type = ET_REL;
    o->eh.e_machine = EM_X86_64;
    o->eh.e_shentsize = sizeof(Elf64_Shdr);
    o->eh.e_shnum = 5;
    o->eh.e_shoff = offsetof(reloc_obj, sh);
    static const uint8_t code[] = {0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0xc3};
    memcpy(o->text, code, sizeof code);
    strcpy(o->strtab + 1, "fn");
    strcpy(o->strtab + 4, "jit_cell_1000");
    o->sym[1] = (Elf64_Sym){.st_name = 1,
                            .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
                            .st_shndx = 1,
                            .st_size = sizeof code};
    o->sym[2] = (Elf64_Sym){.st_name = 4, .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE)};
    o->rela[0] = (Elf64_Rela){.r_offset = 2, .r_info = ELF64_R_INFO(2, type), .r_addend = addend};
    o->sh[1] = (Elf64_Shdr){.sh_type = SHT_PROGBITS,
                            .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
                            .sh_offset = offsetof(reloc_obj, text),
                            .sh_size = sizeof o->text,
                            .sh_addralign = 16};
    o->sh[2] = (Elf64_Shdr){.sh_type = SHT_SYMTAB,
                            .sh_offset = offsetof(reloc_obj, sym),
                            .sh_size = sizeof o->sym,
                            .sh_link = 3,
                            .sh_entsize = sizeof(Elf64_Sym)};
    o->sh[3] = (Elf64_Shdr){.sh_type = SHT_STRTAB,
                            .sh_offset = offsetof(reloc_obj, strtab),
                            .sh_size = sizeof o->strtab};
    o->sh[4] = (Elf64_Shdr){.sh_type = SHT_RELA,
                            .sh_offset = offsetof(reloc_obj, rela),
                            .sh_size = sizeof o->rela,
                            .sh_link = 2,
                            .sh_info = 1,
                            .sh_entsize = sizeof(Elf64_Rela)};
}

static uint64_t cell_value = 0x123456789a0ull;

static uint64_t resolve(void *ctx, const char *name)
{
    (void)ctx;
    return strcmp(name, "jit_cell_1000") == 0 ? cell_value : 0;
}

Test(cache_link, relocated_code_runs)
{
    reloc_obj o;
    make(&o, R_X86_64_64, 8);
    jit_codemem *m = jit_codemem_new();
    cr_assert_not_null(m);
    void *entry, *block;
    size_t size;
    cr_assert(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &entry, &size, &block));
    cr_assert_eq(size, 11);
    uint64_t (*fn)(void) = (uint64_t (*)(void))entry;
    cr_assert_eq(fn(), cell_value + 8);
    jit_codemem_release(m, block);
    jit_codemem_free(m);
}

Test(cache_link, freed_space_is_reused_and_neighbours_keep_running)
{
    reloc_obj o;
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
    reloc_obj o;
    jit_codemem *m = jit_codemem_new();
    void *entry, *block;
    size_t size;
    make(&o, R_X86_64_PC32, 0);
    cr_assert_not(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &entry, &size, &block));
    make(&o, R_X86_64_64, 0);
    strcpy(o.strtab + 4, "jit_cell_2000"); /* the resolver does not know it */
    cr_assert_not(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &entry, &size, &block));
    make(&o, R_X86_64_64, 0);
    o.rela[0].r_offset = 12; /* the 8 bytes would cross the end of .text */
    cr_assert_not(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &entry, &size, &block));
    make(&o, R_X86_64_64, 0);
    cr_assert_not(jit_codemem_link(m, &o, sizeof o, "other", resolve, NULL, &entry, &size,
                                   &block));
    make(&o, R_X86_64_64, 0);
    cr_assert(jit_codemem_link(m, &o, sizeof o, "fn", resolve, NULL, &entry, &size, &block),
              "and still links a good one");
    jit_codemem_free(m);
}
