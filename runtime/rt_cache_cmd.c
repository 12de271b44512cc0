/*
 * rt_cache_cmd.c — `liftvm cache stats|clear|verify|prune|build PROGRAM`.
 *
 * build: ahead-of-time warm-up.  The program is loaded exactly as a run
 * loads it (same addresses, so the same keys), then every block reachable
 * from its entry points and function symbols (and those of its ELF
 * interpreter) is compiled into the cache as the unit a run of the chosen
 * --jit mode makes when it first reaches that block:
 *
 *   roots: entry, AT_ENTRY, STT_FUNC symbols ─► worklist (breadth first)
 *     pc ─► decode block ─► jit_cache_build_unit(pc) ─► successors:
 *           BR/JMP targets, and the return address after a call
 *
 * Nothing runs; shared objects that ld.so would map later are not known
 * here (their units are cached by the first run).
 */
#include "runtime/rt_cache_cmd.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/linux/rt_execself.h"
#include "runtime/linux/rt_linux.h"
#include "runtime/rt_blockcache.h"

#define MAX_BLOCK_INSNS 64 /* as rt_exec.c decodes: the same blocks, the same keys */

static void usage(FILE *f) {
    fprintf(f, "usage: liftvm cache [options] COMMAND\n"
               "Shows and manages liftvm's translation cache (compiled guest code on disk).\n"
               "\n"
               "Commands:\n"
               "  stats           entries and bytes per program, hit rate of the last runs\n"
               "  clear           remove every entry\n"
               "  verify          check every entry; report and remove bad ones (exit 1 if any)\n"
               "  prune           evict least recently used programs down to the size limit\n"
               "  build PROGRAM   translate the code reachable from PROGRAM's entry point and\n"
               "                  function symbols into the cache, so its first run starts warm\n"
               "\n"
               "Options (environment twins as for a run):\n"
               "  --cache-dir DIR    the cache folder                        [LIFTVM_CACHE_DIR]\n"
               "  --cache-max=SIZE   size limit for prune and for runs       [LIFTVM_CACHE_MAX]\n"
               "  --jit=MODE         build: the mode the program will run in [LIFTVM_JIT]\n"
               "  --hot2=N           build: auto mode's hot2, as the run's    [LIFTVM_HOT2]\n"
               "  -L SYSROOT         build: the sysroot the program runs with [LIFTVM_LD_PREFIX]\n"
               "  --max-units=N      build: stop after N units (default: no limit)\n");
}

/* ---- ahead of time ---- */

typedef struct aot {
    rt_proc p;
    rt_bcache *blocks;
    uint64_t *work; /* worklist of pcs */
    size_t nwork, cap, next;
    uint64_t *seen; /* open-addressing set of queued pcs (0: empty) */
    size_t seen_cap, seen_n;
    bool tty;
    uint64_t last_draw;
} aot;

static bool fetch_parcel(void *ctx, uint64_t addr, uint16_t *out) {
    return mmu_fetch16(ctx, addr, out);
}

static const ir_block *block_source(void *ctx, uint64_t pc, bool decode) {
    aot *a = ctx;
    ir_block *b = rt_bcache_lookup(a->blocks, pc);
    if (!b && decode) {
        b = a->p.arch->decode_block(pc, fetch_parcel, a->p.mm, MAX_BLOCK_INSNS);
        if (b && !rt_bcache_insert(a->blocks, b)) {
            ir_block_free(b);
            b = NULL;
        }
    }
    return b;
}

static bool code_ok(void *ctx, uint64_t start, uint64_t end, bool claim) {
    (void)claim; /* nothing runs: no translations to drop later */
    aot *a = ctx;
    for (uint64_t pg = start & ~MMU_PAGE_MASK; pg < end; pg += MMU_PAGE_SIZE) {
        int prot = mmu_page_prot(a->p.mm, pg);
        if (prot < 0 || (prot & (MMU_R | MMU_X | MMU_W)) != (MMU_R | MMU_X))
            return false;
    }
    return true;
}

