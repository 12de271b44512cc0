/*
 * syscall_net.c — sockets: socket, socketpair, bind, listen, accept(4),
 * connect, getsockname, getpeername, sendto, recvfrom, setsockopt,
 * getsockopt, shutdown, sendmsg, recvmsg, sendmmsg, recvmmsg.
 *
 * Sockets are host sockets (guest fds are host fds).  Every structure the
 * calls take has the same layout on riscv64 and x86-64, both being 64-bit
 * Linux ABIs with the generic socket numbers:
 *
 *   sockaddr_un/in/in6/nl/ll ... plain data, the AF_* numbers agree
 *   socklen_t                    32 bits
 *   SOCK_NONBLOCK, SOCK_CLOEXEC  = O_NONBLOCK (04000), O_CLOEXEC (02000000)
 *   SOL_SOCKET = 1, SO_*, IP_*, IPV6_*, TCP_* numbers and option payloads
 *                                (struct timeval, linger, ucred, ip_mreq...)
 *   MSG_* flags
 *   struct msghdr (56 bytes)     name, namelen, iov, iovlen, control,
 *                                controllen, flags
 *   struct mmsghdr (64 bytes)    msghdr + msg_len
 *   struct cmsghdr (16 bytes)    len (size_t), level, type; data aligned to
 *                                8: SCM_RIGHTS fds pass as they are (guest
 *                                fds are host fds), SCM_CREDENTIALS' ucred
 *                                is the same
 *
 * So plain buffers go to the host as pointers into (checked) guest memory,
 * and only the structures holding guest pointers are rebuilt with host
 * pointers: msghdr, its iovec array, mmsghdr, and the sock_fprog of
 * SO_ATTACH_FILTER.  Socket addresses are not mapped through the sysroot:
 * an AF_UNIX path names the same socket for the guest as for host
 * programs it talks to (X11, D-Bus, a server started natively), which is
 * also what qemu-user does (its target_to_host_sockaddr copies sun_path
 * as it is, with no -L prefix).
 */
#include "runtime/linux/syscall_priv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_IOV 1024     /* Linux UIO_MAXIOV */
#define MAX_ADDRLEN 128  /* sizeof(struct sockaddr_storage) */
#define MAX_OPTLEN 65536 /* larger option buffers are cut */

/* The guest's struct msghdr and struct mmsghdr. */
typedef struct guest_msghdr {
    uint64_t name;
    uint32_t namelen;
    uint32_t pad1;
    uint64_t iov;
    uint64_t iovlen;
    uint64_t control;
    uint64_t controllen;
    int32_t flags;
    uint32_t pad2;
} guest_msghdr;
_Static_assert(sizeof(guest_msghdr) == 56, "struct msghdr is 56 bytes");
_Static_assert(sizeof(struct msghdr) == 56, "the host struct msghdr is 56 bytes");

typedef struct guest_mmsghdr {
    guest_msghdr hdr;
    uint32_t len;
    uint32_t pad;
} guest_mmsghdr;
_Static_assert(sizeof(guest_mmsghdr) == 64, "struct mmsghdr is 64 bytes");

/* Host pointer to an optional guest buffer: NULL stays NULL.  *ok is
 * false when the buffer is not accessible with prot. */
static void *opt_buf(rt_proc *p, uint64_t addr, uint64_t len, int prot, bool *ok) {
    if (!addr) {
        *ok = true;
        return NULL;
    }
    void *h = mmu_host_ptr(p->mm, addr, len, prot);
    *ok = h != NULL;
    return h;
}

/* A socket address the guest passes in: (addr, len) checked. */
static long addr_in(rt_proc *p, uint64_t addr, uint64_t len, const void **out) {
    int n = rt_sys_int(len);
    if (n < 0 || n > MAX_ADDRLEN)
        return -EINVAL;
    bool ok;
    *out = opt_buf(p, addr, (uint64_t)n, MMU_R, &ok);
    return ok ? 0 : -EFAULT;
}

/* A socket address the kernel fills: addr of *lenp bytes, lenp in/out.
 * Both may be NULL (accept without an address). */
static long addr_out(rt_proc *p, uint64_t addr, uint64_t lenp, void **out, socklen_t **lenout) {
    *out = NULL;
    *lenout = NULL;
    if (!addr)
        return 0;
    socklen_t *l = mmu_host_ptr(p->mm, lenp, sizeof *l, MMU_R | MMU_W);
    if (!l)
        return -EFAULT;
    if ((int)*l < 0)
        return -EINVAL;
    bool ok;
    *out = opt_buf(p, addr, *l, MMU_W, &ok);
    *lenout = l;
    return ok ? 0 : -EFAULT;
}

