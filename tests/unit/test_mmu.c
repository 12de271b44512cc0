/*
 * test_mmu.c — user-mode guest memory: mapping, permissions, bounds, free
 * range search, checked copies and host protection.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmu/mmu.h"

#define PG MMU_PAGE_SIZE
#define SPACE (1ull << 38)

static mmu_space *s;

static void setup(void) {
    s = mmu_space_new(SPACE);
    cr_assert_not_null(s);
}

static void teardown(void) {
    mmu_space_free(s);
}

TestSuite(mmu, .init = setup, .fini = teardown);

Test(mmu, new_rejects_bad_limits) {
    cr_assert_null(mmu_space_new(0));
    cr_assert_null(mmu_space_new(12345));
    cr_assert_eq(mmu_limit(s), SPACE);
    cr_assert_not_null(mmu_base(s));
}

Test(mmu, map_gives_zeroed_pages_with_prot) {
    cr_assert_eq(mmu_map(s, 0x10000, 2 * PG, MMU_R | MMU_W), 0);
    cr_assert_eq(mmu_page_prot(s, 0x10000), MMU_R | MMU_W);
    cr_assert_eq(mmu_page_prot(s, 0x11fff), MMU_R | MMU_W);
    cr_assert_eq(mmu_page_prot(s, 0x12000), -1);
    cr_assert_eq(mmu_page_prot(s, 0xf000), -1);
    uint8_t *h = mmu_base(s) + 0x10000;
    for (size_t i = 0; i < 2 * PG; i++)
        cr_assert_eq(h[i], 0);
    h[5] = 7;                                        /* host-writable */
    cr_assert_eq(mmu_map(s, 0x10000, PG, MMU_R), 0); /* replaces: fresh zero page */
    cr_assert_eq(h[5], 0);
    cr_assert_eq(mmu_page_prot(s, 0x10000), MMU_R);
}

Test(mmu, map_rounds_len_up_and_prot_none_is_mapped) {
    cr_assert_eq(mmu_map(s, 0x20000, 1, 0), 0);
    cr_assert_eq(mmu_page_prot(s, 0x20000), 0);
    cr_assert_eq(mmu_page_prot(s, 0x21000), -1);
    cr_assert(mmu_check(s, 0x20000, PG, 0));
    cr_assert_not(mmu_check(s, 0x20000, 1, MMU_R));
}

Test(mmu, bounds_and_alignment) {
    cr_assert_eq(mmu_map(s, 0x1001, PG, MMU_R), -EINVAL);
    cr_assert_eq(mmu_map(s, 0x1000, 0, MMU_R), -EINVAL);
    cr_assert_eq(mmu_map(s, SPACE, PG, MMU_R), -ENOMEM);
    cr_assert_eq(mmu_map(s, SPACE - PG, 2 * PG, MMU_R), -ENOMEM);
    cr_assert_eq(mmu_map(s, SPACE - PG, UINT64_MAX - 10, MMU_R), -ENOMEM);
    cr_assert_eq(mmu_map(s, UINT64_MAX & ~MMU_PAGE_MASK, PG, MMU_R), -ENOMEM);
    cr_assert_eq(mmu_map(s, SPACE - PG, PG, MMU_R), 0);
    cr_assert_eq(mmu_unmap(s, SPACE, PG), -EINVAL);
    cr_assert_eq(mmu_protect(s, SPACE, PG, MMU_R), -ENOMEM);
    cr_assert_eq(mmu_page_prot(s, SPACE), -1);
    cr_assert_not(mmu_check(s, SPACE - 1, 2, 0));
    cr_assert_not(mmu_check(s, UINT64_MAX, 2, 0));
}

