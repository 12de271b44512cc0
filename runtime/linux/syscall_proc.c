/*
 * syscall_proc.c — process and system information: exit, ids, credentials,
 * tid/robust-list registration, uname, sysinfo, resource limits and usage,
 * scheduling, prctl, getrandom, the riscv64 calls (hwprobe, flush_icache),
 * and the clone/clone3 dispatcher (threads here, processes in
 * syscall_fork.c).
 *
 * The guest is one host process, so ids, credentials and most limits are
 * the host's.  Credential changes go through the glibc wrappers, which
 * apply them to every host thread (liftvm has helper threads).
 */
#include "runtime/linux/syscall_priv.h"

#include <grp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <unistd.h>

/* ---- exit ---- */

/* exit_group ends the process; exit ends the calling thread, and the last
 * one out ends the process with its status (rt_thread.c). */
long rt_sys_exit_group(rt_proc *p, const uint64_t *a) {
    rt_thread_group_exit(p, (int)(a[0] & 0xff));
    return 0;
}

long rt_sys_exit(rt_proc *p, const uint64_t *a) {
    rt_thread *t = rt_thread_current(p);
    if (!t)
        return rt_sys_exit_group(p, a);
    rt_thread_exit(t, (int)(a[0] & 0xff));
    return 0;
}

/* ---- ids and credentials ---- */

long rt_sys_getpid(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return getpid();
}

long rt_sys_getppid(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return getppid();
}

long rt_sys_gettid(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return gettid();
}

long rt_sys_getuid(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return getuid();
}

long rt_sys_geteuid(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return geteuid();
}

long rt_sys_getgid(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return getgid();
}

long rt_sys_getegid(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return getegid();
}

/* Writes three 32-bit ids to three guest pointers. */
static long store_ids(rt_proc *p, const uint64_t *a, uint32_t r, uint32_t e, uint32_t s) {
    if (mmu_write(p->mm, a[0], &r, 4) || mmu_write(p->mm, a[1], &e, 4) ||
        mmu_write(p->mm, a[2], &s, 4))
        return -EFAULT;
    return 0;
}

long rt_sys_getresuid(rt_proc *p, const uint64_t *a) {
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    return store_ids(p, a, r, e, s);
}

long rt_sys_getresgid(rt_proc *p, const uint64_t *a) {
    gid_t r, e, s;
    getresgid(&r, &e, &s);
    return store_ids(p, a, r, e, s);
}

long rt_sys_setuid(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(setuid((uid_t)a[0]));
}

long rt_sys_setgid(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(setgid((gid_t)a[0]));
}

long rt_sys_setreuid(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(setreuid((uid_t)a[0], (uid_t)a[1]));
}

long rt_sys_setregid(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(setregid((gid_t)a[0], (gid_t)a[1]));
}

long rt_sys_setresuid(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(setresuid((uid_t)a[0], (uid_t)a[1], (uid_t)a[2]));
}

long rt_sys_setresgid(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(setresgid((gid_t)a[0], (gid_t)a[1], (gid_t)a[2]));
}

/* setfsuid/setfsgid return the previous id and never fail. */
long rt_sys_setfsuid(rt_proc *p, const uint64_t *a) {
    (void)p;
    return syscall(SYS_setfsuid, (uid_t)a[0]);
}

long rt_sys_setfsgid(rt_proc *p, const uint64_t *a) {
    (void)p;
    return syscall(SYS_setfsgid, (gid_t)a[0]);
}

/* gid_t is 32 bits on both sides. */
long rt_sys_getgroups(rt_proc *p, const uint64_t *a) {
    int n = rt_sys_int(a[0]);
    if (n < 0)
        return -EINVAL;
    if (n == 0)
        return rt_sys_ret(getgroups(0, NULL));
    if (n > 65536)
        n = 65536;
    gid_t *g = mmu_host_ptr(p->mm, a[1], (uint64_t)n * sizeof(gid_t), MMU_W);
    if (!g)
        return -EFAULT;
    return rt_sys_ret(getgroups(n, g));
}

long rt_sys_setgroups(rt_proc *p, const uint64_t *a) {
    int n = rt_sys_int(a[0]);
    if (n < 0 || n > 65536)
        return -EINVAL;
    const gid_t *g = n ? mmu_host_ptr(p->mm, a[1], (uint64_t)n * sizeof(gid_t), MMU_R) : NULL;
    if (n && !g)
        return -EFAULT;
    return rt_sys_ret(setgroups((size_t)n, g));
}

