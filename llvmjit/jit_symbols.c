/*
 * jit_symbols.c — guest pc → "function+0xoff" from the guest's ELF symbols
 * (libelf), for the perf map and jitdump.
 *
 * Images: the program and its ELF interpreter (the loader copies them into
 * guest memory, at the biases the runtime reports), and every file the
 * guest maps itself (shared objects mapped by ld.so): those are host
 * mappings of the file at mem_base + guest address, so /proc/self/maps
 * names them.  Symbols of an image are read once, on first use: .symtab
 * when the file has one, else .dynsym; functions only.
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llvmjit/jit_cache_priv.h"

typedef struct sym {
    uint64_t addr, size; /* guest addresses */
    char *name;
} sym;

typedef struct image {
    char *path;
    const char *label; /* file name part of path */
    uint64_t lo, hi;   /* guest range of its PT_LOADs */
    uint64_t bias;
    sym *syms;
    size_t n;
    bool loaded;
} image;

struct jit_syms {
    image *im;
    size_t n;
    const uint8_t *base;
};

static int by_addr(const void *a, const void *b)
{
    const sym *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static Elf *open_elf(const char *path, int *fd)
{
    elf_version(EV_CURRENT);
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return NULL;
    Elf *e = elf_begin(*fd, ELF_C_READ, NULL);
    if (!e || elf_kind(e) != ELF_K_ELF) {
        if (e)
            elf_end(e);
        close(*fd);
        return NULL;
    }
    return e;
}

/* Reads the function symbols of one symbol table section. */
static void read_symtab(image *im, Elf *e, Elf_Scn *scn, const GElf_Shdr *sh)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    if (!d || sh->sh_entsize == 0)
        return;
    size_t count = sh->sh_size / sh->sh_entsize;
    sym *v = realloc(im->syms, (im->n + count) * sizeof *v);
    if (!v)
        return;
    im->syms = v;
    for (size_t i = 0; i < count; i++) {
        GElf_Sym s;
        if (!gelf_getsym(d, (int)i, &s) || s.st_value == 0 || s.st_shndx == SHN_UNDEF)
            continue;
        int type = GELF_ST_TYPE(s.st_info);
        if (type != STT_FUNC && type != STT_GNU_IFUNC)
            continue;
        const char *name = elf_strptr(e, sh->sh_link, s.st_name);
        if (!name || !*name)
            continue;
        char *copy = strdup(name);
        if (!copy)
            continue;
        im->syms[im->n++] = (sym){s.st_value + im->bias, s.st_size, copy};
    }
}

static void load_symbols(image *im)
{
    im->loaded = true;
    int fd;
    Elf *e = open_elf(im->path, &fd);
    if (!e)
        return;
    bool have_symtab = false;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn));) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
            have_symtab = true;
    }
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn));) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) && sh.sh_type == (have_symtab ? SHT_SYMTAB : SHT_DYNSYM))
            read_symtab(im, e, scn, &sh);
    }
    elf_end(e);
    close(fd);
    qsort(im->syms, im->n, sizeof *im->syms, by_addr);
}

/* Adds the image at path with the given bias (its range from the PT_LOADs). */
static image *add_image(jit_syms *s, const char *path, uint64_t bias)
{
    int fd;
    Elf *e = open_elf(path, &fd);
    if (!e)
        return NULL;
    size_t phnum = 0;
    uint64_t lo = UINT64_MAX, hi = 0;
    if (elf_getphdrnum(e, &phnum) == 0) {
        for (size_t i = 0; i < phnum; i++) {
            GElf_Phdr ph;
            if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_LOAD)
                continue;
            if (ph.p_vaddr + bias < lo)
                lo = ph.p_vaddr + bias;
            if (ph.p_vaddr + ph.p_memsz + bias > hi)
                hi = ph.p_vaddr + ph.p_memsz + bias;
        }
    }
    elf_end(e);
    close(fd);
    image *v = lo < hi ? realloc(s->im, (s->n + 1) * sizeof *v) : NULL;
    if (!v)
        return NULL;
    s->im = v;
    image *im = &v[s->n];
    memset(im, 0, sizeof *im);
    if (!(im->path = strdup(path)))
        return NULL;
    const char *slash = strrchr(im->path, '/');
    im->label = slash ? slash + 1 : im->path;
    im->lo = lo;
    im->hi = hi;
    im->bias = bias;
    s->n++;
    return im;
}

