/*
 * syscall_path.c — guest paths and the syscalls that act on names:
 * access, mkdir, unlink, rename, links, chmod/chown, utimensat, truncate,
 * the working directory, umask and extended attributes.
 *
 * Path mapping (like qemu-user's -L): an absolute guest path that exists
 * under the sysroot is taken from there, anything else from the host as
 * given; /proc/self/exe names the guest program, not liftvm.
 */
#include "runtime/linux/syscall_priv.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

bool rt_sys_is_proc_exe(const char *g) {
    if (strcmp(g, "/proc/self/exe") == 0 || strcmp(g, "/proc/thread-self/exe") == 0)
        return true;
    char own[64];
    snprintf(own, sizeof own, "/proc/%d/exe", (int)getpid());
    return strcmp(g, own) == 0;
}

/* Length of the sysroot without trailing slashes (0: no sysroot). */
static size_t sysroot_len(const rt_proc *p) {
    if (!p->sysroot)
        return 0;
    size_t n = strlen(p->sysroot);
    while (n > 0 && p->sysroot[n - 1] == '/')
        n--;
    return n;
}

/* Maps guest path g to the host path in out (RT_SYS_PATH_MAX bytes). */
static int map_path(rt_proc *p, const char *g, char *out) {
    if (p->exe_abspath && rt_sys_is_proc_exe(g)) {
        if (strlen(p->exe_abspath) >= RT_SYS_PATH_MAX)
            return -ENAMETOOLONG;
        strcpy(out, p->exe_abspath);
        return 0;
    }
    size_t rl = sysroot_len(p);
    /* "/" itself stays the host root: the guest's view of the root is the
     * host's, with the sysroot only overlaying files it has. */
    if (rl > 0 && g[0] == '/' && g[strspn(g, "/")] != 0) {
        int n = snprintf(out, RT_SYS_PATH_MAX, "%.*s%s", (int)rl, p->sysroot, g);
        if (n > 0 && n < RT_SYS_PATH_MAX &&
            faccessat(AT_FDCWD, out, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
            return 0;
    }
    strcpy(out, g); /* g fits: it came from a PATH_MAX buffer */
    return 0;
}

int rt_sys_map_path(rt_proc *p, const char *guest, char *out) {
    if (strlen(guest) >= PATH_MAX)
        return -ENAMETOOLONG;
    return map_path(p, guest, out);
}

int rt_sys_path(rt_proc *p, uint64_t addr, char *out) {
    char g[PATH_MAX];
    long n = mmu_read_str(p->mm, addr, g, sizeof g);
    if (n < 0)
        return (int)n;
    return map_path(p, g, out);
}

int rt_sys_path_opt(rt_proc *p, uint64_t addr, char *out, const char **res) {
    if (addr == 0) {
        *res = NULL;
        return 0;
    }
    *res = out;
    return rt_sys_path(p, addr, out);
}

long rt_sys_faccessat(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[1], path);
    if (r)
        return r;
    return rt_sys_ret(syscall(SYS_faccessat, rt_sys_int(a[0]), path, rt_sys_int(a[2])));
}

long rt_sys_faccessat2(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[1], path);
    if (r)
        return r;
    long h = syscall(SYS_faccessat2, rt_sys_int(a[0]), path, rt_sys_int(a[2]), rt_sys_int(a[3]));
    if (h < 0 && errno == ENOSYS && rt_sys_int(a[3]) == 0)
        h = syscall(SYS_faccessat, rt_sys_int(a[0]), path, rt_sys_int(a[2]));
    return rt_sys_ret(h);
}

long rt_sys_mkdirat(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[1], path);
    if (r)
        return r;
    return rt_sys_ret(mkdirat(rt_sys_int(a[0]), path, (mode_t)a[2]));
}

long rt_sys_mknodat(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[1], path);
    if (r)
        return r;
    /* dev_t uses the same new_encode_dev layout on both sides. */
    return rt_sys_ret(syscall(SYS_mknodat, rt_sys_int(a[0]), path, (unsigned)a[2], (unsigned)a[3]));
}

