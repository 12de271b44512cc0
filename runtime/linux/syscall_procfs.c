/*
 * syscall_procfs.c — the /proc files that must describe the guest rather
 * than liftvm.
 *
 *   /proc/self/cmdline   the guest's argument strings (live, from the stack)
 *   /proc/self/environ   the guest's environment strings
 *   /proc/self/auxv      the guest's auxv
 *   /proc/self/maps      the guest's mappings with guest addresses
 *   /proc/self/comm      the guest's name (PR_SET_NAME)
 *   /proc/self/stat, status   the host's, with the guest's name
 *   /proc/cpuinfo        a riscv64 view: one hart per host CPU
 *
 * ("self" also as thread-self, the own pid, or self/task/TID.)  The
 * contents are generated at open into a memfd, which the guest gets reopened
 * read-only through /proc/self/fd, so reads, seeks and fstat work as on any
 * file.  /proc/self/exe is a path mapping (syscall_path.c).
 *
 * maps: the mmu keeps guest page permissions, the host kernel knows which
 * pages are file-backed, so the host's own /proc/self/maps inside the guest
 * range gives the runs to look at (and names, offsets, devices and inodes
 * of file mappings: the libraries the guest's ld.so mapped), and the
 * permission table splits them by guest permissions.  The program and its
 * interpreter were copied in by the loader, so their segments are named
 * from their program headers; the break area is [heap], the initial stack
 * [stack].  Pages mapped PROT_NONE inside the free reservation cannot be
 * told from it and are not listed.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/linux/rt_layout.h"
#include "runtime/linux/syscall_priv.h"

/* A generated file: a growable buffer. */
typedef struct pbuf {
    char *b;
    size_t n, cap;
    bool oom;
} pbuf;

static void pb_add(pbuf *pb, const void *s, size_t n) {
    if (pb->oom)
        return;
    if (pb->n + n > pb->cap) {
        size_t cap = pb->cap ? pb->cap : 4096;
        while (cap < pb->n + n)
            cap *= 2;
        char *nb = realloc(pb->b, cap);
        if (!nb) {
            pb->oom = true;
            return;
        }
        pb->b = nb;
        pb->cap = cap;
    }
    memcpy(pb->b + pb->n, s, n);
    pb->n += n;
}

