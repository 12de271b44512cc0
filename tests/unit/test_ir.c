/*
 * test_ir.c — the IR builder, verifier, printer and the reference
 * interpreter's meaning of every op (FP ops: see test_fp.c for the edge
 * cases; here each FP op is run once through the interpreter).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "ir/ir.h"
#include "ir/ir_fp.h"

typedef struct test_state {
    ir_state_head head;
    uint64_t r[4];
} test_state;

#define OFF_R(i) (offsetof(test_state, r) + 8 * (i))

static uint8_t memory[4096];
static const ir_mem test_mem = {memory, sizeof memory, 0, NULL};

/* Runs a block computing op(a, b, c) into r[0]; returns r[0]. */
static uint64_t run3(ir_op op, uint64_t a, uint64_t b, uint64_t c, int64_t imm, test_state *st)
{
    ir_block *blk = ir_block_new(0x1000);
    ir_val ta = ir_const(blk, (int64_t)a), tb = ir_const(blk, (int64_t)b), tc = ir_const(blk, (int64_t)c);
    int n = ir_op_table[op].nsrc;
    ir_val d = ir_emit(blk, op, n > 0 ? ta : 0, n > 1 ? tb : 0, n > 2 ? tc : 0, imm);
    if (d != IR_NONE)
        ir_put(blk, OFF_R(0), d);
    ir_emit(blk, IR_JMP, 0, 0, 0, 0x2000);
    char buf[128];
    const char *err = ir_verify(blk, buf, sizeof buf);
    cr_assert_null(err, "verify: %s", err);
    ir_exit e = ir_interp_run(blk, st, &test_mem);
    cr_assert_eq(e.kind, IR_EXIT_NEXT);
    cr_assert_eq(st->head.pc, 0x2000);
    ir_block_free(blk);
    return st->r[0];
}

static uint64_t run(ir_op op, uint64_t a, uint64_t b)
{
    test_state st = {0};
    return run3(op, a, b, 0, 0, &st);
}

typedef struct { ir_op op; uint64_t a, b, want; } int_case;

static const int_case int_cases[] = {
    {IR_ADD, 5, 7, 12}, {IR_ADD, UINT64_MAX, 1, 0},
    {IR_SUB, 5, 7, (uint64_t)-2},
    {IR_AND, 0xf0f0, 0xff00, 0xf000}, {IR_OR, 0xf0, 0x0f, 0xff}, {IR_XOR, 0xff, 0x0f, 0xf0},
    {IR_SHL, 1, 63, 1ull << 63}, {IR_SHL, 1, 64, 1}, {IR_SHR, 1ull << 63, 63, 1},
    {IR_SAR, 1ull << 63, 63, UINT64_MAX}, {IR_SAR, 0x80, 65, 0x40},
    {IR_ROTL, 0x8000000000000001ull, 1, 3}, {IR_ROTR, 3, 1, 0x8000000000000001ull},
    {IR_ROTL, 0x1234, 0, 0x1234},
    {IR_ROTL32, 0x80000001u, 1, 3}, {IR_ROTR32, 3, 1, 0xffffffff80000001ull},
    {IR_ROTR32, 0x12345678, 32, 0x12345678},
    {IR_MUL, 0x100000001ull, 0x100000001ull, 0x200000001ull},
    {IR_MULH, (uint64_t)-2, 3, UINT64_MAX}, {IR_MULH, 1ull << 62, 4, 1},
    {IR_MULHU, UINT64_MAX, UINT64_MAX, UINT64_MAX - 1},
    {IR_MULHSU, (uint64_t)-1, UINT64_MAX, UINT64_MAX},
    {IR_DIV, (uint64_t)-7, 2, (uint64_t)-3}, {IR_DIV, 7, 0, UINT64_MAX},
    {IR_DIV, 1ull << 63, (uint64_t)-1, 1ull << 63},
    {IR_DIVU, UINT64_MAX, 2, UINT64_MAX / 2}, {IR_DIVU, 9, 0, UINT64_MAX},
    {IR_REM, (uint64_t)-7, 2, (uint64_t)-1}, {IR_REM, 7, 0, 7}, {IR_REM, 1ull << 63, (uint64_t)-1, 0},
    {IR_REMU, 7, 3, 1}, {IR_REMU, 7, 0, 7},
    {IR_DIVW, 0xffffffff80000000ull, (uint64_t)-1, 0xffffffff80000000ull},
    {IR_DIVW, 0x100000007ull, 0x2, 3}, {IR_DIVW, 5, 0x100000000ull, UINT64_MAX},
    {IR_DIVUW, 0xffffffffull, 1, UINT64_MAX}, {IR_DIVUW, 7, 0, UINT64_MAX},
    {IR_REMW, 0x80000000ull, (uint64_t)-1, 0}, {IR_REMW, (uint64_t)-7, 0, (uint64_t)-7},
    {IR_REMW, 0x1fffffff9ull, 2, (uint64_t)-1},
    {IR_REMUW, 0x80000007ull, 0, 0xffffffff80000007ull}, {IR_REMUW, 10, 4, 2},
    {IR_EQ, 3, 3, 1}, {IR_EQ, 3, 4, 0}, {IR_NE, 3, 4, 1},
    {IR_LTS, (uint64_t)-1, 0, 1}, {IR_LTU, (uint64_t)-1, 0, 0}, {IR_LTU, 0, 1, 1},
};

