/*
 * syscall_admin.c — capabilities, namespaces, the root directory, mounts,
 * I/O priorities, extended scheduling attributes and the other calls that
 * mostly need privileges: capget/capset, unshare, setns, chroot, mount,
 * umount2, pivot_root, ioprio_get/set, sched_setattr/getattr, setdomainname,
 * acct, vhangup, kcmp.
 *
 * The guest is one host process, so these apply to liftvm itself and the
 * host kernel answers, including its EPERM for an unprivileged caller.
 * Their structures (capability header and data, struct sched_attr) have
 * the same layout on riscv64 and x86-64.  Paths are mapped like every guest
 * path (sysroot first).  chroot and pivot_root move liftvm's own root too,
 * as under qemu-user: liftvm and a sysroot outside the new root are out of
 * reach afterwards (a later execve of a riscv64 program fails).
 */
#include "runtime/linux/syscall_priv.h"

#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- capabilities ---- */

enum { CAP_V1 = 0x19980330, CAP_V2 = 0x20071026, CAP_V3 = 0x20080522 };

/* Number of 12-byte data records for a header version (0 if unknown). */
static int cap_words(rt_proc *p, uint64_t hdr) {
    uint32_t version;
    if (mmu_read(p->mm, hdr, &version, sizeof version))
        return -EFAULT;
    return version == CAP_V1 ? 1 : (version == CAP_V2 || version == CAP_V3) ? 2 : 0;
}

/* capget(hdr, data) / capset(hdr, data): an unknown version is answered by
 * the host, which writes its preferred version into the header. */
static long do_cap(rt_proc *p, const uint64_t *a, bool set) {
    void *hdr = mmu_host_ptr(p->mm, a[0], 8, MMU_R | MMU_W);
    if (!hdr)
        return -EFAULT;
    int n = cap_words(p, a[0]);
    void *data = NULL;
    if (a[1] && n > 0 &&
        !(data = mmu_host_ptr(p->mm, a[1], 12u * (unsigned)n, set ? MMU_R : MMU_W)))
        return -EFAULT;
    return rt_sys_ret(syscall(set ? SYS_capset : SYS_capget, hdr, n > 0 ? data : NULL));
}

long rt_sys_capget(rt_proc *p, const uint64_t *a) {
    return do_cap(p, a, false);
}

long rt_sys_capset(rt_proc *p, const uint64_t *a) {
    return do_cap(p, a, true);
}

/* ---- namespaces ---- */

/* unshare: CLONE_VM, CLONE_SIGHAND and CLONE_THREAD only ask that nothing
 * is shared, which holds for the one guest thread; the host would refuse
 * them because liftvm has helper threads. */
long rt_sys_unshare(rt_proc *p, const uint64_t *a) {
    (void)p;
    uint64_t flags = a[0] & ~(uint64_t)(RT_CLONE_VM | RT_CLONE_SIGHAND | RT_CLONE_THREAD);
    if (a[0] & RT_CLONE_NEWUSER)
        rt_sys_unimp("unshare(CLONE_NEWUSER) in a multi-threaded liftvm: the host refuses it");
    return rt_sys_ret(unshare((int)flags));
}

long rt_sys_setns(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(setns(rt_sys_int(a[0]), rt_sys_int(a[1])));
}

/* ---- root and mounts ---- */

long rt_sys_chroot(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[0], path);
    if (r)
        return r;
    return rt_sys_ret(chroot(path));
}

long rt_sys_pivot_root(rt_proc *p, const uint64_t *a) {
    char root[RT_SYS_PATH_MAX], old[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[0], root);
    if (!r)
        r = rt_sys_path(p, a[1], old);
    if (r)
        return r;
    return rt_sys_ret(syscall(SYS_pivot_root, root, old));
}

/* mount(source, target, fstype, flags, data): the source is a path only for
 * some file systems, so it is mapped only if it names an existing file
 * under the sysroot; the data page is passed as it is. */
