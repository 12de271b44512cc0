/*
 * jit_session.c — the ORC LLJIT session: objects in, code out.
 *
 *   jit_lift ─► module ─► verify ─► (dump) ─► passes ─► (dump)
 *     ─► our TargetMachine for the tier emits an object
 *     ─► LLJIT object layer (RuntimeDyld) links it under a fresh resource
 *        tracker ─► lookup gives the entry; removing the tracker frees it
 *
 * We run code generation ourselves (a TargetMachine per tier, owned by the
 * compile thread) and use LLJIT only to link: this gives each tier its own
 * codegen level, separate lift/optimise/codegen/link timers, and the object
 * bytes a disk cache will want.  Each compile gets a fresh LLVMContext,
 * disposed right after emission, so types and constants do not pile up in
 * one long-lived context.  Host helpers and cells (jit_cell_<pc>) are
 * absolute symbols in the main JITDylib; the state layout is constant in
 * the code.  So objects relink in another process: the disk cache
 * (jit_cache.c) keeps them and jit_session_load links them back, from the
 * guest thread, while the compile thread may be compiling: linking (add,
 * lookup, remove) is serialised by link_mu, code generation is not.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/OrcEE.h>
#include <llvm-c/Target.h>

#include "llvmjit/jit_cache_priv.h"
#include "llvmjit/jit_objfile.h"
#include "llvmjit/jit_session.h"

struct jit_session {
    LLVMOrcLLJITRef J;
    LLVMOrcJITDylibRef jd;
    LLVMTargetMachineRef tm[3]; /* [1] tier 1, [2] tier 2 */
    void *enter;
    char reported[256]; /* last error from the session's error reporter */
    pthread_mutex_t link_mu; /* linking from the compile and guest threads */
    uint64_t *cell_pcs;      /* open-addressing set of pcs whose cell symbol is defined */
    size_t cell_cap, cell_count;
};

/* The one place LLVMErrorRefs become text: consumes e, returns true if it
 * was an error. */
static bool take_error(LLVMErrorRef e, const char *what, char *err, size_t errlen)
{
    if (!e)
        return false;
    char *m = LLVMGetErrorMessage(e); /* consumes e */
    snprintf(err, errlen, "%s: %s", what, m);
    LLVMDisposeErrorMessage(m);
    return true;
}

/* Materialisation errors reach only this reporter (a failed lookup just
 * says "Failed to materialize symbols"); keep the text for the lookup's
 * caller. */
static void report_error(void *ctx, LLVMErrorRef e)
{
    jit_session *s = ctx;
    take_error(e, "materialisation", s->reported, sizeof s->reported);
}

static LLVMOrcObjectLayerRef make_object_layer(void *ctx, LLVMOrcExecutionSessionRef es,
                                               const char *triple)
{
    (void)ctx;
    (void)triple;
    /* RuntimeDyld: the layer perf and gdb JIT event listeners attach to. */
    return LLVMOrcCreateRTDyldObjectLinkingLayerWithSectionMemoryManager(es);
}

static bool define_helpers(jit_session *s, char *err, size_t errlen)
{
    LLVMOrcCSymbolMapPair pairs[32];
    if (jit_helper_count > sizeof pairs / sizeof pairs[0]) {
        snprintf(err, errlen, "too many host helpers");
        return false;
    }
    for (size_t i = 0; i < jit_helper_count; i++) {
        pairs[i].Name = LLVMOrcLLJITMangleAndIntern(s->J, jit_helper_syms[i].name);
        pairs[i].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)jit_helper_syms[i].addr;
        pairs[i].Sym.Flags.GenericFlags =
            LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
        pairs[i].Sym.Flags.TargetFlags = 0;
    }
    /* The materialization unit takes the names; the JITDylib takes the unit. */
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(pairs, jit_helper_count);
    return !take_error(LLVMOrcJITDylibDefine(s->jd, mu), "defining host helpers", err, errlen);
}