long rt_sys_unlinkat(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[1], path);
    if (r)
        return r;
    return rt_sys_ret(unlinkat(rt_sys_int(a[0]), path, rt_sys_int(a[2])));
}

static long do_renameat2(rt_proc *p, int olddir, uint64_t oldp, int newdir, uint64_t newp,
                         unsigned flags) {
    char from[RT_SYS_PATH_MAX], to[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, oldp, from);
    if (r)
        return r;
    r = rt_sys_path(p, newp, to);
    if (r)
        return r;
    return rt_sys_ret(syscall(SYS_renameat2, olddir, from, newdir, to, flags));
}

long rt_sys_renameat(rt_proc *p, const uint64_t *a) {
    return do_renameat2(p, rt_sys_int(a[0]), a[1], rt_sys_int(a[2]), a[3], 0);
}

long rt_sys_renameat2(rt_proc *p, const uint64_t *a) {
    return do_renameat2(p, rt_sys_int(a[0]), a[1], rt_sys_int(a[2]), a[3], (unsigned)a[4]);
}

/* symlinkat(target, newdirfd, linkpath): the target is link content and is
 * stored as the guest wrote it. */
long rt_sys_symlinkat(rt_proc *p, const uint64_t *a) {
    char target[PATH_MAX], path[RT_SYS_PATH_MAX];
    long n = mmu_read_str(p->mm, a[0], target, sizeof target);
    if (n < 0)
        return n;
    int r = rt_sys_path(p, a[2], path);
    if (r)
        return r;
    return rt_sys_ret(symlinkat(target, rt_sys_int(a[1]), path));
}

long rt_sys_linkat(rt_proc *p, const uint64_t *a) {
    char from[RT_SYS_PATH_MAX], to[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[1], from);
    if (r)
        return r;
    r = rt_sys_path(p, a[3], to);
    if (r)
        return r;
    return rt_sys_ret(linkat(rt_sys_int(a[0]), from, rt_sys_int(a[2]), to, rt_sys_int(a[4])));
}

long rt_sys_readlinkat(rt_proc *p, const uint64_t *a) {
    char g[PATH_MAX], path[RT_SYS_PATH_MAX];
    long n = mmu_read_str(p->mm, a[1], g, sizeof g);
    if (n < 0)
        return n;
    int bufsiz = rt_sys_int(a[3]);
    if (bufsiz <= 0)
        return -EINVAL;
    char res[PATH_MAX];
    long len;
    if (p->exe_abspath && rt_sys_is_proc_exe(g)) {
        /* A program from the sysroot is shown by its path in the guest's
         * view, as getcwd does. */
        const char *exe = p->exe_abspath;
        size_t rl = sysroot_len(p);
        if (rl > 0 && strncmp(exe, p->sysroot, rl) == 0 && exe[rl] == '/')
            exe += rl;
        len = (long)strlen(exe);
        if (len > (long)sizeof res)
            len = sizeof res;
        memcpy(res, exe, (size_t)len);
    } else {
        int r = map_path(p, g, path);
        if (r)
            return r;
        len = readlinkat(rt_sys_int(a[0]), path, res, sizeof res);
        if (len < 0)
            return -errno;
    }
    if (len > bufsiz)
        len = bufsiz;
    if (mmu_write(p->mm, a[2], res, (size_t)len))
        return -EFAULT;
    return len;
}

long rt_sys_fchmod(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(fchmod(rt_sys_int(a[0]), (mode_t)a[1]));
}

long rt_sys_fchmodat(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[1], path);
    if (r)
        return r;
    return rt_sys_ret(syscall(SYS_fchmodat, rt_sys_int(a[0]), path, (mode_t)a[2]));
}

long rt_sys_fchmodat2(rt_proc *p, const uint64_t *a) {
#ifdef SYS_fchmodat2
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[1], path);
    if (r)
        return r;
    return rt_sys_ret(
        syscall(SYS_fchmodat2, rt_sys_int(a[0]), path, (mode_t)a[2], rt_sys_int(a[3])));
