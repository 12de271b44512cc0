/*
 * rand_qemu.c — the qemu-riscv64 oracle for rand_diff: real riscv64
 * semantics for random streams.
 *
 * A batch of streams becomes one static riscv64 program (no libc):
 *
 *   _start: sigaltstack, SA_SIGINFO|SA_ONSTACK handlers for SIGILL, SIGTRAP,
 *           SIGBUS, SIGFPE, SIGSEGV ─► pro_0
 *   pro_k   (code slot k, .org'd so the stream lands at rvg_code_addr(k)):
 *           rq_cur = dump_k, rq_next = pro_{k+1}; load f0-f31, fcsr, x1-x31
 *           from init_k ─► j stream_k
 *   stream_k: the stream's bytes, its final ecall replaced by a nop, so it
 *           falls through into
 *   epi_k:  store x1-x31, f0-f31, fcsr, pc into the dump area below the
 *           sandbox (s0 - 1 KiB, s0 is never written by the stream);
 *           write(1, dump, 1 KiB + sandbox) ─► pro_{k+1} ... ─► exit(0)
 *   handler: the same dump, taken from the signal's ucontext, plus the
 *           signal number; then resume at rq_next by editing the pc.
 *
 * Record layout (RQ_RECORD bytes per stream on stdout): u64 signal (0 when
 * the stream ended normally), u64 pc, u64 x[32], u64 f[32], u64 fcsr,
 * padding up to RVG_DUMP_SIZE, then the sandbox.
 */
#include "tests/rand/rand_diff.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define RQ_RECORD (RVG_DUMP_SIZE + RVG_SANDBOX_SIZE)
/* Offsets inside a record (and the dump area). */
#define RQ_SIG 0
#define RQ_PC 8
#define RQ_X 16
#define RQ_F 272
#define RQ_FCSR 528
/* riscv64 Linux ucontext: uc_mcontext at 176 = pc, x1..x31, f0..f31, fcsr. */
#define UC_PC 176
#define UC_F (176 + 256)
#define UC_FCSR (176 + 512)

static void emit_prologue(FILE *f, const rd_stream *s, size_t i, size_t n)
{
    unsigned k = s[i].slot;
    fprintf(f, "    .section .stream,\"ax\",@progbits\n");
    fprintf(f, "    .org 0x%llx\n", (unsigned long long)(k * RVG_CODE_STRIDE));
    fprintf(f, "pro_%u:\n", k);
    fprintf(f, "    la t0, rq_cur\n    la t1, dump_%u\n    sd t1, 0(t0)\n", k);
    fprintf(f, "    la t0, rq_next\n");
    if (i + 1 < n)
        fprintf(f, "    la t1, pro_%u\n", s[i + 1].slot);
    else
        fprintf(f, "    la t1, rq_finish\n");
    fprintf(f, "    sd t1, 0(t0)\n    la t0, init_%u\n", k);
    for (int r = 0; r < 32; r++)
        fprintf(f, "    fld f%d, %d(t0)\n", r, 256 + 8 * r);
    fprintf(f, "    ld t1, 512(t0)\n    fscsr t1\n");
    for (int r = 1; r < 32; r++)
        if (r != 5)
            fprintf(f, "    ld x%d, %d(t0)\n", r, 8 * r);
    fprintf(f, "    ld x5, 40(t0)\n    j stream_%u\n", k);
}

static void emit_stream(FILE *f, const rd_stream *st)
{
    unsigned k = st->slot;
    fprintf(f, "    .org 0x%llx\nstream_%u:\n",
            (unsigned long long)(k * RVG_CODE_STRIDE + RVG_CODE_PRO), k);
    for (size_t o = 0; o < st->len;) {
        uint16_t lo = (uint16_t)(st->code[o] | st->code[o + 1] << 8);
        if ((lo & 3) != 3) {
            fprintf(f, "    .2byte 0x%04x\n", lo);
            o += 2;
            continue;
        }
        uint32_t w = lo | (uint32_t)(st->code[o + 2] | st->code[o + 3] << 8) << 16;
        if (o == st->term_off)
            w = 0x00000013; /* the terminating ecall becomes a nop: fall into the epilogue */
        fprintf(f, "    .4byte 0x%08x\n", w);
        o += 4;
    }
    const int d = -(int)RVG_DUMP_SIZE; /* dump area relative to s0 */
    fprintf(f, "epi_%u:\n", k);
    for (int r = 1; r < 32; r++)
        fprintf(f, "    sd x%d, %d(s0)\n", r, d + RQ_X + 8 * r);
    for (int r = 0; r < 32; r++)
        fprintf(f, "    fsd f%d, %d(s0)\n", r, d + RQ_F + 8 * r);
    fprintf(f, "    frcsr t0\n    sd t0, %d(s0)\n", d + RQ_FCSR);
    fprintf(f, "    sd x0, %d(s0)\n    sd x0, %d(s0)\n", d + RQ_SIG, d + RQ_X);
    fprintf(f, "    la t0, epi_%u\n    sd t0, %d(s0)\n", k, d + RQ_PC);
    fprintf(f, "    li a0, 1\n    addi a1, s0, %d\n    li a2, %llu\n    li a7, 64\n    ecall\n", d,
            (unsigned long long)RQ_RECORD);
    fprintf(f, "    la t0, rq_next\n    ld t0, 0(t0)\n    jr t0\n");
}

