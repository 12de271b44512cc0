/*
 * syscall_fs.c — file-descriptor syscalls: open/close, read/write and their
 * vector and positioned forms, lseek, dup, fcntl, ioctl, pipes, poll and
 * select, sendfile, splice, sync, truncate, getdents64, memfd.
 *
 * Guest fds are host fds.  Buffers go straight from the host call into guest
 * memory through mmu_host_ptr after the range has been checked, so a bad
 * guest pointer gives -EFAULT.  The one fd liftvm keeps for itself, the -D
 * log file, is never closed on the guest's behalf.
 */
#include "runtime/linux/syscall_priv.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* Linux caps one read/write at MAX_RW_COUNT. */
#define MAX_RW 0x7ffff000ull
#define MAX_IOV 1024 /* Linux UIO_MAXIOV */

/* ---- O_* flags: asm-generic (guest) <-> x86-64 kernel (host) ---- */

static const struct {
    uint32_t guest;
    int host;
} oflag_map[] = {
    {00000100, O_CREAT},
    {00000200, O_EXCL},
    {00000400, O_NOCTTY},
    {00001000, O_TRUNC},
    {00002000, O_APPEND},
    {00004000, O_NONBLOCK},
    {00010000, O_DSYNC},
    {00020000, O_ASYNC},
    {00040000, O_DIRECT},
    {00100000, 00100000 /* kernel O_LARGEFILE; glibc's macro is 0 on x86-64 */},
    {00200000, O_DIRECTORY},
    {00400000, O_NOFOLLOW},
    {01000000, O_NOATIME},
    {02000000, O_CLOEXEC},
    {04000000, O_SYNC & ~O_DSYNC /* __O_SYNC */},
    {010000000, O_PATH},
    {020000000, O_TMPFILE & ~O_DIRECTORY /* __O_TMPFILE */},
};

#define OFLAG_COUNT (sizeof oflag_map / sizeof oflag_map[0])

int rt_sys_oflags_to_host(uint64_t guest) {
    int h = (int)(guest & 3); /* O_ACCMODE */
    uint64_t known = 3;
    for (size_t i = 0; i < OFLAG_COUNT; i++) {
        known |= oflag_map[i].guest;
        if (guest & oflag_map[i].guest)
            h |= oflag_map[i].host;
    }
    if (guest & ~known & 0xffffffffull)
        rt_sys_unimp("open flags %#llx not known, ignored",
                     (unsigned long long)(guest & ~known & 0xffffffffull));
    return h;
}

uint64_t rt_sys_oflags_to_guest(int host) {
    uint64_t g = (uint64_t)(host & 3);
    for (size_t i = 0; i < OFLAG_COUNT; i++)
        if ((host & oflag_map[i].host) == oflag_map[i].host && oflag_map[i].host)
            g |= oflag_map[i].guest;
    return g;
}

/* The host fd liftvm logs to (-D), or -1. */
static int own_log_fd(void) {
    if (!rt_log_file || rt_log_file == stderr)
        return -1;
    return fileno(rt_log_file);
}

/* ---- open, close ---- */

long rt_sys_openat(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[1], path);
    if (r)
        return r;
    int flags = rt_sys_oflags_to_host(a[2]);
    long pr = rt_sys_procfs_open(p, path, flags); /* /proc files about the guest */
    if (pr != RT_SYS_NOT_PROCFS)
        return pr;
    /* Opening a FIFO blocks until the other end is opened. */
    return rt_sys_blocking(p, SYS_openat, rt_sys_int(a[0]), (long)path, flags, (long)(mode_t)a[3], 0,
                           0);
}

long rt_sys_close(rt_proc *p, const uint64_t *a) {
    (void)p;
    int fd = rt_sys_int(a[0]);
    if (fd >= 0 && fd == own_log_fd())
        return 0; /* the guest must not take liftvm's log file */
    return rt_sys_ret(close(fd));
}

