/*
 * syscall_exec.c — execve and execveat.
 *
 *   guest path ─► host file (sysroot first, like open) ─► first 256 bytes
 *      riscv64 ELF ─► host execve of liftvm itself:
 *                       liftvm OPTIONS -0 ARGV0 -- PATH ARGS...   (guest envp)
 *      x86-64 ELF  ─► host execve of the file itself (runs natively)
 *      "#!"        ─► interpreter line, as Linux's binfmt_script: the
 *                     interpreter (looked up the same way) runs with
 *                     [interp, optional arg, script path, ARGS[1..]]
 *      other       ─► -ENOEXEC (the guest libc may then try /bin/sh)
 *
 * Host programs: qemu-user fails with ENOEXEC on a foreign binary unless
 * binfmt_misc sends it elsewhere.  For a user it is friendlier to run an
 * x86-64 program natively (a riscv64 shell from a sysroot can then start
 * host tools that the sysroot lacks), so liftvm does that.
 *
 * Everything the new image should not inherit goes away with the host
 * exec: guest fds marked close-on-exec are host fds with FD_CLOEXEC, and
 * liftvm's own fds (the -D log) are opened O_CLOEXEC.  What Linux keeps
 * across exec and liftvm emulates is handed over through the host process:
 * the blocked-signal mask becomes the host mask and ignored signals stay
 * ignored on the host; the new liftvm reads both back (rt_sys_exec_inherit).
 *
 * The re-executed liftvm gets the options this one was started with
 * (rt_execself_init) plus the sysroot and the -D log file as absolute paths
 * (the guest may have changed directory), and RT_EXECSELF_CHILD so that
 * it appends to the log instead of truncating it.
 */
#include "runtime/linux/rt_execself.h"
#include "runtime/linux/rt_signal.h"

#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/linux/syscall_priv.h"

extern char **environ;

/* Linux limits: a #! line is read from the first BINPRM_BUF_SIZE bytes,
 * an interpreter may be a script itself 4 times, one argument or
 * environment string may hold MAX_ARG_STRLEN bytes. */
#define EXEC_BUF 256
#define EXEC_MAX_DEPTH 5
#define MAX_ARG_STRLEN (32 * 4096)
#define ARGS_TOTAL_MAX (6u << 20) /* 3/4 of the 8 MiB stack, like Linux */

enum { G_AT_FDCWD = -100, G_AT_SYMLINK_NOFOLLOW = 0x100, G_AT_EMPTY_PATH = 0x1000 };

/* ---- how to start liftvm again ---- */

static struct {
    char *exe;   /* liftvm's own executable */
    char **opts; /* replayed option words */
    size_t nopts;
    char **env; /* LIFTVM_* environment twins to pass on */
    size_t nenv;
} self;

static bool per_program_env(const char *e) {
    return strncmp(e, "LIFTVM_ARGV0=", 13) == 0 || strncmp(e, "LIFTVM_SET_ENV=", 15) == 0 ||
           strncmp(e, "LIFTVM_UNSET_ENV=", 17) == 0;
}

int rt_execself_init(int nopts, char *const *opts) {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    self.exe = strdup(buf);
    self.opts = calloc((size_t)nopts + 1, sizeof *self.opts);
    size_t nenv = 0;
    for (char **e = environ; *e; e++)
        nenv++;
    self.env = calloc(nenv + 1, sizeof *self.env);
    if (!self.exe || !self.opts || !self.env)
        return -1;
    for (int i = 0; i < nopts; i++)
        self.opts[self.nopts++] = opts[i];
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "LIFTVM_", 7) == 0 && !per_program_env(*e))
            self.env[self.nenv++] = *e;
    return 0;
}

/* Length of the sysroot without trailing slashes (0: none). */
static size_t root_len(const char *sysroot) {
    if (!sysroot)
        return 0;
    size_t n = strlen(sysroot);
    while (n > 0 && sysroot[n - 1] == '/')
        n--;
    return n;
}

