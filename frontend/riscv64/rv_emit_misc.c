/*
 * rv_emit_misc.c — IR for the system instructions (fence, fence.i, ecall,
 * ebreak), Zicsr on the user-level CSRs, the A extension, and the Zba, Zbb
 * and Zbs bit-manipulation extensions.
 */
#include "frontend/riscv64/rv_emit.h"

/* ---- system ---- */

bool rv_e_fence(ir_block *b, const rv_insn *in)
{
    (void)in;
    ir_emit(b, IR_FENCE, 0, 0, 0, 0);
    return true;
}

bool rv_e_fence_i(ir_block *b, const rv_insn *in)
{
    ir_emit(b, IR_FENCEI, 0, 0, 0, (int64_t)(in->pc + in->len));
    return true;
}

bool rv_e_ecall(ir_block *b, const rv_insn *in)
{
    ir_emit(b, IR_SYSCALL, 0, 0, 0, (int64_t)(in->pc + in->len));
    return true;
}

bool rv_e_ebreak(ir_block *b, const rv_insn *in)
{
    (void)in;
    ir_emit(b, IR_TRAP, 0, 0, 0, IR_TRAP_BREAKPOINT);
    return true;
}

/* ---- Zicsr ---- */

enum {
    CSR_FFLAGS = 0x001,
    CSR_FRM = 0x002,
    CSR_FCSR = 0x003,
    CSR_CYCLE = 0xc00,
    CSR_TIME = 0xc01,
    CSR_INSTRET = 0xc02,
};

/* 1 if the CSR is read-only, 0 if writable, -1 if unknown to user mode. */
static int csr_readonly(unsigned csr)
{
    switch (csr) {
    case CSR_FFLAGS: case CSR_FRM: case CSR_FCSR:
        return 0;
    case CSR_CYCLE: case CSR_TIME: case CSR_INSTRET:
        return 1;
    default:
        return -1;
    }
}

static ir_val csr_read(ir_block *b, unsigned csr)
{
    switch (csr) {
    case CSR_FFLAGS:
        return ir_get(b, RV_OFF_FFLAGS);
    case CSR_FRM:
        return ir_get(b, RV_OFF_FRM);
    case CSR_FCSR: {
        ir_val rm = rv_op_imm(b, IR_SHL, ir_get(b, RV_OFF_FRM), 5);
        return ir_bin(b, IR_OR, rm, ir_get(b, RV_OFF_FFLAGS));
    }
    case CSR_CYCLE:
        return ir_emit(b, IR_CLOCK, 0, 0, 0, IR_CLOCK_CYCLE);
    case CSR_TIME:
        return ir_emit(b, IR_CLOCK, 0, 0, 0, IR_CLOCK_TIME);
    default:
        return ir_emit(b, IR_CLOCK, 0, 0, 0, IR_CLOCK_INSTRET);
    }
}

/* Writes one of the writable (FP) CSRs, keeping only its defined bits. */
static void csr_write(ir_block *b, unsigned csr, ir_val v)
{
    if (csr == CSR_FFLAGS || csr == CSR_FCSR)
        ir_put(b, RV_OFF_FFLAGS, rv_op_imm(b, IR_AND, v, 0x1f));
    if (csr == CSR_FRM)
        ir_put(b, RV_OFF_FRM, rv_op_imm(b, IR_AND, v, 7));
    if (csr == CSR_FCSR)
        ir_put(b, RV_OFF_FRM, rv_op_imm(b, IR_AND, rv_op_imm(b, IR_SHR, v, 5), 7));
}

/* csrrw/csrrs/csrrc and their immediate forms.  csrrw with rd = x0 does
 * not read the CSR; csrrs/csrrc with a zero source (x0 or uimm 0) do not
 * write it, so they may read a read-only counter. */
static bool csr_access(ir_block *b, const rv_insn *in, bool imm_form)
{
    int kind = in->op->aux;
    int ro = csr_readonly(in->csr);
    bool writes = kind == RV_CSR_RW || in->rs1 != 0;
    bool reads = kind != RV_CSR_RW || in->rd != 0;
    if (ro < 0 || (ro && writes))
        return false;
    ir_val old = reads ? csr_read(b, in->csr) : IR_NONE;
    if (writes) {
        ir_val src = imm_form ? ir_const(b, in->imm) : rv_getx(b, in->rs1);
        if (kind == RV_CSR_RS)
            src = ir_bin(b, IR_OR, old, src);
        else if (kind == RV_CSR_RC)
            src = ir_bin(b, IR_AND, old, ir_un(b, IR_NOT, src));
        csr_write(b, in->csr, src);
    }
    if (reads)
        rv_putx(b, in->rd, old);
    return true;
}

bool rv_e_csr(ir_block *b, const rv_insn *in) { return csr_access(b, in, false); }
bool rv_e_csri(ir_block *b, const rv_insn *in) { return csr_access(b, in, true); }

/* ---- A: the IR's atomics take the address alone and check alignment ---- */

bool rv_e_lr(ir_block *b, const rv_insn *in)
{
    rv_putx(b, in->rd, ir_un(b, (ir_op)in->op->aux, rv_getx(b, in->rs1)));
    return true;
}

bool rv_e_sc(ir_block *b, const rv_insn *in)
{
    ir_val addr = rv_getx(b, in->rs1);
    rv_putx(b, in->rd, ir_bin(b, (ir_op)in->op->aux, addr, rv_getx(b, in->rs2)));
    return true;
}

