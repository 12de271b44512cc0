/*
 * test_rv_decode.h — helpers shared by the riscv64 frontend tests
 * (test_rv_decode*.c): decoding raw bytes through a fetch callback, the
 * golden IR text of one instruction, and running decoded code with the IR
 * interpreter on a small guest memory.
 */
#ifndef LIFTVM_TEST_RV_DECODE_H
#define LIFTVM_TEST_RV_DECODE_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/fe.h"
#include "frontend/riscv64/rv_state.h"
#include "ir/ir.h"

#define RVT_PC 0x1000

/* Code bytes visible to the fetch callback at [base, base + len). */
typedef struct rvt_code {
    uint64_t base;
    const uint8_t *bytes;
    size_t len;
} rvt_code;

static inline bool rvt_fetch(void *ctx, uint64_t addr, uint16_t *out)
{
    const rvt_code *c = ctx;
    if (addr < c->base || addr - c->base + 2 > c->len)
        return false;
    size_t o = (size_t)(addr - c->base);
    *out = (uint16_t)(c->bytes[o] | c->bytes[o + 1] << 8);
    return true;
}

/* The bytes of one instruction word: 2 for a compressed one, else 4. */
static inline size_t rvt_bytes(uint32_t word, uint8_t out[4])
{
    memcpy(out, &word, 4);
    return (word & 3) == 3 ? 4 : 2;
}

/* Decodes the block of a single instruction at RVT_PC and checks that it
 * verifies and starts with the instruction's INSN marker. */
static inline ir_block *rvt_block1(uint32_t word)
{
    uint8_t bytes[4];
    rvt_code c = {RVT_PC, bytes, rvt_bytes(word, bytes)};
    ir_block *b = fe_riscv64.decode_block(RVT_PC, rvt_fetch, &c, 1);
    cr_assert_not_null(b);
    char buf[128];
    const char *err = ir_verify(b, buf, sizeof buf);
    cr_assert_null(err, "0x%08x: IR does not verify: %s", word, err);
    cr_assert_eq(b->insns[0].op, IR_INSN);
    cr_assert_eq(b->insns[0].imm, RVT_PC);
    cr_assert_eq(b->n_guest, 1);
    return b;
}

/* The IR of one instruction after its INSN marker, one op per "; ". */
static inline char *rvt_ir(uint32_t word)
{
    ir_block *b = rvt_block1(word);
    char *text = ir_block_to_string(b);
    ir_block_free(b);
    cr_assert_not_null(text);
    char *p = strchr(text, '\n');     /* skip "block ..." */
    p = p ? strchr(p + 1, '\n') : p; /* skip "insn 0x1000" */
    char *out = calloc(1, strlen(text) + 1);
    size_t n = 0;
    while (p && *++p) {
        while (*p == ' ')
            p++;
        char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (n)
            n += (size_t)sprintf(out + n, "; ");
        memcpy(out + n, p, len);
        n += len;
        p = e;
    }
    free(text);
    return out;
}

typedef struct rvt_case {
    uint32_t word;
    const char *ir;
} rvt_case;

static inline void rvt_check_cases(const rvt_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *got = rvt_ir(cases[i].word);
        cr_expect_str_eq(got, cases[i].ir, "0x%08x:\n  got  %s\n  want %s", cases[i].word, got,
                         cases[i].ir);
        free(got);
    }
}

/* Disassembles one instruction word at RVT_PC. */
static inline const char *rvt_dis(uint32_t word)
{
    static char buf[96];
    uint8_t bytes[4];
    rvt_code c = {RVT_PC, bytes, rvt_bytes(word, bytes)};
    unsigned len = fe_riscv64.disasm(RVT_PC, rvt_fetch, &c, buf, sizeof buf);
    cr_assert_eq(len, c.len, "0x%08x: length %u", word, len);
    return buf;
}

/* ---- running code: guest memory is a malloc'd buffer, code at RVT_PC ---- */

#define RVT_MEM_SIZE 0x10000

typedef struct rvt_machine {
    fe_rv64_state st;
    uint8_t *mem;
    ir_mem m;
    uint64_t code_end;
} rvt_machine;

static inline void rvt_init(rvt_machine *vm)
{
    fe_riscv64.state_init(&vm->st);
    vm->mem = calloc(1, RVT_MEM_SIZE);
    cr_assert_not_null(vm->mem);
    vm->m = (ir_mem){vm->mem, RVT_MEM_SIZE, 0, NULL};
    vm->code_end = RVT_PC;
    vm->st.head.pc = RVT_PC;
}

static inline void rvt_fini(rvt_machine *vm) { free(vm->mem); }

/* Appends instruction words (compressed ones take 2 bytes) to the code. */
static inline void rvt_code_add(rvt_machine *vm, const uint32_t *words, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t bytes[4];
        size_t len = rvt_bytes(words[i], bytes);
        memcpy(vm->mem + vm->code_end, bytes, len);
        vm->code_end += len;
    }
}

static inline bool rvt_mem_fetch(void *ctx, uint64_t addr, uint16_t *out)
{
    rvt_machine *vm = ctx;
    if (addr < RVT_PC || addr + 2 > vm->code_end)
        return false;
    memcpy(out, vm->mem + addr, 2);
    return true;
}

/* Runs from the current pc until it reaches the end of the code or a block
 * exits other than by a plain jump; returns that exit. */
static inline ir_exit rvt_run(rvt_machine *vm)
{
    ir_exit e = {.kind = IR_EXIT_NEXT};
    for (int steps = 0; steps < 10000 && vm->st.head.pc != vm->code_end; steps++) {
        ir_block *b = fe_riscv64.decode_block(vm->st.head.pc, rvt_mem_fetch, vm, 64);
        cr_assert_not_null(b);
        e = ir_interp_run(b, &vm->st, &vm->m);
        ir_block_free(b);
        if (e.kind != IR_EXIT_NEXT)
            break;
    }
    return e;
}

/* Runs the given code from RVT_PC to its end and expects a normal finish. */
static inline void rvt_exec(rvt_machine *vm, const uint32_t *words, size_t n)
{
    rvt_code_add(vm, words, n);
    ir_exit e = rvt_run(vm);
    cr_assert_eq(e.kind, IR_EXIT_NEXT, "exit kind %d trap %d at 0x%llx", e.kind, e.trap,
                 (unsigned long long)vm->st.head.pc);
    cr_assert_eq(vm->st.head.pc, vm->code_end);
}

#define RVT_N(a) (sizeof(a) / sizeof((a)[0]))

#endif
