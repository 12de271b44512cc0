/*
 * main.c — the liftvm command line (qemu-user conventions).
 *
 *   liftvm [options] PROGRAM [ARGS...]
 *
 * Every option has an environment twin (LIFTVM_*), read first so the
 * command line wins.  Options stop at the first non-option argument, which
 * is the guest program; everything after it belongs to the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/linux/rt_execself.h"
#include "runtime/linux/rt_linux.h"
#include "runtime/rt_cache_cmd.h"
#include "runtime/rt_exec.h"
#include "runtime/rt_log.h"

extern char **environ;

static void usage(FILE *f) {
    fprintf(
        f, "usage: liftvm [options] PROGRAM [ARGS...]\n"
           "Runs a riscv64 Linux program on this host.\n"
           "\n"
           "Options (environment twin in brackets):\n"
           "  -L SYSROOT   look for the ELF interpreter and absolute paths  [LIFTVM_LD_PREFIX]\n"
           "               under SYSROOT first\n"
           "  -E VAR=VAL   set VAR in the guest environment                 [LIFTVM_SET_ENV, "
           "comma-separated]\n"
           "  -U VAR       remove VAR from the guest environment            [LIFTVM_UNSET_ENV, "
           "comma-separated]\n"
           "  -0 ARGV0     pass ARGV0 as the guest's argv[0]                [LIFTVM_ARGV0]\n"
           "  -d LIST      enable log categories (-d help lists them)       [LIFTVM_LOG]\n"
           "  -D FILE      write logs to FILE instead of stderr             [LIFTVM_LOG_FILENAME]\n"
           "  --jit=MODE   off (interpreter only), auto (tiered, default), t1 or t2 (every\n"
           "               block compiled at that tier before it first runs)  [LIFTVM_JIT]\n"
           "  --hot1=N     interpreted runs of a block before tier 1 (auto)  [LIFTVM_HOT1]\n"
           "  --hot2=N     runs of a block before a tier-2 region (auto)     [LIFTVM_HOT2]\n"
           "  --dump-llvm DIR  write each unit's LLVM IR before and after optimisation\n"
           "               to DIR (created if missing)                      [LIFTVM_DUMP_LLVM]\n"
           "  --cache=MODE translation cache: rw (default), ro or off       [LIFTVM_CACHE]\n"
           "  --cache-dir DIR  its folder (default $XDG_CACHE_HOME/liftvm, else\n"
           "               ~/.cache/liftvm)                                  [LIFTVM_CACHE_DIR]\n"
           "  --cache-max=SIZE  its size limit, e.g. 512M (default 1G)      [LIFTVM_CACHE_MAX]\n"
           "  --perfmap    write /tmp/perf-PID.map naming guest functions    [LIFTVM_PERFMAP=1]\n"
           "  --jitdump    write a jitdump for perf inject --jit             [LIFTVM_JITDUMP=1]\n"
           "  -h, --help   show this help\n"
           "  --version    show the version\n"
           "\n"
           "liftvm cache stats|clear|verify|prune|build PROGRAM: see liftvm cache --help.\n"
           "\n"
           "The guest environment is liftvm's own, minus LIFTVM_* variables, after -E/-U.\n"
           "A riscv64 program the guest executes runs in a new liftvm with the same\n"
           "options (-E, -U and -0 apply to the first program only); x86-64 programs run\n"
           "natively.\n"
           "Exit status: the guest's exit status; a guest killed by a signal kills liftvm\n"
           "with the same signal; 1 if liftvm cannot start the program (bad usage, missing\n"
           "file, unsupported or malformed ELF), with one line on stderr saying why.\n");
}

/* The guest environment under construction. */
typedef struct env_list {
    char **v;
    size_t n, cap;
} env_list;

static void env_remove(env_list *e, const char *name, size_t len) {
    for (size_t i = 0; i < e->n;) {
        if (strncmp(e->v[i], name, len) == 0 && e->v[i][len] == '=') {
            memmove(&e->v[i], &e->v[i + 1], (e->n - i) * sizeof *e->v); /* keeps the NULL */
            e->n--;
        } else
            i++;
    }
}

