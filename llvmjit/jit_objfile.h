/*
 * jit_objfile.h — the few facts the disk cache and the perf outputs need
 * from a unit's relocatable object (ELF64, x86-64), read without LLVM
 * (private to llvmjit/).  Every function checks bounds: the bytes may come
 * from a damaged cache file.
 */
#ifndef LIFTVM_JIT_OBJFILE_H
#define LIFTVM_JIT_OBJFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dl_phdr_info;

/* True if obj is an ELF64 little-endian x86-64 relocatable object whose
 * section headers and symbol table lie inside its len bytes and which
 * defines the function name; else false with the reason in err. */
bool jit_obj_check(const void *obj, size_t len, const char *name, char *err, size_t errlen);

/* st_size of the symbol name defined in obj, 0 if absent or obj malformed. */
size_t jit_obj_symbol_size(const void *obj, size_t len, const char *name);

/* Calls fn(ctx, name) for every undefined symbol of obj (names are
 * NUL-terminated inside the string table); false if obj is malformed. */
bool jit_obj_undefined(const void *obj, size_t len, void (*fn)(void *ctx, const char *name),
                       void *ctx);

/* Section index and value of the defined symbol name; false if absent. */
bool jit_obj_symbol_at(const void *obj, size_t len, const char *name, size_t *section,
                       uint64_t *value);

/* Renames symbol from to to (the same length) in place, in every string
 * table of obj (symbol names, and section names ending in ".from").  A
 * unit's function has one name per process, so a cached object gets a
 * fresh one before it is linked.  False if from is not a symbol of obj. */
bool jit_obj_rename(void *obj, size_t len, const char *from, const char *to);

/* ---- linking without LLVM (jit_codemem.c) ---- */

/* Bytes (and alignment) the allocatable sections of obj need when laid out
 * one after the other; false if obj is malformed. */
bool jit_obj_layout(const void *obj, size_t len, size_t *size, size_t *align);
/* The address of an undefined symbol, 0 if unknown. */
typedef uint64_t (*jit_obj_resolve_fn)(void *ctx, const char *name);
/* Lays out obj's allocatable sections at dst (size bytes from
 * jit_obj_layout; the code runs where it is written), applies its
 * relocations and returns the entry of function name and its size.  Only
 * what LLVM emits for units is handled (R_X86_64_64 relocations against
 * sections, defined and undefined symbols); anything else returns false,
 * and the caller links the object with LLVM instead. */
bool jit_obj_link(const void *obj, size_t len, uint8_t *dst, size_t size,
                  jit_obj_resolve_fn resolve, void *ctx, const char *name, void **entry,
                  size_t *code_size);
/* The general form, for code that runs elsewhere than it is written (the
 * per-program image of jit_cache_image.c): lays obj out at dst as if at
 * address base and calls place for every relocated 8-byte place at offset
 * at of the layout.  name NULL: the value is an address inside the layout
 * (base + offset + addend, already computed); else the symbol is undefined
 * and place sets *addr to its address (0 leaves just the addend there),
 * false stops the link.  *entry is the offset of function name. */
typedef bool (*jit_obj_place_fn)(void *ctx, const char *name, size_t at, uint64_t *addr);
bool jit_obj_place(const void *obj, size_t len, uint8_t *dst, size_t size, uint64_t base,
                   jit_obj_place_fn place, void *ctx, const char *name, size_t *entry,
                   size_t *code_size);

/* ---- loaded objects ---- */

/* Copies the GNU build-id note of a loaded ELF object (an entry of
 * dl_iterate_phdr) to out; its length, 0 if it has none (or above cap). */
size_t jit_elf_build_id(const struct dl_phdr_info *info, uint8_t *out, size_t cap);

#endif
