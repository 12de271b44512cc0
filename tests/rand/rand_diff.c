/*
 * rand_diff.c — the random-instruction-stream differential tester.
 *
 *   seed, index ─► rv_gen (tests/rand/rv_gen.c) ─► stream + initial state
 *        │
 *        ├─► reference interpreter ──────────────┐
 *        ├─► every other engine (rand_engine.c) ─┼─► compare x, f, fflags,
 *        └─► qemu-riscv64 (--qemu, rand_qemu.c) ─┘   frm, pc/trap, sandbox
 *                                                     │ mismatch
 *                                                     ▼
 *        seed, disassembly, differences ─► shrink (drop groups while it
 *        still differs) ─► the minimal stream ─► exit status 1
 *
 * Usage: rand_diff [-n COUNT] [-s SEED] [--start I] [--engines a,b] [--qemu]
 *                  [--exclude CLASSES] [--only CLASSES] [--skip MNEMONICS]
 *                  [--len MIN:MAX] [--one STREAMSEED[:SLOT]] [--dis]
 *                  [--asm FILE] [--emit-insn PREFIX] [-k MAXFAIL]
 *                  [--jit-every N] [--no-shrink] [-q] [--list]
 * --jit-every N runs the (slow) JIT engines on every Nth stream only.
 * Stream i of a run uses seed rv_gen_mix(SEED, i) and code slot i % 64, so
 * "--one" with the printed stream seed and slot reproduces it exactly.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "frontend/fe.h"
#include "ir/ir_fp.h"
#include "tests/rand/rand_diff.h"

/* ---- options ---- */

typedef struct opts {
    uint64_t count, seed, start;
    const char *engines; /* comma list, NULL: all built in */
    bool qemu;
    rv_gen_opts gen;
    char skip[512]; /* ",mnemonic,..." to drop from streams */
    bool one;
    uint64_t one_seed;
    unsigned one_slot;
    bool dis;
    const char *asm_path;
    const char *emit_prefix;
    uint64_t max_fail;
    uint64_t jit_every; /* JIT engines run on streams i % jit_every == 0 */
    bool shrink;
    bool quiet;
    char gen_args[600]; /* the options that shape streams, for reproduction lines */
} opts;

static _Noreturn void usage(const char *msg)
{
    if (msg)
        fprintf(stderr, "rand_diff: %s\n", msg);
    fprintf(stderr,
            "usage: rand_diff [-n COUNT] [-s SEED] [--start I] [--engines a,b] [--qemu]\n"
            "                 [--exclude CLASSES] [--only CLASSES] [--skip MNEMONICS]\n"
            "                 [--len MIN:MAX] [--one STREAMSEED[:SLOT]] [--dis] [--asm FILE]\n"
            "                 [--emit-insn PREFIX] [-k MAXFAIL] [--jit-every N] [--no-shrink]\n"
            "                 [-q] [--list]\n");
    exit(2);
}

static uint64_t parse_u64(const char *s, const char *what)
{
    char *end;
    errno = 0;
    uint64_t v = strtoull(s, &end, 0);
    if (errno || end == s || *end) {
        char msg[128];
        snprintf(msg, sizeof msg, "bad %s '%s'", what, s);
        usage(msg);
    }
    return v;
}

/* "alu,mul" -> class bits. */
static unsigned parse_classes(const char *s)
{
    unsigned bits = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int k = 0;
        while (k < RVG_NCLASSES && strcmp(t, rvg_class_names[k]))
            k++;
        if (k == RVG_NCLASSES) {
            char msg[128];
            snprintf(msg, sizeof msg, "unknown class '%s' (see --list)", t);
            usage(msg);
        }
        bits |= 1u << k;
    }
    return bits;
}

static void list_all(void)
{
    size_t n;
    rd_engine *e = rd_engines(&n);
    printf("engines:\n");
    for (size_t i = 0; i < n; i++)
        printf("  %-10s %s\n", e[i].name, e[i].doc);
    printf("  %-10s real riscv64 semantics (--qemu)\nclasses:", "qemu");
    for (int k = 0; k < RVG_NCLASSES; k++)
        printf(" %s", rvg_class_names[k]);
    printf("\n");
}