long rt_sys_socket(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(socket(rt_sys_int(a[0]), rt_sys_int(a[1]), rt_sys_int(a[2])));
}

long rt_sys_socketpair(rt_proc *p, const uint64_t *a) {
    int sv[2];
    if (!mmu_check(p->mm, a[3], sizeof sv, MMU_W))
        return -EFAULT;
    if (socketpair(rt_sys_int(a[0]), rt_sys_int(a[1]), rt_sys_int(a[2]), sv) < 0)
        return -errno;
    if (mmu_write(p->mm, a[3], sv, sizeof sv)) {
        close(sv[0]);
        close(sv[1]);
        return -EFAULT;
    }
    return 0;
}

long rt_sys_bind(rt_proc *p, const uint64_t *a) {
    const void *sa;
    long r = addr_in(p, a[1], a[2], &sa);
    if (r)
        return r;
    return rt_sys_ret(bind(rt_sys_int(a[0]), sa, (socklen_t)rt_sys_int(a[2])));
}

long rt_sys_connect(rt_proc *p, const uint64_t *a) {
    const void *sa;
    long r = addr_in(p, a[1], a[2], &sa);
    if (r)
        return r;
    return rt_sys_blocking(p, SYS_connect, rt_sys_int(a[0]), (long)sa, (socklen_t)rt_sys_int(a[2]),
                           0, 0, 0);
}

long rt_sys_listen(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(listen(rt_sys_int(a[0]), rt_sys_int(a[1])));
}

long rt_sys_accept4(rt_proc *p, const uint64_t *a) {
    void *sa;
    socklen_t *len;
    long r = addr_out(p, a[1], a[2], &sa, &len);
    if (r)
        return r;
    return rt_sys_blocking(p, SYS_accept4, rt_sys_int(a[0]), (long)sa, (long)len, rt_sys_int(a[3]),
                           0, 0);
}

long rt_sys_accept(rt_proc *p, const uint64_t *a) {
    const uint64_t b[6] = {a[0], a[1], a[2], 0};
    return rt_sys_accept4(p, b);
}

/* getsockname and getpeername. */
static long sock_name(rt_proc *p, const uint64_t *a, bool peer) {
    void *sa;
    socklen_t *len;
    if (!a[1] || !a[2])
        return -EFAULT;
    long r = addr_out(p, a[1], a[2], &sa, &len);
    if (r)
        return r;
    int fd = rt_sys_int(a[0]);
    return rt_sys_ret(peer ? getpeername(fd, sa, len) : getsockname(fd, sa, len));
}

long rt_sys_getsockname(rt_proc *p, const uint64_t *a) {
    return sock_name(p, a, false);
}

long rt_sys_getpeername(rt_proc *p, const uint64_t *a) {
    return sock_name(p, a, true);
}

/* sendto(fd, buf, len, flags, addr, addrlen) */
long rt_sys_sendto(rt_proc *p, const uint64_t *a) {
    bool ok;
    uint64_t len = a[2] > INT32_MAX ? INT32_MAX : a[2]; /* Linux caps at INT_MAX */
    const void *buf = opt_buf(p, a[1], len, MMU_R, &ok);
    if (!ok || (!buf && len))
        return -EFAULT;
    const void *sa;
    long r = addr_in(p, a[4], a[5], &sa);
    if (r)
        return r;
    return rt_sys_blocking(p, SYS_sendto, rt_sys_int(a[0]), (long)buf, (long)len, rt_sys_int(a[3]),
                           (long)sa, (socklen_t)rt_sys_int(a[5]));
}

/* recvfrom(fd, buf, len, flags, addr, addrlen) */
long rt_sys_recvfrom(rt_proc *p, const uint64_t *a) {
    bool ok;
    uint64_t len = a[2] > INT32_MAX ? INT32_MAX : a[2];
    void *buf = opt_buf(p, a[1], len, MMU_W, &ok);
    if (!ok || (!buf && len))
        return -EFAULT;
    void *sa;
    socklen_t *salen;
    long r = addr_out(p, a[4], a[5], &sa, &salen);
    if (r)
        return r;
    return rt_sys_blocking(p, SYS_recvfrom, rt_sys_int(a[0]), (long)buf, (long)len, rt_sys_int(a[3]),
                           (long)sa, (long)salen);
}