long rt_sys_getpgid(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(getpgid(rt_sys_int(a[0])));
}

long rt_sys_setpgid(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(setpgid(rt_sys_int(a[0]), rt_sys_int(a[1])));
}

long rt_sys_getsid(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(getsid(rt_sys_int(a[0])));
}

long rt_sys_setsid(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return rt_sys_ret(setsid());
}

/* ---- thread registration ---- */

long rt_sys_set_tid_address(rt_proc *p, const uint64_t *a) {
    rt_thread *t = rt_thread_current(p);
    if (!t)
        return -ENOMEM;
    t->clear_child_tid = a[0];
    return t->tid;
}

/* struct robust_list_head is three guest words. */
#define ROBUST_HEAD_SIZE 24

long rt_sys_set_robust_list(rt_proc *p, const uint64_t *a) {
    if (a[1] != ROBUST_HEAD_SIZE)
        return -EINVAL;
    rt_thread *t = rt_thread_current(p);
    if (!t)
        return -ENOMEM;
    t->robust_list = a[0];
    t->robust_len = a[1];
    return 0;
}

long rt_sys_get_robust_list(rt_proc *p, const uint64_t *a) {
    int pid = rt_sys_int(a[0]);
    if (pid != 0 && pid != gettid())
        return -ESRCH;
    uint64_t len = ROBUST_HEAD_SIZE;
    rt_thread *t = rt_thread_current(p);
    if (!t)
        return -ENOMEM;
    if (mmu_write(p->mm, a[1], &t->robust_list, 8) || mmu_write(p->mm, a[2], &len, 8))
        return -EFAULT;
    return 0;
}

/* glibc treats ENOSYS as "no rseq" and carries on. */
long rt_sys_rseq(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return -ENOSYS;
}

/* ---- clone ----
 *
 * clone and clone3 decode into one rt_clone_args.  CLONE_VM without
 * CLONE_VFORK makes a thread in the same address space; everything else is
 * a new process (rt_sys_fork, syscall_fork.c). */

static long clone_dispatch(rt_proc *p, const rt_clone_args *ca) {
    uint64_t f = ca->flags;
    if (!(f & RT_CLONE_VM) || (f & RT_CLONE_VFORK))
        return rt_sys_fork(p, ca);
    if (((f & RT_CLONE_THREAD) && !(f & RT_CLONE_SIGHAND)) || (f & RT_CLONE_PIDFD))
        return -EINVAL;
    if (!(f & RT_CLONE_THREAD) || ca->exit_signal)
        rt_sys_unimp("clone flags %#llx exit signal %d: made a thread", (unsigned long long)f,
                     ca->exit_signal);
    rt_thread *t = rt_thread_current(p);
    if (!t)
        return -ENOMEM;
    return rt_thread_clone(p, t, f, ca->stack, ca->parent_tid, ca->tls, ca->child_tid);
}

/* clone(flags, newsp, parent_tid, tls, child_tid): riscv's kernel selects
 * CLONE_BACKWARDS, so tls comes before child_tid (glibc's clone.S passes
 * them in a3, a4).  CLONE_PIDFD stores the pidfd at parent_tid, so it
 * excludes CLONE_PARENT_SETTID. */
long rt_sys_clone(rt_proc *p, const uint64_t *a) {
    uint64_t flags = a[0] & 0xffffffffull;
    if ((flags & RT_CLONE_PIDFD) && (flags & RT_CLONE_PARENT_SETTID))
        return -EINVAL;
    rt_clone_args ca = {.flags = flags & ~(uint64_t)RT_CSIGNAL,
                        .exit_signal = (int)(flags & RT_CSIGNAL),
                        .stack = a[1],
                        .parent_tid = a[2],
                        .pidfd = a[2],
                        .tls = a[3],
                        .child_tid = a[4]};
    return clone_dispatch(p, &ca);
}

/* struct clone_args of clone3: eleven u64 (88 bytes, version 2). */
enum { CLONE_ARGS_V0 = 64, CLONE_ARGS_MAX = 88 };