long rt_sys_close_range(rt_proc *p, const uint64_t *a) {
    (void)p;
    unsigned first = (unsigned)a[0], last = (unsigned)a[1], flags = (unsigned)a[2];
    int own = own_log_fd();
    if (own < 0 || (unsigned)own < first || (unsigned)own > last)
        return rt_sys_ret(syscall(SYS_close_range, first, last, flags));
    /* Leave the log fd alone: close the ranges on either side of it. */
    if (first > last)
        return -EINVAL;
    long r = 0;
    if ((unsigned)own > first)
        r = syscall(SYS_close_range, first, (unsigned)own - 1, flags);
    if (r == 0 && (unsigned)own < last)
        r = syscall(SYS_close_range, (unsigned)own + 1, last, flags);
    return rt_sys_ret(r);
}

/* ---- read, write and the vector forms ---- */

/* The guest buffer of a read or write: *n is cut to MAX_RW and then to the
 * part that is accessible with prot, since Linux copies up to the first
 * faulting page and returns a short count.  NULL (-EFAULT) when not even
 * the first byte is accessible. */
static void *guest_buf(rt_proc *p, uint64_t addr, uint64_t *n, int prot) {
    uint64_t want = *n > MAX_RW ? MAX_RW : *n;
    uint64_t ok = 0;
    while (ok < want) {
        uint64_t chunk = MMU_PAGE_SIZE - ((addr + ok) & MMU_PAGE_MASK);
        if (chunk > want - ok)
            chunk = want - ok;
        if (!mmu_check(p->mm, addr + ok, chunk, prot))
            break;
        ok += chunk;
    }
    if (want > 0 && ok == 0)
        return NULL;
    *n = ok;
    return mmu_host_ptr(p->mm, addr, ok, prot);
}

long rt_sys_read(rt_proc *p, const uint64_t *a) {
    uint64_t n = a[2];
    void *buf = guest_buf(p, a[1], &n, MMU_W);
    if (!buf)
        return -EFAULT;
    return rt_sys_blocking(p, SYS_read, rt_sys_int(a[0]), (long)buf, (long)n, 0, 0, 0);
}

long rt_sys_write(rt_proc *p, const uint64_t *a) {
    uint64_t n = a[2];
    void *buf = guest_buf(p, a[1], &n, MMU_R);
    if (!buf)
        return -EFAULT;
    return rt_sys_blocking(p, SYS_write, rt_sys_int(a[0]), (long)buf, (long)n, 0, 0, 0);
}

long rt_sys_pread64(rt_proc *p, const uint64_t *a) {
    uint64_t n = a[2];
    void *buf = guest_buf(p, a[1], &n, MMU_W);
    if (!buf)
        return -EFAULT;
    return rt_sys_blocking(p, SYS_pread64, rt_sys_int(a[0]), (long)buf, (long)n, (long)a[3], 0, 0);
}

long rt_sys_pwrite64(rt_proc *p, const uint64_t *a) {
    uint64_t n = a[2];
    void *buf = guest_buf(p, a[1], &n, MMU_R);
    if (!buf)
        return -EFAULT;
    return rt_sys_blocking(p, SYS_pwrite64, rt_sys_int(a[0]), (long)buf, (long)n, (long)a[3], 0, 0);
}

/* Converts the guest iovec array at addr (cnt entries of {base, len}, the
 * same 16-byte layout on both sides) into host iovecs over guest memory,
 * each checked for prot.  Returns 0 or -EINVAL / -EFAULT like Linux. */
static int load_iov(rt_proc *p, uint64_t addr, uint64_t cnt, int prot, struct iovec *out) {
    if (cnt > MAX_IOV)
        return -EINVAL;
    uint64_t total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t e[2];
        if (mmu_read(p->mm, addr + 16 * i, e, sizeof e))
            return -EFAULT;
        if (e[1] > (uint64_t)INT64_MAX)
            return -EINVAL;
        uint64_t len = e[1];
        if (total + len > MAX_RW)
            len = total > MAX_RW ? 0 : MAX_RW - total;
        total += len;
        void *h = mmu_host_ptr(p->mm, e[0], len, prot);
        if (!h)
            return -EFAULT;
        out[i].iov_base = h;
        out[i].iov_len = len;
    }
    return 0;
}

