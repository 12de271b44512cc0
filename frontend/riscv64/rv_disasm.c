/*
 * rv_disasm.c — objdump-style disassembly (the "-M no-aliases" spelling:
 * real mnemonics, compressed instructions under their c. names, ABI register
 * names), driven by the args string of each table row.
 */
#include <stdarg.h>
#include <stdio.h>

#include "frontend/riscv64/rv_insn.h"

static const char *const xnames[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const fnames[32] = {
    "ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",  "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3",  "fa4",  "fa5", "fa6", "fa7",  "fs2",  "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8",  "fs9",  "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

static const char *const rm_names[8] = {"rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn"};

const char *rv_xreg_name(unsigned r) { return xnames[r & 31]; }
const char *rv_freg_name(unsigned r) { return fnames[r & 31]; }

/* Appends to a bounded buffer; output past the end is dropped. */
typedef struct out {
    char *buf;
    size_t len, cap;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
    if (o->len + 1 >= o->cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len = o->len + (size_t)n < o->cap ? o->len + (size_t)n : o->cap - 1;
}

static const char *csr_name(unsigned csr)
{
    switch (csr) {
    case 0x001: return "fflags";
    case 0x002: return "frm";
    case 0x003: return "fcsr";
    case 0xc00: return "cycle";
    case 0xc01: return "time";
    case 0xc02: return "instret";
    default: return NULL;
    }
}

/* Fence predecessor/successor set: "iorw" letters, "0" when empty. */
static void fence_set(out *o, unsigned set)
{
    if (!set) {
        put(o, "0");
        return;
    }
    for (int i = 3; i >= 0; i--)
        if (set & (1u << i))
            put(o, "%c", "wroi"[i]);
}

static void operands(out *o, const rv_insn *in)
{
    for (const char *a = in->op->args; *a; a++) {
        switch (*a) {
        case 'd': put(o, "%s", xnames[in->rd]); break;
        case 's': put(o, "%s", xnames[in->rs1]); break;
        case 't': put(o, "%s", xnames[in->rs2]); break;
        case 'D': put(o, "%s", fnames[in->rd]); break;
        case 'S': put(o, "%s", fnames[in->rs1]); break;
        case 'T': put(o, "%s", fnames[in->rs2]); break;
        case 'R': put(o, "%s", fnames[in->rs3]); break;
        case 'j': case 'o': put(o, "%lld", (long long)in->imm); break;
        case '>': put(o, "0x%llx", (unsigned long long)in->imm); break;
        case 'u': put(o, "0x%llx", (unsigned long long)((uint64_t)in->imm >> 12) & 0xfffff); break;
        case 'p': put(o, "0x%llx", (unsigned long long)(in->pc + (uint64_t)in->imm)); break;
        case 'm':
            if (in->rm != 7)
                put(o, ",%s", rm_names[in->rm]);
            break;
        case 'E': {
            const char *n = csr_name(in->csr);
            if (n)
                put(o, "%s", n);
            else
                put(o, "0x%x", in->csr);
            break;
        }
        case 'Z': put(o, "%lld", (long long)in->imm); break;
        case 'P': fence_set(o, (unsigned)(in->imm >> 4) & 15); break;
        case 'Q': fence_set(o, (unsigned)in->imm & 15); break;
        default: put(o, "%c", *a); break;
        }
    }
}

unsigned rv_disasm(uint64_t pc, fe_fetch_fn fetch, void *ctx, char *buf, size_t buflen)
{
    rv_insn in;
    out o = {buf, 0, buflen};
    if (buflen)
        buf[0] = 0;
    rv_status st = rv_decode_insn(pc, fetch, ctx, &in);
    if (st == RV_NOFETCH)
        return 0;
    if (st == RV_ILLEGAL) {
        if (in.len == 2)
            put(&o, ".2byte 0x%04x", in.raw);
        else
            put(&o, ".4byte 0x%08x", in.raw);
        return in.len;
    }
    put(&o, "%s", in.op->name);
    if (in.op->flags & RV_F_AQRL) {
        static const char *const sfx[4] = {"", ".rl", ".aq", ".aqrl"};
        put(&o, "%s", sfx[(in.raw >> 25) & 3]);
    }
    if (in.op->args[0]) {
        put(&o, " ");
        operands(&o, &in);
    }
    return in.len;
}