long rt_sys_clone3(rt_proc *p, const uint64_t *a) {
    uint64_t size = a[1];
    if (size < CLONE_ARGS_V0)
        return -EINVAL;
    if (size > MMU_PAGE_SIZE)
        return -E2BIG;
    uint64_t v[CLONE_ARGS_MAX / 8] = {0};
    if (mmu_read(p->mm, a[0], v, size < sizeof v ? (size_t)size : sizeof v))
        return -EFAULT;
    for (uint64_t off = sizeof v; off < size; off++) { /* unknown tail must be zero */
        uint8_t b;
        if (mmu_read(p->mm, a[0] + off, &b, 1))
            return -EFAULT;
        if (b)
            return -E2BIG;
    }
    uint64_t flags = v[0], exit_signal = v[4], stack = v[5], stack_size = v[6];
    if ((flags & RT_CSIGNAL) || exit_signal > RT_SIG_MAX)
        return -EINVAL;
    if ((stack == 0) != (stack_size == 0))
        return -EINVAL;
    if (v[9] /* set_tid_size */) {
        rt_sys_unimp("clone3 set_tid");
        return -EPERM; /* needs CAP_SYS_ADMIN over the pid namespace */
    }
    if (flags & RT_CLONE_INTO_CGROUP) {
        rt_sys_unimp("clone3 CLONE_INTO_CGROUP");
        return -EINVAL;
    }
    rt_clone_args ca = {.flags = flags,
                        .exit_signal = (int)exit_signal,
                        .stack = stack ? stack + stack_size : 0, /* the stack grows down */
                        .pidfd = v[1],
                        .child_tid = v[2],
                        .parent_tid = v[3],
                        .tls = v[7]};
    return clone_dispatch(p, &ca);
}

/* ---- system information ---- */

/* struct utsname is six 65-byte strings everywhere; the machine is the
 * guest's. */
long rt_sys_uname(rt_proc *p, const uint64_t *a) {
    struct utsname u;
    if (uname(&u) < 0)
        return -errno;
    memset(u.machine, 0, sizeof u.machine);
    strncpy(u.machine, p->arch->name, sizeof u.machine - 1);
    return mmu_write(p->mm, a[0], &u, sizeof u) ? -EFAULT : 0;
}

long rt_sys_sethostname(rt_proc *p, const uint64_t *a) {
    if (a[1] > 64)
        return -EINVAL;
    char name[65];
    if (mmu_read(p->mm, a[0], name, (size_t)a[1]))
        return -EFAULT;
    return rt_sys_ret(sethostname(name, (size_t)a[1]));
}

/* struct sysinfo for 64-bit asm-generic guests (112 bytes). */
typedef struct guest_sysinfo {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    uint32_t pad3;
} guest_sysinfo;
_Static_assert(sizeof(guest_sysinfo) == 112, "struct sysinfo is 112 bytes");

long rt_sys_sysinfo(rt_proc *p, const uint64_t *a) {
    struct sysinfo h;
    if (sysinfo(&h) < 0)
        return -errno;
    guest_sysinfo g;
    memset(&g, 0, sizeof g);
    g.uptime = h.uptime;
    for (int i = 0; i < 3; i++)
        g.loads[i] = h.loads[i];
    g.totalram = h.totalram;
    g.freeram = h.freeram;
    g.sharedram = h.sharedram;
    g.bufferram = h.bufferram;
    g.totalswap = h.totalswap;
    g.freeswap = h.freeswap;
    g.procs = h.procs;
    g.totalhigh = h.totalhigh;
    g.freehigh = h.freehigh;
    g.mem_unit = h.mem_unit;
    return mmu_write(p->mm, a[0], &g, sizeof g) ? -EFAULT : 0;
}

/* syslog(type, buf, len), for dmesg: the read actions (2, 3, 4) fill buf. */
long rt_sys_syslog(rt_proc *p, const uint64_t *a) {
    int type = rt_sys_int(a[0]), len = rt_sys_int(a[2]);
    void *buf = NULL;
    if (type >= 2 && type <= 4) {
        if (len < 0)
            return -EINVAL;
        if (len && !(buf = mmu_host_ptr(p->mm, a[1], (uint64_t)len, MMU_W)))
            return -EFAULT;
    }
    return rt_sys_ret(syscall(SYS_syslog, type, buf, len));
}

/* personality: only PER_LINUX; 0xffffffff queries. */
long rt_sys_personality(rt_proc *p, const uint64_t *a) {
    (void)p;
    uint32_t persona = (uint32_t)a[0];
    if (persona == 0xffffffffu || persona == 0)
        return 0;
    rt_sys_unimp("personality %#x", persona);
    return -EINVAL;
}

/* ---- resource limits and usage ---- */

/* Limits the guest may not lower for the host process: liftvm's own
 * reservations and threads depend on them (qemu-user ignores these too). */
