/*
 * syscall_fork.c — new processes and waiting for them.
 *
 *   clone / clone3 without CLONE_VM ──────┐
 *   clone / clone3 with CLONE_VM|VFORK ───┼─► rt_sys_fork: one host fork; the
 *     (vfork, posix_spawn)                │   child goes on running the guest
 *                                         ┘   with a0 = 0, the parent gets its pid
 *   wait4, waitid, pidfd_*: pass-through to the host
 *
 * The guest address space is ordinary host memory inside liftvm's reserved
 * range, so after the host fork the child holds a copy-on-write copy of it:
 * the reserved range stays reserved (PROT_NONE reservations are inherited),
 * private guest pages are copied on write, and MAP_SHARED guest mappings
 * (host MAP_SHARED file or shmem mappings) stay shared with the parent.
 * Guest fds are host fds, so the child's table is the host copy.
 *
 * vfork: CLONE_VM|CLONE_VFORK is emulated as a plain fork, as qemu-user
 * does: the child gets a copy of memory instead of sharing the parent's.
 * Unlike qemu-user, the parent is suspended until the child execs or
 * exits, as on Linux: the child holds the write end of a close-on-exec
 * pipe, which its host execve (liftvm's execve always is one) or its exit
 * closes, and the parent's thread reads it until end of file, not
 * interrupted by guest signals (Linux's vfork wait is killable only).  A
 * program that does only what POSIX allows between vfork and exec/_exit
 * behaves the same.  The one visible difference: glibc's posix_spawn
 * reports a failed exec through memory shared with the child, so
 * posix_spawn of a program that cannot be run returns 0 here and the child
 * exits with status 127 (the result a fork-based posix_spawn gives).
 * (The pipe end sits at a high fd; a child that closes or replaces it
 * before exec only wakes its parent early.)
 *
 * Layouts: the wait status is an int, struct rusage is 144 bytes and
 * siginfo_t 128 bytes with the same field offsets on riscv64 and x86-64, so
 * the host calls write straight into (checked) guest memory.
 */
#include "runtime/linux/syscall_priv.h"
#include "runtime/rt_exec.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

_Static_assert(sizeof(struct rusage) == 144, "struct rusage is 144 bytes on both sides");
_Static_assert(sizeof(siginfo_t) == 128, "siginfo_t is 128 bytes on both sides");

enum { G_SIGCHLD = 17, G_SIG_DFL = 0, G_SIG_IGN = 1 };

/* Namespace and sharing flags the host kernel can apply to a forked child
 * itself; they need a raw host clone instead of fork(). */
static const uint64_t raw_clone_flags =
    RT_CLONE_FS | RT_CLONE_FILES | RT_CLONE_PARENT | RT_CLONE_NEWNS | RT_CLONE_NEWCGROUP |
    RT_CLONE_NEWUTS | RT_CLONE_NEWIPC | RT_CLONE_NEWUSER | RT_CLONE_NEWPID | RT_CLONE_NEWNET;

/* Flags with nothing to do for a new process: ptrace is not emulated,
 * CLONE_SYSVSEM and CLONE_IO only share state a fresh process has anyway,
 * CLONE_DETACHED is ignored by Linux. */
static const uint64_t ignored_flags =
    RT_CLONE_PTRACE | RT_CLONE_UNTRACED | RT_CLONE_SYSVSEM | RT_CLONE_IO | RT_CLONE_DETACHED;

static const uint64_t fork_flags = RT_CLONE_VM | RT_CLONE_VFORK | RT_CLONE_PIDFD | RT_CLONE_SETTLS |
                                   RT_CLONE_PARENT_SETTID | RT_CLONE_CHILD_SETTID |
                                   RT_CLONE_CHILD_CLEARTID | RT_CLONE_CLEAR_SIGHAND;

static void put_reg(rt_proc *p, size_t off, uint64_t v) {
    memcpy((uint8_t *)p->cpu + off, &v, sizeof v);
}

/* In a vfork child: the write end of its parent's wait pipe, else -1. */
static int vfork_wfd = -1;

/* Moves fd to a number high in the fd table, out of the guest's way (the
 * lowest free fds are what its open and pipe calls get), below 1024 so
 * that the table the fork copies stays small; fd stays as it is if that
 * fails.  Both close-on-exec. */
static int high_fd(int fd) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur < 256)
        return fd;
    long at = (rl.rlim_cur > 1024 ? 1024 : (long)rl.rlim_cur) - 64;
    int h = fcntl(fd, F_DUPFD_CLOEXEC, (int)at);
    if (h < 0)
        return fd;
    close(fd);
    return h;
}

/* The pipe a vfork parent waits on: [0] read, [1] write, close-on-exec;
 * -1s when it cannot be made (the parent then does not wait). */