Test(mmu, protect_requires_mapped_pages) {
    cr_assert_eq(mmu_map(s, 0x30000, PG, MMU_R | MMU_W), 0);
    cr_assert_eq(mmu_protect(s, 0x30000, 2 * PG, MMU_R), -ENOMEM);
    cr_assert_eq(mmu_page_prot(s, 0x30000), MMU_R | MMU_W); /* unchanged */
    cr_assert_eq(mmu_protect(s, 0x30000, PG, MMU_R | MMU_X), 0);
    cr_assert_eq(mmu_page_prot(s, 0x30000), MMU_R | MMU_X);
    cr_assert_eq(mmu_protect(s, 0x30000, 0, MMU_R), 0);
}

Test(mmu, unmap_keeps_reservation) {
    cr_assert_eq(mmu_map(s, 0x40000, 4 * PG, MMU_R | MMU_W), 0);
    cr_assert_eq(mmu_unmap(s, 0x41000, 2 * PG), 0);
    cr_assert_eq(mmu_page_prot(s, 0x40000), MMU_R | MMU_W);
    cr_assert_eq(mmu_page_prot(s, 0x41000), -1);
    cr_assert_eq(mmu_page_prot(s, 0x42000), -1);
    cr_assert_eq(mmu_page_prot(s, 0x43000), MMU_R | MMU_W);
    cr_assert(mmu_owns_host_addr(s, mmu_base(s) + 0x41000));
    cr_assert(mmu_owns_host_addr(s, mmu_base(s) + SPACE + MMU_GUARD - 1));
    cr_assert_not(mmu_owns_host_addr(s, mmu_base(s) + SPACE + MMU_GUARD));
    cr_assert(mmu_owns_host_addr(s, mmu_base(s) - MMU_GUARD));
    cr_assert_not(mmu_owns_host_addr(s, mmu_base(s) - MMU_GUARD - 1));
}

/* The host protection mirrors the guest's: a store to a read-only page and a
 * load from an unmapped one fault on the host.  The tests that expect a
 * SIGSEGV restore its default action first (sanitizer builds catch it). */
static void default_segv(void) {
    signal(SIGSEGV, SIG_DFL);
}

Test(mmu, host_store_to_readonly_faults, .signal = SIGSEGV) {
    default_segv();
    cr_assert_eq(mmu_map(s, 0x50000, PG, MMU_R), 0);
    volatile uint8_t *h = mmu_base(s) + 0x50000;
    h[0] = 1;
}

Test(mmu, host_load_from_unmapped_faults, .signal = SIGSEGV) {
    default_segv();
    volatile uint8_t *h = mmu_base(s) + 0x60000;
    (void)h[0];
}

Test(mmu, host_load_from_guard_faults, .signal = SIGSEGV) {
    default_segv();
    volatile uint8_t *h = mmu_base(s) + SPACE + 8;
    (void)h[0];
}

Test(mmu, write_only_page_is_host_rw) {
    cr_assert_eq(mmu_map(s, 0x70000, PG, MMU_W), 0);
    volatile uint8_t *h = mmu_base(s) + 0x70000;
    h[1] = 9;
    cr_assert_eq(h[1], 9);
    uint8_t b;
    cr_assert_eq(mmu_read(s, 0x70001, &b, 1), -EFAULT); /* guest R is still missing */
}

Test(mmu, read_write_check_permissions_per_page) {
    cr_assert_eq(mmu_map(s, 0x80000, PG, MMU_R | MMU_W), 0);
    cr_assert_eq(mmu_map(s, 0x81000, PG, MMU_R), 0);
    uint8_t buf[16] = "0123456789abcdef", out[16];
    cr_assert_eq(mmu_write(s, 0x80ff8, buf, 8), 0);
    cr_assert_eq(mmu_write(s, 0x80ff8, buf, 16), -EFAULT); /* crosses into read-only */
    cr_assert_eq(mmu_read(s, 0x80ff8, out, 16), 0);
    cr_assert_eq(memcmp(out, buf, 8), 0);
    cr_assert_eq(mmu_read(s, 0x81ff8, out, 16), -EFAULT); /* crosses into unmapped */
    cr_assert_eq(mmu_read(s, SPACE - 4, out, 8), -EFAULT);
    cr_assert_eq(mmu_read(s, 0x80000, out, 0), 0);
}