/* All six vector calls: write or not, with an offset (-1: current) or not,
 * with RWF_* flags or not. */
static long do_rwv(rt_proc *p, const uint64_t *a, bool wr, bool positioned, bool has_flags) {
    struct iovec iov[MAX_IOV];
    uint64_t cnt = (uint64_t)(uint32_t)a[2]; /* unsigned long vlen, int in practice */
    if (a[2] > MAX_IOV)
        return -EINVAL;
    int r = load_iov(p, a[1], cnt, wr ? MMU_R : MMU_W, iov);
    if (r)
        return r;
    int fd = rt_sys_int(a[0]);
    off_t off = positioned ? (off_t)a[3] : -1;
    int flags = has_flags ? rt_sys_int(a[5]) : 0;
    /* The raw calls (they may block on pipes, sockets, terminals): the
     * offset is pos_l with pos_h 0 on a 64-bit host. */
    long nr;
    if (has_flags)
        nr = wr ? SYS_pwritev2 : SYS_preadv2;
    else if (positioned)
        nr = wr ? SYS_pwritev : SYS_preadv;
    else
        nr = wr ? SYS_writev : SYS_readv;
    return rt_sys_blocking(p, nr, fd, (long)iov, (long)cnt, (long)off, 0, flags);
}

long rt_sys_readv(rt_proc *p, const uint64_t *a) {
    return do_rwv(p, a, false, false, false);
}
long rt_sys_writev(rt_proc *p, const uint64_t *a) {
    return do_rwv(p, a, true, false, false);
}
long rt_sys_preadv(rt_proc *p, const uint64_t *a) {
    return do_rwv(p, a, false, true, false);
}
long rt_sys_pwritev(rt_proc *p, const uint64_t *a) {
    return do_rwv(p, a, true, true, false);
}
long rt_sys_preadv2(rt_proc *p, const uint64_t *a) {
    return do_rwv(p, a, false, true, true);
}
long rt_sys_pwritev2(rt_proc *p, const uint64_t *a) {
    return do_rwv(p, a, true, true, true);
}

long rt_sys_lseek(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(lseek(rt_sys_int(a[0]), (off_t)a[1], rt_sys_int(a[2])));
}

/* ---- dup, fcntl ---- */

long rt_sys_dup(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(dup(rt_sys_int(a[0])));
}

long rt_sys_dup3(rt_proc *p, const uint64_t *a) {
    (void)p;
    if (a[2] & ~(uint64_t)02000000) /* only O_CLOEXEC */
        return -EINVAL;
    int newfd = rt_sys_int(a[1]);
    if (newfd >= 0 && newfd == own_log_fd())
        return -EBUSY; /* as if the slot were being set up */
    return rt_sys_ret(dup3(rt_sys_int(a[0]), newfd, rt_sys_oflags_to_host(a[2])));
}

/* struct flock: short type, short whence, s64 start, s64 len, int pid —
 * 32 bytes with the same padding on both sides. */
typedef struct guest_flock {
    int16_t type, whence;
    int32_t pad0;
    int64_t start, len;
    int32_t pid, pad1;
} guest_flock;

static long fcntl_lock(rt_proc *p, int fd, int cmd, uint64_t addr) {
    guest_flock g;
    if (mmu_read(p->mm, addr, &g, sizeof g))
        return -EFAULT;
    struct flock h = {
        .l_type = g.type, .l_whence = g.whence, .l_start = g.start, .l_len = g.len, .l_pid = g.pid};
    long r = cmd == F_SETLKW || cmd == F_OFD_SETLKW
                 ? rt_sys_blocking(p, SYS_fcntl, fd, cmd, (long)&h, 0, 0, 0) /* waits for the lock */
                 : rt_sys_ret(fcntl(fd, cmd, &h));
    if (r < 0)
        return r;
    if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
        g.type = h.l_type;
        g.whence = h.l_whence;
        g.start = h.l_start;
        g.len = h.l_len;
        g.pid = h.l_pid;
        if (mmu_write(p->mm, addr, &g, sizeof g))
            return -EFAULT;
    }
    return 0;
}

