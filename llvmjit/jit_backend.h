/*
 * jit_backend.h — how the rest of liftvm reaches the LLVM side of the jit
 * (private to llvmjit/): a table of the jit_session functions.
 *
 *   liftvm (no LLVM inside) ──dlopen on first compile──► liftvm-llvm.so
 *                                                        (jit_session.c,
 *   tests ──linked in──────────────────────────────────►  jit_lift*.c,
 *                                                         jit_pipeline.c,
 *                                                         LLVM, libstdc++)
 *
 * Why a module: LLVM linked into the executable ran ~360 static
 * initialisers and paged in ~1.4 MB at every start (~2.5 ms, more than a
 * busybox applet runs natively), though a run whose code all comes from
 * the disk cache never compiles.  The executable records the module's
 * GNU build id when it is linked (jit_module_id.cmake) and loads no other:
 * so its own build id, which keys the disk cache, covers the module too.
 */
#ifndef LIFTVM_JIT_BACKEND_H
#define LIFTVM_JIT_BACKEND_H

#include "llvmjit/jit_session.h"

typedef struct jit_backend {
    jit_session *(*session_new)(const char *cache_dir, char *err, size_t errlen);
    void (*session_free)(jit_session *s);
    void *(*session_enter)(jit_session *s);
    bool (*session_compile)(jit_session *s, const jit_lift_in *in, const char *dump_dir,
                            bool force_fail, bool keep_obj, jit_times *t, jit_compiled *out,
                            char *err, size_t errlen);
    bool (*session_load)(jit_session *s, const void *obj, size_t len, const char *name,
                         const uint64_t *pcs, jit_cell *const *cells, size_t ncells,
                         jit_compiled *out, char *err, size_t errlen);
    void (*session_remove)(jit_session *s, void *rt);
    void (*session_release)(jit_session *s, void *rt);
} jit_backend;

/* The table, loaded on the first call (thread-safe); NULL with err set if
 * the module cannot be found or loaded, or is from another build. */
const jit_backend *jit_backend_get(char *err, size_t errlen);

/* ---- jit_backend_llvm.c: the table itself (in the module) ---- */
extern const jit_backend jit_llvm_backend;

#endif
