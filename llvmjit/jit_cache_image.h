/*
 * jit_cache_image.h — a guest program's cached units linked ahead of time
 * into one image (private to llvmjit/; jit_cache.c uses it).
 *
 *   DIR/v1/g-<group>/image   a checksummed blob (jc_write_blob):
 *     head: magic, configuration id, group id, sizes
 *     zstd frame 1: counts │ units (key, entry, code size) sorted by key
 *                   │ symbols (name offsets) │ fixups (offset, symbol) │ names
 *     zstd frame 2: code, every unit's sections one after the other
 *
 * Why: a warm start used to decompress and link each unit it reached on
 * its own (~10 us a unit: a zstd frame, an ELF parse, name lookups, fresh
 * whole pages and an mprotect); a shell loop reaches ~900.  The image does
 * that work once, when a run that wrote to the cache ends: loading it is
 * one read, two decompressions (the code straight into its mapping), one
 * lookup per distinct symbol, one add per fixup and one mprotect.  A unit
 * from it then costs the check of its guest code and its publication.
 *
 * Code naming a cell or a host helper names a symbol; a fixup adds that
 * symbol's address to the 8 bytes at its offset (which hold the addend).
 * Symbol 0 is the image's own address (relocations between a unit's
 * sections).  The image never trusts itself about guest code: a unit is
 * found by its record's key, and the record is checked against the guest
 * code as before.  A record whose object only LLVM can link is listed
 * with no code, so its absence does not make every run rebuild the image.
 */
#ifndef LIFTVM_JIT_CACHE_IMAGE_H
#define LIFTVM_JIT_CACHE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llvmjit/jit_cache_store.h"
#include "llvmjit/jit_objfile.h"

typedef struct jc_image jc_image;

/* Builds the image of the group's records of configuration config (NULL:
 * the pack's) and writes it; false if none was written (no records, out of
 * memory, I/O error).  *units: how many it holds. */
bool jc_image_build(int gfd, const uint8_t *config, const uint8_t gid[JC_ID_LEN], size_t *units);

/* What reading an image found. */
typedef enum jc_image_status {
    JC_IMAGE_OK,
    JC_IMAGE_MISSING,
    JC_IMAGE_DAMAGED, /* untrusted file, bad checksum, bad bounds */
    JC_IMAGE_FOREIGN, /* another configuration or group */
    JC_IMAGE_UNRESOLVED, /* a symbol resolve did not know, or no memory */
} jc_image_status;
const char *jc_image_status_name(jc_image_status s);

/* Reads gfd's image and maps its code executable, every fixup applied:
 * NULL with *status set if it cannot be used.  resolve gives the address
 * of every symbol but the image's own (called once per symbol). */
jc_image *jc_image_load(int gfd, const uint8_t config[JC_ID_LEN], const uint8_t gid[JC_ID_LEN],
                        jit_obj_resolve_fn resolve, void *ctx, jc_image_status *status);
/* Checks gfd's image without mapping it (liftvm cache verify); config:
 * the configuration it must have been made for, or NULL. */
jc_image_status jc_image_check(int gfd, const uint8_t *config, const uint8_t gid[JC_ID_LEN]);
/* Unmaps it: no code of it may run any more. */
void jc_image_free(jc_image *im);

/* The code of the unit made from the record with key: true with its entry
 * and size; false if the image has no code for it (*listed: the image
 * lists it as linkable by LLVM only). */
bool jc_image_find(const jc_image *im, const uint8_t key[JC_ID_LEN], void **entry,
                   size_t *code_size, bool *listed);
size_t jc_image_units(const jc_image *im);
/* Bytes of the image's code mapping, and the time load took. */
size_t jc_image_code_bytes(const jc_image *im);
uint64_t jc_image_load_ns(const jc_image *im);

#endif
