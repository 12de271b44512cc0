/*
 * test_jit.c — the LLVM tiers against the reference interpreter: every IR
 * op, memory and its bounds traps, atomics, exits, FP through the helpers,
 * and random blocks, each run by ir_interp_run, tier 1 and tier 2 on the
 * same state and memory, which must end identical.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ir/ir.h"
#include "llvmjit/jit.h"

typedef struct test_state {
    ir_state_head head;
    uint64_t r[16];
} test_state;

#define OFF_R(i) (offsetof(test_state, r) + 8 * (size_t)(i))
#define MEM_SIZE (1u << 20)

/* Test memory has PROT_NONE guards of MEM_GUARD bytes on both sides; J
 * does not know them (its units checkpoint and rely on host faults), JP
 * knows them and the page table (its units check accesses, jit_lift.c). */
#define MEM_GUARD (64u << 10)
#define MEM_PAGES (MEM_SIZE / 4096)
#define PAGES_PAD (MEM_GUARD / 4096)

static uint8_t *mem_base;
static uint8_t mem_pages[MEM_PAGES + 2 * PAGES_PAD]; /* 0 on the guards */
static char what[128]; /* the case being checked, for failure messages */
static jit *J, *JP;

static void setup(void)
{
    uint8_t *low = mmap(NULL, MEM_SIZE + 2 * MEM_GUARD, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    cr_assert_neq(low, MAP_FAILED);
    mem_base = low + MEM_GUARD;
    cr_assert_eq(mprotect(mem_base, MEM_SIZE, PROT_READ | PROT_WRITE), 0);
    memset(mem_pages + PAGES_PAD, IR_PAGE_LOAD | IR_PAGE_STORE, MEM_PAGES);
    jit_options o;
    jit_options_default(&o);
    char err[256];
    J = jit_new(&o, sizeof(test_state), &(ir_mem){mem_base, MEM_SIZE, 0, NULL}, err, sizeof err);
    cr_assert_not_null(J, "jit_new: %s", err);
    o.checkpoint_cost = 0; /* JP checks every access that needs a checkpoint */
    JP = jit_new(&o, sizeof(test_state),
                 &(ir_mem){mem_base, MEM_SIZE, MEM_GUARD, mem_pages + PAGES_PAD}, err, sizeof err);
    cr_assert_not_null(JP, "jit_new: %s", err);
}

static void teardown(void)
{
    jit_free(J);
    jit_free(JP);
    munmap(mem_base - MEM_GUARD, MEM_SIZE + 2 * MEM_GUARD);
}

/* Tests touch guest memory in [0, LOW) and [MEM_SIZE - HIGH, MEM_SIZE). */
#define LOW 8192u
#define HIGH 64u

static void fill_memory(uint8_t *m, unsigned seed)
{
    for (size_t i = 0; i < LOW; i++)
        m[i] = (uint8_t)(i * 37 + seed);
    for (size_t i = MEM_SIZE - HIGH; i < MEM_SIZE; i++)
        m[i] = (uint8_t)(i * 11 + seed);
}

static void save_memory(uint8_t *to, const uint8_t *m)
{
    memcpy(to, m, LOW);
    memcpy(to + LOW, m + MEM_SIZE - HIGH, HIGH);
}

static void init_state(test_state *s, unsigned seed)
{
    memset(s, 0, sizeof *s);
    s->head.pc = 0x1000;
    s->head.resv_addr = UINT64_MAX;
    for (int i = 0; i < 16; i++)
        s->r[i] = (uint64_t)i * 0x0123456789abcdefull + seed;
}

static const char *exit_name(ir_exit_kind k)
{
    static const char *n[] = {"next", "syscall", "trap", "flush"};
    return k <= IR_EXIT_FLUSH ? n[k] : "?";
}

/* Runs b from each of the n states in inits by the interpreter and by
 * both tiers (each compiled once); asserts the same exit, state and
 * memory.  Returns the interpreter's exit for the last state. */
static ir_exit check_states(const ir_block *b, const test_state *inits, size_t n, unsigned mseed)
{
    char vbuf[128];
    const char *bad = ir_verify(b, vbuf, sizeof vbuf);
    cr_assert_null(bad, "verify: %s", bad);
    const ir_mem mem = {mem_base, MEM_SIZE, 0, NULL};
    static uint8_t want_mem[LOW + HIGH], got_mem[LOW + HIGH];
    jit_unit *u[3];
    for (int tier = 1; tier <= 2; tier++) {
        char err[256];
        u[tier] = jit_compile_block_sync(J, b, tier, err, sizeof err);
        cr_assert_not_null(u[tier], "%s: tier %d compile: %s", what, tier, err);
    }
    ir_exit we = {0};
    for (size_t k = 0; k < n; k++) {
        test_state want = inits[k];
        fill_memory(mem_base, mseed);
        we = ir_interp_run(b, &want, &mem);
        save_memory(want_mem, mem_base);
        for (int tier = 1; tier <= 2; tier++) {
            test_state got = inits[k];
            fill_memory(mem_base, mseed);
            ir_exit ge = jit_unit_run(u[tier], &got, &mem);
            cr_assert_eq(ge.kind, we.kind, "%s [%zu]: tier %d exit %s, interpreter %s", what, k,
                         tier, exit_name(ge.kind), exit_name(we.kind));
            if (we.kind == IR_EXIT_TRAP) {
                cr_assert_eq(ge.trap, we.trap, "%s [%zu]: tier %d trap %d vs %d", what, k, tier,
                             ge.trap, we.trap);
                cr_assert_eq(ge.addr, we.addr, "%s [%zu]: tier %d trap addr %llx vs %llx", what,
                             k, tier, (unsigned long long)ge.addr, (unsigned long long)we.addr);
            }
            for (size_t i = 0; i < sizeof got / 8; i++) {
                uint64_t g = ((uint64_t *)&got)[i], w = ((uint64_t *)&want)[i];
                cr_assert_eq(g, w, "%s [%zu]: tier %d state word %zu: %llx, interpreter %llx",
                             what, k, tier, i, (unsigned long long)g, (unsigned long long)w);
            }
            save_memory(got_mem, mem_base);
            cr_assert(memcmp(got_mem, want_mem, sizeof want_mem) == 0,
                      "%s [%zu]: tier %d memory differs", what, k, tier);
        }
    }
    jit_unit_free(J, u[1]);
    jit_unit_free(J, u[2]);
    return we;
}

static ir_exit check_block(const ir_block *b, const test_state *init, unsigned mseed)
{
    return check_states(b, init, 1, mseed);
}

/* A block computing op(r1, r2, r3) (imm) into r0, then JMP 0x2000. */
static ir_exit check_op(ir_op op, uint64_t a, uint64_t b, uint64_t c, int64_t imm)
{
    snprintf(what, sizeof what, "%s(%llx, %llx, %llx; %lld)", ir_op_table[op].name,
             (unsigned long long)a, (unsigned long long)b, (unsigned long long)c, (long long)imm);
    ir_block *blk = ir_block_new(0x1000);
    ir_emit(blk, IR_INSN, 0, 0, 0, 0x1000);
    blk->n_guest = 1;
    ir_val ta = ir_const(blk, (int64_t)a), tb = ir_const(blk, (int64_t)b);
    ir_val tc = ir_const(blk, (int64_t)c);
    int n = ir_op_table[op].nsrc;
    ir_val d = ir_emit(blk, op, n > 0 ? ta : 0, n > 1 ? tb : 0, n > 2 ? tc : 0, imm);
    if (d != IR_NONE)
        ir_put(blk, OFF_R(0), d);
    ir_emit(blk, IR_JMP, 0, 0, 0, 0x2000);
    test_state s;
    init_state(&s, 1);
    ir_exit e = check_block(blk, &s, 3);
    /* The same through state registers, so LLVM cannot fold constants. */
    ir_block *blk2 = ir_block_new(0x1000);
    ir_emit(blk2, IR_INSN, 0, 0, 0, 0x1000);
    blk2->n_guest = 1;
    ta = ir_get(blk2, OFF_R(1));
    tb = ir_get(blk2, OFF_R(2));
    tc = ir_get(blk2, OFF_R(3));
    d = ir_emit(blk2, op, n > 0 ? ta : 0, n > 1 ? tb : 0, n > 2 ? tc : 0, imm);
    if (d != IR_NONE)
        ir_put(blk2, OFF_R(0), d);
    ir_emit(blk2, IR_JMP, 0, 0, 0, 0x2000);
    s.r[1] = a, s.r[2] = b, s.r[3] = c;
    check_block(blk2, &s, 3);
    ir_block_free(blk);
    ir_block_free(blk2);
    return e;
}

TestSuite(jit, .init = setup, .fini = teardown, .timeout = 120);

static const uint64_t vals[] = {
    0, 1, 2, 3, 5, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
    0x7fffffffull, 0x80000000ull, 0xffffffffull, 0x100000000ull, 0x123456789abcdef0ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xfffffffffffffffeull, 0xffffffffffffffffull,
    0xffffffff80000000ull, 0x0101010100ff0001ull,
};
#define NVALS (sizeof vals / sizeof vals[0])

/* Each integer op: compiled once reading r1..r3, run on all value pairs;
 * and with constant operands for a few, which LLVM may fold. */
Test(jit, integer_ops)
{
    static test_state states[NVALS * NVALS];
    for (int op = IR_ADD; op <= IR_ORCB; op++) {
        snprintf(what, sizeof what, "%s(r1, r2, r3)", ir_op_table[op].name);
        ir_block *b = ir_block_new(0x1000);
        ir_emit(b, IR_INSN, 0, 0, 0, 0x1000);
        b->n_guest = 1;
        ir_val x = ir_get(b, OFF_R(1)), y = ir_get(b, OFF_R(2)), z = ir_get(b, OFF_R(3));
        int n = ir_op_table[op].nsrc;
        ir_put(b, OFF_R(0), ir_emit(b, (ir_op)op, x, n > 1 ? y : 0, n > 2 ? z : 0, 0));
        ir_emit(b, IR_JMP, 0, 0, 0, 0x2000);
        size_t ns = 0;
        for (size_t i = 0; i < NVALS; i++) {
            for (size_t k = 0; k < NVALS; k++) {
                init_state(&states[ns], (unsigned)k);
                states[ns].r[1] = vals[i];
                states[ns].r[2] = vals[k];
                states[ns].r[3] = vals[(i * 7 + k) % NVALS];
                ns++;
            }
        }
        check_states(b, states, ns, 1);
        ir_block_free(b);
        for (size_t i = 0; i < NVALS; i += 5)
            check_op((ir_op)op, vals[i], vals[(i * 3 + 1) % NVALS], vals[(i + 2) % NVALS], 0);
    }
}

Test(jit, division_corners)
{
    const ir_op ops[] = {IR_DIV, IR_DIVU, IR_REM, IR_REMU, IR_DIVW, IR_DIVUW, IR_REMW, IR_REMUW};
    const uint64_t xs[] = {0, 7, (uint64_t)-7, 1ull << 63, 0xffffffff80000000ull, 0x80000000ull,
                           0x1234567880000000ull};
    const uint64_t ys[] = {0, 1, (uint64_t)-1, 0xffffffffull, 0x100000000ull, 3,
                           0xffffffff00000000ull};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
            for (size_t k = 0; k < sizeof ys / sizeof ys[0]; k++)
                check_op(ops[o], xs[i], ys[k], 0, 0);
}

/* Loads and stores of every size at offsets around the limit. */
Test(jit, memory_and_bounds)
{
    const ir_op loads[] = {IR_LD8U, IR_LD8S, IR_LD16U, IR_LD16S, IR_LD32U, IR_LD32S, IR_LD64};
    const ir_op stores[] = {IR_ST8, IR_ST16, IR_ST32, IR_ST64};
    const uint64_t addrs[] = {0, 1, 100, 4095, MEM_SIZE - 8, MEM_SIZE - 4, MEM_SIZE - 1, MEM_SIZE,
                              MEM_SIZE + 100, UINT64_MAX, UINT64_MAX - 3};
    for (size_t a = 0; a < sizeof addrs / sizeof addrs[0]; a++) {
        for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
            check_op(loads[i], addrs[a], 0, 0, 0);
            check_op(loads[i], addrs[a] - 16, 0, 0, 16);
        }
        for (size_t i = 0; i < sizeof stores / sizeof stores[0]; i++) {
            ir_exit e = check_op(stores[i], addrs[a] > 4000 && addrs[a] < MEM_SIZE ? 8 : addrs[a],
                                 0x1122334455667788ull, 0, 0);
            (void)e;
            check_op(stores[i], addrs[a], 0x8877665544332211ull, 0, 0);
        }
    }
}

