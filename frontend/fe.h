/*
 * fe.h — what the runtime needs from a guest instruction-set frontend.
 *
 * A frontend turns guest code bytes into IR blocks, disassembles one
 * instruction for -d in_asm, and describes its guest state and Linux ABI.
 * Each ISA provides one fe_arch (TinyEMU-style callback struct).
 */
#ifndef LIFTVM_FE_H
#define LIFTVM_FE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

/* Reads the 16-bit little-endian code parcel at addr; false if it cannot be
 * fetched (unmapped or not executable). */
typedef bool (*fe_fetch_fn)(void *ctx, uint64_t addr, uint16_t *out);

typedef struct fe_arch {
    const char *name;      /* "riscv64" */
    uint16_t elf_machine;  /* EM_RISCV */
    uint8_t elf_class;     /* ELFCLASS64 */
    size_t state_size;     /* bytes of guest state, starting with ir_state_head */

    /* Zeroes and initialises a guest state (FP mode, no reservation). */
    void (*state_init)(void *state);

    /* Decodes the guest instructions from pc into a new closed block: up to
     * max_insns instructions, ending at the first control transfer.  A first
     * instruction that cannot be fetched gives a block that raises
     * IR_TRAP_FETCH_FAULT; an illegal one a block that raises IR_TRAP_ILLEGAL.
     * Returns NULL only when out of memory. */
    ir_block *(*decode_block)(uint64_t pc, fe_fetch_fn fetch, void *ctx, unsigned max_insns);

    /* Disassembles the instruction at pc into buf ("addi a0,a0,1"); returns
     * its length in bytes (2 or 4), or 0 if it cannot be fetched. */
    unsigned (*disasm)(uint64_t pc, fe_fetch_fn fetch, void *ctx, char *buf, size_t buflen);

    /* Linux ABI: state offsets (bytes) of the registers the runtime uses. */
    size_t off_sp, off_tp, off_ra;
    size_t off_sysno;       /* syscall number register */
    size_t off_args[6];     /* syscall argument registers */
    size_t off_ret;         /* syscall result register */
    uint64_t hwcap;         /* AT_HWCAP value */
    const char *platform;   /* AT_PLATFORM string, or NULL */
} fe_arch;

/* The frontends built into liftvm. */
extern const fe_arch fe_riscv64;

/* The frontend for an ELF e_machine/class, or NULL. */
const fe_arch *fe_arch_for_elf(uint16_t machine, uint8_t elf_class);

#endif