static void amo(ir_block *b, const rv_insn *in, ir_op op)
{
    ir_val addr = rv_getx(b, in->rs1);
    ir_val old = ir_emit(b, op, addr, rv_getx(b, in->rs2), 0, in->op->aux);
    rv_putx(b, in->rd, old);
}

bool rv_e_amo32(ir_block *b, const rv_insn *in)
{
    amo(b, in, IR_AMO32);
    return true;
}

bool rv_e_amo64(ir_block *b, const rv_insn *in)
{
    amo(b, in, IR_AMO64);
    return true;
}

/* ---- Zbb ---- */

bool rv_e_op_rnot(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val x = rv_getx(b, in->rs1);
        ir_val y = ir_un(b, IR_NOT, rv_getx(b, in->rs2));
        rv_putx(b, in->rd, ir_bin(b, (ir_op)in->op->aux, x, y));
    }
    return true;
}

bool rv_e_xnor(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val x = rv_getx(b, in->rs1);
        rv_putx(b, in->rd, ir_un(b, IR_NOT, ir_bin(b, IR_XOR, x, rv_getx(b, in->rs2))));
    }
    return true;
}

/* clzw: leading zeros of the low word = clz of it zero-extended, minus 32. */
bool rv_e_clzw(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val z = ir_un(b, IR_ZEXT32, rv_getx(b, in->rs1));
        rv_putx(b, in->rd, rv_op_imm(b, IR_SUB, ir_un(b, IR_CLZ, z), 32));
    }
    return true;
}

/* ctzw: a set bit 32 caps the count at 32 for a zero word. */
bool rv_e_ctzw(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val x = rv_op_imm(b, IR_OR, rv_getx(b, in->rs1), INT64_C(1) << 32);
        rv_putx(b, in->rd, ir_un(b, IR_CTZ, x));
    }
    return true;
}

bool rv_e_cpopw(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val z = ir_un(b, IR_ZEXT32, rv_getx(b, in->rs1));
        rv_putx(b, in->rd, ir_un(b, IR_CPOP, z));
    }
    return true;
}

static void minmax(ir_block *b, const rv_insn *in, bool max)
{
    ir_val x = rv_getx(b, in->rs1);
    ir_val y = rv_getx(b, in->rs2);
    ir_val lt = ir_bin(b, (ir_op)in->op->aux, x, y);
    rv_putx(b, in->rd, ir_emit(b, IR_SELECT, lt, max ? y : x, max ? x : y, 0));
}

bool rv_e_min(ir_block *b, const rv_insn *in)
{
    if (in->rd)
        minmax(b, in, false);
    return true;
}

bool rv_e_max(ir_block *b, const rv_insn *in)
{
    if (in->rd)
        minmax(b, in, true);
    return true;
}

/* ---- Zba ---- */

bool rv_e_shadd(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val x = rv_op_imm(b, IR_SHL, rv_getx(b, in->rs1), in->op->aux);
        rv_putx(b, in->rd, ir_bin(b, IR_ADD, x, rv_getx(b, in->rs2)));
    }
    return true;
}

/* add.uw (aux 0) and shNadd.uw: the low word of rs1, zero-extended. */
bool rv_e_shadd_uw(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val x = ir_un(b, IR_ZEXT32, rv_getx(b, in->rs1));
        if (in->op->aux)
            x = rv_op_imm(b, IR_SHL, x, in->op->aux);
        rv_putx(b, in->rd, ir_bin(b, IR_ADD, x, rv_getx(b, in->rs2)));
    }
    return true;
}

bool rv_e_slli_uw(ir_block *b, const rv_insn *in)
{
    if (in->rd) {
        ir_val x = ir_un(b, IR_ZEXT32, rv_getx(b, in->rs1));
        rv_putx(b, in->rd, rv_op_imm(b, IR_SHL, x, in->imm));
    }
    return true;
}

/* ---- Zbs ---- */

bool rv_e_bit(ir_block *b, const rv_insn *in)
{
    if (!in->rd)
        return true;
    ir_val x = rv_getx(b, in->rs1);
    ir_val n = rv_getx(b, in->rs2);
    ir_val v;
    if (in->op->aux == RV_BIT_EXT) {
        v = rv_op_imm(b, IR_AND, ir_bin(b, IR_SHR, x, n), 1);
    } else {
        ir_val m = ir_bin(b, IR_SHL, ir_const(b, 1), n);
        if (in->op->aux == RV_BIT_CLR)
            v = ir_bin(b, IR_AND, x, ir_un(b, IR_NOT, m));
        else
            v = ir_bin(b, in->op->aux == RV_BIT_SET ? IR_OR : IR_XOR, x, m);
    }
    rv_putx(b, in->rd, v);
    return true;
}

bool rv_e_biti(ir_block *b, const rv_insn *in)
{
    if (!in->rd)
        return true;
    ir_val x = rv_getx(b, in->rs1);
    int64_t m = (int64_t)(UINT64_C(1) << in->imm);
    ir_val v;
    switch (in->op->aux) {
    case RV_BIT_CLR: v = rv_op_imm(b, IR_AND, x, ~m); break;
    case RV_BIT_SET: v = rv_op_imm(b, IR_OR, x, m); break;
    case RV_BIT_INV: v = rv_op_imm(b, IR_XOR, x, m); break;
    default: v = rv_op_imm(b, IR_AND, rv_op_imm(b, IR_SHR, x, in->imm), 1); break;
    }
    rv_putx(b, in->rd, v);
    return true;
}