Test(mmu, poke_ignores_guest_write_and_restores_prot) {
    cr_assert_eq(mmu_map(s, 0x90000, 2 * PG, MMU_R | MMU_X), 0);
    cr_assert_eq(mmu_map(s, 0x92000, PG, MMU_R | MMU_W), 0);
    uint8_t buf[32];
    memset(buf, 0xab, sizeof buf);
    cr_assert_eq(mmu_poke(s, 0x91ff0, buf, sizeof buf), 0);
    cr_assert_eq(mmu_base(s)[0x91ff0], 0xab);
    cr_assert_eq(mmu_base(s)[0x9200f], 0xab);
    cr_assert_eq(mmu_page_prot(s, 0x91000), MMU_R | MMU_X);
    cr_assert_eq(mmu_write(s, 0x91000, buf, 1), -EFAULT);
    cr_assert_eq(mmu_poke(s, 0x92ff0, buf, 32), -EFAULT); /* runs into unmapped */
}

Test(mmu, poke_leaves_readonly_page_readonly, .signal = SIGSEGV) {
    default_segv();
    cr_assert_eq(mmu_map(s, 0xa0000, PG, MMU_R), 0);
    uint32_t v = 0x12345678;
    cr_assert_eq(mmu_poke(s, 0xa0010, &v, 4), 0);
    volatile uint8_t *h = mmu_base(s) + 0xa0000;
    h[0] = 1;
}

Test(mmu, read_str) {
    cr_assert_eq(mmu_map(s, 0xb0000, PG, MMU_R | MMU_W), 0);
    cr_assert_eq(mmu_map(s, 0xb1000, PG, MMU_R | MMU_W), 0);
    char dst[64];
    cr_assert_eq(mmu_poke(s, 0xb0ffc, "hello", 6), 0); /* crosses a page */
    cr_assert_eq(mmu_read_str(s, 0xb0ffc, dst, sizeof dst), 5);
    cr_assert_str_eq(dst, "hello");
    cr_assert_eq(mmu_read_str(s, 0xb0ffc, dst, 6), 5);
    cr_assert_eq(mmu_read_str(s, 0xb0ffc, dst, 5), -ENAMETOOLONG);
    char fill[PG];
    memset(fill, 'x', sizeof fill);
    cr_assert_eq(mmu_poke(s, 0xb1000, fill, sizeof fill), 0);
    cr_assert_eq(mmu_read_str(s, 0xb1000, dst, sizeof dst), -ENAMETOOLONG);
    static char big[2 * PG];
    cr_assert_eq(mmu_read_str(s, 0xb1000, big, sizeof big), -EFAULT); /* no NUL before hole */
    cr_assert_eq(mmu_read_str(s, 0xc0000, dst, sizeof dst), -EFAULT);
}

Test(mmu, fetch16_needs_x) {
    cr_assert_eq(mmu_map(s, 0xd0000, PG, MMU_R | MMU_X), 0);
    cr_assert_eq(mmu_map(s, 0xd1000, PG, MMU_R), 0);
    uint16_t v = 0x4501, out = 0;
    cr_assert_eq(mmu_poke(s, 0xd0010, &v, 2), 0);
    cr_assert(mmu_fetch16(s, 0xd0010, &out));
    cr_assert_eq(out, 0x4501);
    cr_assert_not(mmu_fetch16(s, 0xd1000, &out));
    cr_assert_not(mmu_fetch16(s, 0xd0fff, &out)); /* second byte not executable */
    cr_assert_not(mmu_fetch16(s, 0xe0000, &out));
    cr_assert_not(mmu_fetch16(s, SPACE - 1, &out));
    /* execute-only pages can still be decoded */
    cr_assert_eq(mmu_protect(s, 0xd0000, PG, MMU_X), 0);
    cr_assert(mmu_fetch16(s, 0xd0010, &out));
}