long rt_sys_shutdown(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(shutdown(rt_sys_int(a[0]), rt_sys_int(a[1])));
}

/* ---- socket options ---- */

enum { G_SOL_SOCKET = 1, G_SO_ATTACH_FILTER = 26, G_SO_ATTACH_REUSEPORT_CBPF = 51 };

/* struct sock_fprog: a count of 8-byte BPF instructions and a pointer. */
typedef struct guest_fprog {
    uint16_t len;
    uint16_t pad[3];
    uint64_t filter;
} guest_fprog;

/* setsockopt(fd, level, name, val, len): the payloads are plain data,
 * except a classic BPF program, whose instruction pointer is converted. */
long rt_sys_setsockopt(rt_proc *p, const uint64_t *a) {
    int fd = rt_sys_int(a[0]), level = rt_sys_int(a[1]), name = rt_sys_int(a[2]);
    int len = rt_sys_int(a[4]);
    if (len < 0)
        return -EINVAL;
    if (len > MAX_OPTLEN)
        len = MAX_OPTLEN;
    bool ok;
    const void *val = opt_buf(p, a[3], (uint64_t)len, MMU_R, &ok);
    if (!ok)
        return -EFAULT;
    if (level == G_SOL_SOCKET &&
        (name == G_SO_ATTACH_FILTER || name == G_SO_ATTACH_REUSEPORT_CBPF)) {
        guest_fprog g;
        if ((size_t)len < sizeof g)
            return -EINVAL;
        memcpy(&g, val, sizeof g);
        const void *insns = mmu_host_ptr(p->mm, g.filter, (uint64_t)g.len * 8, MMU_R);
        if (!insns && g.len)
            return -EFAULT;
        struct {
            unsigned short len;
            const void *filter;
        } h = {g.len, insns};
        return rt_sys_ret(setsockopt(fd, level, name, &h, sizeof h));
    }
    return rt_sys_ret(setsockopt(fd, level, name, val, (socklen_t)len));
}

/* getsockopt(fd, level, name, val, lenp) */
long rt_sys_getsockopt(rt_proc *p, const uint64_t *a) {
    socklen_t *lenp = mmu_host_ptr(p->mm, a[4], sizeof *lenp, MMU_R | MMU_W);
    if (!lenp)
        return -EFAULT;
    if ((int)*lenp < 0)
        return -EINVAL;
    socklen_t len = *lenp > MAX_OPTLEN ? MAX_OPTLEN : *lenp;
    bool ok;
    void *val = opt_buf(p, a[3], len, MMU_W, &ok);
    if (!ok)
        return -EFAULT;
    long r = getsockopt(rt_sys_int(a[0]), rt_sys_int(a[1]), rt_sys_int(a[2]), val, &len);
    if (r < 0)
        return -errno;
    *lenp = len;
    return 0;
}

/* ---- sendmsg, recvmsg and the multi-message forms ---- */

/* Builds the host msghdr for the guest one at addr: its name, iovecs and
 * control buffer become host pointers into guest memory (prot MMU_R to
 * send, MMU_W to receive).  *iov receives the iovec array to free. */
static long msg_in(rt_proc *p, const guest_msghdr *g, int prot, struct msghdr *h,
                   struct iovec **iov) {
    memset(h, 0, sizeof *h);
    *iov = NULL;
    if (g->iovlen > MAX_IOV)
        return -EMSGSIZE;
    if ((int32_t)g->namelen < 0)
        return -EINVAL;
    bool ok;
    uint32_t namelen = g->namelen > MAX_ADDRLEN ? MAX_ADDRLEN : g->namelen; /* as Linux */
    h->msg_name = opt_buf(p, g->name, namelen, prot, &ok);
    if (!ok)
        return -EFAULT;
    h->msg_namelen = g->name ? namelen : 0;
    if (g->controllen > INT32_MAX)
        return -ENOBUFS;
    h->msg_control = opt_buf(p, g->control, g->controllen, prot, &ok);
    if (!ok)
        return -EFAULT;
    h->msg_controllen = g->control ? g->controllen : 0;
    h->msg_flags = g->flags;
    if (g->iovlen) {
        *iov = calloc(g->iovlen, sizeof **iov);
        if (!*iov)
            return -ENOMEM;
        for (uint64_t i = 0; i < g->iovlen; i++) {
            uint64_t e[2];
            if (mmu_read(p->mm, g->iov + 16 * i, e, sizeof e))
                return -EFAULT;
            if (e[1] > (uint64_t)INT64_MAX)
                return -EINVAL;
            void *base = mmu_host_ptr(p->mm, e[0], e[1], prot);
            if (!base)
                return -EFAULT;
            (*iov)[i].iov_base = base;
            (*iov)[i].iov_len = e[1];
        }
    }
    h->msg_iov = *iov;
    h->msg_iovlen = g->iovlen;
    return 0;
}