static void parse_opts(int argc, char **argv, opts *o)
{
    *o = (opts){.count = 1000, .seed = 1, .max_fail = 1, .jit_every = 1, .shrink = true,
                .gen = {.classes = RVG_ALL_CLASSES, .min_groups = 10, .max_groups = 120}};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_ARG() do { if (!v) usage("missing argument"); i++; } while (0)
        if (!strcmp(a, "-n")) { NEED_ARG(); o->count = parse_u64(v, "count"); }
        else if (!strcmp(a, "-s")) { NEED_ARG(); o->seed = parse_u64(v, "seed"); }
        else if (!strcmp(a, "--start")) { NEED_ARG(); o->start = parse_u64(v, "start"); }
        else if (!strcmp(a, "--engines")) { NEED_ARG(); o->engines = v; }
        else if (!strcmp(a, "--qemu")) o->qemu = true;
        else if (!strcmp(a, "--exclude")) { NEED_ARG(); o->gen.classes &= ~parse_classes(v); }
        else if (!strcmp(a, "--only")) {
            NEED_ARG();
            o->gen.classes = parse_classes(v); /* exactly these (rvc, trap too only if named) */
        }
        else if (!strcmp(a, "--skip")) {
            NEED_ARG();
            snprintf(o->skip, sizeof o->skip, ",%s,", v);
        }
        else if (!strcmp(a, "--len")) {
            NEED_ARG();
            unsigned lo, hi;
            if (sscanf(v, "%u:%u", &lo, &hi) != 2 || !lo || hi < lo || hi > 2000)
                usage("bad --len, want MIN:MAX groups (1..2000)");
            o->gen.min_groups = lo;
            o->gen.max_groups = hi;
        }
        else if (!strcmp(a, "--one")) {
            NEED_ARG();
            char buf[64];
            snprintf(buf, sizeof buf, "%s", v);
            char *colon = strchr(buf, ':');
            if (colon) {
                *colon = 0;
                o->one_slot = (unsigned)parse_u64(colon + 1, "slot");
                if (o->one_slot >= RVG_MAX_SLOTS)
                    usage("slot out of range");
            }
            o->one = true;
            o->one_seed = parse_u64(buf, "stream seed");
        }
        else if (!strcmp(a, "--dis")) o->dis = true;
        else if (!strcmp(a, "--asm")) { NEED_ARG(); o->asm_path = v; }
        else if (!strcmp(a, "--emit-insn")) { NEED_ARG(); o->emit_prefix = v; }
        else if (!strcmp(a, "-k")) { NEED_ARG(); o->max_fail = parse_u64(v, "max failures"); }
        else if (!strcmp(a, "--jit-every")) {
            NEED_ARG();
            if (!(o->jit_every = parse_u64(v, "--jit-every")))
                usage("--jit-every wants N >= 1");
        }
        else if (!strcmp(a, "--no-shrink")) o->shrink = false;
        else if (!strcmp(a, "-q")) o->quiet = true;
        else if (!strcmp(a, "--list")) { list_all(); exit(0); }
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) usage(NULL);
        else {
            char msg[128];
            snprintf(msg, sizeof msg, "unknown option '%s'", a);
            usage(msg);
        }
#undef NEED_ARG
        if (!strcmp(a, "--exclude") || !strcmp(a, "--only") || !strcmp(a, "--skip") ||
            !strcmp(a, "--len")) {
            size_t n = strlen(o->gen_args);
            snprintf(o->gen_args + n, sizeof o->gen_args - n, " %s %s", a, v);
        }
    }
}

/* ---- streams ---- */

typedef struct stream {
    uint64_t seed;
    unsigned slot;
    rv_gen_prog *p;
    bool *live;
    uint8_t *code;
    long len;
    size_t term_off;
    fe_rv64_state init;
    uint8_t sandbox[RVG_SANDBOX_SIZE];
} stream;

static bool relayout(stream *s)
{
    s->len = rv_gen_layout(s->p, s->live, rvg_code_addr(s->slot), s->code, RVG_MAX_CODE,
                           &s->term_off);
    return s->len > 0;
}

/* Kills the tail of every loop whose head is dead (see rv_gen.h). */
static void close_ties(const rv_gen_prog *p, bool *live)
{
    for (size_t g = 0; g < p->n_groups; g++)
        if (!live[g] && p->groups[g].tie >= 0)
            live[p->groups[g].tie] = false;
    live[p->n_groups - 1] = true;
}

/* Mnemonic of an instruction word, via the frontend's disassembler. */
static void mnemonic(uint32_t enc, char *buf, size_t n);

/* Drops groups holding an instruction named in o->skip. */
static void apply_skip(stream *s, const opts *o)
{
    if (!o->skip[0])
        return;
    for (size_t g = 0; g + 1 < s->p->n_groups; g++) {
        const rvg_group *gr = &s->p->groups[g];
        for (uint32_t i = 0; i < gr->n; i++) {
            char m[64], key[80];
            mnemonic(s->p->insns[gr->first + i].enc, m, sizeof m);
            snprintf(key, sizeof key, ",%s,", m);
            if (strstr(o->skip, key))
                s->live[g] = false;
        }
    }
    close_ties(s->p, s->live);
}

