/*
 * rv_insn.h — RV64GC encodings: the instruction formats, the decoded
 * instruction, and the one encoding table (rv_table.c) that drives both
 * decoding into IR and disassembly.
 *
 * 32-bit formats (bits 1:0 = 11):
 *
 *   31     27 26 25 24   20 19   15 14  12 11         7 6      0
 *  |     funct7      |  rs2  |  rs1  |funct3|     rd     | opcode |  R
 *  | rs3     | fmt   |  rs2  |  rs1  |  rm  |     rd     | opcode |  R4  (fused multiply-add)
 *  |       imm[11:0]         |  rs1  |funct3|     rd     | opcode |  I
 *  |   imm[11:5]     |  rs2  |  rs1  |funct3|  imm[4:0]  | opcode |  S
 *  | imm[12|10:5]    |  rs2  |  rs1  |funct3|imm[4:1|11] | opcode |  B
 *  |              imm[31:12]                |     rd     | opcode |  U
 *  |        imm[20|10:1|11|19:12]           |     rd     | opcode |  J
 *
 *   Variants: shifts by an immediate keep funct6 in 31:26 and shamt[5:0] in
 *   25:20 (W forms: funct7 and shamt[4:0]); CSR ops keep the CSR number in
 *   31:20 and, for the immediate forms, uimm[4:0] in the rs1 field; FP ops
 *   keep the rounding mode (rm) in 14:12; atomics keep aq (26) and rl (25).
 *
 * 16-bit (compressed) formats (bits 1:0 = quadrant 00, 01 or 10);
 * rd'/rs1'/rs2' are 3-bit fields naming x8..x15 (f8..f15):
 *
 *   15   13  12  11  10  9    7  6   5  4    2  1  0
 *  |     funct4     |  rd/rs1      |     rs2      | op |  CR   register
 *  |funct3|imm |      rd/rs1       |     imm      | op |  CI   immediate
 *  |funct3|           imm          |     rs2      | op |  CSS  stack-relative store
 *  |funct3|             imm                 | rd' | op |  CIW  wide immediate
 *  |funct3|   imm    | rs1'  | imm    | rd'  | op |  CL   load
 *  |funct3|   imm    | rs1'  | imm    | rs2' | op |  CS   store
 *  |     funct6      |rd'/rs1'| funct2 | rs2' | op |  CA   arithmetic
 *  |funct3|  offset  | rs1'  |    offset     | op |  CB   branch (and shift/andi)
 *  |funct3|          jump target            | op |  CJ   jump
 *
 * A compressed instruction decodes straight into the fields of its 32-bit
 * expansion (c.lw rd',off(rs1') -> lw rd,off(rs1)), so it shares its
 * emitter; only its name and operand layout differ for the disassembler.
 *
 * Table rows are { name, mask, match, fmt, flags, args, emit, aux }: an
 * instruction word w is the row's instruction when (w & mask) == match (the
 * first such row wins); fmt says where the immediate and the registers come
 * from; args is the operand layout printed by the disassembler; emit writes
 * the IR, parametrised by aux (usually an IR op).
 */
#ifndef LIFTVM_RV_INSN_H
#define LIFTVM_RV_INSN_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend/fe.h"
#include "ir/ir.h"

