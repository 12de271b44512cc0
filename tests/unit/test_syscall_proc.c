/*
 * test_syscall_proc.c — the process-level syscalls driven through
 * rt_linux_syscall with a hand-built riscv64 process: clone/clone3 argument
 * checks and a real fork (registers and tid words in the child), wait4 and
 * waitid, execve's errors (never a successful exec: that would replace the
 * test), sockets through guest memory (msghdr, iovec, SCM_RIGHTS), the
 * guest /proc files, and the strace decoding of the new calls.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend/fe.h"
#include "frontend/riscv64/rv_state.h"
#include "mmu/mmu.h"
#include "runtime/linux/rt_execself.h"
#include "runtime/linux/rt_linux.h"
#include "runtime/linux/syscall_nr.h"
#include "runtime/rt_log.h"

#define SCRATCH 0x200000ull /* guest RW memory for arguments */
#define SCRATCH_LEN (16 * MMU_PAGE_SIZE)
#define BAD 0xdead0000ull /* never mapped */

static rt_proc P;
static fe_rv64_state cpu;
static char tmpdir[64];

static void setup(void) {
    memset(&P, 0, sizeof P);
    memset(&cpu, 0, sizeof cpu);
    P.arch = &fe_riscv64;
    P.mm = mmu_space_new(1ull << 38);
    cr_assert_not_null(P.mm);
    P.cpu = &cpu;
    P.exe_path = "prog";
    P.exe_abspath = "/guest/bin/prog";
    P.brk_start = P.brk_cur = 0x1000000;
    P.mmap_top = 1ull << 36;
    cr_assert_eq(mmu_map(P.mm, SCRATCH, SCRATCH_LEN, MMU_R | MMU_W), 0);
    strcpy(tmpdir, "/tmp/liftvm_procXXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
    mmu_space_free(P.mm);
}

TestSuite(syscall_proc, .init = setup, .fini = teardown);

static uint64_t reg(size_t off) {
    uint64_t v;
    memcpy(&v, (uint8_t *)&cpu + off, 8);
    return v;
}

static void set_reg(size_t off, uint64_t v) {
    memcpy((uint8_t *)&cpu + off, &v, 8);
}

static long sys_n(uint64_t nr, const uint64_t *a) {
    set_reg(P.arch->off_sysno, nr);
    for (int i = 0; i < 6; i++)
        set_reg(P.arch->off_args[i], a[i]);
    rt_linux_syscall(&P);
    return (long)reg(P.arch->off_ret);
}
#define SYS(nr, ...) sys_n(nr, (uint64_t[]){__VA_ARGS__, 0, 0, 0, 0, 0, 0})

static uint64_t gstr(uint64_t off, const char *s) {
    cr_assert_eq(mmu_write(P.mm, SCRATCH + off, s, strlen(s) + 1), 0);
    return SCRATCH + off;
}

static void gput(uint64_t off, const void *v, size_t n) {
    cr_assert_eq(mmu_write(P.mm, SCRATCH + off, v, n), 0);
}

static void gget(uint64_t off, void *v, size_t n) {
    cr_assert_eq(mmu_read(P.mm, SCRATCH + off, v, n), 0);
}

enum { G_SIGCHLD = 17, CLONE_PIDFD_G = 0x1000, CLONE_PARENT_SETTID_G = 0x100000 };

/* ---- clone ---- */

Test(syscall_proc, clone_rejects_inconsistent_flags) {
    /* CLONE_SIGHAND needs CLONE_VM; PIDFD and PARENT_SETTID share a word */
    cr_assert_eq(SYS(RT_NR_clone, 0x800 | G_SIGCHLD), -EINVAL);
    cr_assert_eq(SYS(RT_NR_clone, CLONE_PIDFD_G | CLONE_PARENT_SETTID_G | G_SIGCHLD, 0, SCRATCH),
                 -EINVAL);
    /* CLONE_THREAD without CLONE_SIGHAND */
    cr_assert_eq(SYS(RT_NR_clone, 0x10000 | 0x100 | 0x4000 | G_SIGCHLD), -EINVAL);
}

Test(syscall_proc, clone3_checks_its_struct) {
    uint64_t args[11] = {0};
    args[4] = G_SIGCHLD;
    gput(0, args, sizeof args);
    cr_assert_eq(SYS(RT_NR_clone3, SCRATCH, 32), -EINVAL);      /* below version 0 */
    cr_assert_eq(SYS(RT_NR_clone3, SCRATCH, 2 * 4096), -E2BIG); /* beyond a page */
    cr_assert_eq(SYS(RT_NR_clone3, BAD, 88), -EFAULT);
    uint64_t tail[2] = {0, 1};
    gput(88, tail, sizeof tail);
    cr_assert_eq(SYS(RT_NR_clone3, SCRATCH, 104), -E2BIG); /* unknown nonzero field */
    args[0] = G_SIGCHLD;                                   /* signal in the flags */
    gput(0, args, sizeof args);
    cr_assert_eq(SYS(RT_NR_clone3, SCRATCH, 88), -EINVAL);
    args[0] = 0;
    args[5] = SCRATCH; /* a stack without a size */
    gput(0, args, sizeof args);
    cr_assert_eq(SYS(RT_NR_clone3, SCRATCH, 88), -EINVAL);
}

/* A real fork through clone: the child (a copy of this test process) checks
 * its registers and tid word and reports through its exit status. */
Test(syscall_proc, clone_forks_with_child_registers) {
    const uint64_t ctid = SCRATCH + 0x100, ptid = SCRATCH + 0x108;
    const uint64_t flags =
        0x01000000 /* CHILD_SETTID */ | 0x80000 /* SETTLS */ | CLONE_PARENT_SETTID_G | G_SIGCHLD;
    set_reg(P.arch->off_sp, 0x1111);
    long pid = SYS(RT_NR_clone, flags, 0x7770, ptid, 0xabcd, ctid);
    if (pid == 0) {
        uint32_t tid = 0;
        mmu_read(P.mm, ctid, &tid, 4);
        int ok = reg(P.arch->off_sp) == 0x7770 && reg(P.arch->off_tp) == 0xabcd &&
                 tid == (uint32_t)getpid();
        _exit(ok ? 33 : 44);
    }
    cr_assert_gt(pid, 0);
    cr_assert_eq(reg(P.arch->off_sp), 0x1111, "the parent keeps its sp");
    uint32_t seen;
    gget(0x108, &seen, 4);
    cr_assert_eq(seen, (uint32_t)pid);
    long w = SYS(RT_NR_wait4, (uint64_t)pid, SCRATCH + 0x200, 0, SCRATCH + 0x300);
    cr_assert_eq(w, pid);
    int st;
    gget(0x200, &st, 4);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 33, "child status %#x", st);
}