Test(ir_interp, integer_binary_ops)
{
    for (size_t i = 0; i < sizeof int_cases / sizeof int_cases[0]; i++) {
        const int_case *c = &int_cases[i];
        uint64_t got = run(c->op, c->a, c->b);
        cr_expect_eq(got, c->want, "%s(%#llx, %#llx) = %#llx, want %#llx", ir_op_table[c->op].name,
                     (unsigned long long)c->a, (unsigned long long)c->b, (unsigned long long)got,
                     (unsigned long long)c->want);
    }
}

static const int_case unary_cases[] = {
    {IR_NOT, 0, 0, UINT64_MAX}, {IR_NEG, 1, 0, UINT64_MAX},
    {IR_SEXT8, 0x80, 0, 0xffffffffffffff80ull}, {IR_SEXT8, 0x17f, 0, 0x7f},
    {IR_SEXT16, 0x8000, 0, 0xffffffffffff8000ull}, {IR_SEXT32, 0x80000000ull, 0, 0xffffffff80000000ull},
    {IR_ZEXT8, 0x1ff, 0, 0xff}, {IR_ZEXT16, 0x1ffff, 0, 0xffff}, {IR_ZEXT32, UINT64_MAX, 0, 0xffffffffull},
    {IR_CLZ, 0, 0, 64}, {IR_CLZ, 1, 0, 63}, {IR_CTZ, 0, 0, 64}, {IR_CTZ, 0x80, 0, 7},
    {IR_CPOP, 0xff00ff, 0, 16}, {IR_BSWAP, 0x0102030405060708ull, 0, 0x0807060504030201ull},
    {IR_ORCB, 0x0001000000100200ull, 0, 0x00ff000000ffff00ull},
    {IR_FUNBOX32, 0xffffffff3f800000ull, 0, 0x3f800000}, {IR_FUNBOX32, 0x3f800000, 0, 0x7fc00000},
    {IR_FCLASS64, 0xfff0000000000000ull, 0, IR_FCLASS_NEG_INF},
    {IR_FCLASS32, 0x7f800001, 0, IR_FCLASS_SNAN},
};

Test(ir_interp, integer_unary_ops)
{
    for (size_t i = 0; i < sizeof unary_cases / sizeof unary_cases[0]; i++) {
        const int_case *c = &unary_cases[i];
        uint64_t got = run(c->op, c->a, 0);
        cr_expect_eq(got, c->want, "%s(%#llx) = %#llx, want %#llx", ir_op_table[c->op].name,
                     (unsigned long long)c->a, (unsigned long long)got, (unsigned long long)c->want);
    }
}

Test(ir_interp, select_const_get_put)
{
    test_state st = {0};
    cr_expect_eq(run3(IR_SELECT, 1, 10, 20, 0, &st), 10);
    cr_expect_eq(run3(IR_SELECT, 0, 10, 20, 0, &st), 20);
    st.r[1] = 0xabc;
    ir_block *b = ir_block_new(0);
    ir_put(b, OFF_R(2), ir_get(b, OFF_R(1)));
    ir_emit(b, IR_JMP, 0, 0, 0, 4);
    ir_interp_run(b, &st, &test_mem);
    cr_expect_eq(st.r[2], 0xabc);
    ir_block_free(b);
}