/* Where the fields of an instruction come from. */
typedef enum rv_fmt {
    /* 32-bit: rd, rs1, rs2, rs3 and rm are always taken from their slots. */
    RV_FMT_R,   /* no immediate (R, R4, and fixed-field ops) */
    RV_FMT_I,   /* imm = sext(31:20) */
    RV_FMT_S,   /* imm = sext(31:25 . 11:7) */
    RV_FMT_B,   /* imm = branch offset */
    RV_FMT_U,   /* imm = sext(31:12 << 12) */
    RV_FMT_J,   /* imm = jump offset */
    RV_FMT_SH,  /* imm = shamt (25:20) */
    RV_FMT_CSR, /* csr = 31:20, imm = uimm (19:15) */
    /* 16-bit: fields of the 32-bit expansion (x2 = sp). */
    RV_FMT_C_ADDI4SPN, /* rd = rd', rs1 = sp, imm = nzuimm */
    RV_FMT_C_LW,       /* CL: rd = rd', rs1 = rs1', imm = word offset */
    RV_FMT_C_LD,       /* CL: rd = rd', rs1 = rs1', imm = doubleword offset */
    RV_FMT_C_SW,       /* CS: rs2 = rs2', rs1 = rs1', imm = word offset */
    RV_FMT_C_SD,       /* CS: rs2 = rs2', rs1 = rs1', imm = doubleword offset */
    RV_FMT_C_CI,       /* CI: rd = rs1 = 11:7, imm = sext 6 bits */
    RV_FMT_C_LI,       /* CI: rd = 11:7, rs1 = x0, imm = sext 6 bits */
    RV_FMT_C_LUI,      /* CI: rd = 11:7, imm = sext(nzimm[17:12] << 12) */
    RV_FMT_C_ADDI16SP, /* CI: rd = rs1 = sp, imm = nzimm[9:4] */
    RV_FMT_C_SLLI,     /* CI: rd = rs1 = 11:7, imm = shamt 6 bits */
    RV_FMT_C_LWSP,     /* CI: rd = 11:7, rs1 = sp, imm = word offset */
    RV_FMT_C_LDSP,     /* CI: rd = 11:7, rs1 = sp, imm = doubleword offset */
    RV_FMT_C_SWSP,     /* CSS: rs2 = 6:2, rs1 = sp, imm = word offset */
    RV_FMT_C_SDSP,     /* CSS: rs2 = 6:2, rs1 = sp, imm = doubleword offset */
    RV_FMT_C_SHIFT,    /* CB: rd = rs1 = rs1', imm = shamt 6 bits */
    RV_FMT_C_ANDI,     /* CB: rd = rs1 = rs1', imm = sext 6 bits */
    RV_FMT_C_CA,       /* CA: rd = rs1 = rs1', rs2 = rs2' */
    RV_FMT_C_BRANCH,   /* CB: rs1 = rs1', rs2 = x0, imm = branch offset */
    RV_FMT_C_J,        /* CJ: rd = x0, imm = jump offset */
    RV_FMT_C_JR,       /* CR: rd = x0, rs1 = 11:7, imm = 0 */
    RV_FMT_C_JALR,     /* CR: rd = ra, rs1 = 11:7, imm = 0 */
    RV_FMT_C_MV,       /* CR: rd = 11:7, rs1 = x0, rs2 = 6:2 */
    RV_FMT_C_ADD,      /* CR: rd = rs1 = 11:7, rs2 = 6:2 */
} rv_fmt;

/* Row flags. */
enum {
    RV_F_NZ_RD = 1 << 0,  /* reserved when bits 11:7 (rd or rs1) are zero */
    RV_F_NZ_IMM = 1 << 1, /* reserved when the immediate is zero */
    RV_F_RM = 1 << 2,     /* has a rounding-mode field; rm 5 and 6 are reserved */
    RV_F_AQRL = 1 << 3,   /* atomic: print .aq/.rl from bits 26:25 */
};

struct rv_insn;
typedef struct rv_opcode rv_opcode;

/* Writes the IR of one instruction (after its INSN marker).  Returns false,
 * having emitted nothing, if the instruction is illegal after all (e.g. an
 * unknown CSR); the block builder then emits an illegal-instruction trap. */
typedef bool (*rv_emit_fn)(ir_block *b, const struct rv_insn *in);

struct rv_opcode {
    const char *name;
    uint32_t mask, match;
    uint8_t fmt;      /* rv_fmt */
    uint8_t flags;    /* RV_F_* */
    const char *args; /* operand layout, see rv_disasm.c */
    rv_emit_fn emit;
    int aux;          /* emitter parameter, usually an IR op */
};

/* One decoded instruction: the fields of its 32-bit form. */
typedef struct rv_insn {
    uint64_t pc;
    uint32_t raw;    /* the instruction word (16-bit ones in the low half) */
    uint8_t len;     /* 2 or 4 */
    uint8_t rd, rs1, rs2, rs3;
    uint8_t rm;      /* rounding-mode field (14:12) */
    uint16_t csr;    /* CSR number (RV_FMT_CSR) */
    int64_t imm;
    const rv_opcode *op;
} rv_insn;