static bool limit_is_emulated(int res) {
    return res == RLIMIT_AS || res == RLIMIT_DATA || res == RLIMIT_STACK;
}

/* prlimit for this process: struct rlimit is two u64 on both sides and the
 * RLIMIT_* numbers agree. */
static long own_prlimit(rt_proc *p, int res, uint64_t new_addr, uint64_t old_addr) {
    if (res < 0 || res >= RLIM_NLIMITS)
        return -EINVAL;
    struct rlimit old, nw;
    if (new_addr) {
        uint64_t v[2];
        if (mmu_read(p->mm, new_addr, v, sizeof v))
            return -EFAULT;
        nw.rlim_cur = v[0];
        nw.rlim_max = v[1];
        if (nw.rlim_cur > nw.rlim_max)
            return -EINVAL;
    }
    if (old_addr && !mmu_check(p->mm, old_addr, 16, MMU_W))
        return -EFAULT;
    if (getrlimit(res, &old) < 0)
        return -errno;
    if (new_addr && !limit_is_emulated(res) && setrlimit(res, &nw) < 0)
        return -errno;
    if (old_addr) {
        uint64_t v[2] = {old.rlim_cur, old.rlim_max};
        if (mmu_write(p->mm, old_addr, v, sizeof v))
            return -EFAULT;
    }
    return 0;
}

long rt_sys_getrlimit(rt_proc *p, const uint64_t *a) {
    if (!a[1])
        return -EFAULT;
    return own_prlimit(p, rt_sys_int(a[0]), 0, a[1]);
}

long rt_sys_setrlimit(rt_proc *p, const uint64_t *a) {
    if (!a[1])
        return -EFAULT;
    return own_prlimit(p, rt_sys_int(a[0]), a[1], 0);
}

long rt_sys_prlimit64(rt_proc *p, const uint64_t *a) {
    int pid = rt_sys_int(a[0]);
    int res = rt_sys_int(a[1]);
    if (pid == 0 || pid == getpid())
        return own_prlimit(p, res, a[2], a[3]);
    struct rlimit nw, old;
    if (a[2]) {
        uint64_t v[2];
        if (mmu_read(p->mm, a[2], v, sizeof v))
            return -EFAULT;
        nw.rlim_cur = v[0];
        nw.rlim_max = v[1];
    }
    if (prlimit(pid, res, a[2] ? &nw : NULL, a[3] ? &old : NULL) < 0)
        return -errno;
    if (a[3]) {
        uint64_t v[2] = {old.rlim_cur, old.rlim_max};
        if (mmu_write(p->mm, a[3], v, sizeof v))
            return -EFAULT;
    }
    return 0;
}

/* struct rusage: two timevals and fourteen longs, the same on both sides. */
long rt_sys_getrusage(rt_proc *p, const uint64_t *a) {
    struct rusage ru;
    if (getrusage(rt_sys_int(a[0]), &ru) < 0)
        return -errno;
    int64_t g[18] = {ru.ru_utime.tv_sec,  ru.ru_utime.tv_usec, ru.ru_stime.tv_sec,
                     ru.ru_stime.tv_usec, ru.ru_maxrss,        ru.ru_ixrss,
                     ru.ru_idrss,         ru.ru_isrss,         ru.ru_minflt,
                     ru.ru_majflt,        ru.ru_nswap,         ru.ru_inblock,
                     ru.ru_oublock,       ru.ru_msgsnd,        ru.ru_msgrcv,
                     ru.ru_nsignals,      ru.ru_nvcsw,         ru.ru_nivcsw};
    return mmu_write(p->mm, a[1], g, sizeof g) ? -EFAULT : 0;
}

/* The raw call returns 20 - nice, as the guest's libc expects. */
long rt_sys_getpriority(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(syscall(SYS_getpriority, rt_sys_int(a[0]), rt_sys_int(a[1])));
}

long rt_sys_setpriority(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(
        syscall(SYS_setpriority, rt_sys_int(a[0]), rt_sys_int(a[1]), rt_sys_int(a[2])));
}

/* ---- scheduling ---- */

#define AFFINITY_MAX 8192

long rt_sys_sched_getaffinity(rt_proc *p, const uint64_t *a) {
    uint64_t len = a[1] > AFFINITY_MAX ? AFFINITY_MAX : a[1];
    uint8_t mask[AFFINITY_MAX];
    long r = syscall(SYS_sched_getaffinity, rt_sys_int(a[0]), (size_t)len, mask);
    if (r < 0)
        return -errno;
    return mmu_write(p->mm, a[2], mask, (size_t)r) ? -EFAULT : r;
}

