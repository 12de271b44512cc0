/*
 * syscall_event.c — event file descriptors: epoll, timerfd, inotify,
 * eventfd.
 *
 * struct epoll_event is the one layout here that differs: x86-64 packs it
 * into 12 bytes ({u32 events; u64 data}), the asm-generic guests pad it to
 * 16, so events are converted one by one.  The timerfd itimerspec, the
 * inotify_event records and the flag bits (O_CLOEXEC / O_NONBLOCK, EPOLL*,
 * IN_*) agree on both sides.
 */
#include "runtime/linux/syscall_priv.h"

#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

enum { G_O_CLOEXEC = 02000000, G_O_NONBLOCK = 04000 };

/* Guest struct epoll_event: events, 4 bytes of padding, data. */
typedef struct guest_epoll_event {
    uint32_t events;
    uint32_t pad;
    uint64_t data;
} guest_epoll_event;

/* Events returned per host call; epoll_wait may return fewer than asked. */
#define EPOLL_BATCH 256

long rt_sys_epoll_create1(rt_proc *p, const uint64_t *a) {
    (void)p;
    if (a[0] & ~(uint64_t)G_O_CLOEXEC)
        return -EINVAL;
    return rt_sys_ret(epoll_create1(rt_sys_oflags_to_host(a[0])));
}

long rt_sys_epoll_ctl(rt_proc *p, const uint64_t *a) {
    int op = rt_sys_int(a[1]);
    struct epoll_event ev = {0}, *evp = NULL;
    if (op != EPOLL_CTL_DEL || a[3]) {
        guest_epoll_event g;
        if (mmu_read(p->mm, a[3], &g, sizeof g))
            return -EFAULT;
        ev.events = g.events;
        ev.data.u64 = g.data;
        evp = &ev;
    }
    return rt_sys_ret(epoll_ctl(rt_sys_int(a[0]), op, rt_sys_int(a[2]), evp));
}

/* The common part of epoll_pwait and epoll_pwait2: timeout_ms is used
 * when ts is NULL; the guest's mask is in force during the wait. */
static long epoll_wait_common(rt_proc *p, const uint64_t *a, int timeout_ms,
                              const struct timespec *ts) {
    int max = rt_sys_int(a[2]);
    if (max <= 0 || max > INT32_MAX / (int)sizeof(guest_epoll_event))
        return -EINVAL;
    if (a[4] && a[5] != 8)
        return -EINVAL;
    if (!mmu_check(p->mm, a[1], (uint64_t)max * sizeof(guest_epoll_event), MMU_W))
        return -EFAULT;
    struct epoll_event ev[EPOLL_BATCH];
    int n = max < EPOLL_BATCH ? max : EPOLL_BATCH;
    long r = ts ? rt_sys_wait_call(p, a[4], SYS_epoll_pwait2, rt_sys_int(a[0]), (long)ev, n,
                                   (long)ts, 0, 8)
                : rt_sys_wait_call(p, a[4], SYS_epoll_pwait, rt_sys_int(a[0]), (long)ev, n,
                                   timeout_ms, 0, 8);
    if (r < 0)
        return r;
    for (long i = 0; i < r; i++) {
        guest_epoll_event g = {.events = ev[i].events, .pad = 0, .data = ev[i].data.u64};
        if (mmu_write(p->mm, a[1] + (uint64_t)i * sizeof g, &g, sizeof g))
            return -EFAULT;
    }
    return r;
}

long rt_sys_epoll_pwait(rt_proc *p, const uint64_t *a) {
    return epoll_wait_common(p, a, rt_sys_int(a[3]), NULL);
}

long rt_sys_epoll_pwait2(rt_proc *p, const uint64_t *a) {
    if (!a[3])
        return epoll_wait_common(p, a, -1, NULL);
    int64_t raw[2];
    if (mmu_read(p->mm, a[3], raw, sizeof raw))
        return -EFAULT;
    struct timespec ts = {.tv_sec = raw[0], .tv_nsec = raw[1]};
    return epoll_wait_common(p, a, 0, &ts);
}

/* ---- timerfd ---- */

long rt_sys_timerfd_create(rt_proc *p, const uint64_t *a) {
    (void)p;
    if (a[1] & ~(uint64_t)(G_O_CLOEXEC | G_O_NONBLOCK))
        return -EINVAL;
    return rt_sys_ret(syscall(SYS_timerfd_create, rt_sys_int(a[0]), rt_sys_oflags_to_host(a[1])));
}

/* struct itimerspec: four 64-bit words on both sides. */
long rt_sys_timerfd_settime(rt_proc *p, const uint64_t *a) {
    int64_t nw[4], old[4];
    if (mmu_read(p->mm, a[2], nw, sizeof nw))
        return -EFAULT;
    if (a[3] && !mmu_check(p->mm, a[3], sizeof old, MMU_W))
        return -EFAULT;
    struct itimerspec hn = {{nw[0], nw[1]}, {nw[2], nw[3]}}, ho;
    if (syscall(SYS_timerfd_settime, rt_sys_int(a[0]), rt_sys_int(a[1]), &hn, &ho) < 0)
        return -errno;
    if (a[3]) {
        int64_t g[4] = {ho.it_interval.tv_sec, ho.it_interval.tv_nsec, ho.it_value.tv_sec,
                        ho.it_value.tv_nsec};
        if (mmu_write(p->mm, a[3], g, sizeof g))
            return -EFAULT;
    }
    return 0;
}

long rt_sys_timerfd_gettime(rt_proc *p, const uint64_t *a) {
    struct itimerspec h;
    if (!mmu_check(p->mm, a[1], 32, MMU_W))
        return -EFAULT;
    if (syscall(SYS_timerfd_gettime, rt_sys_int(a[0]), &h) < 0)
        return -errno;
    int64_t g[4] = {h.it_interval.tv_sec, h.it_interval.tv_nsec, h.it_value.tv_sec,
                    h.it_value.tv_nsec};
    return mmu_write(p->mm, a[1], g, sizeof g) ? -EFAULT : 0;
}

/* ---- inotify ---- */

long rt_sys_inotify_init1(rt_proc *p, const uint64_t *a) {
    (void)p;
    if (a[0] & ~(uint64_t)(G_O_CLOEXEC | G_O_NONBLOCK))
        return -EINVAL;
    return rt_sys_ret(syscall(SYS_inotify_init1, rt_sys_oflags_to_host(a[0])));
}

long rt_sys_inotify_add_watch(rt_proc *p, const uint64_t *a) {
    char path[RT_SYS_PATH_MAX];
    int r = rt_sys_path(p, a[1], path);
    if (r)
        return r;
    return rt_sys_ret(syscall(SYS_inotify_add_watch, rt_sys_int(a[0]), path, (uint32_t)a[2]));
}

long rt_sys_inotify_rm_watch(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(syscall(SYS_inotify_rm_watch, rt_sys_int(a[0]), rt_sys_int(a[1])));
}

/* ---- eventfd ---- */

/* eventfd2(initval, flags): EFD_SEMAPHORE is bit 0, EFD_CLOEXEC and
 * EFD_NONBLOCK are the O_* bits. */
long rt_sys_eventfd2(rt_proc *p, const uint64_t *a) {
    (void)p;
    if (a[1] & ~(uint64_t)(1 | G_O_CLOEXEC | G_O_NONBLOCK))
        return -EINVAL;
    int flags = (int)(a[1] & 1) | rt_sys_oflags_to_host(a[1] & ~(uint64_t)1);
    return rt_sys_ret(syscall(SYS_eventfd2, (unsigned)a[0], flags));
}