/* Guest fcntl commands are the asm-generic numbers, which x86-64 shares. */
long rt_sys_fcntl(rt_proc *p, const uint64_t *a) {
    int fd = rt_sys_int(a[0]);
    int cmd = rt_sys_int(a[1]);
    uint64_t arg = a[2];
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
    case F_SETFD:
    case F_SETOWN:
    case F_SETSIG:
    case F_SETLEASE:
    case F_NOTIFY:
    case F_SETPIPE_SZ:
    case F_ADD_SEALS:
        return rt_sys_ret(fcntl(fd, cmd, rt_sys_int(arg)));
    case F_GETFD:
    case F_GETOWN:
    case F_GETSIG:
    case F_GETLEASE:
    case F_GETPIPE_SZ:
    case F_GET_SEALS:
        return rt_sys_ret(fcntl(fd, cmd));
    case F_GETFL: {
        int r = fcntl(fd, F_GETFL);
        if (r < 0)
            return -errno;
        return (long)rt_sys_oflags_to_guest(r);
    }
    case F_SETFL:
        return rt_sys_ret(fcntl(fd, F_SETFL, rt_sys_oflags_to_host(arg)));
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        return fcntl_lock(p, fd, cmd, arg);
    default:
        rt_sys_unimp("fcntl command %d", cmd);
        return -EINVAL;
    }
}

/* ---- ioctl ---- */

enum { ARG_NONE, ARG_VAL, ARG_IN, ARG_OUT, ARG_INOUT };

/* The ioctls liftvm knows.  x86-64 uses the asm-generic ioctl numbers and
 * structures (termios: 4 x u32 flags, c_line, 19 c_cc = 36 bytes; termios2
 * adds two u32 speeds), so the guest number and the host number agree and
 * the argument is copied as bytes.  Anything else may hold pointers or
 * differ, so it is refused rather than passed through. */
/* clang-format off */
static const struct {
    uint32_t cmd;
    const char *name;
    uint8_t kind;
    uint8_t size;
} ioctl_table[] = {
    {0x5401, "TCGETS", ARG_OUT, 36},          {0x5402, "TCSETS", ARG_IN, 36},
    {0x5403, "TCSETSW", ARG_IN, 36},          {0x5404, "TCSETSF", ARG_IN, 36},
    {0x802c542a, "TCGETS2", ARG_OUT, 44},     {0x402c542b, "TCSETS2", ARG_IN, 44},
    {0x402c542c, "TCSETSW2", ARG_IN, 44},     {0x402c542d, "TCSETSF2", ARG_IN, 44},
    {0x5409, "TCSBRK", ARG_VAL, 0},           {0x540a, "TCXONC", ARG_VAL, 0},
    {0x540b, "TCFLSH", ARG_VAL, 0},           {0x540c, "TIOCEXCL", ARG_NONE, 0},
    {0x540d, "TIOCNXCL", ARG_NONE, 0},        {0x540e, "TIOCSCTTY", ARG_VAL, 0},
    {0x540f, "TIOCGPGRP", ARG_OUT, 4},        {0x5410, "TIOCSPGRP", ARG_IN, 4},
    {0x5411, "TIOCOUTQ", ARG_OUT, 4},         {0x5412, "TIOCSTI", ARG_IN, 1},
    {0x5413, "TIOCGWINSZ", ARG_OUT, 8},       {0x5414, "TIOCSWINSZ", ARG_IN, 8},
    {0x5415, "TIOCMGET", ARG_OUT, 4},         {0x5416, "TIOCMBIS", ARG_IN, 4},
    {0x5417, "TIOCMBIC", ARG_IN, 4},          {0x5418, "TIOCMSET", ARG_IN, 4},
    {0x541b, "FIONREAD", ARG_OUT, 4},         {0x5421, "FIONBIO", ARG_IN, 4},
    {0x5422, "TIOCNOTTY", ARG_NONE, 0},       {0x5423, "TIOCSETD", ARG_IN, 4},
    {0x5424, "TIOCGETD", ARG_OUT, 4},         {0x5425, "TCSBRKP", ARG_VAL, 0},
    {0x5429, "TIOCGSID", ARG_OUT, 4},         {0x5441, "TIOCGPTPEER", ARG_VAL, 0},
    {0x5450, "FIONCLEX", ARG_NONE, 0},        {0x5451, "FIOCLEX", ARG_NONE, 0},
    {0x5452, "FIOASYNC", ARG_IN, 4},          {0x80045430, "TIOCGPTN", ARG_OUT, 4},
    {0x40045431, "TIOCSPTLCK", ARG_IN, 4},    {0x80045432, "TIOCGDEV", ARG_OUT, 4},
    {0x80081272, "BLKGETSIZE64", ARG_OUT, 8}, {0x1260, "BLKGETSIZE", ARG_OUT, 8},
    {0x1268, "BLKSSZGET", ARG_OUT, 4},
};
/* clang-format on */

