/*
 * syscall.c — the Linux syscall dispatcher for user mode.
 *
 * One table indexed by syscall number holds the handler, the argument kinds
 * strace uses to print the call and the kind of its result.  A number with
 * no handler returns -ENOSYS and is reported under -d unimp.  The handlers
 * live in one file per concern (see syscall_priv.h).
 */
#include "runtime/linux/syscall_priv.h"
#include "llvmjit/jit_cache.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sys_entry {
    rt_sys_fn fn;
    const char *args; /* strace argument kinds, one letter each (syscall_strace.c) */
    char ret;         /* result kind: 'd' decimal, 'x' hex, 'o' octal, 'n' none */
} sys_entry;

#define S(name, args, ret) [RT_NR_##name] = {rt_sys_##name, args, ret}

/* Argument kinds: d int, l long, u unsigned, x hex, p pointer, s path,
 * D dirfd, o O_* flags, O O_* flags without an access mode, C mode if the previous O_* flags create
 * a file, m mode, a access mode, b buffer of next-arg bytes, r buffer of result bytes, P prot, M
 * mmap flags, A AT_* flags, S signal, F fcntl cmd, I ioctl cmd, f futex op, c clock, R rlimit
 * resource, W whence, h sigprocmask how, K clone flags, k clone3 args, w wait options, V string
 * array (argv), E environment array (shown as a count). */