/* ---- waiting ---- */

Test(syscall_proc, wait_errors) {
    cr_assert_eq(SYS(RT_NR_wait4, (uint64_t)-1, SCRATCH, 0, 0), -ECHILD);
    cr_assert_eq(SYS(RT_NR_wait4, (uint64_t)-1, BAD, 0, 0), -EFAULT);
    cr_assert_eq(SYS(RT_NR_waitid, 0 /* P_ALL */, 0, SCRATCH, 4 /* WEXITED */, 0), -ECHILD);
    cr_assert_eq(SYS(RT_NR_waitid, 0, 0, SCRATCH, 0, 0), -EINVAL); /* no event asked for */
}

Test(syscall_proc, waitid_fills_siginfo) {
    pid_t pid = fork();
    if (pid == 0)
        _exit(5);
    cr_assert_eq(SYS(RT_NR_waitid, 1 /* P_PID */, (uint64_t)pid, SCRATCH, 4, 0), 0);
    int32_t si[6];
    gget(0, si, sizeof si);
    cr_assert_eq(si[0], SIGCHLD);
    cr_assert_eq(si[2], CLD_EXITED);
    cr_assert_eq(si[4], pid);
    uint32_t status;
    gget(24, &status, 4);
    cr_assert_eq(status, 5);
}

