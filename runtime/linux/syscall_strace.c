/*
 * syscall_strace.c — -d strace: one line per finished syscall, in strace's
 * style:
 *
 *   openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
 *   read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1024
 *   openat(AT_FDCWD, "/nope", O_RDONLY) = -1 ENOENT (No such file or directory)
 *
 * Each syscall's table entry (syscall.c) gives one letter per argument
 * saying how to print it; guest memory is only read through the mmu, so a
 * bad pointer prints as a number.
 */
#include "runtime/linux/syscall_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define STR_MAX 32 /* buffer bytes shown, as strace -s 32 */

bool rt_sys_strace_pids;

typedef struct line {
    char buf[1024];
    size_t len;
} line;

static void put(line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(line *l, const char *fmt, ...) {
    if (l->len >= sizeof l->buf - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, sizeof l->buf - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += (size_t)n;
    if (l->len > sizeof l->buf - 1)
        l->len = sizeof l->buf - 1;
}

typedef struct flag_name {
    uint64_t bit;
    const char *name;
} flag_name;

/* Prints the names of the set bits of v from names[], then any rest in hex;
 * zero prints zero_name. */
static void put_flags(line *l, uint64_t v, const flag_name *names, size_t n,
                      const char *zero_name) {
    if (v == 0) {
        put(l, "%s", zero_name);
        return;
    }
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (names[i].bit && (v & names[i].bit) == names[i].bit) {
            put(l, "%s%s", first ? "" : "|", names[i].name);
            v &= ~names[i].bit;
            first = false;
        }
    }
    if (v)
        put(l, "%s%#llx", first ? "" : "|", (unsigned long long)v);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const flag_name open_flags[] = {
    {00000100, "O_CREAT"},    {00000200, "O_EXCL"},      {00000400, "O_NOCTTY"},
    {00001000, "O_TRUNC"},    {00002000, "O_APPEND"},    {00004000, "O_NONBLOCK"},
    {04010000, "O_SYNC"},     {00010000, "O_DSYNC"},     {00020000, "O_ASYNC"},
    {00040000, "O_DIRECT"},   {00100000, "O_LARGEFILE"}, {00200000, "O_DIRECTORY"},
    {00400000, "O_NOFOLLOW"}, {01000000, "O_NOATIME"},   {02000000, "O_CLOEXEC"},
    {010000000, "O_PATH"},    {020000000, "O_TMPFILE"},
};

static void put_open_flags(line *l, uint64_t v) {
    static const char *const acc[4] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
    v &= 0xffffffffull;
    put(l, "%s", acc[v & 3]);
    if (v & ~3ull) {
        put(l, "|");
        put_flags(l, v & ~3ull, open_flags, COUNT(open_flags), "");
    }
}

static const flag_name access_flags[] = {{4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"}};

static const flag_name prot_flags[] = {
    {1, "PROT_READ"},
    {2, "PROT_WRITE"},
    {4, "PROT_EXEC"},
    {8, "PROT_SEM"},
    {0x01000000, "PROT_GROWSDOWN"},
    {0x02000000, "PROT_GROWSUP"},
};

static const flag_name map_flags[] = {
    {0x10, "MAP_FIXED"},
    {0x20, "MAP_ANONYMOUS"},
    {0x100, "MAP_GROWSDOWN"},
    {0x800, "MAP_DENYWRITE"},
    {0x1000, "MAP_EXECUTABLE"},
    {0x2000, "MAP_LOCKED"},
    {0x4000, "MAP_NORESERVE"},
    {0x8000, "MAP_POPULATE"},
    {0x10000, "MAP_NONBLOCK"},
    {0x20000, "MAP_STACK"},
    {0x40000, "MAP_HUGETLB"},
    {0x80000, "MAP_SYNC"},
    {0x100000, "MAP_FIXED_NOREPLACE"},
};

static void put_map_flags(line *l, uint64_t v) {
    static const char *const type[4] = {"0", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"};
    uint64_t t = v & 0xf;
    if (t < 4)
        put(l, "%s", type[t]);
    else
        put(l, "%#llx", (unsigned long long)t);
    if (v & ~0xfull) {
        put(l, "|");
        put_flags(l, v & ~0xfull, map_flags, COUNT(map_flags), "");
    }
}

static const flag_name at_flags[] = {
    {0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"},   {0x400, "AT_SYMLINK_FOLLOW"},
    {0x800, "AT_NO_AUTOMOUNT"},     {0x1000, "AT_EMPTY_PATH"}, {0x2000, "AT_STATX_FORCE_SYNC"},
    {0x4000, "AT_STATX_DONT_SYNC"},
};

static const char *const signal_names[] = {
    NULL,        "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

static const char *const fcntl_names[] = {
    "F_DUPFD", "F_GETFD",  "F_SETFD",  "F_GETFL",  "F_SETFL",  "F_GETLK",
    "F_SETLK", "F_SETLKW", "F_SETOWN", "F_GETOWN", "F_SETSIG", "F_GETSIG",
};

static const char *const futex_names[] = {
    "FUTEX_WAIT",           "FUTEX_WAKE",        "FUTEX_FD",          "FUTEX_REQUEUE",
    "FUTEX_CMP_REQUEUE",    "FUTEX_WAKE_OP",     "FUTEX_LOCK_PI",     "FUTEX_UNLOCK_PI",
    "FUTEX_TRYLOCK_PI",     "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
    "FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2",
};

static const char *const clock_names[] = {
    "CLOCK_REALTIME",
    "CLOCK_MONOTONIC",
    "CLOCK_PROCESS_CPUTIME_ID",
    "CLOCK_THREAD_CPUTIME_ID",
    "CLOCK_MONOTONIC_RAW",
    "CLOCK_REALTIME_COARSE",
    "CLOCK_MONOTONIC_COARSE",
    "CLOCK_BOOTTIME",
    "CLOCK_REALTIME_ALARM",
    "CLOCK_BOOTTIME_ALARM",
    NULL,
    "CLOCK_TAI",
};

static const char *const rlimit_names[] = {
    "RLIMIT_CPU",      "RLIMIT_FSIZE", "RLIMIT_DATA",   "RLIMIT_STACK",
    "RLIMIT_CORE",     "RLIMIT_RSS",   "RLIMIT_NPROC",  "RLIMIT_NOFILE",
    "RLIMIT_MEMLOCK",  "RLIMIT_AS",    "RLIMIT_LOCKS",  "RLIMIT_SIGPENDING",
    "RLIMIT_MSGQUEUE", "RLIMIT_NICE",  "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
};

static const char *const whence_names[] = {"SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA",
                                           "SEEK_HOLE"};
static const char *const how_names[] = {"SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"};

/* names[v] if in range and set, else the number. */
static void put_enum(line *l, int64_t v, const char *const *names, size_t n) {
    if (v >= 0 && (uint64_t)v < n && names[v])
        put(l, "%s", names[v]);
    else
        put(l, "%lld", (long long)v);
}

/* Quotes n bytes C-style; more says whether to append "...". */
static void put_quoted(line *l, const uint8_t *s, size_t n, bool more) {
    put(l, "\"");
    /* clang-format off */
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        switch (c) {
        case '\n': put(l, "\\n"); break;
        case '\t': put(l, "\\t"); break;
        case '\r': put(l, "\\r"); break;
        case '"': put(l, "\\\""); break;
        case '\\': put(l, "\\\\"); break;
        default:
            if (c >= 0x20 && c < 0x7f)
                put(l, "%c", c);
            else
                put(l, "\\%o", c);
        }
    }
    /* clang-format on */
    put(l, "\"%s", more ? "..." : "");
}

static void put_ptr(line *l, uint64_t v) {
    if (v)
        put(l, "%#llx", (unsigned long long)v);
    else
        put(l, "NULL");
}

/* A guest buffer of len bytes at addr, at most STR_MAX shown. */
static void put_buffer(line *l, rt_proc *p, uint64_t addr, uint64_t len) {
    uint8_t tmp[STR_MAX];
    size_t n = len < STR_MAX ? (size_t)len : STR_MAX;
    if (mmu_read(p->mm, addr, tmp, n)) {
        put_ptr(l, addr);
        return;
    }
    put_quoted(l, tmp, n, len > n);
}

static void put_path(line *l, rt_proc *p, uint64_t addr) {
    char tmp[PATH_MAX];
    long n = mmu_read_str(p->mm, addr, tmp, sizeof tmp);
    if (n < 0) {
        put_ptr(l, addr);
        return;
    }
    put_quoted(l, (const uint8_t *)tmp, (size_t)n, false);
}

static const flag_name clone_flags[] = {
    {0x100, "CLONE_VM"},
    {0x200, "CLONE_FS"},
    {0x400, "CLONE_FILES"},
    {0x800, "CLONE_SIGHAND"},
    {0x1000, "CLONE_PIDFD"},
    {0x2000, "CLONE_PTRACE"},
    {0x4000, "CLONE_VFORK"},
    {0x8000, "CLONE_PARENT"},
    {0x10000, "CLONE_THREAD"},
    {0x20000, "CLONE_NEWNS"},
    {0x40000, "CLONE_SYSVSEM"},
    {0x80000, "CLONE_SETTLS"},
    {0x100000, "CLONE_PARENT_SETTID"},
    {0x200000, "CLONE_CHILD_CLEARTID"},
    {0x400000, "CLONE_DETACHED"},
    {0x800000, "CLONE_UNTRACED"},
    {0x1000000, "CLONE_CHILD_SETTID"},
    {0x2000000, "CLONE_NEWCGROUP"},
    {0x4000000, "CLONE_NEWUTS"},
    {0x8000000, "CLONE_NEWIPC"},
    {0x10000000, "CLONE_NEWUSER"},
    {0x20000000, "CLONE_NEWPID"},
    {0x40000000, "CLONE_NEWNET"},
    {0x80000000, "CLONE_IO"},
};

static const flag_name wait_flags[] = {
    {1, "WNOHANG"},         {2, "WUNTRACED"},         {4, "WEXITED"},
    {8, "WCONTINUED"},      {0x1000000, "WNOWAIT"},   {0x20000000, "__WNOTHREAD"},
    {0x40000000, "__WALL"}, {0x80000000, "__WCLONE"},
};

/* clone flags: the CLONE_* names, then the exit signal. */
static void put_clone_flags(line *l, uint64_t v) {
    uint64_t sig = v & 0xff;
    put_flags(l, v & ~0xffull & 0xffffffffull, clone_flags, COUNT(clone_flags), "");
    if (sig)
        put(l, "%s%s", v & ~0xffull ? "|" : "", sig < 32 ? signal_names[sig] : "SIGRT");
    else if (!(v & ~0xffull))
        put(l, "0");
}

/* clone3's struct clone_args: the fields strace shows. */
static void put_clone_args(line *l, rt_proc *p, uint64_t addr) {
    uint64_t v[8];
    if (mmu_read(p->mm, addr, v, sizeof v)) {
        put_ptr(l, addr);
        return;
    }
    put(l, "{flags=");
    put_flags(l, v[0] & 0xffffffffull, clone_flags, COUNT(clone_flags), "0");
    put(l, ", exit_signal=");
    if (v[4] > 0 && v[4] < COUNT(signal_names))
        put(l, "%s", signal_names[v[4]]);
    else
        put(l, "%llu", (unsigned long long)v[4]);
    put(l, ", stack=%#llx, stack_size=%#llx}", (unsigned long long)v[5], (unsigned long long)v[6]);
}

/* A guest argv-style array: up to 8 quoted strings. */
static void put_strvec(line *l, rt_proc *p, uint64_t addr) {
    if (!addr) {
        put(l, "NULL");
        return;
    }
    put(l, "[");
    for (int i = 0;; i++) {
        uint64_t s;
        if (mmu_read(p->mm, addr + 8 * (uint64_t)i, &s, sizeof s)) {
            put(l, "%s%#llx", i ? ", " : "", (unsigned long long)(addr + 8 * (uint64_t)i));
            break;
        }
        if (!s)
            break;
        if (i == 8) {
            put(l, ", ...");
            break;
        }
        if (i)
            put(l, ", ");
        put_path(l, p, s);
    }
    put(l, "]");
}

/* A guest environment array as strace shows it: the address and a count. */
static void put_envcount(line *l, rt_proc *p, uint64_t addr) {
    uint64_t n = 0, s = 1;
    while (addr && n < 100000 && !mmu_read(p->mm, addr + 8 * n, &s, sizeof s) && s)
        n++;
    put_ptr(l, addr);
    if (addr)
        put(l, " /* %llu vars */", (unsigned long long)n);
}

/* clang-format off */
static void put_arg(line *l, rt_proc *p, char kind, const uint64_t *a, int i, long result) {
    uint64_t v = a[i];
    switch (kind) {
    case 'd': put(l, "%d", rt_sys_int(v)); break;
    case 'l': put(l, "%lld", (long long)v); break;
    case 'u': put(l, "%llu", (unsigned long long)v); break;
    case 'p': put_ptr(l, v); break;
    case 's': put_path(l, p, v); break;
    case 'D':
        if (rt_sys_int(v) == -100)
            put(l, "AT_FDCWD");
        else
            put(l, "%d", rt_sys_int(v));
        break;
    case 'o': put_open_flags(l, v); break;
    case 'O': put_flags(l, v & 0xffffffffull, open_flags, COUNT(open_flags), "0"); break;
    case 'm': put(l, "0%llo", (unsigned long long)v); break;
    case 'a': put_flags(l, v & 7, access_flags, COUNT(access_flags), "F_OK"); break;
    case 'b': put_buffer(l, p, v, i < 5 ? a[i + 1] : 0); break;
    case 'r':
        if (result > 0)
            put_buffer(l, p, v, (uint64_t)result);
        else
            put_ptr(l, v);
        break;
    case 'P': put_flags(l, v, prot_flags, COUNT(prot_flags), "PROT_NONE"); break;
    case 'M': put_map_flags(l, v); break;
    case 'A': put_flags(l, v & 0xffffffffull, at_flags, COUNT(at_flags), "0"); break;
    case 'S': {
        int s = rt_sys_int(v);
        if (s > 0 && s < (int)COUNT(signal_names))
            put(l, "%s", signal_names[s]);
        else if (s >= 32 && s <= RT_SIG_MAX)
            put(l, "SIGRT_%d", s - 32);
        else
            put(l, "%d", s);
        break;
    }
    case 'F': {
        int c = rt_sys_int(v);
        if (c == 1030)
            put(l, "F_DUPFD_CLOEXEC");
        else
            put_enum(l, c, fcntl_names, COUNT(fcntl_names));
        break;
    }
    case 'I': {
        const char *name = rt_sys_ioctl_name((uint32_t)v);
        if (name)
            put(l, "%s", name);
        else
            put(l, "%#x", (unsigned)v);
        break;
    }
    case 'f': {
        int op = rt_sys_int(v);
        put_enum(l, op & 127, futex_names, COUNT(futex_names));
        if (op & 128)
            put(l, "|FUTEX_PRIVATE_FLAG");
        if (op & 256)
            put(l, "|FUTEX_CLOCK_REALTIME");
        break;
    }
    case 'c': put_enum(l, rt_sys_int(v), clock_names, COUNT(clock_names)); break;
    case 'R': put_enum(l, rt_sys_int(v), rlimit_names, COUNT(rlimit_names)); break;
    case 'W': put_enum(l, rt_sys_int(v), whence_names, COUNT(whence_names)); break;
    case 'h': put_enum(l, rt_sys_int(v), how_names, COUNT(how_names)); break;
    case 'K': put_clone_flags(l, v); break;
    case 'k': put_clone_args(l, p, v); break;
    case 'w': put_flags(l, v & 0xffffffffull, wait_flags, COUNT(wait_flags), "0"); break;
    case 'V': put_strvec(l, p, v); break;
    case 'E': put_envcount(l, p, v); break;
    default: put(l, "%#llx", (unsigned long long)v); break;
    }
}
/* clang-format on */

void rt_sys_strace(rt_proc *p, const char *name, const char *kinds, char ret, const uint64_t *a,
                   long result) {
    line l = {.len = 0};
    if (rt_sys_strace_pids) /* the thread's id, as strace -f shows it */
        put(&l, "[pid %d] ", (int)gettid());
    put(&l, "%s(", name);
    for (int i = 0; kinds[i] && i < 6; i++) {
        /* open's mode means something only with O_CREAT or O_TMPFILE */
        if (kinds[i] == 'C' && (i == 0 || !(a[i - 1] & (00000100 | 020000000))))
            continue;
        if (i)
            put(&l, ", ");
        put_arg(&l, p, kinds[i] == 'C' ? 'm' : kinds[i], a, i, result);
    }
    put(&l, ") = ");
    if (ret == 'n') {
        put(&l, "?");
    } else if (result == -513) {
        put(&l, "? ERESTARTNOINTR (To be restarted)"); /* RT_ERESTART_NOSTART, as strace says it */
    } else if (result < 0 && result >= -4095) {
        int e = (int)-result;
        const char *ename = strerrorname_np(e);
        if (ename)
            put(&l, "-1 %s (%s)", ename, strerror(e));
        else
            put(&l, "-1 errno %d", e);
    } else if (ret == 'x') {
        put(&l, "%#lx", (unsigned long)result);
    } else if (ret == 'o') {
        put(&l, "0%lo", (unsigned long)result);
    } else {
        put(&l, "%ld", result);
    }
    rt_logf("%s\n", l.buf);
}