Test(jit, atomics)
{
    const ir_op ops[] = {IR_LR32, IR_LR64, IR_SC32, IR_SC64, IR_AMO32, IR_AMO64};
    const uint64_t addrs[] = {0, 8, 12, 3, 4096, MEM_SIZE - 8, MEM_SIZE - 4, MEM_SIZE, UINT64_MAX};
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (size_t a = 0; a < sizeof addrs / sizeof addrs[0]; a++)
            for (int kind = 0; kind < (ops[o] >= IR_AMO32 ? IR_AMO_COUNT : 1); kind++)
                check_op(ops[o], addrs[a], 0x8000000180000001ull, 0, kind);
}

/* LR then SC to the same and another address, in one block. */
Test(jit, lr_sc_pairs)
{
    for (int same = 0; same < 2; same++) {
        for (int wide = 0; wide < 2; wide++) {
            ir_block *b = ir_block_new(0x1000);
            ir_emit(b, IR_INSN, 0, 0, 0, 0x1000);
            ir_val a = ir_const(b, 64);
            ir_val v = ir_un(b, wide ? IR_LR64 : IR_LR32, a);
            ir_put(b, OFF_R(1), v);
            ir_emit(b, IR_INSN, 0, 0, 0, 0x1004);
            ir_val a2 = same ? a : ir_const(b, 72);
            ir_val ok = ir_bin(b, wide ? IR_SC64 : IR_SC32, a2, ir_get(b, OFF_R(5)));
            ir_put(b, OFF_R(2), ok);
            ir_val ok2 = ir_bin(b, wide ? IR_SC64 : IR_SC32, a, ir_get(b, OFF_R(6)));
            ir_put(b, OFF_R(3), ok2);
            ir_emit(b, IR_JMP, 0, 0, 0, 0x1008);
            b->n_guest = 2;
            test_state s;
            init_state(&s, 9);
            check_block(b, &s, 5);
            ir_block_free(b);
        }
    }
}