static bool make_target_machines(jit_session *s, char *err, size_t errlen)
{
    const char *triple = LLVMOrcLLJITGetTripleString(s->J);
    LLVMTargetRef target;
    char *msg = NULL;
    if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
        snprintf(err, errlen, "no LLVM target for %s: %s", triple, msg ? msg : "?");
        LLVMDisposeMessage(msg);
        return false;
    }
    char *cpu = LLVMGetHostCPUName(), *features = LLVMGetHostCPUFeatures();
    for (int tier = 1; tier <= 2; tier++)
        s->tm[tier] = LLVMCreateTargetMachine(target, triple, cpu, features,
                                              jit_pipeline_codegen_level(tier), LLVMRelocDefault,
                                              LLVMCodeModelJITDefault);
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(features);
    if (!s->tm[1] || !s->tm[2]) {
        snprintf(err, errlen, "cannot create a TargetMachine for %s", triple);
        return false;
    }
    return true;
}

static LLVMModuleRef new_module(jit_session *s, LLVMContextRef C, const char *name)
{
    LLVMModuleRef M = LLVMModuleCreateWithNameInContext(name, C);
    LLVMSetTarget(M, LLVMOrcLLJITGetTripleString(s->J));
    LLVMSetDataLayout(M, LLVMOrcLLJITGetDataLayoutStr(s->J));
    return M;
}

static bool cell_defined(const jit_session *s, uint64_t pc, size_t *slot)
{
    size_t m = s->cell_cap - 1, i = (size_t)((pc >> 1) * UINT64_C(0x9e3779b97f4a7c15)) & m;
    for (; s->cell_pcs[i] != UINT64_MAX; i = (i + 1) & m)
        if (s->cell_pcs[i] == pc)
            return true;
    *slot = i;
    return false;
}

static bool grow_cell_set(jit_session *s)
{
    size_t cap = s->cell_cap ? 2 * s->cell_cap : 1024;
    uint64_t *old = s->cell_pcs, *n = malloc(cap * sizeof *n);
    if (!n)
        return false;
    memset(n, 0xff, cap * sizeof *n);
    size_t oldcap = s->cell_cap;
    s->cell_pcs = n;
    s->cell_cap = cap;
    for (size_t i = 0; i < oldcap; i++) {
        size_t slot;
        if (old[i] != UINT64_MAX && !cell_defined(s, old[i], &slot))
            n[slot] = old[i];
    }
    free(old);
    return true;
}

/* The cells an object may name: cells[i] is the cell of pcs[i] (sorted),
 * extra one more (or NULL). */
typedef struct cell_list {
    jit_session *s;
    const uint64_t *pcs;
    jit_cell *const *cells;
    size_t n;
    jit_cell *extra;
    bool failed;
    char *err;
    size_t errlen;
} cell_list;

static jit_cell *cell_of(const cell_list *l, uint64_t pc)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->pcs[mid] == pc)
            return l->cells[mid];
        if (l->pcs[mid] < pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return l->extra && l->extra->pc == pc ? l->extra : NULL;
}

/* jit_obj_undefined callback: defines jit_cell_<pc> if it has no symbol
 * yet.  Only the cells the object really names: a symbol defined and never
 * looked up stays an unmaterialised unit in the JITDylib, and ORC walks
 * all of those whenever a resource tracker goes away. */
static void define_cell(void *ctx, const char *name)
{
    cell_list *l = ctx;
    jit_session *s = l->s;
    uint64_t pc;
    if (l->failed || !jit_cell_symbol_pc(name, &pc))
        return;
    jit_cell *c = cell_of(l, pc);
    if (!c) {
        snprintf(l->err, l->errlen, "the object names %s, which is none of its exits", name);
        l->failed = true;
        return;
    }
    size_t slot;
    if ((s->cell_count + 1) * 2 > s->cell_cap && !grow_cell_set(s)) {
        snprintf(l->err, l->errlen, "out of memory");
        l->failed = true;
        return;
    }
    if (cell_defined(s, pc, &slot))
        return;
    LLVMOrcCSymbolMapPair pair = {
        .Name = LLVMOrcLLJITMangleAndIntern(s->J, name),
        .Sym = {.Address = (LLVMOrcExecutorAddress)(uintptr_t)c,
                .Flags = {.GenericFlags = LLVMJITSymbolGenericFlagsExported}},
    };
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(&pair, 1);
    if (take_error(LLVMOrcJITDylibDefine(s->jd, mu), "defining a cell", l->err, l->errlen)) {
        l->failed = true;
        return;
    }
    s->cell_pcs[slot] = pc;
    s->cell_count++;
}