static bool stream_new(stream *s, uint64_t seed, unsigned slot, const opts *o)
{
    memset(s, 0, sizeof *s);
    s->seed = seed;
    s->slot = slot;
    s->p = rv_gen_new(seed, &o->gen);
    s->code = malloc(RVG_MAX_CODE);
    if (!s->p || !s->code || !(s->live = malloc(s->p->n_groups)))
        return false;
    memset(s->live, 1, s->p->n_groups);
    apply_skip(s, o);
    rv_gen_init_state(seed, slot, &s->init, s->sandbox);
    return relayout(s);
}

static void stream_free(stream *s)
{
    rv_gen_free(s->p);
    free(s->live);
    free(s->code);
    memset(s, 0, sizeof *s);
}

typedef struct code_view {
    uint64_t base;
    const uint8_t *bytes;
    size_t len;
} code_view;

static bool view_fetch(void *ctx, uint64_t addr, uint16_t *out)
{
    const code_view *v = ctx;
    if (addr < v->base || addr - v->base + 2 > v->len)
        return false;
    size_t o = (size_t)(addr - v->base);
    *out = (uint16_t)(v->bytes[o] | v->bytes[o + 1] << 8);
    return true;
}

static void mnemonic(uint32_t enc, char *buf, size_t n)
{
    uint8_t b[4] = {(uint8_t)enc, (uint8_t)(enc >> 8), (uint8_t)(enc >> 16), (uint8_t)(enc >> 24)};
    code_view v = {0, b, (enc & 3) == 3 ? 4 : 2};
    char text[128];
    if (!fe_riscv64.disasm(0, view_fetch, &v, text, sizeof text))
        text[0] = 0;
    size_t k = strcspn(text, " ");
    snprintf(buf, n, "%.*s", (int)k, text);
}

/* Disassembly with group numbers: "   12| 0x1000804: 02a5853b  addw a0,a1,a0". */
static void print_dis(FILE *f, const stream *s)
{
    code_view v = {rvg_code_addr(s->slot), s->code, (size_t)s->len};
    uint64_t pc = v.base;
    for (size_t g = 0; g < s->p->n_groups; g++) {
        if (!s->live[g] && g + 1 < s->p->n_groups)
            continue;
        const rvg_group *gr = &s->p->groups[g];
        for (uint32_t i = 0; i < gr->n; i++) {
            char text[128];
            unsigned len = fe_riscv64.disasm(pc, view_fetch, &v, text, sizeof text);
            if (!len)
                return;
            uint32_t w = s->code[pc - v.base] | (uint32_t)s->code[pc - v.base + 1] << 8;
            if (len == 4)
                w |= (uint32_t)(s->code[pc - v.base + 2] | s->code[pc - v.base + 3] << 8) << 16;
            fprintf(f, "  %4zu%c 0x%07" PRIx64 ": %0*x%*s  %s\n", g, i ? ' ' : '|', pc,
                    len == 4 ? 8 : 4, w, len == 4 ? 0 : 4, "", text);
            pc += len;
        }
    }
}

static void print_init(FILE *f, const stream *s)
{
    fprintf(f, "  initial state: fflags 0x%" PRIx64 " frm %" PRIu64 "\n", s->init.head.fp_flags,
            s->init.head.fp_rm);
    for (int i = 0; i < 32; i += 4)
        fprintf(f, "    x%-2d %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n", i,
                s->init.x[i], s->init.x[i + 1], s->init.x[i + 2], s->init.x[i + 3]);
    for (int i = 0; i < 32; i += 4)
        fprintf(f, "    f%-2d %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n", i,
                s->init.f[i], s->init.f[i + 1], s->init.f[i + 2], s->init.f[i + 3]);
}

/* ---- running engines ---- */

static rd_machine machine;
/* What is running, for the host-fault and watchdog messages. */
static char running[160];

/* A guest access to a page the guest may not touch faults on the host; as
 * in runtime/rt_exec.c, that is a guest SIGSEGV (SIGBUS) at the state's pc,
 * which the interpreter keeps precise (compiled code: see run_on).  The handler leaves the engine by
 * siglongjmp, so the state lives here rather than on the engine's stack. */
static sigjmp_buf fault_jb;
static volatile sig_atomic_t fault_armed;
static fe_rv64_state run_state;
static volatile uint32_t fault_mxcsr; /* the host's at the fault: compiled code's FP flags */