static void env_add(env_list *e, char *entry) {
    if (e->n + 2 > e->cap) {
        e->cap = e->cap ? 2 * e->cap : 64;
        e->v = realloc(e->v, e->cap * sizeof *e->v);
        if (!e->v) {
            fprintf(stderr, "liftvm: out of memory\n");
            exit(1);
        }
    }
    e->v[e->n++] = entry;
    e->v[e->n] = NULL;
}

static int env_set(env_list *e, const char *assign) {
    const char *eq = strchr(assign, '=');
    if (!eq || eq == assign) {
        fprintf(stderr, "liftvm: -E expects VAR=VALUE, got '%s'\n", assign);
        return -1;
    }
    env_remove(e, assign, (size_t)(eq - assign));
    env_add(e, strdup(assign));
    return 0;
}

/* Applies a comma-separated list of -E or -U items. */
static int env_apply_list(env_list *e, const char *list, bool set) {
    char *copy = strdup(list), *save = NULL;
    int rc = 0;
    for (char *t = strtok_r(copy, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save)) {
        if (set)
            rc = env_set(e, t);
        else
            env_remove(e, t, strlen(t));
    }
    free(copy);
    return rc;
}

typedef struct options {
    const char *sysroot;
    const char *argv0;
    const char *logfile;
    env_list env;
    jit_options jit;
    jit_cache_options cache;
    bool perfmap, jitdump;
} options;