Test(mmu, host_ptr) {
    cr_assert_eq(mmu_map(s, 0xf0000, PG, MMU_R), 0);
    cr_assert_eq(mmu_host_ptr(s, 0xf0010, 8, MMU_R), mmu_base(s) + 0xf0010);
    cr_assert_null(mmu_host_ptr(s, 0xf0010, 8, MMU_W));
    cr_assert_null(mmu_host_ptr(s, 0xf0ffc, 8, MMU_R));
}

Test(mmu, find_free_bottom_up) {
    cr_assert_eq(mmu_find_free(s, 0, PG, false), PG); /* page 0 is never returned */
    cr_assert_eq(mmu_map(s, 0x100000, 4 * PG, MMU_R), 0);
    cr_assert_eq(mmu_map(s, 0x106000, PG, MMU_R), 0);
    cr_assert_eq(mmu_find_free(s, 0x100000, PG, false), 0x104000);
    cr_assert_eq(mmu_find_free(s, 0x100000, 2 * PG, false), 0x104000);
    cr_assert_eq(mmu_find_free(s, 0x100000, 3 * PG, false), 0x107000);
    cr_assert_eq(mmu_find_free(s, 0x100001, PG, false), 0x104000); /* hint rounds up */
    cr_assert_eq(mmu_find_free(s, SPACE - PG, PG, false), SPACE - PG);
    cr_assert_eq(mmu_find_free(s, SPACE - PG, 2 * PG, false), 0);
    cr_assert_eq(mmu_find_free(s, 0, SPACE, false), 0);
    cr_assert_eq(mmu_find_free(s, 0, 0, false), 0);
}

Test(mmu, find_free_top_down) {
    uint64_t top = 0x3000000000;
    cr_assert_eq(mmu_find_free(s, top, 2 * PG, true), top - 2 * PG);
    cr_assert_eq(mmu_map(s, top - 3 * PG, 3 * PG, MMU_R), 0);
    cr_assert_eq(mmu_map(s, top - 6 * PG, PG, MMU_R), 0);
    cr_assert_eq(mmu_find_free(s, top, 2 * PG, true), top - 5 * PG);
    cr_assert_eq(mmu_find_free(s, top, 3 * PG, true), top - 9 * PG);
    cr_assert_eq(mmu_find_free(s, top, PG, true), top - 4 * PG);
    cr_assert_eq(mmu_find_free(s, SPACE + PG * 100, PG, true), SPACE - PG); /* clamps */
    cr_assert_eq(mmu_find_free(s, 2 * PG, PG, true), PG);
    cr_assert_eq(mmu_find_free(s, 2 * PG, 2 * PG, true), 0);
}

Test(mmu, map_file) {
    char path[] = "/tmp/liftvm_mmu_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    unlink(path);
    char data[2 * PG];
    memset(data, 'f', sizeof data);
    cr_assert_eq(write(fd, data, sizeof data), (ssize_t)sizeof data);
    cr_assert_eq(mmu_map_file(s, 0x200000, 2 * PG, MMU_R, fd, PG, false), 0);
    cr_assert_eq(mmu_base(s)[0x200000], 'f');
    cr_assert_eq(mmu_page_prot(s, 0x200000), MMU_R);
    cr_assert_eq(mmu_map_file(s, 0x300000, PG, MMU_R, fd, 1, false), -EINVAL);
    cr_assert_eq(mmu_map_file(s, 0x300000, PG, MMU_R, -1, 0, false), -EBADF);
    cr_assert_eq(mmu_page_prot(s, 0x300000), -1); /* failed map leaves it unmapped */
    cr_assert_eq(mmu_map_file(s, SPACE, PG, MMU_R, fd, 0, false), -ENOMEM);
    /* private mapping: writes do not reach the file */
    cr_assert_eq(mmu_map_file(s, 0x400000, PG, MMU_R | MMU_W, fd, 0, false), 0);
    mmu_base(s)[0x400000] = 'z';
    char c;
    cr_assert_eq(pread(fd, &c, 1, 0), 1);
    cr_assert_eq(c, 'f');
    /* shared mapping: they do */
    cr_assert_eq(mmu_map_file(s, 0x500000, PG, MMU_R | MMU_W, fd, 0, true), 0);
    mmu_base(s)[0x500000] = 's';
    cr_assert_eq(pread(fd, &c, 1, 0), 1);
    cr_assert_eq(c, 's');
    close(fd);
}

