/*
 * ir_interp.c — the reference interpreter: the definition of what each IR op
 * means.  The JIT tiers must agree with it bit for bit.
 *
 * Memory: guest address x of size n is host base + x when x + n <= limit;
 * outside that the op traps (LOAD/STORE_FAULT) without touching the host.
 * Inside it, a page the guest may not access is protected on the host and
 * the runtime converts the host fault into a guest trap at head.pc, which
 * INSN keeps equal to the pc of the instruction being executed.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ir/ir.h"
#include "ir/ir_fp.h"

/* Per-thread scratch for temp values, grown on demand and kept for the
 * thread's life, so a fault that longjmps out of the interpreter leaks
 * nothing.  A pthread key frees it when the thread ends (guest threads come
 * and go; the main thread's stays reachable through its TLS to the end). */
static _Thread_local uint64_t *temp_buf;
static _Thread_local uint32_t temp_cap;
static pthread_key_t temp_key;
static pthread_once_t temp_key_once = PTHREAD_ONCE_INIT;
static bool temp_key_ok;

static void temps_free(void *buf)
{
    free(buf);
    temp_buf = NULL;
    temp_cap = 0;
}

static void temp_key_init(void)
{
    temp_key_ok = pthread_key_create(&temp_key, temps_free) == 0;
}

static uint64_t *temps_for(uint32_t n)
{
    if (n >= temp_cap) {
        uint32_t cap = temp_cap ? temp_cap : 256;
        while (cap <= n)
            cap *= 2;
        uint64_t *t = realloc(temp_buf, cap * sizeof *t);
        if (!t) {
            fputs("liftvm: out of memory in the interpreter\n", stderr);
            abort();
        }
        temp_buf = t;
        temp_cap = cap;
        pthread_once(&temp_key_once, temp_key_init);
        if (temp_key_ok)
            pthread_setspecific(temp_key, t);
    }
    return temp_buf;
}

static inline uint64_t s32(uint64_t x) { return (uint64_t)(int64_t)(int32_t)x; }

static uint64_t mulh_signed(uint64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(int64_t)b) >> 64);
}
static uint64_t mulh_unsigned(uint64_t a, uint64_t b)
{
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
}
static uint64_t mulh_signed_unsigned(uint64_t a, uint64_t b)
{
    return (uint64_t)(((__int128)(int64_t)a * (__int128)(unsigned __int128)b) >> 64);
}

static uint64_t div_signed(uint64_t a, uint64_t b)
{
    if (b == 0)
        return UINT64_MAX;
    if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
        return a;
    return (uint64_t)((int64_t)a / (int64_t)b);
}
static uint64_t rem_signed(uint64_t a, uint64_t b)
{
    if (b == 0)
        return a;
    if ((int64_t)a == INT64_MIN && (int64_t)b == -1)
        return 0;
    return (uint64_t)((int64_t)a % (int64_t)b);
}
static uint64_t div_signed32(uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0)
        return UINT64_MAX;
    if (x == INT32_MIN && y == -1)
        return s32((uint32_t)x);
    return s32((uint32_t)(x / y));
}
static uint64_t rem_signed32(uint64_t a, uint64_t b)
{
    int32_t x = (int32_t)a, y = (int32_t)b;
    if (y == 0)
        return s32((uint32_t)x);
    if (x == INT32_MIN && y == -1)
        return 0;
    return s32((uint32_t)(x % y));
}

static uint64_t rotl64(uint64_t x, unsigned n) { n &= 63; return n ? (x << n) | (x >> (64 - n)) : x; }
static uint32_t rotl32(uint32_t x, unsigned n) { n &= 31; return n ? (x << n) | (x >> (32 - n)) : x; }

static uint64_t orc_b(uint64_t x)
{
    uint64_t r = 0;
    for (int i = 0; i < 64; i += 8)
        if ((x >> i) & 0xff)
            r |= 0xffull << i;
    return r;
}

static uint64_t clock_value(int kind, const ir_state_head *h)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    switch (kind) {
    case IR_CLOCK_TIME: return ns / 100; /* a 10 MHz timebase, as on QEMU's virt board */
    case IR_CLOCK_INSTRET: return h->instret;
    default: return ns;
    }
}