static void pb_printf(pbuf *pb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void pb_printf(pbuf *pb, const char *fmt, ...) {
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        pb_add(pb, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Guest memory [start, end) as file contents; unreadable pages end it. */
static void pb_guest(pbuf *pb, rt_proc *p, uint64_t start, uint64_t end) {
    while (start < end) {
        uint64_t chunk = MMU_PAGE_SIZE - (start & MMU_PAGE_MASK);
        if (chunk > end - start)
            chunk = end - start;
        const void *h = mmu_host_ptr(p->mm, start, chunk, MMU_R);
        if (!h)
            return;
        pb_add(pb, h, chunk);
        start += chunk;
    }
}

/* The host file's contents (for stat and status). */
static void pb_file(pbuf *pb, const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    char tmp[4096];
    ssize_t n;
    while ((n = read(fd, tmp, sizeof tmp)) > 0)
        pb_add(pb, tmp, (size_t)n);
    close(fd);
}

/* ---- cpuinfo ---- */

#define RT_ISA "rv64imafdc_zicsr_zifencei_zba_zbb_zbs"

static void gen_cpuinfo(pbuf *pb) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    for (long i = 0; i < n; i++) {
        pb_printf(pb, "processor\t: %ld\nhart\t\t: %ld\nisa\t\t: %s\nmmu\t\t: sv39\n", i, i,
                  RT_ISA);
        pb_printf(pb, "mvendorid\t: 0x0\nmarchid\t\t: 0x0\nmimpid\t\t: 0x0\n");
        pb_printf(pb, "hart isa\t: %s\n\n", RT_ISA);
    }
}

/* ---- stat, status: the guest's name ---- */

/* Threads of the guest: liftvm's own helper threads (the jit's compile
 * thread) must not show, since programs check for threads before fork
 * (CPython warns). */
static int guest_threads(const rt_proc *p) {
    (void)p;
    int n = rt_thread_count();
    return n > 0 ? n : 1;
}

/* /proc/self/stat: "pid (comm) state ...": the comm between the first '('
 * and the last ')' is replaced, and num_threads (field 20, the 18th after
 * the comm) counts guest threads. */
static void gen_stat(pbuf *pb, rt_proc *p) {
    pbuf host = {0};
    pb_file(&host, "/proc/self/stat");
    pb_add(&host, "", 1);
    char *open = host.oom ? NULL : strchr(host.b, '(');
    char *close = host.oom ? NULL : strrchr(host.b, ')');
    if (!open || !close || close < open) {
        free(host.b);
        return;
    }
    pb_add(pb, host.b, (size_t)(open - host.b) + 1);
    pb_printf(pb, "%s", p->sys->comm);
    const char *f = close; /* ") state ppid ..." */
    for (int field = 2; *f; field++) {
        const char *sp = strchr(f + 1, ' ');
        if (!sp)
            break;
        if (field == 19) { /* sp precedes field 20 */
            pb_add(pb, f, (size_t)(sp - f) + 1);
            pb_printf(pb, "%d", guest_threads(p));
            f = sp + 1 + strcspn(sp + 1, " ");
            break;
        }
        pb_add(pb, f, (size_t)(sp - f));
        f = sp;
    }
    pb_add(pb, f, strlen(f));
    free(host.b);
}

/* /proc/self/status: the Name: line is the guest's. */
static void gen_status(pbuf *pb, rt_proc *p) {
    pbuf host = {0};
    pb_file(&host, "/proc/self/status");
    pb_add(&host, "", 1);
    if (!host.oom) {
        char *line = host.b, *nl;
        for (; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            if (!nl)
                nl = line + strlen(line) - 1;
            if (strncmp(line, "Name:", 5) == 0)
                pb_printf(pb, "Name:\t%s\n", p->sys->comm);
            else if (strncmp(line, "Threads:", 8) == 0)
                pb_printf(pb, "Threads:\t%d\n", guest_threads(p));
            else
                pb_add(pb, line, (size_t)(nl - line) + 1);
            if (!nl[0] || !nl[1])
                break;
        }
    }
    free(host.b);
}

/* ---- maps ---- */

/* A named piece of the guest space (program or interpreter segment). */
typedef struct seg_name {
    uint64_t start, end; /* guest, page-aligned */
    uint64_t off;        /* file offset of start */
    uint64_t dev, ino;
    const char *path;
} seg_name;

#define MAX_SEGS 32

/* Adds the PT_LOAD segments of the ELF file at host path, loaded with bias,
 * named guest_name; also returns its PT_INTERP (interp, PATH_MAX bytes) if
 * asked.  file-backed pages only: the bss beyond is anonymous, as on Linux. */
static void add_image(seg_name *segs, int *nsegs, const char *host, uint64_t bias, bool dyn_base,
                      const char *guest_name, char *interp) {
    int fd = open(host, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    Elf64_Ehdr eh;
    struct stat st;
    if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || fstat(fd, &st) < 0 ||
        eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 64) {
        close(fd);
        return;
    }
    Elf64_Phdr ph[64];
    size_t sz = (size_t)eh.e_phnum * sizeof(Elf64_Phdr);
    if (pread(fd, ph, sz, (off_t)eh.e_phoff) != (ssize_t)sz) {
        close(fd);
        return;
    }
    uint64_t first = UINT64_MAX;
    for (int i = 0; i < eh.e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < first)
            first = ph[i].p_vaddr;
    if (dyn_base) /* bias is the load address of the lowest segment */
        bias -= first & ~MMU_PAGE_MASK;
    for (int i = 0; i < eh.e_phnum; i++) {
        if (ph[i].p_type == PT_INTERP && interp && ph[i].p_filesz < PATH_MAX) {
            ssize_t n = pread(fd, interp, ph[i].p_filesz, (off_t)ph[i].p_offset);
            interp[n > 0 ? n : 0] = 0;
        }
        if (ph[i].p_type != PT_LOAD || *nsegs >= MAX_SEGS || ph[i].p_filesz == 0)
            continue;
        uint64_t start = (bias + ph[i].p_vaddr) & ~MMU_PAGE_MASK;
        uint64_t end = (bias + ph[i].p_vaddr + ph[i].p_filesz + MMU_PAGE_MASK) & ~MMU_PAGE_MASK;
        segs[(*nsegs)++] = (seg_name){start,     end,       ph[i].p_offset & ~MMU_PAGE_MASK,
                                      st.st_dev, st.st_ino, guest_name};
    }
    close(fd);
}

/* A host path as the guest sees it: without the sysroot prefix. */
static const char *guest_view(const rt_proc *p, const char *host) {
    if (!p->sysroot)
        return host;
    size_t rl = strlen(p->sysroot);
    while (rl > 0 && p->sysroot[rl - 1] == '/')
        rl--;
    if (rl > 0 && strncmp(host, p->sysroot, rl) == 0 && host[rl] == '/')
        return host + rl;
    return host;
}

/* What one guest page is called in maps. */
typedef struct page_name {
    const char *path; /* NULL: anonymous */
    uint64_t off;     /* file offset of the page */
    uint64_t dev, ino;
    bool shared;
} page_name;

static bool same_run(const page_name *a, const page_name *b, int pa, int pb) {
    return pa == pb && a->path == b->path && a->dev == b->dev && a->ino == b->ino &&
           a->shared == b->shared &&
           (!a->path || a->path[0] == '[' || a->off + MMU_PAGE_SIZE == b->off);
}

/* One maps line in Linux's format; names start at column 73. */
static void maps_line(pbuf *pb, uint64_t start, uint64_t end, int prot, const page_name *n,
                      uint64_t off) {
    char line[160];
    int len =
        snprintf(line, sizeof line, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
                 (unsigned long long)start, (unsigned long long)end, prot & MMU_R ? 'r' : '-',
                 prot & MMU_W ? 'w' : '-', prot & MMU_X ? 'x' : '-', n->shared ? 's' : 'p',
                 (unsigned long long)off, major(n->dev), minor(n->dev), (unsigned long long)n->ino);
    pb_add(pb, line, (size_t)len);
    if (n->path) {
        for (; len < 72; len++)
            pb_add(pb, " ", 1);
        pb_printf(pb, " %s", n->path);
    }
    pb_add(pb, "\n", 1);
}

/* Host maps lines inside the guest range: where guest pages can be. */
typedef struct host_vma {
    uint64_t start, end; /* guest addresses */
    uint64_t off, dev, ino;
    bool shared, none;
    char *path; /* host path, or NULL */
} host_vma;

static size_t read_host_vmas(rt_proc *p, host_vma **out) {
    uintptr_t base = (uintptr_t)mmu_base(p->mm), limit = mmu_limit(p->mm);
    FILE *f = fopen("/proc/self/maps", "re");
    size_t n = 0, cap = 0;
    *out = NULL;
    if (!f)
        return 0;
    char line[PATH_MAX + 128];
    while (fgets(line, sizeof line, f)) {
        unsigned long long s, e, off, ino;
        unsigned maj, min;
        char perms[8];
        int pos = 0;
        if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &s, &e, perms, &off, &maj, &min, &ino,
                   &pos) < 7)
            continue;
        if (e <= base || s >= base + limit)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            host_vma *nv = realloc(*out, cap * sizeof *nv);
            if (!nv)
                break;
            *out = nv;
        }
        char *path = line + pos;
        path[strcspn(path, "\n")] = 0;
        uint64_t gs = s < base ? 0 : s - base, ge = e - base > limit ? limit : e - base;
        (*out)[n++] = (host_vma){.start = gs,
                                 .end = ge,
                                 .off = off + (s < base ? base - s : 0),
                                 .dev = makedev(maj, min),
                                 .ino = ino,
                                 .shared = perms[3] == 's',
                                 .none = strncmp(perms, "---", 3) == 0,
                                 .path = path[0] ? strdup(path) : NULL};
    }
    fclose(f);
    return n;
}