/* Under link_mu: defines the symbols of the cells obj names.  Cells live as
 * long as the jit, so a symbol, once defined, stays right. */
static bool define_cells(jit_session *s, const void *obj, size_t len, cell_list *l, char *err,
                         size_t errlen)
{
    l->s = s;
    l->err = err;
    l->errlen = errlen;
    if (!jit_obj_undefined(obj, len, define_cell, l)) {
        snprintf(err, errlen, "malformed object");
        return false;
    }
    return !l->failed;
}

/* Links obj (taken) under a new resource tracker and looks name up. */
static bool link_object(jit_session *s, LLVMMemoryBufferRef obj, const char *name, void **code,
                        LLVMOrcResourceTrackerRef *rt_out, char *err, size_t errlen)
{
    LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(s->jd);
    LLVMErrorRef e = LLVMOrcLLJITAddObjectFileWithRT(s->J, rt, obj); /* obj now owned by the JIT */
    if (take_error(e, "adding the object", err, errlen)) {
        LLVMOrcReleaseResourceTracker(rt);
        return false;
    }
    LLVMOrcExecutorAddress addr = 0;
    s->reported[0] = 0;
    e = LLVMOrcLLJITLookup(s->J, &addr, name);
    if (take_error(e, "linking", err, errlen)) {
        if (s->reported[0]) {
            size_t n = strlen(err);
            snprintf(err + n, errlen - n, " (%s)", s->reported);
        }
        char ignored[64];
        take_error(LLVMOrcResourceTrackerRemove(rt), "", ignored, sizeof ignored);
        LLVMOrcReleaseResourceTracker(rt);
        return false;
    }
    *code = (void *)(uintptr_t)addr;
    *rt_out = rt;
    return true;
}

static bool verify(LLVMModuleRef M, char *err, size_t errlen)
{
    char *msg = NULL;
    if (LLVMVerifyModule(M, LLVMReturnStatusAction, &msg)) {
        snprintf(err, errlen, "lifted IR does not verify: %.200s", msg ? msg : "?");
        LLVMDisposeMessage(msg);
        return false;
    }
    LLVMDisposeMessage(msg);
    return true;
}

static bool build_stubs(jit_session *s, const char *cache_dir, char *err, size_t errlen)
{
    size_t len = 0;
    void *cached = jit_cache_stubs_load(cache_dir, &len); /* checked below like fresh ones */
    LLVMMemoryBufferRef obj =
        cached ? LLVMCreateMemoryBufferWithMemoryRangeCopy(cached, len, "liftvm_stubs") : NULL;
    free(cached);
    bool ok = obj != NULL;
    if (!obj) {
        LLVMContextRef C = LLVMContextCreate();
        LLVMModuleRef M = new_module(s, C, "liftvm_stubs");
        jit_lift_stubs(M);
        ok = verify(M, err, errlen) && jit_pipeline_emit(M, s->tm[2], &obj, err, errlen);
        LLVMDisposeModule(M);
        LLVMContextDispose(C);
        if (ok)
            jit_cache_stubs_save(cache_dir, LLVMGetBufferStart(obj), LLVMGetBufferSize(obj));
    }
    LLVMOrcResourceTrackerRef rt;
    if (!ok || !link_object(s, obj, "jit_enter", &s->enter, &rt, err, errlen))
        return false;
    LLVMOrcReleaseResourceTracker(rt); /* the stubs live as long as the session */
    /* Empty cells hold the assembly jit_exit_stub: it must be the code LLVM
     * makes for a tailcc return (the callee pops the padded argument area). */
    LLVMOrcExecutorAddress a = 0;
    if (take_error(LLVMOrcLLJITLookup(s->J, &a, "jit_exit_next"), "stub lookup", err, errlen))
        return false;
    static const unsigned char want[] = {0x31, 0xc0, 0xc2, 0x08, 0x00}; /* xor eax; ret 8 */
    if (memcmp((const void *)(uintptr_t)a, want, sizeof want) != 0 ||
        memcmp((const void *)jit_exit_stub, want, sizeof want) != 0) {
        snprintf(err, errlen, "LLVM's tailcc return differs from jit_exit_stub");
        return false;
    }
    return true;
}