/* Writes back what a receive changes in the guest msghdr at addr: the
 * address and control lengths and the flags. */
static long msg_out(rt_proc *p, uint64_t addr, const struct msghdr *h) {
    uint32_t namelen = h->msg_namelen;
    uint64_t controllen = h->msg_controllen;
    int32_t flags = h->msg_flags;
    if (mmu_write(p->mm, addr + offsetof(guest_msghdr, namelen), &namelen, sizeof namelen) ||
        mmu_write(p->mm, addr + offsetof(guest_msghdr, controllen), &controllen,
                  sizeof controllen) ||
        mmu_write(p->mm, addr + offsetof(guest_msghdr, flags), &flags, sizeof flags))
        return -EFAULT;
    return 0;
}

static long do_msg(rt_proc *p, const uint64_t *a, bool send) {
    guest_msghdr g;
    if (mmu_read(p->mm, a[1], &g, sizeof g))
        return -EFAULT;
    struct msghdr h;
    struct iovec *iov;
    long r = msg_in(p, &g, send ? MMU_R : MMU_W, &h, &iov);
    if (!r) {
        int fd = rt_sys_int(a[0]), flags = rt_sys_int(a[2]);
        r = rt_sys_blocking(p, send ? SYS_sendmsg : SYS_recvmsg, fd, (long)&h, flags, 0, 0, 0);
        if (r >= 0 && !send && msg_out(p, a[1], &h))
            r = -EFAULT;
    }
    free(iov);
    return r;
}

long rt_sys_sendmsg(rt_proc *p, const uint64_t *a) {
    return do_msg(p, a, true);
}

long rt_sys_recvmsg(rt_proc *p, const uint64_t *a) {
    return do_msg(p, a, false);
}

/* sendmmsg(fd, vec, vlen, flags) and recvmmsg(fd, vec, vlen, flags,
 * timeout): the host array is rebuilt message by message; msg_len (and
 * for receives the msghdr lengths and flags) of the messages done are
 * written back. */
static long do_mmsg(rt_proc *p, const uint64_t *a, bool send) {
    uint64_t vlen = (uint32_t)a[2] > MAX_IOV ? MAX_IOV : (uint32_t)a[2];
    if (vlen == 0)
        return 0;
    struct mmsghdr *h = calloc(vlen, sizeof *h);
    struct iovec **iovs = calloc(vlen, sizeof *iovs);
    long r = h && iovs ? 0 : -ENOMEM;
    for (uint64_t i = 0; !r && i < vlen; i++) {
        guest_mmsghdr g;
        if (mmu_read(p->mm, a[1] + i * sizeof g, &g, sizeof g))
            r = -EFAULT;
        else
            r = msg_in(p, &g.hdr, send ? MMU_R : MMU_W, &h[i].msg_hdr, &iovs[i]);
    }
    struct timespec *ts = NULL;
    if (!r && !send && a[4] && !(ts = mmu_host_ptr(p->mm, a[4], sizeof *ts, MMU_R | MMU_W)))
        r = -EFAULT;
    if (!r) {
        int fd = rt_sys_int(a[0]), flags = rt_sys_int(a[3]);
        r = rt_sys_blocking(p, send ? SYS_sendmmsg : SYS_recvmmsg, fd, (long)h, (long)vlen, flags,
                            (long)ts, 0);
    }
    for (long i = 0; r > 0 && i < r; i++) {
        uint64_t at = a[1] + (uint64_t)i * sizeof(guest_mmsghdr);
        uint32_t len = h[i].msg_len;
        if (mmu_write(p->mm, at + offsetof(guest_mmsghdr, len), &len, sizeof len) ||
            (!send && msg_out(p, at, &h[i].msg_hdr)))
            r = -EFAULT;
    }
    for (uint64_t i = 0; iovs && i < vlen; i++)
        free(iovs[i]);
    free(iovs);
    free(h);
    return r;
}

long rt_sys_sendmmsg(rt_proc *p, const uint64_t *a) {
    return do_mmsg(p, a, true);
}

long rt_sys_recvmmsg(rt_proc *p, const uint64_t *a) {
    return do_mmsg(p, a, false);
}