long rt_sys_sched_setaffinity(rt_proc *p, const uint64_t *a) {
    uint64_t len = a[1] > AFFINITY_MAX ? AFFINITY_MAX : a[1];
    uint8_t mask[AFFINITY_MAX];
    if (mmu_read(p->mm, a[2], mask, (size_t)len))
        return -EFAULT;
    return rt_sys_ret(syscall(SYS_sched_setaffinity, rt_sys_int(a[0]), (size_t)len, mask));
}

long rt_sys_sched_yield(rt_proc *p, const uint64_t *a) {
    (void)p;
    (void)a;
    return rt_sys_ret(sched_yield());
}

long rt_sys_sched_getscheduler(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(syscall(SYS_sched_getscheduler, rt_sys_int(a[0])));
}

long rt_sys_sched_getparam(rt_proc *p, const uint64_t *a) {
    int32_t prio;
    if (syscall(SYS_sched_getparam, rt_sys_int(a[0]), &prio) < 0)
        return -errno;
    return mmu_write(p->mm, a[1], &prio, sizeof prio) ? -EFAULT : 0;
}

long rt_sys_sched_get_priority_max(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(sched_get_priority_max(rt_sys_int(a[0])));
}

long rt_sys_sched_get_priority_min(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(sched_get_priority_min(rt_sys_int(a[0])));
}

/* struct sched_param is one int on both sides; the policies agree. */
long rt_sys_sched_setparam(rt_proc *p, const uint64_t *a) {
    int32_t prio;
    if (!a[1] || mmu_read(p->mm, a[1], &prio, sizeof prio))
        return a[1] ? -EFAULT : -EINVAL;
    return rt_sys_ret(syscall(SYS_sched_setparam, rt_sys_int(a[0]), &prio));
}

long rt_sys_sched_setscheduler(rt_proc *p, const uint64_t *a) {
    int32_t prio;
    if (!a[2] || mmu_read(p->mm, a[2], &prio, sizeof prio))
        return a[2] ? -EFAULT : -EINVAL;
    return rt_sys_ret(syscall(SYS_sched_setscheduler, rt_sys_int(a[0]), rt_sys_int(a[1]), &prio));
}

/* struct timespec is two 64-bit words on both sides. */
long rt_sys_sched_rr_get_interval(rt_proc *p, const uint64_t *a) {
    struct timespec ts;
    if (syscall(SYS_sched_rr_get_interval, rt_sys_int(a[0]), &ts) < 0)
        return -errno;
    int64_t g[2] = {ts.tv_sec, ts.tv_nsec};
    return mmu_write(p->mm, a[1], g, sizeof g) ? -EFAULT : 0;
}

long rt_sys_getcpu(rt_proc *p, const uint64_t *a) {
    unsigned cpu, node;
    if (syscall(SYS_getcpu, &cpu, &node, NULL) < 0)
        return -errno;
    if ((a[0] && mmu_write(p->mm, a[0], &cpu, 4)) || (a[1] && mmu_write(p->mm, a[1], &node, 4)))
        return -EFAULT;
    return 0;
}

/* ---- prctl ---- */

enum { G_PR_SET_NAME = 15, G_PR_GET_NAME = 16 };

long rt_sys_prctl(rt_proc *p, const uint64_t *a) {
    int option = rt_sys_int(a[0]);
    switch (option) {
    case G_PR_SET_NAME: {
        char name[16];
        long n = mmu_read_str(p->mm, a[1], name, sizeof name);
        if (n < 0 && n != -ENAMETOOLONG) /* longer names are cut to 15 bytes */
            return -EFAULT;
        memcpy(p->sys->comm, name, sizeof name);
        return 0;
    }
    case G_PR_GET_NAME:
        return mmu_write(p->mm, a[1], p->sys->comm, sizeof p->sys->comm) ? -EFAULT : 0;
    default:
        rt_sys_unimp("prctl option %d", option);
        return -EINVAL;
    }
}

/* ---- randomness ---- */

long rt_sys_getrandom(rt_proc *p, const uint64_t *a) {
    unsigned flags = (unsigned)a[2];
    if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | 4 /* GRND_INSECURE */))
        return -EINVAL;
    uint64_t n = a[1] > 0x2000000 ? 0x2000000 : a[1]; /* Linux returns at most 32 MiB */
    void *buf = mmu_host_ptr(p->mm, a[0], n, MMU_W);
    if (!buf)
        return -EFAULT;
    return rt_sys_ret(syscall(SYS_getrandom, buf, (size_t)n, flags));
}