jit_session *jit_session_new(const char *cache_dir, char *err, size_t errlen)
{
    jit_session *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->link_mu, NULL);
    /* Idempotent; only the compile thread gets here.  The asm parser
     * assembles the units' one inline instruction (stmxcsr, jit_lift.c). */
    if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter() ||
        LLVMInitializeNativeAsmParser()) {
        snprintf(err, errlen, "LLVM has no native target for this host");
        jit_session_free(s);
        return NULL;
    }
    LLVMOrcLLJITBuilderRef b = LLVMOrcCreateLLJITBuilder();
    LLVMOrcLLJITBuilderSetObjectLinkingLayerCreator(b, make_object_layer, NULL);
    /* LLVMOrcCreateLLJIT takes the builder, even when it fails. */
    if (take_error(LLVMOrcCreateLLJIT(&s->J, b), "creating the LLJIT", err, errlen)) {
        s->J = NULL;
        jit_session_free(s);
        return NULL;
    }
    LLVMOrcExecutionSessionSetErrorReporter(LLVMOrcLLJITGetExecutionSession(s->J), report_error, s);
    s->jd = LLVMOrcLLJITGetMainJITDylib(s->J);
    if (!define_helpers(s, err, errlen) || !make_target_machines(s, err, errlen) ||
        !build_stubs(s, cache_dir, err, errlen)) {
        jit_session_free(s);
        return NULL;
    }
    return s;
}

void jit_session_free(jit_session *s)
{
    if (!s)
        return;
    for (int i = 1; i <= 2; i++)
        if (s->tm[i])
            LLVMDisposeTargetMachine(s->tm[i]);
    if (s->J) {
        char ignored[256];
        take_error(LLVMOrcDisposeLLJIT(s->J), "", ignored, sizeof ignored); /* frees all code */
    }
    pthread_mutex_destroy(&s->link_mu);
    free(s->cell_pcs);
    free(s);
}

void *jit_session_enter(jit_session *s) { return s->enter; }

/* The cells a unit made from in names: its exits and its counter. */
static bool define_unit_cells(jit_session *s, const jit_lift_in *in, const void *obj, size_t len,
                              char *err, size_t errlen)
{
    cell_list l = {.extra = in->head_cell};
    if (in->exits) {
        l.pcs = in->exits->exit_pc;
        l.cells = in->exits->exit_cell;
        l.n = in->exits->n_exits;
    }
    return define_cells(s, obj, len, &l, err, errlen);
}

