/*
 * jit_objfile.c — bounds-checked reading (and one in-place rename) of the
 * ELF64 relocatable objects LLVM emits for units.
 *
 *   ELF header ─► section headers (e_shoff, e_shnum) ─► .symtab (SHT_SYMTAB)
 *     └► its sh_link: .strtab, where symbol names live
 *
 * jit_obj_link is a tiny static linker for the cached objects of units:
 * allocatable sections one after the other, R_X86_64_64 relocations (all
 * LLVM emits for units under the large code model: cells, host helpers,
 * constant pools).  jit_elf_build_id reads a loaded object's build-id note.
 */
#include "llvmjit/jit_objfile.h"

#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct objview {
    const uint8_t *p;
    size_t len;
    const Elf64_Shdr *sh;
    size_t shnum;
} objview;

static bool in_bounds(size_t len, uint64_t off, uint64_t size)
{
    return off <= len && size <= len - off;
}

/* Validates the header and the section table; false with err set. */
static bool view(objview *v, const void *obj, size_t len, char *err, size_t errlen)
{
    const Elf64_Ehdr *eh = obj;
    v->p = obj;
    v->len = len;
    if (!obj || len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
        snprintf(err, errlen, "not an ELF object");
        return false;
    }
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_type != ET_REL || eh->e_machine != EM_X86_64) {
        snprintf(err, errlen, "not an x86-64 relocatable object");
        return false;
    }
    if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff % 8 ||
        !in_bounds(len, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr))) {
        snprintf(err, errlen, "section table out of bounds");
        return false;
    }
    v->sh = (const Elf64_Shdr *)(v->p + eh->e_shoff);
    v->shnum = eh->e_shnum;
    for (size_t i = 0; i < v->shnum; i++) {
        if (v->sh[i].sh_type != SHT_NOBITS &&
            !in_bounds(len, v->sh[i].sh_offset, v->sh[i].sh_size)) {
            snprintf(err, errlen, "section %zu out of bounds", i);
            return false;
        }
    }
    return true;
}

/* The symbol (not a file or section) called name, or NULL. */
static const Elf64_Sym *find_symbol(const objview *v, const char *name)
{
    size_t nlen = strlen(name);
    for (size_t i = 0; i < v->shnum; i++) {
        const Elf64_Shdr *s = &v->sh[i];
        if (s->sh_type != SHT_SYMTAB || s->sh_entsize != sizeof(Elf64_Sym) || s->sh_offset % 8 ||
            s->sh_link >= v->shnum)
            continue;
        const Elf64_Shdr *str = &v->sh[s->sh_link];
        const char *strs = (const char *)v->p + str->sh_offset;
        const Elf64_Sym *sym = (const Elf64_Sym *)(v->p + s->sh_offset);
        for (size_t k = 0; k < s->sh_size / sizeof *sym; k++) {
            uint64_t at = sym[k].st_name;
            int type = ELF64_ST_TYPE(sym[k].st_info);
            if (type == STT_FILE || type == STT_SECTION)
                continue; /* LLVM names the FILE symbol after the module: the unit */
            if (at < str->sh_size && str->sh_size - at > nlen &&
                memcmp(strs + at, name, nlen + 1) == 0)
                return &sym[k];
        }
    }
    return NULL;
}

bool jit_obj_check(const void *obj, size_t len, const char *name, char *err, size_t errlen)
{
    objview v;
    if (!view(&v, obj, len, err, errlen))
        return false;
    const Elf64_Sym *s = find_symbol(&v, name);
    if (!s || s->st_shndx == SHN_UNDEF || s->st_shndx >= v.shnum ||
        ELF64_ST_TYPE(s->st_info) != STT_FUNC) {
        snprintf(err, errlen, "the object does not define the function %s", name);
        return false;
    }
    return true;
}

size_t jit_obj_symbol_size(const void *obj, size_t len, const char *name)
{
    objview v;
    char err[64];
    if (!view(&v, obj, len, err, sizeof err))
        return 0;
    const Elf64_Sym *s = find_symbol(&v, name);
    return s && s->st_shndx != SHN_UNDEF ? (size_t)s->st_size : 0;
}

bool jit_obj_symbol_at(const void *obj, size_t len, const char *name, size_t *section,
                       uint64_t *value)
{
    objview v;
    char err[64];
    if (!view(&v, obj, len, err, sizeof err))
        return false;
    const Elf64_Sym *s = find_symbol(&v, name);
    if (!s || s->st_shndx == SHN_UNDEF || s->st_shndx >= v.shnum)
        return false;
    *section = s->st_shndx;
    *value = s->st_value;
    return true;
}