Test(jit, exits)
{
    const ir_op kinds[] = {IR_SYSCALL, IR_FENCEI, IR_TRAP, IR_JMP};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        ir_block *b = ir_block_new(0x1000);
        ir_emit(b, IR_INSN, 0, 0, 0, 0x1000);
        ir_put(b, OFF_R(4), ir_const(b, 77));
        ir_emit(b, IR_INSN, 0, 0, 0, 0x1004);
        ir_val c = ir_bin(b, IR_LTU, ir_get(b, OFF_R(1)), ir_get(b, OFF_R(2)));
        ir_emit(b, IR_TRAPIF, ir_bin(b, IR_AND, c, ir_const(b, (int64_t)k & 1)), 0, 0,
                IR_TRAP_BREAKPOINT);
        ir_put(b, OFF_R(5), c);
        ir_emit(b, IR_INSN, 0, 0, 0, 0x1008);
        ir_emit(b, IR_BR, ir_bin(b, IR_EQ, c, ir_const(b, 0)), 0, 0, 0x3000);
        ir_emit(b, kinds[k], 0, 0, 0, kinds[k] == IR_TRAP ? IR_TRAP_ILLEGAL : 0x100c);
        b->n_guest = 3;
        for (unsigned seed = 0; seed < 4; seed++) {
            test_state s;
            init_state(&s, seed);
            s.r[1] = seed & 1 ? 1 : 2;
            s.r[2] = seed & 2 ? 1 : 2;
            check_block(b, &s, 1);
        }
        ir_block_free(b);
    }
}

Test(jit, jmpr_and_clock)
{
    ir_block *b = ir_block_new(0x1000);
    ir_emit(b, IR_INSN, 0, 0, 0, 0x1000);
    ir_put(b, OFF_R(3), ir_emit(b, IR_CLOCK, 0, 0, 0, IR_CLOCK_INSTRET));
    ir_emit(b, IR_JMPR, ir_bin(b, IR_ADD, ir_get(b, OFF_R(1)), ir_const(b, 6)), 0, 0, 0);
    b->n_guest = 1;
    test_state s;
    init_state(&s, 3);
    check_block(b, &s, 1);
    ir_block_free(b);
}

/* Every FP op once on a few inputs, with each static and the dynamic
 * rounding mode (valid and invalid frm). */