typedef enum rv_status {
    RV_OK,      /* decoded */
    RV_ILLEGAL, /* fetched but illegal or reserved; raw and len are set */
    RV_NOFETCH, /* the instruction could not be fetched */
} rv_status;

/* ---- rv_table.c ---- */
/* The first row matching a 32-bit word or a 16-bit parcel, or NULL. */
const rv_opcode *rv_lookup32(uint32_t w);
const rv_opcode *rv_lookup16(uint16_t p);

/* ---- rv_decode.c ---- */
/* Fetches and decodes the instruction at pc into *out. */
rv_status rv_decode_insn(uint64_t pc, fe_fetch_fn fetch, void *ctx, rv_insn *out);
ir_block *rv_decode_block(uint64_t pc, fe_fetch_fn fetch, void *ctx, unsigned max_insns);

/* ---- rv_disasm.c ---- */
unsigned rv_disasm(uint64_t pc, fe_fetch_fn fetch, void *ctx, char *buf, size_t buflen);
const char *rv_xreg_name(unsigned r);
const char *rv_freg_name(unsigned r);

/* ---- emitters: rv_emit_int.c ---- */
bool rv_e_lui(ir_block *b, const rv_insn *in);
bool rv_e_auipc(ir_block *b, const rv_insn *in);
bool rv_e_jal(ir_block *b, const rv_insn *in);
bool rv_e_jalr(ir_block *b, const rv_insn *in);
bool rv_e_branch(ir_block *b, const rv_insn *in);     /* aux: compare op */
bool rv_e_branch_not(ir_block *b, const rv_insn *in); /* aux: compare op, negated */
bool rv_e_load(ir_block *b, const rv_insn *in);       /* aux: LD* op */
bool rv_e_store(ir_block *b, const rv_insn *in);      /* aux: ST* op */
bool rv_e_op_ri(ir_block *b, const rv_insn *in);      /* aux: op; rd = op(rs1, imm) */
bool rv_e_op_rr(ir_block *b, const rv_insn *in);      /* aux: op; rd = op(rs1, rs2) */
bool rv_e_op_riw(ir_block *b, const rv_insn *in);     /* aux: op; rd = s32(op(rs1, imm)) */
bool rv_e_op_rrw(ir_block *b, const rv_insn *in);     /* aux: op; rd = s32(op(rs1, rs2)) */
bool rv_e_shiftw(ir_block *b, const rv_insn *in);     /* aux: SHL/SHR/SAR; 32-bit shift by rs2 */
bool rv_e_shiftiw(ir_block *b, const rv_insn *in);    /* aux: SHL/SHR/SAR; 32-bit shift by imm */
bool rv_e_unary(ir_block *b, const rv_insn *in);      /* aux: op; rd = op(rs1) */

/* ---- emitters: rv_emit_misc.c (system, CSRs, atomics, bit manipulation) ---- */
bool rv_e_fence(ir_block *b, const rv_insn *in);
bool rv_e_fence_i(ir_block *b, const rv_insn *in);
bool rv_e_ecall(ir_block *b, const rv_insn *in);
bool rv_e_ebreak(ir_block *b, const rv_insn *in);
bool rv_e_csr(ir_block *b, const rv_insn *in);      /* aux: RV_CSR_RW/RS/RC */
bool rv_e_csri(ir_block *b, const rv_insn *in);     /* aux: RV_CSR_RW/RS/RC */
bool rv_e_lr(ir_block *b, const rv_insn *in);       /* aux: LR32/LR64 */
bool rv_e_sc(ir_block *b, const rv_insn *in);       /* aux: SC32/SC64 */
bool rv_e_amo32(ir_block *b, const rv_insn *in);    /* aux: IR_AMO_* */
bool rv_e_amo64(ir_block *b, const rv_insn *in);    /* aux: IR_AMO_* */
bool rv_e_op_rnot(ir_block *b, const rv_insn *in);  /* aux: op; rd = op(rs1, ~rs2) */
bool rv_e_xnor(ir_block *b, const rv_insn *in);
bool rv_e_clzw(ir_block *b, const rv_insn *in);
bool rv_e_ctzw(ir_block *b, const rv_insn *in);
bool rv_e_cpopw(ir_block *b, const rv_insn *in);
bool rv_e_min(ir_block *b, const rv_insn *in);      /* aux: LTS/LTU */
bool rv_e_max(ir_block *b, const rv_insn *in);      /* aux: LTS/LTU */
bool rv_e_shadd(ir_block *b, const rv_insn *in);    /* aux: shift 1..3 */
bool rv_e_shadd_uw(ir_block *b, const rv_insn *in); /* aux: shift 0..3 */
bool rv_e_slli_uw(ir_block *b, const rv_insn *in);
bool rv_e_bit(ir_block *b, const rv_insn *in);      /* aux: RV_BIT_*; bit rs2 */
bool rv_e_biti(ir_block *b, const rv_insn *in);     /* aux: RV_BIT_*; bit imm */

