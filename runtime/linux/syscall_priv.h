/*
 * syscall_priv.h — shared internals of the Linux syscall layer
 * (runtime/linux/syscall*.c).
 *
 *   rt_linux_syscall (syscall.c)
 *     ├─ reads nr and a[0..5] from the guest state at the fe_arch offsets
 *     ├─ table[nr] → handler in syscall_fs / _path / _stat / _mm / _event /
 *     │    _proc / _signal / _time.c
 *     │    handler(p, a) returns the Linux result: a value or -errno
 *     ├─ -d strace: syscall_strace.c prints "name(args) = result"
 *     └─ writes the result at off_ret
 *
 * Guest pointers are guest addresses: handlers reach guest memory only
 * through mmu_host_ptr / mmu_read / mmu_write / mmu_read_str (or the
 * helpers below), so a bad pointer becomes -EFAULT, never a host fault.
 * Guest file descriptors are host file descriptors (as in qemu-user).
 * Guest struct layouts are the asm-generic 64-bit ones; where they differ
 * from x86-64 (struct stat, O_* bits on other guests) the handlers convert
 * field by field.
 */
#ifndef LIFTVM_SYSCALL_PRIV_H
#define LIFTVM_SYSCALL_PRIV_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/linux/rt_linux.h"
#include "runtime/linux/rt_thread.h"
#include "runtime/linux/syscall_nr.h"
#include "runtime/rt_log.h"

/* A handler: a[] holds the six raw argument registers. */
typedef long (*rt_sys_fn)(rt_proc *p, const uint64_t *a);

/* Guest signal numbers run 1..RT_SIG_MAX (asm-generic _NSIG = 64). */
#define RT_SIG_MAX 64

/* Kernel struct sigaction on riscv64: no sa_restorer. */
typedef struct rt_sigaction_rec {
    uint64_t handler, flags, mask;
} rt_sigaction_rec;

/* A guest range that is not private anonymous memory (madvise and mremap
 * must not treat it as such). */
typedef struct rt_sys_filemap {
    uint64_t start, end;
    bool shared;
} rt_sys_filemap;

/* Per-process syscall state (rt_proc.sys).  What belongs to one thread is
 * in rt_thread (rt_thread.h, rt_thread_current(p)): the signal mask and
 * pending signals, the altstack, the tid address, the robust list, the
 * syscall in progress (sys_nr, sys_args).  The fields marked "unused"
 * below are no longer read by the signal and thread code; they go once
 * syscall_fork.c and syscall_exec.c use the thread's. */
typedef struct rt_sys_state {
    rt_sigaction_rec sigact[RT_SIG_MAX + 1]; /* index = guest signal; rt_signal.c's lock */
    uint64_t sigmask;                        /* unused: rt_thread.sigmask */
    uint64_t sigpending;                     /* unused: rt_thread.sig_pending */
    uint64_t altstack_sp, altstack_size;     /* unused: rt_thread.altstack */
    int32_t altstack_flags;
    uint64_t clear_child_tid;         /* unused: rt_thread.clear_child_tid */
    uint64_t robust_list, robust_len; /* unused: rt_thread.robust_list */
    char comm[16];                    /* PR_SET_NAME */
    uint64_t cur_nr, cur_args[6]; /* the last call any thread made (strace); see rt_thread.sys_nr */
    rt_sys_filemap *fmaps;        /* sorted, disjoint */
    size_t nfmaps, capfmaps;
    /* Where the initial stack holds the argument and environment strings and
     * the auxv (stack.c), for /proc/self/cmdline, environ and auxv. */
    uint64_t arg_start, arg_end, env_start, env_end, auxv_start, auxv_end;
} rt_sys_state;

/* The state of p, created (zeroed, comm from the exe name) on first use;
 * NULL only when out of memory. */
rt_sys_state *rt_sys_state_get(rt_proc *p);

/* Host result (-1 with errno) to Linux result (-errno). */
static inline long rt_sys_ret(long r) {
    return r < 0 ? -(long)errno : r;
}

/* Arguments declared int in the kernel are the low 32 bits of the register. */
static inline int rt_sys_int(uint64_t v) {
    return (int)(int32_t)v;
}