Test(jit, fp_ops)
{
    const uint64_t fv[] = {0x3ff0000000000000ull, 0xc008000000000000ull, 0x7ff8000000000000ull,
                           0x7ff0000000000001ull, 0x0000000000000001ull, 0xffffffff3f800000ull,
                           0xffffffff7f800001ull, 0x000000003fc00000ull, 0x43e0000000000000ull,
                           0xffffffffcf000000ull};
    const size_t n = sizeof fv / sizeof fv[0];
    for (int op = IR_FADD32; op < IR_OP_COUNT; op++) {
        bool rm = ir_op_table[op].flags & IR_F_IMM;
        for (int mode = 0; mode <= (rm ? 7 : 0); mode++) {
            if (mode == 5 || mode == 6)
                continue;
            for (size_t i = 0; i < n; i += 2) {
                for (int frm = 0; frm < (mode == 7 ? 2 : 1); frm++) {
                    ir_block *b = ir_block_new(0x1000);
                    ir_emit(b, IR_INSN, 0, 0, 0, 0x1000);
                    b->n_guest = 1;
                    int ns = ir_op_table[op].nsrc;
                    ir_val a = ir_get(b, OFF_R(1)), bb = ir_get(b, OFF_R(2));
                    ir_val c = ir_get(b, OFF_R(3));
                    ir_val d = ir_emit(b, (ir_op)op, a, ns > 1 ? bb : 0, ns > 2 ? c : 0, mode);
                    ir_put(b, OFF_R(0), d);
                    ir_emit(b, IR_JMP, 0, 0, 0, 0x2000);
                    test_state s;
                    init_state(&s, 0);
                    s.r[1] = fv[i], s.r[2] = fv[(i + 3) % n], s.r[3] = fv[(i + 5) % n];
                    s.head.fp_rm = frm ? 6 : (uint64_t)(i % 5);
                    s.head.fp_flags = i & 1 ? IR_FPF_NX : 0;
                    check_block(b, &s, 1);
                    ir_block_free(b);
                }
            }
        }
    }
}

/* ---- random blocks ---- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ir_emit with only as many operands as op takes. */
static ir_val emit_n(ir_block *b, ir_op op, ir_val x, ir_val y, ir_val z, int64_t imm)
{
    int n = ir_op_table[op].nsrc;
    return ir_emit(b, op, n > 0 ? x : 0, n > 1 ? y : 0, n > 2 ? z : 0, imm);
}

/* A random block of ALU, state, memory and exit ops over earlier temps. */
static ir_block *random_block(void)
{
    ir_block *b = ir_block_new(0x1000);
    uint32_t ninsn = 1 + rnd() % 6;
    ir_val vals_[256];
    int nv = 0;
    for (uint32_t g = 0; g < ninsn; g++) {
        ir_emit(b, IR_INSN, 0, 0, 0, 0x1000 + 4 * g);
        b->n_guest++;
        int nops = 1 + (int)(rnd() % 8);
        for (int k = 0; k < nops; k++) {
            unsigned r = rnd() % 100;
            ir_val a = nv ? vals_[rnd() % nv] : ir_const(b, (int64_t)rnd());
            ir_val c = nv ? vals_[rnd() % nv] : a;
            ir_val d = IR_NONE;
            if (r < 15) {
                d = ir_get(b, OFF_R(rnd() % 16));
            } else if (r < 25) {
                d = ir_const(b, (int64_t)(rnd() % 3 == 0 ? rnd() : rnd() % 64));
            } else if (r < 30) {
                ir_put(b, OFF_R(rnd() % 16), a);
            } else if (r < 36) {
                ir_val addr = ir_bin(b, IR_AND, a, ir_const(b, 4095 & ~7));
                d = ir_emit(b, (ir_op)(IR_LD8U + rnd() % 7), addr, 0, 0, (int64_t)(rnd() % 8));
            } else if (r < 40) {
                ir_val addr = ir_bin(b, IR_AND, a, ir_const(b, 4095 & ~7));
                ir_emit(b, (ir_op)(IR_ST8 + rnd() % 4), addr, c, 0, (int64_t)(rnd() % 8));
            } else if (r < 41) {
                d = ir_emit(b, IR_LD64, a, 0, 0, 0); /* may trap out of bounds */
            } else if (r < 43) {
                ir_emit(b, IR_TRAPIF, ir_bin(b, IR_LTU, a, ir_const(b, 1 << 20)), 0, 0,
                        IR_TRAP_ILLEGAL);
            } else if (r < 45) {
                ir_emit(b, IR_BR, ir_bin(b, IR_LTU, a, c), 0, 0, 0x5000 + (int64_t)(rnd() % 16));
            } else if (r < 47) {
                ir_val addr = ir_bin(b, IR_AND, a, ir_const(b, 4095 & ~7));
                d = emit_n(b, (ir_op)(IR_LR32 + rnd() % 6), addr, c, 0, (int64_t)(rnd() % 9));
            } else if (r < 50) {
                d = ir_emit(b, IR_SELECT, a, c, nv ? vals_[rnd() % nv] : a, 0);
            } else {
                ir_op op = (ir_op)(IR_ADD + rnd() % (IR_ORCB - IR_ADD + 1));
                d = emit_n(b, op, a, c, nv ? vals_[rnd() % nv] : a, 0);
            }
            if (d != IR_NONE && nv < 256)
                vals_[nv++] = d;
        }
        if (nv)
            ir_put(b, OFF_R(rnd() % 16), vals_[rnd() % nv]);
    }
    if (nv && rnd() % 4 == 0)
        ir_emit(b, IR_JMPR, vals_[rnd() % nv], 0, 0, 0);
    else
        ir_emit(b, IR_JMP, 0, 0, 0, 0x1000 + 4 * ninsn);
    return b;
}

Test(jit, random_blocks, .timeout = 600)
{
    rng_state = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 300; i++) {
        ir_block *b = random_block();
        snprintf(what, sizeof what, "random block %d", i);
        test_state s;
        init_state(&s, (unsigned)i);
        s.head.resv_addr = rnd() % 2 ? UINT64_MAX : 64;
        s.head.resv_val = rnd();
        check_block(b, &s, (unsigned)i);
        ir_block_free(b);
    }
}

/* ---- FP fast paths against the helpers, on many operands ---- */

/* An FP operand: special values, values near the edges of the ranges
 * (tiny, huge, integers near 2^31/2^63), and random bit patterns. */