static void on_host_trouble(int sig, siginfo_t *si, void *ucv)
{
    if (sig != SIGALRM && fault_armed && mmu_owns_host_addr(machine.mm, si->si_addr)) {
        const ucontext_t *uc = ucv;
        fault_mxcsr = uc->uc_mcontext.fpregs ? uc->uc_mcontext.fpregs->mxcsr : 0;
        fault_armed = 0;
        siglongjmp(fault_jb, sig);
    }
    char msg[256];
    int n = snprintf(msg, sizeof msg, "rand_diff: host %s while running %s\n",
                     sig == SIGALRM ? "timeout (60 s)" : sig == SIGBUS ? "SIGBUS" : "SIGSEGV",
                     running);
    if (n > 0 && write(2, msg, (size_t)n) < 0)
        _exit(3);
    _exit(3);
}

static void install_guards(void)
{
    static char altstack[1 << 16];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_host_trouble;
    sa.sa_flags = SA_ONSTACK | SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
}

static bool machine_init(char *err, size_t errlen)
{
    machine.mm = mmu_space_new(RVG_SPACE_LIMIT);
    if (!machine.mm) {
        snprintf(err, errlen, "mmu_space_new: %s", strerror(errno));
        return false;
    }
    int rc = mmu_map(machine.mm, RVG_CODE_BASE, RVG_MAX_SLOTS * RVG_CODE_STRIDE, MMU_R | MMU_X);
    if (!rc)
        rc = mmu_map(machine.mm, RVG_DATA_BASE, RVG_MAX_SLOTS * RVG_DATA_STRIDE, MMU_R | MMU_W);
    if (rc) {
        snprintf(err, errlen, "mmu_map: %s", strerror(-rc));
        return false;
    }
    machine.mem = (ir_mem){mmu_base(machine.mm), mmu_limit(machine.mm), MMU_GUARD,
                           mmu_pages(machine.mm)};
    return true;
}

/* Runs s on engine e from a fresh copy of its memory and initial state. */
static void run_on(rd_engine *e, const stream *s, rd_result *r)
{
    static const uint8_t zero[RVG_DUMP_SIZE];
    memset(r, 0, sizeof *r);
    snprintf(running, sizeof running, "stream %#" PRIx64 ":%u on %s", s->seed, s->slot, e->name);
    if (mmu_poke(machine.mm, rvg_code_addr(s->slot), s->code, (size_t)s->len) ||
        mmu_poke(machine.mm, rvg_data_addr(s->slot), zero, sizeof zero) ||
        mmu_poke(machine.mm, rvg_sandbox_addr(s->slot), s->sandbox, RVG_SANDBOX_SIZE)) {
        r->status = RD_FAILED;
        snprintf(r->err, sizeof r->err, "cannot load the stream into guest memory");
        return;
    }
    run_state = s->init;
    alarm(60);
    /* As in runtime/rt_exec.c: compiled code keeps the state only at
     * checkpoints, so after a host fault there the interpreter goes on from
     * the state left behind and faults (again) precisely. */
    static rd_engine *volatile runner;
    runner = e;
    int hsig = sigsetjmp(fault_jb, 1);
    if (hsig != 0 && runner->jit) {
        run_state.head.fp_flags |= ir_fp_flags_of_mxcsr(fault_mxcsr); /* as jit_thread_left_code */
        size_t n;
        runner = &rd_engines(&n)[0];
        hsig = 0;
    }
    if (hsig == 0) {
        fault_armed = 1;
        r->status = runner->run(runner, &machine, &run_state,
                                rvg_code_addr(s->slot) + (uint64_t)s->len, &r->sig, r->err,
                                sizeof r->err);
        fault_armed = 0;
    } else {
        r->status = RD_SIGNAL;
        r->sig = hsig;
    }
    alarm(0);
    const fe_rv64_state *st = &run_state;
    r->pc = st->head.pc;
    memcpy(r->x, st->x, sizeof r->x);
    r->x[0] = 0;
    memcpy(r->f, st->f, sizeof r->f);
    r->fflags = st->head.fp_flags;
    r->frm = st->head.fp_rm;
    mmu_read(machine.mm, rvg_sandbox_addr(s->slot), r->sandbox, RVG_SANDBOX_SIZE);
}

static const char *status_text(const rd_result *r, char *buf, size_t n)
{
    switch (r->status) {
    case RD_EXIT: snprintf(buf, n, "exit at 0x%" PRIx64, r->pc); break;
    case RD_SIGNAL: snprintf(buf, n, "SIG%s at 0x%" PRIx64, sigabbrev_np(r->sig), r->pc); break;
    default: snprintf(buf, n, "engine failure: %s", r->err); break;
    }
    return buf;
}

/* Prints (to f, if not NULL) how b differs from the reference a; returns
 * the number of differences. */