const char *rt_execself_program(const char *sysroot, const char *path, char *buf, size_t n) {
    size_t rl = root_len(sysroot);
    if (rl == 0 || path[0] != '/')
        return path;
    int w = snprintf(buf, n, "%.*s%s", (int)rl, sysroot, path);
    if (w > 0 && (size_t)w < n && faccessat(AT_FDCWD, buf, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        return buf;
    return path;
}

void rt_execself_mark_child(void) {
    rt_sys_strace_pids = true;
}

/* ---- growable string vectors ---- */

typedef struct strvec {
    char **v;
    size_t n, cap;
    size_t bytes; /* total string bytes, for the size limit */
} strvec;

static void strvec_free(strvec *s) {
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* Appends a copy of str (len bytes); 0 or -ENOMEM / -E2BIG. */
static int strvec_push(strvec *s, const char *str, size_t len) {
    if (s->bytes + len + 1 > ARGS_TOTAL_MAX)
        return -E2BIG;
    if (s->n + 2 > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            return -ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    char *c = malloc(len + 1);
    if (!c)
        return -ENOMEM;
    memcpy(c, str, len);
    c[len] = 0;
    s->v[s->n++] = c;
    s->v[s->n] = NULL;
    s->bytes += len + 1;
    return 0;
}

static int strvec_add(strvec *s, const char *str) {
    return strvec_push(s, str, strlen(str));
}

static char *const *vec_or_empty(const strvec *s) {
    static char *const empty[1] = {NULL};
    return s->v ? s->v : empty;
}

/* Reads the guest's NULL-terminated array of string pointers at addr (NULL
 * is an empty array, as Linux accepts).  0 or -EFAULT / -E2BIG / -ENOMEM. */
static int read_guest_strvec(rt_proc *p, uint64_t addr, strvec *out) {
    if (!addr)
        return 0;
    char *tmp = malloc(MAX_ARG_STRLEN + 1);
    if (!tmp)
        return -ENOMEM;
    int r = 0;
    for (uint64_t i = 0; !r; i++) {
        uint64_t ptr;
        if (mmu_read(p->mm, addr + 8 * i, &ptr, sizeof ptr)) {
            r = -EFAULT;
            break;
        }
        if (!ptr)
            break;
        long len = mmu_read_str(p->mm, ptr, tmp, MAX_ARG_STRLEN + 1);
        if (len < 0)
            r = len == -ENAMETOOLONG ? -E2BIG : (int)len;
        else
            r = strvec_push(out, tmp, (size_t)len);
    }
    free(tmp);
    return r;
}

/* ---- looking at the file ---- */

typedef enum { KIND_GUEST_ELF, KIND_HOST_ELF, KIND_SCRIPT } exec_kind;

/* An ELF header good enough to hand to a loader: 64-bit little-endian
 * executable or shared object with program headers. */
static bool plausible_elf(const uint8_t *b, size_t n) {
    if (n < sizeof(Elf64_Ehdr) || b[EI_CLASS] != ELFCLASS64 || b[EI_DATA] != ELFDATA2LSB)
        return false;
    Elf64_Ehdr eh;
    memcpy(&eh, b, sizeof eh);
    return (eh.e_type == ET_EXEC || eh.e_type == ET_DYN) && eh.e_phnum > 0 &&
           eh.e_phentsize == sizeof(Elf64_Phdr);
}

/* Classifies the first n bytes of a file; -ENOEXEC if nothing runs it. */
static int classify(const uint8_t *b, size_t n, exec_kind *kind) {
    if (n >= 2 && b[0] == '#' && b[1] == '!') {
        *kind = KIND_SCRIPT;
        return 0;
    }
    if (n < SELFMAG || memcmp(b, ELFMAG, SELFMAG) != 0 || !plausible_elf(b, n))
        return -ENOEXEC;
    uint16_t machine;
    memcpy(&machine, b + offsetof(Elf64_Ehdr, e_machine), sizeof machine);
    if (fe_arch_for_elf(machine, b[EI_CLASS])) {
        *kind = KIND_GUEST_ELF;
        return 0;
    }
#if defined(__x86_64__)
    if (machine == EM_X86_64) {
        *kind = KIND_HOST_ELF;
        return 0;
    }
#endif
    return -ENOEXEC;
}

/* Splits a "#!" line as Linux's binfmt_script does: the interpreter is the
 * first word, the optional argument everything after it up to the end of
 * the line with surrounding blanks removed.  -ENOEXEC if there is no
 * interpreter or its name may go on past the first EXEC_BUF bytes. */
static int parse_shebang(const uint8_t *b, size_t n, char *interp, char *arg) {
    const char *s = (const char *)b + 2, *end = (const char *)b + n;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    bool cut = !nl;
    if (nl)
        end = nl;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == 0))
        end--;
    const char *name_end = s;
    while (name_end < end && *name_end != ' ' && *name_end != '\t' && *name_end)
        name_end++;
    if (name_end == s || (cut && n == EXEC_BUF && name_end == end))
        return -ENOEXEC;
    const char *a = name_end;
    while (a < end && (*a == ' ' || *a == '\t'))
        a++;
    memcpy(interp, s, (size_t)(name_end - s));
    interp[name_end - s] = 0;
    memcpy(arg, a, (size_t)(end - a));
    arg[end - a] = 0;
    return 0;
}

/* The file to run: its host path (host, RT_SYS_PATH_MAX bytes), checked as
 * Linux checks before loading (exists, a regular file, executable), and its
 * first bytes in buf.  Returns the number of bytes read or -errno. */
static long open_exec(rt_proc *p, int dirfd, const char *gpath, int flags, char *host,
                      uint8_t *buf) {
    int fd;
    if (gpath[0] == 0) {
        if (!(flags & G_AT_EMPTY_PATH))
            return -ENOENT;
        snprintf(host, RT_SYS_PATH_MAX, "/proc/self/fd/%d", dirfd);
        fd = open(host, O_RDONLY | O_CLOEXEC);
    } else {
        int r = rt_sys_map_path(p, gpath, host);
        if (r)
            return r;
        int nofollow = (flags & G_AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0;
        fd = openat(dirfd, host, O_RDONLY | O_CLOEXEC | nofollow);
    }
    if (fd < 0)
        return -errno;
    struct stat st;
    long n;
    if (fstat(fd, &st) < 0)
        n = -errno;
    else if (!S_ISREG(st.st_mode))
        n = -EACCES;
    else if (faccessat(gpath[0] ? dirfd : AT_FDCWD, host, X_OK, AT_EACCESS) != 0)
        n = -errno;
    else if ((n = pread(fd, buf, EXEC_BUF, 0)) < 0)
        n = -errno;
    close(fd);
    return n;
}

/* The program path to give a new liftvm: the guest's own name when the new
 * liftvm resolves it to the same file (an absolute path, or one relative to
 * the unchanged working directory); for a dirfd-relative or fd-only exec the
 * /dev/fd name Linux uses, or the file's host path if the fd closes on
 * exec. */
static const char *pass_path(rt_proc *p, int dirfd, const char *gpath, const char *host,
                             char *buf) {
    if (gpath[0] == '/' || (gpath[0] && dirfd == G_AT_FDCWD)) {
        char mapped[RT_SYS_PATH_MAX];
        const char *m = rt_execself_program(p->sysroot, gpath, mapped, sizeof mapped);
        return strcmp(m, host) == 0 ? gpath : host;
    }
    /* Linux names the program /dev/fd/N[/PATH] then; that works for the new
     * liftvm too while the fd stays open across the exec. */
    int fdflags = fcntl(dirfd, F_GETFD);
    if (fdflags >= 0 && !(fdflags & FD_CLOEXEC)) {
        snprintf(buf, RT_SYS_PATH_MAX, "/dev/fd/%d%s%s", dirfd, gpath[0] ? "/" : "", gpath);
        return buf;
    }
    char at[64];
    snprintf(at, sizeof at, "/proc/self/fd/%d", dirfd);
    ssize_t n = readlink(at, buf, RT_SYS_PATH_MAX - 1);
    if (n <= 0)
        return host;
    buf[n] = 0;
    if (gpath[0]) {
        strncat(buf, "/", RT_SYS_PATH_MAX - strlen(buf) - 1);
        strncat(buf, gpath, RT_SYS_PATH_MAX - strlen(buf) - 1);
    }
    return buf;
}

/* ---- signal state across exec ---- */

/* Makes the host mask the guest's (minus the signals liftvm needs for guest
 * faults when the new image is liftvm); the old host mask goes to *old. */
static void set_host_sigmask(rt_proc *p, bool for_liftvm, sigset_t *old) {
    sigset_t set;
    sigemptyset(&set);
    rt_thread *t = rt_thread_current(p);
    uint64_t mask = t ? t->sigmask : 0;
    for (int g = 1; g <= RT_SIG_MAX; g++) {
        int h = rt_signal_to_host(g); /* guest 32.. are host 34.. (rt_signal.c) */
        if (h && (mask & (1ull << (g - 1))))
            sigaddset(&set, h);
    }
    if (for_liftvm) {
        sigdelset(&set, SIGSEGV);
        sigdelset(&set, SIGBUS);
    }
    pthread_sigmask(SIG_SETMASK, &set, old);
}

/* The blocked mask is inherited by the first rt_thread (rt_thread_current
 * starts from the host mask); ignored actions are read back here. */
void rt_sys_exec_inherit(rt_sys_state *st) {
    for (int g = 1; g <= RT_SIG_MAX; g++) {
        int h = rt_signal_to_host(g);
        struct sigaction sa;
        if (h && h != SIGKILL && h != SIGSTOP && sigaction(h, NULL, &sa) == 0 &&
            !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_IGN)
            st->sigact[g].handler = 1; /* SIG_IGN */
    }
}

/* ---- the exec itself ---- */

/* Prints the strace line of a call that is about to succeed: the new image
 * cannot print it. */
static void trace_success(rt_proc *p) {
    if (!rt_log_on(RT_LOG_STRACE) || !p->sys)
        return;
    bool at = p->sys->cur_nr == RT_NR_execveat;
    rt_sys_strace(p, at ? "execveat" : "execve", at ? "DsVEA" : "sVE", 'd', p->sys->cur_args, 0);
}

static void flush_all(void) {
    if (rt_log_file)
        fflush(rt_log_file);
    fflush(stdout);
    fflush(stderr);
}

/* The command line of a new liftvm for the riscv64 program at path. */
static int liftvm_argv(rt_proc *p, const char *path, const strvec *argv, strvec *a) {
    int r = strvec_add(a, self.exe);
    for (size_t i = 0; !r && i < self.nopts; i++)
        r = strvec_add(a, self.opts[i]);
    if (!r && p->sysroot) {
        r = strvec_add(a, "-L");
        if (!r)
            r = strvec_add(a, p->sysroot);
    }
    if (!r && rt_log_file && rt_log_file != stderr && rt_log_file != stdout) {
        char fdpath[64], logpath[PATH_MAX];
        snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fileno(rt_log_file));
        ssize_t n = readlink(fdpath, logpath, sizeof logpath - 1);
        if (n > 0) {
            logpath[n] = 0;
            r = strvec_add(a, "-D");
            if (!r)
                r = strvec_add(a, logpath);
        }
    }
    if (!r)
        r = strvec_add(a, RT_EXECSELF_CHILD);
    if (!r)
        r = strvec_add(a, "-0");
    if (!r)
        r = strvec_add(a, argv->n ? argv->v[0] : "");
    if (!r)
        r = strvec_add(a, "--");
    if (!r)
        r = strvec_add(a, path);
    for (size_t i = 1; !r && i < argv->n; i++)
        r = strvec_add(a, argv->v[i]);
    return r;
}

/* Execs liftvm on the riscv64 program at path; returns only on failure. */
static long exec_liftvm(rt_proc *p, const char *path, const strvec *argv, const strvec *envp) {
    if (!self.exe) {
        rt_sys_unimp("execve: liftvm's own path is unknown (rt_execself_init not called)");
        return -ENOEXEC;
    }
    strvec a = {0}, e = {0};
    int r = liftvm_argv(p, path, argv, &a);
    /* The guest environment, with liftvm's own settings in place of any
     * LIFTVM_* variables the guest carries. */
    for (size_t i = 0; !r && i < envp->n; i++)
        if (strncmp(envp->v[i], "LIFTVM_", 7) != 0)
            r = strvec_add(&e, envp->v[i]);
    for (size_t i = 0; !r && i < self.nenv; i++)
        r = strvec_add(&e, self.env[i]);
    if (!r) {
        sigset_t old;
        trace_success(p);
        flush_all();
        set_host_sigmask(p, true, &old);
        execve(self.exe, vec_or_empty(&a), vec_or_empty(&e));
        r = -errno;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    strvec_free(&a);
    strvec_free(&e);
    return r;
}

/* Execs a host program directly; returns only on failure. */
static long exec_host(rt_proc *p, int dirfd, const char *host, int flags, const strvec *argv,
                      const strvec *envp) {
    sigset_t old;
    trace_success(p);
    flush_all();
    set_host_sigmask(p, false, &old);
    syscall(SYS_execveat, dirfd, host, vec_or_empty(argv), vec_or_empty(envp), flags);
    long r = -errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return r;
}

/* Turns argv into the argv of the script's interpreter: [interp, arg if
 * any, script, argv[1..]]. */
static int script_argv(strvec *argv, const char *interp, const char *arg, const char *script) {
    strvec na = {0};
    int r = strvec_add(&na, interp);
    if (!r && arg[0])
        r = strvec_add(&na, arg);
    if (!r)
        r = strvec_add(&na, script);
    for (size_t i = 1; !r && i < argv->n; i++)
        r = strvec_add(&na, argv->v[i]);
    strvec_free(argv);
    *argv = na;
    return r;
}

/* execveat(dirfd, path, argv, envp, flags); execve is dirfd AT_FDCWD.
 * Scripts are resolved down to a binary first.  argv is what a guest
 * interpreter gets, hargv the same with host paths for the scripts, for a
 * host interpreter. */
static long do_exec(rt_proc *p, int dirfd, uint64_t path_addr, uint64_t argv_addr,
                    uint64_t envp_addr, int flags) {
    if (flags & ~(G_AT_SYMLINK_NOFOLLOW | G_AT_EMPTY_PATH))
        return -EINVAL;
    char cur[PATH_MAX];
    long r = mmu_read_str(p->mm, path_addr, cur, sizeof cur);
    if (r < 0)
        return r;
    strvec argv = {0}, hargv = {0}, envp = {0};
    r = read_guest_strvec(p, argv_addr, &argv);
    if (!r)
        r = read_guest_strvec(p, envp_addr, &envp);
    for (size_t i = 0; !r && i < argv.n; i++)
        r = strvec_add(&hargv, argv.v[i]);

    char host[RT_SYS_PATH_MAX], pass[RT_SYS_PATH_MAX], interp[EXEC_BUF], arg[EXEC_BUF];
    uint8_t buf[EXEC_BUF];
    for (int depth = 0; !r; depth++) {
        long n = open_exec(p, dirfd, cur, flags, host, buf);
        exec_kind kind;
        if (n < 0)
            r = n;
        else if (depth > EXEC_MAX_DEPTH)
            r = -ELOOP;
        else
            r = classify(buf, (size_t)n, &kind);
        if (r)
            break;
        if (kind == KIND_GUEST_ELF) {
            r = exec_liftvm(p, pass_path(p, dirfd, cur, host, pass), &argv, &envp);
            break;
        }
        if (kind == KIND_HOST_ELF) {
            int how = cur[0] ? flags & G_AT_SYMLINK_NOFOLLOW : G_AT_EMPTY_PATH;
            r = exec_host(p, dirfd, cur[0] ? host : "", how, &hargv, &envp);
            break;
        }
        /* A guest interpreter gets the script under the name a new liftvm
         * resolves, a host one under its host path. */
        const char *gname = pass_path(p, dirfd, cur, host, pass);
        bool plain = cur[0] == '/' || (cur[0] && dirfd == G_AT_FDCWD);
        r = parse_shebang(buf, (size_t)n, interp, arg);
        if (!r)
            r = script_argv(&argv, interp, arg, gname);
        if (!r)
            r = script_argv(&hargv, interp, arg, plain ? host : gname);
        snprintf(cur, sizeof cur, "%s", interp);
        dirfd = G_AT_FDCWD;
        flags = 0;
    }
    strvec_free(&argv);
    strvec_free(&hargv);
    strvec_free(&envp);
    return r;
}

long rt_sys_execve(rt_proc *p, const uint64_t *a) {
    return do_exec(p, G_AT_FDCWD, a[0], a[1], a[2], 0);
}

long rt_sys_execveat(rt_proc *p, const uint64_t *a) {
    return do_exec(p, rt_sys_int(a[0]), a[1], a[2], a[3], rt_sys_int(a[4]));
}