static uint64_t fp_operand(bool is32)
{
    static const uint64_t sp64[] = {
        0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
        0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull,
        0x0000000000000001ull, 0x000fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull,
        0x41dfffffffc00000ull, 0x41e0000000000000ull, 0xc1e0000000000000ull, 0x43e0000000000000ull,
        0x43dfffffffffffffull, 0xc3e0000000000000ull, 0x43f0000000000000ull, 0x3fe0000000000000ull,
        0x3ff8000000000000ull, 0x4004000000000000ull, 0x0350000000000000ull, 0x0370000000000000ull,
    };
    static const uint32_t sp32[] = {
        0, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x7f800000u, 0xff800000u, 0x7fc00000u,
        0x7fa00000u, 0x00000001u, 0x007fffffu, 0x00800000u, 0x7f7fffffu, 0x4f000000u, 0xcf000000u,
        0x4effffffu, 0x5f000000u, 0x5f800000u, 0x3f000000u, 0x3fc00000u, 0x40200000u, 0x20000000u,
        0x1f800000u, 0x01000000u,
    };
    unsigned k = (unsigned)(rnd() % 10);
    if (k < 3)
        return is32 ? 0xffffffff00000000ull | sp32[rnd() % (sizeof sp32 / 4)]
                    : sp64[rnd() % (sizeof sp64 / 8)];
    if (k < 6) { /* "nice" numbers: small integers and simple fractions */
        double v = (double)((int64_t)(rnd() % 2001) - 1000) / (double)(1 + rnd() % 16);
        if (is32) {
            float f = (float)v;
            uint32_t b;
            memcpy(&b, &f, 4);
            return 0xffffffff00000000ull | b;
        }
        uint64_t b;
        memcpy(&b, &v, 8);
        return b;
    }
    if (k < 7) /* integers as raw bits, for int → float conversions */
        return rnd() % 2 ? rnd() : (uint64_t)((int64_t)(rnd() % 100001) - 50000);
    return is32 ? 0xffffffff00000000ull | (uint32_t)rnd() : rnd();
}

Test(jit, fp_fast_paths, .timeout = 600)
{
    enum { N = 600 };
    static test_state states[N];
    rng_state = 0x1234567887654321ull;
    for (int op = IR_FADD32; op < IR_OP_COUNT; op++) {
        bool has_rm = ir_op_table[op].flags & IR_F_IMM;
        const int modes[] = {IR_RM_RNE, IR_RM_DYN, IR_RM_RTZ, IR_RM_RDN, IR_RM_RMM};
        for (size_t mi = 0; mi < (has_rm ? sizeof modes / sizeof modes[0] : 1); mi++) {
            int mode = has_rm ? modes[mi] : 0;
            snprintf(what, sizeof what, "%s rm %d", ir_op_table[op].name, mode);
            ir_block *b = ir_block_new(0x1000);
            ir_emit(b, IR_INSN, 0, 0, 0, 0x1000);
            b->n_guest = 1;
            int ns = ir_op_table[op].nsrc;
            ir_val x = ir_get(b, OFF_R(1)), y = ir_get(b, OFF_R(2)), z = ir_get(b, OFF_R(3));
            /* a second op reusing the first's result, so flags accrue twice */
            ir_val d = ir_emit(b, (ir_op)op, x, ns > 1 ? y : 0, ns > 2 ? z : 0, mode);
            ir_put(b, OFF_R(0), d);
            ir_val d2 = ir_emit(b, (ir_op)op, y, ns > 1 ? x : 0, ns > 2 ? z : 0, mode);
            ir_put(b, OFF_R(4), d2);
            ir_emit(b, IR_JMP, 0, 0, 0, 0x2000);
            bool is32 = (op >= IR_FADD32 && op <= IR_FCLASS32) ||
                        (op >= IR_FCVT_W_F32 && op <= IR_FCVT_LU_F32) || op == IR_FCVT_F64_F32 ||
                        op == IR_FUNBOX32;
            for (int k = 0; k < N; k++) {
                init_state(&states[k], (unsigned)k);
                states[k].r[1] = fp_operand(is32);
                states[k].r[2] = fp_operand(is32);
                states[k].r[3] = fp_operand(is32);
                states[k].head.fp_rm = (uint64_t)(k % 7 == 0 ? 1 + k % 4 : 0);
                states[k].head.fp_flags = 0;
            }
            check_states(b, states, N, 1);
            ir_block_free(b);
        }
    }
}

/* ---- host faults: compiled code leaves the state of its last checkpoint
 * (before a guest store: the interpreter's state; before a load: its state
 * before some earlier op), from which the runtime lets the interpreter redo
 * the rest; instret counts the instructions before the checkpoint's, since
 * the redo counts that one and those after it again ---- */

#define FAULT_PAGE 0x8000u /* offset of a PROT_NONE page in test memory */

static sigjmp_buf fault_jb;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)si, (void)uc;
    siglongjmp(fault_jb, 1);
}

/* Makes FAULT_PAGE inaccessible; host faults siglongjmp to fault_jb. */
static void protect_fault_page(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    cr_assert_eq(mprotect(mem_base + FAULT_PAGE, 4096, PROT_NONE), 0);
}

/* Runs b on a copy of init by the interpreter (u NULL) or by unit u of a
 * jit on mem; returns true if it took a host fault, with the state in *out
 * and the exit in *exit (else untouched). */
static bool run_faulting_on(const ir_block *b, jit_unit *u, const ir_mem *mem,
                            const test_state *init, test_state *out, ir_exit *exit)
{
    static test_state st; /* static: survives the siglongjmp */
    st = *init;
    fill_memory(mem_base, 7);
    if (sigsetjmp(fault_jb, 1)) {
        *out = st;
        return true;
    }
    ir_exit e = u ? jit_unit_run(u, &st, mem) : ir_interp_run(b, &st, mem);
    if (exit)
        *exit = e;
    *out = st;
    return false;
}

static bool run_faulting(const ir_block *b, jit_unit *u, const test_state *init, test_state *out)
{
    const ir_mem mem = {mem_base, MEM_SIZE, 0, NULL};
    return run_faulting_on(b, u, &mem, init, out, NULL);
}