#else
    (void)p;
    (void)a;
    return -ENOSYS;
#endif
}

long rt_sys_fchownat(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[1], path);
    if (r)
        return r;
    return rt_sys_ret(fchownat(rt_sys_int(a[0]), path, (uid_t)a[2], (gid_t)a[3], rt_sys_int(a[4])));
}

long rt_sys_fchown(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(fchown(rt_sys_int(a[0]), (uid_t)a[1], (gid_t)a[2]));
}

/* utimensat(dirfd, path or NULL, times[2] or NULL, flags): struct timespec
 * is two 64-bit words on both sides. */
long rt_sys_utimensat(rt_proc *p, const uint64_t *a) {
    char buf[RT_SYS_PATH_MAX];
    const char *path;
    int r = rt_sys_path_opt(p, a[1], buf, &path);
    if (r)
        return r;
    struct timespec ts[2], *tp = NULL;
    if (a[2]) {
        int64_t raw[4];
        if (mmu_read(p->mm, a[2], raw, sizeof raw))
            return -EFAULT;
        for (int i = 0; i < 2; i++) {
            ts[i].tv_sec = raw[2 * i];
            ts[i].tv_nsec = raw[2 * i + 1];
        }
        tp = ts;
    }
    return rt_sys_ret(syscall(SYS_utimensat, rt_sys_int(a[0]), path, tp, rt_sys_int(a[3])));
}

long rt_sys_truncate(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[0], path);
    if (r)
        return r;
    return rt_sys_ret(truncate(path, (off_t)a[1]));
}

/* getcwd returns the length including the NUL.  A working directory inside
 * the sysroot is shown without the prefix, matching how guest paths map. */
long rt_sys_getcwd(rt_proc *p, const uint64_t *a) {
    char cwd[PATH_MAX + 1];
    long n = syscall(SYS_getcwd, cwd, sizeof cwd);
    if (n < 0)
        return -errno;
    const char *show = cwd;
    size_t rl = sysroot_len(p);
    if (rl > 0 && strncmp(cwd, p->sysroot, rl) == 0 && cwd[rl] == '/')
        show = cwd + rl;
    n = (long)strlen(show) + 1;
    if ((uint64_t)n > a[1])
        return -ERANGE;
    if (mmu_write(p->mm, a[0], show, (size_t)n))
        return -EFAULT;
    return n;
}

long rt_sys_chdir(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[0], path);
    if (r)
        return r;
    return rt_sys_ret(chdir(path));
}

long rt_sys_fchdir(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(fchdir(rt_sys_int(a[0])));
}

long rt_sys_umask(rt_proc *p, const uint64_t *a) {
    (void)p;
    return (long)umask((mode_t)(a[0] & 0777));
}

/* ---- extended attributes ----
 *
 * Names and values are plain bytes; the path, link (l*) and fd (f*)
 * variants share one helper each for get, set, list and remove. */

#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536

enum { X_PATH, X_LINK, X_FD };

/* Reads the object (path or fd) and the attribute name. */
static int xattr_args(rt_proc *p, int how, uint64_t obj, uint64_t name_addr, char *path,
                      char *name) {
    if (how != X_FD) {
        int r = rt_sys_path(p, obj, path);
        if (r)
            return r;
    }
    if (name_addr) {
        long n = mmu_read_str(p->mm, name_addr, name, XATTR_NAME_MAX + 1);
        if (n == -ENAMETOOLONG)
            return -ERANGE;
        if (n < 0)
            return (int)n;
    }
    return 0;
}

static long do_getxattr(rt_proc *p, const uint64_t *a, int how) {
    char path[RT_SYS_PATH_MAX], name[XATTR_NAME_MAX + 1];
    int r = xattr_args(p, how, a[0], a[1], path, name);
    if (r)
        return r;
    uint64_t size = a[3] > XATTR_SIZE_MAX ? XATTR_SIZE_MAX : a[3];
    void *buf = NULL;
    if (size && !(buf = mmu_host_ptr(p->mm, a[2], size, MMU_W)))
        return -EFAULT;
    long n = how == X_FD     ? fgetxattr(rt_sys_int(a[0]), name, buf, size)
             : how == X_LINK ? lgetxattr(path, name, buf, size)
                             : getxattr(path, name, buf, size);
    return rt_sys_ret(n);
}