/* Anonymous PROT_NONE host runs larger than this are taken to be the free
 * reservation and not scanned page by page. */
#define SCAN_NONE_MAX (64ull << 20)

static void gen_maps(pbuf *pb, rt_proc *p) {
    seg_name segs[MAX_SEGS];
    int nsegs = 0;
    char interp[PATH_MAX] = "", interp_host[RT_SYS_PATH_MAX];
    const char *exe_name = p->exe_abspath ? guest_view(p, p->exe_abspath) : NULL;
    if (p->exe_abspath)
        add_image(segs, &nsegs, p->exe_abspath, p->load_bias, false, exe_name, interp);
    char *interp_name = NULL;
    if (interp[0] && p->interp_base && rt_sys_map_path(p, interp, interp_host) == 0) {
        char *real = realpath(interp_host, NULL);
        interp_name = strdup(guest_view(p, real ? real : interp_host));
        add_image(segs, &nsegs, real ? real : interp_host, p->interp_base, true, interp_name, NULL);
        free(real);
    }
    uint64_t heap_lo = p->brk_start, heap_hi = (p->brk_cur + MMU_PAGE_MASK) & ~MMU_PAGE_MASK;
    uint64_t stack_lo = p->stack_top - RT_STACK_SIZE, stack_hi = p->stack_top;

    host_vma *v;
    size_t nv = read_host_vmas(p, &v);
    for (size_t i = 0; i < nv; i++) {
        if (v[i].none && !v[i].path && v[i].end - v[i].start > SCAN_NONE_MAX)
            continue;
        const char *host_name = v[i].path ? guest_view(p, v[i].path) : NULL;
        bool have = false;
        uint64_t run_start = 0, run_off = 0;
        int run_prot = 0;
        page_name run = {0};
        for (uint64_t a = v[i].start; a <= v[i].end; a += MMU_PAGE_SIZE) {
            int prot = a < v[i].end ? mmu_page_prot(p->mm, a) : -1;
            page_name n = {.shared = v[i].shared};
            if (prot >= 0 && v[i].path && v[i].path[0] == '/') {
                n.path = host_name;
                n.off = v[i].off + (a - v[i].start);
                n.dev = v[i].dev;
                n.ino = v[i].ino;
            } else if (prot >= 0) {
                for (int k = 0; k < nsegs; k++)
                    if (a >= segs[k].start && a < segs[k].end) {
                        n.path = segs[k].path;
                        n.off = segs[k].off + (a - segs[k].start);
                        n.dev = segs[k].dev;
                        n.ino = segs[k].ino;
                    }
                if (!n.path && a >= heap_lo && a < heap_hi)
                    n.path = "[heap]";
                else if (!n.path && a >= stack_lo && a < stack_hi)
                    n.path = "[stack]";
                else if (!n.path && v[i].path)
                    n.path = host_name; /* [anon:...], /memfd:... (deleted) */
            }
            if (have && (prot < 0 || !same_run(&run, &n, run_prot, prot))) {
                maps_line(pb, run_start, a, run_prot, &run, run_off);
                have = false;
            }
            if (prot >= 0 && !have) {
                have = true;
                run_start = a;
                run_prot = prot;
                run_off = n.path && n.path[0] != '[' ? n.off : 0;
            }
            if (prot >= 0)
                run = n;
        }
    }
    for (size_t i = 0; i < nv; i++)
        free(v[i].path);
    free(v);
    free(interp_name);
}

