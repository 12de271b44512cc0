/*
 * unit_obj.h — a minimal relocatable x86-64 object shaped like a unit's,
 * for the tests of the linkers without LLVM (test_cache_link.c,
 * test_cache_image.c).
 *
 *   .text: movabs $jit_cell_<pc>+addend, %rax   (relocation 0: undefined cell)
 *          movabs $.text, %rdx                  (relocation 1: its own section)
 *          ret
 *   symbols: null, the function (global), the cell (undefined), .text
 */
#ifndef LIFTVM_TEST_UNIT_OBJ_H
#define LIFTVM_TEST_UNIT_OBJ_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
    UNIT_OBJ_CODE_SIZE = 21,  /* bytes of the function */
    UNIT_OBJ_CELL_NAME = 17,  /* offset of the cell's name in strtab */
    UNIT_OBJ_SELF_AT = 12,    /* offset of the .text address in the code */
};

typedef struct unit_obj {
    Elf64_Ehdr eh;
    uint8_t text[24];
    char strtab[48];
    Elf64_Sym sym[4];
    Elf64_Rela rela[2];
    Elf64_Shdr sh[5];
} unit_obj;

/* Function name (at most 15 characters); relocation 0 has the given type. */
static inline void unit_obj_make(unit_obj *o, const char *name, uint64_t cell_pc, int64_t addend,
                                 uint32_t type)
{
    memset(o, 0, sizeof *o);
    memcpy(o->eh.e_ident, ELFMAG, SELFMAG);
    o->eh.e_ident[EI_CLASS] = ELFCLASS64;
    o->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    o->eh.e_type = ET_REL;
    o->eh.e_machine = EM_X86_64;
    o->eh.e_shentsize = sizeof(Elf64_Shdr);
    o->eh.e_shnum = 5;
    o->eh.e_shoff = offsetof(unit_obj, sh);
    static const uint8_t code[UNIT_OBJ_CODE_SIZE] = {0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
                                                     0x48, 0xba, 0, 0, 0, 0, 0, 0, 0, 0, 0xc3};
    memcpy(o->text, code, sizeof code);
    snprintf(o->strtab + 1, 16, "%s", name);
    snprintf(o->strtab + UNIT_OBJ_CELL_NAME, sizeof o->strtab - UNIT_OBJ_CELL_NAME,
             "jit_cell_%llx", (unsigned long long)cell_pc);
    o->sym[1] = (Elf64_Sym){.st_name = 1,
                            .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC),
                            .st_shndx = 1,
                            .st_size = sizeof code};
    o->sym[2] = (Elf64_Sym){.st_name = UNIT_OBJ_CELL_NAME,
                            .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE)};
    o->sym[3] = (Elf64_Sym){.st_info = ELF64_ST_INFO(STB_LOCAL, STT_SECTION), .st_shndx = 1};
    o->rela[0] = (Elf64_Rela){.r_offset = 2, .r_info = ELF64_R_INFO(2, type), .r_addend = addend};
    o->rela[1] = (Elf64_Rela){.r_offset = UNIT_OBJ_SELF_AT, .r_info = ELF64_R_INFO(3, R_X86_64_64)};
    o->sh[1] = (Elf64_Shdr){.sh_type = SHT_PROGBITS,
                            .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
                            .sh_offset = offsetof(unit_obj, text),
                            .sh_size = sizeof o->text,
                            .sh_addralign = 16};
    o->sh[2] = (Elf64_Shdr){.sh_type = SHT_SYMTAB,
                            .sh_offset = offsetof(unit_obj, sym),
                            .sh_size = sizeof o->sym,
                            .sh_link = 3,
                            .sh_entsize = sizeof(Elf64_Sym)};
    o->sh[3] = (Elf64_Shdr){.sh_type = SHT_STRTAB,
                            .sh_offset = offsetof(unit_obj, strtab),
                            .sh_size = sizeof o->strtab};
    o->sh[4] = (Elf64_Shdr){.sh_type = SHT_RELA,
                            .sh_offset = offsetof(unit_obj, rela),
                            .sh_size = sizeof o->rela,
                            .sh_link = 2,
                            .sh_info = 1,
                            .sh_entsize = sizeof(Elf64_Rela)};
}

#endif