/* ---- execve errors ---- */

Test(syscall_proc, execve_errors_like_linux) {
    cr_assert_eq(rt_execself_init(0, NULL), 0);
    uint64_t argv = SCRATCH + 0x800;
    uint64_t av[2] = {gstr(0x900, "x"), 0};
    gput(0x800, av, sizeof av);
    cr_assert_eq(SYS(RT_NR_execve, gstr(0, "/nonexistent/prog"), argv, 0), -ENOENT);
    cr_assert_eq(SYS(RT_NR_execve, gstr(0, tmpdir), argv, 0), -EACCES);
    cr_assert_eq(SYS(RT_NR_execve, BAD, argv, 0), -EFAULT);
    char path[128];
    snprintf(path, sizeof path, "%s/text", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("not a program\n", f);
    fclose(f);
    cr_assert_eq(SYS(RT_NR_execve, gstr(0, path), argv, 0), -EACCES); /* no x bit */
    chmod(path, 0755);
    cr_assert_eq(SYS(RT_NR_execve, gstr(0, path), argv, 0), -ENOEXEC);
    cr_assert_eq(SYS(RT_NR_execve, gstr(0, path), BAD, 0), -EFAULT); /* argv unreadable */
    f = fopen(path, "w");
    fputs("#!\n", f);
    fclose(f);
    cr_assert_eq(SYS(RT_NR_execve, gstr(0, path), argv, 0), -ENOEXEC); /* no interpreter */
    f = fopen(path, "w");
    fputs("#!/nonexistent/sh -x\n", f);
    fclose(f);
    cr_assert_eq(SYS(RT_NR_execve, gstr(0, path), argv, 0), -ENOENT);
    /* a script that is its own interpreter loops */
    f = fopen(path, "w");
    fprintf(f, "#!%s\n", path);
    fclose(f);
    cr_assert_eq(SYS(RT_NR_execve, gstr(0, path), argv, 0), -ELOOP);
    cr_assert_eq(SYS(RT_NR_execveat, (uint64_t)-100, gstr(0, path), argv, 0, 0x8000), -EINVAL);
    cr_assert_eq(SYS(RT_NR_execveat, (uint64_t)-100, gstr(0, ""), argv, 0, 0), -ENOENT);
}

/* ---- sockets ---- */

Test(syscall_proc, socketpair_sendmsg_recvmsg_with_rights) {
    cr_assert_eq(SYS(RT_NR_socketpair, AF_UNIX, SOCK_STREAM, 0, SCRATCH), 0);
    int sv[2];
    gget(0, sv, sizeof sv);
    int pfd[2];
    cr_assert_eq(pipe(pfd), 0);

    /* guest msghdr at 0x100: iov at 0x200 -> "hi" at 0x300, control at 0x400 */
    uint64_t iov[2] = {gstr(0x300, "hi"), 2};
    gput(0x200, iov, sizeof iov);
    uint64_t cmsg[3] = {20, 0, 0}; /* len = CMSG_LEN(4); level, type set below */
    int32_t lt[2] = {SOL_SOCKET, SCM_RIGHTS};
    memcpy((uint8_t *)cmsg + 8, lt, 8);
    memcpy((uint8_t *)cmsg + 16, &pfd[0], 4);
    gput(0x400, cmsg, sizeof cmsg);
    uint64_t msg[7] = {0, 0, SCRATCH + 0x200, 1, SCRATCH + 0x400, 24, 0};
    gput(0x100, msg, sizeof msg);
    cr_assert_eq(SYS(RT_NR_sendmsg, (uint64_t)sv[0], SCRATCH + 0x100, 0), 2);

    uint64_t riov[2] = {SCRATCH + 0x600, 16};
    gput(0x500, riov, sizeof riov);
    uint64_t rmsg[7] = {0, 0, SCRATCH + 0x500, 1, SCRATCH + 0x700, 64, 0};
    gput(0x180, rmsg, sizeof rmsg);
    cr_assert_eq(SYS(RT_NR_recvmsg, (uint64_t)sv[1], SCRATCH + 0x180, 0), 2);
    char got[3] = {0};
    gget(0x600, got, 2);
    cr_assert_str_eq(got, "hi");
    uint64_t controllen;
    gget(0x180 + 40, &controllen, 8);
    cr_assert_eq(controllen, 24);
    int32_t rl[3];
    gget(0x700 + 8, rl, sizeof rl);
    cr_assert_eq(rl[0], SOL_SOCKET);
    cr_assert_eq(rl[1], SCM_RIGHTS);
    cr_assert_eq(write(pfd[1], "z", 1), 1);
    char z = 0;
    cr_assert_eq(read(rl[2], &z, 1), 1, "the passed fd reads the pipe");
    cr_assert_eq(z, 'z');
    close(rl[2]);
    close(pfd[0]);
    close(pfd[1]);
    close(sv[0]);
    close(sv[1]);
}

Test(syscall_proc, socket_bad_pointers_and_lengths) {
    int s = (int)SYS(RT_NR_socket, AF_INET, SOCK_DGRAM, 0);
    cr_assert_geq(s, 0);
    cr_assert_eq(SYS(RT_NR_bind, (uint64_t)s, BAD, 16), -EFAULT);
    cr_assert_eq(SYS(RT_NR_bind, (uint64_t)s, SCRATCH, (uint64_t)-1), -EINVAL);
    cr_assert_eq(SYS(RT_NR_bind, (uint64_t)s, SCRATCH, 129), -EINVAL);
    cr_assert_eq(SYS(RT_NR_getsockopt, (uint64_t)s, SOL_SOCKET, SO_TYPE, SCRATCH, BAD), -EFAULT);
    uint32_t len = 4;
    gput(0x10, &len, 4);
    cr_assert_eq(SYS(RT_NR_getsockopt, (uint64_t)s, SOL_SOCKET, SO_TYPE, SCRATCH, SCRATCH + 0x10),
                 0);
    int32_t type;
    gget(0, &type, 4);
    cr_assert_eq(type, SOCK_DGRAM);
    cr_assert_eq(SYS(RT_NR_socketpair, AF_UNIX, SOCK_STREAM, 0, BAD), -EFAULT);
    close(s);
}

/* ---- /proc ---- */

/* Reads the whole guest-opened fd. */
static size_t read_fd(long fd, char *buf, size_t cap) {
    cr_assert_geq(fd, 0, "open failed: %ld", fd);
    size_t got = 0;
    ssize_t n;
    while (got < cap - 1 && (n = read((int)fd, buf + got, cap - 1 - got)) > 0)
        got += (size_t)n;
    close((int)fd);
    buf[got] = 0;
    return got;
}

Test(syscall_proc, proc_self_files) {
    char *argv[] = {"prog", "one", "two", NULL};
    char *envp[] = {"A=1", NULL};
    P.stack_top = 0x3ffffff000;
    P.entry = P.exe_entry = 0x10000;
    char err[128];
    cr_assert_eq(rt_stack_setup(&P, 3, argv, envp, err, sizeof err), 0, "%s", err);
    char buf[8192];
    size_t n = read_fd(SYS(RT_NR_openat, (uint64_t)-100, gstr(0, "/proc/self/cmdline"), 0), buf,
                       sizeof buf);
    cr_assert_eq(n, 13);
    cr_assert_eq(memcmp(buf, "prog\0one\0two", 13), 0);
    n = read_fd(SYS(RT_NR_openat, (uint64_t)-100, gstr(0, "/proc/self/environ"), 0), buf,
                sizeof buf);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(buf, "A=1");
    char own[64];
    snprintf(own, sizeof own, "/proc/%d/comm", (int)getpid());
    read_fd(SYS(RT_NR_openat, (uint64_t)-100, gstr(0, own), 0), buf, sizeof buf);
    cr_assert_str_eq(buf, "prog\n");
    read_fd(SYS(RT_NR_openat, (uint64_t)-100, gstr(0, "/proc/cpuinfo"), 0), buf, sizeof buf);
    cr_assert(strstr(buf, "processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc"), "%s", buf);
    cr_assert(strstr(buf, "mmu\t\t: sv39\n"), "%s", buf);
    read_fd(SYS(RT_NR_openat, (uint64_t)-100, gstr(0, "/proc/self/maps"), 0), buf, sizeof buf);
    cr_assert(strstr(buf, "3fff7ff000-3ffffff000 rw-p 00000000 00:00 0"), "%s", buf);
    cr_assert(strstr(buf, "[stack]\n"), "%s", buf);
    cr_assert(strstr(buf, "00200000-00210000 rw-p 00000000 00:00 0 \n"), "%s", buf);
    /* written to or opened as a directory: as Linux refuses */
    cr_assert_eq(SYS(RT_NR_openat, (uint64_t)-100, gstr(0, "/proc/self/cmdline"), 1), -EACCES);
    cr_assert_eq(SYS(RT_NR_openat, (uint64_t)-100, gstr(0, "/proc/self/auxv"), 0200000), -ENOTDIR);
    /* auxv: pairs ending with AT_NULL, AT_PAGESZ among them */
    n = read_fd(SYS(RT_NR_openat, (uint64_t)-100, gstr(0, "/proc/self/auxv"), 0), buf, sizeof buf);
    cr_assert_eq(n % 16, 0);
    uint64_t pair[2];
    bool pagesz = false;
    for (size_t i = 0; i + 16 <= n; i += 16) {
        memcpy(pair, buf + i, 16);
        pagesz |= pair[0] == 6 && pair[1] == 4096;
    }
    memcpy(pair, buf + n - 16, 16);
    cr_assert(pagesz && pair[0] == 0);
}

/* ---- strace ---- */

Test(syscall_proc, strace_decodes_process_calls) {
    char logpath[128];
    snprintf(logpath, sizeof logpath, "%s/log", tmpdir);
    FILE *f = fopen(logpath, "w");
    cr_assert_not_null(f);
    FILE *saved = rt_log_file;
    rt_log_file = f;
    rt_log_mask |= RT_LOG_STRACE;
    SYS(RT_NR_clone, 0x800 | G_SIGCHLD, 0, 0, 0, 0);
    uint64_t av[3] = {gstr(0x900, "sh"), gstr(0x910, "-c"), 0};
    gput(0x800, av, sizeof av);
    SYS(RT_NR_execve, gstr(0, "/nonexistent"), SCRATCH + 0x800, SCRATCH + 0x810);
    SYS(RT_NR_wait4, (uint64_t)-1, 0, 1, 0);
    rt_log_mask = 0;
    rt_log_file = saved;
    fclose(f);
    f = fopen(logpath, "r");
    char text[4096] = {0};
    cr_assert_gt(fread(text, 1, sizeof text - 1, f), 0);
    fclose(f);
    cr_assert(strstr(text, "clone(CLONE_SIGHAND|SIGCHLD, NULL, NULL, 0, NULL) = -1 EINVAL"),
              "got: %s", text);
    cr_assert(strstr(text, "execve(\"/nonexistent\", [\"sh\", \"-c\"], 0x200810 /* 0 vars */) = "
                           "-1 ENOENT"),
              "got: %s", text);
    cr_assert(strstr(text, "wait4(-1, NULL, WNOHANG, NULL) = -1 ECHILD"), "got: %s", text);
}