const char *rt_sys_ioctl_name(uint32_t cmd) {
    for (size_t i = 0; i < sizeof ioctl_table / sizeof ioctl_table[0]; i++)
        if (ioctl_table[i].cmd == cmd)
            return ioctl_table[i].name;
    return NULL;
}

long rt_sys_ioctl(rt_proc *p, const uint64_t *a) {
    int fd = rt_sys_int(a[0]);
    uint32_t cmd = (uint32_t)a[1];
    uint64_t arg = a[2];
    size_t i;
    for (i = 0; i < sizeof ioctl_table / sizeof ioctl_table[0]; i++)
        if (ioctl_table[i].cmd == cmd)
            break;
    if (i == sizeof ioctl_table / sizeof ioctl_table[0]) {
        if (fcntl(fd, F_GETFD) < 0)
            return -EBADF;
        rt_sys_unimp("ioctl %#x on fd %d", cmd, fd);
        return -ENOTTY;
    }
    uint8_t buf[64];
    unsigned size = ioctl_table[i].size;
    switch (ioctl_table[i].kind) {
    case ARG_NONE:
        return rt_sys_ret(ioctl(fd, (unsigned long)cmd));
    case ARG_VAL:
        return rt_sys_ret(ioctl(fd, (unsigned long)cmd, (unsigned long)arg));
    case ARG_IN:
        if (mmu_read(p->mm, arg, buf, size))
            return -EFAULT;
        return rt_sys_ret(ioctl(fd, (unsigned long)cmd, buf));
    default: {
        /* Check the destination first so a bad pointer cannot lose data
         * the call has already consumed. */
        if (!mmu_check(p->mm, arg, size, MMU_W))
            return -EFAULT;
        memset(buf, 0, sizeof buf);
        long r = ioctl(fd, (unsigned long)cmd, buf);
        if (r < 0)
            return -errno;
        if (mmu_write(p->mm, arg, buf, size))
            return -EFAULT;
        return r;
    }
    }
}

/* ---- pipes, sendfile, copy_file_range ---- */

long rt_sys_pipe2(rt_proc *p, const uint64_t *a) {
    if (!mmu_check(p->mm, a[0], 8, MMU_W))
        return -EFAULT;
    if (a[1] & ~(uint64_t)(02000000 | 04000 | 040000 |
                           010000000)) /* CLOEXEC NONBLOCK DIRECT NOTIFICATION */
        return -EINVAL;
    int fds[2];
    if (pipe2(fds, rt_sys_oflags_to_host(a[1] & ~(uint64_t)010000000)) < 0)
        return -errno;
    int32_t g[2] = {fds[0], fds[1]};
    if (mmu_write(p->mm, a[0], g, sizeof g)) {
        close(fds[0]);
        close(fds[1]);
        return -EFAULT;
    }
    return 0;
}

/* Reads the optional loff_t at addr into *off; *use says whether there was one. */
static int load_off(rt_proc *p, uint64_t addr, loff_t *off, loff_t **use) {
    *use = NULL;
    if (!addr)
        return 0;
    if (mmu_read(p->mm, addr, off, sizeof *off))
        return -EFAULT;
    *use = off;
    return 0;
}

