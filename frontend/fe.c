/*
 * fe.c — choosing the frontend for a guest ELF file.
 */
#include "frontend/fe.h"

static const fe_arch *const fe_all[] = {&fe_riscv64};

const fe_arch *fe_arch_for_elf(uint16_t machine, uint8_t elf_class)
{
    for (size_t i = 0; i < sizeof fe_all / sizeof fe_all[0]; i++)
        if (fe_all[i]->elf_machine == machine && fe_all[i]->elf_class == elf_class)
            return fe_all[i];
    return NULL;
}