enum { RV_CSR_RW, RV_CSR_RS, RV_CSR_RC };
enum { RV_BIT_CLR, RV_BIT_SET, RV_BIT_INV, RV_BIT_EXT };

/* ---- emitters: rv_emit_fp.c (F and D) ---- */
bool rv_e_flw(ir_block *b, const rv_insn *in);
bool rv_e_fld(ir_block *b, const rv_insn *in);
bool rv_e_fsw(ir_block *b, const rv_insn *in);
bool rv_e_fsd(ir_block *b, const rv_insn *in);
bool rv_e_fop2_s(ir_block *b, const rv_insn *in);  /* aux: FADD32..FDIV32 (rounded) */
bool rv_e_fop2_d(ir_block *b, const rv_insn *in);
bool rv_e_fsqrt_s(ir_block *b, const rv_insn *in);
bool rv_e_fsqrt_d(ir_block *b, const rv_insn *in);
bool rv_e_fma_s(ir_block *b, const rv_insn *in);   /* aux: FMADD32..FNMADD32 */
bool rv_e_fma_d(ir_block *b, const rv_insn *in);
bool rv_e_fminmax_s(ir_block *b, const rv_insn *in); /* aux: FMIN32/FMAX32 */
bool rv_e_fminmax_d(ir_block *b, const rv_insn *in);
bool rv_e_fcmp_s(ir_block *b, const rv_insn *in);  /* aux: FEQ32/FLT32/FLE32 */
bool rv_e_fcmp_d(ir_block *b, const rv_insn *in);
bool rv_e_fclass_s(ir_block *b, const rv_insn *in);
bool rv_e_fclass_d(ir_block *b, const rv_insn *in);
bool rv_e_fsgnj_s(ir_block *b, const rv_insn *in); /* aux: RV_SGNJ_* */
bool rv_e_fsgnj_d(ir_block *b, const rv_insn *in);
bool rv_e_fmv_x_w(ir_block *b, const rv_insn *in);
bool rv_e_fmv_w_x(ir_block *b, const rv_insn *in);
bool rv_e_fmv_x_d(ir_block *b, const rv_insn *in);
bool rv_e_fmv_d_x(ir_block *b, const rv_insn *in);
bool rv_e_fcvt_x_s(ir_block *b, const rv_insn *in); /* aux: FCVT_{W,WU,L,LU}_F32 */
bool rv_e_fcvt_x_d(ir_block *b, const rv_insn *in); /* aux: FCVT_{W,WU,L,LU}_F64 */
bool rv_e_fcvt_s_x(ir_block *b, const rv_insn *in); /* aux: FCVT_F32_{W,WU,L,LU} */
bool rv_e_fcvt_d_x(ir_block *b, const rv_insn *in); /* aux: FCVT_F64_{W,WU,L,LU} */
bool rv_e_fcvt_s_d(ir_block *b, const rv_insn *in);
bool rv_e_fcvt_d_s(ir_block *b, const rv_insn *in);

enum { RV_SGNJ, RV_SGNJN, RV_SGNJX };

#endif