static bool seen_add(aot *a, uint64_t pc) {
    if (2 * (a->seen_n + 1) > a->seen_cap) {
        size_t cap = a->seen_cap ? 2 * a->seen_cap : 4096;
        uint64_t *n = calloc(cap, sizeof *n), *old = a->seen;
        if (!n)
            return false;
        for (size_t i = 0; i < a->seen_cap; i++) {
            if (!old[i])
                continue;
            size_t k = (size_t)((old[i] >> 1) * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
            while (n[k])
                k = (k + 1) & (cap - 1);
            n[k] = old[i];
        }
        free(old);
        a->seen = n;
        a->seen_cap = cap;
    }
    size_t k = (size_t)((pc >> 1) * 0x9e3779b97f4a7c15ull >> 20) & (a->seen_cap - 1);
    for (; a->seen[k]; k = (k + 1) & (a->seen_cap - 1))
        if (a->seen[k] == pc)
            return false;
    a->seen[k] = pc;
    a->seen_n++;
    return true;
}

/* Queues pc once, if it can be guest code. */
static void enqueue(aot *a, uint64_t pc) {
    if (pc == 0 || (pc & 1) || mmu_page_prot(a->p.mm, pc) < 0 || !seen_add(a, pc))
        return;
    if (a->nwork == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 4096;
        uint64_t *w = realloc(a->work, cap * sizeof *w);
        if (!w)
            return;
        a->work = w;
        a->cap = cap;
    }
    a->work[a->nwork++] = pc;
}

/* Queues the STT_FUNC symbols of the ELF file at path, loaded at bias. */
static void enqueue_symbols(aot *a, const char *path, uint64_t bias) {
    elf_version(EV_CURRENT);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
    for (Elf_Scn *scn = NULL; e && (scn = elf_nextscn(e, scn));) {
        GElf_Shdr sh;
        Elf_Data *d;
        if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
            sh.sh_entsize == 0 || !(d = elf_getdata(scn, NULL)))
            continue;
        for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
            GElf_Sym s;
            if (gelf_getsym(d, (int)i, &s) && GELF_ST_TYPE(s.st_info) == STT_FUNC &&
                s.st_shndx != SHN_UNDEF && s.st_value)
                enqueue(a, s.st_value + bias);
        }
    }
    if (e)
        elf_end(e);
    if (fd >= 0)
        close(fd);
}

/* The ELF interpreter's host path, found as the loader finds it. */
static char *interp_path(const char *program, const char *sysroot) {
    elf_version(EV_CURRENT);
    int fd = open(program, O_RDONLY | O_CLOEXEC);
    Elf *e = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
    size_t n = 0;
    char *result = NULL;
    if (e && elf_getphdrnum(e, &n) == 0) {
        for (size_t i = 0; i < n && !result; i++) {
            GElf_Phdr ph;
            char name[PATH_MAX], host[2 * PATH_MAX];
            if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP || ph.p_filesz == 0 ||
                ph.p_filesz >= sizeof name ||
                pread(fd, name, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz)
                continue;
            name[ph.p_filesz] = 0;
            snprintf(host, sizeof host, "%s%s", sysroot ? sysroot : "", name);
            result = strdup(sysroot && access(host, R_OK) == 0 ? host : name);
        }
    }
    if (e)
        elf_end(e);
    if (fd >= 0)
        close(fd);
    return result;
}

/* Successors of b: direct targets, and the return address of a call (a
 * block that jumps after putting its own end pc in a register). */
static void enqueue_successors(aot *a, const ir_block *b) {
    bool links = false;
    for (uint32_t i = 0; i < b->n_insns; i++) {
        const ir_insn *x = &b->insns[i];
        if (x->op == IR_BR || x->op == IR_JMP)
            enqueue(a, (uint64_t)x->imm);
        else if (x->op == IR_CONST && (uint64_t)x->imm == b->end_pc)
            links = true;
    }
    ir_op last = b->n_insns ? b->insns[b->n_insns - 1].op : IR_TRAP;
    if (links && (last == IR_JMP || last == IR_JMPR))
        enqueue(a, b->end_pc);
}