static void emit_data(FILE *f, const rd_stream *st)
{
    unsigned k = st->slot;
    fprintf(f, "    .section .sandbox,\"aw\",@progbits\n");
    fprintf(f, "    .org 0x%llx\ndump_%u:\n    .skip %llu\n", (unsigned long long)(k * RVG_DATA_STRIDE),
            k, (unsigned long long)RVG_DUMP_SIZE);
    for (size_t o = 0; o < RVG_SANDBOX_SIZE; o += 8) {
        uint64_t v;
        memcpy(&v, st->sandbox + o, 8);
        fprintf(f, "    .8byte 0x%016llx\n", (unsigned long long)v);
    }
    fprintf(f, "    .data\n    .balign 8\ninit_%u:\n    .8byte 0\n", k);
    for (int r = 1; r < 32; r++)
        fprintf(f, "    .8byte 0x%016llx\n", (unsigned long long)st->init->x[r]);
    for (int r = 0; r < 32; r++)
        fprintf(f, "    .8byte 0x%016llx\n", (unsigned long long)st->init->f[r]);
    fprintf(f, "    .8byte 0x%llx\n",
            (unsigned long long)(st->init->head.fp_rm << 5 | st->init->head.fp_flags));
}

/* The fixed part: entry, signal setup, the handler, finish. */
static void emit_runtime(FILE *f, unsigned first_slot)
{
    static const int sigs[] = {4, 5, 7, 8, 11}; /* SIGILL SIGTRAP SIGBUS SIGFPE SIGSEGV */
    fprintf(f, "    .option norelax\n    .option norvc\n    .text\n    .globl _start\n_start:\n");
    fprintf(f, "    la a0, rq_ss\n    li a1, 0\n    li a7, 132\n    ecall\n"); /* sigaltstack */
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        fprintf(f, "    li a0, %d\n    la a1, rq_sa\n    li a2, 0\n    li a3, 8\n    li a7, 134\n"
                   "    ecall\n", sigs[i]); /* rt_sigaction */
    fprintf(f, "    la t0, pro_%u\n    jr t0\n", first_slot);
    fprintf(f, "rq_finish:\n    li a0, 0\n    li a7, 93\n    ecall\n");
    /* handler(sig = a0, info = a1, uc = a2) */
    fprintf(f, "rq_handler:\n    la t0, rq_cur\n    ld t0, 0(t0)\n    sd a0, %d(t0)\n", RQ_SIG);
    fprintf(f, "    ld t1, %d(a2)\n    sd t1, %d(t0)\n    sd x0, %d(t0)\n", UC_PC, RQ_PC, RQ_X);
    for (int r = 1; r < 32; r++)
        fprintf(f, "    ld t1, %d(a2)\n    sd t1, %d(t0)\n", UC_PC + 8 * r, RQ_X + 8 * r);
    for (int r = 0; r < 32; r++)
        fprintf(f, "    ld t1, %d(a2)\n    sd t1, %d(t0)\n", UC_F + 8 * r, RQ_F + 8 * r);
    fprintf(f, "    lwu t1, %d(a2)\n    sd t1, %d(t0)\n", UC_FCSR, RQ_FCSR);
    fprintf(f, "    mv s2, a2\n    li a0, 1\n    mv a1, t0\n    li a2, %llu\n    li a7, 64\n"
               "    ecall\n", (unsigned long long)RQ_RECORD);
    fprintf(f, "    la t0, rq_next\n    ld t0, 0(t0)\n    sd t0, %d(s2)\n    ret\n", UC_PC);
    fprintf(f, "    .data\n    .balign 8\nrq_cur: .8byte 0\nrq_next: .8byte 0\n");
    fprintf(f, "rq_ss: .8byte rq_altstack\n    .4byte 0, 0\n    .8byte 65536\n");
    fprintf(f, "rq_sa: .8byte rq_handler\n    .8byte 0x08000004\n    .8byte 0\n"); /* SA_ONSTACK|SA_SIGINFO */
    fprintf(f, "    .bss\n    .balign 16\nrq_altstack: .skip 65536\n");
}