bool jit_session_compile(jit_session *s, const jit_lift_in *in, const char *dump_dir,
                         bool force_fail, bool keep_obj, jit_times *t, jit_compiled *out,
                         char *err, size_t errlen)
{
    uint64_t t0 = jit_now_ns(), t1 = t0, t2 = t0;
    LLVMContextRef C = LLVMContextCreate();
    LLVMModuleRef M = NULL;
    LLVMMemoryBufferRef obj = NULL;
    bool ok = false;
    /* Tier 1's passes leave chain calls in tail position (jit_pipeline.c),
     * so its units skip the musttail rewrite, most of a small unit's lift
     * time; should a chain call have moved anyway, lift again with it. */
    for (bool musttail = in->tier >= 2;; musttail = true) {
        if (M)
            LLVMDisposeModule(M);
        M = new_module(s, C, in->name);
        ok = jit_lift(M, in, musttail, err, errlen) && verify(M, err, errlen);
        if (ok && force_fail) {
            snprintf(err, errlen, "forced failure (test hook LIFTVM_JIT_FAIL_EVERY)");
            ok = false;
        }
        t1 = jit_now_ns();
        char derr[256];
        if (ok && dump_dir && !jit_pipeline_dump(M, dump_dir, in->name, "before", derr, sizeof derr))
            fprintf(stderr, "liftvm: --dump-llvm: %s\n", derr);
        ok = ok && jit_pipeline_optimise(M, in->tier, s->tm[in->tier >= 2 ? 2 : 1], err, errlen);
        if (ok && dump_dir && !jit_pipeline_dump(M, dump_dir, in->name, "after", derr, sizeof derr))
            fprintf(stderr, "liftvm: --dump-llvm: %s\n", derr);
        t2 = jit_now_ns();
        if (!ok || musttail || jit_lift_chains_in_place(M))
            break;
        t->relifted = true;
    }
    ok = ok && jit_pipeline_emit(M, s->tm[in->tier >= 2 ? 2 : 1], &obj, err, errlen);
    LLVMDisposeModule(M);
    LLVMContextDispose(C);
    uint64_t t3 = jit_now_ns();
    LLVMOrcResourceTrackerRef rt = NULL;
    if (ok) {
        const char *bytes = LLVMGetBufferStart(obj);
        out->obj_size = LLVMGetBufferSize(obj);
        out->code_size = jit_obj_symbol_size(bytes, out->obj_size, in->name);
        if (keep_obj && (out->obj = malloc(out->obj_size)))
            memcpy(out->obj, bytes, out->obj_size);
        pthread_mutex_lock(&s->link_mu);
        ok = define_unit_cells(s, in, bytes, out->obj_size, err, errlen);
        if (ok)
            ok = link_object(s, obj, in->name, &out->code, &rt, err, errlen); /* takes obj */
        else
            LLVMDisposeMemoryBuffer(obj);
        pthread_mutex_unlock(&s->link_mu);
        out->rt = rt;
        if (!ok) {
            free(out->obj);
            out->obj = NULL;
        }
    }
    uint64_t t4 = jit_now_ns();
    t->lift_ns = t1 - t0;
    t->opt_ns = t2 - t1;
    t->codegen_ns = t3 - t2;
    t->link_ns = t4 - t3;
    return ok;
}

void jit_session_remove(jit_session *s, void *rt)
{
    if (!rt)
        return;
    char err[256];
    pthread_mutex_lock(&s->link_mu);
    if (take_error(LLVMOrcResourceTrackerRemove(rt), "freeing a unit", err, sizeof err))
        fprintf(stderr, "liftvm: jit: %s\n", err);
    LLVMOrcReleaseResourceTracker(rt);
    pthread_mutex_unlock(&s->link_mu);
}

void jit_session_release(jit_session *s, void *rt)
{
    (void)s;
    LLVMOrcReleaseResourceTracker(rt);
}

bool jit_session_load(jit_session *s, const void *obj, size_t len, const char *name,
                      const uint64_t *pcs, jit_cell *const *cells, size_t ncells,
                      jit_compiled *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->obj_size = len;
    out->code_size = jit_obj_symbol_size(obj, len, name);
    LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRangeCopy(obj, len, name);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    LLVMOrcResourceTrackerRef rt = NULL;
    pthread_mutex_lock(&s->link_mu);
    cell_list l = {.pcs = pcs, .cells = cells, .n = ncells};
    bool ok = define_cells(s, obj, len, &l, err, errlen);
    if (ok)
        ok = link_object(s, buf, name, &out->code, &rt, err, errlen); /* takes buf */
    else
        LLVMDisposeMemoryBuffer(buf);
    pthread_mutex_unlock(&s->link_mu);
    out->rt = rt;
    return ok;
}
