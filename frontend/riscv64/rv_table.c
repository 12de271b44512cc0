/*
 * rv_table.c — the RV64GC encoding table (formats drawn in rv_insn.h) and
 * its lookup index.
 *
 * Each row: name, mask, match, fmt, flags, disassembly args, emitter, aux.
 * Within a major opcode (or a compressed quadrant and funct3) the first
 * matching row wins, so special cases precede the general row they overlap
 * (fence.tso before fence, c.nop before c.addi, c.jr before c.mv).
 *
 * Disassembly args (rv_disasm.c): d s t = x rd, rs1, rs2; D S T R = f rd,
 * rs1, rs2, rs3; j = imm in decimal; > = imm in hex (shift amounts); u =
 * upper immediate in hex; p = pc-relative target; m = ",rm" unless the
 * rounding mode is dynamic; E = CSR; Z = CSR uimm; P Q = fence pred/succ;
 * other characters are printed as they are.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "frontend/riscv64/rv_insn.h"

/* Major opcodes (bits 6:0). */
enum {
    OPC_LOAD = 0x03, OPC_LOAD_FP = 0x07, OPC_MISC_MEM = 0x0f, OPC_OP_IMM = 0x13,
    OPC_AUIPC = 0x17, OPC_OP_IMM_32 = 0x1b, OPC_STORE = 0x23, OPC_STORE_FP = 0x27,
    OPC_AMO = 0x2f, OPC_OP = 0x33, OPC_LUI = 0x37, OPC_OP_32 = 0x3b, OPC_MADD = 0x43,
    OPC_MSUB = 0x47, OPC_NMSUB = 0x4b, OPC_NMADD = 0x4f, OPC_OP_FP = 0x53,
    OPC_BRANCH = 0x63, OPC_JALR = 0x67, OPC_JAL = 0x6f, OPC_SYSTEM = 0x73,
};

/* Fields placed for match values. */
#define F3(x) ((uint32_t)(x) << 12)  /* funct3 / rm */
#define F7(x) ((uint32_t)(x) << 25)  /* funct7 */
#define F6(x) ((uint32_t)(x) << 26)  /* funct6 of 64-bit shifts by immediate */
#define F5(x) ((uint32_t)(x) << 27)  /* funct5 of atomics */
#define RS2(x) ((uint32_t)(x) << 20) /* rs2 used as an opcode extension */
#define FMT(x) ((uint32_t)(x) << 25) /* R4 format: 0 single, 1 double */

/* Masks: which fields a row fixes. */
#define M_OPC 0x0000007fu    /* opcode */
#define M_F3 0x0000707fu     /* opcode, funct3 */
#define M_F7 0xfe00707fu     /* opcode, funct3, funct7 */
#define M_F6 0xfc00707fu     /* opcode, funct3, funct6 */
#define M_RS2 0xfff0707fu    /* opcode, funct3, funct7, rs2 */
#define M_F7_RM 0xfe00007fu  /* opcode, funct7 (rm free) */
#define M_RS2_RM 0xfff0007fu /* opcode, funct7, rs2 (rm free) */
#define M_R4 0x0600007fu     /* opcode, fmt (rm free) */
#define M_AMO 0xf800707fu    /* opcode, funct3, funct5 (aq, rl free) */
#define M_LR 0xf9f0707fu     /* opcode, funct3, funct5, rs2 = 0 */
#define M_ALL 0xffffffffu