static int compare(const rd_result *a, const rd_result *b, const char *na, const char *nb, FILE *f)
{
    int n = 0;
    char ta[200], tb[200];
    if (a->status != b->status || a->status == RD_FAILED || a->pc != b->pc ||
        (a->status == RD_SIGNAL && a->sig != b->sig)) {
        n++;
        if (f)
            fprintf(f, "    end:    %-8s %s\n            %-8s %s\n", na, status_text(a, ta, sizeof ta),
                    nb, status_text(b, tb, sizeof tb));
    }
    if (a->status == RD_FAILED || b->status == RD_FAILED)
        return n ? n : 1;
    for (int i = 1; i < 32; i++)
        if (a->x[i] != b->x[i] && ++n && f)
            fprintf(f, "    x%-2d %-4s %s %016" PRIx64 "  %s %016" PRIx64 "\n", i,
                    "", na, a->x[i], nb, b->x[i]);
    for (int i = 0; i < 32; i++)
        if (a->f[i] != b->f[i] && ++n && f)
            fprintf(f, "    f%-2d %-4s %s %016" PRIx64 "  %s %016" PRIx64 "\n", i, "", na,
                    a->f[i], nb, b->f[i]);
    if (a->fflags != b->fflags && ++n && f)
        fprintf(f, "    fflags   %s 0x%02" PRIx64 "  %s 0x%02" PRIx64 "\n", na, a->fflags, nb,
                b->fflags);
    if (a->frm != b->frm && ++n && f)
        fprintf(f, "    frm      %s %" PRIu64 "  %s %" PRIu64 "\n", na, a->frm, nb, b->frm);
    int shown = 0;
    for (size_t o = 0; o < RVG_SANDBOX_SIZE; o += 8) {
        uint64_t va, vb;
        memcpy(&va, a->sandbox + o, 8);
        memcpy(&vb, b->sandbox + o, 8);
        if (va == vb)
            continue;
        n++;
        if (f && shown++ < 8)
            fprintf(f, "    s0+%-4zu  %s %016" PRIx64 "  %s %016" PRIx64 "\n", o, na, va, nb, vb);
    }
    return n;
}

/* ---- the qemu oracle ---- */

/* What the oracle (qemu-riscv64 7.2, Debian bookworm) gets wrong, so --qemu
 * streams leave it out:
 *   ctzw: for a register whose low word is zero but whose high word is not,
 *         qemu returns the 64-bit count (0x8000000000000000 -> 63) instead of
 *         32 (the spec: trailing zeros of the low word, 32 when it is zero).
 * Also: an SC of another width than its LR is architecturally open, and
 * qemu's value-compare SC differs from the IR's there (rv_gen_opts.portable). */
static void qemu_quirks(opts *o)
{
    static const char *const quirks[] = {"ctzw"};
    o->gen.portable = true;
    for (size_t i = 0; i < sizeof quirks / sizeof quirks[0]; i++) {
        size_t n = strlen(o->skip);
        snprintf(o->skip + n, sizeof o->skip - n, "%s%s,", n ? "" : ",", quirks[i]);
    }
}

static char qemu_dir[256];

/* True if an executable named name is on PATH. */
static bool on_path(const char *name)
{
    const char *path = getenv("PATH");
    char dir[4096];
    for (const char *p = path ? path : ""; *p;) {
        size_t n = strcspn(p, ":");
        snprintf(dir, sizeof dir, "%.*s/%s", (int)n, p, name);
        if (access(dir, X_OK) == 0)
            return true;
        p += n + (p[n] == ':');
    }
    return false;
}

/* The oracle's tools: qemu and the cross assembler and linker. */
static bool qemu_tools(char *missing, size_t n)
{
    const char *cross = getenv("RAND_CROSS"), *qemu = getenv("RAND_QEMU");
    char as[256], ld[256];
    snprintf(as, sizeof as, "%sas", cross && *cross ? cross : "riscv64-linux-gnu-");
    snprintf(ld, sizeof ld, "%sld", cross && *cross ? cross : "riscv64-linux-gnu-");
    const char *need[] = {qemu && *qemu ? qemu : "qemu-riscv64", as, ld};
    for (size_t i = 0; i < 3; i++) {
        if (strchr(need[i], '/') ? access(need[i], X_OK) != 0 : !on_path(need[i])) {
            snprintf(missing, n, "%s", need[i]);
            return false;
        }
    }
    return true;
}

static bool qemu_setup(char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(qemu_dir, sizeof qemu_dir, "%s/rand_diff.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(qemu_dir)) {
        snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
        return false;
    }
    return true;
}