/* Loads and stores of every width, sign extension, and bounds traps. */
Test(ir_interp, loads_and_stores)
{
    test_state st = {0};
    memset(memory, 0, sizeof memory);
    run3(IR_ST64, 0x100, 0x8877665544332211ull, 0, 8, &st);
    cr_expect_eq(run3(IR_LD64, 0x100, 0, 0, 8, &st), 0x8877665544332211ull);
    cr_expect_eq(run3(IR_LD8U, 0x108, 0, 0, 7, &st), 0x88);
    cr_expect_eq(run3(IR_LD8S, 0x108, 0, 0, 7, &st), 0xffffffffffffff88ull);
    cr_expect_eq(run3(IR_LD16U, 0x108, 0, 0, 6, &st), 0x8877);
    cr_expect_eq(run3(IR_LD16S, 0x108, 0, 0, 6, &st), 0xffffffffffff8877ull);
    cr_expect_eq(run3(IR_LD32U, 0x108, 0, 0, 4, &st), 0x88776655ull);
    cr_expect_eq(run3(IR_LD32S, 0x108, 0, 0, 4, &st), 0xffffffff88776655ull);
    run3(IR_ST8, 0x200, 0x1ff, 0, 0, &st);
    run3(IR_ST16, 0x201, 0x2eeee, 0, 0, &st);
    run3(IR_ST32, 0x203, 0x1dddddddd, 0, 0, &st);
    cr_expect_eq(run3(IR_LD64, 0x200, 0, 0, 0, &st), 0x00ddddddddeeeeffull);
}

static ir_exit run_trap(ir_op op, uint64_t addr)
{
    test_state st = {0};
    ir_block *b = ir_block_new(0x40);
    ir_emit(b, IR_INSN, 0, 0, 0, 0x40);
    ir_val a = ir_const(b, (int64_t)addr), v = ir_const(b, 1);
    ir_emit(b, op, a, ir_op_table[op].nsrc > 1 ? v : 0, 0, 0);
    ir_emit(b, IR_JMP, 0, 0, 0, 0x44);
    ir_exit e = ir_interp_run(b, &st, &test_mem);
    cr_expect_eq(st.head.pc, 0x40, "trap pc is the faulting instruction's");
    ir_block_free(b);
    return e;
}

Test(ir_interp, memory_traps_stay_inside_the_guest_space)
{
    ir_exit e = run_trap(IR_LD64, sizeof memory - 4);
    cr_expect_eq(e.kind, IR_EXIT_TRAP);
    cr_expect_eq(e.trap, IR_TRAP_LOAD_FAULT);
    cr_expect_eq(e.addr, sizeof memory - 4);
    e = run_trap(IR_ST8, UINT64_MAX);
    cr_expect_eq(e.trap, IR_TRAP_STORE_FAULT);
    e = run_trap(IR_AMO64, 0x104);
    cr_expect_eq(e.trap, IR_TRAP_MISALIGNED);
    e = run_trap(IR_LR32, 0x102);
    cr_expect_eq(e.trap, IR_TRAP_MISALIGNED);
    e = run_trap(IR_SC64, 0x103);
    cr_expect_eq(e.trap, IR_TRAP_MISALIGNED);
    e = run_trap(IR_SC64, 1ull << 40 | 8);
    cr_expect_eq(e.trap, IR_TRAP_STORE_FAULT);
}