static long do_setxattr(rt_proc *p, const uint64_t *a, int how) {
    char path[RT_SYS_PATH_MAX], name[XATTR_NAME_MAX + 1];
    int r = xattr_args(p, how, a[0], a[1], path, name);
    if (r)
        return r;
    if (a[3] > XATTR_SIZE_MAX)
        return -E2BIG;
    const void *buf = NULL;
    if (a[3] && !(buf = mmu_host_ptr(p->mm, a[2], a[3], MMU_R)))
        return -EFAULT;
    int flags = rt_sys_int(a[4]);
    long n = how == X_FD     ? fsetxattr(rt_sys_int(a[0]), name, buf, a[3], flags)
             : how == X_LINK ? lsetxattr(path, name, buf, a[3], flags)
                             : setxattr(path, name, buf, a[3], flags);
    return rt_sys_ret(n);
}

static long do_listxattr(rt_proc *p, const uint64_t *a, int how) {
    char path[RT_SYS_PATH_MAX];
    int r = xattr_args(p, how, a[0], 0, path, NULL);
    if (r)
        return r;
    uint64_t size = a[2] > XATTR_SIZE_MAX ? XATTR_SIZE_MAX : a[2];
    char *buf = NULL;
    if (size && !(buf = mmu_host_ptr(p->mm, a[1], size, MMU_W)))
        return -EFAULT;
    long n = how == X_FD     ? flistxattr(rt_sys_int(a[0]), buf, size)
             : how == X_LINK ? llistxattr(path, buf, size)
                             : listxattr(path, buf, size);
    return rt_sys_ret(n);
}

static long do_removexattr(rt_proc *p, const uint64_t *a, int how) {
    char path[RT_SYS_PATH_MAX], name[XATTR_NAME_MAX + 1];
    int r = xattr_args(p, how, a[0], a[1], path, name);
    if (r)
        return r;
    long n = how == X_FD     ? fremovexattr(rt_sys_int(a[0]), name)
             : how == X_LINK ? lremovexattr(path, name)
                             : removexattr(path, name);
    return rt_sys_ret(n);
}

long rt_sys_getxattr(rt_proc *p, const uint64_t *a) {
    return do_getxattr(p, a, X_PATH);
}
long rt_sys_lgetxattr(rt_proc *p, const uint64_t *a) {
    return do_getxattr(p, a, X_LINK);
}
long rt_sys_fgetxattr(rt_proc *p, const uint64_t *a) {
    return do_getxattr(p, a, X_FD);
}
long rt_sys_setxattr(rt_proc *p, const uint64_t *a) {
    return do_setxattr(p, a, X_PATH);
}
long rt_sys_lsetxattr(rt_proc *p, const uint64_t *a) {
    return do_setxattr(p, a, X_LINK);
}
long rt_sys_fsetxattr(rt_proc *p, const uint64_t *a) {
    return do_setxattr(p, a, X_FD);
}
long rt_sys_listxattr(rt_proc *p, const uint64_t *a) {
    return do_listxattr(p, a, X_PATH);
}
long rt_sys_llistxattr(rt_proc *p, const uint64_t *a) {
    return do_listxattr(p, a, X_LINK);
}
long rt_sys_flistxattr(rt_proc *p, const uint64_t *a) {
    return do_listxattr(p, a, X_FD);
}
long rt_sys_removexattr(rt_proc *p, const uint64_t *a) {
    return do_removexattr(p, a, X_PATH);
}
long rt_sys_lremovexattr(rt_proc *p, const uint64_t *a) {
    return do_removexattr(p, a, X_LINK);
}
long rt_sys_fremovexattr(rt_proc *p, const uint64_t *a) {
    return do_removexattr(p, a, X_FD);
}
