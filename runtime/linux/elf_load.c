/*
 * elf_load.c — loads a guest ELF program (and its PT_INTERP) into the guest
 * address space, like Linux's binfmt_elf.
 *
 *   open + validate program ─► pick frontend from e_machine ─► reserve space
 *     ─► open + validate interpreter (under -L sysroot first)
 *     ─► map program PT_LOADs (bias 0 for ET_EXEC, 2/3 of space for ET_DYN)
 *     ─► map interpreter top-down below mmap_top ─► guest state
 *
 * Every header field is checked against the file size and the guest space
 * before it is used; a bad file yields one line naming the file and the
 * problem, never a crash.  Segments are private mappings of the file, as
 * Linux maps them (the bss bytes of the last file page zeroed), except a
 * segment sharing its first page with the previous one or laid out so that
 * it cannot be mapped: those get fresh anonymous pages filled by copying.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/linux/rt_layout.h"
#include "runtime/linux/rt_linux.h"
#include "runtime/rt_log.h"

#define PAGE MMU_PAGE_SIZE
#define PAGE_DOWN(x) ((x) & ~MMU_PAGE_MASK)

/* The frontends liftvm can run, for "not a supported guest (...)" messages. */
static const fe_arch *const supported_arches[] = {&fe_riscv64};

/* One opened and validated ELF file. */
typedef struct elf_image {
    const char *path;
    int fd;
    Elf *elf;
    const uint8_t *raw; /* the whole file (libelf's mapping) */
    size_t size;
    GElf_Ehdr eh;
    size_t phnum;
    GElf_Phdr *ph;
    const char *interp; /* PT_INTERP string inside raw, or NULL */
    uint64_t lo, hi;    /* page-aligned extent of the PT_LOADs, unbiased */
    uint64_t align;     /* largest PT_LOAD p_align (a power of two, >= a page) */
} elf_image;

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static void image_close(elf_image *im) {
    if (im->elf)
        elf_end(im->elf);
    if (im->fd >= 0)
        close(im->fd);
    free(im->ph);
    memset(im, 0, sizeof *im);
    im->fd = -1;
}

static const char *machine_name(unsigned machine, unsigned cls, char *buf, size_t n) {
    const char *s = NULL;
    switch (machine) {
    case EM_RISCV:
        s = cls == ELFCLASS32 ? "riscv32" : "riscv64";
        break;
    case EM_X86_64:
        s = cls == ELFCLASS32 ? "x32" : "x86-64";
        break;
    case EM_386:
        s = "i386";
        break;
    case EM_AARCH64:
        s = "AArch64";
        break;
    case EM_ARM:
        s = "ARM";
        break;
    case EM_PPC:
        s = "PowerPC";
        break;
    case EM_PPC64:
        s = "PowerPC64";
        break;
    case EM_S390:
        s = "s390";
        break;
    case EM_MIPS:
        s = "MIPS";
        break;
    case EM_SPARCV9:
        s = "SPARC64";
        break;
    case EM_LOONGARCH:
        s = "LoongArch";
        break;
    case EM_NONE:
        s = "no machine (EM_NONE)";
        break;
    }
    if (s)
        snprintf(buf, n, "%s%s", s, cls == ELFCLASS32 ? " (32-bit)" : "");
    else
        snprintf(buf, n, "machine %u (%s)", machine, cls == ELFCLASS32 ? "32-bit" : "64-bit");
    return buf;
}

static void supported_list(char *buf, size_t n) {
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof supported_arches / sizeof supported_arches[0]; i++)
        k += (size_t)snprintf(buf + k, k < n ? n - k : 0, "%s%s", i ? ", " : "",
                              supported_arches[i]->name);
}

