/*
 * syscall_mm.c — the guest memory map: brk, mmap, munmap, mprotect, mremap,
 * madvise, msync, mlock*, mincore.
 *
 * Placement is liftvm's, not the host's: a mapping without a usable hint is
 * put at the highest free range below p->mmap_top (mmu_find_free), and the
 * program break grows upward from p->brk_start, never over another mapping
 * and always with a free page after it, as Linux keeps.  The mmu knows only
 * page permissions, so this file also remembers which ranges are file
 * backed or shared (rt_sys_filemap): those must not be zeroed by
 * MADV_DONTNEED, which only empties private anonymous memory.
 */
#include "runtime/linux/syscall_priv.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/* asm-generic mman values (x86-64 shares them, but the guest's are named
 * here so that the mapping stays explicit). */
enum {
    G_PROT_MASK = 7, /* READ 1, WRITE 2, EXEC 4: the MMU_* bits */
    G_PROT_SEM = 0x8,
    G_PROT_GROWSDOWN = 0x01000000,
    G_PROT_GROWSUP = 0x02000000,

    G_MAP_SHARED = 0x01,
    G_MAP_PRIVATE = 0x02,
    G_MAP_SHARED_VALIDATE = 0x03,
    G_MAP_TYPE = 0x0f,
    G_MAP_FIXED = 0x10,
    G_MAP_ANONYMOUS = 0x20,
    G_MAP_GROWSDOWN = 0x0100,
    G_MAP_DENYWRITE = 0x0800,
    G_MAP_EXECUTABLE = 0x1000,
    G_MAP_LOCKED = 0x2000,
    G_MAP_NORESERVE = 0x4000,
    G_MAP_POPULATE = 0x8000,
    G_MAP_NONBLOCK = 0x10000,
    G_MAP_STACK = 0x20000,
    G_MAP_HUGETLB = 0x40000,
    G_MAP_SYNC = 0x80000,
    G_MAP_FIXED_NOREPLACE = 0x100000,
    G_MAP_UNINITIALIZED = 0x4000000,

    G_MREMAP_MAYMOVE = 1,
    G_MREMAP_FIXED = 2,
    G_MREMAP_DONTUNMAP = 4,

    G_MADV_DONTNEED = 4,
    G_MADV_LAST_KNOWN = 25, /* MADV_COLLAPSE */
};

/* Flags MAP_SHARED_VALIDATE accepts (Linux's LEGACY_MAP_MASK plus SYNC). */
static const uint64_t validated_map_flags =
    G_MAP_TYPE | G_MAP_FIXED | G_MAP_ANONYMOUS | G_MAP_GROWSDOWN | G_MAP_DENYWRITE |
    G_MAP_EXECUTABLE | G_MAP_LOCKED | G_MAP_NORESERVE | G_MAP_POPULATE | G_MAP_NONBLOCK |
    G_MAP_STACK | G_MAP_HUGETLB | G_MAP_SYNC | G_MAP_FIXED_NOREPLACE | G_MAP_UNINITIALIZED;

/* Linux's default vm.mmap_min_addr: no fixed mappings below it. */
#define MMAP_MIN_ADDR 0x10000ull

static uint64_t page_up(uint64_t x) {
    return (x + MMU_PAGE_MASK) & ~MMU_PAGE_MASK;
}

static void log_page(const char *what, uint64_t start, uint64_t len, int prot) {
    if (rt_log_on(RT_LOG_PAGE))
        rt_logf("page: %s %#llx-%#llx %c%c%c\n", what, (unsigned long long)start,
                (unsigned long long)(start + len), prot & MMU_R ? 'r' : '-',
                prot & MMU_W ? 'w' : '-', prot & MMU_X ? 'x' : '-');
}

/* ---- file-mapping bookkeeping ---- */

void rt_sys_fmap_clear(rt_proc *p, uint64_t start, uint64_t end) {
    rt_sys_state *st = rt_sys_state_get(p);
    if (!st)
        return;
    size_t w = 0;
    rt_sys_filemap tail = {0};
    bool have_tail = false;
    for (size_t i = 0; i < st->nfmaps; i++) {
        rt_sys_filemap m = st->fmaps[i];
        if (m.end <= start || m.start >= end) {
            st->fmaps[w++] = m;
            continue;
        }
        if (m.start < start) { /* keep the part below */
            rt_sys_filemap lo = m;
            lo.end = start;
            st->fmaps[w++] = lo;
        }
        if (m.end > end) { /* the part above; at most one range can have it */
            tail = m;
            tail.start = end;
            have_tail = true;
        }
    }
    st->nfmaps = w;
    if (have_tail)
        rt_sys_fmap_add(p, tail.start, tail.end, tail.shared);
}