static void qemu_cleanup(void)
{
    static const char *const files[] = {"batch.S", "batch.o", "batch.elf", "batch.out", "batch.log"};
    if (!qemu_dir[0])
        return;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[320];
        snprintf(p, sizeof p, "%s/%s", qemu_dir, files[i]);
        unlink(p);
    }
    rmdir(qemu_dir);
}

static rd_stream as_rd_stream(const stream *s)
{
    return (rd_stream){s->slot, s->code, (size_t)s->len, s->term_off, &s->init, s->sandbox};
}

static bool qemu_one(const stream *s, rd_result *r)
{
    rd_stream rs = as_rd_stream(s);
    char err[256];
    if (!rd_qemu_run(qemu_dir, &rs, 1, r, err, sizeof err)) {
        memset(r, 0, sizeof *r);
        r->status = RD_FAILED;
        snprintf(r->err, sizeof r->err, "%.150s", err);
        return false;
    }
    return true;
}

/* ---- shrinking ---- */

typedef struct check {
    rd_engine *ref;
    rd_engine *other; /* NULL: qemu */
} check;

/* True if s (as laid out now) still shows a difference between the two,
 * with neither side failing as an engine. */
static bool still_differs(const check *c, const stream *s)
{
    rd_result *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    bool d = false;
    if (a && b) {
        run_on(c->ref, s, a);
        if (c->other)
            run_on(c->other, s, b);
        else
            qemu_one(s, b);
        d = a->status != RD_FAILED && b->status != RD_FAILED && compare(a, b, "", "", NULL) > 0;
    }
    free(a);
    free(b);
    return d;
}

/* Drops chunks of groups, then single groups, while the difference stays. */
static void shrink(const check *c, stream *s)
{
    size_t n = s->p->n_groups;
    bool *keep = malloc(n), *trial = malloc(n);
    size_t *alive = malloc(n * sizeof *alive);
    if (!keep || !trial || !alive)
        goto out;
    memcpy(keep, s->live, n);
    unsigned tries = 0;
    for (size_t chunk = n / 2 ? n / 2 : 1; chunk >= 1 && tries < 3000;) {
        size_t na = 0;
        for (size_t g = 0; g + 1 < n; g++)
            if (keep[g])
                alive[na++] = g;
        bool progress = false;
        for (size_t st = 0; st < na && tries < 3000; st += chunk) {
            memcpy(trial, keep, n);
            for (size_t k = st; k < st + chunk && k < na; k++)
                trial[alive[k]] = false;
            close_ties(s->p, trial);
            if (!memcmp(trial, keep, n))
                continue;
            tries++;
            memcpy(s->live, trial, n);
            if (relayout(s) && still_differs(c, s)) {
                memcpy(keep, trial, n);
                progress = true;
            }
        }
        if (!progress)
            chunk /= 2;
    }
out:
    if (keep)
        memcpy(s->live, keep, n);
    relayout(s);
    free(keep);
    free(trial);
    free(alive);
}

/* ---- reporting ---- */

static void report(const opts *o, stream *s, const check *c, const rd_result *ref,
                   const rd_result *got)
{
    const char *other = c->other ? c->other->name : "qemu";
    /* --qemu also changes the streams (qemu_quirks), so it is always repeated */
    fprintf(stderr,
            "\nMISMATCH %s vs %s: stream seed %#" PRIx64 " slot %u\n"
            "  reproduce: rand_diff --one %#" PRIx64 ":%u%s%s%s%s\n",
            c->ref->name, other, s->seed, s->slot, s->seed, s->slot,
            c->other ? " --engines " : "", c->other ? c->other->name : "",
            o->qemu ? " --qemu" : "", o->gen_args);
    compare(ref, got, c->ref->name, other, stderr);
    if (!o->shrink) {
        fprintf(stderr, "  stream:\n");
        print_dis(stderr, s);
        return;
    }
    shrink(c, s);
    size_t live = 0;
    for (size_t g = 0; g < s->p->n_groups; g++)
        live += s->live[g];
    fprintf(stderr, "  shrunk to %zu of %zu groups:\n", live, s->p->n_groups);
    print_dis(stderr, s);
    rd_result *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    if (a && b) {
        run_on(c->ref, s, a);
        if (c->other)
            run_on(c->other, s, b);
        else
            qemu_one(s, b);
        fprintf(stderr, "  differences of the shrunk stream:\n");
        compare(a, b, c->ref->name, other, stderr);
    }
    free(a);
    free(b);
    print_init(stderr, s);
}

/* ---- modes ---- */

/* --emit-insn: every instruction as ".insn" (PREFIX.s) and the frontend's
 * disassembly at the same offsets (PREFIX.dis), for check-decode.sh. */