/* The host path of the program's PT_INTERP (under sysroot when there). */
static char *interp_of(const char *program, const char *sysroot)
{
    int fd;
    Elf *e = open_elf(program, &fd);
    if (!e)
        return NULL;
    char *result = NULL;
    size_t phnum = 0;
    if (elf_getphdrnum(e, &phnum) == 0) {
        for (size_t i = 0; i < phnum && !result; i++) {
            GElf_Phdr ph;
            if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP || ph.p_filesz == 0 ||
                ph.p_filesz > 4096)
                continue;
            char name[4097];
            if (pread(fd, name, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz)
                continue;
            name[ph.p_filesz] = 0;
            char host[8192];
            if (sysroot && *sysroot && snprintf(host, sizeof host, "%s%s", sysroot, name) > 0 &&
                access(host, R_OK) == 0)
                result = strdup(host);
            else
                result = strdup(name);
        }
    }
    elf_end(e);
    close(fd);
    return result;
}

jit_syms *jit_syms_new(const jit_guest *g)
{
    jit_syms *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->base = g->mem_base;
    if (g->program) {
        add_image(s, g->program, g->program_bias);
        char *interp = g->interp_bias ? interp_of(g->program, g->sysroot) : NULL;
        if (interp)
            add_image(s, interp, g->interp_bias);
        free(interp);
    }
    return s;
}

void jit_syms_free(jit_syms *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        for (size_t k = 0; k < s->im[i].n; k++)
            free(s->im[i].syms[k].name);
        free(s->im[i].syms);
        free(s->im[i].path);
    }
    free(s->im);
    free(s);
}

static image *image_at(jit_syms *s, uint64_t pc)
{
    for (size_t i = 0; i < s->n; i++)
        if (pc >= s->im[i].lo && pc < s->im[i].hi)
            return &s->im[i];
    return NULL;
}

/* A file the guest mapped at pc: from /proc/self/maps, host address
 * base + pc.  The bias follows from the mapping's file offset. */
static image *mapped_image(jit_syms *s, uint64_t pc)
{
    if (!s->base)
        return NULL;
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f)
        return NULL;
    uintptr_t host = (uintptr_t)s->base + pc;
    char line[4608], path[4096];
    image *found = NULL;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned long lo, hi, off;
        path[0] = 0;
        if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %4095s", &lo, &hi, &off, path) < 3 ||
            host < lo || host >= hi || path[0] != '/')
            continue;
        uint64_t guest_start = lo - (uintptr_t)s->base;
        /* The PT_LOAD whose page-aligned file offset this mapping starts at. */
        int fd;
        Elf *e = open_elf(path, &fd);
        if (!e)
            break;
        size_t phnum = 0;
        bool have = false;
        uint64_t bias = 0;
        if (elf_getphdrnum(e, &phnum) == 0) {
            for (size_t i = 0; i < phnum && !have; i++) {
                GElf_Phdr ph;
                if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD &&
                    (ph.p_offset & ~0xfffull) == off) {
                    bias = guest_start - (ph.p_vaddr & ~0xfffull);
                    have = true;
                }
            }
        }
        elf_end(e);
        close(fd);
        if (have)
            found = add_image(s, path, bias);
        break;
    }
    fclose(f);
    return found;
}

void jit_syms_describe(jit_syms *s, uint64_t pc, char *buf, size_t n)
{
    image *im = image_at(s, pc);
    if (!im)
        im = mapped_image(s, pc);
    if (!im) {
        snprintf(buf, n, "0x%llx", (unsigned long long)pc);
        return;
    }
    if (!im->loaded)
        load_symbols(im);
    size_t lo = 0, hi = im->n;
    while (lo < hi) { /* the last symbol at or below pc */
        size_t mid = (lo + hi) / 2;
        if (im->syms[mid].addr <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0) {
        const sym *y = &im->syms[lo - 1];
        if (y->size == 0 || pc - y->addr < y->size) {
            snprintf(buf, n, "%s+0x%llx", y->name, (unsigned long long)(pc - y->addr));
            return;
        }
    }
    snprintf(buf, n, "%s+0x%llx", im->label, (unsigned long long)(pc - im->bias));
}