/* Applies an AMO kind; returns the old value. size is 4 or 8. */
static uint64_t amo(void *p, int size, int kind, uint64_t v)
{
    if (size == 4) {
        uint32_t *q = p, x = (uint32_t)v, old;
        switch (kind) {
        case IR_AMO_SWAP: return s32(__atomic_exchange_n(q, x, __ATOMIC_SEQ_CST));
        case IR_AMO_ADD: return s32(__atomic_fetch_add(q, x, __ATOMIC_SEQ_CST));
        case IR_AMO_XOR: return s32(__atomic_fetch_xor(q, x, __ATOMIC_SEQ_CST));
        case IR_AMO_AND: return s32(__atomic_fetch_and(q, x, __ATOMIC_SEQ_CST));
        case IR_AMO_OR: return s32(__atomic_fetch_or(q, x, __ATOMIC_SEQ_CST));
        default: break;
        }
        old = __atomic_load_n(q, __ATOMIC_SEQ_CST);
        for (;;) {
            uint32_t nv;
            switch (kind) {
            case IR_AMO_MIN: nv = (int32_t)old < (int32_t)x ? old : x; break;
            case IR_AMO_MAX: nv = (int32_t)old > (int32_t)x ? old : x; break;
            case IR_AMO_MINU: nv = old < x ? old : x; break;
            default: nv = old > x ? old : x; break;
            }
            if (__atomic_compare_exchange_n(q, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
                return s32(old);
        }
    }
    uint64_t *q = p, old;
    switch (kind) {
    case IR_AMO_SWAP: return __atomic_exchange_n(q, v, __ATOMIC_SEQ_CST);
    case IR_AMO_ADD: return __atomic_fetch_add(q, v, __ATOMIC_SEQ_CST);
    case IR_AMO_XOR: return __atomic_fetch_xor(q, v, __ATOMIC_SEQ_CST);
    case IR_AMO_AND: return __atomic_fetch_and(q, v, __ATOMIC_SEQ_CST);
    case IR_AMO_OR: return __atomic_fetch_or(q, v, __ATOMIC_SEQ_CST);
    default: break;
    }
    old = __atomic_load_n(q, __ATOMIC_SEQ_CST);
    for (;;) {
        uint64_t nv;
        switch (kind) {
        case IR_AMO_MIN: nv = (int64_t)old < (int64_t)v ? old : v; break;
        case IR_AMO_MAX: nv = (int64_t)old > (int64_t)v ? old : v; break;
        case IR_AMO_MINU: nv = old < v ? old : v; break;
        default: nv = old > v ? old : v; break;
        }
        if (__atomic_compare_exchange_n(q, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return old;
    }
}

static ir_exit trap_exit(ir_trap t, uint64_t addr)
{
    return (ir_exit){.kind = IR_EXIT_TRAP, .trap = t, .addr = addr};
}

/* Host address of [addr, addr+size) or NULL when outside the guest space. */
static inline uint8_t *host_addr(const ir_mem *m, uint64_t addr, unsigned size)
{
    if (m->limit < size || addr > m->limit - size)
        return NULL;
    return m->base + addr;
}

#define LOAD(type, conv)                                                                           \
    do {                                                                                           \
        uint64_t ea = t[in->a] + (uint64_t)in->imm;                                                \
        uint8_t *hp = host_addr(mem, ea, sizeof(type));                                            \
        if (!hp)                                                                                   \
            return trap_exit(IR_TRAP_LOAD_FAULT, ea);                                              \
        type v;                                                                                    \
        memcpy(&v, hp, sizeof v);                                                                  \
        t[in->d] = conv;                                                                           \
    } while (0)

#define STORE(type)                                                                                \
    do {                                                                                           \
        uint64_t ea = t[in->a] + (uint64_t)in->imm;                                                \
        uint8_t *hp = host_addr(mem, ea, sizeof(type));                                            \
        if (!hp)                                                                                   \
            return trap_exit(IR_TRAP_STORE_FAULT, ea);                                             \
        type v = (type)t[in->b];                                                                   \
        memcpy(hp, &v, sizeof v);                                                                  \
    } while (0)

ir_exit ir_interp_run(const ir_block *b, void *state, const ir_mem *mem)
{
    uint64_t *t = temps_for(b->n_temps + 1);
    t[IR_NONE] = 0;
    ir_state_head *h = state;
    uint8_t *st = state;
    h->instret += b->n_guest;

    for (uint32_t i = 0; i < b->n_insns; i++) {
        const ir_insn *in = &b->insns[i];
        uint64_t x = t[in->a], y = t[in->b];
        switch ((ir_op)in->op) {
        case IR_CONST: t[in->d] = (uint64_t)in->imm; break;
        case IR_GET: memcpy(&t[in->d], st + in->imm, 8); break;
        case IR_PUT: memcpy(st + in->imm, &x, 8); break;
        case IR_INSN: h->pc = (uint64_t)in->imm; break;

        case IR_ADD: t[in->d] = x + y; break;
        case IR_SUB: t[in->d] = x - y; break;
        case IR_AND: t[in->d] = x & y; break;
        case IR_OR: t[in->d] = x | y; break;
        case IR_XOR: t[in->d] = x ^ y; break;
        case IR_SHL: t[in->d] = x << (y & 63); break;
        case IR_SHR: t[in->d] = x >> (y & 63); break;
        case IR_SAR: t[in->d] = (uint64_t)((int64_t)x >> (y & 63)); break;
        case IR_ROTL: t[in->d] = rotl64(x, (unsigned)y); break;
        case IR_ROTR: t[in->d] = rotl64(x, (unsigned)(64 - (y & 63))); break;
        case IR_ROTL32: t[in->d] = s32(rotl32((uint32_t)x, (unsigned)y)); break;
        case IR_ROTR32: t[in->d] = s32(rotl32((uint32_t)x, (unsigned)(32 - (y & 31)))); break;
        case IR_MUL: t[in->d] = x * y; break;
        case IR_MULH: t[in->d] = mulh_signed(x, y); break;
        case IR_MULHU: t[in->d] = mulh_unsigned(x, y); break;
        case IR_MULHSU: t[in->d] = mulh_signed_unsigned(x, y); break;
        case IR_DIV: t[in->d] = div_signed(x, y); break;
        case IR_DIVU: t[in->d] = y ? x / y : UINT64_MAX; break;
        case IR_REM: t[in->d] = rem_signed(x, y); break;
        case IR_REMU: t[in->d] = y ? x % y : x; break;
        case IR_DIVW: t[in->d] = div_signed32(x, y); break;
        case IR_DIVUW: t[in->d] = (uint32_t)y ? s32((uint32_t)x / (uint32_t)y) : UINT64_MAX; break;
        case IR_REMW: t[in->d] = rem_signed32(x, y); break;
        case IR_REMUW: t[in->d] = (uint32_t)y ? s32((uint32_t)x % (uint32_t)y) : s32(x); break;
        case IR_EQ: t[in->d] = x == y; break;
        case IR_NE: t[in->d] = x != y; break;
        case IR_LTS: t[in->d] = (int64_t)x < (int64_t)y; break;
        case IR_LTU: t[in->d] = x < y; break;
        case IR_SELECT: t[in->d] = x ? y : t[in->c]; break;
        case IR_NOT: t[in->d] = ~x; break;
        case IR_NEG: t[in->d] = -x; break;
        case IR_SEXT8: t[in->d] = (uint64_t)(int64_t)(int8_t)x; break;
        case IR_SEXT16: t[in->d] = (uint64_t)(int64_t)(int16_t)x; break;
        case IR_SEXT32: t[in->d] = s32(x); break;
        case IR_ZEXT8: t[in->d] = x & 0xff; break;
        case IR_ZEXT16: t[in->d] = x & 0xffff; break;
        case IR_ZEXT32: t[in->d] = x & 0xffffffffu; break;
        case IR_CLZ: t[in->d] = x ? (uint64_t)__builtin_clzll(x) : 64; break;
        case IR_CTZ: t[in->d] = x ? (uint64_t)__builtin_ctzll(x) : 64; break;
        case IR_CPOP: t[in->d] = (uint64_t)__builtin_popcountll(x); break;
        case IR_BSWAP: t[in->d] = __builtin_bswap64(x); break;
        case IR_ORCB: t[in->d] = orc_b(x); break;

        case IR_LD8U: LOAD(uint8_t, v); break;
        case IR_LD8S: LOAD(int8_t, (uint64_t)(int64_t)v); break;
        case IR_LD16U: LOAD(uint16_t, v); break;
        case IR_LD16S: LOAD(int16_t, (uint64_t)(int64_t)v); break;
        case IR_LD32U: LOAD(uint32_t, v); break;
        case IR_LD32S: LOAD(int32_t, (uint64_t)(int64_t)v); break;
        case IR_LD64: LOAD(uint64_t, v); break;
        case IR_ST8: STORE(uint8_t); break;
        case IR_ST16: STORE(uint16_t); break;
        case IR_ST32: STORE(uint32_t); break;
        case IR_ST64: STORE(uint64_t); break;

        case IR_LR32:
        case IR_LR64: {
            unsigned size = in->op == IR_LR32 ? 4 : 8;
            if (x & (size - 1))
                return trap_exit(IR_TRAP_MISALIGNED, x);
            uint8_t *hp = host_addr(mem, x, size);
            if (!hp)
                return trap_exit(IR_TRAP_LOAD_FAULT, x);
            uint64_t v = size == 4 ? s32(__atomic_load_n((uint32_t *)hp, __ATOMIC_SEQ_CST))
                                   : __atomic_load_n((uint64_t *)hp, __ATOMIC_SEQ_CST);
            h->resv_addr = x;
            h->resv_val = v;
            t[in->d] = v;
            break;
        }
        case IR_SC32:
        case IR_SC64: {
            unsigned size = in->op == IR_SC32 ? 4 : 8;
            if (x & (size - 1))
                return trap_exit(IR_TRAP_MISALIGNED, x);
            uint8_t *hp = host_addr(mem, x, size);
            if (!hp)
                return trap_exit(IR_TRAP_STORE_FAULT, x);
            bool ok = false;
            if (h->resv_addr == x) {
                if (size == 4) {
                    uint32_t expect = (uint32_t)h->resv_val;
                    ok = __atomic_compare_exchange_n((uint32_t *)hp, &expect, (uint32_t)y, false,
                                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
                } else {
                    uint64_t expect = h->resv_val;
                    ok = __atomic_compare_exchange_n((uint64_t *)hp, &expect, y, false,
                                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
                }
            }
            h->resv_addr = UINT64_MAX;
            t[in->d] = ok ? 0 : 1;
            break;
        }
        case IR_AMO32:
        case IR_AMO64: {
            unsigned size = in->op == IR_AMO32 ? 4 : 8;
            if (x & (size - 1))
                return trap_exit(IR_TRAP_MISALIGNED, x);
            uint8_t *hp = host_addr(mem, x, size);
            if (!hp)
                return trap_exit(IR_TRAP_STORE_FAULT, x);
            t[in->d] = amo(hp, (int)size, (int)in->imm, y);
            break;
        }
        case IR_FENCE: __atomic_thread_fence(__ATOMIC_SEQ_CST); break;

        case IR_BR:
            if (x) {
                h->pc = (uint64_t)in->imm;
                return (ir_exit){.kind = IR_EXIT_NEXT};
            }
            break;
        case IR_JMP: h->pc = (uint64_t)in->imm; return (ir_exit){.kind = IR_EXIT_NEXT};
        case IR_JMPR: h->pc = x; return (ir_exit){.kind = IR_EXIT_NEXT};
        case IR_SYSCALL: h->pc = (uint64_t)in->imm; return (ir_exit){.kind = IR_EXIT_SYSCALL};
        case IR_TRAP: return trap_exit((ir_trap)in->imm, 0);
        case IR_TRAPIF:
            if (x)
                return trap_exit((ir_trap)in->imm, 0);
            break;
        case IR_FENCEI: h->pc = (uint64_t)in->imm; return (ir_exit){.kind = IR_EXIT_FLUSH};
        case IR_CLOCK: t[in->d] = clock_value((int)in->imm, h); break;

        default: {
            /* Floating point: resolve the dynamic rounding mode first. */
            int rm = (int)in->imm;
            if ((ir_op_table[in->op].flags & IR_F_IMM) && rm == IR_RM_DYN) {
                rm = (int)h->fp_rm;
                if (rm > IR_RM_RMM)
                    return trap_exit(IR_TRAP_ILLEGAL, 0);
            }
            uint64_t *fl = &h->fp_flags;
            switch ((ir_op)in->op) {
            case IR_FADD32: case IR_FSUB32: case IR_FMUL32: case IR_FDIV32:
            case IR_FADD64: case IR_FSUB64: case IR_FMUL64: case IR_FDIV64:
                t[in->d] = ir_fp_arith(in->op, x, y, rm, fl);
                break;
            case IR_FSQRT32: t[in->d] = ir_fp_sqrt32(x, rm, fl); break;
            case IR_FSQRT64: t[in->d] = ir_fp_sqrt64(x, rm, fl); break;
            case IR_FMADD32: case IR_FMSUB32: case IR_FNMSUB32: case IR_FNMADD32:
            case IR_FMADD64: case IR_FMSUB64: case IR_FNMSUB64: case IR_FNMADD64:
                t[in->d] = ir_fp_fma(in->op, x, y, t[in->c], rm, fl);
                break;
            case IR_FMIN32: case IR_FMAX32: case IR_FMIN64: case IR_FMAX64:
                t[in->d] = ir_fp_minmax(in->op, x, y, fl);
                break;
            case IR_FEQ32: case IR_FLT32: case IR_FLE32:
            case IR_FEQ64: case IR_FLT64: case IR_FLE64:
                t[in->d] = ir_fp_compare(in->op, x, y, fl);
                break;
            case IR_FCLASS32: t[in->d] = ir_fp_class32(x); break;
            case IR_FCLASS64: t[in->d] = ir_fp_class64(x); break;
            case IR_FUNBOX32:
                t[in->d] = (x >> 32) == 0xffffffffu ? (x & 0xffffffffu) : IR_FP_CANON_NAN32;
                break;
            default:
                if (in->op >= IR_FCVT_W_F32 && in->op <= IR_FCVT_F64_F32) {
                    t[in->d] = ir_fp_convert(in->op, x, rm, fl);
                    break;
                }
                fprintf(stderr, "liftvm: interpreter: unhandled IR op %u\n", in->op);
                abort();
            }
        }
        }
    }
    /* A verified block always ends with an exit; reaching here is a frontend bug. */
    fprintf(stderr, "liftvm: interpreter: block at 0x%llx has no exit\n", (unsigned long long)b->pc);
    abort();
}