/* ---- riscv64 ---- */

/* Keys and values of Linux's uapi asm/hwprobe.h. */
enum {
    HWPROBE_MVENDORID = 0,
    HWPROBE_MARCHID = 1,
    HWPROBE_MIMPID = 2,
    HWPROBE_BASE_BEHAVIOR = 3,
    HWPROBE_IMA_EXT_0 = 4,
    HWPROBE_CPUPERF_0 = 5,
    HWPROBE_ZICBOZ_BLOCK_SIZE = 6,
    HWPROBE_HIGHEST_VIRT_ADDRESS = 7,
    HWPROBE_MISALIGNED_SCALAR_PERF = 9,
    HWPROBE_MISALIGNED_VECTOR_PERF = 10,

    HWPROBE_BASE_BEHAVIOR_IMA = 1,
    HWPROBE_IMA_FD = 1 << 0,
    HWPROBE_IMA_C = 1 << 1,
    HWPROBE_EXT_ZBA = 1 << 3,
    HWPROBE_EXT_ZBB = 1 << 4,
    HWPROBE_EXT_ZBS = 1 << 5,
    HWPROBE_MISALIGNED_SLOW = 2,
    HWPROBE_MISALIGNED_UNSUPPORTED = 4,
};

/* riscv_hwprobe(pairs, count, cpusetsize, cpus, flags): every host CPU runs
 * the same guest hart, so the cpu set only needs to be readable. */
long rt_sys_riscv_hwprobe(rt_proc *p, const uint64_t *a) {
    uint64_t count = a[1];
    if (a[4] != 0)
        return -EINVAL;
    if (a[2] && !mmu_check(p->mm, a[3], a[2], MMU_R))
        return -EFAULT;
    if (count > (1u << 16))
        return -EINVAL;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t pair[2];
        uint64_t at = a[0] + 16 * i;
        if (mmu_read(p->mm, at, pair, sizeof pair))
            return -EFAULT;
        int64_t key = (int64_t)pair[0];
        uint64_t value = 0;
        switch (key) {
        case HWPROBE_MVENDORID:
        case HWPROBE_MARCHID:
        case HWPROBE_MIMPID:
        case HWPROBE_ZICBOZ_BLOCK_SIZE:
            value = 0;
            break;
        case HWPROBE_BASE_BEHAVIOR:
            value = HWPROBE_BASE_BEHAVIOR_IMA;
            break;
        case HWPROBE_IMA_EXT_0:
            value = HWPROBE_IMA_FD | HWPROBE_IMA_C | HWPROBE_EXT_ZBA | HWPROBE_EXT_ZBB |
                    HWPROBE_EXT_ZBS;
            break;
        case HWPROBE_CPUPERF_0:
        case HWPROBE_MISALIGNED_SCALAR_PERF:
            value = HWPROBE_MISALIGNED_SLOW;
            break;
        case HWPROBE_MISALIGNED_VECTOR_PERF:
            value = HWPROBE_MISALIGNED_UNSUPPORTED;
            break;
        case HWPROBE_HIGHEST_VIRT_ADDRESS:
            value = mmu_limit(p->mm) - 1;
            break;
        default:
            pair[0] = (uint64_t)-1;
            value = 0;
        }
        pair[1] = value;
        if (mmu_write(p->mm, at, pair, sizeof pair))
            return -EFAULT;
    }
    return 0;
}

/* Guest code is re-decoded from memory when it changes through the normal
 * invalidation paths; the call itself has nothing left to do. */
/* riscv_flush_icache: Linux flushes the whole instruction cache whatever
 * the range, so every translation is dropped (programs may pass a range
 * smaller than what they changed). */
long rt_sys_riscv_flush_icache(rt_proc *p, const uint64_t *a) {
    if (a[2] & ~(uint64_t)1) /* SYS_RISCV_FLUSH_ICACHE_LOCAL */
        return -EINVAL;
    rt_code_invalidate(p, 0, UINT64_MAX);
    return 0;
}

/* membarrier: with one guest thread no command is needed; QUERY reports
 * none so callers fall back. */
long rt_sys_membarrier(rt_proc *p, const uint64_t *a) {
    (void)p;
    if (rt_sys_int(a[0]) == 0)
        return 0;
    rt_sys_unimp("membarrier command %d", rt_sys_int(a[0]));
    return -EINVAL;
}