/* Room for a guest path (PATH_MAX) behind a sysroot prefix. */
#define RT_SYS_PATH_MAX (2 * PATH_MAX)

/* Reads the guest path at addr into out (RT_SYS_PATH_MAX bytes) and maps
 * it to the host path to use: /proc/self/exe names the guest program, and
 * an absolute path that exists under p->sysroot is taken from there.
 * Returns 0, -EFAULT, -ENAMETOOLONG. */
int rt_sys_path(rt_proc *p, uint64_t addr, char *out);
/* The same mapping for a guest path already in host memory. */
int rt_sys_map_path(rt_proc *p, const char *guest, char *out);
/* Like rt_sys_path, but a NULL guest pointer gives NULL (utimensat). */
int rt_sys_path_opt(rt_proc *p, uint64_t addr, char *out, const char **res);
/* True if the host path names the guest program through /proc (used by
 * readlinkat so that /proc/self/exe reads back the guest path). */
bool rt_sys_is_proc_exe(const char *guest_path);

/* O_* translation between the guest (asm-generic) and the host. */
int rt_sys_oflags_to_host(uint64_t guest);
uint64_t rt_sys_oflags_to_guest(int host);

/* Guest file-mapping bookkeeping (syscall_mm.c). */
void rt_sys_fmap_clear(rt_proc *p, uint64_t start, uint64_t end);
int rt_sys_fmap_add(rt_proc *p, uint64_t start, uint64_t end, bool shared);
const rt_sys_filemap *rt_sys_fmap_find(rt_proc *p, uint64_t addr);

/* ---- processes (syscall_fork.c, syscall_exec.c, syscall_procfs.c) ---- */

/* clone flags (the same numbers on every Linux architecture). */
enum {
    RT_CSIGNAL = 0xff,
    RT_CLONE_VM = 0x100,
    RT_CLONE_FS = 0x200,
    RT_CLONE_FILES = 0x400,
    RT_CLONE_SIGHAND = 0x800,
    RT_CLONE_PIDFD = 0x1000,
    RT_CLONE_PTRACE = 0x2000,
    RT_CLONE_VFORK = 0x4000,
    RT_CLONE_PARENT = 0x8000,
    RT_CLONE_THREAD = 0x10000,
    RT_CLONE_NEWNS = 0x20000,
    RT_CLONE_SYSVSEM = 0x40000,
    RT_CLONE_SETTLS = 0x80000,
    RT_CLONE_PARENT_SETTID = 0x100000,
    RT_CLONE_CHILD_CLEARTID = 0x200000,
    RT_CLONE_DETACHED = 0x400000,
    RT_CLONE_UNTRACED = 0x800000,
    RT_CLONE_CHILD_SETTID = 0x1000000,
    RT_CLONE_NEWCGROUP = 0x2000000,
    RT_CLONE_NEWUTS = 0x4000000,
    RT_CLONE_NEWIPC = 0x8000000,
    RT_CLONE_NEWUSER = 0x10000000,
    RT_CLONE_NEWPID = 0x20000000,
    RT_CLONE_NEWNET = 0x40000000,
    RT_CLONE_IO = 0x80000000u,
};
#define RT_CLONE_CLEAR_SIGHAND 0x100000000ull /* clone3 only */
#define RT_CLONE_INTO_CGROUP 0x200000000ull   /* clone3 only */

/* One clone or clone3 request, decoded (syscall_proc.c). */
typedef struct rt_clone_args {
    uint64_t flags;      /* CLONE_* without the exit signal */
    int exit_signal;     /* signal the parent gets when the child ends */
    uint64_t stack;      /* the child's sp, 0 to keep the parent's */
    uint64_t parent_tid; /* CLONE_PARENT_SETTID: parent's word for the child's tid */
    uint64_t child_tid;  /* CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID word */
    uint64_t pidfd;      /* CLONE_PIDFD: int for the pidfd */
    uint64_t tls;        /* CLONE_SETTLS: the child's tp */
} rt_clone_args;

/* A new process (syscall_fork.c): clone without CLONE_VM, or with
 * CLONE_VM|CLONE_VFORK (emulated as a fork).  In the child it returns 0 with
 * the child's registers set up; in the parent the child's pid or -errno. */