/* Checks the identification bytes and header; fills im->eh. */
static int check_header(elf_image *im, char *err, size_t errlen) {
    const char *path = im->path;
    unsigned char id[EI_NIDENT] = {0};
    ssize_t got = pread(im->fd, id, sizeof id, 0);
    if (got < 0) {
        fail(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (got == 0) {
        fail(err, errlen, "%s: empty file, not an ELF file", path);
        return -1;
    }
    if (got < SELFMAG || memcmp(id, ELFMAG, SELFMAG) != 0) {
        fail(err, errlen, "%s: not an ELF file", path);
        return -1;
    }
    if (got < EI_NIDENT) {
        fail(err, errlen, "%s: truncated ELF header", path);
        return -1;
    }
    if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64) {
        fail(err, errlen, "%s: malformed ELF header (invalid class %u)", path, id[EI_CLASS]);
        return -1;
    }
    if (id[EI_DATA] == ELFDATA2MSB) {
        fail(err, errlen, "%s: big-endian ELF, not supported (guests are little-endian)", path);
        return -1;
    }
    if (id[EI_DATA] != ELFDATA2LSB) {
        fail(err, errlen, "%s: malformed ELF header (invalid data encoding %u)", path, id[EI_DATA]);
        return -1;
    }
    if (id[EI_VERSION] != EV_CURRENT) {
        fail(err, errlen, "%s: malformed ELF header (unknown version %u)", path, id[EI_VERSION]);
        return -1;
    }
    size_t ehsize = id[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    if (im->size < ehsize) {
        fail(err, errlen, "%s: truncated ELF header (%zu bytes)", path, im->size);
        return -1;
    }
    im->elf = elf_begin(im->fd, ELF_C_READ_MMAP, NULL);
    if (!im->elf || elf_kind(im->elf) != ELF_K_ELF) {
        fail(err, errlen, "%s: not an ELF file (%s)", path, elf_errmsg(-1));
        return -1;
    }
    if (!gelf_getehdr(im->elf, &im->eh)) {
        fail(err, errlen, "%s: malformed ELF header (%s)", path, elf_errmsg(-1));
        return -1;
    }
    im->raw = (const uint8_t *)elf_rawfile(im->elf, NULL);
    if (!im->raw) {
        fail(err, errlen, "%s: cannot read file (%s)", path, elf_errmsg(-1));
        return -1;
    }
    return 0;
}

static int check_type(const elf_image *im, char *err, size_t errlen) {
    switch (im->eh.e_type) {
    case ET_EXEC:
    case ET_DYN:
        return 0;
    case ET_REL:
        fail(err, errlen, "%s: relocatable object file (ET_REL), not an executable", im->path);
        return -1;
    case ET_CORE:
        fail(err, errlen, "%s: core dump (ET_CORE), not an executable", im->path);
        return -1;
    default:
        fail(err, errlen, "%s: unsupported ELF type %u, not an executable", im->path,
             im->eh.e_type);
        return -1;
    }
}

/* Reads and checks the program headers: every range inside the file, PT_LOADs
 * in ascending order without overlap, sizes that do not wrap. */
static int check_phdrs(elf_image *im, char *err, size_t errlen) {
    const char *path = im->path;
    /* Range-check the table before libelf reads it (PN_XNUM: the count is
     * in section 0, which libelf checks itself). */
    im->phnum = im->eh.e_phnum;
    if (im->phnum == PN_XNUM && elf_getphdrnum(im->elf, &im->phnum) != 0) {
        fail(err, errlen, "%s: malformed program header table (%s)", path, elf_errmsg(-1));
        return -1;
    }
    if (im->phnum == 0) {
        fail(err, errlen, "%s: no program headers, not an executable", path);
        return -1;
    }
    if (im->eh.e_phentsize != sizeof(Elf64_Phdr)) {
        fail(err, errlen, "%s: malformed ELF header (program header size %u)", path,
             im->eh.e_phentsize);
        return -1;
    }
    uint64_t off = im->eh.e_phoff, tab = (uint64_t)im->phnum * sizeof(Elf64_Phdr);
    if (im->phnum > 65536 || off > im->size || tab > im->size - off) {
        fail(err, errlen, "%s: truncated or malformed (program headers past end of file)", path);
        return -1;
    }
    size_t n = 0;
    if (elf_getphdrnum(im->elf, &n) != 0 || n != im->phnum) {
        fail(err, errlen, "%s: malformed program header table (%s)", path, elf_errmsg(-1));
        return -1;
    }
    im->ph = calloc(im->phnum, sizeof *im->ph);
    if (!im->ph) {
        fail(err, errlen, "%s: out of memory", path);
        return -1;
    }
    uint64_t prev_end = 0;
    bool any_load = false;
    im->align = PAGE;
    for (size_t i = 0; i < im->phnum; i++) {
        GElf_Phdr *ph = &im->ph[i];
        if (!gelf_getphdr(im->elf, (int)i, ph)) {
            fail(err, errlen, "%s: malformed program header %zu (%s)", path, i, elf_errmsg(-1));
            return -1;
        }
        if (ph->p_type == PT_INTERP) {
            if (im->interp) {
                fail(err, errlen, "%s: malformed (two PT_INTERP headers)", path);
                return -1;
            }
            if (ph->p_offset > im->size || ph->p_filesz > im->size - ph->p_offset) {
                fail(err, errlen, "%s: truncated (interpreter path past end of file)", path);
                return -1;
            }
            const char *s = (const char *)im->raw + ph->p_offset;
            if (ph->p_filesz < 2 || ph->p_filesz > PATH_MAX || memchr(s, 0, ph->p_filesz) == NULL ||
                strlen(s) == 0) {
                fail(err, errlen, "%s: malformed interpreter path (PT_INTERP)", path);
                return -1;
            }
            im->interp = s;
            continue;
        }
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        if (ph->p_filesz > ph->p_memsz) {
            fail(err, errlen, "%s: malformed segment %zu (file size 0x%lx > memory size 0x%lx)",
                 path, i, ph->p_filesz, ph->p_memsz);
            return -1;
        }
        if (ph->p_offset > im->size || ph->p_filesz > im->size - ph->p_offset) {
            fail(err, errlen, "%s: truncated (segment %zu extends past end of file)", path, i);
            return -1;
        }
        if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr ||
            ph->p_vaddr + ph->p_memsz > UINT64_MAX - PAGE) {
            fail(err, errlen, "%s: malformed segment %zu (address range overflows)", path, i);
            return -1;
        }
        if (any_load && ph->p_vaddr < prev_end) {
            fail(err, errlen, "%s: malformed (segment %zu overlaps a previous segment)", path, i);
            return -1;
        }
        uint64_t end = ph->p_vaddr + ph->p_memsz;
        if (ph->p_align > im->align && ph->p_align <= (1ull << 21) &&
            (ph->p_align & (ph->p_align - 1)) == 0)
            im->align = ph->p_align;
        if (!any_load)
            im->lo = PAGE_DOWN(ph->p_vaddr);
        im->hi = PAGE_DOWN(end + MMU_PAGE_MASK);
        prev_end = end;
        any_load = true;
    }
    if (!any_load) {
        fail(err, errlen, "%s: no loadable segments (PT_LOAD)", path);
        return -1;
    }
    return 0;
}

/* Opens path and validates everything except the machine. */
static int image_open(elf_image *im, const char *path, char *err, size_t errlen) {
    memset(im, 0, sizeof *im);
    im->fd = -1;
    im->path = path;
    im->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (im->fd < 0) {
        fail(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(im->fd, &st) != 0) {
        fail(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        fail(err, errlen, "%s: %s", path, strerror(EISDIR));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        fail(err, errlen, "%s: not a regular file", path);
        return -1;
    }
    im->size = (size_t)st.st_size;
    if (check_header(im, err, errlen) != 0)
        return -1;
    return 0;
}

/* Machine, class, type and program headers; returns the frontend. */
static const fe_arch *image_validate(elf_image *im, char *err, size_t errlen) {
    unsigned cls = im->eh.e_ident[EI_CLASS];
    const fe_arch *arch = fe_arch_for_elf(im->eh.e_machine, (uint8_t)cls);
    if (!arch) {
        char name[64], list[128];
        supported_list(list, sizeof list);
        fail(err, errlen, "%s: ELF for %s, not a supported guest (%s)", im->path,
             machine_name(im->eh.e_machine, cls, name, sizeof name), list);
        return NULL;
    }
    if (check_type(im, err, errlen) != 0 || check_phdrs(im, err, errlen) != 0)
        return NULL;
    return arch;
}

static int seg_prot(const GElf_Phdr *ph) {
    return ((ph->p_flags & PF_R) ? MMU_R : 0) | ((ph->p_flags & PF_W) ? MMU_W : 0) |
           ((ph->p_flags & PF_X) ? MMU_X : 0);
}

/* Can ph be a private mapping of the file, as Linux maps it?  The file
 * offset must be congruent with the address modulo the page size, and a
 * bss part needs a writable segment (its first bytes share the last file
 * page, which is zeroed by writing). */
static bool file_mappable(const GElf_Phdr *ph, uint64_t va, int prot) {
    return ph->p_filesz > 0 && (va & MMU_PAGE_MASK) == (ph->p_offset & MMU_PAGE_MASK) &&
           (ph->p_memsz == ph->p_filesz || (prot & MMU_W));
}

/* Maps the file pages of ph privately (pages fault in from the page cache
 * when first touched: no copy, and code never run is never read), fresh
 * zero pages for the rest of the bss, and zeroes the bss bytes in the last
 * file page.  With no bss, that page shows the file's next bytes, as on
 * Linux. */
static int map_from_file(rt_proc *p, const elf_image *im, const GElf_Phdr *ph, uint64_t va,
                         uint64_t end, int prot) {
    static const uint8_t zeros[MMU_PAGE_SIZE];
    uint64_t start = PAGE_DOWN(va), file_end = PAGE_DOWN(va + ph->p_filesz + MMU_PAGE_MASK);
    int r = mmu_map_file(p->mm, start, file_end - start, prot, im->fd, PAGE_DOWN(ph->p_offset),
                         false);
    if (r == 0 && end > file_end)
        r = mmu_map(p->mm, file_end, end - file_end, prot);
    uint64_t bss = va + ph->p_filesz;
    if (r == 0 && ph->p_memsz > ph->p_filesz && bss < file_end)
        r = mmu_poke(p->mm, bss, zeros, file_end - bss);
    return r;
}

/* Maps the PT_LOADs of im at bias.  A page shared by two segments gets the
 * union of their permissions and its contents are copied; other segments
 * are private mappings of the file where they can be (map_from_file). */
static int image_map(rt_proc *p, const elf_image *im, uint64_t bias, char *err, size_t errlen) {
    uint64_t limit = mmu_limit(p->mm), mapped_end = 0;
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *ph = &im->ph[i];
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        uint64_t va = ph->p_vaddr + bias;
        uint64_t start = PAGE_DOWN(va), end = PAGE_DOWN(va + ph->p_memsz + MMU_PAGE_MASK);
        if (va < ph->p_vaddr || end > limit || end < start) {
            fail(err, errlen, "%s: segment %zu at 0x%lx lies outside the guest address space",
                 im->path, i, va);
            return -1;
        }
        int prot = seg_prot(ph), r = 0;
        uint64_t from = start;
        if (start < mapped_end) { /* first page shared with the previous segment */
            int old = mmu_page_prot(p->mm, start);
            r = mmu_protect(p->mm, start, PAGE, (old < 0 ? 0 : old) | prot);
            from = start + PAGE;
        }
        bool by_file = r == 0 && from == start && file_mappable(ph, va, prot);
        if (by_file && map_from_file(p, im, ph, va, end, prot) != 0)
            by_file = false; /* a file that cannot be mmapped: copy it */
        if (!by_file) {
            if (r == 0 && end > from)
                r = mmu_map(p->mm, from, end - from, prot);
            if (r == 0)
                r = mmu_poke(p->mm, va, im->raw + ph->p_offset, ph->p_filesz);
        }
        if (r != 0) {
            fail(err, errlen, "%s: cannot map segment %zu at 0x%lx: %s", im->path, i, va,
                 strerror(-r));
            return -1;
        }
        if (rt_log_on(RT_LOG_PAGE))
            rt_logf("page: map 0x%lx-0x%lx %c%c%c %s\n", start, end, (prot & MMU_R) ? 'r' : '-',
                    (prot & MMU_W) ? 'w' : '-', (prot & MMU_X) ? 'x' : '-', im->path);
        mapped_end = end;
    }
    return 0;
}

/* Guest address of the program headers: PT_PHDR, else where e_phoff falls in
 * a PT_LOAD, else the first PT_LOAD's vaddr + e_phoff (Linux's fallback). */
static uint64_t image_phdr_addr(const elf_image *im, uint64_t bias) {
    const GElf_Phdr *first = NULL;
    for (size_t i = 0; i < im->phnum; i++)
        if (im->ph[i].p_type == PT_PHDR)
            return im->ph[i].p_vaddr + bias;
    for (size_t i = 0; i < im->phnum; i++) {
        const GElf_Phdr *ph = &im->ph[i];
        if (ph->p_type != PT_LOAD)
            continue;
        if (!first)
            first = ph;
        if (im->eh.e_phoff >= ph->p_offset && im->eh.e_phoff - ph->p_offset < ph->p_filesz)
            return ph->p_vaddr + (im->eh.e_phoff - ph->p_offset) + bias;
    }
    return first ? first->p_vaddr - first->p_offset + im->eh.e_phoff + bias : 0;
}

/* The guest address-space size for a frontend: Sv39's 256 GiB for riscv64
 * (Linux's default user space there), 64 TiB otherwise. */
static uint64_t guest_limit(const fe_arch *arch) {
    return arch->elf_machine == EM_RISCV ? 1ull << 38 : 1ull << 46;
}

/* Finds the interpreter: under sysroot first, then as is. */
static char *find_interp(const rt_proc *p, const char *interp, const char *exe, char *err,
                         size_t errlen) {
    if (p->sysroot && *p->sysroot) {
        size_t n = strlen(p->sysroot) + strlen(interp) + 2;
        char *s = malloc(n);
        if (!s) {
            fail(err, errlen, "%s: out of memory", exe);
            return NULL;
        }
        snprintf(s, n, "%s%s%s", p->sysroot, interp[0] == '/' ? "" : "/", interp);
        if (access(s, F_OK) == 0)
            return s;
        free(s);
    }
    if (access(interp, F_OK) == 0)
        return strdup(interp);
    if (p->sysroot && *p->sysroot)
        fail(err, errlen, "%s: interpreter %s not found under %s or /", exe, interp, p->sysroot);
    else
        fail(err, errlen, "%s: interpreter %s not found (use -L SYSROOT)", exe, interp);
    return NULL;
}

/* Prefixes a failure of the interpreter with the program's name. */
static void interp_fail(char *err, size_t errlen, const char *exe) {
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", err);
    fail(err, errlen, "%s: bad interpreter: %s", exe, tmp);
}

int rt_elf_load(rt_proc *p, const char *path, char *err, size_t errlen) {
    elf_image exe, interp;
    char *interp_path = NULL;
    int rc = -1;
    memset(&interp, 0, sizeof interp);
    interp.fd = -1;
    if (elf_version(EV_CURRENT) == EV_NONE) {
        fail(err, errlen, "libelf initialisation failed: %s", elf_errmsg(-1));
        return -1;
    }
    if (image_open(&exe, path, err, errlen) != 0)
        goto out;
    const fe_arch *arch = image_validate(&exe, err, errlen);
    if (!arch)
        goto out;

    if (exe.interp) {
        interp_path = find_interp(p, exe.interp, path, err, errlen);
        if (!interp_path)
            goto out;
        const fe_arch *iarch = NULL;
        if (image_open(&interp, interp_path, err, errlen) == 0)
            iarch = image_validate(&interp, err, errlen);
        if (!iarch) {
            interp_fail(err, errlen, path);
            goto out;
        }
        if (iarch != arch) {
            fail(err, errlen, "%s: interpreter %s is for %s, the program for %s", path, interp_path,
                 iarch->name, arch->name);
            goto out;
        }
        if (interp.interp) {
            fail(err, errlen, "%s: interpreter %s itself has an interpreter", path, interp_path);
            goto out;
        }
    }

    p->arch = arch;
    if (!p->mm) {
        p->mm = mmu_space_new(guest_limit(arch));
        if (!p->mm) {
            fail(err, errlen, "cannot reserve the guest address space: %s", strerror(errno));
            goto out;
        }
    }
    uint64_t limit = mmu_limit(p->mm);
    p->stack_top = limit - PAGE;
    p->mmap_top = p->stack_top - RT_STACK_SIZE - RT_MMAP_GAP;

    /* The program: ET_EXEC where it says, ET_DYN at Linux's ELF_ET_DYN_BASE. */
    uint64_t bias = 0;
    if (exe.eh.e_type == ET_DYN)
        bias = ((limit / 3 * 2) & ~(exe.align - 1)) - exe.lo;
    if (exe.hi - exe.lo > p->mmap_top || exe.hi + bias > p->mmap_top || exe.lo + bias < exe.lo) {
        fail(err, errlen, "%s: segments at 0x%lx-0x%lx lie outside the guest address space", path,
             exe.lo + bias, exe.hi + bias);
        goto out;
    }
    if (image_map(p, &exe, bias, err, errlen) != 0)
        goto out;
    p->load_bias = bias;
    p->exe_entry = exe.eh.e_entry + bias;
    p->phdr_addr = image_phdr_addr(&exe, bias);
    p->phnum = exe.phnum;
    p->phent = exe.eh.e_phentsize;
    p->brk_start = p->brk_cur = exe.hi + bias;
    p->entry = p->exe_entry;
    p->interp_base = 0;

    /* The interpreter: top-down below mmap_top, like an mmap without hint. */
    if (exe.interp) {
        uint64_t ibias = 0;
        if (interp.eh.e_type == ET_DYN) {
            uint64_t base = mmu_find_free(p->mm, p->mmap_top, interp.hi - interp.lo, true);
            if (base == 0) {
                fail(err, errlen, "%s: no room for interpreter %s", path, interp_path);
                goto out;
            }
            ibias = base - interp.lo;
        } else if (interp.hi > limit ||
                   mmu_find_free(p->mm, interp.lo, interp.hi - interp.lo, false) != interp.lo) {
            fail(err, errlen, "%s: interpreter %s lies outside the guest address space", path,
                 interp_path);
            goto out;
        }
        if (image_map(p, &interp, ibias, err, errlen) != 0) {
            interp_fail(err, errlen, path);
            goto out;
        }
        p->interp_base = ibias;
        p->entry = interp.eh.e_entry + ibias;
    }

    if (!p->exe_abspath)
        p->exe_abspath = realpath(path, NULL);
    if (!p->exe_path)
        p->exe_path = path;
    if (!p->cpu) {
        size_t sz = (arch->state_size + 63) & ~(size_t)63;
        p->cpu = aligned_alloc(64, sz);
        if (!p->cpu) {
            fail(err, errlen, "out of memory for the guest state");
            goto out;
        }
        memset(p->cpu, 0, sz);
        arch->state_init(p->cpu);
    }
    rc = 0;
out:
    image_close(&exe);
    image_close(&interp);
    free(interp_path);
    return rc;
}
