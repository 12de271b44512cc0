/*
 * rand_diff.h — what the random-stream harness (rand_diff.c) shares with
 * its qemu oracle (rand_qemu.c): the final state of one run.
 */
#ifndef LIFTVM_RAND_DIFF_H
#define LIFTVM_RAND_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/riscv64/rv_state.h"
#include "ir/ir.h"
#include "mmu/mmu.h"
#include "tests/rand/rv_gen.h"

typedef enum rd_status {
    RD_EXIT,    /* reached the terminating ecall */
    RD_SIGNAL,  /* stopped by a guest trap (sig says which) */
    RD_FAILED,  /* the engine itself failed (err says why) */
} rd_status;

/* What a run leaves behind; every engine's result must be equal. */
typedef struct rd_result {
    rd_status status;
    int sig;      /* RD_SIGNAL: the Linux signal the trap raises (SIGILL, ...) */
    uint64_t pc;  /* RD_EXIT: pc after the ecall; RD_SIGNAL: pc of the trapping insn */
    uint64_t x[32], f[32];
    uint64_t fflags, frm;
    uint8_t sandbox[RVG_SANDBOX_SIZE];
    char err[160];
} rd_result;

/* Guest memory shared by all engines: every slot's code (R+X) and data
 * page (R+W), see rv_gen.h. */
typedef struct rd_machine {
    mmu_space *mm;
    ir_mem mem;
} rd_machine;

/* An execution engine: runs the stream whose code is in memory from st
 * (pc = its first instruction) until the ecall at end_pc or a trap, leaving
 * the final state in st.  Returns RD_EXIT, RD_SIGNAL with *sig set, or
 * RD_FAILED with err set. */
typedef struct rd_engine rd_engine;
struct rd_engine {
    const char *name;
    const char *doc;
    rd_status (*run)(rd_engine *e, const rd_machine *m, fe_rv64_state *st, uint64_t end_pc,
                     int *sig, char *err, size_t errlen);
    /* Optional: prepares the engine (false with err if it cannot run here). */
    bool (*open)(rd_engine *e, const rd_machine *m, char *err, size_t errlen);
    void (*close)(rd_engine *e);
    unsigned param; /* engine-specific (block size, tier) */
    void *ctx;
    bool jit;       /* compiles code (slow; see rand_diff --jit-every) */
};

/* The engines built into this harness (rand_engine.c); the first is the
 * reference interpreter. */
rd_engine *rd_engines(size_t *n);

/* The Linux signal a guest trap raises. */
int rd_trap_signal(ir_trap t);

/* One laid-out stream and its initial state, as the oracle needs it. */
typedef struct rd_stream {
    unsigned slot;
    const uint8_t *code;
    size_t len;
    size_t term_off; /* offset of the final ecall */
    const fe_rv64_state *init;
    const uint8_t *sandbox;
} rd_stream;

/* Runs streams (slots distinct, increasing, < RVG_MAX_SLOTS) as one static
 * riscv64 program under qemu-riscv64, in the scratch directory dir.
 * Fills out[i] for each; returns false (with err) if the program could not
 * be built or run at all. */
bool rd_qemu_run(const char *dir, const rd_stream *s, size_t n, rd_result *out, char *err,
                 size_t errlen);

/* Writes the assembly source of that program to path (for --asm). */
bool rd_qemu_write_asm(const char *path, const rd_stream *s, size_t n);

#endif