long rt_sys_fork(rt_proc *p, const rt_clone_args *ca);

/* Guest /proc files liftvm answers itself (syscall_procfs.c): if the guest
 * path names one, opens its contents as a read-only fd and returns it (or
 * -errno); returns RT_SYS_NOT_PROCFS for any other path. */
#define RT_SYS_NOT_PROCFS (-100000)
long rt_sys_procfs_open(rt_proc *p, const char *guest_path, int host_flags);

/* Startup inheritance across a guest execve (syscall_exec.c): fills the
 * guest's blocked mask and ignored signals of a new syscall state from the
 * host process, which liftvm's execve set up from the old guest. */
void rt_sys_exec_inherit(rt_sys_state *st);

/* A host call that blocks for the guest (syscall_signal.c): interruptible
 * by guest signals without a race; with the guest sigset at mask_addr (if
 * not 0) as the mask while it runs, as ppoll, pselect6 and epoll_pwait
 * swap it.  Returns the raw result or -errno. */
long rt_sys_wait_call(rt_proc *p, uint64_t mask_addr, long nr, long a1, long a2, long a3, long a4,
                      long a5, long a6);

/* A host syscall that may block for the guest (syscall_signal.c): a guest
 * signal arriving before it starts or while it blocks stops it without a
 * race, and the dispatcher restarts it as Linux would
 * (rt_signal_restartable_syscall).  Returns the raw result or -errno. */