int rt_sys_fmap_add(rt_proc *p, uint64_t start, uint64_t end, bool shared) {
    rt_sys_state *st = rt_sys_state_get(p);
    if (!st)
        return -ENOMEM;
    if (st->nfmaps == st->capfmaps) {
        size_t cap = st->capfmaps ? 2 * st->capfmaps : 16;
        rt_sys_filemap *n = realloc(st->fmaps, cap * sizeof *n);
        if (!n)
            return -ENOMEM;
        st->fmaps = n;
        st->capfmaps = cap;
    }
    size_t i = st->nfmaps;
    while (i > 0 && st->fmaps[i - 1].start > start) {
        st->fmaps[i] = st->fmaps[i - 1];
        i--;
    }
    st->fmaps[i] = (rt_sys_filemap){.start = start, .end = end, .shared = shared};
    st->nfmaps++;
    return 0;
}

const rt_sys_filemap *rt_sys_fmap_find(rt_proc *p, uint64_t addr) {
    rt_sys_state *st = rt_sys_state_get(p);
    if (!st)
        return NULL;
    for (size_t i = 0; i < st->nfmaps; i++)
        if (addr >= st->fmaps[i].start && addr < st->fmaps[i].end)
            return &st->fmaps[i];
    return NULL;
}

/* ---- brk ---- */

/* brk(addr): moves the break if the pages between the old and new ends are
 * free (plus one guard page) and the data limit allows; returns the break
 * in effect either way, as Linux does. */
long rt_sys_brk(rt_proc *p, const uint64_t *a) {
    uint64_t want = a[0], cur = p->brk_cur;
    if (want < p->brk_start)
        return (long)cur;
    uint64_t old_end = page_up(cur), new_end = page_up(want);
    if (new_end < want || new_end > mmu_limit(p->mm))
        return (long)cur;
    if (new_end > old_end) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
            new_end - p->brk_start > rl.rlim_cur)
            return (long)cur;
        uint64_t grow = new_end - old_end;
        uint64_t check = new_end + MMU_PAGE_SIZE <= mmu_limit(p->mm) ? grow + MMU_PAGE_SIZE : grow;
        if (mmu_find_free(p->mm, old_end, check, false) != old_end)
            return (long)cur;
        if (mmu_map(p->mm, old_end, grow, MMU_R | MMU_W))
            return (long)cur;
        log_page("brk", old_end, grow, MMU_R | MMU_W);
    } else if (new_end < old_end) {
        rt_code_invalidate(p, new_end, old_end - new_end);
        if (mmu_unmap(p->mm, new_end, old_end - new_end))
            return (long)cur;
        log_page("brk unmap", new_end, old_end - new_end, 0);
    }
    p->brk_cur = want;
    return (long)want;
}

/* ---- mmap, munmap, mprotect ---- */

/* Highest free range of len bytes below p->mmap_top, or 0. */
static uint64_t find_space(rt_proc *p, uint64_t len) {
    uint64_t top = p->mmap_top ? p->mmap_top : mmu_limit(p->mm);
    return mmu_find_free(p->mm, top, len, true);
}

/* Checks a file descriptor for mmap the way Linux does: open (-EBADF),
 * readable (-EACCES), writable for a shared writable mapping (-EACCES). */
static int check_map_fd(int fd, bool shared, int prot) {
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return -EBADF;
    if ((fl & O_PATH) == O_PATH)
        return -EBADF;
    int acc = fl & O_ACCMODE;
    if (acc == O_WRONLY)
        return -EACCES;
    if (shared && (prot & MMU_W) && (acc != O_RDWR || (fl & O_APPEND)))
        return -EACCES;
    return 0;
}

/* Shared anonymous memory is a shmem (memfd) mapping on the host, so that
 * it stays shared with the processes the guest forks, as on Linux. */