/* A decimal count for --hot1/--hot2; -1 after a message if malformed. */
static int parse_count(const char *what, const char *s, uint32_t *out) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || errno || v > UINT32_MAX || s[0] == '-') {
        fprintf(stderr, "liftvm: %s expects a count from 0 to %u, got '%s'\n", what, UINT32_MAX, s);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

static int set_jit_mode(options *o, const char *s) {
    if (!jit_parse_mode(s, &o->jit.mode)) {
        fprintf(stderr, "liftvm: --jit expects off, auto, t1 or t2, got '%s'\n", s);
        return -1;
    }
    return 0;
}

static int set_cache_mode(options *o, const char *s) {
    if (!jit_cache_parse_mode(s, &o->cache.mode)) {
        fprintf(stderr, "liftvm: --cache expects off, ro or rw, got '%s'\n", s);
        return -1;
    }
    return 0;
}

static int set_cache_max(options *o, const char *s) {
    if (!jit_cache_parse_size(s, &o->cache.max_bytes) || o->cache.max_bytes == 0) {
        fprintf(stderr, "liftvm: --cache-max expects a size such as 512M or 2G, got '%s'\n", s);
        return -1;
    }
    return 0;
}

/* An on/off environment twin: set and not "0". */
static bool env_flag(const char *name) {
    const char *v = getenv(name);
    return v && *v && strcmp(v, "0") != 0;
}

/* The long options (--name=VALUE, or --dump-llvm DIR): 0 if handled, -1 on
 * error, 1 if a is not one of them. */
static int long_option(options *o, const char *a, const char *next, int *used_next) {
    *used_next = 0;
    if (strncmp(a, "--cache=", 8) == 0)
        return set_cache_mode(o, a + 8);
    if (strncmp(a, "--cache-max=", 12) == 0)
        return set_cache_max(o, a + 12);
    if (strncmp(a, "--cache-dir=", 12) == 0) {
        o->cache.dir = a + 12;
        return 0;
    }
    if (strcmp(a, "--cache-dir") == 0) {
        if (!next) {
            fprintf(stderr, "liftvm: option --cache-dir needs a directory (try -h)\n");
            return -1;
        }
        o->cache.dir = next;
        *used_next = 1;
        return 0;
    }
    if (strcmp(a, "--perfmap") == 0) {
        o->perfmap = true;
        return 0;
    }
    if (strcmp(a, "--jitdump") == 0) {
        o->jitdump = true;
        return 0;
    }
    if (strncmp(a, "--jit=", 6) == 0)
        return set_jit_mode(o, a + 6);
    if (strncmp(a, "--hot1=", 7) == 0)
        return parse_count("--hot1", a + 7, &o->jit.hot1);
    if (strncmp(a, "--hot2=", 7) == 0)
        return parse_count("--hot2", a + 7, &o->jit.hot2);
    if (strncmp(a, "--dump-llvm=", 12) == 0) {
        o->jit.dump_dir = a + 12;
        return 0;
    }
    if (strcmp(a, "--dump-llvm") == 0) {
        if (!next) {
            fprintf(stderr, "liftvm: option --dump-llvm needs a directory (try -h)\n");
            return -1;
        }
        o->jit.dump_dir = next;
        *used_next = 1;
        return 0;
    }
    return 1;
}

/* Handles one option with its argument; returns 0, 1 to exit successfully
 * (help), or -1 on error. */
static int apply_option(options *o, char opt, const char *arg) {
    switch (opt) {
    case 'L':
        o->sysroot = arg;
        return 0;
    case 'E':
        return env_set(&o->env, arg);
    case 'U':
        env_remove(&o->env, arg, strlen(arg));
        return 0;
    case '0':
        o->argv0 = arg;
        return 0;
    case 'd':
        if (rt_log_parse(arg) != 0)
            return -1;
        return strstr(arg, "help") ? 1 : 0;
    case 'D':
        o->logfile = arg;
        return 0;
    }
    return -1;
}

static int read_env_twins(options *o) {
    const char *v;
    if ((v = getenv("LIFTVM_LD_PREFIX")) && *v)
        o->sysroot = v;
    if ((v = getenv("LIFTVM_SET_ENV")) && *v && env_apply_list(&o->env, v, true) != 0)
        return -1;
    if ((v = getenv("LIFTVM_UNSET_ENV")) && *v)
        env_apply_list(&o->env, v, false);
    if ((v = getenv("LIFTVM_ARGV0")) && *v)
        o->argv0 = v;
    if ((v = getenv("LIFTVM_LOG")) && *v && rt_log_parse(v) != 0)
        return -1;
    if ((v = getenv("LIFTVM_LOG_FILENAME")) && *v)
        o->logfile = v;
    if ((v = getenv("LIFTVM_JIT")) && *v && set_jit_mode(o, v) != 0)
        return -1;
    if ((v = getenv("LIFTVM_HOT1")) && *v && parse_count("LIFTVM_HOT1", v, &o->jit.hot1) != 0)
        return -1;
    if ((v = getenv("LIFTVM_HOT2")) && *v && parse_count("LIFTVM_HOT2", v, &o->jit.hot2) != 0)
        return -1;
    if ((v = getenv("LIFTVM_DUMP_LLVM")) && *v)
        o->jit.dump_dir = v;
    if ((v = getenv("LIFTVM_CACHE")) && *v && set_cache_mode(o, v) != 0)
        return -1;
    if ((v = getenv("LIFTVM_CACHE_DIR")) && *v)
        o->cache.dir = v;
    if ((v = getenv("LIFTVM_CACHE_MAX")) && *v && set_cache_max(o, v) != 0)
        return -1;
    o->perfmap = env_flag("LIFTVM_PERFMAP");
    o->jitdump = env_flag("LIFTVM_JITDUMP");
    /* Test hook, not an option: every Nth compile fails on purpose, to
     * check that the guest keeps running correctly in the interpreter. */
    if ((v = getenv("LIFTVM_JIT_FAIL_EVERY")) && *v &&
        parse_count("LIFTVM_JIT_FAIL_EVERY", v, &o->jit.fail_every) != 0)
        return -1;
    /* Test hook too: 0 checks every guest access that needs a checkpoint
     * against the page table (llvmjit/jit_lift.c), to test that path. */
    if ((v = getenv("LIFTVM_JIT_CHECKPOINT_COST")) && *v &&
        parse_count("LIFTVM_JIT_CHECKPOINT_COST", v, &o->jit.checkpoint_cost) != 0)
        return -1;
    return 0;
}

/* The process and options live as long as liftvm does (static, so leak
 * checkers see them as reachable at exit). */
static options o;
static rt_proc p;

/* The option words a guest execve replays when it starts liftvm again
 * (rt_execself_init): every option except the per-program -0, -E, -U. */
static char **replay;
static int nreplay;

static void replay_words(char **w, int n) {
    while (n-- > 0)
        replay[nreplay++] = *w++;
}

int main(int argc, char **argv) {
    jit_options_default(&o.jit);
    jit_cache_options_default(&o.cache);
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "LIFTVM_", 7) != 0)
            env_add(&o.env, *e);
    env_add(&o.env, NULL);
    o.env.n--; /* keep the array NULL-terminated even when empty */
    if (read_env_twins(&o) != 0)
        return 1;
    if (argc >= 2 && strcmp(argv[1], "cache") == 0)
        return rt_cache_main(argc - 1, argv + 1, &o.jit, &o.cache, o.sysroot);

    replay = calloc((size_t)argc + 1, sizeof *replay);
    if (!replay)
        return 1;
    bool exec_child = false;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == 0)
            break;
        if (strcmp(a, RT_EXECSELF_CHILD) == 0) {
            exec_child = true;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "-help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--version") == 0 || strcmp(a, "-version") == 0) {
            printf("liftvm %s\n", LIFTVM_VERSION);
            return 0;
        }
        if (a[1] == '-') {
            int used_next;
            int r = long_option(&o, a, i + 1 < argc ? argv[i + 1] : NULL, &used_next);
            if (r < 0)
                return 1;
            if (r == 0) {
                replay_words(&argv[i], 1 + used_next);
                i += used_next;
                continue;
            }
        }
        if (a[2] == 0 && strchr("LEU0dD", a[1])) {
            if (i + 1 >= argc) {
                fprintf(stderr, "liftvm: option %s needs an argument (try -h)\n", a);
                return 1;
            }
            int r = apply_option(&o, a[1], argv[++i]);
            if (r != 0)
                return r > 0 ? 0 : 1;
            if (!strchr("EU0", a[1]))
                replay_words(&argv[i - 1], 2);
            continue;
        }
        fprintf(stderr, "liftvm: unknown option %s (try -h)\n", a);
        return 1;
    }
    if (i >= argc) {
        fprintf(stderr, "liftvm: no program given\n");
        usage(stderr);
        return 1;
    }
    /* The first liftvm of a process tree starts the log afresh; every
     * liftvm appends to it. */
    if (o.logfile && !exec_child)
        close(open(o.logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    if (exec_child)
        rt_execself_mark_child();
    if (o.logfile && rt_log_open(o.logfile) != 0) {
        fprintf(stderr, "liftvm: cannot open log file %s: %m\n", o.logfile);
        return 1;
    }
    if (o.jit.dump_dir && mkdir(o.jit.dump_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "liftvm: cannot create the --dump-llvm directory %s: %m\n",
                o.jit.dump_dir);
        return 1;
    }
    rt_exec_set_jit_options(&o.jit);
    rt_exec_set_cache_options(&o.cache, o.perfmap, o.jitdump);

    const char *prog = argv[i];
    char **gargv = &argv[i];
    int gargc = argc - i;
    if (o.argv0)
        gargv[0] = (char *)o.argv0;

    /* The sysroot as an absolute path: the guest may change directory. */
    char *root = o.sysroot ? realpath(o.sysroot, NULL) : NULL;
    p.sysroot = root ? root : o.sysroot;
    p.exe_path = prog; /* AT_EXECFN: the name as given */
    rt_execself_init(nreplay, replay);
    char err[512], host_prog[2 * PATH_MAX];
    prog = rt_execself_program(p.sysroot, prog, host_prog, sizeof host_prog);
    if (rt_elf_load(&p, prog, err, sizeof err) != 0) {
        fprintf(stderr, "liftvm: %s\n", err);
        return 1;
    }
    if (rt_stack_setup(&p, gargc, gargv, o.env.v, err, sizeof err) != 0) {
        fprintf(stderr, "liftvm: %s: %s\n", prog, err);
        return 1;
    }
    return rt_run(&p);
}