long rt_sys_sendfile(rt_proc *p, const uint64_t *a) {
    loff_t off, *offp;
    if (load_off(p, a[2], &off, &offp))
        return -EFAULT;
    if (offp && !mmu_check(p->mm, a[2], 8, MMU_W))
        return -EFAULT;
    uint64_t n = a[3] > MAX_RW ? MAX_RW : a[3];
    long r = rt_sys_blocking(p, SYS_sendfile, rt_sys_int(a[0]), rt_sys_int(a[1]), (long)offp,
                             (long)n, 0, 0); /* blocks on a full pipe or socket */
    if (r < 0)
        return r;
    if (offp && mmu_write(p->mm, a[2], &off, sizeof off))
        return -EFAULT;
    return r;
}

long rt_sys_copy_file_range(rt_proc *p, const uint64_t *a) {
    loff_t oin, oout, *pin, *pout;
    if (load_off(p, a[1], &oin, &pin) || load_off(p, a[3], &oout, &pout))
        return -EFAULT;
    if ((pin && !mmu_check(p->mm, a[1], 8, MMU_W)) || (pout && !mmu_check(p->mm, a[3], 8, MMU_W)))
        return -EFAULT;
    ssize_t r = copy_file_range(rt_sys_int(a[0]), pin, rt_sys_int(a[2]), pout, (size_t)a[4],
                                (unsigned)a[5]);
    if (r < 0)
        return -errno;
    if ((pin && mmu_write(p->mm, a[1], &oin, 8)) || (pout && mmu_write(p->mm, a[3], &oout, 8)))
        return -EFAULT;
    return r;
}

/* splice(fd_in, off_in*, fd_out, off_out*, len, flags): SPLICE_F_* agree. */
long rt_sys_splice(rt_proc *p, const uint64_t *a) {
    loff_t oin, oout, *pin, *pout;
    if (load_off(p, a[1], &oin, &pin) || load_off(p, a[3], &oout, &pout))
        return -EFAULT;
    if ((pin && !mmu_check(p->mm, a[1], 8, MMU_W)) || (pout && !mmu_check(p->mm, a[3], 8, MMU_W)))
        return -EFAULT;
    long r = rt_sys_blocking(p, SYS_splice, rt_sys_int(a[0]), (long)pin, rt_sys_int(a[2]),
                             (long)pout, (long)(size_t)a[4], (long)(unsigned)a[5]);
    if (r < 0)
        return r;
    if ((pin && mmu_write(p->mm, a[1], &oin, 8)) || (pout && mmu_write(p->mm, a[3], &oout, 8)))
        return -EFAULT;
    return r;
}

long rt_sys_tee(rt_proc *p, const uint64_t *a) {
    return rt_sys_blocking(p, SYS_tee, rt_sys_int(a[0]), rt_sys_int(a[1]), (long)(size_t)a[2],
                           (long)(unsigned)a[3], 0, 0);
}

/* ---- poll, select ---- */

/* Reads an optional guest timespec (two 64-bit words on both sides). */
static int load_timespec(rt_proc *p, uint64_t addr, struct timespec *ts, struct timespec **use) {
    *use = NULL;
    if (!addr)
        return 0;
    int64_t raw[2];
    if (mmu_read(p->mm, addr, raw, sizeof raw))
        return -EFAULT;
    ts->tv_sec = raw[0];
    ts->tv_nsec = raw[1];
    *use = ts;
    return 0;
}

static int store_timespec(rt_proc *p, uint64_t addr, const struct timespec *ts) {
    int64_t raw[2] = {ts->tv_sec, ts->tv_nsec};
    return mmu_write(p->mm, addr, raw, sizeof raw);
}

/* ppoll(fds, nfds, timeout, sigmask, sigsetsize): struct pollfd is the same
 * 8 bytes on both sides.  The guest's mask is in force during the wait
 * (rt_sys_wait_call); the remaining time is written back as Linux does. */