Test(ir_interp, atomics)
{
    test_state st = {0};
    st.head.resv_addr = UINT64_MAX;
    memset(memory, 0, sizeof memory);
    run3(IR_ST64, 0x300, 10, 0, 0, &st);
    cr_expect_eq(run3(IR_AMO64, 0x300, 5, 0, IR_AMO_ADD, &st), 10);
    cr_expect_eq(run3(IR_AMO64, 0x300, (uint64_t)-1, 0, IR_AMO_MIN, &st), 15);
    cr_expect_eq(run3(IR_AMO64, 0x300, 3, 0, IR_AMO_MAXU, &st), UINT64_MAX);
    cr_expect_eq(run3(IR_AMO64, 0x300, 6, 0, IR_AMO_SWAP, &st), UINT64_MAX);
    cr_expect_eq(run3(IR_AMO64, 0x300, 3, 0, IR_AMO_XOR, &st), 6);
    cr_expect_eq(run3(IR_AMO64, 0x300, 1, 0, IR_AMO_OR, &st), 5);
    cr_expect_eq(run3(IR_AMO64, 0x300, 4, 0, IR_AMO_AND, &st), 5);
    cr_expect_eq(run3(IR_AMO64, 0x300, 7, 0, IR_AMO_MAX, &st), 4);
    cr_expect_eq(run3(IR_AMO64, 0x300, 2, 0, IR_AMO_MINU, &st), 7);
    cr_expect_eq(run3(IR_LD64, 0x300, 0, 0, 0, &st), 2);
    /* 32-bit AMOs sign-extend the old value and compare as 32-bit. */
    run3(IR_ST32, 0x310, 0x80000000u, 0, 0, &st);
    cr_expect_eq(run3(IR_AMO32, 0x310, 1, 0, IR_AMO_MAX, &st), 0xffffffff80000000ull);
    cr_expect_eq(run3(IR_AMO32, 0x310, 0xffffffff, 0, IR_AMO_MINU, &st), 1);
    /* LR/SC: success, then failure without a reservation. */
    cr_expect_eq(run3(IR_LR64, 0x300, 0, 0, 0, &st), 2);
    cr_expect_eq(st.head.resv_addr, 0x300);
    cr_expect_eq(run3(IR_SC64, 0x300, 9, 0, 0, &st), 0);
    cr_expect_eq(run3(IR_SC64, 0x300, 11, 0, 0, &st), 1);
    cr_expect_eq(run3(IR_LD64, 0x300, 0, 0, 0, &st), 9);
    run3(IR_LR32, 0x310, 0, 0, 0, &st);
    run3(IR_ST32, 0x310, 5, 0, 0, &st); /* value changed under the reservation */
    cr_expect_eq(run3(IR_SC32, 0x310, 6, 0, 0, &st), 1);
}

Test(ir_interp, exits)
{
    test_state st = {0};
    ir_block *b = ir_block_new(0x10);
    ir_emit(b, IR_INSN, 0, 0, 0, 0x10);
    ir_emit(b, IR_BR, ir_const(b, 0), 0, 0, 0x100);
    ir_emit(b, IR_BR, ir_const(b, 1), 0, 0, 0x200);
    ir_emit(b, IR_JMP, 0, 0, 0, 0x300);
    ir_exit e = ir_interp_run(b, &st, &test_mem);
    cr_expect_eq(e.kind, IR_EXIT_NEXT);
    cr_expect_eq(st.head.pc, 0x200);
    ir_block_free(b);

    static const struct { ir_op op; ir_exit_kind kind; } ends[] = {
        {IR_SYSCALL, IR_EXIT_SYSCALL}, {IR_FENCEI, IR_EXIT_FLUSH}, {IR_JMP, IR_EXIT_NEXT}};
    for (size_t i = 0; i < 3; i++) {
        b = ir_block_new(0x10);
        ir_emit(b, ends[i].op, 0, 0, 0, 0x14);
        e = ir_interp_run(b, &st, &test_mem);
        cr_expect_eq(e.kind, ends[i].kind);
        cr_expect_eq(st.head.pc, 0x14);
        ir_block_free(b);
    }
    b = ir_block_new(0x10);
    ir_emit(b, IR_INSN, 0, 0, 0, 0x18);
    ir_val t = ir_const(b, 0x99);
    ir_emit(b, IR_JMPR, t, 0, 0, 0);
    e = ir_interp_run(b, &st, &test_mem);
    cr_expect_eq(st.head.pc, 0x99);
    ir_block_free(b);

    b = ir_block_new(0x10);
    ir_emit(b, IR_INSN, 0, 0, 0, 0x1c);
    ir_emit(b, IR_TRAPIF, ir_const(b, 0), 0, 0, IR_TRAP_ILLEGAL);
    ir_emit(b, IR_TRAP, 0, 0, 0, IR_TRAP_BREAKPOINT);
    e = ir_interp_run(b, &st, &test_mem);
    cr_expect_eq(e.kind, IR_EXIT_TRAP);
    cr_expect_eq(e.trap, IR_TRAP_BREAKPOINT);
    cr_expect_eq(st.head.pc, 0x1c);
    ir_block_free(b);
}

