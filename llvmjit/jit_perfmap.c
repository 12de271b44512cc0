/*
 * jit_perfmap.c — perf's view of translated code: /tmp/perf-<pid>.map
 * (--perfmap) and the jitdump (--jitdump, jit_jitdump.c).
 *
 * A perf map line is "START SIZE NAME" in hex; perf report uses it for
 * samples in anonymous executable memory, which is where ORC puts units.
 * NAME says which guest function the unit enters, at which offset, and
 * the unit's guest pc and tier:  sha256_block+0x1c [rv64 0x10a3c T2].
 * Each line is one write(), so a killed run leaves a complete map.  A
 * forked child has the parent's code too: it starts its own map with a
 * copy of the parent's lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llvmjit/jit_cache_priv.h"

struct jit_perf {
    pthread_mutex_t mu;
    int map_fd; /* -1 without --perfmap */
    long pid;   /* whose map map_fd is */
    jit_jitdump *dump;
    jit_syms *syms;
    char isa[16];
};

static int open_map(long pid)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/perf-%ld.map", pid);
    return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
}

bool jit_perf_attach(jit *j, bool perfmap, bool jitdump, const jit_guest *g, char *err,
                     size_t errlen)
{
    if (!perfmap && !jitdump)
        return true;
    jit_perf *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    pthread_mutex_init(&p->mu, NULL);
    p->pid = (long)getpid();
    p->map_fd = -1;
    /* "riscv64" → "rv64", as objdump and perf spell it */
    const char *isa = g->isa ? g->isa : "?";
    if (strncmp(isa, "riscv", 5) == 0)
        snprintf(p->isa, sizeof p->isa, "rv%s", isa + 5);
    else
        snprintf(p->isa, sizeof p->isa, "%s", isa);
    if (perfmap && (p->map_fd = open_map(p->pid)) < 0) {
        snprintf(err, errlen, "cannot write /tmp/perf-%ld.map: %s", p->pid, strerror(errno));
        perfmap = false;
    }
    if (jitdump && !(p->dump = jit_jitdump_open(err, errlen)))
        jitdump = false;
    if (!perfmap && !jitdump) {
        pthread_mutex_destroy(&p->mu);
        free(p);
        return false;
    }
    p->syms = jit_syms_new(g);
    j->perf = p;
    return true;
}

/* In a forked child: a map of its own, starting with the parent's lines. */
static void follow_fork(jit_perf *p)
{
    long pid = (long)getpid();
    if (pid == p->pid)
        return;
    if (p->map_fd >= 0) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/perf-%ld.map", p->pid);
        int old = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        close(p->map_fd);
        p->map_fd = open_map(pid);
        char buf[65536];
        ssize_t n;
        while (old >= 0 && p->map_fd >= 0 && (n = read(old, buf, sizeof buf)) > 0)
            if (write(p->map_fd, buf, (size_t)n) != n)
                break;
        if (old >= 0)
            close(old);
    }
    if (p->dump) {
        char err[256];
        jit_jitdump_close(p->dump);
        p->dump = jit_jitdump_open(err, sizeof err);
    }
    p->pid = pid;
}

void jit_perf_unit(jit_perf *p, uint64_t pc, int tier, const void *code, size_t size)
{
    if (!p || !code)
        return;
    if (size == 0)
        size = 16; /* unknown: enough to name samples at the entry */
    pthread_mutex_lock(&p->mu);
    follow_fork(p);
    char where[256], name[320];
    jit_syms_describe(p->syms, pc, where, sizeof where);
    snprintf(name, sizeof name, "%s [%s 0x%llx T%d]", where, p->isa, (unsigned long long)pc,
             tier);
    if (p->map_fd >= 0) {
        char line[400];
        int n = snprintf(line, sizeof line, "%llx %zx %s\n",
                         (unsigned long long)(uintptr_t)code, size, name);
        if (n > 0 && write(p->map_fd, line, (size_t)n) < 0) {
            close(p->map_fd);
            p->map_fd = -1;
        }
    }
    if (p->dump)
        jit_jitdump_code(p->dump, name, code, size);
    pthread_mutex_unlock(&p->mu);
}

void jit_perf_close(jit *j)
{
    jit_perf *p = j->perf;
    if (!p)
        return;
    j->perf = NULL;
    if (p->map_fd >= 0)
        close(p->map_fd);
    if (p->dump)
        jit_jitdump_close(p->dump);
    jit_syms_free(p->syms);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