static void progress(aot *a, size_t done, size_t units, size_t cached, bool final) {
    if (!a->tty)
        return;
    uint64_t now = (uint64_t)clock();
    if (!final && now - a->last_draw < CLOCKS_PER_SEC / 10)
        return;
    a->last_draw = now;
    size_t total = a->nwork ? a->nwork : 1, width = 30, fill = done * width / total;
    char bar[32];
    for (size_t i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "\r[%s] %zu/%zu blocks, %zu units compiled, %zu cached%s", bar, done, total,
            units, cached, final ? "\n" : "");
    fflush(stderr);
}

static int cache_build(const char *program, jit_options jo, jit_cache_options co,
                       const char *sysroot, uint64_t max_units) {
    aot a;
    memset(&a, 0, sizeof a);
    char *root = sysroot ? realpath(sysroot, NULL) : NULL;
    a.p.sysroot = root ? root : sysroot;
    a.p.exe_path = program;
    char err[512], host[2 * PATH_MAX];
    const char *prog = rt_execself_program(a.p.sysroot, program, host, sizeof host);
    if (jo.mode == JIT_OFF) {
        fprintf(stderr, "liftvm: cache build: --jit=off makes no code to cache\n");
        return 1;
    }
    if (co.mode != JIT_CACHE_RW) {
        fprintf(stderr, "liftvm: cache build: the cache is %s (LIFTVM_CACHE): nothing to do\n",
                jit_cache_mode_name(co.mode));
        return 1;
    }
    static char cache_dir[4096]; /* the session keeps its stubs there too */
    if (jit_cache_dir(&co, cache_dir, sizeof cache_dir))
        jo.cache_dir = cache_dir;
    if (rt_elf_load(&a.p, prog, err, sizeof err) != 0) {
        fprintf(stderr, "liftvm: %s\n", err);
        return 1;
    }
    a.blocks = rt_bcache_new();
    const ir_mem mem = {mmu_base(a.p.mm), mmu_limit(a.p.mm), MMU_GUARD, mmu_pages(a.p.mm)};
    jit *j = a.blocks ? jit_new(&jo, a.p.arch->state_size, &mem, err, sizeof err) : NULL;
    if (!j) {
        fprintf(stderr, "liftvm: cache build: the jit cannot start: %s\n",
                a.blocks ? err : "out of memory");
        return 1;
    }
    jit_thread *t = jit_thread_new(j, &mem, block_source, &a);
    char *interp = a.p.interp_base ? interp_path(prog, a.p.sysroot) : NULL;
    jit_guest g = {
        .isa = a.p.arch->name,
        .program = a.p.exe_abspath ? a.p.exe_abspath : prog,
        .sysroot = a.p.sysroot,
        .program_bias = a.p.load_bias,
        .interp_bias = a.p.interp_base,
        .mem_base = mmu_base(a.p.mm),
        .code_ok = code_ok,
        .ctx = &a,
    };
    if (!t || !jit_cache_attach(j, &co, &g, err, sizeof err)) {
        fprintf(stderr, "liftvm: cache build: %s\n", t ? err : "out of memory");
        jit_thread_free(t);
        jit_free(j);
        return 1;
    }
    enqueue(&a, a.p.entry);
    enqueue(&a, a.p.exe_entry);
    enqueue_symbols(&a, prog, a.p.load_bias);
    if (interp)
        enqueue_symbols(&a, interp, a.p.interp_base);
    a.tty = isatty(STDERR_FILENO);
    size_t units = 0, cached = 0, failed = 0;
    for (; a.next < a.nwork && (!max_units || units < max_units); a.next++) {
        uint64_t pc = a.work[a.next];
        const ir_block *b = block_source(&a, pc, true);
        if (!b || b->end_pc <= b->pc)
            continue; /* not fetchable */
        enqueue_successors(&a, b);
        bool was_cached;
        if (!jit_cache_build_unit(t, pc, &was_cached))
            failed++;
        else if (was_cached)
            cached++;
        else
            units++;
        progress(&a, a.next + 1, units, cached, false);
    }
    progress(&a, a.next, units, cached, true);
    jit_cache_stats st = {0};
    jit_cache_get_stats(j, &st);
    jit_thread_free(t);
    jit_free(j); /* writes the pack */
    fprintf(stderr,
            "liftvm: cache build %s (--jit=%s): %zu blocks reachable, %llu units stored, %zu "
            "already cached, %zu not compiled%s\n",
            program, jit_mode_name(jo.mode), a.nwork, (unsigned long long)st.stored, cached, failed,
            a.next < a.nwork ? " (stopped at --max-units)" : "");
    free(interp);
    free(a.work);
    free(a.seen);
    rt_bcache_free(a.blocks);
    free(a.p.exe_abspath);
    free(a.p.cpu);
    mmu_space_free(a.p.mm);
    free(root);
    return 0;
}

