/*
 * rv_gen.c — random RV64GC instruction streams (see rv_gen.h).
 *
 *   seed ─► splitmix64 ─► groups, one class at a time (weighted), with
 *   branch targets as "d groups ahead" ─► resolve targets (never into a
 *   loop body from outside it; retarget branches whose offset would not
 *   fit) ─► rv_gen_layout: addresses of the live groups, fixups encoded.
 *
 * Encodings follow the RISC-V unprivileged spec (20191213) and the ratified
 * Zba/Zbb/Zbs; tests/rand/check-decode.sh checks every generated word with
 * binutils' objdump.
 */
#include "tests/rand/rv_gen.h"

#include <stdlib.h>
#include <string.h>

#include "frontend/fe.h"

const char *const rvg_class_names[RVG_NCLASSES] = {
    "alu", "mul", "atomic", "fps", "fpd", "fcsr", "zb", "mem", "branch", "loop", "rvc", "misc",
    "trap",
};

/* ---- random numbers: splitmix64 ---- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rnext(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned below(rng *r, unsigned n) { return n ? (unsigned)(rnext(r) % n) : 0; }
static bool chance(rng *r, unsigned percent) { return below(r, 100) < percent; }
static int range(rng *r, int lo, int hi) { return lo + (int)below(r, (unsigned)(hi - lo + 1)); }

uint64_t rv_gen_mix(uint64_t a, uint64_t b)
{
    rng r = {a ^ (b * 0xd1b54a32d192ed03ull)};
    rnext(&r);
    return rnext(&r);
}

/* ---- encoders (field layout drawn in frontend/riscv64/rv_insn.h) ---- */

enum {
    OPC_LOAD = 0x03, OPC_LOAD_FP = 0x07, OPC_MISC_MEM = 0x0f, OPC_OP_IMM = 0x13,
    OPC_AUIPC = 0x17, OPC_OP_IMM_32 = 0x1b, OPC_STORE = 0x23, OPC_STORE_FP = 0x27,
    OPC_AMO = 0x2f, OPC_OP = 0x33, OPC_LUI = 0x37, OPC_OP_32 = 0x3b, OPC_MADD = 0x43,
    OPC_OP_FP = 0x53, OPC_BRANCH = 0x63, OPC_JALR = 0x67, OPC_JAL = 0x6f, OPC_SYSTEM = 0x73,
};

enum { X_ZERO = 0, X_RA = 1, X_SP = 2, X_S0 = 8, X_S1 = 9, X_A7 = 17 };
enum { CSR_FFLAGS = 1, CSR_FRM = 2, CSR_FCSR = 3 };

static uint32_t enc_r(unsigned opc, unsigned rd, unsigned f3, unsigned rs1, unsigned rs2,
                      unsigned f7)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t enc_i(unsigned opc, unsigned rd, unsigned f3, unsigned rs1, int imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}

static uint32_t enc_s(unsigned opc, unsigned f3, unsigned rs1, unsigned rs2, int imm)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | opc;
}

static uint32_t enc_u(unsigned opc, unsigned rd, uint32_t imm20)
{
    return (imm20 & 0xfffff) << 12 | rd << 7 | opc;
}

static uint32_t enc_r4(unsigned opc, unsigned rd, unsigned rm, unsigned rs1, unsigned rs2,
                       unsigned fmt, unsigned rs3)
{
    return rs3 << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | opc;
}