static int map_shared_anon(rt_proc *p, uint64_t at, uint64_t len, int prot) {
    int fd = memfd_create("liftvm-shared", MFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    int r =
        ftruncate(fd, (off_t)len) < 0 ? -errno : mmu_map_file(p->mm, at, len, prot, fd, 0, true);
    close(fd);
    return r;
}

long rt_sys_mmap(rt_proc *p, const uint64_t *a) {
    uint64_t addr = a[0], len = a[1], flags = a[3], off = a[5];
    int prot = (int)(a[2] & G_PROT_MASK);
    int fd = rt_sys_int(a[4]);
    uint64_t type = flags & G_MAP_TYPE;
    if (type != G_MAP_SHARED && type != G_MAP_PRIVATE && type != G_MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (type == G_MAP_SHARED_VALIDATE && (flags & ~validated_map_flags))
        return -EOPNOTSUPP;
    bool shared = type != G_MAP_PRIVATE;
    bool anon = flags & G_MAP_ANONYMOUS;
    if (len == 0 || (off & MMU_PAGE_MASK))
        return -EINVAL;
    uint64_t limit = mmu_limit(p->mm);
    if (len > limit)
        return -ENOMEM;
    len = page_up(len);
    if (!anon && off + len < off)
        return -EOVERFLOW;
    if (flags & G_MAP_HUGETLB)
        rt_sys_unimp("mmap MAP_HUGETLB: using normal pages");
    if (!anon) {
        int r = check_map_fd(fd, shared, prot);
        if (r)
            return r;
    }

    uint64_t at;
    if (flags & (G_MAP_FIXED | G_MAP_FIXED_NOREPLACE)) {
        if (addr & MMU_PAGE_MASK)
            return -EINVAL;
        if (addr > limit || len > limit - addr)
            return -ENOMEM;
        if (addr < MMAP_MIN_ADDR)
            return -EPERM;
        if (!(flags & G_MAP_FIXED) && mmu_find_free(p->mm, addr, len, false) != addr)
            return -EEXIST;
        at = addr;
    } else {
        at = 0;
        uint64_t hint = page_up(addr);
        if (hint >= MMAP_MIN_ADDR && hint <= limit && len <= limit - hint &&
            mmu_find_free(p->mm, hint, len, false) == hint)
            at = hint;
        if (!at)
            at = find_space(p, len);
        if (!at)
            return -ENOMEM;
    }

    rt_code_invalidate(p, at, len);
    int r = anon && shared ? map_shared_anon(p, at, len, prot)
            : anon         ? mmu_map(p->mm, at, len, prot)
                           : mmu_map_file(p->mm, at, len, prot, fd, off, shared);
    if (r)
        return r;
    rt_sys_fmap_clear(p, at, at + len);
    if (!anon || shared)
        rt_sys_fmap_add(p, at, at + len, shared);
    log_page(anon ? "mmap anon" : "mmap file", at, len, prot);
    return (long)at;
}

long rt_sys_munmap(rt_proc *p, const uint64_t *a) {
    uint64_t addr = a[0], len = a[1], limit = mmu_limit(p->mm);
    if ((addr & MMU_PAGE_MASK) || len == 0 || len > limit)
        return -EINVAL;
    len = page_up(len);
    if (addr > limit || len > limit - addr)
        return -EINVAL;
    rt_code_invalidate(p, addr, len);
    int r = mmu_unmap(p->mm, addr, len);
    if (r)
        return r;
    rt_sys_fmap_clear(p, addr, addr + len);
    log_page("munmap", addr, len, 0);
    return 0;
}

long rt_sys_mprotect(rt_proc *p, const uint64_t *a) {
    uint64_t addr = a[0], len = a[1], prot = a[2];
    if (addr & MMU_PAGE_MASK)
        return -EINVAL;
    if (prot & ~(uint64_t)(G_PROT_MASK | G_PROT_SEM | G_PROT_GROWSDOWN | G_PROT_GROWSUP))
        return -EINVAL;
    if ((prot & G_PROT_GROWSDOWN) && (prot & G_PROT_GROWSUP))
        return -EINVAL;
    if (len == 0)
        return 0;
    if (len > mmu_limit(p->mm))
        return -ENOMEM;
    len = page_up(len);
    rt_code_invalidate(p, addr, len);
    int r = mmu_protect(p->mm, addr, len, (int)(prot & G_PROT_MASK));
    if (r == 0)
        log_page("mprotect", addr, len, (int)(prot & G_PROT_MASK));
    return r;
}

/* ---- mremap ---- */

/* Copies the pages of [from, from+len) to the fresh read-write pages at to,
 * making unreadable source pages readable for the copy. */
static void copy_pages(rt_proc *p, uint64_t from, uint64_t to, uint64_t len) {
    uint8_t *base = mmu_base(p->mm);
    for (uint64_t off = 0; off < len; off += MMU_PAGE_SIZE) {
        int prot = mmu_page_prot(p->mm, from + off);
        if (prot < 0)
            continue;
        if (!(prot & (MMU_R | MMU_W | MMU_X)))
            mmu_protect(p->mm, from + off, MMU_PAGE_SIZE, MMU_R);
        memcpy(base + to + off, base + from + off, MMU_PAGE_SIZE);
    }
}

/* Moves old (osz bytes) to the free range new (nsz bytes): every page keeps
 * its permissions, added pages take those of the last old page. */
static long move_mapping(rt_proc *p, uint64_t old, uint64_t osz, uint64_t new, uint64_t nsz,
                         bool dontunmap) {
    int last = mmu_page_prot(p->mm, old + osz - MMU_PAGE_SIZE);
    int r = mmu_map(p->mm, new, nsz, MMU_R | MMU_W);
    if (r)
        return r;
    uint64_t keep = osz < nsz ? osz : nsz;
    /* Remember the permissions before copy_pages may raise them. */
    uint64_t npg = keep / MMU_PAGE_SIZE;
    int8_t *perm = malloc(npg ? npg : 1);
    if (!perm) {
        mmu_unmap(p->mm, new, nsz);
        return -ENOMEM;
    }
    for (uint64_t i = 0; i < npg; i++)
        perm[i] = (int8_t)mmu_page_prot(p->mm, old + i * MMU_PAGE_SIZE);
    copy_pages(p, old, new, keep);
    for (uint64_t i = 0; i < npg; i++)
        mmu_protect(p->mm, new + i *MMU_PAGE_SIZE, MMU_PAGE_SIZE, perm[i] < 0 ? 0 : perm[i]);
    if (nsz > keep)
        mmu_protect(p->mm, new + keep, nsz - keep, last < 0 ? 0 : last);
    if (rt_sys_fmap_find(p, old))
        rt_sys_unimp("mremap of a file or shared mapping: moved as a private copy");
    if (dontunmap) {
        /* The old range stays mapped but empty, with its permissions
         * (DONTUNMAP requires osz == nsz, so perm covers it). */
        for (uint64_t i = 0; i < npg; i++)
            mmu_map(p->mm, old + i * MMU_PAGE_SIZE, MMU_PAGE_SIZE, perm[i] < 0 ? 0 : perm[i]);
    } else {
        mmu_unmap(p->mm, old, osz);
    }
    free(perm);
    rt_sys_fmap_clear(p, old, old + osz);
    rt_sys_fmap_clear(p, new, new + nsz);
    log_page("mremap", new, nsz, last < 0 ? 0 : last);
    return (long)new;
}

long rt_sys_mremap(rt_proc *p, const uint64_t *a) {
    uint64_t old = a[0], osz = a[1], nsz = a[2], flags = a[3], want = a[4];
    uint64_t limit = mmu_limit(p->mm);
    if (flags & ~(uint64_t)(G_MREMAP_MAYMOVE | G_MREMAP_FIXED | G_MREMAP_DONTUNMAP))
        return -EINVAL;
    if ((flags & (G_MREMAP_FIXED | G_MREMAP_DONTUNMAP)) && !(flags & G_MREMAP_MAYMOVE))
        return -EINVAL;
    if ((old & MMU_PAGE_MASK) || nsz == 0 || nsz > limit || osz > limit)
        return -EINVAL;
    if (osz == 0) {
        rt_sys_unimp("mremap with old_size 0 (duplicating a shared mapping)");
        return -EINVAL;
    }
    osz = page_up(osz);
    nsz = page_up(nsz);
    if ((flags & G_MREMAP_DONTUNMAP) && osz != nsz)
        return -EINVAL;
    if (old > limit || osz > limit - old || !mmu_check(p->mm, old, osz, 0))
        return -EFAULT;
    rt_code_invalidate(p, old, osz);

    if (flags & G_MREMAP_FIXED) {
        if (want & MMU_PAGE_MASK)
            return -EINVAL;
        if (want > limit || nsz > limit - want)
            return -EINVAL;
        if (want < old + osz && old < want + nsz)
            return -EINVAL;
        rt_code_invalidate(p, want, nsz);
        mmu_unmap(p->mm, want, nsz);
        rt_sys_fmap_clear(p, want, want + nsz);
        return move_mapping(p, old, osz, want, nsz, flags & G_MREMAP_DONTUNMAP);
    }
    if (!(flags & G_MREMAP_DONTUNMAP)) {
        if (nsz <= osz) {
            if (nsz < osz) {
                mmu_unmap(p->mm, old + nsz, osz - nsz);
                rt_sys_fmap_clear(p, old + nsz, old + osz);
            }
            return (long)old;
        }
        uint64_t grow = nsz - osz;
        if (old + nsz <= limit && mmu_find_free(p->mm, old + osz, grow, false) == old + osz) {
            int prot = mmu_page_prot(p->mm, old + osz - MMU_PAGE_SIZE);
            int r = mmu_map(p->mm, old + osz, grow, prot < 0 ? 0 : prot);
            if (r)
                return r;
            if (rt_sys_fmap_find(p, old + osz - MMU_PAGE_SIZE))
                rt_sys_unimp("mremap growing a file mapping: the new part is anonymous");
            log_page("mremap grow", old + osz, grow, prot < 0 ? 0 : prot);
            return (long)old;
        }
    }
    if (!(flags & G_MREMAP_MAYMOVE))
        return -ENOMEM;
    uint64_t at = find_space(p, nsz);
    if (!at)
        return -ENOMEM;
    return move_mapping(p, old, osz, at, nsz, flags & G_MREMAP_DONTUNMAP);
}

/* ---- madvise, msync, mlock, mincore ---- */

/* MADV_DONTNEED empties private anonymous pages (they read back as zero);
 * file-backed and shared pages keep their contents.  Other known advice is
 * only a hint and is accepted. */
long rt_sys_madvise(rt_proc *p, const uint64_t *a) {
    uint64_t addr = a[0], len = a[1];
    int advice = rt_sys_int(a[2]);
    if (addr & MMU_PAGE_MASK)
        return -EINVAL;
    if (advice < 0 || (advice > G_MADV_LAST_KNOWN && advice != 100 && advice != 101))
        return -EINVAL;
    if (len == 0)
        return 0;
    if (len > mmu_limit(p->mm))
        return -EINVAL;
    len = page_up(len);
    if (addr > mmu_limit(p->mm) || len > mmu_limit(p->mm) - addr)
        return -ENOMEM;
    long ret = 0;
    if (advice != G_MADV_DONTNEED) {
        if (!mmu_check(p->mm, addr, len, 0))
            ret = -ENOMEM;
        return ret;
    }
    rt_code_invalidate(p, addr, len);
    /* Remap each run of same-permission anonymous pages fresh. */
    uint64_t end = addr + len, pg = addr;
    while (pg < end) {
        int prot = mmu_page_prot(p->mm, pg);
        if (prot < 0) {
            ret = -ENOMEM;
            pg += MMU_PAGE_SIZE;
            continue;
        }
        if (rt_sys_fmap_find(p, pg)) {
            pg += MMU_PAGE_SIZE;
            continue;
        }
        uint64_t run = pg + MMU_PAGE_SIZE;
        while (run < end && mmu_page_prot(p->mm, run) == prot && !rt_sys_fmap_find(p, run))
            run += MMU_PAGE_SIZE;
        int r = mmu_map(p->mm, pg, run - pg, prot);
        if (r)
            return r;
        pg = run;
    }
    return ret;
}

long rt_sys_msync(rt_proc *p, const uint64_t *a) {
    uint64_t addr = a[0], len = a[1];
    int flags = rt_sys_int(a[2]);
    if (addr & MMU_PAGE_MASK)
        return -EINVAL;
    if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
        return -EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC))
        return -EINVAL;
    if (len == 0)
        return 0;
    if (len > mmu_limit(p->mm))
        return -ENOMEM;
    len = page_up(len);
    if (!mmu_check(p->mm, addr, len, 0))
        return -ENOMEM;
    /* The range is inside the guest reservation, which liftvm owns. */
    return rt_sys_ret(msync(mmu_base(p->mm) + addr, len, flags));
}

/* mlock, munlock, mlock2, mlockall, munlockall: nothing to pin in an
 * emulator; accepted. */
long rt_sys_mlock(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return 0;
}

/* mincore: every mapped page counts as resident. */
long rt_sys_mincore(rt_proc *p, const uint64_t *a) {
    uint64_t addr = a[0], len = a[1];
    if (addr & MMU_PAGE_MASK)
        return -EINVAL;
    if (len > mmu_limit(p->mm))
        return -ENOMEM;
    uint64_t npg = page_up(len) / MMU_PAGE_SIZE;
    if (!mmu_check(p->mm, addr, npg * MMU_PAGE_SIZE, 0))
        return -ENOMEM;
    uint8_t *vec = mmu_host_ptr(p->mm, a[2], npg, MMU_W);
    if (!vec)
        return -EFAULT;
    memset(vec, 1, npg);
    return 0;
}
