/*
 * syscall_stat.c — fstat, newfstatat, statx, statfs, fstatfs.
 *
 * The guest's struct stat is the asm-generic one (128 bytes), which orders
 * and sizes its fields differently from x86-64's, so it is filled field by
 * field.  struct statx is architecture-independent and is copied whole.
 * struct statfs has the same 64-bit layout on both, converted explicitly
 * all the same so that a later guest with a different one only changes
 * this file.
 */
#include "runtime/linux/syscall_priv.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* asm-generic struct stat for 64-bit guests (riscv64, aarch64). */
typedef struct guest_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint64_t pad1;
    int64_t st_size;
    int32_t st_blksize;
    int32_t pad2;
    int64_t st_blocks;
    int64_t st_atime_sec;
    uint64_t st_atime_nsec;
    int64_t st_mtime_sec;
    uint64_t st_mtime_nsec;
    int64_t st_ctime_sec;
    uint64_t st_ctime_nsec;
    uint32_t unused4;
    uint32_t unused5;
} guest_stat;
_Static_assert(sizeof(guest_stat) == 128, "asm-generic struct stat is 128 bytes");

/* asm-generic struct statfs for 64-bit guests (__statfs_word = long). */
typedef struct guest_statfs {
    int64_t f_type;
    int64_t f_bsize;
    uint64_t f_blocks;
    uint64_t f_bfree;
    uint64_t f_bavail;
    uint64_t f_files;
    uint64_t f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen;
    int64_t f_frsize;
    int64_t f_flags;
    int64_t f_spare[4];
} guest_statfs;
_Static_assert(sizeof(guest_statfs) == 120, "asm-generic struct statfs is 120 bytes");

static int store_stat(rt_proc *p, uint64_t addr, const struct stat *h) {
    guest_stat g;
    memset(&g, 0, sizeof g);
    g.st_dev = h->st_dev; /* the kernel's new_encode_dev on both sides */
    g.st_ino = h->st_ino;
    g.st_mode = h->st_mode;
    g.st_nlink = (uint32_t)h->st_nlink;
    g.st_uid = h->st_uid;
    g.st_gid = h->st_gid;
    g.st_rdev = h->st_rdev;
    g.st_size = h->st_size;
    g.st_blksize = (int32_t)h->st_blksize;
    g.st_blocks = h->st_blocks;
    g.st_atime_sec = h->st_atim.tv_sec;
    g.st_atime_nsec = (uint64_t)h->st_atim.tv_nsec;
    g.st_mtime_sec = h->st_mtim.tv_sec;
    g.st_mtime_nsec = (uint64_t)h->st_mtim.tv_nsec;
    g.st_ctime_sec = h->st_ctim.tv_sec;
    g.st_ctime_nsec = (uint64_t)h->st_ctim.tv_nsec;
    return mmu_write(p->mm, addr, &g, sizeof g);
}

long rt_sys_fstat(rt_proc *p, const uint64_t *a) {
    if (!mmu_check(p->mm, a[1], sizeof(guest_stat), MMU_W))
        return -EFAULT;
    struct stat st;
    if (fstat(rt_sys_int(a[0]), &st) < 0)
        return -errno;
    return store_stat(p, a[1], &st) ? -EFAULT : 0;
}

/* Reads the path argument of the *at stat calls: NULL is accepted as ""
 * with AT_EMPTY_PATH (Linux 6.11). */
static int stat_path(rt_proc *p, uint64_t addr, int flags, char *out) {
    if (addr == 0 && (flags & AT_EMPTY_PATH)) {
        out[0] = 0;
        return 0;
    }
    int r = rt_sys_path(p, addr, out);
    if (r == 0 && (flags & AT_SYMLINK_NOFOLLOW)) {
        /* lstat of /proc/self/exe sees the link itself, as on Linux (its
         * target, read by readlink, is the guest program). */
        char g[PATH_MAX];
        if (mmu_read_str(p->mm, addr, g, sizeof g) >= 0 && rt_sys_is_proc_exe(g))
            strcpy(out, g);
    }
    return r;
}

long rt_sys_newfstatat(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int flags = rt_sys_int(a[3]);
    int r = stat_path(p, a[1], flags, path);
    if (r)
        return r;
    if (!mmu_check(p->mm, a[2], sizeof(guest_stat), MMU_W))
        return -EFAULT;
    struct stat st;
    if (fstatat(rt_sys_int(a[0]), path, &st, flags) < 0)
        return -errno;
    return store_stat(p, a[2], &st) ? -EFAULT : 0;
}

/* statx(dirfd, path, flags, mask, buf): struct statx (256 bytes) is the same
 * everywhere. */
long rt_sys_statx(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int flags = rt_sys_int(a[2]);
    int r = stat_path(p, a[1], flags, path);
    if (r)
        return r;
    uint8_t buf[256];
    if (!mmu_check(p->mm, a[4], sizeof buf, MMU_W))
        return -EFAULT;
    if (syscall(SYS_statx, rt_sys_int(a[0]), path, flags, (unsigned)a[3], buf) < 0)
        return -errno;
    return mmu_write(p->mm, a[4], buf, sizeof buf) ? -EFAULT : 0;
}

static int store_statfs(rt_proc *p, uint64_t addr, const struct statfs *h) {
    guest_statfs g;
    memset(&g, 0, sizeof g);
    g.f_type = h->f_type;
    g.f_bsize = h->f_bsize;
    g.f_blocks = h->f_blocks;
    g.f_bfree = h->f_bfree;
    g.f_bavail = h->f_bavail;
    g.f_files = h->f_files;
    g.f_ffree = h->f_ffree;
    memcpy(g.f_fsid, &h->f_fsid, sizeof g.f_fsid);
    g.f_namelen = h->f_namelen;
    g.f_frsize = h->f_frsize;
    g.f_flags = h->f_flags;
    return mmu_write(p->mm, addr, &g, sizeof g);
}

long rt_sys_statfs(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[0], path);
    if (r)
        return r;
    if (!mmu_check(p->mm, a[1], sizeof(guest_statfs), MMU_W))
        return -EFAULT;
    struct statfs st;
    if (statfs(path, &st) < 0)
        return -errno;
    return store_statfs(p, a[1], &st) ? -EFAULT : 0;
}

long rt_sys_fstatfs(rt_proc *p, const uint64_t *a) {
    if (!mmu_check(p->mm, a[1], sizeof(guest_statfs), MMU_W))
        return -EFAULT;
    struct statfs st;
    if (fstatfs(rt_sys_int(a[0]), &st) < 0)
        return -errno;
    return store_statfs(p, a[1], &st) ? -EFAULT : 0;
}
