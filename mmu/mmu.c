/*
 * mmu.c — user-mode guest memory: one reserved host range plus a page table.
 *
 *   host:  base-MMU_GUARD ── base ──────────────────── base+limit ── +MMU_GUARD
 *          │ PROT_NONE guard │ guest page 0 │ page 1 │ ... │ PROT_NONE guard │
 *   table:                    perm[0]        perm[1]  ...   (one byte per page)
 *
 * The whole range [base - MMU_GUARD, base + limit + MMU_GUARD) is reserved PROT_NONE
 * with MAP_NORESERVE at creation and is never given back to the host while
 * the space lives: "unmapping" a guest page replaces it with a fresh
 * PROT_NONE reservation, so no host allocation can ever land inside the
 * guest's range.  The permission table is itself a lazily-populated
 * MAP_NORESERVE anonymous array (64 MiB of virtual memory for a 2^38-byte
 * space), so untouched parts cost nothing.
 *
 * Host protection mirrors guest R and W only: a page the guest may read or
 * execute is host-readable (code is decoded by reading it, never run), a
 * writable one is host-writable, so guest accesses that break the guest
 * permissions fault on the host and the runtime turns them into guest
 * signals.  A guest page that is W but not R gets host R|W.  The guards
 * let compiled code check a base register once for several accesses at
 * small offsets from it (llvmjit/jit_lift.c guest_ptr): one that lands in a
 * guard faults on the host like an unmapped guest page.  Compiled code also
 * reads the table itself (mmu_pages), so that it can leave an access that
 * would fault to the interpreter instead of faulting.
 */
#include "mmu/mmu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* Table byte: MMU_R/W/X bits plus PG_MAPPED (0 means unmapped), PG_SIGBUS
 * for a file page past the end of its file (mapped, but the host raises
 * SIGBUS there), and the MMU_PAGE_LOAD/STORE bits compiled code checks. */
#define PG_MAPPED 0x80
#define PG_SIGBUS 0x40
#define PG_PROT_MASK (MMU_R | MMU_W | MMU_X)
#define PG_FAST (MMU_PAGE_LOAD | MMU_PAGE_STORE)
/* Zero table bytes on each side, for compiled code's accesses that land
 * in a guard. */
#define PG_PAD (MMU_GUARD / MMU_PAGE_SIZE)

struct mmu_space {
    uint8_t *base;
    uint64_t limit;
    uint64_t npages;
    uint8_t *perm; /* npages bytes */
};

static const int RESERVE_FLAGS = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

static int host_prot(int prot) {
    int h = PROT_NONE;
    if (prot & (MMU_R | MMU_X))
        h |= PROT_READ;
    if (prot & MMU_W)
        h |= PROT_READ | PROT_WRITE;
    return h;
}

mmu_space *mmu_space_new(uint64_t limit) {
    if (limit == 0 || (limit & MMU_PAGE_MASK) || limit > (1ull << 47)) {
        errno = EINVAL;
        return NULL;
    }
    mmu_space *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->limit = limit;
    s->npages = limit / MMU_PAGE_SIZE;
    uint8_t *low = mmap(NULL, limit + 2 * MMU_GUARD, PROT_NONE, RESERVE_FLAGS, -1, 0);
    if (low == MAP_FAILED) {
        free(s);
        return NULL;
    }
    uint8_t *base = low + MMU_GUARD;
    uint8_t *perm = mmap(NULL, s->npages + 2 * PG_PAD, PROT_READ | PROT_WRITE, RESERVE_FLAGS, -1, 0);
    if (perm == MAP_FAILED) {
        int e = errno;
        munmap(low, limit + 2 * MMU_GUARD);
        free(s);
        errno = e;
        return NULL;
    }
    s->base = base;
    s->perm = perm + PG_PAD;
    return s;
}

void mmu_space_free(mmu_space *s) {
    if (!s)
        return;
    munmap(s->base - MMU_GUARD, s->limit + 2 * MMU_GUARD);
    munmap(s->perm - PG_PAD, s->npages + 2 * PG_PAD);
    free(s);
}