static const sys_entry table[RT_NR_LIMIT] = {
    /* files */
    S(openat, "DsoC", 'd'),
    S(close, "d", 'd'),
    S(close_range, "ddx", 'd'),
    S(read, "dru", 'd'),
    S(write, "dbu", 'd'),
    S(readv, "dpd", 'd'),
    S(writev, "dpd", 'd'),
    S(pread64, "drul", 'd'),
    S(pwrite64, "dbul", 'd'),
    S(preadv, "dpdl", 'd'),
    S(pwritev, "dpdl", 'd'),
    S(preadv2, "dpdlxx", 'd'),
    S(pwritev2, "dpdlxx", 'd'),
    S(lseek, "dlW", 'd'),
    S(dup, "d", 'd'),
    S(dup3, "ddO", 'd'),
    S(fcntl, "dFx", 'd'),
    S(ioctl, "dIx", 'd'),
    S(pipe2, "pO", 'd'),
    S(sendfile, "ddpu", 'd'),
    S(copy_file_range, "dpdpux", 'd'),
    S(ppoll, "pdppu", 'd'),
    S(pselect6, "dpppp", 'd'),
    S(flock, "dx", 'd'),
    S(fsync, "d", 'd'),
    S(fdatasync, "d", 'd'),
    S(sync, "", 'd'),
    S(syncfs, "d", 'd'),
    S(ftruncate, "dl", 'd'),
    S(fallocate, "dxll", 'd'),
    S(fadvise64, "dllx", 'd'),
    S(getdents64, "dpu", 'd'),
    S(memfd_create, "sx", 'd'),
    S(splice, "dpdpux", 'd'),
    S(tee, "ddux", 'd'),
    /* event fds */
    S(epoll_create1, "O", 'd'),
    S(epoll_ctl, "dddp", 'd'),
    S(epoll_pwait, "dpddpu", 'd'),
    S(epoll_pwait2, "dpdppu", 'd'),
    S(timerfd_create, "cO", 'd'),
    S(timerfd_settime, "dxpp", 'd'),
    S(timerfd_gettime, "dp", 'd'),
    S(inotify_init1, "O", 'd'),
    S(inotify_add_watch, "dsx", 'd'),
    S(inotify_rm_watch, "dd", 'd'),
    S(eventfd2, "uO", 'd'),
    /* paths */
    S(faccessat, "Dsa", 'd'),
    S(faccessat2, "DsaA", 'd'),
    S(mkdirat, "Dsm", 'd'),
    S(mknodat, "Dsmx", 'd'),
    S(unlinkat, "DsA", 'd'),
    S(renameat, "DsDs", 'd'),
    S(renameat2, "DsDsx", 'd'),
    S(symlinkat, "sDs", 'd'),
    S(linkat, "DsDsA", 'd'),
    S(readlinkat, "Dsru", 'd'),
    S(fchmod, "dm", 'd'),
    S(fchmodat, "Dsm", 'd'),
    S(fchmodat2, "DsmA", 'd'),
    S(fchownat, "DsddA", 'd'),
    S(fchown, "ddd", 'd'),
    S(utimensat, "DspA", 'd'),
    S(truncate, "sl", 'd'),
    S(getcwd, "pu", 'd'),
    S(chdir, "s", 'd'),
    S(fchdir, "d", 'd'),
    S(umask, "m", 'o'),
    S(getxattr, "sspu", 'd'),
    S(lgetxattr, "sspu", 'd'),
    S(fgetxattr, "dspu", 'd'),
    S(setxattr, "ssbux", 'd'),
    S(lsetxattr, "ssbux", 'd'),
    S(fsetxattr, "dsbux", 'd'),
    S(listxattr, "spu", 'd'),
    S(llistxattr, "spu", 'd'),
    S(flistxattr, "dpu", 'd'),
    S(removexattr, "ss", 'd'),
    S(lremovexattr, "ss", 'd'),
    S(fremovexattr, "ds", 'd'),
    /* stat */
    S(fstat, "dp", 'd'),
    S(newfstatat, "DspA", 'd'),
    S(statx, "DsAxp", 'd'),
    S(statfs, "sp", 'd'),
    S(fstatfs, "dp", 'd'),
    /* memory */
    S(brk, "p", 'x'),
    S(mmap, "puPMdx", 'x'),
    S(munmap, "pu", 'd'),
    S(mprotect, "puP", 'd'),
    S(mremap, "puuxp", 'x'),
    S(madvise, "pud", 'd'),
    S(msync, "pux", 'd'),
    [RT_NR_mlock] = {rt_sys_mlock, "pu", 'd'},
    [RT_NR_munlock] = {rt_sys_mlock, "pu", 'd'},
    [RT_NR_mlock2] = {rt_sys_mlock, "pux", 'd'},
    [RT_NR_mlockall] = {rt_sys_mlock, "x", 'd'},
    [RT_NR_munlockall] = {rt_sys_mlock, "", 'd'},
    S(mincore, "pup", 'd'),
    /* process */
    S(exit, "d", 'n'),
    S(exit_group, "d", 'n'),
    S(getpid, "", 'd'),
    S(getppid, "", 'd'),
    S(gettid, "", 'd'),
    S(getuid, "", 'd'),
    S(geteuid, "", 'd'),
    S(getgid, "", 'd'),
    S(getegid, "", 'd'),
    S(getresuid, "ppp", 'd'),
    S(getresgid, "ppp", 'd'),
    S(setuid, "d", 'd'),
    S(setgid, "d", 'd'),
    S(setreuid, "dd", 'd'),
    S(setregid, "dd", 'd'),
    S(setresuid, "ddd", 'd'),
    S(setresgid, "ddd", 'd'),
    S(setfsuid, "d", 'd'),
    S(setfsgid, "d", 'd'),
    S(getgroups, "dp", 'd'),
    S(setgroups, "dp", 'd'),
    S(getpgid, "d", 'd'),
    S(setpgid, "dd", 'd'),
    S(getsid, "d", 'd'),
    S(setsid, "", 'd'),
    S(set_tid_address, "p", 'd'),
    S(set_robust_list, "pu", 'd'),
    S(get_robust_list, "dpp", 'd'),
    S(rseq, "pudx", 'd'),
    S(uname, "p", 'd'),
    S(sethostname, "su", 'd'),
    S(sysinfo, "p", 'd'),
    S(syslog, "dpd", 'd'),
    S(personality, "x", 'x'),
    S(getrlimit, "Rp", 'd'),
    S(setrlimit, "Rp", 'd'),
    S(prlimit64, "dRpp", 'd'),
    S(getrusage, "dp", 'd'),
    S(getpriority, "dd", 'd'),
    S(setpriority, "ddd", 'd'),
    S(sched_getaffinity, "dup", 'd'),
    S(sched_setaffinity, "dup", 'd'),
    S(sched_yield, "", 'd'),
    S(sched_getscheduler, "d", 'd'),
    S(sched_getparam, "dp", 'd'),
    S(sched_get_priority_max, "d", 'd'),
    S(sched_get_priority_min, "d", 'd'),
    S(getcpu, "ppp", 'd'),
    S(prctl, "dxxxx", 'd'),
    S(getrandom, "pux", 'd'),
    S(riscv_hwprobe, "puupx", 'd'),
    S(riscv_flush_icache, "ppx", 'd'),
    S(membarrier, "dxd", 'd'),
    S(sched_setparam, "dp", 'd'),
    S(sched_setscheduler, "ddp", 'd'),
    S(sched_rr_get_interval, "dp", 'd'),
    /* new processes */
    S(clone, "Kppxp", 'd'),
    S(clone3, "ku", 'd'),
    S(wait4, "dpwp", 'd'),
    S(waitid, "ddpwp", 'd'),
    S(pidfd_open, "dx", 'd'),
    S(pidfd_send_signal, "dSpx", 'd'),
    S(pidfd_getfd, "ddx", 'd'),
    S(execve, "sVE", 'd'),
    S(execveat, "DsVEA", 'd'),
    /* privileges, namespaces, mounts */
    S(capget, "pp", 'd'),
    S(capset, "pp", 'd'),
    S(unshare, "K", 'd'),
    S(setns, "dK", 'd'),
    S(chroot, "s", 'd'),
    S(pivot_root, "ss", 'd'),
    S(mount, "sssxp", 'd'),
    S(umount2, "sx", 'd'),
    S(acct, "s", 'd'),
    S(vhangup, "", 'd'),
    S(setdomainname, "bu", 'd'),
    S(ioprio_get, "dd", 'd'),
    S(ioprio_set, "ddd", 'd'),
    S(sched_setattr, "dpx", 'd'),
    S(sched_getattr, "dpux", 'd'),
    S(kcmp, "dddxx", 'd'),
    /* sockets */
    S(socket, "ddd", 'd'),
    S(socketpair, "dddp", 'd'),
    S(bind, "dpd", 'd'),
    S(listen, "dd", 'd'),
    S(accept, "dpp", 'd'),
    S(accept4, "dppO", 'd'),
    S(connect, "dpd", 'd'),
    S(getsockname, "dpp", 'd'),
    S(getpeername, "dpp", 'd'),
    S(sendto, "dbuxpd", 'd'),
    S(recvfrom, "druxpp", 'd'),
    S(setsockopt, "dddpd", 'd'),
    S(getsockopt, "dddpp", 'd'),
    S(shutdown, "dd", 'd'),
    S(sendmsg, "dpx", 'd'),
    S(recvmsg, "dpx", 'd'),
    S(sendmmsg, "dpux", 'd'),
    S(recvmmsg, "dpuxp", 'd'),
    /* signals and futexes */
    S(kill, "dS", 'd'),
    S(tkill, "dS", 'd'),
    S(tgkill, "ddS", 'd'),
    S(rt_sigaction, "Sppu", 'd'),
    S(rt_sigprocmask, "hppu", 'd'),
    S(rt_sigpending, "pu", 'd'),
    S(rt_sigsuspend, "pu", 'd'),
    S(rt_sigtimedwait, "pppu", 'd'),
    S(rt_sigqueueinfo, "dSp", 'd'),
    S(rt_tgsigqueueinfo, "ddSp", 'd'),
    S(rt_sigreturn, "", 'x'),
    S(sigaltstack, "pp", 'd'),
    S(futex, "pfdppd", 'd'),
    S(setitimer, "dpp", 'd'),
    S(getitimer, "dp", 'd'),
    S(timer_create, "cpp", 'd'),
    S(timer_settime, "dxpp", 'd'),
    S(timer_gettime, "dp", 'd'),
    S(timer_getoverrun, "d", 'd'),
    S(timer_delete, "d", 'd'),
    /* time */
    S(clock_gettime, "cp", 'd'),
    S(clock_getres, "cp", 'd'),
    S(gettimeofday, "pp", 'd'),
    S(clock_nanosleep, "cxpp", 'd'),
    S(nanosleep, "pp", 'd'),
    S(times, "p", 'd'),
};

