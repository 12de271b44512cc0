/*
 * syscall_time.c — clocks and sleeping: clock_gettime, clock_getres,
 * gettimeofday, clock_nanosleep, nanosleep, times.
 *
 * struct timespec and struct timeval are two 64-bit words on both sides and
 * the clock ids agree (including the negative CPU-time clock ids), so the
 * calls go to the host and the results are copied into guest memory.
 */
#include "runtime/linux/syscall_priv.h"

#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static int store_pair(rt_proc *p, uint64_t addr, int64_t a, int64_t b) {
    int64_t raw[2] = {a, b};
    return mmu_write(p->mm, addr, raw, sizeof raw);
}

static int load_timespec(rt_proc *p, uint64_t addr, struct timespec *ts) {
    int64_t raw[2];
    if (mmu_read(p->mm, addr, raw, sizeof raw))
        return -EFAULT;
    ts->tv_sec = raw[0];
    ts->tv_nsec = raw[1];
    return 0;
}

long rt_sys_clock_gettime(rt_proc *p, const uint64_t *a) {
    struct timespec ts;
    if (clock_gettime((clockid_t)rt_sys_int(a[0]), &ts) < 0)
        return -errno;
    return store_pair(p, a[1], ts.tv_sec, ts.tv_nsec) ? -EFAULT : 0;
}

long rt_sys_clock_getres(rt_proc *p, const uint64_t *a) {
    struct timespec ts;
    if (clock_getres((clockid_t)rt_sys_int(a[0]), &ts) < 0)
        return -errno;
    if (a[1] && store_pair(p, a[1], ts.tv_sec, ts.tv_nsec))
        return -EFAULT;
    return 0;
}

/* gettimeofday(tv, tz): both may be NULL; struct timezone is two ints. */
long rt_sys_gettimeofday(rt_proc *p, const uint64_t *a) {
    struct timeval tv;
    struct timezone tz;
    if (syscall(SYS_gettimeofday, &tv, &tz) < 0)
        return -errno;
    if (a[0] && store_pair(p, a[0], tv.tv_sec, tv.tv_usec))
        return -EFAULT;
    int32_t z[2] = {tz.tz_minuteswest, tz.tz_dsttime};
    if (a[1] && mmu_write(p->mm, a[1], z, sizeof z))
        return -EFAULT;
    return 0;
}

/* clock_nanosleep(clock, flags, req, rem): rem gets the time left when a
 * relative sleep is interrupted. */
long rt_sys_clock_nanosleep(rt_proc *p, const uint64_t *a) {
    struct timespec req, rem = {0, 0};
    if (load_timespec(p, a[2], &req))
        return -EFAULT;
    int flags = rt_sys_int(a[1]);
    long r = rt_sys_blocking(p, SYS_clock_nanosleep, rt_sys_int(a[0]), flags, (long)&req,
                             (long)&rem, 0, 0);
    if (r < 0) {
        if (r == -EINTR && a[3] && !(flags & TIMER_ABSTIME) &&
            store_pair(p, a[3], rem.tv_sec, rem.tv_nsec))
            return -EFAULT;
    }
    return r;
}

long rt_sys_nanosleep(rt_proc *p, const uint64_t *a) {
    struct timespec req, rem = {0, 0};
    if (load_timespec(p, a[0], &req))
        return -EFAULT;
    long r = rt_sys_blocking(p, SYS_nanosleep, (long)&req, (long)&rem, 0, 0, 0, 0);
    if (r < 0) {
        if (r == -EINTR && a[1] && store_pair(p, a[1], rem.tv_sec, rem.tv_nsec))
            return -EFAULT;
    }
    return r;
}

/* times(buf): struct tms is four longs; returns clock ticks since boot. */
long rt_sys_times(rt_proc *p, const uint64_t *a) {
    struct tms t;
    long r = syscall(SYS_times, &t); /* cannot fail with a host buffer */
    int64_t g[4] = {t.tms_utime, t.tms_stime, t.tms_cutime, t.tms_cstime};
    if (a[0] && mmu_write(p->mm, a[0], g, sizeof g))
        return -EFAULT;
    return r;
}
