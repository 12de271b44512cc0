/*
 * jit_jitdump.c — a jitdump file (perf's format, tools/perf/Documentation/
 * jitdump-specification.txt) with one JIT_CODE_LOAD record per unit: name,
 * address and code bytes, so that
 *
 *   perf record -k mono -e cpu-clock liftvm --jitdump PROGRAM
 *   perf inject --jit -i perf.data -o perf.jit.data
 *   perf report -i perf.jit.data     (and perf annotate, on the code bytes)
 *
 * name guest functions.  perf record notices the file because it is mapped
 * executable (the mmap is the marker); timestamps are CLOCK_MONOTONIC,
 * which is what -k mono gives perf's samples.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "llvmjit/jit_cache_priv.h"

#define JITDUMP_MAGIC 0x4A695444u
#define JIT_CODE_LOAD 0u
#define JIT_CODE_CLOSE 3u

struct jit_jitdump {
    int fd;
    void *marker;
    long pid;
    uint64_t index;
};

typedef struct jd_header {
    uint32_t magic, version, total_size, elf_mach, pad1, pid;
    uint64_t timestamp, flags;
} jd_header;

typedef struct jd_record {
    uint32_t id, total_size;
    uint64_t timestamp;
} jd_record;

typedef struct jd_code_load {
    jd_record h;
    uint32_t pid, tid;
    uint64_t vma, code_addr, code_size, code_index;
} jd_code_load;

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

jit_jitdump *jit_jitdump_open(char *err, size_t errlen)
{
    const char *base = getenv("JITDUMPDIR");
    if (!base || !*base)
        base = getenv("HOME");
    if (!base || !*base)
        base = ".";
    char dir[4096];
    long pid = (long)getpid();
    snprintf(dir, sizeof dir, "%s/.debug", base);
    mkdir(dir, 0755);
    snprintf(dir, sizeof dir, "%s/.debug/jit", base);
    mkdir(dir, 0755);
    int w = snprintf(dir, sizeof dir, "%s/.debug/jit/liftvm-%ld-XXXXXX", base, pid);
    if (w < 0 || (size_t)w >= sizeof dir || !mkdtemp(dir)) {
        snprintf(err, errlen, "cannot make a jitdump folder under %s/.debug/jit: %s", base,
                 strerror(errno));
        return NULL;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/jit-%ld.dump", dir, pid);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return NULL;
    }
    jd_header h = {
        .magic = JITDUMP_MAGIC,
        .version = 1,
        .total_size = sizeof h,
        .elf_mach = EM_X86_64,
        .pid = (uint32_t)pid,
        .timestamp = mono_ns(),
    };
    void *marker = MAP_FAILED;
    if (write_all(fd, &h, sizeof h))
        marker = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    if (marker == MAP_FAILED) {
        snprintf(err, errlen, "cannot set up the jitdump %s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    jit_jitdump *d = calloc(1, sizeof *d);
    if (!d) {
        munmap(marker, (size_t)sysconf(_SC_PAGESIZE));
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->fd = fd;
    d->marker = marker;
    d->pid = pid;
    return d;
}

void jit_jitdump_code(jit_jitdump *d, const char *name, const void *code, size_t size)
{
    if (!d || d->fd < 0)
        return;
    size_t nlen = strlen(name) + 1;
    jd_code_load r = {
        .h = {.id = JIT_CODE_LOAD,
              .total_size = (uint32_t)(sizeof r + nlen + size),
              .timestamp = mono_ns()},
        .pid = (uint32_t)d->pid,
        .tid = (uint32_t)gettid(),
        .vma = (uint64_t)(uintptr_t)code,
        .code_addr = (uint64_t)(uintptr_t)code,
        .code_size = size,
        .code_index = d->index++,
    };
    /* One buffer, one write: a reader never sees half a record. */
    char *buf = malloc(sizeof r + nlen + size);
    if (!buf)
        return;
    memcpy(buf, &r, sizeof r);
    memcpy(buf + sizeof r, name, nlen);
    memcpy(buf + sizeof r + nlen, code, size);
    if (!write_all(d->fd, buf, sizeof r + nlen + size)) {
        close(d->fd);
        d->fd = -1;
    }
    free(buf);
}

void jit_jitdump_close(jit_jitdump *d)
{
    if (!d)
        return;
    if (d->fd >= 0) {
        jd_record r = {.id = JIT_CODE_CLOSE, .total_size = sizeof r, .timestamp = mono_ns()};
        write_all(d->fd, &r, sizeof r);
        close(d->fd);
    }
    munmap(d->marker, (size_t)sysconf(_SC_PAGESIZE));
    free(d);
}