bool jit_obj_undefined(const void *obj, size_t len, void (*fn)(void *ctx, const char *name),
                       void *ctx)
{
    objview v;
    char err[64];
    if (!view(&v, obj, len, err, sizeof err))
        return false;
    for (size_t i = 0; i < v.shnum; i++) {
        const Elf64_Shdr *s = &v.sh[i];
        if (s->sh_type != SHT_SYMTAB || s->sh_entsize != sizeof(Elf64_Sym) || s->sh_offset % 8 ||
            s->sh_link >= v.shnum)
            continue;
        const Elf64_Shdr *str = &v.sh[s->sh_link];
        const char *strs = (const char *)v.p + str->sh_offset;
        const Elf64_Sym *sym = (const Elf64_Sym *)(v.p + s->sh_offset);
        for (size_t k = 1; k < s->sh_size / sizeof *sym; k++) {
            uint64_t at = sym[k].st_name;
            if (sym[k].st_shndx != SHN_UNDEF || at == 0)
                continue;
            if (at >= str->sh_size || !memchr(strs + at, 0, str->sh_size - at))
                return false;
            fn(ctx, strs + at);
        }
    }
    return true;
}

bool jit_obj_rename(void *obj, size_t len, const char *from, const char *to)
{
    objview v;
    char err[64];
    size_t n = strlen(from);
    if (strlen(to) != n || n == 0 || !view(&v, obj, len, err, sizeof err) ||
        !find_symbol(&v, from))
        return false;
    uint8_t *p = obj;
    for (size_t i = 0; i < v.shnum; i++) {
        if (v.sh[i].sh_type != SHT_STRTAB)
            continue;
        char *t = (char *)p + v.sh[i].sh_offset;
        size_t size = v.sh[i].sh_size;
        /* Whole strings equal to from, or ending in ".from" (.text.from). */
        for (size_t at = 0; at + n < size; at++) {
            bool starts = at == 0 || t[at - 1] == 0 || t[at - 1] == '.';
            if (starts && t[at + n] == 0 && memcmp(t + at, from, n) == 0) {
                memcpy(t + at, to, n);
                at += n;
            }
        }
    }
    return true;
}

/* ---- linking ---- */

#define MAX_SECTIONS 256

/* Offsets of the allocatable sections in the layout (SIZE_MAX: not placed). */
static bool place_sections(const objview *v, size_t *off, size_t *size, size_t *align)
{
    size_t at = 0, max_align = 16;
    if (v->shnum > MAX_SECTIONS)
        return false;
    for (size_t i = 0; i < v->shnum; i++) {
        const Elf64_Shdr *s = &v->sh[i];
        off[i] = SIZE_MAX;
        if (!(s->sh_flags & SHF_ALLOC) || s->sh_size == 0)
            continue;
        uint64_t a = s->sh_addralign ? s->sh_addralign : 1;
        if (a & (a - 1) || a > 4096 || s->sh_size > (64u << 20))
            return false;
        at = (at + a - 1) & ~(size_t)(a - 1);
        off[i] = at;
        at += s->sh_size;
        if (a > max_align)
            max_align = a;
    }
    *size = at;
    *align = max_align;
    return true;
}

bool jit_obj_layout(const void *obj, size_t len, size_t *size, size_t *align)
{
    objview v;
    char err[64];
    size_t off[MAX_SECTIONS];
    return view(&v, obj, len, err, sizeof err) && place_sections(&v, off, size, align);
}

/* The value of symbol k of symtab s for a relocation at offset at of the
 * layout: a defined symbol's address as placed for base, an undefined
 * one's as place gives it; place hears of every relocation. */
static bool symbol_value(const objview *v, const Elf64_Shdr *s, size_t k, const size_t *off,
                         uint64_t base, size_t at, jit_obj_place_fn place, void *ctx,
                         uint64_t *out)
{
    if (k >= s->sh_size / sizeof(Elf64_Sym) || s->sh_link >= v->shnum)
        return false;
    const Elf64_Sym *sym = (const Elf64_Sym *)(v->p + s->sh_offset) + k;
    if (sym->st_shndx == SHN_ABS) {
        *out = sym->st_value;
        return true;
    }
    if (sym->st_shndx == SHN_UNDEF) {
        const Elf64_Shdr *str = &v->sh[s->sh_link];
        const char *name = (const char *)v->p + str->sh_offset + sym->st_name;
        if (sym->st_name >= str->sh_size || !memchr(name, 0, str->sh_size - sym->st_name))
            return false;
        *out = 0;
        return place(ctx, name, at, out);
    }
    if (sym->st_shndx >= v->shnum || off[sym->st_shndx] == SIZE_MAX ||
        sym->st_value > v->sh[sym->st_shndx].sh_size)
        return false;
    *out = base + off[sym->st_shndx] + sym->st_value;
    return place(ctx, NULL, at, NULL);
}

