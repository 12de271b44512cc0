/*
 * rv_arch.c — the riscv64 frontend descriptor: guest state, Linux ABI
 * registers and the decoder/disassembler entry points.
 */
#include <elf.h>
#include <string.h>

#include "frontend/fe.h"
#include "frontend/riscv64/rv_insn.h"
#include "frontend/riscv64/rv_state.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

/* AT_HWCAP: one bit per single-letter extension, bit (letter - 'A'). */
#define RV_HWCAP(c) (UINT64_C(1) << ((c) - 'A'))

static void rv_state_init(void *state)
{
    fe_rv64_state *s = state;
    memset(s, 0, sizeof *s);
    s->head.resv_addr = ~UINT64_C(0);
    s->head.fp_rm = IR_RM_RNE;
}

const fe_arch fe_riscv64 = {
    .name = "riscv64",
    .elf_machine = EM_RISCV,
    .elf_class = ELFCLASS64,
    .state_size = sizeof(fe_rv64_state),
    .state_init = rv_state_init,
    .decode_block = rv_decode_block,
    .disasm = rv_disasm,
    .off_sp = RV_OFF_X(2),
    .off_tp = RV_OFF_X(4),
    .off_ra = RV_OFF_X(1),
    .off_sysno = RV_OFF_X(17),
    .off_args = {RV_OFF_X(10), RV_OFF_X(11), RV_OFF_X(12), RV_OFF_X(13), RV_OFF_X(14),
                 RV_OFF_X(15)},
    .off_ret = RV_OFF_X(10),
    .hwcap = RV_HWCAP('I') | RV_HWCAP('M') | RV_HWCAP('A') | RV_HWCAP('F') | RV_HWCAP('D') |
             RV_HWCAP('C'),
    .platform = NULL,
};