/* ---- open ---- */

typedef enum {
    PF_NONE,
    PF_CMDLINE,
    PF_ENVIRON,
    PF_AUXV,
    PF_MAPS,
    PF_COMM,
    PF_STAT,
    PF_STATUS,
    PF_CPUINFO
} proc_file;

/* Which emulated file the path names, if any. */
static proc_file classify(const char *path) {
    if (strncmp(path, "/proc/", 6) != 0)
        return PF_NONE;
    const char *s = path + 6;
    if (strcmp(s, "cpuinfo") == 0)
        return PF_CPUINFO;
    size_t n = strcspn(s, "/");
    char own[32];
    snprintf(own, sizeof own, "%d", (int)getpid());
    if (!((n == 4 && strncmp(s, "self", 4) == 0) ||
          (n == 11 && strncmp(s, "thread-self", 11) == 0) ||
          (n == strlen(own) && strncmp(s, own, n) == 0)))
        return PF_NONE;
    s += n;
    if (strncmp(s, "/task/", 6) == 0) { /* a thread of this process */
        s += 6;
        size_t d = strspn(s, "0123456789");
        if (d == 0)
            return PF_NONE;
        s += d;
    }
    static const struct {
        const char *name;
        proc_file f;
    } files[] = {{"/cmdline", PF_CMDLINE}, {"/environ", PF_ENVIRON}, {"/auxv", PF_AUXV},
                 {"/maps", PF_MAPS},       {"/comm", PF_COMM},       {"/stat", PF_STAT},
                 {"/status", PF_STATUS}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (strcmp(s, files[i].name) == 0)
            return files[i].f;
    return PF_NONE;
}

long rt_sys_procfs_open(rt_proc *p, const char *path, int host_flags) {
    proc_file f = classify(path);
    if (f == PF_NONE || !p->sys)
        return RT_SYS_NOT_PROCFS;
    if (host_flags & O_DIRECTORY)
        return -ENOTDIR;
    if ((host_flags & O_ACCMODE) != O_RDONLY) {
        if (f == PF_COMM)
            rt_sys_unimp("writing /proc/self/comm (use prctl PR_SET_NAME)");
        return -EACCES;
    }
    rt_sys_state *st = p->sys;
    pbuf pb = {0};
    switch (f) {
    case PF_CMDLINE:
        pb_guest(&pb, p, st->arg_start, st->arg_end);
        break;
    case PF_ENVIRON:
        pb_guest(&pb, p, st->env_start, st->env_end);
        break;
    case PF_AUXV:
        pb_guest(&pb, p, st->auxv_start, st->auxv_end);
        break;
    case PF_MAPS:
        gen_maps(&pb, p);
        break;
    case PF_COMM:
        pb_printf(&pb, "%s\n", st->comm);
        break;
    case PF_STAT:
        gen_stat(&pb, p);
        break;
    case PF_STATUS:
        gen_status(&pb, p);
        break;
    case PF_CPUINFO:
        gen_cpuinfo(&pb);
        break;
    case PF_NONE:
        break;
    }
    if (pb.oom) {
        free(pb.b);
        return -ENOMEM;
    }
    int mfd = memfd_create("liftvm-proc", MFD_CLOEXEC);
    long r = mfd < 0 ? -errno : 0;
    for (size_t done = 0; !r && done < pb.n;) {
        ssize_t w = write(mfd, pb.b + done, pb.n - done);
        if (w <= 0)
            r = -EIO;
        else
            done += (size_t)w;
    }
    free(pb.b);
    if (!r) {
        char self[64];
        snprintf(self, sizeof self, "/proc/self/fd/%d", mfd);
        r = rt_sys_ret(open(self, O_RDONLY | (host_flags & (O_CLOEXEC | O_NONBLOCK))));
    }
    if (mfd >= 0)
        close(mfd);
    return r;
}