uint8_t *mmu_base(const mmu_space *s) {
    return s->base;
}
uint64_t mmu_limit(const mmu_space *s) {
    return s->limit;
}
const uint8_t *mmu_pages(const mmu_space *s) {
    return s->perm;
}

/* The table byte of a mapped page with guest permissions prot; sigbus: a
 * file page past the end of its file. */
static uint8_t page_entry(int prot, bool sigbus) {
    uint8_t e = (uint8_t)(PG_MAPPED | (prot & PG_PROT_MASK));
    if (sigbus)
        return e | PG_SIGBUS;
    int h = host_prot(prot);
    if (h & PROT_READ)
        e |= MMU_PAGE_LOAD;
    if (h & PROT_WRITE)
        e |= MMU_PAGE_STORE;
    return e;
}

/* Takes compiled code's rights to [first, first+n) pages before a host
 * change that may remove them (the new entries give them back after). */
static void revoke_fast(mmu_space *s, uint64_t first, uint64_t n) {
    for (uint64_t i = first; i < first + n; i++)
        s->perm[i] &= (uint8_t)~PG_FAST;
}

/* Validates a page-aligned range and rounds len up to whole pages.  Returns
 * 0, -EINVAL for a misaligned address or empty range, or out_of_range when
 * the range leaves [0, limit). */
static int check_range(const mmu_space *s, uint64_t addr, uint64_t *len, int out_of_range) {
    if (addr & MMU_PAGE_MASK)
        return -EINVAL;
    if (*len == 0)
        return -EINVAL;
    if (*len > s->limit)
        return out_of_range;
    uint64_t l = (*len + MMU_PAGE_MASK) & ~MMU_PAGE_MASK;
    if (addr > s->limit || l > s->limit - addr)
        return out_of_range;
    *len = l;
    return 0;
}

/* Puts a PROT_NONE reservation back over [addr, addr+len) after a failed
 * MAP_FIXED (which may already have torn down the old mapping). */
static void rereserve(mmu_space *s, uint64_t addr, uint64_t len) {
    mmap(s->base + addr, len, PROT_NONE, RESERVE_FLAGS | MAP_FIXED, -1, 0);
    memset(s->perm + addr / MMU_PAGE_SIZE, 0, len / MMU_PAGE_SIZE);
}

int mmu_map(mmu_space *s, uint64_t addr, uint64_t len, int prot) {
    int r = check_range(s, addr, &len, -ENOMEM);
    if (r)
        return r;
    prot &= PG_PROT_MASK;
    revoke_fast(s, addr / MMU_PAGE_SIZE, len / MMU_PAGE_SIZE);
    void *p = mmap(s->base + addr, len, host_prot(prot), RESERVE_FLAGS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) {
        r = -errno;
        rereserve(s, addr, len);
        return r;
    }
    memset(s->perm + addr / MMU_PAGE_SIZE, page_entry(prot, false), len / MMU_PAGE_SIZE);
    return 0;
}

int mmu_map_file(mmu_space *s, uint64_t addr, uint64_t len, int prot, int fd, uint64_t off,
                 bool shared) {
    int r = check_range(s, addr, &len, -ENOMEM);
    if (r)
        return r;
    if (off & MMU_PAGE_MASK)
        return -EINVAL;
    prot &= PG_PROT_MASK;
    int flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED;
    uint64_t first = addr / MMU_PAGE_SIZE, n = len / MMU_PAGE_SIZE;
    revoke_fast(s, first, n);
    void *p = mmap(s->base + addr, len, host_prot(prot), flags, fd, (off_t)off);
    if (p == MAP_FAILED) {
        r = -errno;
        rereserve(s, addr, len);
        return r;
    }
    /* Pages wholly past the end of a regular file raise SIGBUS on the
     * host; compiled code leaves them to the interpreter.  (A file that
     * shrinks later is not followed: its fault in compiled code is redone
     * like any other, see runtime/rt_exec.c.) */
    struct stat st;
    uint64_t in_file = n;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        in_file = (uint64_t)st.st_size <= off ? 0 : ((uint64_t)st.st_size - off + MMU_PAGE_MASK) / MMU_PAGE_SIZE;
    for (uint64_t i = 0; i < n; i++)
        s->perm[first + i] = page_entry(prot, i >= in_file);
    return 0;
}

