/*
 * test_syscall.c — the Linux syscall layer driven through rt_linux_syscall
 * with a hand-built riscv64 process: struct conversions, flag translation,
 * the memory map calls, info calls, errors for bad pointers and unknown
 * numbers, and the strace log format.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/fe.h"
#include "frontend/riscv64/rv_state.h"
#include "mmu/mmu.h"
#include "runtime/linux/rt_linux.h"
#include "runtime/linux/syscall_nr.h"
#include "runtime/rt_log.h"

#define PG MMU_PAGE_SIZE
#define SCRATCH 0x200000ull /* 64 KiB of guest RW memory for arguments */
#define SCRATCH_LEN (16 * PG)
#define BRK_START 0x1000000ull
#define MMAP_TOP (1ull << 36)
#define BAD 0xdead0000ull /* never mapped */

static rt_proc P;
static fe_rv64_state cpu;
static char tmpdir[64];

static void setup(void) {
    memset(&P, 0, sizeof P);
    memset(&cpu, 0, sizeof cpu);
    P.arch = &fe_riscv64;
    P.mm = mmu_space_new(1ull << 38);
    cr_assert_not_null(P.mm);
    P.cpu = &cpu;
    P.exe_path = "prog";
    P.exe_abspath = "/guest/bin/prog";
    P.brk_start = P.brk_cur = BRK_START;
    P.mmap_top = MMAP_TOP;
    cr_assert_eq(mmu_map(P.mm, SCRATCH, SCRATCH_LEN, MMU_R | MMU_W), 0);
    strcpy(tmpdir, "/tmp/liftvm_sysXXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
    mmu_space_free(P.mm);
}

TestSuite(syscall, .init = setup, .fini = teardown);

static void set_reg(size_t off, uint64_t v) {
    memcpy((uint8_t *)&cpu + off, &v, 8);
}

/* Runs syscall nr with up to six arguments; the result, and whether the
 * process goes on, come back. */
static bool cont;
static long sys6(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                 uint64_t a5) {
    const uint64_t a[6] = {a0, a1, a2, a3, a4, a5};
    set_reg(P.arch->off_ret, 0x5555); /* a0 on riscv64: overwritten by the argument */
    set_reg(P.arch->off_sysno, nr);
    for (int i = 0; i < 6; i++)
        set_reg(P.arch->off_args[i], a[i]);
    cont = rt_linux_syscall(&P);
    uint64_t r;
    memcpy(&r, (uint8_t *)&cpu + P.arch->off_ret, 8);
    return (long)r;
}
#define SYS(nr, ...) sys_n(nr, (uint64_t[]){__VA_ARGS__, 0, 0, 0, 0, 0, 0})
static long sys_n(uint64_t nr, const uint64_t *a) {
    return sys6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* Puts a string into guest scratch memory at offset off; returns its address. */
static uint64_t gstr(uint64_t off, const char *s) {
    cr_assert_eq(mmu_write(P.mm, SCRATCH + off, s, strlen(s) + 1), 0);
    return SCRATCH + off;
}

static void host_path(char *out, const char *name) {
    sprintf(out, "%s/%s", tmpdir, name);
}

static const uint64_t AT_FDCWD_G = (uint64_t)-100;

/* asm-generic open flags */
enum {
    G_O_WRONLY = 1,
    G_O_RDWR = 2,
    G_O_CREAT = 0100,
    G_O_EXCL = 0200,
    G_O_TRUNC = 01000,
    G_O_APPEND = 02000,
    G_O_DIRECTORY = 0200000,
    G_O_CLOEXEC = 02000000
};

/* ---- stat ---- */

/* asm-generic struct stat field offsets */
enum {
    ST_DEV = 0,
    ST_INO = 8,
    ST_MODE = 16,
    ST_NLINK = 20,
    ST_UID = 24,
    ST_GID = 28,
    ST_RDEV = 32,
    ST_SIZE = 48,
    ST_BLKSIZE = 56,
    ST_BLOCKS = 64,
    ST_ATIME = 72,
    ST_MTIME = 88,
    ST_MTIME_NSEC = 96,
    ST_CTIME = 104
};

static uint64_t rd64(uint64_t addr) {
    uint64_t v;
    cr_assert_eq(mmu_read(P.mm, addr, &v, 8), 0);
    return v;
}

static uint32_t rd32(uint64_t addr) {
    uint32_t v;
    cr_assert_eq(mmu_read(P.mm, addr, &v, 4), 0);
    return v;
}

static void check_stat(uint64_t buf, const struct stat *h) {
    cr_assert_eq(rd64(buf + ST_DEV), (uint64_t)h->st_dev);
    cr_assert_eq(rd64(buf + ST_INO), (uint64_t)h->st_ino);
    cr_assert_eq(rd32(buf + ST_MODE), h->st_mode);
    cr_assert_eq(rd32(buf + ST_NLINK), (uint32_t)h->st_nlink);
    cr_assert_eq(rd32(buf + ST_UID), h->st_uid);
    cr_assert_eq(rd32(buf + ST_GID), h->st_gid);
    cr_assert_eq(rd64(buf + ST_RDEV), (uint64_t)h->st_rdev);
    cr_assert_eq((int64_t)rd64(buf + ST_SIZE), h->st_size);
    cr_assert_eq((int32_t)rd32(buf + ST_BLKSIZE), (int32_t)h->st_blksize);
    cr_assert_eq((int64_t)rd64(buf + ST_BLOCKS), h->st_blocks);
    cr_assert_eq((int64_t)rd64(buf + ST_ATIME), h->st_atim.tv_sec);
    cr_assert_eq((int64_t)rd64(buf + ST_MTIME), h->st_mtim.tv_sec);
    cr_assert_eq(rd64(buf + ST_MTIME_NSEC), (uint64_t)h->st_mtim.tv_nsec);
    cr_assert_eq((int64_t)rd64(buf + ST_CTIME), h->st_ctim.tv_sec);
}

Test(syscall, newfstatat_and_fstat_convert_struct_stat) {
    char path[128];
    host_path(path, "f");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("twelve bytes", f);
    fclose(f);
    struct stat h;
    cr_assert_eq(stat(path, &h), 0);

    uint64_t gp = gstr(0, path), buf = SCRATCH + 0x1000;
    cr_assert_eq(SYS(RT_NR_newfstatat, AT_FDCWD_G, gp, buf, 0), 0);
    check_stat(buf, &h);
    cr_assert_eq(rd64(buf + ST_SIZE), 12);

    long fd = SYS(RT_NR_openat, AT_FDCWD_G, gp, 0, 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(SYS(RT_NR_fstat, (uint64_t)fd, SCRATCH + 0x2000), 0);
    check_stat(SCRATCH + 0x2000, &h);
    /* AT_EMPTY_PATH with "" */
    cr_assert_eq(SYS(RT_NR_newfstatat, (uint64_t)fd, gstr(0x300, ""), SCRATCH + 0x3000, 0x1000), 0);
    check_stat(SCRATCH + 0x3000, &h);
    cr_assert_eq(SYS(RT_NR_close, (uint64_t)fd), 0);

    cr_assert_eq(SYS(RT_NR_newfstatat, AT_FDCWD_G, gstr(0x400, "/nonexistent/x"), buf, 0), -ENOENT);
}

Test(syscall, statx_passes_through) {
    uint64_t buf = SCRATCH + 0x1000;
    cr_assert_eq(SYS(RT_NR_statx, AT_FDCWD_G, gstr(0, tmpdir), 0, 0x7ff, buf), 0);
    struct stat h;
    cr_assert_eq(stat(tmpdir, &h), 0);
    uint16_t mode;
    cr_assert_eq(mmu_read(P.mm, buf + 0x1c, &mode, 2), 0); /* stx_mode */
    cr_assert_eq(mode, (uint16_t)h.st_mode);
    cr_assert_eq(rd64(buf + 0x20), (uint64_t)h.st_ino); /* stx_ino */
}

/* ---- open flags, fcntl, read/write ---- */

Test(syscall, openat_translates_flags) {
    char path[128];
    host_path(path, "new");
    uint64_t gp = gstr(0, path);
    umask(022);
    long fd = SYS(RT_NR_openat, AT_FDCWD_G, gp,
                  G_O_WRONLY | G_O_CREAT | G_O_EXCL | G_O_APPEND | G_O_CLOEXEC, 0640);
    cr_assert_geq(fd, 0);
    struct stat h;
    cr_assert_eq(stat(path, &h), 0);
    cr_assert_eq(h.st_mode & 0777, 0640);
    cr_assert_eq(SYS(RT_NR_fcntl, (uint64_t)fd, F_GETFD), FD_CLOEXEC);
    long fl = SYS(RT_NR_fcntl, (uint64_t)fd, F_GETFL);
    cr_assert_eq(fl & 3, G_O_WRONLY);
    cr_assert(fl & G_O_APPEND);
    cr_assert_eq(SYS(RT_NR_write, (uint64_t)fd, gstr(0x800, "abc"), 3), 3);
    cr_assert_eq(SYS(RT_NR_close, (uint64_t)fd), 0);
    cr_assert_eq(SYS(RT_NR_close, (uint64_t)fd), -EBADF);

    cr_assert_eq(SYS(RT_NR_openat, AT_FDCWD_G, gp, G_O_WRONLY | G_O_CREAT | G_O_EXCL, 0600),
                 -EEXIST);
    cr_assert_eq(SYS(RT_NR_openat, AT_FDCWD_G, gp, G_O_DIRECTORY), -ENOTDIR);
    fd = SYS(RT_NR_openat, AT_FDCWD_G, gstr(0x100, tmpdir), G_O_DIRECTORY);
    cr_assert_geq(fd, 0);
    close((int)fd);

    fd = SYS(RT_NR_openat, AT_FDCWD_G, gp, G_O_RDWR);
    cr_assert_geq(fd, 0);
    cr_assert_eq(SYS(RT_NR_read, (uint64_t)fd, SCRATCH + 0x1000, 100), 3);
    char got[4] = {0};
    cr_assert_eq(mmu_read(P.mm, SCRATCH + 0x1000, got, 3), 0);
    cr_assert_str_eq(got, "abc");
    cr_assert_eq(SYS(RT_NR_lseek, (uint64_t)fd, 1, SEEK_SET), 1);
    cr_assert_eq(SYS(RT_NR_pread64, (uint64_t)fd, SCRATCH + 0x1000, 2, 0), 2);
    close((int)fd);
}

Test(syscall, writev_and_readv_use_guest_iovecs) {
    char path[128];
    host_path(path, "v");
    long fd = SYS(RT_NR_openat, AT_FDCWD_G, gstr(0, path), G_O_RDWR | G_O_CREAT, 0600);
    cr_assert_geq(fd, 0);
    uint64_t iov[4] = {gstr(0x200, "hello "), 6, gstr(0x300, "world"), 5};
    cr_assert_eq(mmu_write(P.mm, SCRATCH + 0x400, iov, sizeof iov), 0);
    cr_assert_eq(SYS(RT_NR_writev, (uint64_t)fd, SCRATCH + 0x400, 2), 11);
    uint64_t bad[2] = {BAD, 4};
    cr_assert_eq(mmu_write(P.mm, SCRATCH + 0x500, bad, sizeof bad), 0);
    cr_assert_eq(SYS(RT_NR_writev, (uint64_t)fd, SCRATCH + 0x500, 1), -EFAULT);
    cr_assert_eq(SYS(RT_NR_writev, (uint64_t)fd, SCRATCH + 0x400, 5000), -EINVAL);
    uint64_t rio[2] = {SCRATCH + 0x1000, 11};
    cr_assert_eq(mmu_write(P.mm, SCRATCH + 0x600, rio, sizeof rio), 0);
    cr_assert_eq(SYS(RT_NR_preadv, (uint64_t)fd, SCRATCH + 0x600, 1, 0), 11);
    char got[12] = {0};
    cr_assert_eq(mmu_read(P.mm, SCRATCH + 0x1000, got, 11), 0);
    cr_assert_str_eq(got, "hello world");
    close((int)fd);
}

/* Linux copies up to the first inaccessible page and returns a short count. */
Test(syscall, read_and_write_stop_at_the_end_of_the_mapping) {
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    uint64_t tail = SCRATCH + SCRATCH_LEN - 4;
    cr_assert_eq(mmu_write(P.mm, tail, "wxyz", 4), 0);
    cr_assert_eq(SYS(RT_NR_write, (uint64_t)fds[1], tail, 100), 4);
    cr_assert_eq(write(fds[1], "0123456789", 10), 10);
    cr_assert_eq(SYS(RT_NR_read, (uint64_t)fds[0], tail, 100), 4);
    char got[5] = {0};
    cr_assert_eq(mmu_read(P.mm, tail, got, 4), 0);
    cr_assert_str_eq(got, "wxyz");
    close(fds[0]);
    close(fds[1]);
}

Test(syscall, pipe2_and_dup3) {
    cr_assert_eq(SYS(RT_NR_pipe2, SCRATCH, G_O_CLOEXEC), 0);
    int32_t fds[2];
    cr_assert_eq(mmu_read(P.mm, SCRATCH, fds, 8), 0);
    cr_assert_eq(fcntl(fds[0], F_GETFD), FD_CLOEXEC);
    cr_assert_eq(SYS(RT_NR_write, (uint64_t)fds[1], gstr(0x100, "xy"), 2), 2);
    cr_assert_eq(SYS(RT_NR_ioctl, (uint64_t)fds[0], 0x541b /* FIONREAD */, SCRATCH + 0x200), 0);
    cr_assert_eq(rd32(SCRATCH + 0x200), 2);
    cr_assert_eq(SYS(RT_NR_ioctl, (uint64_t)fds[0], 0x5401 /* TCGETS */, SCRATCH + 0x200), -ENOTTY);
    cr_assert_eq(SYS(RT_NR_ioctl, (uint64_t)fds[0], 0x12345678, 0), -ENOTTY);
    long d = SYS(RT_NR_dup3, (uint64_t)fds[0], 100, G_O_CLOEXEC);
    cr_assert_eq(d, 100);
    cr_assert_eq(SYS(RT_NR_dup3, (uint64_t)fds[0], 101, 1), -EINVAL);
    cr_assert_eq(SYS(RT_NR_pipe2, BAD, 0), -EFAULT);
    close(fds[0]);
    close(fds[1]);
    close(100);
}

Test(syscall, getdents64_lists_directory) {
    char path[128];
    host_path(path, "entry_one");
    close(open(path, O_CREAT | O_WRONLY, 0600));
    long fd = SYS(RT_NR_openat, AT_FDCWD_G, gstr(0, tmpdir), G_O_DIRECTORY);
    cr_assert_geq(fd, 0);
    long n = SYS(RT_NR_getdents64, (uint64_t)fd, SCRATCH + 0x1000, 4096);
    cr_assert_gt(n, 0);
    bool found = false;
    for (long off = 0; off < n;) {
        uint16_t reclen;
        char name[64];
        cr_assert_eq(mmu_read(P.mm, SCRATCH + 0x1000 + off + 16, &reclen, 2), 0);
        cr_assert_geq(mmu_read_str(P.mm, SCRATCH + 0x1000 + off + 19, name, sizeof name), 0);
        found |= strcmp(name, "entry_one") == 0;
        off += reclen;
    }
    cr_assert(found);
    close((int)fd);
}

Test(syscall, readlinkat_proc_self_exe_names_guest) {
    uint64_t buf = SCRATCH + 0x1000;
    long n = SYS(RT_NR_readlinkat, AT_FDCWD_G, gstr(0, "/proc/self/exe"), buf, 256);
    cr_assert_eq(n, (long)strlen(P.exe_abspath));
    char got[64] = {0};
    cr_assert_eq(mmu_read(P.mm, buf, got, (size_t)n), 0);
    cr_assert_str_eq(got, "/guest/bin/prog");
    /* truncated to the buffer, no NUL */
    cr_assert_eq(SYS(RT_NR_readlinkat, AT_FDCWD_G, gstr(0, "/proc/self/exe"), buf, 3), 3);
    cr_assert_eq(SYS(RT_NR_readlinkat, AT_FDCWD_G, gstr(0, "/proc/self/exe"), buf, 0), -EINVAL);
}

Test(syscall, sysroot_paths_are_preferred) {
    char path[128];
    host_path(path, "etc");
    cr_assert_eq(mkdir(path, 0700), 0);
    host_path(path, "etc/only_in_root");
    close(open(path, O_CREAT | O_WRONLY, 0600));
    P.sysroot = tmpdir;
    long fd = SYS(RT_NR_openat, AT_FDCWD_G, gstr(0, "/etc/only_in_root"), 0);
    cr_assert_geq(fd, 0);
    close((int)fd);
    /* a path missing from the sysroot falls back to the host */
    fd = SYS(RT_NR_openat, AT_FDCWD_G, gstr(0, "/proc/self/status"), 0);
    cr_assert_geq(fd, 0);
    close((int)fd);
    cr_assert_eq(SYS(RT_NR_faccessat, AT_FDCWD_G, gstr(0, "/etc/only_in_root"), 0), 0);
}

Test(syscall, path_calls) {
    char path[128], path2[128];
    host_path(path, "d");
    host_path(path2, "d2");
    cr_assert_eq(SYS(RT_NR_mkdirat, AT_FDCWD_G, gstr(0, path), 0755), 0);
    cr_assert_eq(SYS(RT_NR_renameat2, AT_FDCWD_G, gstr(0, path), AT_FDCWD_G, gstr(0x200, path2), 0),
                 0);
    cr_assert_eq(SYS(RT_NR_unlinkat, AT_FDCWD_G, gstr(0, path2), 0x200 /* AT_REMOVEDIR */), 0);
    cr_assert_eq(SYS(RT_NR_unlinkat, AT_FDCWD_G, gstr(0, path2), 0x200), -ENOENT);
    cr_assert_eq(SYS(RT_NR_symlinkat, gstr(0, "target"), AT_FDCWD_G, gstr(0x200, path)), 0);
    cr_assert_eq(SYS(RT_NR_readlinkat, AT_FDCWD_G, gstr(0x200, path), SCRATCH + 0x1000, 64), 6);
    long n = SYS(RT_NR_getcwd, SCRATCH + 0x1000, 4096);
    char cwd[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    cr_assert_eq(n, (long)strlen(cwd) + 1);
    cr_assert_eq(SYS(RT_NR_getcwd, SCRATCH + 0x1000, 1), -ERANGE);
}

Test(syscall, epoll_converts_padded_events) {
    long ep = SYS(RT_NR_epoll_create1, G_O_CLOEXEC);
    cr_assert_geq(ep, 0);
    long efd = SYS(RT_NR_eventfd2, 1, 0);
    cr_assert_geq(efd, 0);
    /* guest struct epoll_event: u32 events, 4 bytes padding, u64 data */
    uint64_t ev[2] = {1 /* EPOLLIN */, 0x1122334455667788ull};
    cr_assert_eq(mmu_write(P.mm, SCRATCH, ev, sizeof ev), 0);
    cr_assert_eq(SYS(RT_NR_epoll_ctl, (uint64_t)ep, 1 /* ADD */, (uint64_t)efd, SCRATCH), 0);
    cr_assert_eq(SYS(RT_NR_epoll_pwait, (uint64_t)ep, SCRATCH + 0x100, 4, 0, 0, 8), 1);
    cr_assert_eq(rd32(SCRATCH + 0x100), 1);
    cr_assert_eq(rd64(SCRATCH + 0x108), 0x1122334455667788ull);
    cr_assert_eq(SYS(RT_NR_epoll_pwait, (uint64_t)ep, SCRATCH + 0x100, 0, 0, 0, 8), -EINVAL);
    cr_assert_eq(SYS(RT_NR_epoll_pwait, (uint64_t)ep, BAD, 4, 0, 0, 8), -EFAULT);
    close((int)ep);
    close((int)efd);
}

/* ---- memory ---- */

Test(syscall, brk_grows_and_shrinks) {
    cr_assert_eq(SYS(RT_NR_brk, 0), (long)BRK_START);
    cr_assert_eq(SYS(RT_NR_brk, BRK_START + 10000), (long)(BRK_START + 10000));
    cr_assert_eq(mmu_page_prot(P.mm, BRK_START), MMU_R | MMU_W);
    cr_assert_eq(mmu_page_prot(P.mm, BRK_START + 2 * PG), MMU_R | MMU_W);
    cr_assert_eq(mmu_page_prot(P.mm, BRK_START + 3 * PG), -1);
    uint8_t zero[16] = {0}, got[16];
    cr_assert_eq(mmu_read(P.mm, BRK_START + 9000, got, 16), 0);
    cr_assert_arr_eq(got, zero, 16);
    cr_assert_eq(mmu_write(P.mm, BRK_START + 9000, "x", 1), 0);
    /* shrink */
    cr_assert_eq(SYS(RT_NR_brk, BRK_START + 100), (long)(BRK_START + 100));
    cr_assert_eq(mmu_page_prot(P.mm, BRK_START), MMU_R | MMU_W);
    cr_assert_eq(mmu_page_prot(P.mm, BRK_START + PG), -1);
    /* below the start: unchanged */
    cr_assert_eq(SYS(RT_NR_brk, BRK_START - PG), (long)(BRK_START + 100));
    /* never over another mapping */
    cr_assert_eq(mmu_map(P.mm, BRK_START + 8 * PG, PG, MMU_R), 0);
    cr_assert_eq(SYS(RT_NR_brk, BRK_START + 9 * PG), (long)(BRK_START + 100));
    cr_assert_eq(mmu_page_prot(P.mm, BRK_START + 8 * PG), MMU_R);
    cr_assert_eq(SYS(RT_NR_brk, BRK_START + 6 * PG), (long)(BRK_START + 6 * PG));
}

enum {
    G_MAP_SHARED = 1,
    G_MAP_PRIVATE = 2,
    G_MAP_FIXED = 0x10,
    G_MAP_ANON = 0x20,
    G_MAP_NOREPLACE = 0x100000
};

Test(syscall, mmap_munmap_mprotect) {
    long a = SYS(RT_NR_mmap, 0, 3 * PG, MMU_R | MMU_W, G_MAP_PRIVATE | G_MAP_ANON, (uint64_t)-1, 0);
    cr_assert_gt(a, 0);
    cr_assert_eq(a & (long)MMU_PAGE_MASK, 0);
    cr_assert_leq((uint64_t)a + 3 * PG, MMAP_TOP);
    cr_assert_eq(mmu_page_prot(P.mm, (uint64_t)a), MMU_R | MMU_W);
    cr_assert_eq(mmu_page_prot(P.mm, (uint64_t)a + 2 * PG), MMU_R | MMU_W);

    cr_assert_eq(SYS(RT_NR_mprotect, (uint64_t)a + PG, PG, MMU_R), 0);
    cr_assert_eq(mmu_page_prot(P.mm, (uint64_t)a + PG), MMU_R);
    cr_assert_eq(mmu_page_prot(P.mm, (uint64_t)a), MMU_R | MMU_W);
    cr_assert_eq(SYS(RT_NR_mprotect, (uint64_t)a + 1, PG, MMU_R), -EINVAL);
    cr_assert_eq(SYS(RT_NR_mprotect, BAD, PG, MMU_R), -ENOMEM);

    cr_assert_eq(SYS(RT_NR_munmap, (uint64_t)a, 3 * PG), 0);
    cr_assert_eq(mmu_page_prot(P.mm, (uint64_t)a), -1);
    cr_assert_eq(SYS(RT_NR_munmap, (uint64_t)a + 1, PG), -EINVAL);
    cr_assert_eq(SYS(RT_NR_munmap, (uint64_t)a, 0), -EINVAL);

    /* a free hint is taken */
    long h = SYS(RT_NR_mmap, 0x40000000, PG, MMU_R, G_MAP_PRIVATE | G_MAP_ANON, (uint64_t)-1, 0);
    cr_assert_eq(h, 0x40000000);
    /* a taken hint is not */
    long h2 = SYS(RT_NR_mmap, 0x40000000, PG, MMU_R, G_MAP_PRIVATE | G_MAP_ANON, (uint64_t)-1, 0);
    cr_assert_neq(h2, 0x40000000);
    cr_assert_gt(h2, 0);
    /* FIXED replaces, FIXED_NOREPLACE refuses */
    cr_assert_eq(SYS(RT_NR_mmap, 0x40000000, PG, MMU_R | MMU_W | MMU_X,
                     G_MAP_PRIVATE | G_MAP_ANON | G_MAP_FIXED, (uint64_t)-1, 0),
                 0x40000000);
    cr_assert_eq(mmu_page_prot(P.mm, 0x40000000), MMU_R | MMU_W | MMU_X);
    cr_assert_eq(SYS(RT_NR_mmap, 0x40000000, PG, MMU_R,
                     G_MAP_PRIVATE | G_MAP_ANON | G_MAP_NOREPLACE, (uint64_t)-1, 0),
                 -EEXIST);
    cr_assert_eq(SYS(RT_NR_mmap, 0x40001000, PG, MMU_R,
                     G_MAP_PRIVATE | G_MAP_ANON | G_MAP_NOREPLACE, (uint64_t)-1, 0),
                 0x40001000);
    /* errors */
    cr_assert_eq(SYS(RT_NR_mmap, 0, 0, MMU_R, G_MAP_PRIVATE | G_MAP_ANON, (uint64_t)-1, 0),
                 -EINVAL);
    cr_assert_eq(SYS(RT_NR_mmap, 0, PG, MMU_R, G_MAP_ANON, (uint64_t)-1, 0), -EINVAL);
    cr_assert_eq(SYS(RT_NR_mmap, 0x40000001, PG, MMU_R, G_MAP_PRIVATE | G_MAP_ANON | G_MAP_FIXED,
                     (uint64_t)-1, 0),
                 -EINVAL);
    cr_assert_eq(SYS(RT_NR_mmap, 0, 1ull << 40, MMU_R, G_MAP_PRIVATE | G_MAP_ANON, (uint64_t)-1, 0),
                 -ENOMEM);
    cr_assert_eq(SYS(RT_NR_mmap, 0, PG, MMU_R, G_MAP_PRIVATE, 999, 0), -EBADF);
}

Test(syscall, mmap_file_returns_content) {
    char path[128];
    host_path(path, "data");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    for (int i = 0; i < 5000; i++)
        fputc('a' + i % 26, f);
    fclose(f);
    long fd = SYS(RT_NR_openat, AT_FDCWD_G, gstr(0, path), 0);
    cr_assert_geq(fd, 0);
    long a = SYS(RT_NR_mmap, 0, 5000, MMU_R, G_MAP_PRIVATE, (uint64_t)fd, 0);
    cr_assert_gt(a, 0);
    char got[8] = {0};
    cr_assert_eq(mmu_read(P.mm, (uint64_t)a + 4096, got, 4), 0);
    cr_assert_str_eq(got, "opqr"); /* byte 4096 is 'a' + 4096 % 26 */
    long b = SYS(RT_NR_mmap, 0, PG, MMU_R, G_MAP_PRIVATE, (uint64_t)fd, PG);
    cr_assert_gt(b, 0);
    cr_assert_eq(mmu_read(P.mm, (uint64_t)b, got, 4), 0);
    cr_assert_str_eq(got, "opqr");
    /* offset not page-aligned; shared writable on a read-only fd */
    cr_assert_eq(SYS(RT_NR_mmap, 0, PG, MMU_R, G_MAP_PRIVATE, (uint64_t)fd, 1), -EINVAL);
    cr_assert_eq(SYS(RT_NR_mmap, 0, PG, MMU_R | MMU_W, G_MAP_SHARED, (uint64_t)fd, 0), -EACCES);
    close((int)fd);
}

Test(syscall, madvise_dontneed_zeroes_anonymous_memory) {
    long a = SYS(RT_NR_mmap, 0, 2 * PG, MMU_R | MMU_W, G_MAP_PRIVATE | G_MAP_ANON, (uint64_t)-1, 0);
    cr_assert_gt(a, 0);
    cr_assert_eq(mmu_write(P.mm, (uint64_t)a + 10, "junk", 4), 0);
    cr_assert_eq(SYS(RT_NR_madvise, (uint64_t)a, 2 * PG, 4), 0);
    char got[4];
    cr_assert_eq(mmu_read(P.mm, (uint64_t)a + 10, got, 4), 0);
    cr_assert_arr_eq(got, ((char[4]){0}), 4);
    cr_assert_eq(mmu_page_prot(P.mm, (uint64_t)a), MMU_R | MMU_W);
    cr_assert_eq(SYS(RT_NR_madvise, (uint64_t)a, PG, 3 /* WILLNEED */), 0);
    cr_assert_eq(SYS(RT_NR_madvise, (uint64_t)a, PG, 999), -EINVAL);
}

Test(syscall, mremap_grows_in_place_or_moves) {
    enum { MAYMOVE = 1 };
    long a = SYS(RT_NR_mmap, 0, 2 * PG, MMU_R | MMU_W, G_MAP_PRIVATE | G_MAP_ANON, (uint64_t)-1, 0);
    cr_assert_gt(a, 0);
    cr_assert_eq(mmu_write(P.mm, (uint64_t)a + PG + 8, "keep", 4), 0);
    /* block the page above so that growing has to move */
    cr_assert_eq(mmu_map(P.mm, (uint64_t)a + 2 * PG, PG, MMU_R), 0);
    cr_assert_eq(SYS(RT_NR_mremap, (uint64_t)a, 2 * PG, 4 * PG, 0), -ENOMEM);
    long b = SYS(RT_NR_mremap, (uint64_t)a, 2 * PG, 4 * PG, MAYMOVE);
    cr_assert_gt(b, 0);
    cr_assert_neq(b, a);
    char got[5] = {0};
    cr_assert_eq(mmu_read(P.mm, (uint64_t)b + PG + 8, got, 4), 0);
    cr_assert_str_eq(got, "keep");
    cr_assert_eq(mmu_page_prot(P.mm, (uint64_t)b + 3 * PG), MMU_R | MMU_W);
    cr_assert_eq(mmu_page_prot(P.mm, (uint64_t)a), -1);
    /* shrink in place */
    cr_assert_eq(SYS(RT_NR_mremap, (uint64_t)b, 4 * PG, PG, 0), b);
    cr_assert_eq(mmu_page_prot(P.mm, (uint64_t)b + PG), -1);
    /* grow in place into the freed pages */
    cr_assert_eq(SYS(RT_NR_mremap, (uint64_t)b, PG, 3 * PG, 0), b);
    cr_assert_eq(mmu_page_prot(P.mm, (uint64_t)b + 2 * PG), MMU_R | MMU_W);
    cr_assert_eq(SYS(RT_NR_mremap, BAD, PG, 2 * PG, MAYMOVE), -EFAULT);
}

/* ---- info ---- */

Test(syscall, getrandom_fills) {
    uint8_t x[64], y[64], zero[64] = {0};
    cr_assert_eq(SYS(RT_NR_getrandom, SCRATCH, 64, 0), 64);
    cr_assert_eq(SYS(RT_NR_getrandom, SCRATCH + 64, 64, 0), 64);
    cr_assert_eq(mmu_read(P.mm, SCRATCH, x, 64), 0);
    cr_assert_eq(mmu_read(P.mm, SCRATCH + 64, y, 64), 0);
    cr_assert(memcmp(x, zero, 64) != 0);
    cr_assert(memcmp(x, y, 64) != 0);
    cr_assert_eq(SYS(RT_NR_getrandom, SCRATCH, 8, 0x100), -EINVAL);
}

Test(syscall, uname_reports_riscv64) {
    cr_assert_eq(SYS(RT_NR_uname, SCRATCH), 0);
    char machine[65];
    cr_assert_eq(mmu_read(P.mm, SCRATCH + 4 * 65, machine, 65), 0);
    cr_assert_str_eq(machine, "riscv64");
    char sysname[65];
    cr_assert_eq(mmu_read(P.mm, SCRATCH, sysname, 65), 0);
    cr_assert_str_eq(sysname, "Linux");
}

Test(syscall, clock_and_ids) {
    cr_assert_eq(SYS(RT_NR_clock_gettime, 1 /* MONOTONIC */, SCRATCH), 0);
    cr_assert_eq(SYS(RT_NR_clock_gettime, 9999, SCRATCH), -EINVAL);
    cr_assert_eq(SYS(RT_NR_gettimeofday, SCRATCH, 0), 0);
    cr_assert_gt((int64_t)rd64(SCRATCH), 1500000000);
    cr_assert_eq(SYS(RT_NR_getpid, 0), getpid());
    cr_assert_eq(SYS(RT_NR_getuid, 0), getuid());
    cr_assert_eq(SYS(RT_NR_set_tid_address, SCRATCH), gettid());
    cr_assert_eq(SYS(RT_NR_set_robust_list, SCRATCH, 24), 0);
    cr_assert_eq(SYS(RT_NR_set_robust_list, SCRATCH, 23), -EINVAL);
    cr_assert_eq(SYS(RT_NR_rseq, SCRATCH, 32, 0, 0), -ENOSYS);
    cr_assert_eq(SYS(RT_NR_prlimit64, 0, 7 /* NOFILE */, 0, SCRATCH), 0);
    cr_assert_gt(rd64(SCRATCH), 0);
    cr_assert_eq(SYS(RT_NR_prctl, 15 /* PR_SET_NAME */, gstr(0x100, "a_very_long_thread_name")), 0);
    cr_assert_eq(SYS(RT_NR_prctl, 16 /* PR_GET_NAME */, SCRATCH + 0x200), 0);
    char name[16];
    cr_assert_eq(mmu_read(P.mm, SCRATCH + 0x200, name, 16), 0);
    cr_assert_str_eq(name, "a_very_long_thr");
}

Test(syscall, rt_sigaction_records_riscv64_layout) {
    uint64_t act[3] = {0x12340, 0x4 /* SA_SIGINFO */, 0x5};
    cr_assert_eq(mmu_write(P.mm, SCRATCH, act, sizeof act), 0);
    cr_assert_eq(SYS(RT_NR_rt_sigaction, 10 /* SIGUSR1 */, SCRATCH, 0, 8), 0);
    cr_assert_eq(SYS(RT_NR_rt_sigaction, 10, 0, SCRATCH + 0x100, 8), 0);
    uint64_t old[3];
    cr_assert_eq(mmu_read(P.mm, SCRATCH + 0x100, old, sizeof old), 0);
    cr_assert_arr_eq(old, act, sizeof act);
    cr_assert_eq(SYS(RT_NR_rt_sigaction, 9 /* SIGKILL */, SCRATCH, 0, 8), -EINVAL);
    cr_assert_eq(SYS(RT_NR_rt_sigaction, 65, 0, SCRATCH + 0x100, 8), -EINVAL);
    cr_assert_eq(SYS(RT_NR_rt_sigaction, 10, SCRATCH, 0, 16), -EINVAL);
    cr_assert_eq(SYS(RT_NR_rt_sigaction, 10, BAD, 0, 8), -EFAULT);
    /* procmask */
    uint64_t set = 1ull << 9 | 1ull << 8; /* SIGUSR1 and SIGKILL */
    cr_assert_eq(mmu_write(P.mm, SCRATCH + 0x200, &set, 8), 0);
    cr_assert_eq(SYS(RT_NR_rt_sigprocmask, 0, SCRATCH + 0x200, 0, 8), 0);
    cr_assert_eq(SYS(RT_NR_rt_sigprocmask, 0, 0, SCRATCH + 0x300, 8), 0);
    cr_assert_eq(rd64(SCRATCH + 0x300), 1ull << 9); /* SIGKILL cannot be blocked */
    /* kill to self with signal 0 and with an ignored-by-default signal */
    cr_assert_eq(SYS(RT_NR_kill, (uint64_t)getpid(), 0), 0);
    cr_assert_eq(SYS(RT_NR_tgkill, (uint64_t)getpid(), (uint64_t)gettid(), 28 /* SIGWINCH */), 0);
}

Test(syscall, kill_self_with_default_action_dies_by_signal, .signal = SIGTERM) {
    SYS(RT_NR_kill, (uint64_t)getpid(), 15);
}

/* glibc may block signals around raise(): the signal waits until unblocked. */
Test(syscall, blocked_self_signal_is_pending_until_unblocked, .signal = SIGTERM) {
    uint64_t set = 1ull << (15 - 1);
    cr_assert_eq(mmu_write(P.mm, SCRATCH, &set, 8), 0);
    cr_assert_eq(SYS(RT_NR_rt_sigprocmask, 0 /* BLOCK */, SCRATCH, 0, 8), 0);
    cr_assert_eq(SYS(RT_NR_tgkill, (uint64_t)getpid(), (uint64_t)gettid(), 15), 0);
    cr_assert_eq(SYS(RT_NR_rt_sigpending, SCRATCH + 8, 8), 0);
    cr_assert_eq(rd64(SCRATCH + 8), set);
    SYS(RT_NR_rt_sigprocmask, 1 /* UNBLOCK */, SCRATCH, 0, 8);
    cr_assert_fail("still alive after unblocking a pending SIGTERM");
}

Test(syscall, futex_single_thread) {
    uint32_t v = 7;
    cr_assert_eq(mmu_write(P.mm, SCRATCH, &v, 4), 0);
    cr_assert_eq(SYS(RT_NR_futex, SCRATCH, 128 /* WAIT|PRIVATE */, 3, 0), -EAGAIN);
    cr_assert_eq(SYS(RT_NR_futex, SCRATCH, 129 /* WAKE|PRIVATE */, 1), 0);
    cr_assert_eq(SYS(RT_NR_futex, SCRATCH + 1, 1, 1), -EINVAL);
    cr_assert_eq(SYS(RT_NR_futex, BAD, 0, 1, 0), -EFAULT);
    int64_t ts[2] = {0, 1000};
    cr_assert_eq(mmu_write(P.mm, SCRATCH + 0x10, ts, sizeof ts), 0);
    cr_assert_eq(SYS(RT_NR_futex, SCRATCH, 128, 7, SCRATCH + 0x10), -ETIMEDOUT);
    /* WAKE_OP: ADD 5 to the second word */
    uint32_t w2 = 10;
    cr_assert_eq(mmu_write(P.mm, SCRATCH + 0x20, &w2, 4), 0);
    uint32_t op = (1u << 28) | (5u << 12);
    cr_assert_eq(sys6(RT_NR_futex, SCRATCH, 5, 1, 1, SCRATCH + 0x20, op), 0);
    cr_assert_eq(rd32(SCRATCH + 0x20), 15);
}

Test(syscall, riscv_hwprobe) {
    int64_t pairs[8] = {3, 0, 4, 0, 0, 0, 12345, 0};
    cr_assert_eq(mmu_write(P.mm, SCRATCH, pairs, sizeof pairs), 0);
    cr_assert_eq(SYS(RT_NR_riscv_hwprobe, SCRATCH, 4, 0, 0, 0), 0);
    int64_t got[8];
    cr_assert_eq(mmu_read(P.mm, SCRATCH, got, sizeof got), 0);
    cr_assert_eq(got[1], 1);                   /* BASE_BEHAVIOR_IMA */
    cr_assert_eq(got[3], 1 | 2 | 8 | 16 | 32); /* FD C ZBA ZBB ZBS */
    cr_assert_eq(got[4], 0);                   /* MVENDORID */
    cr_assert_eq(got[6], -1);                  /* unknown key */
    cr_assert_eq(SYS(RT_NR_riscv_hwprobe, SCRATCH, 1, 0, 0, 7), -EINVAL);
}

/* ---- errors ---- */

Test(syscall, unknown_syscall_is_enosys) {
    cr_assert_eq(SYS(999, 0), -ENOSYS);
    cr_assert_eq(SYS(RT_NR_LIMIT + 5, 0), -ENOSYS);
    cr_assert_eq(SYS((uint64_t)-1, 0), -ENOSYS);
    cr_assert_eq(SYS(RT_NR_io_setup, 0), -ENOSYS);
    cr_assert(cont);
}

Test(syscall, bad_pointers_are_efault) {
    cr_assert_eq(SYS(RT_NR_write, 1, BAD, 10), -EFAULT);
    cr_assert_eq(SYS(RT_NR_read, 0, BAD, 10), -EFAULT);
    cr_assert_eq(SYS(RT_NR_openat, AT_FDCWD_G, BAD, 0), -EFAULT);
    cr_assert_eq(SYS(RT_NR_newfstatat, AT_FDCWD_G, gstr(0, "/"), BAD, 0), -EFAULT);
    cr_assert_eq(SYS(RT_NR_fstat, 0, BAD), -EFAULT);
    cr_assert_eq(SYS(RT_NR_uname, 0), -EFAULT);
    cr_assert_eq(SYS(RT_NR_clock_gettime, 0, BAD), -EFAULT);
    cr_assert_eq(SYS(RT_NR_getrandom, BAD, 16, 0), -EFAULT);
    cr_assert_eq(SYS(RT_NR_getcwd, BAD, 4096), -EFAULT);
    cr_assert_eq(SYS(RT_NR_getdents64, 0, BAD, 4096), -EFAULT);
    cr_assert_eq(SYS(RT_NR_readlinkat, AT_FDCWD_G, gstr(0, "/proc/self/exe"), BAD, 64), -EFAULT);
    /* a buffer that starts unmapped */
    cr_assert_eq(SYS(RT_NR_read, 0, SCRATCH + SCRATCH_LEN, 8), -EFAULT);
    /* the last byte of the address space and beyond */
    cr_assert_eq(SYS(RT_NR_write, 1, (1ull << 38) - 1, 2), -EFAULT);
    cr_assert_eq(SYS(RT_NR_write, 1, (uint64_t)-8, 16), -EFAULT);
    /* a read-only page cannot receive data */
    cr_assert_eq(mmu_protect(P.mm, SCRATCH, PG, MMU_R), 0);
    cr_assert_eq(SYS(RT_NR_clock_gettime, 0, SCRATCH), -EFAULT);
}

Test(syscall, exit_group_stops_with_status) {
    SYS(RT_NR_exit_group, 0x1234);
    cr_assert_not(cont);
    cr_assert(P.exited);
    cr_assert_eq(P.exit_status, 0x34);
}

Test(syscall, strace_line_format) {
    char logpath[128];
    host_path(logpath, "log");
    FILE *f = fopen(logpath, "w");
    cr_assert_not_null(f);
    FILE *saved = rt_log_file;
    rt_log_file = f;
    rt_log_mask |= RT_LOG_STRACE | RT_LOG_UNIMP;
    SYS(RT_NR_openat, AT_FDCWD_G, gstr(0, "/nonexistent"), G_O_CLOEXEC);
    SYS(RT_NR_write, 1, gstr(0x100, ""), 0);
    SYS(999, 1);
    rt_log_mask = 0;
    rt_log_file = saved;
    fclose(f);
    f = fopen(logpath, "r");
    char text[2048] = {0};
    cr_assert_gt(fread(text, 1, sizeof text - 1, f), 0);
    fclose(f);
    cr_assert(strstr(text, "openat(AT_FDCWD, \"/nonexistent\", O_RDONLY|O_CLOEXEC) = -1 ENOENT "
                           "(No such file or directory)\n"),
              "got: %s", text);
    cr_assert(strstr(text, "write(1, \"\", 0) = 0\n"), "got: %s", text);
    cr_assert(strstr(text, "unimp: syscall ?(999) not implemented\n"), "got: %s", text);
    cr_assert(strstr(text, "syscall_999(0x1, 0, 0, 0, 0, 0) = -1 ENOSYS"), "got: %s", text);
}