long rt_sys_mount(rt_proc *p, const uint64_t *a) {
    char src[RT_SYS_PATH_MAX], target[RT_SYS_PATH_MAX], fstype[256];
    const char *srcp = NULL, *typep = NULL;
    int r;
    if (a[0]) {
        if ((r = rt_sys_path(p, a[0], src)))
            return r;
        srcp = src;
    }
    if ((r = rt_sys_path(p, a[1], target)))
        return r;
    if (a[2]) {
        long n = mmu_read_str(p->mm, a[2], fstype, sizeof fstype);
        if (n < 0)
            return n == -ENAMETOOLONG ? -ENODEV : n;
        typep = fstype;
    }
    const void *data = NULL;
    if (a[4]) {
        /* Linux copies up to a page, stopping at the first unmapped byte. */
        uint64_t len = MMU_PAGE_SIZE - (a[4] & MMU_PAGE_MASK);
        if (!(data = mmu_host_ptr(p->mm, a[4], len, MMU_R)))
            return -EFAULT;
    }
    return rt_sys_ret(mount(srcp, target, typep, (unsigned long)a[3], data));
}

long rt_sys_umount2(rt_proc *p, const uint64_t *a) {
    char target[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[0], target);
    if (r)
        return r;
    return rt_sys_ret(umount2(target, rt_sys_int(a[1])));
}

long rt_sys_acct(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    if (!a[0])
        return rt_sys_ret(acct(NULL));
    int r = rt_sys_path(p, a[0], path);
    if (r)
        return r;
    return rt_sys_ret(acct(path));
}

long rt_sys_vhangup(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return rt_sys_ret(vhangup());
}

long rt_sys_setdomainname(rt_proc *p, const uint64_t *a) {
    if (a[1] > 64)
        return -EINVAL;
    char name[65];
    if (mmu_read(p->mm, a[0], name, (size_t)a[1]))
        return -EFAULT;
    return rt_sys_ret(setdomainname(name, (size_t)a[1]));
}

/* ---- priorities ---- */

long rt_sys_ioprio_get(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(syscall(SYS_ioprio_get, rt_sys_int(a[0]), rt_sys_int(a[1])));
}

long rt_sys_ioprio_set(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(
        syscall(SYS_ioprio_set, rt_sys_int(a[0]), rt_sys_int(a[1]), rt_sys_int(a[2])));
}

/* struct sched_attr: its first u32 is its size (48 bytes in version 0,
 * 56 in version 1); the layout is the same on both sides. */
#define SCHED_ATTR_MAX 56

long rt_sys_sched_setattr(rt_proc *p, const uint64_t *a) {
    uint32_t size;
    if (mmu_read(p->mm, a[1], &size, sizeof size))
        return -EFAULT;
    if (size == 0)
        size = 48;
    if (size > MMU_PAGE_SIZE)
        return -E2BIG;
    const void *attr = mmu_host_ptr(p->mm, a[1], size, MMU_R);
    if (!attr)
        return -EFAULT;
    return rt_sys_ret(syscall(SYS_sched_setattr, rt_sys_int(a[0]), attr, (unsigned)a[2]));
}

long rt_sys_sched_getattr(rt_proc *p, const uint64_t *a) {
    unsigned size = (unsigned)a[2];
    if (size > MMU_PAGE_SIZE)
        size = MMU_PAGE_SIZE;
    void *attr = mmu_host_ptr(p->mm, a[1], size, MMU_W);
    if (!attr && size)
        return -EFAULT;
    return rt_sys_ret(syscall(SYS_sched_getattr, rt_sys_int(a[0]), attr, size, (unsigned)a[3]));
}

/* kcmp compares kernel objects of two processes (fds and files mostly);
 * KCMP_VM and KCMP_SIGHAND compare the host's, which is what a guest
 * process has. */
long rt_sys_kcmp(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(syscall(SYS_kcmp, rt_sys_int(a[0]), rt_sys_int(a[1]), rt_sys_int(a[2]),
                              (unsigned long)a[3], (unsigned long)a[4]));
}
