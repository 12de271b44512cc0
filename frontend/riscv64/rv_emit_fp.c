/*
 * rv_emit_fp.c — IR for the F and D extensions.
 *
 * Singles are read with FUNBOX32 (an improperly boxed value reads as the
 * canonical NaN) and written NaN-boxed.  Sign injection and the moves
 * between register files are plain bit operations; everything else maps to
 * an IR FP op, which accrues the IEEE flags itself.  A static rounding mode
 * goes into the op's imm (5 and 6 were rejected by the decoder); the dynamic
 * one (7) is IR_RM_DYN after a check that frm holds a valid mode.
 */
#include "frontend/riscv64/rv_emit.h"

#define SIGN32 INT64_C(0x80000000)
#define SIGN64 INT64_MIN

/* Returns the imm for an FP op with a rounding-mode field, first emitting
 * the illegal-instruction check for a dynamic mode (frm 5..7 are invalid). */
static int64_t fp_rm(ir_block *b, const rv_insn *in)
{
    if (in->rm != IR_RM_DYN)
        return in->rm;
    ir_val ok = rv_op_imm(b, IR_LTU, ir_get(b, RV_OFF_FRM), 5);
    ir_emit(b, IR_TRAPIF, rv_op_imm(b, IR_XOR, ok, 1), 0, 0, IR_TRAP_ILLEGAL);
    return IR_RM_DYN;
}

/* ---- loads and stores ---- */

bool rv_e_flw(ir_block *b, const rv_insn *in)
{
    rv_putf32(b, in->rd, ir_emit(b, IR_LD32U, rv_getx(b, in->rs1), 0, 0, in->imm));
    return true;
}

bool rv_e_fld(ir_block *b, const rv_insn *in)
{
    rv_putf(b, in->rd, ir_emit(b, IR_LD64, rv_getx(b, in->rs1), 0, 0, in->imm));
    return true;
}

/* fsw stores the low 32 bits as they are, boxed or not. */
bool rv_e_fsw(ir_block *b, const rv_insn *in)
{
    ir_val base = rv_getx(b, in->rs1);
    ir_emit(b, IR_ST32, base, rv_getf(b, in->rs2), 0, in->imm);
    return true;
}

bool rv_e_fsd(ir_block *b, const rv_insn *in)
{
    ir_val base = rv_getx(b, in->rs1);
    ir_emit(b, IR_ST64, base, rv_getf(b, in->rs2), 0, in->imm);
    return true;
}

/* ---- arithmetic ---- */

bool rv_e_fop2_s(ir_block *b, const rv_insn *in)
{
    int64_t rm = fp_rm(b, in);
    ir_val x = rv_getf32(b, in->rs1);
    ir_val y = rv_getf32(b, in->rs2);
    rv_putf32(b, in->rd, ir_emit(b, (ir_op)in->op->aux, x, y, 0, rm));
    return true;
}

bool rv_e_fop2_d(ir_block *b, const rv_insn *in)
{
    int64_t rm = fp_rm(b, in);
    ir_val x = rv_getf(b, in->rs1);
    ir_val y = rv_getf(b, in->rs2);
    rv_putf(b, in->rd, ir_emit(b, (ir_op)in->op->aux, x, y, 0, rm));
    return true;
}

bool rv_e_fsqrt_s(ir_block *b, const rv_insn *in)
{
    int64_t rm = fp_rm(b, in);
    rv_putf32(b, in->rd, ir_emit(b, IR_FSQRT32, rv_getf32(b, in->rs1), 0, 0, rm));
    return true;
}

bool rv_e_fsqrt_d(ir_block *b, const rv_insn *in)
{
    int64_t rm = fp_rm(b, in);
    rv_putf(b, in->rd, ir_emit(b, IR_FSQRT64, rv_getf(b, in->rs1), 0, 0, rm));
    return true;
}

bool rv_e_fma_s(ir_block *b, const rv_insn *in)
{
    int64_t rm = fp_rm(b, in);
    ir_val x = rv_getf32(b, in->rs1);
    ir_val y = rv_getf32(b, in->rs2);
    ir_val z = rv_getf32(b, in->rs3);
    rv_putf32(b, in->rd, ir_emit(b, (ir_op)in->op->aux, x, y, z, rm));
    return true;
}

bool rv_e_fma_d(ir_block *b, const rv_insn *in)
{
    int64_t rm = fp_rm(b, in);
    ir_val x = rv_getf(b, in->rs1);
    ir_val y = rv_getf(b, in->rs2);
    ir_val z = rv_getf(b, in->rs3);
    rv_putf(b, in->rd, ir_emit(b, (ir_op)in->op->aux, x, y, z, rm));
    return true;
}

bool rv_e_fminmax_s(ir_block *b, const rv_insn *in)
{
    ir_val x = rv_getf32(b, in->rs1);
    ir_val y = rv_getf32(b, in->rs2);
    rv_putf32(b, in->rd, ir_bin(b, (ir_op)in->op->aux, x, y));
    return true;
}

bool rv_e_fminmax_d(ir_block *b, const rv_insn *in)
{
    ir_val x = rv_getf(b, in->rs1);
    ir_val y = rv_getf(b, in->rs2);
    rv_putf(b, in->rd, ir_bin(b, (ir_op)in->op->aux, x, y));
    return true;
}

