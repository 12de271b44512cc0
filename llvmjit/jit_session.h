/*
 * jit_session.h — the LLVM side of a compile (private to llvmjit/): the ORC
 * LLJIT session (jit_session.c) and the per-tier pipelines (jit_pipeline.c),
 * in liftvm-llvm.so; the rest of liftvm calls it through jit_backend.h.
 * Everything here runs on the compile thread only.
 */
#ifndef LIFTVM_JIT_SESSION_H
#define LIFTVM_JIT_SESSION_H

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

#include "llvmjit/jit_lift.h"

typedef struct jit_session jit_session;

typedef struct jit_times {
    uint64_t lift_ns, opt_ns, codegen_ns, link_ns;
    bool relifted; /* a tier-1 chain call left tail position: lifted again with musttail */
} jit_times;

typedef struct jit_compiled {
    void *code;       /* entry of the unit */
    void *rt;         /* LLVMOrcResourceTrackerRef owning its memory */
    size_t obj_size;  /* bytes of the relocatable object */
    size_t code_size; /* bytes of the unit's function (its symbol's size), 0 if unknown */
    void *obj;        /* keep_obj: a malloc'd copy of the object (caller frees), else NULL */
} jit_compiled;

/* Creates the LLJIT, defines the host helpers, builds the stubs (or loads
 * them from cache_dir, when not NULL, where they are kept for the next
 * start: compiling them is most of the session's start-up). */
jit_session *jit_session_new(const char *cache_dir, char *err, size_t errlen);
void jit_session_free(jit_session *s);
void *jit_session_enter(jit_session *s); /* jit_enter */

/* Lifts in (its name must be unique in the session), optimises at in->tier,
 * emits an object and links it under a new resource tracker.  dump_dir: IR
 * before and after optimisation go to DIR/NAME.{before,after}.ll.
 * force_fail: the test hook, fails after lifting.  keep_obj: out->obj gets
 * a copy of the object (for the disk cache).  False with err set. */
bool jit_session_compile(jit_session *s, const jit_lift_in *in, const char *dump_dir,
                         bool force_fail, bool keep_obj, jit_times *t, jit_compiled *out,
                         char *err, size_t errlen);
/* Links a relocatable object made by jit_session_compile (maybe in another
 * process; len bytes at obj, copied) whose function is name, after defining
 * the symbols of the cells it names (cells[i] is the cell of pcs[i], pcs
 * sorted; naming another cell is an error).  No
 * optimisation, no code generation.  Callable from any thread.  False with
 * err set. */
bool jit_session_load(jit_session *s, const void *obj, size_t len, const char *name,
                      const uint64_t *pcs, jit_cell *const *cells, size_t ncells,
                      jit_compiled *out, char *err, size_t errlen);
/* Frees a unit's code and its resource tracker. */
void jit_session_remove(jit_session *s, void *rt);
/* Drops the reference to a unit's resource tracker only (the session is
 * going, and frees all code). */
void jit_session_release(jit_session *s, void *rt);

/* ---- jit_pipeline.c ---- */
LLVMCodeGenOptLevel jit_pipeline_codegen_level(int tier);
bool jit_pipeline_optimise(LLVMModuleRef M, int tier, LLVMTargetMachineRef tm, char *err,
                           size_t errlen);
/* Emits M as a relocatable object into *obj (caller owns it). */
bool jit_pipeline_emit(LLVMModuleRef M, LLVMTargetMachineRef tm, LLVMMemoryBufferRef *obj,
                       char *err, size_t errlen);
/* Writes DIR/NAME.STAGE.ll; a failure is reported in err and not fatal. */
bool jit_pipeline_dump(LLVMModuleRef M, const char *dir, const char *name, const char *stage,
                       char *err, size_t errlen);

#endif