static void vfork_pipe(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC)) {
        fds[0] = fds[1] = -1;
        return;
    }
    fds[0] = high_fd(fds[0]);
    fds[1] = high_fd(fds[1]);
}

/* The vfork parent's wait: until the child's execve or exit closes the
 * pipe's last write end.  Guest signals wait too (EINTR is retried; the
 * host handler has marked them for delivery after the call). */
static void vfork_wait(int fds[2]) {
    close(fds[1]);
    char c;
    while (read(fds[0], &c, 1) < 0 && errno == EINTR) {
    }
    close(fds[0]);
}

/* The child's side of a fork: the registers and words clone asked for, and
 * the per-process state Linux does not copy. */
static void child_setup(rt_proc *p, const rt_clone_args *ca) {
    rt_sys_state *st = p->sys;
    uint64_t f = ca->flags;
    if (ca->stack)
        put_reg(p, p->arch->off_sp, ca->stack);
    if (f & RT_CLONE_SETTLS)
        put_reg(p, p->arch->off_tp, ca->tls);
    if (f & RT_CLONE_CHILD_SETTID) {
        uint32_t tid = (uint32_t)gettid();
        mmu_write(p->mm, ca->child_tid, &tid, sizeof tid); /* Linux ignores a bad pointer */
    }
    st->clear_child_tid = (f & RT_CLONE_CHILD_CLEARTID) ? ca->child_tid : 0;
    st->robust_list = 0;
    st->robust_len = 0;
    st->sigpending = 0;
    if (f & RT_CLONE_CLEAR_SIGHAND)
        for (int sig = 1; sig <= RT_SIG_MAX; sig++)
            if (st->sigact[sig].handler != G_SIG_IGN)
                st->sigact[sig].handler = G_SIG_DFL;
}

/* The parent's side: the child's pid and pidfd where clone asked for them. */
static long parent_setup(rt_proc *p, const rt_clone_args *ca, pid_t pid) {
    if (ca->flags & RT_CLONE_PARENT_SETTID) {
        uint32_t v = (uint32_t)pid;
        mmu_write(p->mm, ca->parent_tid, &v, sizeof v);
    }
    if (ca->flags & RT_CLONE_PIDFD) {
        /* The child cannot have been reaped yet: only this thread waits. */
        int fd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0 || mmu_write(p->mm, ca->pidfd, &fd, sizeof fd)) {
            if (fd >= 0)
                close(fd);
            rt_sys_unimp("clone CLONE_PIDFD: no pidfd for child %d", (int)pid);
        }
    }
    return pid;
}

/* Linux's consistency checks on the flags (copy_process), for the flags
 * that can reach this path; 0 or -EINVAL. */
static int check_flags(const rt_clone_args *ca) {
    uint64_t f = ca->flags;
    if ((f & RT_CLONE_NEWNS) && (f & RT_CLONE_FS))
        return -EINVAL;
    if ((f & RT_CLONE_NEWUSER) && (f & RT_CLONE_FS))
        return -EINVAL;
    if ((f & RT_CLONE_THREAD) && !(f & RT_CLONE_SIGHAND))
        return -EINVAL;
    if ((f & RT_CLONE_SIGHAND) && !(f & RT_CLONE_VM))
        return -EINVAL;
    if ((f & RT_CLONE_PIDFD) && (f & RT_CLONE_DETACHED))
        return -EINVAL;
    if (ca->exit_signal < 0 || ca->exit_signal > RT_SIG_MAX)
        return -EINVAL;
    return 0;
}