/* The block precise_host_faults runs for seed: a random block, then a guest
 * instruction that PUTs a register, then one whose access (op number
 * *access, a load if *is_load) touches the protected page, then more.  If stop is not
 * UINT32_MAX the block ends before its op number stop, with a jump to the
 * pc of the instruction that op belongs to: what the interpreter has done
 * up to there, as a checkpoint at that op would store it. */
static ir_block *faulting_block(uint64_t seed, uint32_t stop, bool *is_load, uint32_t *access)
{
    rng_state = seed;
    ir_block *b = random_block();
    ir_block_truncate(b, b->n_insns - 1); /* drop its final exit */
    ir_emit(b, IR_INSN, 0, 0, 0, 0x1800);
    b->n_guest++;
    ir_put(b, OFF_R(rnd() % 16), ir_const(b, (int64_t)rnd()));
    ir_emit(b, IR_INSN, 0, 0, 0, 0x1804);
    b->n_guest++;
    ir_val addr = ir_const(b, FAULT_PAGE + (int64_t)(rnd() % 4088));
    *is_load = rnd() % 2;
    *access = b->n_insns;
    if (*is_load)
        ir_put(b, OFF_R(rnd() % 16), ir_emit(b, IR_LD64, addr, 0, 0, 0));
    else
        ir_emit(b, IR_ST32, addr, ir_get(b, OFF_R(3)), 0, 0);
    ir_emit(b, IR_INSN, 0, 0, 0, 0x1808);
    b->n_guest++;
    ir_put(b, OFF_R(rnd() % 16), ir_const(b, 99));
    ir_emit(b, IR_JMP, 0, 0, 0, 0x2000);
    if (stop < b->n_insns) {
        int64_t pc = (int64_t)b->pc;
        uint32_t started = 0;
        for (uint32_t i = 0; i < stop; i++)
            if (b->insns[i].op == IR_INSN) {
                pc = b->insns[i].imm;
                started++;
            }
        ir_block_truncate(b, stop);
        ir_emit(b, IR_JMP, 0, 0, 0, pc);
        /* instret: the instructions before the current one (the redo adds
         * the current one and the rest) */
        b->n_guest = started ? started - 1 : 0;
    }
    return b;
}