Test(ir_interp, clock_and_fence)
{
    test_state st = {0};
    st.head.instret = 41;
    cr_expect_eq(run3(IR_CLOCK, 0, 0, 0, IR_CLOCK_INSTRET, &st), 41);
    uint64_t t0 = run3(IR_CLOCK, 0, 0, 0, IR_CLOCK_TIME, &st);
    uint64_t t1 = run3(IR_CLOCK, 0, 0, 0, IR_CLOCK_TIME, &st);
    cr_expect_geq(t1, t0, "time never goes backwards");
    ir_block *b = ir_block_new(0);
    ir_emit(b, IR_FENCE, 0, 0, 0, 0);
    ir_emit(b, IR_JMP, 0, 0, 0, 8);
    cr_expect_eq(ir_interp_run(b, &st, &test_mem).kind, IR_EXIT_NEXT);
    ir_block_free(b);
}

/* Each FP op once through the interpreter: the op reaches its semantics,
 * the rounding mode comes from imm or (DYN) the state head, flags accrue. */
Test(ir_interp, fp_ops_dispatch)
{
    test_state st = {0};
    const uint64_t one32 = 0x3f800000, two32 = 0x40000000, one64 = 0x3ff0000000000000ull,
                   two64 = 0x4000000000000000ull;
    cr_expect_eq(run3(IR_FADD32, one32, one32, 0, IR_RM_RNE, &st), two32);
    cr_expect_eq(run3(IR_FSUB64, two64, one64, 0, IR_RM_RNE, &st), one64);
    cr_expect_eq(run3(IR_FMUL64, two64, two64, 0, IR_RM_RNE, &st), 0x4010000000000000ull);
    cr_expect_eq(run3(IR_FDIV32, one32, two32, 0, IR_RM_RNE, &st), 0x3f000000);
    cr_expect_eq(run3(IR_FSQRT64, 0x4010000000000000ull, 0, 0, IR_RM_RNE, &st), two64);
    cr_expect_eq(run3(IR_FMADD64, two64, two64, one64, IR_RM_RNE, &st), 0x4014000000000000ull);
    cr_expect_eq(run3(IR_FNMADD32, two32, two32, one32, IR_RM_RNE, &st), 0xc0a00000);
    cr_expect_eq(run3(IR_FMIN64, one64, two64, 0, 0, &st), one64);
    cr_expect_eq(run3(IR_FLT32, one32, two32, 0, 0, &st), 1);
    cr_expect_eq(run3(IR_FCVT_W_F64, 0xc004000000000000ull /* -2.5 */, 0, 0, IR_RM_RNE, &st),
                 (uint64_t)-2);
    cr_expect_eq(st.head.fp_flags, IR_FPF_NX);
    /* Dynamic rounding: -2.5 rounds down to -3 under RDN. */
    st.head.fp_rm = IR_RM_RDN;
    cr_expect_eq(run3(IR_FCVT_W_F64, 0xc004000000000000ull, 0, 0, IR_RM_DYN, &st), (uint64_t)-3);
    /* An invalid dynamic rounding mode is an illegal instruction. */
    st.head.fp_rm = 5;
    ir_block *b = ir_block_new(0x50);
    ir_emit(b, IR_INSN, 0, 0, 0, 0x50);
    ir_emit(b, IR_FSQRT32, ir_const(b, one32), 0, 0, IR_RM_DYN);
    ir_emit(b, IR_JMP, 0, 0, 0, 0x54);
    ir_exit e = ir_interp_run(b, &st, &test_mem);
    cr_expect_eq(e.kind, IR_EXIT_TRAP);
    cr_expect_eq(e.trap, IR_TRAP_ILLEGAL);
    ir_block_free(b);
}