/* The page table compiled code reads: load/store rights follow the host
 * protection, none on guards, unmapped pages or file pages past the end of
 * their file (SIGBUS on the host), which mprotect does not give back. */
Test(mmu, page_table_rights) {
    const uint8_t *pg = mmu_pages(s);
    const int rw = MMU_PAGE_LOAD | MMU_PAGE_STORE;
    cr_assert_eq(pg[-1] & rw, 0, "guard below 0");
    cr_assert_eq(pg[-(long)(MMU_GUARD / PG)] & rw, 0, "first guard page");
    cr_assert_eq(pg[SPACE / PG + MMU_GUARD / PG - 1] & rw, 0, "last guard page");
    cr_assert_eq(mmu_map(s, 0x10000, 3 * PG, MMU_R | MMU_W), 0);
    cr_assert_eq(pg[0x10] & rw, rw);
    cr_assert_eq(mmu_protect(s, 0x11000, PG, MMU_R), 0);
    cr_assert_eq(pg[0x11] & rw, MMU_PAGE_LOAD);
    cr_assert_eq(mmu_protect(s, 0x12000, PG, MMU_X), 0);
    cr_assert_eq(pg[0x12] & rw, MMU_PAGE_LOAD, "exec-only pages are host-readable");
    cr_assert_eq(mmu_protect(s, 0x12000, PG, 0), 0);
    cr_assert_eq(pg[0x12] & rw, 0);
    cr_assert_eq(mmu_unmap(s, 0x10000, PG), 0);
    cr_assert_eq(pg[0x10], 0);

    char path[] = "/tmp/liftvm_mmu_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    unlink(path);
    char data[PG + 100];
    memset(data, 'f', sizeof data);
    cr_assert_eq(write(fd, data, sizeof data), (ssize_t)sizeof data);
    /* pages 0 and 1 hold file bytes, 2 and 3 are past its end */
    cr_assert_eq(mmu_map_file(s, 0x200000, 4 * PG, MMU_R | MMU_W, fd, 0, false), 0);
    cr_assert_eq(pg[0x200] & rw, rw);
    cr_assert_eq(pg[0x201] & rw, rw, "a page partly in the file");
    cr_assert_eq(pg[0x202] & rw, 0, "past the end of the file");
    cr_assert_eq(mmu_page_prot(s, 0x202000), MMU_R | MMU_W, "still mapped for the guest");
    cr_assert_eq(mmu_protect(s, 0x200000, 4 * PG, MMU_R), 0);
    cr_assert_eq(pg[0x200] & rw, MMU_PAGE_LOAD);
    cr_assert_eq(pg[0x203] & rw, 0, "mprotect keeps the page past the end denied");
    /* mapped at an offset past the end: every page */
    cr_assert_eq(mmu_map_file(s, 0x300000, PG, MMU_R, fd, 2 * PG, false), 0);
    cr_assert_eq(pg[0x300] & rw, 0);
    /* a fresh anonymous map over it gives the rights back */
    cr_assert_eq(mmu_map(s, 0x200000, 4 * PG, MMU_R), 0);
    cr_assert_eq(pg[0x203] & rw, MMU_PAGE_LOAD);
    close(fd);
}
