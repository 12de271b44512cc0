/*
 * rv_decode.c — RV64GC instruction decoding and the block builder.
 *
 *   fetch parcel(s) ─► rv_lookup32/16 (table row) ─► fields (per rv_fmt;
 *   compressed ones straight into their 32-bit expansion) ─► reserved-field
 *   checks ─► INSN marker + the row's emitter ─► ... until a control transfer
 *   or max_insns ─► close the block.
 */
#include "frontend/riscv64/rv_insn.h"

static inline uint32_t bits(uint32_t w, unsigned hi, unsigned lo)
{
    return (w >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* Sign-extends the low n bits of v. */
static inline int64_t sext(uint64_t v, unsigned n)
{
    return (int64_t)(v << (64 - n)) >> (64 - n);
}

/* Fields of a 32-bit instruction. */
static void fields32(rv_insn *in, uint32_t w)
{
    in->rd = (uint8_t)bits(w, 11, 7);
    in->rs1 = (uint8_t)bits(w, 19, 15);
    in->rs2 = (uint8_t)bits(w, 24, 20);
    in->rs3 = (uint8_t)bits(w, 31, 27);
    in->rm = (uint8_t)bits(w, 14, 12);
    in->csr = 0;
    switch ((rv_fmt)in->op->fmt) {
    case RV_FMT_I:
        in->imm = sext(bits(w, 31, 20), 12);
        break;
    case RV_FMT_S:
        in->imm = sext(bits(w, 31, 25) << 5 | bits(w, 11, 7), 12);
        break;
    case RV_FMT_B:
        in->imm = sext(bits(w, 31, 31) << 12 | bits(w, 7, 7) << 11 | bits(w, 30, 25) << 5 |
                           bits(w, 11, 8) << 1,
                       13);
        break;
    case RV_FMT_U:
        in->imm = sext(w & 0xfffff000u, 32);
        break;
    case RV_FMT_J:
        in->imm = sext(bits(w, 31, 31) << 20 | bits(w, 19, 12) << 12 | bits(w, 20, 20) << 11 |
                           bits(w, 30, 21) << 1,
                       21);
        break;
    case RV_FMT_SH:
        in->imm = bits(w, 25, 20);
        break;
    case RV_FMT_CSR:
        in->csr = (uint16_t)bits(w, 31, 20);
        in->imm = in->rs1;
        break;
    default:
        in->imm = 0;
        break;
    }
}

/* Fields of a compressed instruction, as its 32-bit expansion has them. */
static void fields16(rv_insn *in, uint32_t p)
{
    unsigned r_full = bits(p, 11, 7), r2_full = bits(p, 6, 2);
    unsigned r_hi = 8 + bits(p, 9, 7), r_lo = 8 + bits(p, 4, 2);
    int64_t imm6 = sext(bits(p, 12, 12) << 5 | bits(p, 6, 2), 6);
    unsigned uimm6 = bits(p, 12, 12) << 5 | bits(p, 6, 2);
    unsigned off_w = bits(p, 12, 10) << 3 | bits(p, 6, 6) << 2 | bits(p, 5, 5) << 6;
    unsigned off_d = bits(p, 12, 10) << 3 | bits(p, 6, 5) << 6;
    unsigned rd = 0, rs1 = 0, rs2 = 0;
    int64_t imm = 0;
    switch ((rv_fmt)in->op->fmt) {
    case RV_FMT_C_ADDI4SPN:
        rd = r_lo, rs1 = 2;
        imm = bits(p, 12, 11) << 4 | bits(p, 10, 7) << 6 | bits(p, 6, 6) << 2 | bits(p, 5, 5) << 3;
        break;
    case RV_FMT_C_LW:
        rd = r_lo, rs1 = r_hi, imm = off_w;
        break;
    case RV_FMT_C_LD:
        rd = r_lo, rs1 = r_hi, imm = off_d;
        break;
    case RV_FMT_C_SW:
        rs2 = r_lo, rs1 = r_hi, imm = off_w;
        break;
    case RV_FMT_C_SD:
        rs2 = r_lo, rs1 = r_hi, imm = off_d;
        break;
    case RV_FMT_C_CI:
        rd = rs1 = r_full, imm = imm6;
        break;
    case RV_FMT_C_LI:
        rd = r_full, imm = imm6;
        break;
    case RV_FMT_C_LUI:
        rd = r_full, imm = imm6 * 4096;
        break;
    case RV_FMT_C_ADDI16SP:
        rd = rs1 = 2;
        imm = sext(bits(p, 12, 12) << 9 | bits(p, 4, 3) << 7 | bits(p, 5, 5) << 6 |
                       bits(p, 2, 2) << 5 | bits(p, 6, 6) << 4,
                   10);
        break;
    case RV_FMT_C_SLLI:
        rd = rs1 = r_full, imm = uimm6;
        break;
    case RV_FMT_C_LWSP:
        rd = r_full, rs1 = 2;
        imm = bits(p, 12, 12) << 5 | bits(p, 6, 4) << 2 | bits(p, 3, 2) << 6;
        break;
    case RV_FMT_C_LDSP:
        rd = r_full, rs1 = 2;
        imm = bits(p, 12, 12) << 5 | bits(p, 6, 5) << 3 | bits(p, 4, 2) << 6;
        break;
    case RV_FMT_C_SWSP:
        rs2 = r2_full, rs1 = 2;
        imm = bits(p, 12, 9) << 2 | bits(p, 8, 7) << 6;
        break;
    case RV_FMT_C_SDSP:
        rs2 = r2_full, rs1 = 2;
        imm = bits(p, 12, 10) << 3 | bits(p, 9, 7) << 6;
        break;
    case RV_FMT_C_SHIFT:
        rd = rs1 = r_hi, imm = uimm6;
        break;
    case RV_FMT_C_ANDI:
        rd = rs1 = r_hi, imm = imm6;
        break;
    case RV_FMT_C_CA:
        rd = rs1 = r_hi, rs2 = r_lo;
        break;
    case RV_FMT_C_BRANCH:
        rs1 = r_hi;
        imm = sext(bits(p, 12, 12) << 8 | bits(p, 6, 5) << 6 | bits(p, 2, 2) << 5 |
                       bits(p, 11, 10) << 3 | bits(p, 4, 3) << 1,
                   9);
        break;
    case RV_FMT_C_J:
        imm = sext(bits(p, 12, 12) << 11 | bits(p, 8, 8) << 10 | bits(p, 10, 9) << 8 |
                       bits(p, 6, 6) << 7 | bits(p, 7, 7) << 6 | bits(p, 2, 2) << 5 |
                       bits(p, 11, 11) << 4 | bits(p, 5, 3) << 1,
                   12);
        break;
    case RV_FMT_C_JR:
        rs1 = r_full;
        break;
    case RV_FMT_C_JALR:
        rd = 1, rs1 = r_full;
        break;
    case RV_FMT_C_MV:
        rd = r_full, rs2 = r2_full;
        break;
    case RV_FMT_C_ADD:
        rd = rs1 = r_full, rs2 = r2_full;
        break;
    default:
        break;
    }
    in->rd = (uint8_t)rd;
    in->rs1 = (uint8_t)rs1;
    in->rs2 = (uint8_t)rs2;
    in->rs3 = 0;
    in->rm = 0;
    in->csr = 0;
    in->imm = imm;
}

/* True if the decoded instruction uses a reserved encoding of its row. */
static bool reserved(const rv_insn *in)
{
    unsigned f = in->op->flags;
    if ((f & RV_F_NZ_RD) && bits(in->raw, 11, 7) == 0)
        return true;
    if ((f & RV_F_NZ_IMM) && in->imm == 0)
        return true;
    if ((f & RV_F_RM) && (in->rm == 5 || in->rm == 6))
        return true;
    return false;
}

rv_status rv_decode_insn(uint64_t pc, fe_fetch_fn fetch, void *ctx, rv_insn *out)
{
    uint16_t lo, hi;
    if (!fetch(ctx, pc, &lo))
        return RV_NOFETCH;
    out->pc = pc;
    out->op = NULL;
    if ((lo & 3) != 3) {
        out->len = 2;
        out->raw = lo;
        out->op = rv_lookup16(lo);
        if (!out->op)
            return RV_ILLEGAL;
        fields16(out, lo);
    } else {
        if (!fetch(ctx, pc + 2, &hi))
            return RV_NOFETCH;
        out->len = 4;
        out->raw = (uint32_t)hi << 16 | lo;
        /* bits 4:2 = 111 announce 48-bit and longer encodings: none defined */
        if ((lo & 0x1c) == 0x1c)
            return RV_ILLEGAL;
        out->op = rv_lookup32(out->raw);
        if (!out->op)
            return RV_ILLEGAL;
        fields32(out, out->raw);
    }
    return reserved(out) ? RV_ILLEGAL : RV_OK;
}

static void emit_trap(ir_block *b, ir_trap t) { ir_emit(b, IR_TRAP, 0, 0, 0, t); }

/* Builds the block at pc.  Every guest instruction gets an INSN marker;
 * n_guest counts them, end_pc is just past the last one decoded (pc itself
 * when the first cannot be fetched). */
ir_block *rv_decode_block(uint64_t pc, fe_fetch_fn fetch, void *ctx, unsigned max_insns)
{
    ir_insn scratch[256]; /* most blocks fit; longer ones move to the heap */
    ir_block building, *b = &building;
    ir_block_start(b, pc, scratch, sizeof scratch / sizeof scratch[0]);
    uint64_t cur = pc;
    for (unsigned n = 0;; n++) {
        if (n > 0 && n >= max_insns) {
            ir_emit(b, IR_JMP, 0, 0, 0, (int64_t)cur);
            break;
        }
        rv_insn in;
        rv_status st = rv_decode_insn(cur, fetch, ctx, &in);
        if (st == RV_NOFETCH) {
            if (n == 0) {
                ir_emit(b, IR_INSN, 0, 0, 0, (int64_t)cur);
                b->n_guest++;
                emit_trap(b, IR_TRAP_FETCH_FAULT);
            } else {
                ir_emit(b, IR_JMP, 0, 0, 0, (int64_t)cur);
            }
            break;
        }
        ir_emit(b, IR_INSN, 0, 0, 0, (int64_t)cur);
        b->n_guest++;
        cur += in.len;
        if (st == RV_ILLEGAL || !in.op->emit(b, &in)) {
            emit_trap(b, IR_TRAP_ILLEGAL);
            break;
        }
        if (ir_block_is_closed(b))
            break;
    }
    b->end_pc = cur;
    return ir_block_finish(b);
}