static int emit_insns(const opts *o)
{
    char ps[512], pd[512];
    snprintf(ps, sizeof ps, "%s.s", o->emit_prefix);
    snprintf(pd, sizeof pd, "%s.dis", o->emit_prefix);
    FILE *fs = fopen(ps, "w"), *fd = fopen(pd, "w");
    if (!fs || !fd) {
        fprintf(stderr, "rand_diff: cannot write %s / %s\n", ps, pd);
        return 2;
    }
    fprintf(fs, "    .text\n");
    uint64_t off = 0;
    for (uint64_t i = o->start; i < o->start + o->count; i++) {
        stream s;
        if (!stream_new(&s, rv_gen_mix(o->seed, i), (unsigned)(i % RVG_MAX_SLOTS), o)) {
            fprintf(stderr, "rand_diff: cannot generate stream %" PRIu64 "\n", i);
            return 2;
        }
        /* lay it out at its offset in the object file, so targets print alike */
        s.len = rv_gen_layout(s.p, s.live, off, s.code, RVG_MAX_CODE, &s.term_off);
        code_view v = {off, s.code, (size_t)s.len};
        for (uint64_t pc = off; pc < off + (uint64_t)s.len;) {
            char text[128];
            unsigned len = fe_riscv64.disasm(pc, view_fetch, &v, text, sizeof text);
            uint32_t w = s.code[pc - off] | (uint32_t)s.code[pc - off + 1] << 8;
            if (len == 4)
                w |= (uint32_t)(s.code[pc - off + 2] | s.code[pc - off + 3] << 8) << 16;
            fprintf(fs, "    .insn 0x%0*x\n", len == 4 ? 8 : 4, w);
            fprintf(fd, "%" PRIx64 "\t%0*x\t%s\n", pc, len == 4 ? 8 : 4, w, text);
            pc += len;
        }
        off += (uint64_t)s.len;
        stream_free(&s);
    }
    fclose(fs);
    fclose(fd);
    return 0;
}

typedef struct stats {
    uint64_t streams, groups, insns, traps, fails, jit_runs;
    uint64_t by_sig[32]; /* reference results ending in each signal */
} stats;

/* Runs one stream on every engine (and collects it for qemu); returns the
 * reference result in *ref.  Reports mismatches. */
static void check_stream(const opts *o, stream *s, rd_engine *eng, size_t neng, rd_result *ref,
                         stats *st, bool with_jit)
{
    rd_result *got = malloc(sizeof *got);
    if (!got)
        return;
    run_on(&eng[0], s, ref);
    st->streams++;
    if (ref->status == RD_SIGNAL) {
        st->traps++;
        st->by_sig[ref->sig & 31]++;
    }
    for (size_t g = 0; g < s->p->n_groups; g++)
        if (s->live[g]) {
            st->groups++;
            st->insns += s->p->groups[g].n;
        }
    if (ref->status == RD_FAILED) {
        fprintf(stderr, "\nFAILURE of the reference %s on stream seed %#" PRIx64 " slot %u: %s\n",
                eng[0].name, s->seed, s->slot, ref->err);
        print_dis(stderr, s);
        st->fails++;
    }
    for (size_t i = 1; i < neng && st->fails < o->max_fail; i++) {
        if (eng[i].jit && !with_jit)
            continue;
        st->jit_runs += eng[i].jit;
        run_on(&eng[i], s, got);
        if (compare(ref, got, "", "", NULL)) {
            check c = {&eng[0], &eng[i]};
            report(o, s, &c, ref, got);
            st->fails++;
        }
    }
    free(got);
}

