/*
 * mmu.h — guest memory for user mode.
 *
 * The guest address space [0, limit) is one reserved host range starting at
 * base: guest address x is host address base + x.  Each guest page (4 KiB)
 * has guest permissions (MMU_R/W/X) kept in a table; the host protection of
 * the page mirrors R and W (X is never given to the host: guest code is only
 * decoded, not run), so a guest store to a read-only page faults on the host
 * and the runtime turns that fault into a guest SIGSEGV.  Nothing outside
 * [base - MMU_GUARD, base + limit + MMU_GUARD) is ever mapped or touched for
 * the guest; the guards on both sides are never accessible.
 */
#ifndef LIFTVM_MMU_H
#define LIFTVM_MMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MMU_PAGE_SIZE 4096ull
#define MMU_PAGE_MASK (MMU_PAGE_SIZE - 1)
#define MMU_GUARD (64ull << 10) /* inaccessible host bytes before 0 and after limit */

enum { MMU_R = 1, MMU_W = 2, MMU_X = 4 };

typedef struct mmu_space mmu_space;

/* Reserves a guest space of limit bytes (a multiple of the page size). NULL
 * (errno set) if the host cannot reserve it. */
mmu_space *mmu_space_new(uint64_t limit);
void mmu_space_free(mmu_space *s);
uint8_t *mmu_base(const mmu_space *s);
uint64_t mmu_limit(const mmu_space *s);

/* Page-aligned operations; return 0 or -errno (Linux errno values).
 * mmu_map makes fresh zero-filled anonymous pages, replacing what was there. */
int mmu_map(mmu_space *s, uint64_t addr, uint64_t len, int prot);
/* Maps host file fd at offset off (page-aligned).  shared: MAP_SHARED. */
int mmu_map_file(mmu_space *s, uint64_t addr, uint64_t len, int prot, int fd, uint64_t off,
                 bool shared);
int mmu_unmap(mmu_space *s, uint64_t addr, uint64_t len);
int mmu_protect(mmu_space *s, uint64_t addr, uint64_t len, int prot);

/* Guest permissions of the page holding addr, or -1 if unmapped. */
int mmu_page_prot(const mmu_space *s, uint64_t addr);
/* True if every page of [addr, addr+len) is mapped with at least prot. */
bool mmu_check(const mmu_space *s, uint64_t addr, uint64_t len, int prot);
/* Host pointer to [addr, addr+len) if mmu_check passes, else NULL. */
void *mmu_host_ptr(const mmu_space *s, uint64_t addr, uint64_t len, int prot);
/* Lowest free (unmapped) page-aligned range of len bytes at or above hint
 * and below limit; 0 if none.  top_down searches downward from hint. */
uint64_t mmu_find_free(const mmu_space *s, uint64_t hint, uint64_t len, bool top_down);

/* Checked copies for the loader and syscalls: 0 or -EFAULT. */
int mmu_read(const mmu_space *s, uint64_t addr, void *dst, size_t len);
int mmu_write(mmu_space *s, uint64_t addr, const void *src, size_t len);
/* Copies bytes into guest memory ignoring guest write permission (loader). */
int mmu_poke(mmu_space *s, uint64_t addr, const void *src, size_t len);
/* Reads a NUL-terminated guest string of at most max bytes into dst; returns
 * its length or -EFAULT / -ENAMETOOLONG. */
long mmu_read_str(const mmu_space *s, uint64_t addr, char *dst, size_t max);
/* Instruction fetch of one 16-bit parcel: false if not mapped executable. */
bool mmu_fetch16(const mmu_space *s, uint64_t addr, uint16_t *out);

/* The page table compiled code reads (ir_mem.pages): one byte per page,
 * readable from page index -MMU_GUARD/4096 to (limit + MMU_GUARD)/4096 - 1;
 * MMU_PAGE_LOAD (MMU_PAGE_STORE) is set only where a host load (store) of
 * the page cannot fault: not on guards, unmapped pages or pages of a file
 * mapping past the end of its file.  Rights are taken from the table
 * before the host loses them and given after it has them. */
enum { MMU_PAGE_LOAD = 0x10, MMU_PAGE_STORE = 0x20 };
const uint8_t *mmu_pages(const mmu_space *s);

/* True if host address p lies in the space's reserved range (incl. the guards). */
bool mmu_owns_host_addr(const mmu_space *s, const void *p);

#endif