/* ---- the command line ---- */

int rt_cache_main(int argc, char **argv, const jit_options *jo_in, const jit_cache_options *co_in,
                  const char *sysroot) {
    jit_options jo = *jo_in;
    jit_cache_options co = *co_in;
    uint64_t max_units = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--cache-dir") == 0 && i + 1 < argc) {
            co.dir = argv[++i];
        } else if (strncmp(a, "--cache-dir=", 12) == 0) {
            co.dir = a + 12;
        } else if (strncmp(a, "--cache-max=", 12) == 0) {
            if (!jit_cache_parse_size(a + 12, &co.max_bytes) || !co.max_bytes) {
                fprintf(stderr, "liftvm: --cache-max expects a size such as 512M, got '%s'\n",
                        a + 12);
                return 1;
            }
        } else if (strncmp(a, "--jit=", 6) == 0) {
            if (!jit_parse_mode(a + 6, &jo.mode)) {
                fprintf(stderr, "liftvm: --jit expects off, auto, t1 or t2, got '%s'\n", a + 6);
                return 1;
            }
        } else if (strncmp(a, "--hot2=", 7) == 0) {
            char *end;
            unsigned long v = strtoul(a + 7, &end, 10);
            if (!a[7] || *end || v > UINT32_MAX) {
                fprintf(stderr, "liftvm: --hot2 expects a count, got '%s'\n", a + 7);
                return 1;
            }
            jo.hot2 = (uint32_t)v;
        } else if (strncmp(a, "--max-units=", 12) == 0) {
            char *end;
            max_units = strtoull(a + 12, &end, 10);
            if (!a[12] || *end) {
                fprintf(stderr, "liftvm: --max-units expects a count, got '%s'\n", a + 12);
                return 1;
            }
        } else if (strcmp(a, "-L") == 0 && i + 1 < argc) {
            sysroot = argv[++i];
        } else {
            fprintf(stderr, "liftvm: cache: unknown option %s (try liftvm cache --help)\n", a);
            return 1;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 1;
    }
    const char *cmd = argv[i];
    if (strcmp(cmd, "build") == 0) {
        if (i + 1 >= argc) {
            fprintf(stderr, "liftvm: cache build needs a PROGRAM\n");
            return 1;
        }
        return cache_build(argv[i + 1], jo, co, sysroot, max_units);
    }
    if (i + 1 < argc) {
        fprintf(stderr, "liftvm: cache %s takes no arguments\n", cmd);
        return 1;
    }
    if (strcmp(cmd, "stats") == 0)
        return jit_cache_cmd_stats(&co, stdout);
    if (strcmp(cmd, "clear") == 0)
        return jit_cache_cmd_clear(&co, stdout);
    if (strcmp(cmd, "verify") == 0)
        return jit_cache_cmd_verify(&co, stdout);
    if (strcmp(cmd, "prune") == 0)
        return jit_cache_cmd_prune(&co, stdout);
    fprintf(stderr, "liftvm: cache: unknown command '%s' (try liftvm cache --help)\n", cmd);
    return 1;
}