int main(int argc, char **argv)
{
    opts o;
    parse_opts(argc, argv, &o);
    if (o.emit_prefix)
        return emit_insns(&o);
    if (o.qemu)
        qemu_quirks(&o);
    char err[256];
    install_guards();
    if (!machine_init(err, sizeof err)) {
        fprintf(stderr, "rand_diff: %s\n", err);
        return 2;
    }
    /* engines: the reference first, then the selected others that open */
    size_t nall;
    rd_engine *all = rd_engines(&nall);
    rd_engine *eng = calloc(nall, sizeof *eng);
    size_t neng = 0;
    for (size_t i = 0; i < nall; i++) {
        char key[64];
        snprintf(key, sizeof key, ",%s,", all[i].name);
        char list[512];
        snprintf(list, sizeof list, ",%s,", o.engines ? o.engines : "");
        if (i > 0 && o.engines && !strstr(list, key))
            continue;
        if (all[i].open && !all[i].open(&all[i], &machine, err, sizeof err)) {
            fprintf(stderr, "rand_diff: engine %s unavailable: %s\n", all[i].name, err);
            if (o.engines)
                return 2;
            continue;
        }
        eng[neng++] = all[i];
    }
    if (o.qemu && !qemu_tools(err, sizeof err)) {
        fprintf(stderr, "rand_diff: --qemu needs %s, not found: skipping\n", err);
        return 77;
    }
    if (o.qemu && !qemu_setup(err, sizeof err)) {
        fprintf(stderr, "rand_diff: %s\n", err);
        return 2;
    }
    stats st = {0};
    uint64_t first = o.one ? 0 : o.start, last = o.one ? 1 : o.start + o.count;
    stream *batch = calloc(RVG_MAX_SLOTS, sizeof *batch);
    rd_result *ref = calloc(RVG_MAX_SLOTS, sizeof *ref), *qr = calloc(RVG_MAX_SLOTS, sizeof *qr);
    rd_stream *rs = calloc(RVG_MAX_SLOTS, sizeof *rs);
    if (!eng || !batch || !ref || !qr || !rs)
        return 2;
    for (uint64_t i = first; i < last && st.fails < o.max_fail;) {
        /* a batch: the streams up to the next multiple of 64 (qemu runs them together) */
        size_t nb = 0;
        for (; i < last && (nb == 0 || i % RVG_MAX_SLOTS); i++, nb++) {
            uint64_t seed = o.one ? o.one_seed : rv_gen_mix(o.seed, i);
            unsigned slot = o.one ? o.one_slot : (unsigned)(i % RVG_MAX_SLOTS);
            if (!stream_new(&batch[nb], seed, slot, &o)) {
                fprintf(stderr, "rand_diff: cannot generate stream %#" PRIx64 "\n", seed);
                return 2;
            }
            if (o.dis) {
                printf("stream seed %#" PRIx64 " slot %u:\n", seed, slot);
                print_dis(stdout, &batch[nb]);
                print_init(stdout, &batch[nb]);
            }
            if (o.asm_path) {
                rd_stream one = as_rd_stream(&batch[nb]);
                if (!rd_qemu_write_asm(o.asm_path, &one, 1))
                    fprintf(stderr, "rand_diff: cannot write %s\n", o.asm_path);
            }
            check_stream(&o, &batch[nb], eng, neng, &ref[nb], &st, o.one || i % o.jit_every == 0);
        }
        if (o.qemu && st.fails < o.max_fail) {
            for (size_t k = 0; k < nb; k++)
                rs[k] = as_rd_stream(&batch[k]);
            if (!rd_qemu_run(qemu_dir, rs, nb, qr, err, sizeof err)) {
                fprintf(stderr, "rand_diff: qemu: %s\n", err);
                st.fails++;
            }
            for (size_t k = 0; k < nb && st.fails < o.max_fail; k++) {
                if (ref[k].status == RD_FAILED || !compare(&ref[k], &qr[k], "", "", NULL))
                    continue;
                check c = {&eng[0], NULL};
                report(&o, &batch[k], &c, &ref[k], &qr[k]);
                st.fails++;
            }
        }
        for (size_t k = 0; k < nb; k++)
            stream_free(&batch[k]);
        if (!o.quiet && !o.one && (i - first) / 10000 != (i - nb - first) / 10000 && i < last)
            fprintf(stderr, "rand_diff: %" PRIu64 " streams...\n", i - first);
    }
    if (!o.quiet) {
        printf("rand_diff: %" PRIu64 " streams (%" PRIu64 " groups, %" PRIu64
               " instructions, %" PRIu64 " ending in a trap",
               st.streams, st.groups, st.insns, st.traps);
        const char *sep = ": ";
        for (int k = 0; k < 32; k++)
            if (st.by_sig[k]) {
                printf("%sSIG%s %" PRIu64, sep, sigabbrev_np(k), st.by_sig[k]);
                sep = ", ";
            }
        printf("), seed %" PRIu64 ", engines:", o.seed);
        for (size_t k = 0; k < neng; k++)
            printf(" %s", eng[k].name);
        printf("%s", o.qemu ? " qemu" : "");
        if (o.jit_every > 1)
            printf(" (%" PRIu64 " JIT runs: every %" PRIu64 "th stream)", st.jit_runs, o.jit_every);
        printf(": %s\n", st.fails ? "FAILED" : "all agree");
    }
    for (size_t k = 0; k < neng; k++)
        if (eng[k].close)
            eng[k].close(&eng[k]);
    qemu_cleanup();
    free(batch);
    free(ref);
    free(qr);
    free(rs);
    free(eng);
    mmu_space_free(machine.mm);
    return st.fails ? 1 : 0;
}