#undef S

#define NAME_ENTRY(name, nr) [nr] = #name,
static const char *const names[RT_NR_LIMIT] = {RT_SYSCALL_LIST(NAME_ENTRY)};
#undef NAME_ENTRY

const char *rt_sys_name(uint64_t nr) {
    return nr < RT_NR_LIMIT ? names[nr] : NULL;
}

rt_sys_state *rt_sys_state_get(rt_proc *p) {
    if (p->sys)
        return p->sys;
    rt_sys_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    /* Linux starts comm as the executable's base name, cut to 15 bytes. */
    const char *exe = p->exe_abspath ? p->exe_abspath : p->exe_path;
    if (exe) {
        const char *slash = strrchr(exe, '/');
        snprintf(st->comm, sizeof st->comm, "%s", slash ? slash + 1 : exe);
    }
    rt_sys_exec_inherit(st); /* blocked and ignored signals survive execve */
    p->sys = st;
    return st;
}

void rt_sys_unimp(const char *fmt, ...) {
    if (!rt_log_on(RT_LOG_UNIMP))
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rt_logf("unimp: %s\n", buf);
}

static uint64_t load_reg(const void *cpu, size_t off) {
    uint64_t v;
    memcpy(&v, (const uint8_t *)cpu + off, sizeof v);
    return v;
}