long rt_sys_ppoll(rt_proc *p, const uint64_t *a) {
    uint64_t nfds = a[1];
    if (nfds > 1u << 20)
        return -EINVAL;
    struct pollfd *fds = mmu_host_ptr(p->mm, a[0], nfds * 8, MMU_R | MMU_W);
    if (!fds)
        return -EFAULT;
    if (a[3] && a[4] != 8)
        return -EINVAL;
    struct timespec ts, *tsp;
    if (load_timespec(p, a[2], &ts, &tsp))
        return -EFAULT;
    long r = rt_sys_wait_call(p, a[3], SYS_ppoll, (long)fds, (long)nfds, (long)tsp, 0, 8, 0);
    if (r < 0)
        return r;
    if (tsp && store_timespec(p, a[2], tsp))
        return -EFAULT;
    return r;
}

/* pselect6(n, in, out, ex, timeout, sigmask-pair): fd_set is an array of
 * 64-bit words on both sides, so the sets are used in place; the pair is
 * {sigset pointer, size}. */
long rt_sys_pselect6(rt_proc *p, const uint64_t *a) {
    int n = rt_sys_int(a[0]);
    if (n < 0)
        return -EINVAL;
    uint64_t bytes = ((uint64_t)n + 63) / 64 * 8;
    void *set[3];
    for (int i = 0; i < 3; i++) {
        set[i] = NULL;
        if (a[1 + i] && !(set[i] = mmu_host_ptr(p->mm, a[1 + i], bytes, MMU_R | MMU_W)))
            return -EFAULT;
    }
    struct timespec ts, *tsp;
    if (load_timespec(p, a[4], &ts, &tsp))
        return -EFAULT;
    uint64_t pair[2] = {0, 8};
    if (a[5] && mmu_read(p->mm, a[5], pair, sizeof pair))
        return -EFAULT;
    if (pair[0] && pair[1] != 8)
        return -EINVAL;
    long r = rt_sys_wait_call(p, pair[0], SYS_pselect6, n, (long)set[0], (long)set[1], (long)set[2],
                              (long)tsp, 0);
    if (r < 0)
        return r;
    if (tsp && store_timespec(p, a[4], tsp))
        return -EFAULT;
    return r;
}

/* ---- simple fd calls ---- */

long rt_sys_flock(rt_proc *p, const uint64_t *a) {
    return rt_sys_blocking(p, SYS_flock, rt_sys_int(a[0]), rt_sys_int(a[1]), 0, 0, 0, 0);
}

long rt_sys_fsync(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(fsync(rt_sys_int(a[0])));
}

long rt_sys_fdatasync(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(fdatasync(rt_sys_int(a[0])));
}

long rt_sys_sync(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    sync();
    return 0;
}

long rt_sys_syncfs(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(syncfs(rt_sys_int(a[0])));
}

long rt_sys_ftruncate(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(ftruncate(rt_sys_int(a[0]), (off_t)a[1]));
}

long rt_sys_fallocate(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(fallocate(rt_sys_int(a[0]), rt_sys_int(a[1]), (off_t)a[2], (off_t)a[3]));
}

/* fadvise64(fd, offset, len, advice): POSIX_FADV_* agree; the raw call
 * keeps the Linux -errno convention (posix_fadvise returns it positive). */
long rt_sys_fadvise64(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(
        syscall(SYS_fadvise64, rt_sys_int(a[0]), (off_t)a[1], (off_t)a[2], rt_sys_int(a[3])));
}

/* struct linux_dirent64 is the same on every architecture. */
long rt_sys_getdents64(rt_proc *p, const uint64_t *a) {
    uint64_t n = a[2] > MAX_RW ? MAX_RW : a[2];
    void *buf = mmu_host_ptr(p->mm, a[1], n, MMU_W);
    if (!buf)
        return -EFAULT;
    return rt_sys_ret(syscall(SYS_getdents64, rt_sys_int(a[0]), buf, (unsigned)n));
}

/* memfd_create(name, flags): MFD_* bits agree. */
long rt_sys_memfd_create(rt_proc *p, const uint64_t *a) {
    char name[256];
    long n = mmu_read_str(p->mm, a[0], name, sizeof name);
    if (n == -ENAMETOOLONG)
        return -EINVAL;
    if (n < 0)
        return n;
    return rt_sys_ret(syscall(SYS_memfd_create, name, (unsigned)a[1]));
}