/* ---- compares and classification (results go to an X register) ---- */

bool rv_e_fcmp_s(ir_block *b, const rv_insn *in)
{
    ir_val x = rv_getf32(b, in->rs1);
    ir_val y = rv_getf32(b, in->rs2);
    rv_putx(b, in->rd, ir_bin(b, (ir_op)in->op->aux, x, y));
    return true;
}

bool rv_e_fcmp_d(ir_block *b, const rv_insn *in)
{
    ir_val x = rv_getf(b, in->rs1);
    ir_val y = rv_getf(b, in->rs2);
    rv_putx(b, in->rd, ir_bin(b, (ir_op)in->op->aux, x, y));
    return true;
}

bool rv_e_fclass_s(ir_block *b, const rv_insn *in)
{
    if (in->rd)
        rv_putx(b, in->rd, ir_un(b, IR_FCLASS32, rv_getf32(b, in->rs1)));
    return true;
}

bool rv_e_fclass_d(ir_block *b, const rv_insn *in)
{
    if (in->rd)
        rv_putx(b, in->rd, ir_un(b, IR_FCLASS64, rv_getf(b, in->rs1)));
    return true;
}

/* ---- sign injection: magnitude of rs1, sign from rs2 (kept, negated, xor-ed) ---- */

static ir_val sgnj(ir_block *b, int kind, ir_val x, ir_val y, int64_t sign)
{
    if (kind == RV_SGNJX)
        return ir_bin(b, IR_XOR, x, rv_op_imm(b, IR_AND, y, sign));
    if (kind == RV_SGNJN)
        y = ir_un(b, IR_NOT, y);
    ir_val mag = rv_op_imm(b, IR_AND, x, sign == SIGN32 ? 0x7fffffff : INT64_MAX);
    return ir_bin(b, IR_OR, mag, rv_op_imm(b, IR_AND, y, sign));
}

bool rv_e_fsgnj_s(ir_block *b, const rv_insn *in)
{
    ir_val x = rv_getf32(b, in->rs1);
    ir_val y = rv_getf32(b, in->rs2);
    rv_putf32(b, in->rd, sgnj(b, in->op->aux, x, y, SIGN32));
    return true;
}

bool rv_e_fsgnj_d(ir_block *b, const rv_insn *in)
{
    ir_val x = rv_getf(b, in->rs1);
    ir_val y = rv_getf(b, in->rs2);
    rv_putf(b, in->rd, sgnj(b, in->op->aux, x, y, SIGN64));
    return true;
}

/* ---- moves between register files (raw bits, no unboxing) ---- */

bool rv_e_fmv_x_w(ir_block *b, const rv_insn *in)
{
    if (in->rd)
        rv_putx(b, in->rd, ir_un(b, IR_SEXT32, rv_getf(b, in->rs1)));
    return true;
}

bool rv_e_fmv_w_x(ir_block *b, const rv_insn *in)
{
    rv_putf32(b, in->rd, rv_getx(b, in->rs1));
    return true;
}

bool rv_e_fmv_x_d(ir_block *b, const rv_insn *in)
{
    if (in->rd)
        rv_putx(b, in->rd, rv_getf(b, in->rs1));
    return true;
}

bool rv_e_fmv_d_x(ir_block *b, const rv_insn *in)
{
    rv_putf(b, in->rd, rv_getx(b, in->rs1));
    return true;
}

/* ---- conversions ---- */

bool rv_e_fcvt_x_s(ir_block *b, const rv_insn *in)
{
    int64_t rm = fp_rm(b, in);
    rv_putx(b, in->rd, ir_emit(b, (ir_op)in->op->aux, rv_getf32(b, in->rs1), 0, 0, rm));
    return true;
}

bool rv_e_fcvt_x_d(ir_block *b, const rv_insn *in)
{
    int64_t rm = fp_rm(b, in);
    rv_putx(b, in->rd, ir_emit(b, (ir_op)in->op->aux, rv_getf(b, in->rs1), 0, 0, rm));
    return true;
}

bool rv_e_fcvt_s_x(ir_block *b, const rv_insn *in)
{
    int64_t rm = fp_rm(b, in);
    rv_putf32(b, in->rd, ir_emit(b, (ir_op)in->op->aux, rv_getx(b, in->rs1), 0, 0, rm));
    return true;
}

bool rv_e_fcvt_d_x(ir_block *b, const rv_insn *in)
{
    int64_t rm = fp_rm(b, in);
    rv_putf(b, in->rd, ir_emit(b, (ir_op)in->op->aux, rv_getx(b, in->rs1), 0, 0, rm));
    return true;
}

bool rv_e_fcvt_s_d(ir_block *b, const rv_insn *in)
{
    int64_t rm = fp_rm(b, in);
    rv_putf32(b, in->rd, ir_emit(b, IR_FCVT_F32_F64, rv_getf(b, in->rs1), 0, 0, rm));
    return true;
}

/* Exact, so the op takes no rounding mode; an invalid one still traps. */
bool rv_e_fcvt_d_s(ir_block *b, const rv_insn *in)
{
    fp_rm(b, in);
    rv_putf(b, in->rd, ir_un(b, IR_FCVT_F64_F32, rv_getf32(b, in->rs1)));
    return true;
}