bool jit_obj_place(const void *obj, size_t len, uint8_t *dst, size_t size, uint64_t base,
                   jit_obj_place_fn place, void *ctx, const char *name, size_t *entry,
                   size_t *code_size)
{
    objview v;
    char err[64];
    size_t off[MAX_SECTIONS], need, align;
    if (!view(&v, obj, len, err, sizeof err) || !place_sections(&v, off, &need, &align) ||
        need > size)
        return false;
    for (size_t i = 0; i < v.shnum; i++) {
        if (off[i] == SIZE_MAX)
            continue;
        if (v.sh[i].sh_type == SHT_NOBITS)
            memset(dst + off[i], 0, v.sh[i].sh_size);
        else
            memcpy(dst + off[i], v.p + v.sh[i].sh_offset, v.sh[i].sh_size);
    }
    for (size_t i = 0; i < v.shnum; i++) {
        const Elf64_Shdr *r = &v.sh[i];
        if (r->sh_type == SHT_REL)
            return false;
        if (r->sh_type != SHT_RELA)
            continue;
        if (r->sh_info >= v.shnum || r->sh_link >= v.shnum ||
            r->sh_entsize != sizeof(Elf64_Rela) || r->sh_offset % 8)
            return false;
        if (off[r->sh_info] == SIZE_MAX)
            continue; /* relocates a section that is not loaded (debug info) */
        const Elf64_Shdr *target = &v.sh[r->sh_info], *symtab = &v.sh[r->sh_link];
        if (symtab->sh_type != SHT_SYMTAB || symtab->sh_offset % 8)
            return false;
        const Elf64_Rela *rel = (const Elf64_Rela *)(v.p + r->sh_offset);
        for (size_t k = 0; k < r->sh_size / sizeof *rel; k++) {
            uint32_t type = (uint32_t)ELF64_R_TYPE(rel[k].r_info);
            if (type == R_X86_64_NONE)
                continue;
            uint64_t s;
            size_t at = off[r->sh_info] + rel[k].r_offset;
            if (type != R_X86_64_64 || rel[k].r_offset > target->sh_size ||
                target->sh_size - rel[k].r_offset < 8 ||
                !symbol_value(&v, symtab, ELF64_R_SYM(rel[k].r_info), off, base, at, place,
                              ctx, &s))
                return false;
            uint64_t val = s + (uint64_t)rel[k].r_addend;
            memcpy(dst + at, &val, 8);
        }
    }
    const Elf64_Sym *f = find_symbol(&v, name);
    if (!f || ELF64_ST_TYPE(f->st_info) != STT_FUNC || f->st_shndx >= v.shnum ||
        off[f->st_shndx] == SIZE_MAX || f->st_value >= v.sh[f->st_shndx].sh_size)
        return false;
    *entry = off[f->st_shndx] + f->st_value;
    *code_size = f->st_size;
    return true;
}

/* jit_obj_link resolves undefined symbols at once. */
typedef struct link_ctx {
    jit_obj_resolve_fn resolve;
    void *ctx;
} link_ctx;

static bool link_extern(void *arg, const char *name, size_t at, uint64_t *addr)
{
    (void)at;
    const link_ctx *l = arg;
    return !name || (*addr = l->resolve(l->ctx, name)) != 0;
}

bool jit_obj_link(const void *obj, size_t len, uint8_t *dst, size_t size,
                  jit_obj_resolve_fn resolve, void *ctx, const char *name, void **entry,
                  size_t *code_size)
{
    link_ctx l = {resolve, ctx};
    size_t off;
    if (!jit_obj_place(obj, len, dst, size, (uint64_t)(uintptr_t)dst, link_extern, &l, name,
                       &off, code_size))
        return false;
    *entry = dst + off;
    return true;
}

size_t jit_elf_build_id(const struct dl_phdr_info *info, uint8_t *out, size_t cap)
{
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;
        while (end - p >= (ptrdiff_t)sizeof(ElfW(Nhdr))) {
            const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
            size_t nsz = (n->n_namesz + 3) & ~3u, dsz = (n->n_descsz + 3) & ~3u;
            const uint8_t *name = p + sizeof *n, *desc = name + nsz;
            if ((size_t)(end - name) < nsz + dsz)
                break;
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && memcmp(name, "GNU", 4) == 0) {
                if (n->n_descsz > cap)
                    return 0;
                memcpy(out, desc, n->n_descsz);
                return n->n_descsz;
            }
            p = desc + dsz;
        }
    }
    return 0;
}