static bool same_state(const test_state *a, const test_state *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* Is got the state init had, or the interpreter's before some op up to
 * op number access of faulting block seed?  Returns 0 for init, the op
 * number (> 0) where it matched, -1 if none. */
static int prefix_state(uint64_t seed, uint32_t access, const ir_mem *mem, const test_state *init,
                        const test_state *got)
{
    if (same_state(got, init))
        return 0;
    for (uint32_t stop = 0; stop <= access; stop++) {
        bool unused_load;
        uint32_t unused_access;
        ir_block *prefix = faulting_block(seed, stop, &unused_load, &unused_access);
        test_state at;
        bool found = !run_faulting_on(prefix, NULL, mem, init, &at, NULL) && same_state(got, &at);
        ir_block_free(prefix);
        if (found)
            return stop > 0 ? (int)stop : 0;
    }
    return -1;
}

Test(jit, precise_host_faults, .timeout = 600)
{
    protect_fault_page();
    int faults = 0, mid_block = 0;
    for (int i = 0; i < 300; i++) {
        snprintf(what, sizeof what, "faulting block %d", i);
        uint64_t seed = 0xfeedface12345678ull + (uint64_t)i * 0x9e3779b97f4a7c15ull;
        bool is_load;
        uint32_t access;
        ir_block *b = faulting_block(seed, UINT32_MAX, &is_load, &access);
        char vbuf[128];
        cr_assert_null(ir_verify(b, vbuf, sizeof vbuf), "verify");
        test_state init, want, got;
        init_state(&init, (unsigned)i);
        bool wf = run_faulting(b, NULL, &init, &want);
        for (int tier = 1; tier <= 2; tier++) {
            char err[256];
            jit_unit *u = jit_compile_block_sync(J, b, tier, err, sizeof err);
            cr_assert_not_null(u, "%s: tier %d: %s", what, tier, err);
            bool gf = run_faulting(b, u, &init, &got);
            jit_unit_free(J, u);
            cr_assert_eq(gf, wf, "%s: tier %d host fault %d, interpreter %d", what, tier, gf, wf);
            if (!gf) {
                for (size_t w = 0; w < sizeof got / 8; w++)
                    cr_assert_eq(((uint64_t *)&got)[w], ((uint64_t *)&want)[w],
                                 "%s: tier %d state word %zu: %llx, interpreter %llx", what, tier,
                                 w, (unsigned long long)((uint64_t *)&got)[w],
                                 (unsigned long long)((uint64_t *)&want)[w]);
                continue;
            }
            /* The state must be the untouched initial one or the
             * interpreter's before some op up to the faulting access (a
             * store checkpoints only after a load: jit_lift.c). */
            const ir_mem mem = {mem_base, MEM_SIZE, 0, NULL};
            int stop = prefix_state(seed, access, &mem, &init, &got);
            mid_block += stop > 0;
            cr_assert(stop >= 0, "%s: tier %d: a %s fault left pc %llx and a state the interpreter "
                      "never had before that access", what, tier, is_load ? "load" : "store",
                      (unsigned long long)got.head.pc);
        }
        faults += wf;
        ir_block_free(b);
    }
    cr_assert_gt(faults, 100, "only %d blocks reached the faulting access", faults);
    cr_assert_gt(mid_block, 0, "no fault left a checkpoint inside the block");
    mprotect(mem_base + FAULT_PAGE, 4096, PROT_READ | PROT_WRITE);
}

/* With a page table (JP), an access after a load and a store (see
 * checks_page in jit_lift.c) does not fault on the host where the table
 * denies its page: the unit leaves its instruction to the interpreter with
 * the interpreter's state before it (or before an earlier access through
 * the same base, whose check covers this one).  Unchecked accesses still
 * fault and leave a checkpoint, as above. */
Test(jit, page_table_checks, .timeout = 600)
{
    protect_fault_page();
    mem_pages[PAGES_PAD + FAULT_PAGE / 4096] = 0;
    const ir_mem mem = {mem_base, MEM_SIZE, MEM_GUARD, mem_pages + PAGES_PAD};
    int faults = 0, left = 0, host = 0;
    for (int i = 0; i < 300; i++) {
        snprintf(what, sizeof what, "faulting block %d (page table)", i);
        uint64_t seed = 0xfeedface12345678ull + (uint64_t)i * 0x9e3779b97f4a7c15ull;
        bool is_load;
        uint32_t access;
        ir_block *b = faulting_block(seed, UINT32_MAX, &is_load, &access);
        test_state init, want, got;
        init_state(&init, (unsigned)i);
        bool wf = run_faulting_on(b, NULL, &mem, &init, &want, NULL);
        for (int tier = 1; tier <= 2; tier++) {
            char err[256];
            jit_unit *u = jit_compile_block_sync(JP, b, tier, err, sizeof err);
            cr_assert_not_null(u, "%s: tier %d: %s", what, tier, err);
            ir_exit ge = {0};
            bool gf = run_faulting_on(b, u, &mem, &init, &got, &ge);
            jit_unit_free(JP, u);
            bool gl = !gf && ge.kind == IR_EXIT_INTERP;
            host += gf;
            left += gl;
            /* A check covers the accesses through one base to the block's
             * end, so it may stop a run that a side exit would have taken
             * before the denied page: that is fine (the interpreter goes
             * on from the same state), a host fault there is not. */
            cr_assert(wf || !gf, "%s: tier %d faulted, the interpreter did not", what, tier);
            if (!gf && !gl) {
                cr_assert(!wf, "%s: tier %d went past the denied access", what, tier);
                cr_assert(same_state(&got, &want), "%s: tier %d state differs", what, tier);
                continue;
            }
            cr_assert(prefix_state(seed, access, &mem, &init, &got) >= 0, "%s: tier %d: a %s %s left pc %llx and a state the interpreter "
                      "never had before that access", what, tier, is_load ? "load" : "store",
                      gl ? "left to the interpreter" : "fault",
                      (unsigned long long)got.head.pc);
        }
        faults += wf;
        ir_block_free(b);
    }
    cr_assert_gt(faults, 100, "only %d blocks reached the faulting access", faults);
    cr_assert_gt(left, 50, "only %d denied accesses were left to the interpreter", left);
    cr_assert_gt(host, 0, "no unchecked access faulted on the host");
    mem_pages[PAGES_PAD + FAULT_PAGE / 4096] = IR_PAGE_LOAD | IR_PAGE_STORE;
    mprotect(mem_base + FAULT_PAGE, 4096, PROT_READ | PROT_WRITE);
}

/* One check covers every later access through one register value, also
 * through a temp read before a PUT of the register and used after it.
 * r1 = FAULT_PAGE - 64 (t1 = r1 as read at 0x1800):
 *   0x1800 ld r2, 0(t1);  0x1804 sd r2, 8(t1)   (checked: store after load)
 *   0x1808 r1 += 4096
 *   0x180c sd r2, 64(t1)  (on FAULT_PAGE: the check at 0x1804 covers it)
 * The unit must leave 0x1804 to the interpreter (which faults at 0x180c)
 * with the interpreter's state before 0x1804, not fault on the host. */
static ir_block *register_value_block(bool prefix)
{
    ir_block *b = ir_block_new(0x1800);
    ir_emit(b, IR_INSN, 0, 0, 0, 0x1800);
    ir_val t1 = ir_get(b, OFF_R(1));
    ir_put(b, OFF_R(2), ir_emit(b, IR_LD64, t1, 0, 0, 0));
    if (prefix) {
        ir_emit(b, IR_JMP, 0, 0, 0, 0x1804);
        b->n_guest = 1;
        return b;
    }
    ir_emit(b, IR_INSN, 0, 0, 0, 0x1804);
    ir_emit(b, IR_ST64, t1, ir_get(b, OFF_R(2)), 0, 8);
    ir_emit(b, IR_INSN, 0, 0, 0, 0x1808);
    ir_put(b, OFF_R(1), ir_emit(b, IR_ADD, ir_get(b, OFF_R(1)), ir_const(b, 4096), 0, 0));
    ir_emit(b, IR_INSN, 0, 0, 0, 0x180c);
    ir_emit(b, IR_ST64, t1, ir_get(b, OFF_R(2)), 0, 64);
    ir_emit(b, IR_JMP, 0, 0, 0, 0x2000);
    b->n_guest = 4;
    return b;
}

Test(jit, page_check_follows_register_values)
{
    protect_fault_page();
    mem_pages[PAGES_PAD + FAULT_PAGE / 4096] = 0;
    const ir_mem mem = {mem_base, MEM_SIZE, MEM_GUARD, mem_pages + PAGES_PAD};
    ir_block *b = register_value_block(false), *prefix = register_value_block(true);
    char vbuf[128];
    cr_assert_null(ir_verify(b, vbuf, sizeof vbuf), "verify");
    test_state init, want, got;
    init_state(&init, 1);
    init.r[1] = FAULT_PAGE - 64;
    cr_assert(run_faulting_on(b, NULL, &mem, &init, &got, NULL), "the interpreter must fault");
    cr_assert_eq(got.head.pc, 0x180c);
    cr_assert(!run_faulting_on(prefix, NULL, &mem, &init, &want, NULL));
    want.head.pc = 0x1804;
    for (int tier = 1; tier <= 2; tier++) {
        char err[256];
        jit_unit *u = jit_compile_block_sync(JP, b, tier, err, sizeof err);
        cr_assert_not_null(u, "tier %d: %s", tier, err);
        ir_exit e = {0};
        bool fault = run_faulting_on(b, u, &mem, &init, &got, &e);
        jit_unit_free(JP, u);
        cr_assert(!fault && e.kind == IR_EXIT_INTERP, "tier %d: host fault %d, exit %d", tier,
                  fault, e.kind);
        cr_assert(same_state(&got, &want), "tier %d: pc %llx, want %llx", tier,
                  (unsigned long long)got.head.pc, (unsigned long long)want.head.pc);
    }
    ir_block_free(b);
    ir_block_free(prefix);
    mem_pages[PAGES_PAD + FAULT_PAGE / 4096] = IR_PAGE_LOAD | IR_PAGE_STORE;
    mprotect(mem_base + FAULT_PAGE, 4096, PROT_READ | PROT_WRITE);
}

/* ---- several guest threads on one jit ---- */

#define MT_THREADS 3
#define MT_RUNS 150
#define MT_TRIPS 300

/* 0x1000: r0 += 1; r1 += r0; if r0 <u r2 goto 0x1000; else goto 0x1010
 * 0x1010: r3 += 1; goto 0x2000 (no block: the run ends there) */
static ir_block *mt_blocks[2];

static const ir_block *mt_source(void *ctx, uint64_t pc, bool decode)
{
    (void)ctx;
    (void)decode;
    return pc == 0x1000 ? mt_blocks[0] : pc == 0x1010 ? mt_blocks[1] : NULL;
}

static void mt_make_blocks(void)
{
    ir_block *b = ir_block_new(0x1000);
    ir_emit(b, IR_INSN, 0, 0, 0, 0x1000);
    ir_val r0 = ir_emit(b, IR_ADD, ir_get(b, OFF_R(0)), ir_const(b, 1), 0, 0);
    ir_put(b, OFF_R(0), r0);
    ir_put(b, OFF_R(1), ir_emit(b, IR_ADD, ir_get(b, OFF_R(1)), r0, 0, 0));
    ir_emit(b, IR_BR, ir_emit(b, IR_LTU, r0, ir_get(b, OFF_R(2)), 0, 0), 0, 0, 0x1000);
    ir_emit(b, IR_JMP, 0, 0, 0, 0x1010);
    b->end_pc = 0x1010;
    b->n_guest = 1;
    ir_block *c = ir_block_new(0x1010);
    ir_emit(c, IR_INSN, 0, 0, 0, 0x1010);
    ir_put(c, OFF_R(3), ir_emit(c, IR_ADD, ir_get(c, OFF_R(3)), ir_const(c, 1), 0, 0));
    ir_emit(c, IR_JMP, 0, 0, 0, 0x2000);
    c->end_pc = 0x1014;
    c->n_guest = 1;
    mt_blocks[0] = b;
    mt_blocks[1] = c;
}

typedef struct mt_arg {
    jit *j;
    int id;
    int wrong;
    atomic_int *stop;
} mt_arg;

/* One guest thread: at least MT_RUNS runs of the loop, until stopped, through jit_run where there
 * is code and the interpreter (profiled) where there is none. */
static void *mt_guest(void *p)
{
    mt_arg *a = p;
    const ir_mem mem = {mem_base, MEM_SIZE, 0, NULL};
    jit_thread *t = jit_thread_new(a->j, &mem, mt_source, NULL);
    if (!t) {
        a->wrong = -1;
        return NULL;
    }
    for (int run = 0; run < MT_RUNS || !atomic_load(a->stop); run++) {
        test_state s;
        init_state(&s, (unsigned)a->id);
        s.r[0] = s.r[1] = s.r[3] = 0;
        s.r[2] = MT_TRIPS + (uint64_t)(run % 100);
        while (s.head.pc != 0x2000) {
            ir_exit ex;
            if (!jit_run(t, &s, &ex)) {
                const ir_block *b = mt_source(NULL, s.head.pc, false);
                ex = ir_interp_run(b, &s, &mem);
                jit_note_block(t, b, &s, &ex);
            }
            if (ex.kind != IR_EXIT_NEXT) {
                a->wrong = -2;
                break;
            }
        }
        uint64_t n = s.r[2];
        if (s.r[0] != n || s.r[1] != n * (n + 1) / 2 || s.r[3] != 1)
            a->wrong++;
        if (run % 50 == 25) { /* a syscall: offline for a moment */
            jit_thread_offline(t);
            usleep(200);
            jit_thread_online(t);
        }
    }
    jit_thread_free(t);
    return NULL;
}

/* Threads share compiled code and tier it up while another thread drops
 * every translation again and again: every run must still compute the
 * right sums (and, under ASan, nobody may run freed code). */
static void mt_run(jit_mode mode)
{
    jit_options o;
    jit_options_default(&o);
    o.mode = mode;
    o.hot1 = 3;
    o.hot2 = 40;
    char err[256];
    jit *j = jit_new(&o, sizeof(test_state), &(ir_mem){mem_base, MEM_SIZE, 0, NULL}, err, sizeof err);
    cr_assert_not_null(j, "jit_new: %s", err);
    mt_make_blocks();
    pthread_t th[MT_THREADS];
    mt_arg args[MT_THREADS];
    atomic_int stop = 0;
    for (int i = 0; i < MT_THREADS; i++) {
        args[i] = (mt_arg){j, i, 0, &stop};
        cr_assert_eq(pthread_create(&th[i], NULL, mt_guest, &args[i]), 0);
    }
    usleep(50000); /* compiled, tiered up, shared */
    for (int i = 0; i < 40; i++) {
        usleep(3000);
        jit_invalidate(j);
    }
    usleep(50000);
    atomic_store(&stop, 1);
    for (int i = 0; i < MT_THREADS; i++) {
        pthread_join(th[i], NULL);
        cr_expect_eq(args[i].wrong, 0, "%s: thread %d: %d wrong runs", jit_mode_name(mode), i,
                     args[i].wrong);
    }
    jit_free(j);
    ir_block_free(mt_blocks[0]);
    ir_block_free(mt_blocks[1]);
}

Test(jit, threads_share_code_auto) { mt_run(JIT_AUTO); }
Test(jit, threads_share_code_t1) { mt_run(JIT_T1); }
Test(jit, threads_share_code_t2) { mt_run(JIT_T2); }
