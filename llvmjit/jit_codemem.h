/*
 * jit_codemem.h — executable memory for cached units, linked without LLVM
 * (jit_codemem.c, with jit_obj_link of jit_objfile.c; private to llvmjit/).
 */
#ifndef LIFTVM_JIT_CODEMEM_H
#define LIFTVM_JIT_CODEMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct jit_codemem jit_codemem;

jit_codemem *jit_codemem_new(void);
/* Unmaps everything: no code of it may run any more. */
void jit_codemem_free(jit_codemem *m);
/* Links obj (jit_obj_link) into new executable memory: the entry of
 * function name, its size, and the block for jit_codemem_release; resolve
 * gives undefined symbols.  Only the thread that runs compiled code may
 * call it, outside compiled code (pages it writes are not executable
 * meanwhile).  False if obj needs LLVM's linker. */
bool jit_codemem_link(jit_codemem *m, const void *obj, size_t len, const char *name,
                      uint64_t (*resolve)(void *ctx, const char *name), void *ctx, void **entry,
                      size_t *code_size, void **block);
/* The block's code no longer runs: its memory may be reused.  Any thread. */
void jit_codemem_release(jit_codemem *m, void *block);

#endif