long rt_sys_fork(rt_proc *p, const rt_clone_args *ca) {
    int r = check_flags(ca);
    if (r)
        return r;
    uint64_t f = ca->flags;
    uint64_t unknown = f & ~(fork_flags | raw_clone_flags | ignored_flags);
    if (unknown) {
        /* CLONE_THREAD/SIGHAND with CLONE_VM|CLONE_VFORK, CLONE_INTO_CGROUP:
         * a process cannot share them with liftvm's fork emulation. */
        rt_sys_unimp("clone flags %#llx for a new process", (unsigned long long)unknown);
        return -EINVAL;
    }
    if (rt_log_file)
        fflush(rt_log_file);
    fflush(stdout);
    fflush(stderr);

    int vp[2] = {-1, -1};
    if (f & RT_CLONE_VFORK)
        vfork_pipe(vp);
    pid_t pid;
    bool raw = (f & raw_clone_flags) || ca->exit_signal != G_SIGCHLD;
    if (!raw) {
        pid = fork();
    } else {
        /* glibc's fork() cannot take flags or another exit signal.  A raw
         * clone skips pthread_atfork, so liftvm's own fork handlers run
         * here, in glibc's order (prepare in reverse registration order;
         * child and parent in order: threads, dispatcher, jit) — without
         * the jit's, the child has no compile thread and hangs joining it
         * at exit.  glibc's internal ones (malloc arenas, the cached tid)
         * still do not run.  Rare: namespaces, CLONE_FILES/FS/PARENT, exit
         * signals other than SIGCHLD. */
        rt_sys_unimp("clone flags %#llx exit signal %d: raw host clone",
                     (unsigned long long)(f & raw_clone_flags), ca->exit_signal);
        jit_fork_prepare();
        pid = (pid_t)syscall(SYS_clone, (unsigned long)((f & raw_clone_flags) | ca->exit_signal),
                             NULL, NULL, NULL, 0);
        if (pid == 0) {
            rt_thread_after_fork();
            rt_exec_after_fork_child();
            jit_fork_child();
        } else {
            int e = errno; /* of a failed clone */
            jit_fork_parent();
            errno = e;
        }
    }
    if (pid < 0) {
        int e = errno;
        if (vp[0] >= 0) {
            close(vp[0]);
            close(vp[1]);
        }
        return -e;
    }
    if (pid == 0) {
        /* Only the vfork child holds its parent's pipe open, not a child
         * of its own. */
        if (vfork_wfd >= 0)
            close(vfork_wfd);
        vfork_wfd = vp[1];
        if (vp[0] >= 0)
            close(vp[0]);
        rt_sys_strace_pids = true;
        child_setup(p, ca);
        return 0;
    }
    long res = parent_setup(p, ca, pid);
    if (vp[0] >= 0)
        vfork_wait(vp);
    return res;
}

/* ---- waiting ---- */

/* wait4(pid, status, options, rusage): the WNOHANG, WUNTRACED, WCONTINUED,
 * __WNOTHREAD, __WCLONE and __WALL bits agree. */
long rt_sys_wait4(rt_proc *p, const uint64_t *a) {
    int *status = NULL;
    struct rusage *ru = NULL;
    if (a[1] && !(status = mmu_host_ptr(p->mm, a[1], sizeof *status, MMU_W)))
        return -EFAULT;
    if (a[3] && !(ru = mmu_host_ptr(p->mm, a[3], sizeof *ru, MMU_W)))
        return -EFAULT;
    return rt_sys_blocking(p, SYS_wait4, rt_sys_int(a[0]), (long)status, rt_sys_int(a[2]), (long)ru,
                           0, 0);
}

/* waitid(idtype, id, infop, options, rusage): P_ALL/P_PID/P_PGID/P_PIDFD and
 * the W* bits agree. */
long rt_sys_waitid(rt_proc *p, const uint64_t *a) {
    siginfo_t *si = NULL;
    struct rusage *ru = NULL;
    if (a[2] && !(si = mmu_host_ptr(p->mm, a[2], sizeof *si, MMU_W)))
        return -EFAULT;
    if (a[4] && !(ru = mmu_host_ptr(p->mm, a[4], sizeof *ru, MMU_W)))
        return -EFAULT;
    return rt_sys_blocking(p, SYS_waitid, rt_sys_int(a[0]), rt_sys_int(a[1]), (long)si,
                           rt_sys_int(a[3]), (long)ru, 0);
}

/* ---- pidfds ---- */

long rt_sys_pidfd_open(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(syscall(SYS_pidfd_open, rt_sys_int(a[0]), (unsigned)a[1]));
}

/* pidfd_send_signal(pidfd, sig, info, flags): a signal to this process
 * itself goes through kill so that it gets the guest's treatment. */
long rt_sys_pidfd_send_signal(rt_proc *p, const uint64_t *a) {
    const siginfo_t *si = NULL;
    if (a[2] && !(si = mmu_host_ptr(p->mm, a[2], sizeof *si, MMU_R)))
        return -EFAULT;
    int fd = rt_sys_int(a[0]);
    char link[64], want[64];
    snprintf(link, sizeof link, "/proc/self/fdinfo/%d", fd);
    FILE *fi = fopen(link, "re");
    if (fi) {
        int self = 0;
        snprintf(want, sizeof want, "Pid:\t%d\n", (int)getpid());
        while (fgets(link, sizeof link, fi))
            if (strcmp(link, want) == 0)
                self = 1;
        fclose(fi);
        if (self && !si && a[3] == 0) {
            uint64_t k[6] = {(uint64_t)getpid(), a[1]};
            return rt_sys_kill(p, k);
        }
    }
    return rt_sys_ret(syscall(SYS_pidfd_send_signal, fd, rt_sys_int(a[1]), si, (unsigned)a[3]));
}

long rt_sys_pidfd_getfd(rt_proc *p, const uint64_t *a) {
    (void)p;
    return rt_sys_ret(syscall(SYS_pidfd_getfd, rt_sys_int(a[0]), rt_sys_int(a[1]), (unsigned)a[2]));
}