static uint32_t bit(uint32_t v, unsigned n) { return (v >> n) & 1; }
static uint32_t bitsof(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* Offset fields of the pc-relative forms (the rest of the word is zero). */
static uint32_t imm_b(int off)
{
    uint32_t u = (uint32_t)off;
    return bit(u, 12) << 31 | bitsof(u, 10, 5) << 25 | bitsof(u, 4, 1) << 8 | bit(u, 11) << 7;
}

static uint32_t imm_j(int off)
{
    uint32_t u = (uint32_t)off;
    return bit(u, 20) << 31 | bitsof(u, 10, 1) << 21 | bit(u, 11) << 20 | bitsof(u, 19, 12) << 12;
}

static uint32_t imm_cb(int off)
{
    uint32_t u = (uint32_t)off;
    return bit(u, 8) << 12 | bitsof(u, 4, 3) << 10 | bitsof(u, 7, 6) << 5 | bitsof(u, 2, 1) << 3 |
           bit(u, 5) << 2;
}

static uint32_t imm_cj(int off)
{
    uint32_t u = (uint32_t)off;
    return bit(u, 11) << 12 | bit(u, 4) << 11 | bitsof(u, 9, 8) << 9 | bit(u, 10) << 8 |
           bit(u, 6) << 7 | bit(u, 7) << 6 | bitsof(u, 3, 1) << 3 | bit(u, 5) << 2;
}

/* CI layout: funct3 | imm[5] | rd | imm[4:0] | op. */
static uint32_t c_ci(unsigned f3, unsigned rd, int imm6, unsigned op)
{
    uint32_t u = (uint32_t)imm6;
    return f3 << 13 | bit(u, 5) << 12 | rd << 7 | bitsof(u, 4, 0) << 2 | op;
}

/* c.lw / c.sw (word offsets) and c.ld / c.sd / c.fld / c.fsd (doubleword). */
static uint32_t c_mem_w(unsigned f3, unsigned rs1p, unsigned rp, unsigned off)
{
    return f3 << 13 | bitsof(off, 5, 3) << 10 | (rs1p - 8) << 7 | bit(off, 2) << 6 |
           bit(off, 6) << 5 | (rp - 8) << 2;
}

static uint32_t c_mem_d(unsigned f3, unsigned rs1p, unsigned rp, unsigned off)
{
    return f3 << 13 | bitsof(off, 5, 3) << 10 | (rs1p - 8) << 7 | bitsof(off, 7, 6) << 5 |
           (rp - 8) << 2;
}

/* ---- generator state ---- */

typedef struct pending_fix {
    uint32_t insn;  /* instruction index */
    uint32_t group; /* group holding it */
    uint32_t dist;  /* target = group + dist (forward) */
} pending_fix;

typedef struct gen {
    rng r;
    rv_gen_prog *p;
    unsigned classes;
    bool portable;
    int32_t cur_loop; /* loop whose body is being generated, or -1 */
    int32_t n_loops;
    bool oom;
    pending_fix *fixes;
    size_t n_fixes, cap_fixes;
    uint8_t hot_x[6], hot_f[6]; /* registers most operands come from (dependency chains) */
    bool loop_trap;             /* the next loop gets a last-iteration trap */
} gen;

static bool has(const gen *g, rvg_class c) { return (g->classes >> c) & 1; }
static bool use_rvc(gen *g) { return has(g, RVG_RVC) && chance(&g->r, 35); }

static bool grow(void **a, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t nc = *cap ? *cap * 2 : 64;
    void *q = realloc(*a, nc * size);
    if (!q)
        return false;
    *a = q;
    *cap = nc;
    return true;
}

static void group_begin(gen *g, rvg_class cls)
{
    rv_gen_prog *p = g->p;
    if (!grow((void **)&p->groups, &p->cap_groups, p->n_groups, sizeof *p->groups)) {
        g->oom = true;
        return;
    }
    p->groups[p->n_groups++] = (rvg_group){
        .first = (uint32_t)p->n_insns, .n = 0, .tie = -1, .loop = g->cur_loop, .cls = (uint8_t)cls};
}

static rvg_group *cur_group(gen *g) { return &g->p->groups[g->p->n_groups - 1]; }

static void emit_fix(gen *g, uint32_t enc, rvg_fix fix, uint32_t target)
{
    rv_gen_prog *p = g->p;
    if (g->oom || !p->n_groups ||
        !grow((void **)&p->insns, &p->cap_insns, p->n_insns, sizeof *p->insns)) {
        g->oom = true;
        return;
    }
    p->insns[p->n_insns++] = (rvg_insn){
        .enc = enc, .len = (enc & 3) == 3 ? 4 : 2, .fix = (uint8_t)fix, .target = target};
    cur_group(g)->n++;
}

static void emit(gen *g, uint32_t enc) { emit_fix(g, enc, RVG_FIX_NONE, 0); }

/* A forward fixup whose target is chosen later as "dist groups ahead". */
static void emit_fwd(gen *g, uint32_t enc, rvg_fix fix, uint32_t dist)
{
    emit_fix(g, enc, fix, 0);
    if (g->oom)
        return;
    if (!grow((void **)&g->fixes, &g->cap_fixes, g->n_fixes, sizeof *g->fixes)) {
        g->oom = true;
        return;
    }
    g->fixes[g->n_fixes++] = (pending_fix){(uint32_t)g->p->n_insns - 1,
                                           (uint32_t)g->p->n_groups - 1, dist};
}

/* ---- register choice ---- */

/* Integer registers generated code may write: all but x0, sp, s0, s1. */
static const uint8_t xw_regs[] = {1, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16,
                                  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};

/* Most operands come from a few "hot" registers per stream, so results feed
 * later instructions (long dependency chains, register reuse in the JIT). */
static unsigned xd(gen *g)
{
    if (chance(&g->r, 60))
        return g->hot_x[below(&g->r, sizeof g->hot_x)];
    return xw_regs[below(&g->r, sizeof xw_regs)];
}
/* A destination that is sometimes x0 (the write must be dropped). */
static unsigned xd0(gen *g) { return chance(&g->r, 4) ? X_ZERO : xd(g); }
static unsigned xs(gen *g)
{
    return chance(&g->r, 50) ? g->hot_x[below(&g->r, sizeof g->hot_x)] : below(&g->r, 32);
}
/* Compressed 3-bit registers: x8..x15; writable ones exclude s0 and s1. */
static unsigned xdc(gen *g) { return 10 + below(&g->r, 6); }
static unsigned xsc(gen *g) { return 8 + below(&g->r, 8); }
static unsigned fr(gen *g)
{
    return chance(&g->r, 60) ? g->hot_f[below(&g->r, sizeof g->hot_f)] : below(&g->r, 32);
}
static unsigned frc(gen *g) { return 8 + below(&g->r, 8); }

/* A rounding-mode field: mostly dynamic or RNE, every static mode sometimes. */
static unsigned rm(gen *g)
{
    unsigned k = below(&g->r, 10);
    return k < 4 ? 7 : k < 6 ? 0 : k - 5;
}

/* ---- ALU ---- */

/* Loads an edge-case value into rd with a short sequence. */
static void edge_const(gen *g, unsigned rd, unsigned which)
{
    switch (which % 12) {
    case 0: emit(g, enc_i(OPC_OP_IMM, rd, 0, X_ZERO, 0)); break;
    case 1: emit(g, enc_i(OPC_OP_IMM, rd, 0, X_ZERO, -1)); break;
    case 2: emit(g, enc_i(OPC_OP_IMM, rd, 0, X_ZERO, 1)); break;
    case 3: emit(g, enc_u(OPC_LUI, rd, 0x80000)); break; /* INT32_MIN, sign-extended */
    case 4: /* INT32_MAX */
        emit(g, enc_u(OPC_LUI, rd, 0x80000));
        emit(g, enc_i(OPC_OP_IMM, rd, 4, rd, -1));
        break;
    case 5: /* INT64_MIN */
        emit(g, enc_i(OPC_OP_IMM, rd, 0, X_ZERO, 1));
        emit(g, enc_i(OPC_OP_IMM, rd, 1, rd, 63));
        break;
    case 6: /* INT64_MAX */
        emit(g, enc_i(OPC_OP_IMM, rd, 0, X_ZERO, -1));
        emit(g, enc_i(OPC_OP_IMM, rd, 5, rd, 1));
        break;
    case 7: /* 1 << 31 */
        emit(g, enc_i(OPC_OP_IMM, rd, 0, X_ZERO, 1));
        emit(g, enc_i(OPC_OP_IMM, rd, 1, rd, 31));
        break;
    case 8: /* 0xffffffff */
        emit(g, enc_i(OPC_OP_IMM, rd, 0, X_ZERO, -1));
        emit(g, enc_i(OPC_OP_IMM, rd, 5, rd, 32));
        break;
    case 9: /* 1 << 32 */
        emit(g, enc_i(OPC_OP_IMM, rd, 0, X_ZERO, 1));
        emit(g, enc_i(OPC_OP_IMM, rd, 1, rd, 32));
        break;
    case 10: emit(g, enc_i(OPC_OP_IMM, rd, 0, X_ZERO, 2047)); break;
    default: emit(g, enc_i(OPC_OP_IMM, rd, 0, X_ZERO, -2048)); break;
    }
}

/* One compressed integer ALU instruction. */
static void gen_alu_c(gen *g)
{
    unsigned rd = xd(g), rdc = xdc(g);
    int imm6 = range(&g->r, -32, 31);
    int nz6 = imm6 ? imm6 : 1;
    unsigned sh = (unsigned)range(&g->r, 1, 63);
    switch (below(&g->r, 14)) {
    case 0: emit(g, c_ci(0, rd, nz6, 1)); break;                       /* c.addi */
    case 1: emit(g, c_ci(1, rd, imm6, 1)); break;                      /* c.addiw */
    case 2: emit(g, c_ci(2, rd, imm6, 1)); break;                      /* c.li */
    case 3: emit(g, c_ci(3, rd, nz6, 1)); break;                       /* c.lui */
    case 4: emit(g, c_ci(4, 0, (int)sh, 1) | (rdc - 8) << 7); break;   /* c.srli */
    case 5: emit(g, c_ci(4, 0, (int)sh, 1) | 1u << 10 | (rdc - 8) << 7); break; /* c.srai */
    case 6: emit(g, c_ci(4, 0, imm6, 1) | 2u << 10 | (rdc - 8) << 7); break;    /* c.andi */
    case 7: /* c.sub c.xor c.or c.and */
        emit(g, 0x8c01u | (rdc - 8) << 7 | below(&g->r, 4) << 5 | (xsc(g) - 8) << 2);
        break;
    case 8: /* c.subw c.addw */
        emit(g, 0x9c01u | (rdc - 8) << 7 | below(&g->r, 2) << 5 | (xsc(g) - 8) << 2);
        break;
    case 9: emit(g, c_ci(0, rd, (int)sh, 2)); break; /* c.slli */
    case 10: { /* c.mv */
        unsigned rs = xs(g);
        emit(g, 0x8002u | rd << 7 | (rs ? rs : 1) << 2);
        break;
    }
    case 11: { /* c.add */
        unsigned rs = xs(g);
        emit(g, 0x9002u | rd << 7 | (rs ? rs : 1) << 2);
        break;
    }
    case 12: { /* c.addi4spn: rd' = sp + nzuimm */
        unsigned u = 4 * (unsigned)range(&g->r, 1, 255);
        emit(g, bitsof(u, 5, 4) << 11 | bitsof(u, 9, 6) << 7 | bit(u, 2) << 6 | bit(u, 3) << 5 |
                    (rdc - 8) << 2);
        break;
    }
    default: emit(g, 0x0001u); break; /* c.nop */
    }
}

static void gen_alu(gen *g)
{
    group_begin(g, RVG_ALU);
    if (use_rvc(g)) {
        gen_alu_c(g);
        return;
    }
    unsigned rd = xd0(g), rs1 = xs(g), rs2 = xs(g);
    int imm = chance(&g->r, 30) ? range(&g->r, -4, 4) : range(&g->r, -2048, 2047);
    switch (below(&g->r, 8)) {
    case 0: { /* RV64I reg-reg: add sub sll slt sltu xor srl sra or and */
        static const uint8_t f3[] = {0, 0, 1, 2, 3, 4, 5, 5, 6, 7};
        static const uint8_t f7[] = {0, 0x20, 0, 0, 0, 0, 0, 0x20, 0, 0};
        unsigned k = below(&g->r, 10);
        emit(g, enc_r(OPC_OP, rd, f3[k], rs1, rs2, f7[k]));
        break;
    }
    case 1: { /* W reg-reg: addw subw sllw srlw sraw */
        static const uint8_t f3[] = {0, 0, 1, 5, 5};
        static const uint8_t f7[] = {0, 0x20, 0, 0, 0x20};
        unsigned k = below(&g->r, 5);
        emit(g, enc_r(OPC_OP_32, rd, f3[k], rs1, rs2, f7[k]));
        break;
    }
    case 2: { /* addi slti sltiu xori ori andi addiw */
        static const uint8_t f3[] = {0, 2, 3, 4, 6, 7};
        unsigned k = below(&g->r, 7);
        if (k == 6)
            emit(g, enc_i(OPC_OP_IMM_32, rd, 0, rs1, imm));
        else
            emit(g, enc_i(OPC_OP_IMM, rd, f3[k], rs1, imm));
        break;
    }
    case 3: { /* slli srli srai (6-bit), slliw srliw sraiw (5-bit) */
        unsigned k = below(&g->r, 6);
        unsigned sh = k < 3 ? below(&g->r, 64) : below(&g->r, 32);
        unsigned f3 = k % 3 == 0 ? 1 : 5;
        unsigned hi = k % 3 == 2 ? 0x400u : 0;
        emit(g, enc_i(k < 3 ? OPC_OP_IMM : OPC_OP_IMM_32, rd, f3, rs1, (int)(hi | sh)));
        break;
    }
    case 4: emit(g, enc_u(below(&g->r, 2) ? OPC_LUI : OPC_AUIPC, rd, (uint32_t)rnext(&g->r))); break;
    case 5: edge_const(g, xd(g), below(&g->r, 12)); break;
    default: { /* two dependent ops: rd = rs1 op rs2; rd2 = rd op imm */
        emit(g, enc_r(OPC_OP, rd, 0, rs1, rs2, below(&g->r, 2) ? 0x20 : 0));
        emit(g, enc_i(OPC_OP_IMM_32, xd(g), 0, rd, imm));
        break;
    }
    }
}

/* ---- M ---- */

static void gen_mul(gen *g)
{
    group_begin(g, RVG_MUL);
    unsigned rd = xd0(g), rs1 = xs(g), rs2 = xs(g);
    /* Edge-case operands: divisor 0 or -1, dividend INT64_MIN or INT32_MIN. */
    if (chance(&g->r, 40)) {
        rs2 = xd(g);
        edge_const(g, rs2, below(&g->r, 3) ? below(&g->r, 2) : below(&g->r, 12));
    }
    if (chance(&g->r, 30)) {
        rs1 = xd(g);
        edge_const(g, rs1, below(&g->r, 2) ? 5 : 3 + below(&g->r, 9));
    }
    unsigned k = below(&g->r, 13);
    if (k < 8)
        emit(g, enc_r(OPC_OP, rd, k, rs1, rs2, 1)); /* mul mulh mulhsu mulhu div divu rem remu */
    else
        emit(g, enc_r(OPC_OP_32, rd, k == 8 ? 0 : k - 5, rs1, rs2, 1)); /* mulw divw divuw remw remuw */
}

/* ---- A ---- */

/* A sandbox offset for an access of size bytes; half of them fall in the
 * first 128 bytes, so loads often read what earlier stores wrote. */
static int sandbox_off(gen *g, unsigned size, bool aligned)
{
    int off = (int)below(&g->r, chance(&g->r, 50) ? 128u : (unsigned)RVG_SANDBOX_SIZE - 8);
    return aligned ? off & ~(int)(size - 1) : off;
}

static uint32_t enc_amo(unsigned f5, bool dword, unsigned rd, unsigned rs1, unsigned rs2,
                        unsigned aqrl)
{
    return enc_r(OPC_AMO, rd, dword ? 3 : 2, rs1, rs2, f5 << 2 | aqrl);
}

static void gen_atomic(gen *g)
{
    group_begin(g, RVG_ATOMIC);
    bool dword = below(&g->r, 2);
    unsigned size = dword ? 8 : 4;
    unsigned rt = xd(g);
    int off = sandbox_off(g, size, true);
    emit(g, enc_i(OPC_OP_IMM, rt, 0, X_S0, off)); /* addi rt, s0, off */
    unsigned kind = below(&g->r, 10);
    if (kind < 6) { /* AMO */
        static const uint8_t f5[] = {0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c};
        emit(g, enc_amo(f5[below(&g->r, 9)], dword, xd0(g), rt, xs(g), below(&g->r, 4)));
        return;
    }
    if (kind == 9) { /* SC with no LR before it in this group */
        emit(g, enc_amo(0x03, dword, xd0(g), rt, xs(g), below(&g->r, 4)));
        return;
    }
    unsigned rd1 = xd(g);
    while (rd1 == rt)
        rd1 = xd(g);
    emit(g, enc_amo(0x02, dword, rd1, rt, 0, below(&g->r, 4))); /* lr */
    unsigned mid = below(&g->r, 4);
    if (mid == 1) { /* an unrelated ALU op that leaves rt alone */
        unsigned rd = xd(g);
        while (rd == rt)
            rd = xd(g);
        emit(g, enc_r(OPC_OP, rd, 0, xs(g), rd1, 0));
    } else if (mid == 2) { /* a store to another doubleword of the sandbox */
        int o2 = sandbox_off(g, 8, true);
        if (abs(o2 - (off & ~7)) < 8)
            o2 = (o2 + 64) % (int)(RVG_SANDBOX_SIZE - 8);
        emit(g, enc_s(OPC_STORE, 3, X_S0, xs(g), o2));
    } else if (mid == 3) { /* sc to a different address or of the other width */
        if (below(&g->r, 2)) {
            unsigned rt2 = xd(g);
            while (rt2 == rt || rt2 == rd1)
                rt2 = xd(g);
            emit(g, enc_i(OPC_OP_IMM, rt2, 0, X_S0, sandbox_off(g, 8, true)));
            rt = rt2;
        } else if (!(off & 7) && !g->portable) {
            dword = !dword;
        }
    }
    emit(g, enc_amo(0x03, dword, xd0(g), rt, xs(g), below(&g->r, 4))); /* sc */
}

/* ---- F and D ---- */

/* Loads a special FP bit pattern into f register fd through an x register. */
static void fp_const(gen *g, unsigned fd, bool dbl)
{
    static const uint32_t s_pat[] = {
        0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 0xffc00001, 0x80000000, 0x00000000,
        0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x3f800000, 0x4f000000, 0xcf000000,
        0x5f000000, 0xdf000000, 0x4f800000, 0x3f000000, 0x3fc00000, 0x40200000, 0xc0200000,
        0xbf000000, 0x5f800000, 0x4effffff,
    };
    /* Doubles given by their high 32 bits (low half zero). */
    static const uint32_t d_hi[] = {
        0x7ff00000, 0xfff00000, 0x7ff80000, 0x7ff40000, 0x80000000, 0x00000000, 0x00000001,
        0x00100000, 0x3ff00000, 0x43e00000, 0xc3e00000, 0x43f00000, 0x41e00000, 0xc1e00000,
        0x41f00000, 0x3fe00000, 0x3ff80000, 0x40040000, 0xc0040000, 0xbfe00000, 0x36a00000,
        0x47e00000, 0x38100000, 0xc7efffff,
    };
    unsigned rt = xd(g);
    if (!dbl) {
        uint32_t v = s_pat[below(&g->r, sizeof s_pat / 4)];
        uint32_t lo = v & 0xfff, hi = (v >> 12) + (lo >> 11);
        emit(g, enc_u(OPC_LUI, rt, hi));
        emit(g, enc_i(OPC_OP_IMM_32, rt, 0, rt, (int)(lo << 20) >> 20)); /* addiw */
        emit(g, enc_r(OPC_OP_FP, fd, 0, rt, 0, 0x78));                  /* fmv.w.x */
        return;
    }
    uint32_t hi = d_hi[below(&g->r, sizeof d_hi / 4)];
    if (hi == 0x00000001) {
        emit(g, enc_i(OPC_OP_IMM, rt, 0, X_ZERO, 1));
    } else {
        uint32_t top = (hi >> 12) + ((hi & 0xfff) >> 11);
        emit(g, enc_u(OPC_LUI, rt, top));
        if (hi & 0xfff)
            emit(g, enc_i(OPC_OP_IMM_32, rt, 0, rt, (int)((hi & 0xfff) << 20) >> 20));
    }
    emit(g, enc_i(OPC_OP_IMM, rt, 1, rt, 32));        /* slli rt, rt, 32 */
    if (chance(&g->r, 25))                            /* the largest finite below, etc. */
        emit(g, enc_i(OPC_OP_IMM, rt, 0, rt, -1));
    emit(g, enc_r(OPC_OP_FP, fd, 0, rt, 0, 0x79)); /* fmv.d.x */
}

/* One F (fmt 0) or D (fmt 1) operation with random operands. */
static void fp_op(gen *g, unsigned fmt, unsigned rmv)
{
    unsigned fd = fr(g), f1 = fr(g), f2 = fr(g), f3 = fr(g);
    switch (below(&g->r, 17)) {
    case 0: case 1: case 2: /* fadd fsub fmul fdiv */
        emit(g, enc_r(OPC_OP_FP, fd, rmv, f1, f2, (below(&g->r, 4) << 2) | fmt));
        break;
    case 3: emit(g, enc_r(OPC_OP_FP, fd, rmv, f1, 0, 0x2c | fmt)); break; /* fsqrt */
    case 4: case 5: /* fmadd fmsub fnmsub fnmadd */
        emit(g, enc_r4(OPC_MADD + 4 * below(&g->r, 4), fd, rmv, f1, f2, fmt, f3));
        break;
    case 6: emit(g, enc_r(OPC_OP_FP, fd, below(&g->r, 3), f1, f2, 0x10 | fmt)); break; /* fsgnj* */
    case 7: emit(g, enc_r(OPC_OP_FP, fd, below(&g->r, 2), f1, f2, 0x14 | fmt)); break; /* fmin fmax */
    case 8: /* fle flt feq */
        emit(g, enc_r(OPC_OP_FP, xd0(g), below(&g->r, 3), f1, f2, 0x50 | fmt));
        break;
    case 9: emit(g, enc_r(OPC_OP_FP, xd0(g), 1, f1, 0, 0x70 | fmt)); break; /* fclass */
    case 10: case 11: /* fcvt.{w,wu,l,lu}.{s,d} */
        emit(g, enc_r(OPC_OP_FP, xd0(g), rmv, f1, below(&g->r, 4), 0x60 | fmt));
        break;
    case 12: case 13: /* fcvt.{s,d}.{w,wu,l,lu} */
        emit(g, enc_r(OPC_OP_FP, fd, rmv, xs(g), below(&g->r, 4), 0x68 | fmt));
        break;
    case 14: emit(g, enc_r(OPC_OP_FP, xd0(g), 0, f1, 0, 0x70 | fmt)); break; /* fmv.x.{w,d} */
    case 15: emit(g, enc_r(OPC_OP_FP, fd, 0, xs(g), 0, 0x78 | fmt)); break;  /* fmv.{w,d}.x */
    default: /* fcvt.s.d / fcvt.d.s */
        if (fmt)
            emit(g, enc_r(OPC_OP_FP, fd, rmv, f1, 0, 0x21)); /* fcvt.d.s */
        else
            emit(g, enc_r(OPC_OP_FP, fd, rmv, f1, 1, 0x20)); /* fcvt.s.d */
        break;
    }
}

static void gen_fp(gen *g, bool dbl)
{
    group_begin(g, dbl ? RVG_FP_D : RVG_FP_S);
    if (chance(&g->r, 12))
        fp_const(g, fr(g), dbl);
    else
        fp_op(g, dbl, rm(g));
}

/* ---- Zicsr on the FP CSRs; frm always stays in 0..4 ---- */

static uint32_t enc_csr(unsigned f3, unsigned rd, unsigned csr, unsigned rs1_or_uimm)
{
    return csr << 20 | rs1_or_uimm << 15 | f3 << 12 | rd << 7 | OPC_SYSTEM;
}

static void gen_fcsr(gen *g)
{
    group_begin(g, RVG_FCSR);
    unsigned rd = xd0(g), rt = xd(g);
    unsigned csr = 1 + below(&g->r, 3);
    switch (below(&g->r, 8)) {
    case 0: /* plain reads: csrrs rd, csr, x0 / csrrsi / csrrci with 0 */
        emit(g, enc_csr(below(&g->r, 2) ? 2 : 6 + below(&g->r, 2), rd, csr, 0));
        break;
    case 1: /* fflags: anything goes (only 5 bits are kept) */
        if (below(&g->r, 2))
            emit(g, enc_csr(1 + below(&g->r, 3), rd, CSR_FFLAGS, xs(g)));
        else
            emit(g, enc_csr(5 + below(&g->r, 3), rd, CSR_FFLAGS, below(&g->r, 32)));
        break;
    case 2: /* frm: write a valid mode, by immediate or from a register */
        if (below(&g->r, 2)) {
            emit(g, enc_csr(5, rd, CSR_FRM, below(&g->r, 5)));
        } else {
            emit(g, enc_i(OPC_OP_IMM, rt, 0, X_ZERO, range(&g->r, 0, 4)));
            emit(g, enc_csr(1, rd, CSR_FRM, rt));
        }
        break;
    case 3: /* frm: clear bits (stays valid), then set low bits of a mode <= 3 */
        emit(g, enc_csr(7, xd0(g), CSR_FRM, 4));
        emit(g, enc_csr(6, rd, CSR_FRM, below(&g->r, 4)));
        break;
    case 4: /* clearing is always safe, on any of the three */
        if (below(&g->r, 2))
            emit(g, enc_csr(3, rd, csr, xs(g)));
        else
            emit(g, enc_csr(7, rd, csr, below(&g->r, 32)));
        break;
    case 5: { /* fcsr write from a register masked to a valid frm (0..3 or 0/4) */
        static const int masks[] = {0x7f, 0x9f, 0x1f, 0xff & ~0x60, 0x3f};
        emit(g, enc_i(OPC_OP_IMM, rt, 7, xs(g), masks[below(&g->r, 5)]));
        emit(g, enc_csr(1, rd, CSR_FCSR, rt));
        break;
    }
    case 6: /* GCC's quiet compare: frflags rt; fle/flt/feq; fsflags rt, at
             * times with another FP op inside (its flags go too) */
        emit(g, enc_csr(2, rt, CSR_FFLAGS, 0));
        emit(g, enc_r(OPC_OP_FP, rd, below(&g->r, 3), fr(g), fr(g), 0x50 | below(&g->r, 2)));
        if (chance(&g->r, 25))
            fp_op(g, below(&g->r, 2), rm(g));
        emit(g, enc_csr(1, X_ZERO, CSR_FFLAGS, rt));
        break;
    default: /* fcsr: set flag bits only */
        if (below(&g->r, 2)) {
            emit(g, enc_i(OPC_OP_IMM, rt, 7, xs(g), 0x1f));
            emit(g, enc_csr(2, rd, CSR_FCSR, rt));
        } else {
            emit(g, enc_csr(6, rd, below(&g->r, 2) ? CSR_FCSR : CSR_FFLAGS, below(&g->r, 32)));
        }
        break;
    }
}

/* ---- Zba, Zbb, Zbs ---- */

static void gen_zb(gen *g)
{
    group_begin(g, RVG_ZB);
    unsigned rd = xd0(g), rs1 = xs(g), rs2 = xs(g);
    unsigned sh6 = below(&g->r, 64), sh5 = below(&g->r, 32);
    /* reg-reg rows: opcode, funct3, funct7 */
    static const struct { uint8_t opc, f3, f7; } rr[] = {
        {OPC_OP_32, 0, 0x04}, /* add.uw */
        {OPC_OP, 2, 0x10}, {OPC_OP, 4, 0x10}, {OPC_OP, 6, 0x10},          /* shNadd */
        {OPC_OP_32, 2, 0x10}, {OPC_OP_32, 4, 0x10}, {OPC_OP_32, 6, 0x10}, /* shNadd.uw */
        {OPC_OP, 7, 0x20}, {OPC_OP, 6, 0x20}, {OPC_OP, 4, 0x20},          /* andn orn xnor */
        {OPC_OP, 6, 0x05}, {OPC_OP, 7, 0x05}, {OPC_OP, 4, 0x05}, {OPC_OP, 5, 0x05}, /* max.. */
        {OPC_OP, 1, 0x30}, {OPC_OP, 5, 0x30}, {OPC_OP_32, 1, 0x30}, {OPC_OP_32, 5, 0x30}, /* rot */
        {OPC_OP, 1, 0x24}, {OPC_OP, 1, 0x14}, {OPC_OP, 1, 0x34}, {OPC_OP, 5, 0x24}, /* Zbs */
    };
    /* unary rows: opcode, funct3, imm[11:0] */
    static const struct { uint8_t opc, f3; uint16_t imm; } un[] = {
        {OPC_OP_IMM, 1, 0x600}, {OPC_OP_IMM, 1, 0x601}, {OPC_OP_IMM, 1, 0x602},          /* clz ctz cpop */
        {OPC_OP_IMM_32, 1, 0x600}, {OPC_OP_IMM_32, 1, 0x601}, {OPC_OP_IMM_32, 1, 0x602}, /* ..w */
        {OPC_OP_IMM, 1, 0x604}, {OPC_OP_IMM, 1, 0x605}, /* sext.b sext.h */
        {OPC_OP_IMM, 5, 0x287}, {OPC_OP_IMM, 5, 0x6b8}, /* orc.b rev8 */
    };
    /* shift-immediate rows: opcode, funct3, imm[11:6] (6-bit shamt) */
    static const struct { uint8_t opc, f3, f6; } si[] = {
        {OPC_OP_IMM_32, 1, 0x02}, /* slli.uw */
        {OPC_OP_IMM, 5, 0x18},    /* rori */
        {OPC_OP_IMM, 1, 0x12}, {OPC_OP_IMM, 1, 0x0a}, {OPC_OP_IMM, 1, 0x1a}, {OPC_OP_IMM, 5, 0x12},
    };
    unsigned k = below(&g->r, 10);
    if (k < 5) {
        unsigned i = below(&g->r, sizeof rr / sizeof rr[0]);
        emit(g, enc_r(rr[i].opc, rd, rr[i].f3, rs1, rs2, rr[i].f7));
    } else if (k < 7) {
        unsigned i = below(&g->r, sizeof un / sizeof un[0]);
        emit(g, enc_i(un[i].opc, rd, un[i].f3, rs1, un[i].imm));
    } else if (k < 9) {
        unsigned i = below(&g->r, sizeof si / sizeof si[0]);
        emit(g, enc_i(si[i].opc, rd, si[i].f3, rs1, (int)(si[i].f6 << 6 | sh6)));
    } else if (below(&g->r, 2)) {
        emit(g, enc_i(OPC_OP_IMM_32, rd, 5, rs1, (int)(0x600 | sh5))); /* roriw */
    } else {
        emit(g, enc_r(OPC_OP_32, rd, 4, rs1, 0, 0x04)); /* zext.h */
    }
}

/* ---- loads and stores ---- */

static void gen_mem_c(gen *g)
{
    unsigned k = below(&g->r, 8);
    unsigned ow = 4 * below(&g->r, 32), od = 8 * below(&g->r, 32);
    switch (k) {
    case 0: emit(g, c_mem_w(2, X_S0, xdc(g), ow)); break; /* c.lw */
    case 1: emit(g, c_mem_d(3, X_S0, xdc(g), od)); break; /* c.ld */
    case 2: emit(g, c_mem_w(6, X_S0, xsc(g), ow)); break; /* c.sw */
    case 3: emit(g, c_mem_d(7, X_S0, xsc(g), od)); break; /* c.sd */
    case 4: emit(g, c_mem_d(1, X_S0, frc(g), od)); break; /* c.fld */
    case 5: emit(g, c_mem_d(5, X_S0, frc(g), od)); break; /* c.fsd */
    default: { /* through a computed base register */
        unsigned rb = xdc(g);
        emit(g, enc_i(OPC_OP_IMM, rb, 0, X_S0, sandbox_off(g, 8, true) & 0x3ff));
        emit(g, k == 6 ? c_mem_w(2, rb, xdc(g), ow) : c_mem_d(7, rb, xsc(g), od));
        break;
    }
    }
}

/* c.addi16sp sp, d; one or two sp-relative accesses; c.addi16sp sp, -d. */
static void gen_mem_sp(gen *g)
{
    int d = 16 * range(&g->r, -31, 31);
    if (!d)
        d = 16;
    uint32_t u = (uint32_t)d;
    uint32_t a16 = 0x6101u | bit(u, 9) << 12 | bit(u, 4) << 6 | bit(u, 6) << 5 |
                   bitsof(u, 8, 7) << 3 | bit(u, 5) << 2;
    emit(g, a16);
    for (int n = range(&g->r, 1, 2); n > 0; n--) {
        unsigned ow = 4 * below(&g->r, 64), od = 8 * below(&g->r, 64);
        switch (below(&g->r, 7)) {
        case 0: /* c.lwsp */
            emit(g, 0x4002u | bit(ow, 5) << 12 | xd(g) << 7 | bitsof(ow, 4, 2) << 4 |
                        bitsof(ow, 7, 6) << 2);
            break;
        case 1: /* c.ldsp */
            emit(g, 0x6002u | bit(od, 5) << 12 | xd(g) << 7 | bitsof(od, 4, 3) << 5 |
                        bitsof(od, 8, 6) << 2);
            break;
        case 2: /* c.fldsp */
            emit(g, 0x2002u | bit(od, 5) << 12 | fr(g) << 7 | bitsof(od, 4, 3) << 5 |
                        bitsof(od, 8, 6) << 2);
            break;
        case 3: /* c.swsp */
            emit(g, 0xc002u | bitsof(ow, 5, 2) << 9 | bitsof(ow, 7, 6) << 7 | xs(g) << 2);
            break;
        case 4: /* c.sdsp */
            emit(g, 0xe002u | bitsof(od, 5, 3) << 10 | bitsof(od, 8, 6) << 7 | xs(g) << 2);
            break;
        case 5: /* c.fsdsp */
            emit(g, 0xa002u | bitsof(od, 5, 3) << 10 | bitsof(od, 8, 6) << 7 | fr(g) << 2);
            break;
        default: /* a 32-bit access through sp */
            emit(g, enc_i(OPC_LOAD, xd(g), below(&g->r, 7), X_SP, range(&g->r, -400, 400)));
            break;
        }
    }
    u = (uint32_t)-d;
    emit(g, 0x6101u | bit(u, 9) << 12 | bit(u, 4) << 6 | bit(u, 6) << 5 | bitsof(u, 8, 7) << 3 |
                bit(u, 5) << 2);
}

static void gen_mem(gen *g)
{
    group_begin(g, RVG_MEM);
    if (has(g, RVG_RVC) && chance(&g->r, 30)) {
        if (chance(&g->r, 30))
            gen_mem_sp(g);
        else
            gen_mem_c(g);
        return;
    }
    /* width: 0 b, 1 h, 2 w, 3 d; FP: 2 flw/fsw, 3 fld/fsd */
    unsigned w = below(&g->r, 4);
    bool fp = chance(&g->r, 25);
    if (fp)
        w = 2 + below(&g->r, 2);
    bool store = below(&g->r, 2);
    int off = sandbox_off(g, 1u << w, chance(&g->r, 85));
    unsigned base = X_S0;
    if (chance(&g->r, 25)) { /* computed base, negative or positive displacement */
        base = xd(g);
        int disp = range(&g->r, -256, 256);
        if (off - disp < 0 || off - disp > (int)RVG_SANDBOX_SIZE - 8)
            disp = 0;
        emit(g, enc_i(OPC_OP_IMM, base, 0, X_S0, off - disp));
        off = disp;
    }
    if (fp && store)
        emit(g, enc_s(OPC_STORE_FP, w, base, fr(g), off));
    else if (fp)
        emit(g, enc_i(OPC_LOAD_FP, fr(g), w, base, off));
    else if (store)
        emit(g, enc_s(OPC_STORE, w, base, xs(g), off));
    else /* lb lh lw ld, lbu lhu lwu */
        emit(g, enc_i(OPC_LOAD, xd0(g), w < 3 && below(&g->r, 2) ? w + 4 : w, base, off));
}

/* ---- branches and jumps (targets resolved after generation) ---- */

static uint32_t branch_dist(gen *g) { return chance(&g->r, 85) ? 1 + below(&g->r, 8) : 1 + below(&g->r, 40); }

static void gen_branch(gen *g)
{
    group_begin(g, RVG_BRANCH);
    uint32_t dist = branch_dist(g);
    bool c = use_rvc(g);
    switch (below(&g->r, 8)) {
    case 0: case 1: case 2: { /* beq bne blt bge bltu bgeu */
        static const uint8_t f3[] = {0, 1, 4, 5, 6, 7};
        if (c) {
            emit_fwd(g, (below(&g->r, 2) ? 0xe001u : 0xc001u) | (xsc(g) - 8) << 7, RVG_FIX_CB,
                     dist);
            break;
        }
        unsigned rs1 = xs(g), rs2 = chance(&g->r, 10) ? rs1 : xs(g);
        emit_fwd(g, enc_r(OPC_BRANCH, 0, f3[below(&g->r, 6)], rs1, rs2, 0), RVG_FIX_B, dist);
        break;
    }
    case 3: case 4: /* jal rd / c.j */
        if (c)
            emit_fwd(g, 0xa001u, RVG_FIX_CJ, dist);
        else
            emit_fwd(g, (below(&g->r, 2) ? X_RA : xd0(g)) << 7 | OPC_JAL, RVG_FIX_J, dist);
        break;
    case 5: case 6: { /* auipc rt, 0; jalr rd, off(rt) */
        unsigned rt = xd(g);
        emit(g, enc_u(OPC_AUIPC, rt, 0));
        emit_fwd(g, enc_i(OPC_JALR, xd0(g), 0, rt, 0), below(&g->r, 4) ? RVG_FIX_JALR : RVG_FIX_JALR1,
                 dist);
        break;
    }
    default: { /* auipc rt, 0; addi rt, rt, off; c.jr rt / c.jalr rt / jalr rd, 0(rt) */
        unsigned rt = xd(g);
        emit(g, enc_u(OPC_AUIPC, rt, 0));
        emit_fwd(g, enc_i(OPC_OP_IMM, rt, 0, rt, 0), RVG_FIX_ADDI, dist);
        if (has(g, RVG_RVC))
            emit(g, (below(&g->r, 2) ? 0x8002u : 0x9002u) | rt << 7);
        else
            emit(g, enc_i(OPC_JALR, xd0(g), 0, rt, 0));
        break;
    }
    }
}

/* ---- misc ---- */

static void gen_misc(gen *g)
{
    group_begin(g, RVG_MISC);
    switch (below(&g->r, 5)) {
    case 0: emit(g, enc_i(OPC_MISC_MEM, 0, 0, 0, (int)(1 + below(&g->r, 255)))); break; /* fence */
    case 1: emit(g, 0x8330000fu); break;                                               /* fence.tso */
    case 2: emit(g, enc_i(OPC_MISC_MEM, 0, 1, 0, 0)); break;                           /* fence.i */
    case 3: emit(g, enc_i(OPC_OP_IMM, 0, 0, 0, 0)); break;                             /* nop */
    default: emit(g, has(g, RVG_RVC) ? 0x0001u : enc_i(OPC_OP_IMM, 0, 0, 0, 0)); break;
    }
}

/* ---- the stream ---- */

typedef struct weight {
    rvg_class cls;
    unsigned w;
} weight;

static const weight weights[] = {
    {RVG_ALU, 20}, {RVG_MUL, 8}, {RVG_ATOMIC, 5}, {RVG_FP_S, 10}, {RVG_FP_D, 10},
    {RVG_FCSR, 4}, {RVG_ZB, 8},  {RVG_MEM, 14},   {RVG_BRANCH, 8}, {RVG_LOOP, 2},
    {RVG_MISC, 1},
};

static rvg_class pick_class(gen *g, bool in_loop)
{
    unsigned total = 0;
    for (size_t i = 0; i < sizeof weights / sizeof weights[0]; i++)
        if (has(g, weights[i].cls) && !(in_loop && weights[i].cls == RVG_LOOP))
            total += weights[i].w;
    if (!total)
        return RVG_MISC;
    unsigned x = below(&g->r, total);
    for (size_t i = 0; i < sizeof weights / sizeof weights[0]; i++) {
        if (!has(g, weights[i].cls) || (in_loop && weights[i].cls == RVG_LOOP))
            continue;
        if (x < weights[i].w)
            return weights[i].cls;
        x -= weights[i].w;
    }
    return RVG_MISC;
}

static void gen_one(gen *g, rvg_class c)
{
    switch (c) {
    case RVG_ALU: gen_alu(g); break;
    case RVG_MUL: gen_mul(g); break;
    case RVG_ATOMIC: gen_atomic(g); break;
    case RVG_FP_S: gen_fp(g, false); break;
    case RVG_FP_D: gen_fp(g, true); break;
    case RVG_FCSR: gen_fcsr(g); break;
    case RVG_ZB: gen_zb(g); break;
    case RVG_MEM: gen_mem(g); break;
    case RVG_BRANCH: gen_branch(g); break;
    default: gen_misc(g); break;
    }
}

static void gen_loop_trap(gen *g);

/* A counted loop: head "li s1, n", a body of other groups, tail
 * "addi s1, s1, -1; bnez s1, <first body group>".  Removing the head
 * removes the tail (tie), so a shrunk stream never loops on a stale s1. */
static unsigned gen_loop(gen *g, unsigned budget)
{
    int n = range(&g->r, 1, 5);
    group_begin(g, RVG_LOOP);
    if (g->oom)
        return 0;
    uint32_t head = (uint32_t)g->p->n_groups - 1;
    emit(g, use_rvc(g) ? c_ci(2, X_S1, n, 1) : enc_i(OPC_OP_IMM, X_S1, 0, X_ZERO, n));
    int32_t id = g->n_loops++;
    g->cur_loop = id;
    unsigned body = 1 + below(&g->r, budget < 8 ? budget : 8), used = 1;
    unsigned trap_at = g->loop_trap ? below(&g->r, body) : body;
    for (unsigned i = 0; i < body && !g->oom; i++, used++) {
        if (i == trap_at) {
            gen_loop_trap(g);
            g->loop_trap = false;
        } else {
            gen_one(g, pick_class(g, true));
        }
    }
    group_begin(g, RVG_LOOP);
    if (g->oom)
        return used;
    g->p->groups[head].tie = (int32_t)g->p->n_groups - 1;
    bool c = use_rvc(g);
    emit(g, c ? c_ci(0, X_S1, -1, 1) : enc_i(OPC_OP_IMM, X_S1, 0, X_S1, -1));
    /* The body is at most 8 groups of at most 6 instructions: c.bnez reaches. */
    emit_fix(g, c ? 0xe001u | (X_S1 - 8) << 7 : enc_r(OPC_BRANCH, 0, 1, X_S1, X_ZERO, 0),
             c ? RVG_FIX_CB : RVG_FIX_B, head + 1);
    g->cur_loop = -1;
    return used + 1;
}

/* Encodings the spec reserves (or a user-mode program may not execute):
 * each must raise an illegal-instruction trap. */
static const uint32_t reserved_words[] = {
    0x0000,     /* the all-zero parcel */
    0x0004,     /* c.addi4spn with nzuimm 0 */
    0x6101,     /* c.addi16sp with nzimm 0 */
    0x6501,     /* c.lui a0 with nzimm 0 */
    0x2001,     /* c.addiw with rd 0 */
    0x4002,     /* c.lwsp with rd 0 */
    0x6002,     /* c.ldsp with rd 0 */
    0x8002,     /* c.jr with rs1 0 */
    0xffffffff, /* a >32-bit length prefix */
    0x0000000b, /* custom-0 major opcode */
    0xc0051073, /* csrrw zero, cycle, a0: write to a read-only counter */
    0x7c002573, /* csrrs a0, 0x7c0, zero: a machine-level CSR */
    0x00005553, /* fadd.s fa0, ft0, ft0 with rm 5 */
    0x02006553, /* fadd.d fa0, ft0, ft0 with rm 6 */
    0xc0450553, /* fcvt.?.s with rs2 4 */
    0xe0052553, /* fmv.x.w's row with funct3 2 */
    0x0205151b, /* slliw with shamt[5] set */
    0x1015252f, /* lr.w with rs2 1 */
    0x00051067, /* jalr with funct3 1 */
    0x00057503, /* load with funct3 7 */
    0x00a54023, /* store with funct3 4 */
    0x00a52063, /* branch with funct3 2 */
};

/* A memory fault, ending the stream: an access beyond the guest space
 * (0xffffffff80000000), to the unmapped gap between the code and data
 * regions (0x1800000), a store into the stream's own code, a misaligned
 * LR or AMO, or a jump to an unmapped or non-executable page.  (No SC: a
 * failing SC to a bad address may or may not fault.) */
static void gen_fault(gen *g)
{
    unsigned rt = xd(g), kind = below(&g->r, 6);
    int off = range(&g->r, -64, 64);
    if (kind == 0)
        emit(g, enc_u(OPC_LUI, rt, 0x80000));
    else if (kind == 1 || kind == 4)
        emit(g, enc_u(OPC_LUI, rt, 0x1800));
    else if (kind == 2)
        emit(g, enc_u(OPC_AUIPC, rt, 0));
    if (kind == 3) { /* misaligned LR or AMO */
        bool dword = below(&g->r, 2);
        emit(g, enc_i(OPC_OP_IMM, rt, 0, X_S0, 64 + range(&g->r, 1, dword ? 7 : 3)));
        if (below(&g->r, 3))
            emit(g, enc_amo(below(&g->r, 2) ? 0x00 : 0x01, dword, xd0(g), rt, xs(g), 0));
        else
            emit(g, enc_amo(0x02, dword, xd0(g), rt, 0, 0));
        return;
    }
    if (kind >= 4) { /* jalr into the gap or into the sandbox (not executable) */
        emit(g, enc_i(OPC_JALR, xd0(g), 0, kind == 4 ? rt : X_S0, kind == 4 ? off : off + 64));
        return;
    }
    unsigned w = below(&g->r, 4);
    switch (kind == 2 ? 1 : below(&g->r, 4)) {
    case 0: emit(g, enc_i(OPC_LOAD, xd0(g), w < 3 && below(&g->r, 2) ? w + 4 : w, rt, off)); break;
    case 1: emit(g, enc_s(OPC_STORE, w, rt, xs(g), off)); break;
    case 2: emit(g, below(&g->r, 2) ? enc_i(OPC_LOAD_FP, fr(g), 2 + w % 2, rt, off)
                                    : enc_s(OPC_STORE_FP, 2 + w % 2, rt, fr(g), off)); break;
    default: emit(g, enc_amo(0x08, w % 2, xd0(g), rt, xs(g), 0)); break; /* amoor */
    }
}

/* The dedicated trap case, ending the stream: frm gets 5, 6 or 7, a few
 * ops with static modes run (legal), then one with the dynamic mode traps;
 * or a static rm of 5 or 6, an ebreak, a reserved encoding, a memory fault. */
static void gen_trap_insns(gen *g)
{
    switch (below(&g->r, 8)) {
    case 6: case 7:
        gen_fault(g);
        return;
    case 0:
        emit(g, reserved_words[below(&g->r, sizeof reserved_words / sizeof reserved_words[0])]);
        return;
    case 1:
        emit(g, has(g, RVG_RVC) && below(&g->r, 2) ? 0x9002u : 0x00100073u); /* c.ebreak, ebreak */
        return;
    case 2:
        fp_op(g, below(&g->r, 2), 5 + below(&g->r, 2));
        return;
    default:
        break;
    }
    emit(g, enc_csr(5, xd0(g), CSR_FRM, 5 + below(&g->r, 3)));
    for (int n = range(&g->r, 0, 3); n > 0; n--)
        fp_op(g, below(&g->r, 2), below(&g->r, 5));
    if (below(&g->r, 2))
        emit(g, enc_csr(2, xd(g), CSR_FCSR, 0));
    /* An op whose rm field is dynamic: arithmetic, or an exact conversion. */
    unsigned k = below(&g->r, 4);
    if (k == 0)
        emit(g, enc_r(OPC_OP_FP, fr(g), 7, fr(g), 0, 0x21)); /* fcvt.d.s */
    else if (k == 1)
        emit(g, enc_r(OPC_OP_FP, fr(g), 7, xs(g), 0, 0x69)); /* fcvt.d.w */
    else
        emit(g, enc_r(OPC_OP_FP, fr(g), 7, fr(g), fr(g), below(&g->r, 2)));
}

static void gen_trap(gen *g)
{
    group_begin(g, RVG_TRAP);
    gen_trap_insns(g);
}

/* A trap inside a loop body that fires on the last iteration only (s1 is
 * 1): "addi rt, zero, 1; bne s1, rt, <next group>; <trap>", so the state
 * at the trap holds values carried around the loop. */
static void gen_loop_trap(gen *g)
{
    group_begin(g, RVG_TRAP);
    unsigned rt = xd(g);
    emit(g, enc_i(OPC_OP_IMM, rt, 0, X_ZERO, 1));
    emit_fwd(g, enc_r(OPC_BRANCH, 0, 1, X_S1, rt, 0), RVG_FIX_B, 1);
    gen_trap_insns(g);
}

/* Target of each forward fixup: dist groups ahead, clamped to the
 * terminator; never inside a loop body the branch is not in (then the
 * loop's head instead, which is still ahead of the branch). */
static void resolve_targets(gen *g)
{
    rv_gen_prog *p = g->p;
    uint32_t last = (uint32_t)p->n_groups - 1;
    for (size_t i = 0; i < g->n_fixes; i++) {
        const pending_fix *f = &g->fixes[i];
        uint32_t t = f->group + f->dist;
        if (t > last)
            t = last;
        int32_t from = p->groups[f->group].loop, to = p->groups[t].loop;
        if (to >= 0 && to != from)
            while (p->groups[t].loop == to)
                t--; /* back to the loop's head */
        p->insns[f->insn].target = t;
    }
}

static bool fits(rvg_fix fix, int64_t off)
{
    switch (fix) {
    case RVG_FIX_B: return off >= -4096 && off <= 4094;
    case RVG_FIX_CB: return off >= -256 && off <= 254;
    case RVG_FIX_J: return off >= -(1 << 20) && off < (1 << 20);
    case RVG_FIX_CJ: return off >= -2048 && off <= 2046;
    case RVG_FIX_JALR: case RVG_FIX_ADDI: return off >= -2048 && off <= 2047;
    case RVG_FIX_JALR1: return off >= -2048 && off <= 2046;
    default: return true;
    }
}

/* Group start addresses (a dead group gets the address of the next live
 * one) and the total length. */
static uint64_t group_addrs(const rv_gen_prog *p, const bool *live, uint64_t pc, uint64_t *addr)
{
    uint64_t cur = pc;
    for (size_t gi = 0; gi < p->n_groups; gi++) {
        addr[gi] = cur;
        if (live && !live[gi] && gi + 1 < p->n_groups)
            continue;
        const rvg_group *gr = &p->groups[gi];
        for (uint32_t i = 0; i < gr->n; i++)
            cur += p->insns[gr->first + i].len;
    }
    return cur - pc;
}

/* Retargets fixups whose offset would not fit to the next group (always
 * in reach, and never inside a foreign loop body). */
static bool fix_ranges(rv_gen_prog *p)
{
    uint64_t *addr = malloc(p->n_groups * sizeof *addr);
    if (!addr)
        return false;
    group_addrs(p, NULL, 0, addr);
    for (size_t gi = 0; gi < p->n_groups; gi++) {
        const rvg_group *gr = &p->groups[gi];
        uint64_t pc = addr[gi];
        for (uint32_t i = 0; i < gr->n; i++) {
            rvg_insn *in = &p->insns[gr->first + i];
            uint64_t ref = in->fix >= RVG_FIX_JALR ? pc - p->insns[gr->first + i - 1].len : pc;
            if (in->fix && !fits(in->fix, (int64_t)(addr[in->target] - ref)))
                in->target = (uint32_t)gi + 1;
            pc += in->len;
        }
    }
    free(addr);
    return true;
}

rv_gen_prog *rv_gen_new(uint64_t seed, const rv_gen_opts *opts)
{
    rv_gen_prog *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->seed = seed;
    gen g = {.r = {seed}, .p = p, .classes = opts->classes, .portable = opts->portable,
               .cur_loop = -1};
    unsigned lo = opts->min_groups ? opts->min_groups : 1;
    unsigned hi = opts->max_groups > lo ? opts->max_groups : lo;
    for (size_t i = 0; i < sizeof g.hot_x; i++) {
        g.hot_x[i] = xw_regs[below(&g.r, sizeof xw_regs)];
        g.hot_f[i] = (uint8_t)below(&g.r, 32);
    }
    unsigned n = (unsigned)range(&g.r, (int)lo, (int)hi);
    bool trap = has(&g, RVG_TRAP) && chance(&g.r, 4);
    bool in_loop = trap && has(&g, RVG_LOOP) && chance(&g.r, 50);
    g.loop_trap = in_loop;
    for (unsigned i = 0; i < n && !g.oom;) {
        rvg_class c = pick_class(&g, false);
        if (c == RVG_LOOP) {
            i += gen_loop(&g, n - i);
        } else {
            gen_one(&g, c);
            i++;
        }
    }
    if (trap && (!in_loop || g.loop_trap)) /* at the end, also when no loop took it */
        gen_trap(&g);
    group_begin(&g, RVG_MISC); /* the terminator: exit(...) */
    emit(&g, enc_i(OPC_OP_IMM, X_A7, 0, X_ZERO, 93));
    emit(&g, 0x00000073u);
    if (!g.oom) {
        resolve_targets(&g);
        g.oom = !fix_ranges(p);
    }
    free(g.fixes);
    if (g.oom) {
        rv_gen_free(p);
        return NULL;
    }
    return p;
}

void rv_gen_free(rv_gen_prog *p)
{
    if (!p)
        return;
    free(p->insns);
    free(p->groups);
    free(p);
}

long rv_gen_layout(const rv_gen_prog *p, const bool *live, uint64_t pc, uint8_t *out, size_t cap,
                   size_t *term_off)
{
    uint64_t *addr = malloc(p->n_groups * sizeof *addr);
    if (!addr)
        return -1;
    uint64_t len = group_addrs(p, live, pc, addr);
    if (len > cap) {
        free(addr);
        return -1;
    }
    uint64_t cur = pc;
    for (size_t gi = 0; gi < p->n_groups; gi++) {
        if (live && !live[gi] && gi + 1 < p->n_groups)
            continue;
        const rvg_group *gr = &p->groups[gi];
        for (uint32_t i = 0; i < gr->n; i++) {
            const rvg_insn *in = &p->insns[gr->first + i];
            uint32_t w = in->enc;
            if (in->fix) {
                bool rel_prev = in->fix >= RVG_FIX_JALR;
                uint64_t ref = rel_prev ? cur - p->insns[gr->first + i - 1].len : cur;
                int64_t off = (int64_t)(addr[in->target] - ref);
                if (!fits(in->fix, off)) {
                    free(addr);
                    return -1;
                }
                switch (in->fix) {
                case RVG_FIX_B: w |= imm_b((int)off); break;
                case RVG_FIX_CB: w |= imm_cb((int)off); break;
                case RVG_FIX_J: w |= imm_j((int)off); break;
                case RVG_FIX_CJ: w |= imm_cj((int)off); break;
                case RVG_FIX_JALR1: w |= ((uint32_t)(off + 1) & 0xfff) << 20; break;
                default: w |= ((uint32_t)off & 0xfff) << 20; break;
                }
            }
            size_t o = (size_t)(cur - pc);
            out[o] = (uint8_t)w;
            out[o + 1] = (uint8_t)(w >> 8);
            if (in->len == 4) {
                out[o + 2] = (uint8_t)(w >> 16);
                out[o + 3] = (uint8_t)(w >> 24);
            }
            cur += in->len;
        }
    }
    if (term_off)
        *term_off = (size_t)(len - 4);
    free(addr);
    return (long)len;
}

/* ---- initial state ---- */

static uint64_t edge_x(rng *r)
{
    static const uint64_t v[] = {
        0, 1, ~0ull, 2, 0x8000000000000000ull, 0x7fffffffffffffffull, 0xffffffff80000000ull,
        0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, ~1ull, 63, 64, 31, 32,
        0xffffffff7fffffffull, 0x8000000000000001ull,
    };
    return v[below(r, sizeof v / sizeof v[0])];
}

static uint64_t rand_x(rng *r)
{
    switch (below(r, 6)) {
    case 0: case 1: return edge_x(r);
    case 2: return (uint64_t)(int64_t)(int32_t)rnext(r); /* sign-extended word */
    case 3: return (uint64_t)range(r, -100, 100);
    default: return rnext(r);
    }
}

static uint32_t rand_f32(rng *r)
{
    static const uint32_t v[] = {
        0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 0xffc12345,
        0x7f800001, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x3f800000, 0xbf800000,
        0x4f000000, 0xcf000000, 0x5f000000, 0x3f000000, 0x40200000,
    };
    uint32_t x = (uint32_t)rnext(r);
    switch (below(r, 6)) {
    case 0: case 1: return v[below(r, sizeof v / sizeof v[0])];
    case 2: return x & 0x807fffff; /* subnormal or zero */
    case 3: return (x & 0x83ffffff) | 0x3c000000; /* near 1 */
    default: return x;
    }
}

static uint64_t rand_f64(rng *r)
{
    static const uint64_t v[] = {
        0, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
        0x7ff8000000000000ull, 0x7ff4000000000000ull, 0xfff8000000012345ull, 0x7ff0000000000001ull,
        1, 0x800fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull,
        0x3ff0000000000000ull, 0xbff0000000000000ull, 0x43e0000000000000ull,
        0xc3e0000000000000ull, 0x41e0000000000000ull, 0x3fe0000000000000ull,
        0x4004000000000000ull, 0x36a0000000000000ull, 0x47efffffe0000000ull,
    };
    uint64_t x = rnext(r);
    switch (below(r, 6)) {
    case 0: case 1: return v[below(r, sizeof v / sizeof v[0])];
    case 2: return x & 0x800fffffffffffffull; /* subnormal or zero */
    case 3: return (x & 0x803fffffffffffffull) | 0x3fc0000000000000ull; /* near 1 */
    default: return x;
    }
}

static uint64_t rand_f(rng *r)
{
    switch (below(r, 8)) {
    case 0: case 1: case 2: return 0xffffffff00000000ull | rand_f32(r); /* boxed single */
    case 3: return (uint64_t)rand_f32(r) | (rnext(r) & 0xffffffff00000000ull); /* mis-boxed */
    default: return rand_f64(r);
    }
}

void rv_gen_init_state(uint64_t seed, unsigned slot, fe_rv64_state *st, uint8_t *sandbox)
{
    rng r = {rv_gen_mix(seed, 0x5eed)};
    fe_riscv64.state_init(st);
    st->head.pc = rvg_code_addr(slot);
    for (int i = 1; i < 32; i++)
        st->x[i] = rand_x(&r);
    st->x[X_S0] = rvg_sandbox_addr(slot);
    st->x[X_SP] = rvg_sandbox_addr(slot) + RVG_SP_OFF;
    for (int i = 0; i < 32; i++)
        st->f[i] = rand_f(&r);
    st->head.fp_flags = below(&r, 32);
    st->head.fp_rm = below(&r, 5);
    for (size_t o = 0; o < RVG_SANDBOX_SIZE; o += 8) {
        uint64_t v;
        switch (below(&r, 6)) {
        case 0: v = rand_x(&r); break;
        case 1: v = rand_f64(&r); break;
        case 2: v = (uint64_t)rand_f32(&r) << 32 | rand_f32(&r); break;
        default: v = rnext(&r); break;
        }
        memcpy(sandbox + o, &v, 8);
    }
}