Test(ir_verify, rejects_malformed_blocks)
{
    char buf[128];
    ir_block *b = ir_block_new(0);
    ir_const(b, 1);
    cr_expect_not_null(ir_verify(b, buf, sizeof buf), "an open block is rejected");
    ir_emit(b, IR_JMP, 0, 0, 0, 4);
    cr_expect_null(ir_verify(b, buf, sizeof buf));
    b->insns[1] = (ir_insn){.op = IR_ADD, .d = 2, .a = 1, .b = 5};
    b->n_temps = 2;
    ir_emit(b, IR_JMP, 0, 0, 0, 4);
    cr_expect_not_null(ir_verify(b, buf, sizeof buf), "use of an undefined temp");
    cr_expect(strstr(buf, "undefined") != NULL, "%s", buf);
    b->insns[1] = (ir_insn){.op = IR_FADD64, .d = 2, .a = 1, .b = 1, .imm = 5};
    cr_expect_not_null(ir_verify(b, buf, sizeof buf), "rounding mode 5 is reserved");
    b->insns[1] = (ir_insn){.op = 250};
    cr_expect_not_null(ir_verify(b, buf, sizeof buf), "unknown op");
    ir_block_free(b);
}

Test(ir_print, text_form)
{
    ir_block *b = ir_block_new(0x10078);
    ir_emit(b, IR_INSN, 0, 0, 0, 0x10078);
    ir_val x = ir_get(b, 88);
    ir_val y = ir_const(b, -1);
    ir_put(b, 96, ir_bin(b, IR_ADD, x, y));
    ir_emit(b, IR_ST32, x, y, 0, -8);
    ir_emit(b, IR_JMP, 0, 0, 0, 0x1007c);
    b->end_pc = 0x1007c;
    b->n_guest = 1;
    char *s = ir_block_to_string(b);
    cr_expect_str_eq(s, "block 0x10078..0x1007c guest=1\n"
                        "  insn 0x10078\n"
                        "  t1 = get 88\n"
                        "  t2 = const -1\n"
                        "  t3 = add t1, t2\n"
                        "  put t3, 96\n"
                        "  st32 t1, t2, -8\n"
                        "  jmp 0x1007c\n");
    free(s);
    ir_block_free(b);
}

Test(ir_ops, table_is_complete)
{
    for (int op = 0; op < IR_OP_COUNT; op++) {
        cr_expect_not_null(ir_op_table[op].name);
        cr_expect_leq(ir_op_table[op].nsrc, 3);
        cr_expect_not_null(ir_op_table[op].doc);
    }
}

/* A block built in a scratch array, past its end onto the heap, then
 * finished into one allocation: every instruction kept, in order. */
static void build_and_finish(uint32_t scratch_cap, uint32_t n, ir_storage while_building)
{
    ir_insn scratch[8];
    ir_block b;
    ir_block_start(&b, 0x1000, scratch, scratch_cap);
    for (uint32_t i = 0; i < n; i++)
        ir_const(&b, (int64_t)i * 3);
    ir_emit(&b, IR_JMP, 0, 0, 0, 0x2000);
    cr_assert_eq(b.storage, while_building);
    b.end_pc = 0x1004;
    ir_block *f = ir_block_finish(&b);
    cr_assert_not_null(f);
    cr_expect_eq(b.n_insns, 0, "the building block gave up its instructions");
    cr_expect_eq(f->storage, IR_INSNS_INLINE);
    cr_expect_eq((void *)f->insns, (void *)(f + 1), "instructions follow the block");
    cr_expect_eq(f->pc, 0x1000);
    cr_expect_eq(f->end_pc, 0x1004);
    cr_assert_eq(f->n_insns, n + 1);
    cr_expect_eq(f->n_temps, n);
    for (uint32_t i = 0; i < n; i++)
        cr_expect_eq(f->insns[i].imm, (int64_t)i * 3, "insn %u", i);
    cr_expect_eq(f->insns[n].op, IR_JMP);
    char buf[128];
    const char *err = ir_verify(f, buf, sizeof buf);
    cr_expect_null(err, "verify: %s", err);
    /* A finished block can still grow (it moves to the heap). */
    ir_emit(f, IR_JMP, 0, 0, 0, 0x3000);
    cr_expect_eq(f->storage, IR_INSNS_HEAP);
    cr_expect_eq(f->insns[n + 1].imm, 0x3000);
    cr_expect_eq(f->insns[0].imm, 0);
    ir_block_free(f);
}

Test(ir_builder, scratch_block_finished_into_one_allocation)
{
    build_and_finish(8, 3, IR_INSNS_BORROWED);
}

Test(ir_builder, scratch_block_that_outgrows_its_scratch)
{
    build_and_finish(8, 100, IR_INSNS_HEAP);
}
