/*
 * jit_backend_linked.c — jit_backend_get for programs that link the LLVM
 * side in (the tests): nothing to load.
 */
#include "llvmjit/jit_backend.h"

const jit_backend *jit_backend_get(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return &jit_llvm_backend;
}