/* Calls that change the memory map run one at a time: the guest page
 * table, the file-mapping list and the mmap search are not thread-safe. */
static pthread_mutex_t mm_lock = PTHREAD_MUTEX_INITIALIZER;

static bool changes_memory_map(uint64_t nr) {
    switch (nr) {
    case RT_NR_brk:
    case RT_NR_mmap:
    case RT_NR_munmap:
    case RT_NR_mprotect:
    case RT_NR_mremap:
    case RT_NR_madvise:
        return true;
    default:
        return false;
    }
}

/* Calls that make descriptors: bracketed by jit_cache_fd_enter/leave
 * (llvmjit/jit_cache.h), so a file the translation cache opens on the
 * compile thread never takes the number the guest would get.  accept and
 * recvmsg (SCM_RIGHTS) are left out: they may block for long, and the
 * cache would wait its full bound on them. */
static bool makes_descriptors(uint64_t nr, const uint64_t *a) {
    switch (nr) {
    case RT_NR_fcntl:
        return a[1] == F_DUPFD || a[1] == F_DUPFD_CLOEXEC;
    case RT_NR_openat:
    case RT_NR_openat2:
    case RT_NR_dup:
    case RT_NR_dup3:
    case RT_NR_pipe2:
    case RT_NR_socket:
    case RT_NR_socketpair:
    case RT_NR_epoll_create1:
    case RT_NR_eventfd2:
    case RT_NR_signalfd4:
    case RT_NR_timerfd_create:
    case RT_NR_memfd_create:
    case RT_NR_inotify_init1:
    case RT_NR_pidfd_open:
        return true;
    default:
        return false;
    }
}

/* Prints one strace line for call nr; ret_kind 'n' prints "= ?". */
static void trace(rt_proc *p, uint64_t nr, const uint64_t *a, long r, bool unfinished) {
    const sys_entry *e = nr < RT_NR_LIMIT && table[nr].fn ? &table[nr] : NULL;
    const char *name = rt_sys_name(nr);
    char unknown[32];
    if (!name) {
        snprintf(unknown, sizeof unknown, "syscall_%llu", (unsigned long long)nr);
        name = unknown;
    }
    char ret = unfinished ? 'n' : e ? e->ret : 'd';
    rt_sys_strace(p, name, e ? e->args : "xxxxxx", ret, a, r);
}

void rt_sys_strace_unfinished(rt_proc *p) {
    rt_thread *t = rt_thread_self();
    if (rt_log_on(RT_LOG_STRACE) && t)
        trace(p, t->sys_nr, t->sys_args, 0, true);
    else if (rt_log_on(RT_LOG_STRACE) && p->sys)
        trace(p, p->sys->cur_nr, p->sys->cur_args, 0, true);
}

/* The registers are the calling thread's (rt_thread_current). */
bool rt_linux_syscall(rt_proc *p) {
    const fe_arch *arch = p->arch;
    rt_thread *t = rt_thread_current(p);
    void *cpu = t ? t->cpu : p->cpu;
    uint64_t nr = load_reg(cpu, arch->off_sysno);
    uint64_t a[6];
    for (int i = 0; i < 6; i++)
        a[i] = load_reg(cpu, arch->off_args[i]);

    const sys_entry *e = nr < RT_NR_LIMIT ? &table[nr] : NULL;
    rt_sys_state *st = rt_sys_state_get(p);
    long r;
    if (e && e->fn && st && t) {
        st->cur_nr = nr;
        memcpy(st->cur_args, a, sizeof a);
        t->sys_nr = nr;
        memcpy(t->sys_args, a, sizeof a);
        if (changes_memory_map(nr)) {
            pthread_mutex_lock(&mm_lock);
            r = e->fn(p, a);
            pthread_mutex_unlock(&mm_lock);
        } else if (makes_descriptors(nr, a)) {
            jit_cache_fd_enter();
            r = e->fn(p, a);
            jit_cache_fd_leave();
        } else {
            r = e->fn(p, a);
        }
    } else if (e && e->fn) {
        r = -ENOMEM;
    } else {
        const char *name = rt_sys_name(nr);
        rt_sys_unimp("syscall %s(%llu) not implemented", name ? name : "?", (unsigned long long)nr);
        r = -ENOSYS;
    }

    if (rt_log_on(RT_LOG_STRACE))
        trace(p, nr, a, r, false);
    if (p->exited || (t && t->exiting))
        return false;
    uint64_t v = (uint64_t)r;
    memcpy((uint8_t *)cpu + arch->off_ret, &v, sizeof v);
    return true;
}