#define ROW(name, mask, match, fmt, flags, args, emit, aux) \
    {name, mask, match, RV_FMT_##fmt, flags, args, emit, aux}

/* Integer ops: reg-reg, reg-imm and shifts by immediate. */
#define OP_RR(name, f7, f3, opc, emit, aux) \
    ROW(name, M_F7, F7(f7) | F3(f3) | (opc), R, 0, "d,s,t", emit, aux)
#define OP_RI(name, f3, opc, emit, aux) \
    ROW(name, M_F3, F3(f3) | (opc), I, 0, "d,s,j", emit, aux)
#define OP_SH6(name, f6, f3, opc, emit, aux) \
    ROW(name, M_F6, F6(f6) | F3(f3) | (opc), SH, 0, "d,s,>", emit, aux)
#define OP_SH5(name, f7, f3, opc, emit, aux) \
    ROW(name, M_F7, F7(f7) | F3(f3) | (opc), SH, 0, "d,s,>", emit, aux)
#define OP_UN(name, f7, rs2, f3, opc, emit, aux) \
    ROW(name, M_RS2, F7(f7) | RS2(rs2) | F3(f3) | (opc), R, 0, "d,s", emit, aux)
#define LOAD(name, f3, aux) ROW(name, M_F3, F3(f3) | OPC_LOAD, I, 0, "d,o(s)", rv_e_load, aux)
#define STORE(name, f3, aux) ROW(name, M_F3, F3(f3) | OPC_STORE, S, 0, "t,o(s)", rv_e_store, aux)
#define BRANCH(name, f3, emit, aux) \
    ROW(name, M_F3, F3(f3) | OPC_BRANCH, B, 0, "s,t,p", emit, aux)
/* Atomics: f3 2 = word, 3 = doubleword. */
#define AMO(name, f5, f3, emit, aux) \
    ROW(name, M_AMO, F5(f5) | F3(f3) | OPC_AMO, R, RV_F_AQRL, "d,t,(s)", emit, aux)
/* FP ops with a rounding mode, and fixed-funct3 FP ops. */
#define FP_RM(name, f7, args, emit, aux) \
    ROW(name, M_F7_RM, F7(f7) | OPC_OP_FP, R, RV_F_RM, args, emit, aux)
#define FP_RM1(name, f7, rs2, args, emit, aux) \
    ROW(name, M_RS2_RM, F7(f7) | RS2(rs2) | OPC_OP_FP, R, RV_F_RM, args, emit, aux)
#define FP_F3(name, f7, f3, args, emit, aux) \
    ROW(name, M_F7, F7(f7) | F3(f3) | OPC_OP_FP, R, 0, args, emit, aux)
#define FP_UN(name, f7, f3, args, emit) \
    ROW(name, M_RS2, F7(f7) | F3(f3) | OPC_OP_FP, R, 0, args, emit, 0)
#define FMA(name, opc, fmt, emit, aux) \
    ROW(name, M_R4, FMT(fmt) | (opc), R, RV_F_RM, "D,S,T,Rm", emit, aux)

static const rv_opcode rv_table32[] = {
    /* ---- RV64I ---- */
    ROW("lui", M_OPC, OPC_LUI, U, 0, "d,u", rv_e_lui, 0),
    ROW("auipc", M_OPC, OPC_AUIPC, U, 0, "d,u", rv_e_auipc, 0),
    ROW("jal", M_OPC, OPC_JAL, J, 0, "d,p", rv_e_jal, 0),
    ROW("jalr", M_F3, F3(0) | OPC_JALR, I, 0, "d,o(s)", rv_e_jalr, 0),
    BRANCH("beq", 0, rv_e_branch, IR_EQ),
    BRANCH("bne", 1, rv_e_branch, IR_NE),
    BRANCH("blt", 4, rv_e_branch, IR_LTS),
    BRANCH("bge", 5, rv_e_branch_not, IR_LTS),
    BRANCH("bltu", 6, rv_e_branch, IR_LTU),
    BRANCH("bgeu", 7, rv_e_branch_not, IR_LTU),
    LOAD("lb", 0, IR_LD8S),
    LOAD("lh", 1, IR_LD16S),
    LOAD("lw", 2, IR_LD32S),
    LOAD("ld", 3, IR_LD64),
    LOAD("lbu", 4, IR_LD8U),
    LOAD("lhu", 5, IR_LD16U),
    LOAD("lwu", 6, IR_LD32U),
    STORE("sb", 0, IR_ST8),
    STORE("sh", 1, IR_ST16),
    STORE("sw", 2, IR_ST32),
    STORE("sd", 3, IR_ST64),
    OP_RI("addi", 0, OPC_OP_IMM, rv_e_op_ri, IR_ADD),
    OP_RI("slti", 2, OPC_OP_IMM, rv_e_op_ri, IR_LTS),
    OP_RI("sltiu", 3, OPC_OP_IMM, rv_e_op_ri, IR_LTU),
    OP_RI("xori", 4, OPC_OP_IMM, rv_e_op_ri, IR_XOR),
    OP_RI("ori", 6, OPC_OP_IMM, rv_e_op_ri, IR_OR),
    OP_RI("andi", 7, OPC_OP_IMM, rv_e_op_ri, IR_AND),
    OP_SH6("slli", 0x00, 1, OPC_OP_IMM, rv_e_op_ri, IR_SHL),
    OP_SH6("srli", 0x00, 5, OPC_OP_IMM, rv_e_op_ri, IR_SHR),
    OP_SH6("srai", 0x10, 5, OPC_OP_IMM, rv_e_op_ri, IR_SAR),
    OP_RR("add", 0x00, 0, OPC_OP, rv_e_op_rr, IR_ADD),
    OP_RR("sub", 0x20, 0, OPC_OP, rv_e_op_rr, IR_SUB),
    OP_RR("sll", 0x00, 1, OPC_OP, rv_e_op_rr, IR_SHL),
    OP_RR("slt", 0x00, 2, OPC_OP, rv_e_op_rr, IR_LTS),
    OP_RR("sltu", 0x00, 3, OPC_OP, rv_e_op_rr, IR_LTU),
    OP_RR("xor", 0x00, 4, OPC_OP, rv_e_op_rr, IR_XOR),
    OP_RR("srl", 0x00, 5, OPC_OP, rv_e_op_rr, IR_SHR),
    OP_RR("sra", 0x20, 5, OPC_OP, rv_e_op_rr, IR_SAR),
    OP_RR("or", 0x00, 6, OPC_OP, rv_e_op_rr, IR_OR),
    OP_RR("and", 0x00, 7, OPC_OP, rv_e_op_rr, IR_AND),
    OP_RI("addiw", 0, OPC_OP_IMM_32, rv_e_op_riw, IR_ADD),
    OP_SH5("slliw", 0x00, 1, OPC_OP_IMM_32, rv_e_shiftiw, IR_SHL),
    OP_SH5("srliw", 0x00, 5, OPC_OP_IMM_32, rv_e_shiftiw, IR_SHR),
    OP_SH5("sraiw", 0x20, 5, OPC_OP_IMM_32, rv_e_shiftiw, IR_SAR),
    OP_RR("addw", 0x00, 0, OPC_OP_32, rv_e_op_rrw, IR_ADD),
    OP_RR("subw", 0x20, 0, OPC_OP_32, rv_e_op_rrw, IR_SUB),
    OP_RR("sllw", 0x00, 1, OPC_OP_32, rv_e_shiftw, IR_SHL),
    OP_RR("srlw", 0x00, 5, OPC_OP_32, rv_e_shiftw, IR_SHR),
    OP_RR("sraw", 0x20, 5, OPC_OP_32, rv_e_shiftw, IR_SAR),
    ROW("fence.tso", 0xfff0707fu, 0x8330000fu, I, 0, "", rv_e_fence, 0),
    ROW("fence", M_F3, F3(0) | OPC_MISC_MEM, I, 0, "P,Q", rv_e_fence, 0),
    ROW("ecall", M_ALL, 0x00000073u, R, 0, "", rv_e_ecall, 0),
    ROW("ebreak", M_ALL, 0x00100073u, R, 0, "", rv_e_ebreak, 0),

    /* ---- Zifencei, Zicsr ---- */
    ROW("fence.i", M_F3, F3(1) | OPC_MISC_MEM, I, 0, "", rv_e_fence_i, 0),
    ROW("csrrw", M_F3, F3(1) | OPC_SYSTEM, CSR, 0, "d,E,s", rv_e_csr, RV_CSR_RW),
    ROW("csrrs", M_F3, F3(2) | OPC_SYSTEM, CSR, 0, "d,E,s", rv_e_csr, RV_CSR_RS),
    ROW("csrrc", M_F3, F3(3) | OPC_SYSTEM, CSR, 0, "d,E,s", rv_e_csr, RV_CSR_RC),
    ROW("csrrwi", M_F3, F3(5) | OPC_SYSTEM, CSR, 0, "d,E,Z", rv_e_csri, RV_CSR_RW),
    ROW("csrrsi", M_F3, F3(6) | OPC_SYSTEM, CSR, 0, "d,E,Z", rv_e_csri, RV_CSR_RS),
    ROW("csrrci", M_F3, F3(7) | OPC_SYSTEM, CSR, 0, "d,E,Z", rv_e_csri, RV_CSR_RC),

    /* ---- M ---- */
    OP_RR("mul", 0x01, 0, OPC_OP, rv_e_op_rr, IR_MUL),
    OP_RR("mulh", 0x01, 1, OPC_OP, rv_e_op_rr, IR_MULH),
    OP_RR("mulhsu", 0x01, 2, OPC_OP, rv_e_op_rr, IR_MULHSU),
    OP_RR("mulhu", 0x01, 3, OPC_OP, rv_e_op_rr, IR_MULHU),
    OP_RR("div", 0x01, 4, OPC_OP, rv_e_op_rr, IR_DIV),
    OP_RR("divu", 0x01, 5, OPC_OP, rv_e_op_rr, IR_DIVU),
    OP_RR("rem", 0x01, 6, OPC_OP, rv_e_op_rr, IR_REM),
    OP_RR("remu", 0x01, 7, OPC_OP, rv_e_op_rr, IR_REMU),
    OP_RR("mulw", 0x01, 0, OPC_OP_32, rv_e_op_rrw, IR_MUL),
    OP_RR("divw", 0x01, 4, OPC_OP_32, rv_e_op_rr, IR_DIVW),
    OP_RR("divuw", 0x01, 5, OPC_OP_32, rv_e_op_rr, IR_DIVUW),
    OP_RR("remw", 0x01, 6, OPC_OP_32, rv_e_op_rr, IR_REMW),
    OP_RR("remuw", 0x01, 7, OPC_OP_32, rv_e_op_rr, IR_REMUW),

    /* ---- A ---- */
    ROW("lr.w", M_LR, F5(0x02) | F3(2) | OPC_AMO, R, RV_F_AQRL, "d,(s)", rv_e_lr, IR_LR32),
    AMO("sc.w", 0x03, 2, rv_e_sc, IR_SC32),
    AMO("amoswap.w", 0x01, 2, rv_e_amo32, IR_AMO_SWAP),
    AMO("amoadd.w", 0x00, 2, rv_e_amo32, IR_AMO_ADD),
    AMO("amoxor.w", 0x04, 2, rv_e_amo32, IR_AMO_XOR),
    AMO("amoand.w", 0x0c, 2, rv_e_amo32, IR_AMO_AND),
    AMO("amoor.w", 0x08, 2, rv_e_amo32, IR_AMO_OR),
    AMO("amomin.w", 0x10, 2, rv_e_amo32, IR_AMO_MIN),
    AMO("amomax.w", 0x14, 2, rv_e_amo32, IR_AMO_MAX),
    AMO("amominu.w", 0x18, 2, rv_e_amo32, IR_AMO_MINU),
    AMO("amomaxu.w", 0x1c, 2, rv_e_amo32, IR_AMO_MAXU),
    ROW("lr.d", M_LR, F5(0x02) | F3(3) | OPC_AMO, R, RV_F_AQRL, "d,(s)", rv_e_lr, IR_LR64),
    AMO("sc.d", 0x03, 3, rv_e_sc, IR_SC64),
    AMO("amoswap.d", 0x01, 3, rv_e_amo64, IR_AMO_SWAP),
    AMO("amoadd.d", 0x00, 3, rv_e_amo64, IR_AMO_ADD),
    AMO("amoxor.d", 0x04, 3, rv_e_amo64, IR_AMO_XOR),
    AMO("amoand.d", 0x0c, 3, rv_e_amo64, IR_AMO_AND),
    AMO("amoor.d", 0x08, 3, rv_e_amo64, IR_AMO_OR),
    AMO("amomin.d", 0x10, 3, rv_e_amo64, IR_AMO_MIN),
    AMO("amomax.d", 0x14, 3, rv_e_amo64, IR_AMO_MAX),
    AMO("amominu.d", 0x18, 3, rv_e_amo64, IR_AMO_MINU),
    AMO("amomaxu.d", 0x1c, 3, rv_e_amo64, IR_AMO_MAXU),

    /* ---- F ---- */
    ROW("flw", M_F3, F3(2) | OPC_LOAD_FP, I, 0, "D,o(s)", rv_e_flw, 0),
    ROW("fsw", M_F3, F3(2) | OPC_STORE_FP, S, 0, "T,o(s)", rv_e_fsw, 0),
    FMA("fmadd.s", OPC_MADD, 0, rv_e_fma_s, IR_FMADD32),
    FMA("fmsub.s", OPC_MSUB, 0, rv_e_fma_s, IR_FMSUB32),
    FMA("fnmsub.s", OPC_NMSUB, 0, rv_e_fma_s, IR_FNMSUB32),
    FMA("fnmadd.s", OPC_NMADD, 0, rv_e_fma_s, IR_FNMADD32),
    FP_RM("fadd.s", 0x00, "D,S,Tm", rv_e_fop2_s, IR_FADD32),
    FP_RM("fsub.s", 0x04, "D,S,Tm", rv_e_fop2_s, IR_FSUB32),
    FP_RM("fmul.s", 0x08, "D,S,Tm", rv_e_fop2_s, IR_FMUL32),
    FP_RM("fdiv.s", 0x0c, "D,S,Tm", rv_e_fop2_s, IR_FDIV32),
    FP_RM1("fsqrt.s", 0x2c, 0, "D,Sm", rv_e_fsqrt_s, 0),
    FP_F3("fsgnj.s", 0x10, 0, "D,S,T", rv_e_fsgnj_s, RV_SGNJ),
    FP_F3("fsgnjn.s", 0x10, 1, "D,S,T", rv_e_fsgnj_s, RV_SGNJN),
    FP_F3("fsgnjx.s", 0x10, 2, "D,S,T", rv_e_fsgnj_s, RV_SGNJX),
    FP_F3("fmin.s", 0x14, 0, "D,S,T", rv_e_fminmax_s, IR_FMIN32),
    FP_F3("fmax.s", 0x14, 1, "D,S,T", rv_e_fminmax_s, IR_FMAX32),
    FP_RM1("fcvt.w.s", 0x60, 0, "d,Sm", rv_e_fcvt_x_s, IR_FCVT_W_F32),
    FP_RM1("fcvt.wu.s", 0x60, 1, "d,Sm", rv_e_fcvt_x_s, IR_FCVT_WU_F32),
    FP_RM1("fcvt.l.s", 0x60, 2, "d,Sm", rv_e_fcvt_x_s, IR_FCVT_L_F32),
    FP_RM1("fcvt.lu.s", 0x60, 3, "d,Sm", rv_e_fcvt_x_s, IR_FCVT_LU_F32),
    FP_UN("fmv.x.w", 0x70, 0, "d,S", rv_e_fmv_x_w),
    FP_F3("feq.s", 0x50, 2, "d,S,T", rv_e_fcmp_s, IR_FEQ32),
    FP_F3("flt.s", 0x50, 1, "d,S,T", rv_e_fcmp_s, IR_FLT32),
    FP_F3("fle.s", 0x50, 0, "d,S,T", rv_e_fcmp_s, IR_FLE32),
    FP_UN("fclass.s", 0x70, 1, "d,S", rv_e_fclass_s),
    FP_RM1("fcvt.s.w", 0x68, 0, "D,sm", rv_e_fcvt_s_x, IR_FCVT_F32_W),
    FP_RM1("fcvt.s.wu", 0x68, 1, "D,sm", rv_e_fcvt_s_x, IR_FCVT_F32_WU),
    FP_RM1("fcvt.s.l", 0x68, 2, "D,sm", rv_e_fcvt_s_x, IR_FCVT_F32_L),
    FP_RM1("fcvt.s.lu", 0x68, 3, "D,sm", rv_e_fcvt_s_x, IR_FCVT_F32_LU),
    FP_UN("fmv.w.x", 0x78, 0, "D,s", rv_e_fmv_w_x),

    /* ---- D ---- */
    ROW("fld", M_F3, F3(3) | OPC_LOAD_FP, I, 0, "D,o(s)", rv_e_fld, 0),
    ROW("fsd", M_F3, F3(3) | OPC_STORE_FP, S, 0, "T,o(s)", rv_e_fsd, 0),
    FMA("fmadd.d", OPC_MADD, 1, rv_e_fma_d, IR_FMADD64),
    FMA("fmsub.d", OPC_MSUB, 1, rv_e_fma_d, IR_FMSUB64),
    FMA("fnmsub.d", OPC_NMSUB, 1, rv_e_fma_d, IR_FNMSUB64),
    FMA("fnmadd.d", OPC_NMADD, 1, rv_e_fma_d, IR_FNMADD64),
    FP_RM("fadd.d", 0x01, "D,S,Tm", rv_e_fop2_d, IR_FADD64),
    FP_RM("fsub.d", 0x05, "D,S,Tm", rv_e_fop2_d, IR_FSUB64),
    FP_RM("fmul.d", 0x09, "D,S,Tm", rv_e_fop2_d, IR_FMUL64),
    FP_RM("fdiv.d", 0x0d, "D,S,Tm", rv_e_fop2_d, IR_FDIV64),
    FP_RM1("fsqrt.d", 0x2d, 0, "D,Sm", rv_e_fsqrt_d, 0),
    FP_F3("fsgnj.d", 0x11, 0, "D,S,T", rv_e_fsgnj_d, RV_SGNJ),
    FP_F3("fsgnjn.d", 0x11, 1, "D,S,T", rv_e_fsgnj_d, RV_SGNJN),
    FP_F3("fsgnjx.d", 0x11, 2, "D,S,T", rv_e_fsgnj_d, RV_SGNJX),
    FP_F3("fmin.d", 0x15, 0, "D,S,T", rv_e_fminmax_d, IR_FMIN64),
    FP_F3("fmax.d", 0x15, 1, "D,S,T", rv_e_fminmax_d, IR_FMAX64),
    FP_RM1("fcvt.s.d", 0x20, 1, "D,Sm", rv_e_fcvt_s_d, 0),
    FP_RM1("fcvt.d.s", 0x21, 0, "D,S", rv_e_fcvt_d_s, 0),
    FP_F3("feq.d", 0x51, 2, "d,S,T", rv_e_fcmp_d, IR_FEQ64),
    FP_F3("flt.d", 0x51, 1, "d,S,T", rv_e_fcmp_d, IR_FLT64),
    FP_F3("fle.d", 0x51, 0, "d,S,T", rv_e_fcmp_d, IR_FLE64),
    FP_UN("fclass.d", 0x71, 1, "d,S", rv_e_fclass_d),
    FP_RM1("fcvt.w.d", 0x61, 0, "d,Sm", rv_e_fcvt_x_d, IR_FCVT_W_F64),
    FP_RM1("fcvt.wu.d", 0x61, 1, "d,Sm", rv_e_fcvt_x_d, IR_FCVT_WU_F64),
    FP_RM1("fcvt.l.d", 0x61, 2, "d,Sm", rv_e_fcvt_x_d, IR_FCVT_L_F64),
    FP_RM1("fcvt.lu.d", 0x61, 3, "d,Sm", rv_e_fcvt_x_d, IR_FCVT_LU_F64),
    FP_UN("fmv.x.d", 0x71, 0, "d,S", rv_e_fmv_x_d),
    FP_RM1("fcvt.d.w", 0x69, 0, "D,s", rv_e_fcvt_d_x, IR_FCVT_F64_W),
    FP_RM1("fcvt.d.wu", 0x69, 1, "D,s", rv_e_fcvt_d_x, IR_FCVT_F64_WU),
    FP_RM1("fcvt.d.l", 0x69, 2, "D,sm", rv_e_fcvt_d_x, IR_FCVT_F64_L),
    FP_RM1("fcvt.d.lu", 0x69, 3, "D,sm", rv_e_fcvt_d_x, IR_FCVT_F64_LU),
    FP_UN("fmv.d.x", 0x79, 0, "D,s", rv_e_fmv_d_x),

    /* ---- Zba ---- */
    OP_RR("add.uw", 0x04, 0, OPC_OP_32, rv_e_shadd_uw, 0),
    OP_RR("sh1add", 0x10, 2, OPC_OP, rv_e_shadd, 1),
    OP_RR("sh2add", 0x10, 4, OPC_OP, rv_e_shadd, 2),
    OP_RR("sh3add", 0x10, 6, OPC_OP, rv_e_shadd, 3),
    OP_RR("sh1add.uw", 0x10, 2, OPC_OP_32, rv_e_shadd_uw, 1),
    OP_RR("sh2add.uw", 0x10, 4, OPC_OP_32, rv_e_shadd_uw, 2),
    OP_RR("sh3add.uw", 0x10, 6, OPC_OP_32, rv_e_shadd_uw, 3),
    OP_SH6("slli.uw", 0x02, 1, OPC_OP_IMM_32, rv_e_slli_uw, 0),

    /* ---- Zbb ---- */
    OP_RR("andn", 0x20, 7, OPC_OP, rv_e_op_rnot, IR_AND),
    OP_RR("orn", 0x20, 6, OPC_OP, rv_e_op_rnot, IR_OR),
    OP_RR("xnor", 0x20, 4, OPC_OP, rv_e_xnor, 0),
    OP_UN("clz", 0x30, 0, 1, OPC_OP_IMM, rv_e_unary, IR_CLZ),
    OP_UN("ctz", 0x30, 1, 1, OPC_OP_IMM, rv_e_unary, IR_CTZ),
    OP_UN("cpop", 0x30, 2, 1, OPC_OP_IMM, rv_e_unary, IR_CPOP),
    OP_UN("clzw", 0x30, 0, 1, OPC_OP_IMM_32, rv_e_clzw, 0),
    OP_UN("ctzw", 0x30, 1, 1, OPC_OP_IMM_32, rv_e_ctzw, 0),
    OP_UN("cpopw", 0x30, 2, 1, OPC_OP_IMM_32, rv_e_cpopw, 0),
    OP_RR("max", 0x05, 6, OPC_OP, rv_e_max, IR_LTS),
    OP_RR("maxu", 0x05, 7, OPC_OP, rv_e_max, IR_LTU),
    OP_RR("min", 0x05, 4, OPC_OP, rv_e_min, IR_LTS),
    OP_RR("minu", 0x05, 5, OPC_OP, rv_e_min, IR_LTU),
    OP_UN("sext.b", 0x30, 4, 1, OPC_OP_IMM, rv_e_unary, IR_SEXT8),
    OP_UN("sext.h", 0x30, 5, 1, OPC_OP_IMM, rv_e_unary, IR_SEXT16),
    OP_UN("zext.h", 0x04, 0, 4, OPC_OP_32, rv_e_unary, IR_ZEXT16),
    OP_RR("rol", 0x30, 1, OPC_OP, rv_e_op_rr, IR_ROTL),
    OP_RR("ror", 0x30, 5, OPC_OP, rv_e_op_rr, IR_ROTR),
    OP_SH6("rori", 0x18, 5, OPC_OP_IMM, rv_e_op_ri, IR_ROTR),
    OP_RR("rolw", 0x30, 1, OPC_OP_32, rv_e_op_rr, IR_ROTL32),
    OP_RR("rorw", 0x30, 5, OPC_OP_32, rv_e_op_rr, IR_ROTR32),
    OP_SH5("roriw", 0x30, 5, OPC_OP_IMM_32, rv_e_op_ri, IR_ROTR32),
    OP_UN("orc.b", 0x14, 7, 5, OPC_OP_IMM, rv_e_unary, IR_ORCB),
    OP_UN("rev8", 0x35, 0x18, 5, OPC_OP_IMM, rv_e_unary, IR_BSWAP),

    /* ---- Zbs ---- */
    OP_RR("bclr", 0x24, 1, OPC_OP, rv_e_bit, RV_BIT_CLR),
    OP_RR("bset", 0x14, 1, OPC_OP, rv_e_bit, RV_BIT_SET),
    OP_RR("binv", 0x34, 1, OPC_OP, rv_e_bit, RV_BIT_INV),
    OP_RR("bext", 0x24, 5, OPC_OP, rv_e_bit, RV_BIT_EXT),
    OP_SH6("bclri", 0x12, 1, OPC_OP_IMM, rv_e_biti, RV_BIT_CLR),
    OP_SH6("bseti", 0x0a, 1, OPC_OP_IMM, rv_e_biti, RV_BIT_SET),
    OP_SH6("binvi", 0x1a, 1, OPC_OP_IMM, rv_e_biti, RV_BIT_INV),
    OP_SH6("bexti", 0x12, 5, OPC_OP_IMM, rv_e_biti, RV_BIT_EXT),
};

/* Compressed rows: quadrant (1:0) and funct3 (15:13) are always fixed. */
#define C(name, mask, match, fmt, flags, args, emit, aux) \
    ROW(name, mask, match, C_##fmt, flags, args, emit, aux)

static const rv_opcode rv_table16[] = {
    /* ---- quadrant 0 ---- */
    C("c.addi4spn", 0xe003, 0x0000, ADDI4SPN, RV_F_NZ_IMM, "d,s,j", rv_e_op_ri, IR_ADD),
    C("c.fld", 0xe003, 0x2000, LD, 0, "D,o(s)", rv_e_fld, 0),
    C("c.lw", 0xe003, 0x4000, LW, 0, "d,o(s)", rv_e_load, IR_LD32S),
    C("c.ld", 0xe003, 0x6000, LD, 0, "d,o(s)", rv_e_load, IR_LD64),
    C("c.fsd", 0xe003, 0xa000, SD, 0, "T,o(s)", rv_e_fsd, 0),
    C("c.sw", 0xe003, 0xc000, SW, 0, "t,o(s)", rv_e_store, IR_ST32),
    C("c.sd", 0xe003, 0xe000, SD, 0, "t,o(s)", rv_e_store, IR_ST64),
    /* ---- quadrant 1 ---- */
    C("c.nop", 0xffff, 0x0001, CI, 0, "", rv_e_op_ri, IR_ADD),
    C("c.addi", 0xe003, 0x0001, CI, 0, "d,j", rv_e_op_ri, IR_ADD),
    C("c.addiw", 0xe003, 0x2001, CI, RV_F_NZ_RD, "d,j", rv_e_op_riw, IR_ADD),
    C("c.li", 0xe003, 0x4001, LI, 0, "d,j", rv_e_op_ri, IR_ADD),
    C("c.addi16sp", 0xef83, 0x6101, ADDI16SP, RV_F_NZ_IMM, "d,j", rv_e_op_ri, IR_ADD),
    C("c.lui", 0xe003, 0x6001, LUI, RV_F_NZ_IMM, "d,u", rv_e_lui, 0),
    C("c.srli", 0xec03, 0x8001, SHIFT, 0, "d,>", rv_e_op_ri, IR_SHR),
    C("c.srai", 0xec03, 0x8401, SHIFT, 0, "d,>", rv_e_op_ri, IR_SAR),
    C("c.andi", 0xec03, 0x8801, ANDI, 0, "d,j", rv_e_op_ri, IR_AND),
    C("c.sub", 0xfc63, 0x8c01, CA, 0, "d,t", rv_e_op_rr, IR_SUB),
    C("c.xor", 0xfc63, 0x8c21, CA, 0, "d,t", rv_e_op_rr, IR_XOR),
    C("c.or", 0xfc63, 0x8c41, CA, 0, "d,t", rv_e_op_rr, IR_OR),
    C("c.and", 0xfc63, 0x8c61, CA, 0, "d,t", rv_e_op_rr, IR_AND),
    C("c.subw", 0xfc63, 0x9c01, CA, 0, "d,t", rv_e_op_rrw, IR_SUB),
    C("c.addw", 0xfc63, 0x9c21, CA, 0, "d,t", rv_e_op_rrw, IR_ADD),
    C("c.j", 0xe003, 0xa001, J, 0, "p", rv_e_jal, 0),
    C("c.beqz", 0xe003, 0xc001, BRANCH, 0, "s,p", rv_e_branch, IR_EQ),
    C("c.bnez", 0xe003, 0xe001, BRANCH, 0, "s,p", rv_e_branch, IR_NE),
    /* ---- quadrant 2 ---- */
    C("c.slli", 0xe003, 0x0002, SLLI, 0, "d,>", rv_e_op_ri, IR_SHL),
    C("c.fldsp", 0xe003, 0x2002, LDSP, 0, "D,o(s)", rv_e_fld, 0),
    C("c.lwsp", 0xe003, 0x4002, LWSP, RV_F_NZ_RD, "d,o(s)", rv_e_load, IR_LD32S),
    C("c.ldsp", 0xe003, 0x6002, LDSP, RV_F_NZ_RD, "d,o(s)", rv_e_load, IR_LD64),
    C("c.jr", 0xf07f, 0x8002, JR, RV_F_NZ_RD, "s", rv_e_jalr, 0),
    C("c.mv", 0xf003, 0x8002, MV, 0, "d,t", rv_e_op_rr, IR_ADD),
    C("c.ebreak", 0xffff, 0x9002, CI, 0, "", rv_e_ebreak, 0),
    C("c.jalr", 0xf07f, 0x9002, JALR, RV_F_NZ_RD, "s", rv_e_jalr, 0),
    C("c.add", 0xf003, 0x9002, ADD, 0, "d,t", rv_e_op_rr, IR_ADD),
    C("c.fsdsp", 0xe003, 0xa002, SDSP, 0, "T,o(s)", rv_e_fsd, 0),
    C("c.swsp", 0xe003, 0xc002, SWSP, 0, "t,o(s)", rv_e_store, IR_ST32),
    C("c.sdsp", 0xe003, 0xe002, SDSP, 0, "t,o(s)", rv_e_store, IR_ST64),
};

#define N32 (sizeof rv_table32 / sizeof rv_table32[0])
#define N16 (sizeof rv_table16 / sizeof rv_table16[0])

/* Per-bucket lists of row numbers, in table order: 32-bit rows by major
 * opcode (bits 6:2), compressed rows by quadrant and funct3. */
#define NB32 32
#define NB16 32
static uint16_t idx32[N32], idx16[N16];
static uint16_t start32[NB32 + 1], start16[NB16 + 1];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static unsigned bucket32(uint32_t w) { return (w >> 2) & 0x1f; }
static unsigned bucket16(uint32_t p) { return ((p & 3) << 3) | ((p >> 13) & 7); }

/* Counting sort of rows into buckets.  A row whose mask does not fix its
 * bucket bits would be unreachable for some words: a table bug, caught here. */
static void build(const rv_opcode *t, size_t n, unsigned (*bucket)(uint32_t), uint32_t need,
                  uint16_t *start, unsigned nb, uint16_t *idx)
{
    uint16_t fill[NB32 + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        if ((t[i].mask & need) != need) {
            fprintf(stderr, "liftvm: riscv64 table row %s does not fix its bucket\n", t[i].name);
            abort();
        }
        start[bucket(t[i].match) + 1]++;
    }
    for (unsigned k = 0; k < nb; k++)
        start[k + 1] += start[k];
    for (size_t i = 0; i < n; i++) {
        unsigned k = bucket(t[i].match);
        idx[start[k] + fill[k]++] = (uint16_t)i;
    }
}

static void build_index(void)
{
    build(rv_table32, N32, bucket32, 0x7f, start32, NB32, idx32);
    build(rv_table16, N16, bucket16, 0xe003, start16, NB16, idx16);
}

const rv_opcode *rv_lookup32(uint32_t w)
{
    pthread_once(&index_once, build_index);
    unsigned k = bucket32(w);
    if ((w & 3) != 3)
        return NULL;
    for (unsigned i = start32[k]; i < start32[k + 1]; i++) {
        const rv_opcode *op = &rv_table32[idx32[i]];
        if ((w & op->mask) == op->match)
            return op;
    }
    return NULL;
}

const rv_opcode *rv_lookup16(uint16_t p)
{
    pthread_once(&index_once, build_index);
    unsigned k = bucket16(p);
    for (unsigned i = start16[k]; i < start16[k + 1]; i++) {
        const rv_opcode *op = &rv_table16[idx16[i]];
        if ((p & op->mask) == op->match)
            return op;
    }
    return NULL;
}