int mmu_unmap(mmu_space *s, uint64_t addr, uint64_t len) {
    int r = check_range(s, addr, &len, -EINVAL);
    if (r)
        return r;
    revoke_fast(s, addr / MMU_PAGE_SIZE, len / MMU_PAGE_SIZE);
    void *p = mmap(s->base + addr, len, PROT_NONE, RESERVE_FLAGS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    memset(s->perm + addr / MMU_PAGE_SIZE, 0, len / MMU_PAGE_SIZE);
    return 0;
}

/* Like Linux mprotect: -ENOMEM if any page of the range is unmapped. */
int mmu_protect(mmu_space *s, uint64_t addr, uint64_t len, int prot) {
    if (len == 0 && !(addr & MMU_PAGE_MASK))
        return 0;
    int r = check_range(s, addr, &len, -ENOMEM);
    if (r)
        return r;
    uint64_t first = addr / MMU_PAGE_SIZE, n = len / MMU_PAGE_SIZE;
    for (uint64_t i = 0; i < n; i++)
        if (!s->perm[first + i])
            return -ENOMEM;
    prot &= PG_PROT_MASK;
    revoke_fast(s, first, n);
    if (mprotect(s->base + addr, len, host_prot(prot)) != 0)
        return -errno;
    for (uint64_t i = first; i < first + n; i++)
        s->perm[i] = page_entry(prot, s->perm[i] & PG_SIGBUS);
    return 0;
}

int mmu_page_prot(const mmu_space *s, uint64_t addr) {
    if (addr >= s->limit)
        return -1;
    uint8_t e = s->perm[addr / MMU_PAGE_SIZE];
    return e ? (e & PG_PROT_MASK) : -1;
}

bool mmu_check(const mmu_space *s, uint64_t addr, uint64_t len, int prot) {
    if (len == 0)
        return addr <= s->limit;
    if (addr >= s->limit || len > s->limit - addr)
        return false;
    uint64_t first = addr / MMU_PAGE_SIZE, last = (addr + len - 1) / MMU_PAGE_SIZE;
    int need = PG_MAPPED | (prot & PG_PROT_MASK);
    for (uint64_t i = first; i <= last; i++)
        if ((s->perm[i] & need) != need)
            return false;
    return true;
}

void *mmu_host_ptr(const mmu_space *s, uint64_t addr, uint64_t len, int prot) {
    return mmu_check(s, addr, len, prot) ? s->base + addr : NULL;
}

/* Length of the run of free pages starting at page i going up (capped). */
static bool range_free(const mmu_space *s, uint64_t first, uint64_t n, uint64_t *blocker) {
    for (uint64_t i = first + n; i-- > first;) {
        if (s->perm[i]) {
            *blocker = i;
            return false;
        }
    }
    return true;
}

/*
 * Finds a free run of len bytes.  Bottom-up: the lowest run starting at or
 * above hint.  Top-down: the highest run ending at or below hint.  Page 0 is
 * never returned (0 means "none").  Checking a candidate scans it from its
 * far end, so on a collision the search skips past the blocking page at
 * once; the cost is linear in the pages passed over.
 */
uint64_t mmu_find_free(const mmu_space *s, uint64_t hint, uint64_t len, bool top_down) {
    if (len == 0 || len > s->limit)
        return 0;
    uint64_t n = (len + MMU_PAGE_MASK) / MMU_PAGE_SIZE;
    if (n >= s->npages)
        return 0;
    if (top_down) {
        uint64_t end = hint > s->limit ? s->npages : hint / MMU_PAGE_SIZE; /* exclusive */
        while (end >= n + 1) {
            uint64_t first = end - n, blocker;
            /* scan low-to-high so a collision moves the window below it */
            bool ok = true;
            for (uint64_t i = first; i < end; i++) {
                if (s->perm[i]) {
                    ok = false;
                    blocker = i;
                    break;
                }
            }
            if (ok)
                return first * MMU_PAGE_SIZE;
            end = blocker;
        }
        return 0;
    }
    uint64_t first = (hint + MMU_PAGE_MASK) / MMU_PAGE_SIZE;
    if (first == 0)
        first = 1;
    while (first + n <= s->npages && first + n > first) {
        uint64_t blocker;
        if (range_free(s, first, n, &blocker))
            return first * MMU_PAGE_SIZE;
        first = blocker + 1;
    }
    return 0;
}

int mmu_read(const mmu_space *s, uint64_t addr, void *dst, size_t len) {
    if (!mmu_check(s, addr, len, MMU_R))
        return -EFAULT;
    memcpy(dst, s->base + addr, len);
    return 0;
}

int mmu_write(mmu_space *s, uint64_t addr, const void *src, size_t len) {
    if (!mmu_check(s, addr, len, MMU_W))
        return -EFAULT;
    memcpy(s->base + addr, src, len);
    return 0;
}

/* Restores the host protection of [first, first+n) pages from the table,
 * one mprotect per run of equal permissions. */
static void restore_host_prot(mmu_space *s, uint64_t first, uint64_t n) {
    uint64_t i = first, end = first + n;
    while (i < end) {
        uint64_t j = i + 1;
        while (j < end && s->perm[j] == s->perm[i])
            j++;
        mprotect(s->base + i * MMU_PAGE_SIZE, (j - i) * MMU_PAGE_SIZE,
                 host_prot(s->perm[i] & PG_PROT_MASK));
        i = j;
    }
}

/* Loader copy: pages must be mapped, guest W is ignored.  Pages that are not
 * host-writable are made writable for the copy and restored afterwards. */
int mmu_poke(mmu_space *s, uint64_t addr, const void *src, size_t len) {
    if (len == 0)
        return 0;
    if (!mmu_check(s, addr, len, 0))
        return -EFAULT;
    if (mmu_check(s, addr, len, MMU_W)) {
        memcpy(s->base + addr, src, len);
        return 0;
    }
    uint64_t first = addr / MMU_PAGE_SIZE, last = (addr + len - 1) / MMU_PAGE_SIZE;
    uint64_t n = last - first + 1;
    if (mprotect(s->base + first * MMU_PAGE_SIZE, n * MMU_PAGE_SIZE, PROT_READ | PROT_WRITE) != 0)
        return -errno;
    memcpy(s->base + addr, src, len);
    restore_host_prot(s, first, n);
    return 0;
}

long mmu_read_str(const mmu_space *s, uint64_t addr, char *dst, size_t max) {
    size_t done = 0;
    while (done < max) {
        uint64_t a = addr + done;
        if (a < addr || mmu_page_prot(s, a) < 0 || !(mmu_page_prot(s, a) & MMU_R))
            return -EFAULT;
        size_t chunk = MMU_PAGE_SIZE - (a & MMU_PAGE_MASK);
        if (chunk > max - done)
            chunk = max - done;
        const char *src = (const char *)s->base + a;
        const char *nul = memchr(src, 0, chunk);
        if (nul) {
            size_t k = (size_t)(nul - src);
            memcpy(dst + done, src, k + 1);
            return (long)(done + k);
        }
        memcpy(dst + done, src, chunk);
        done += chunk;
    }
    if (max)
        dst[max - 1] = 0;
    return -ENAMETOOLONG;
}

bool mmu_fetch16(const mmu_space *s, uint64_t addr, uint16_t *out) {
    if (!mmu_check(s, addr, 2, MMU_X))
        return false;
    memcpy(out, s->base + addr, 2);
    return true;
}

bool mmu_owns_host_addr(const mmu_space *s, const void *p) {
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)s->base;
    return a >= b - MMU_GUARD && a - (b - MMU_GUARD) < s->limit + 2 * MMU_GUARD;
}