static bool write_asm(FILE *f, const rd_stream *s, size_t n)
{
    emit_runtime(f, s[0].slot);
    for (size_t i = 0; i < n; i++) {
        if (s[i].slot >= RVG_MAX_SLOTS || (i && s[i].slot <= s[i - 1].slot) ||
            s[i].len > RVG_MAX_CODE)
            return false;
        emit_prologue(f, s, i, n);
        emit_stream(f, &s[i]);
        emit_data(f, &s[i]);
    }
    return true;
}

bool rd_qemu_write_asm(const char *path, const rd_stream *s, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    bool ok = n && write_asm(f, s, n);
    return fclose(f) == 0 && ok;
}

/* Runs argv with stdout to out_path (NULL: /dev/null) and stderr to
 * err_path; returns the exit status, or -1 if it could not start. */
static int run_cmd(char *const argv[], const char *out_path, const char *err_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

/* Decodes one record into a result. */
static void parse_record(const uint8_t *rec, rd_result *r)
{
    uint64_t sig, fcsr;
    memcpy(&sig, rec + RQ_SIG, 8);
    memcpy(&r->pc, rec + RQ_PC, 8);
    memcpy(r->x, rec + RQ_X, sizeof r->x);
    memcpy(r->f, rec + RQ_F, sizeof r->f);
    memcpy(&fcsr, rec + RQ_FCSR, 8);
    memcpy(r->sandbox, rec + RVG_DUMP_SIZE, RVG_SANDBOX_SIZE);
    r->x[0] = 0;
    r->fflags = fcsr & 0x1f;
    r->frm = (fcsr >> 5) & 7;
    r->status = sig ? RD_SIGNAL : RD_EXIT;
    r->sig = (int)sig;
    r->err[0] = 0;
}

bool rd_qemu_run(const char *dir, const rd_stream *s, size_t n, rd_result *out, char *err,
                 size_t errlen)
{
    char src[512], obj[512], elf[512], bin[512], log[512];
    snprintf(src, sizeof src, "%s/batch.S", dir);
    snprintf(obj, sizeof obj, "%s/batch.o", dir);
    snprintf(elf, sizeof elf, "%s/batch.elf", dir);
    snprintf(bin, sizeof bin, "%s/batch.out", dir);
    snprintf(log, sizeof log, "%s/batch.log", dir);
    unlink(log);
    if (!rd_qemu_write_asm(src, s, n)) {
        snprintf(err, errlen, "cannot write %s", src);
        return false;
    }
    const char *cross = env_or("RAND_CROSS", "riscv64-linux-gnu-");
    char as[256], ld[256];
    snprintf(as, sizeof as, "%sas", cross);
    snprintf(ld, sizeof ld, "%sld", cross);
    char *as_argv[] = {as, "-march=rv64gc_zba_zbb_zbs", "-o", obj, src, NULL};
    char start_stream[64], start_sandbox[64];
    snprintf(start_stream, sizeof start_stream, "--section-start=.stream=0x%llx",
             (unsigned long long)RVG_CODE_BASE);
    snprintf(start_sandbox, sizeof start_sandbox, "--section-start=.sandbox=0x%llx",
             (unsigned long long)RVG_DATA_BASE);
    char *ld_argv[] = {ld, "-static", "-nostdlib", start_stream, start_sandbox, "-o", elf, obj, NULL};
    if (run_cmd(as_argv, NULL, log) != 0 || run_cmd(ld_argv, NULL, log) != 0) {
        snprintf(err, errlen, "building the qemu program failed, see %s", log);
        return false;
    }
    char *qemu = (char *)env_or("RAND_QEMU", "qemu-riscv64");
    char *q_argv[] = {"timeout", "120", qemu, elf, NULL};
    int rc = run_cmd(q_argv, bin, log);
    FILE *f = fopen(bin, "rb");
    if (!f) {
        snprintf(err, errlen, "no output from %s", qemu);
        return false;
    }
    uint8_t *rec = malloc(RQ_RECORD);
    size_t got = 0;
    for (; got < n && rec && fread(rec, 1, RQ_RECORD, f) == RQ_RECORD; got++)
        parse_record(rec, &out[got]);
    free(rec);
    fclose(f);
    for (size_t i = got; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].status = RD_FAILED;
        snprintf(out[i].err, sizeof out[i].err, "qemu stopped before this stream (status %d, see %.80s)",
                 rc, log);
    }
    if (got == 0 && rc != 0) {
        snprintf(err, errlen, "%s failed with status %d, see %s", qemu, rc, log);
        return false;
    }
    return true;
}