long rt_sys_blocking(rt_proc *p, long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* -d unimp: "unimp: " + message. */
void rt_sys_unimp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* -d strace (syscall_strace.c): one line for a finished call.  kinds has
 * one letter per argument (see syscall_strace.c), ret the result's kind. */
void rt_sys_strace(rt_proc *p, const char *name, const char *kinds, char ret, const uint64_t *a,
                   long result);
/* -d strace lines start with "[pid N] " (set in processes the guest
 * created: forked children and re-executed liftvms). */
extern bool rt_sys_strace_pids;
/* -d strace: prints the call in progress as "name(args) = ?", for a call
 * that is about to end the process (syscall.c). */
void rt_sys_strace_unfinished(rt_proc *p);
/* Name of syscall nr, or NULL. */
const char *rt_sys_name(uint64_t nr);
/* Name of a known ioctl command (syscall_fs.c), or NULL. */
const char *rt_sys_ioctl_name(uint32_t cmd);

/* Handlers, by file. */
#define RT_SYS_DECL(name) long rt_sys_##name(rt_proc *p, const uint64_t *a);
/* syscall_fs.c */
RT_SYS_DECL(openat)
RT_SYS_DECL(close)
RT_SYS_DECL(close_range)
RT_SYS_DECL(read)
RT_SYS_DECL(write)
RT_SYS_DECL(readv)
RT_SYS_DECL(writev)
RT_SYS_DECL(pread64)
RT_SYS_DECL(pwrite64)
RT_SYS_DECL(preadv)
RT_SYS_DECL(pwritev)
RT_SYS_DECL(preadv2)
RT_SYS_DECL(pwritev2)
RT_SYS_DECL(lseek)
RT_SYS_DECL(dup)
RT_SYS_DECL(dup3)
RT_SYS_DECL(fcntl)
RT_SYS_DECL(ioctl)
RT_SYS_DECL(pipe2)
RT_SYS_DECL(sendfile)
RT_SYS_DECL(copy_file_range)
RT_SYS_DECL(ppoll)
RT_SYS_DECL(pselect6)
RT_SYS_DECL(flock)
RT_SYS_DECL(fsync)
RT_SYS_DECL(fdatasync)
RT_SYS_DECL(sync)
RT_SYS_DECL(syncfs)
RT_SYS_DECL(ftruncate)
RT_SYS_DECL(fallocate)
RT_SYS_DECL(fadvise64)
RT_SYS_DECL(getdents64)
RT_SYS_DECL(memfd_create)
RT_SYS_DECL(splice)
RT_SYS_DECL(tee)
/* syscall_event.c */
RT_SYS_DECL(epoll_create1)
RT_SYS_DECL(epoll_ctl)
RT_SYS_DECL(epoll_pwait)
RT_SYS_DECL(epoll_pwait2)
RT_SYS_DECL(timerfd_create)
RT_SYS_DECL(timerfd_settime)
RT_SYS_DECL(timerfd_gettime)
RT_SYS_DECL(inotify_init1)
RT_SYS_DECL(inotify_add_watch)
RT_SYS_DECL(inotify_rm_watch)
RT_SYS_DECL(eventfd2)
/* syscall_path.c */
RT_SYS_DECL(faccessat)
RT_SYS_DECL(faccessat2)
RT_SYS_DECL(mkdirat)
RT_SYS_DECL(mknodat)
RT_SYS_DECL(unlinkat)
RT_SYS_DECL(renameat)
RT_SYS_DECL(renameat2)
RT_SYS_DECL(symlinkat)
RT_SYS_DECL(linkat)
RT_SYS_DECL(readlinkat)
RT_SYS_DECL(fchmod)
RT_SYS_DECL(fchmodat)
RT_SYS_DECL(fchmodat2)
RT_SYS_DECL(fchownat)
RT_SYS_DECL(fchown)
RT_SYS_DECL(utimensat)
RT_SYS_DECL(truncate)
RT_SYS_DECL(getcwd)
RT_SYS_DECL(chdir)
RT_SYS_DECL(fchdir)
RT_SYS_DECL(umask)
RT_SYS_DECL(getxattr)
RT_SYS_DECL(lgetxattr)
RT_SYS_DECL(fgetxattr)
RT_SYS_DECL(setxattr)
RT_SYS_DECL(lsetxattr)
RT_SYS_DECL(fsetxattr)
RT_SYS_DECL(listxattr)
RT_SYS_DECL(llistxattr)
RT_SYS_DECL(flistxattr)
RT_SYS_DECL(removexattr)
RT_SYS_DECL(lremovexattr)
RT_SYS_DECL(fremovexattr)
/* syscall_stat.c */
RT_SYS_DECL(fstat)
RT_SYS_DECL(newfstatat)
RT_SYS_DECL(statx)
RT_SYS_DECL(statfs)
RT_SYS_DECL(fstatfs)
/* syscall_mm.c */
RT_SYS_DECL(brk)
RT_SYS_DECL(mmap)
RT_SYS_DECL(munmap)
RT_SYS_DECL(mprotect)
RT_SYS_DECL(mremap)
RT_SYS_DECL(madvise)
RT_SYS_DECL(msync)
RT_SYS_DECL(mlock)
RT_SYS_DECL(mincore)
/* syscall_proc.c */
RT_SYS_DECL(exit)
RT_SYS_DECL(exit_group)
RT_SYS_DECL(getpid)
RT_SYS_DECL(getppid)
RT_SYS_DECL(gettid)
RT_SYS_DECL(getuid)
RT_SYS_DECL(geteuid)
RT_SYS_DECL(getgid)
RT_SYS_DECL(getegid)
RT_SYS_DECL(getresuid)
RT_SYS_DECL(getresgid)
RT_SYS_DECL(setuid)
RT_SYS_DECL(setgid)
RT_SYS_DECL(setreuid)
RT_SYS_DECL(setregid)
RT_SYS_DECL(setresuid)
RT_SYS_DECL(setresgid)
RT_SYS_DECL(setfsuid)
RT_SYS_DECL(setfsgid)
RT_SYS_DECL(getgroups)
RT_SYS_DECL(setgroups)
RT_SYS_DECL(getpgid)
RT_SYS_DECL(setpgid)
RT_SYS_DECL(getsid)
RT_SYS_DECL(setsid)
RT_SYS_DECL(set_tid_address)
RT_SYS_DECL(set_robust_list)
RT_SYS_DECL(get_robust_list)
RT_SYS_DECL(rseq)
RT_SYS_DECL(uname)
RT_SYS_DECL(sethostname)
RT_SYS_DECL(sysinfo)
RT_SYS_DECL(syslog)
RT_SYS_DECL(personality)
RT_SYS_DECL(getrlimit)
RT_SYS_DECL(setrlimit)
RT_SYS_DECL(prlimit64)
RT_SYS_DECL(getrusage)
RT_SYS_DECL(getpriority)
RT_SYS_DECL(setpriority)
RT_SYS_DECL(sched_getaffinity)
RT_SYS_DECL(sched_setaffinity)
RT_SYS_DECL(sched_yield)
RT_SYS_DECL(sched_getscheduler)
RT_SYS_DECL(sched_getparam)
RT_SYS_DECL(sched_get_priority_max)
RT_SYS_DECL(sched_get_priority_min)
RT_SYS_DECL(getcpu)
RT_SYS_DECL(prctl)
RT_SYS_DECL(getrandom)
RT_SYS_DECL(riscv_hwprobe)
RT_SYS_DECL(riscv_flush_icache)
RT_SYS_DECL(membarrier)
RT_SYS_DECL(clone)
RT_SYS_DECL(clone3)
RT_SYS_DECL(sched_setparam)
RT_SYS_DECL(sched_setscheduler)
RT_SYS_DECL(sched_rr_get_interval)
/* syscall_fork.c */
RT_SYS_DECL(wait4)
RT_SYS_DECL(waitid)
RT_SYS_DECL(pidfd_open)
RT_SYS_DECL(pidfd_send_signal)
RT_SYS_DECL(pidfd_getfd)
/* syscall_exec.c */
RT_SYS_DECL(execve)
RT_SYS_DECL(execveat)
/* syscall_admin.c */
RT_SYS_DECL(capget)
RT_SYS_DECL(capset)
RT_SYS_DECL(unshare)
RT_SYS_DECL(setns)
RT_SYS_DECL(chroot)
RT_SYS_DECL(pivot_root)
RT_SYS_DECL(mount)
RT_SYS_DECL(umount2)
RT_SYS_DECL(acct)
RT_SYS_DECL(vhangup)
RT_SYS_DECL(setdomainname)
RT_SYS_DECL(ioprio_get)
RT_SYS_DECL(ioprio_set)
RT_SYS_DECL(sched_setattr)
RT_SYS_DECL(sched_getattr)
RT_SYS_DECL(kcmp)
/* syscall_net.c */
RT_SYS_DECL(socket)
RT_SYS_DECL(socketpair)
RT_SYS_DECL(bind)
RT_SYS_DECL(listen)
RT_SYS_DECL(accept)
RT_SYS_DECL(accept4)
RT_SYS_DECL(connect)
RT_SYS_DECL(getsockname)
RT_SYS_DECL(getpeername)
RT_SYS_DECL(sendto)
RT_SYS_DECL(recvfrom)
RT_SYS_DECL(setsockopt)
RT_SYS_DECL(getsockopt)
RT_SYS_DECL(shutdown)
RT_SYS_DECL(sendmsg)
RT_SYS_DECL(recvmsg)
RT_SYS_DECL(sendmmsg)
RT_SYS_DECL(recvmmsg)
/* syscall_signal.c */
RT_SYS_DECL(kill)
RT_SYS_DECL(tkill)
RT_SYS_DECL(tgkill)
RT_SYS_DECL(rt_sigaction)
RT_SYS_DECL(rt_sigprocmask)
RT_SYS_DECL(rt_sigpending)
RT_SYS_DECL(rt_sigsuspend)
RT_SYS_DECL(rt_sigtimedwait)
RT_SYS_DECL(rt_sigqueueinfo)
RT_SYS_DECL(rt_tgsigqueueinfo)
RT_SYS_DECL(rt_sigreturn)
RT_SYS_DECL(sigaltstack)
RT_SYS_DECL(futex)
RT_SYS_DECL(setitimer)
RT_SYS_DECL(getitimer)
RT_SYS_DECL(timer_create)
RT_SYS_DECL(timer_settime)
RT_SYS_DECL(timer_gettime)
RT_SYS_DECL(timer_getoverrun)
RT_SYS_DECL(timer_delete)
/* syscall_time.c */
RT_SYS_DECL(clock_gettime)
RT_SYS_DECL(clock_getres)
RT_SYS_DECL(gettimeofday)
RT_SYS_DECL(clock_nanosleep)
RT_SYS_DECL(nanosleep)
RT_SYS_DECL(times)
#undef RT_SYS_DECL

#endif
