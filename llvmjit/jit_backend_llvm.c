/*
 * jit_backend_llvm.c — the LLVM side's table (jit_backend.h): the one
 * symbol liftvm-llvm.so exports.
 */
#include "llvmjit/jit_backend.h"

__attribute__((visibility("default"))) const jit_backend jit_llvm_backend = {
    .session_new = jit_session_new,
    .session_free = jit_session_free,
    .session_enter = jit_session_enter,
    .session_compile = jit_session_compile,
    .session_load = jit_session_load,
    .session_remove = jit_session_remove,
    .session_release = jit_session_release,
};
