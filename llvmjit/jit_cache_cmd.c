/*
 * jit_cache_cmd.c — liftvm cache stats | clear | verify | prune: reports on
 * and maintains a cache folder as a whole (every program, every build).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "llvmjit/jit_cache.h"
#include "llvmjit/jit_cache_blocks.h"
#include "llvmjit/jit_cache_image.h"
#include "llvmjit/jit_cache_store.h"

#define RUNS_SHOWN 10

/* DIR/v1 for a command; -1 after a message when there is no cache. */
static int open_root(const jit_cache_options *o, bool create, FILE *out, char *dir, size_t n)
{
    if (!jit_cache_dir(o, dir, n)) {
        fprintf(stderr, "liftvm: %s\n", dir);
        return -1;
    }
    char err[512];
    int root = jc_open_root(dir, create, err, sizeof err);
    if (root < 0 && !create) {
        fprintf(out, "cache: %s: empty (%s)\n", dir, err);
        return -1;
    }
    if (root < 0)
        fprintf(stderr, "liftvm: %s\n", err);
    return root;
}

static void human(char *buf, size_t n, uint64_t bytes)
{
    if (bytes >= (1ull << 30))
        snprintf(buf, n, "%.1f GiB", bytes / (double)(1ull << 30));
    else if (bytes >= (1ull << 20))
        snprintf(buf, n, "%.1f MiB", bytes / (double)(1ull << 20));
    else if (bytes >= 1024)
        snprintf(buf, n, "%.1f KiB", bytes / 1024.0);
    else
        snprintf(buf, n, "%llu B", (unsigned long long)bytes);
}

/* The program a group was made for (its info file), or "?". */
static void group_program(int gfd, char *buf, size_t n)
{
    snprintf(buf, n, "?");
    FILE *f = NULL;
    int fd = openat(gfd, "info", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 && (f = fdopen(fd, "r"))) {
        if (fgets(buf, (int)n, f))
            buf[strcspn(buf, "\n")] = 0;
        fclose(f);
    } else if (fd >= 0) {
        close(fd);
    }
}

int jit_cache_cmd_stats(const jit_cache_options *o, FILE *out)
{
    char dir[4096], size[32], limit[32];
    int root = open_root(o, false, out, dir, sizeof dir);
    if (root < 0)
        return 0;
    size_t n;
    jc_group_info *g = jc_list_groups(root, &n);
    uint64_t entries = 0, bytes = 0;
    human(limit, sizeof limit, o->max_bytes ? o->max_bytes : JIT_CACHE_DEFAULT_MAX);
    fprintf(out, "cache: %s (limit %s)\n", dir, limit);
    if (n)
        fprintf(out, "%-10s %8s %10s  %-19s %s\n", "group", "entries", "bytes", "last used",
                "program");
    for (size_t i = 0; i < n; i++) {
        int gfd = jc_open_group(root, g[i].name, false);
        jc_set set;
        char prog[1024] = "?", when[32] = "?";
        memset(&set, 0, sizeof set);
        if (gfd >= 0) {
            jc_read_group(gfd, NULL, false, &set);
            group_program(gfd, prog, sizeof prog);
            close(gfd);
        }
        time_t t = (time_t)(g[i].used_ns / 1000000000);
        struct tm tm;
        if (localtime_r(&t, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        human(size, sizeof size, g[i].bytes);
        fprintf(out, "%-10.10s %8zu %10s  %-19s %s\n", g[i].name + 2, set.n, size, when, prog);
        entries += set.n;
        bytes += g[i].bytes;
        jc_set_free(&set);
    }
    human(size, sizeof size, bytes);
    fprintf(out, "total: %zu programs, %llu entries, %s\n", n, (unsigned long long)entries, size);
    jc_run runs[RUNS_SHOWN];
    size_t nr = jc_read_runs(root, runs, RUNS_SHOWN);
    uint64_t hits = 0, misses = 0;
    if (nr)
        fprintf(out, "last %zu runs:\n%-19s %8s %8s %8s %8s %9s  %s\n", nr, "time", "pid",
                "hits", "misses", "hit rate", "load ms", "group");
    for (size_t i = 0; i < nr; i++) {
        const jc_run *r = &runs[i];
        char when[32] = "?";
        time_t t = (time_t)r->time;
        struct tm tm;
        if (localtime_r(&t, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        uint64_t all = r->hits + r->misses;
        fprintf(out, "%-19s %8ld %8llu %8llu %7.1f%% %9.2f  %.8s\n", when, r->pid,
                (unsigned long long)r->hits, (unsigned long long)r->misses,
                all ? 100.0 * r->hits / all : 0.0, r->load_ns / 1e6, r->group + 2);
        hits += r->hits;
        misses += r->misses;
    }
    if (nr)
        fprintf(out, "hit rate of the last %zu runs: %.1f%% (%llu of %llu units)\n", nr,
                hits + misses ? 100.0 * hits / (hits + misses) : 0.0, (unsigned long long)hits,
                (unsigned long long)(hits + misses));
    free(g);
    close(root);
    return 0;
}

int jit_cache_cmd_clear(const jit_cache_options *o, FILE *out)
{
    char dir[4096];
    int root = open_root(o, false, out, dir, sizeof dir);
    if (root < 0)
        return 0;
    size_t n;
    jc_group_info *g = jc_list_groups(root, &n);
    unsigned removed = 0;
    for (size_t i = 0; i < n; i++)
        removed += jc_remove_group(root, g[i].name);
    unlinkat(root, "runs", 0);
    free(g);
    close(root);
    fprintf(out, "cache: %s: removed %u of %zu programs\n", dir, removed, n);
    return removed == n ? 0 : 1;
}

int jit_cache_cmd_verify(const jit_cache_options *o, FILE *out)
{
    char dir[4096];
    int root = open_root(o, false, out, dir, sizeof dir);
    if (root < 0)
        return 0;
    size_t n;
    jc_group_info *g = jc_list_groups(root, &n);
    uint64_t good = 0, bad_total = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t gid[JC_ID_LEN];
        int gfd = jc_parse_group_name(g[i].name, gid) ? jc_open_group(root, g[i].name, false) : -1;
        if (gfd < 0) {
            fprintf(out, "%s: not a folder of this user's (unsafe): removed\n", g[i].name);
            jc_remove_group(root, g[i].name);
            bad_total++;
            continue;
        }
        jc_set set;
        jc_read_group(gfd, NULL, true, &set);
        const jc_damage *d = &set.dmg;
        unsigned bad = d->unsafe + d->bad_files + d->bad_records + d->foreign;
        good += set.n;
        jc_image_status is = jc_image_check(gfd, set.have_config ? set.config : NULL, gid);
        if (is == JC_IMAGE_DAMAGED || is == JC_IMAGE_FOREIGN) {
            fprintf(out, "%s: image %s: removing it (the next run makes it again)\n", g[i].name,
                    jc_image_status_name(is));
            unlinkat(gfd, JC_IMAGE_FILE, 0);
            bad_total++;
        }
        jc_blocks_status bs = jc_blocks_check(gfd, set.have_config ? set.config : NULL, gid);
        if (bs == JC_BLOCKS_DAMAGED || bs == JC_BLOCKS_FOREIGN) {
            fprintf(out, "%s: decoded blocks %s: removing them (the next run keeps them again)\n",
                    g[i].name, jc_blocks_status_name(bs));
            unlinkat(gfd, JC_BLOCKS_FILE, 0);
            bad_total++;
        }
        if (bad) {
            fprintf(out,
                    "%s: %zu good entries; removing %u unsafe files, %u corrupt files, %u "
                    "corrupt entries, %u entries of another configuration\n",
                    g[i].name, set.n, d->unsafe, d->bad_files, d->bad_records, d->foreign);
            jc_set_free(&set);
            if (jc_compact(gfd, NULL, gid, 0, true, NULL) < 0)
                fprintf(out, "%s: cannot rewrite the pack\n", g[i].name);
        } else {
            jc_set_free(&set);
        }
        bad_total += bad;
        close(gfd);
    }
    free(g);
    close(root);
    fprintf(out, "cache: %s: %zu programs, %llu good entries, %llu bad ones removed\n", dir, n,
            (unsigned long long)good, (unsigned long long)bad_total);
    return bad_total ? 1 : 0;
}

int jit_cache_cmd_prune(const jit_cache_options *o, FILE *out)
{
    char dir[4096], size[32], limit[32];
    int root = open_root(o, false, out, dir, sizeof dir);
    if (root < 0)
        return 0;
    uint64_t max = o->max_bytes ? o->max_bytes : JIT_CACHE_DEFAULT_MAX;
    /* Journal files left by runs that ended early go into their packs. */
    size_t n;
    jc_group_info *g = jc_list_groups(root, &n);
    for (size_t i = 0; i < n; i++) {
        uint8_t gid[JC_ID_LEN];
        int gfd = jc_parse_group_name(g[i].name, gid) ? jc_open_group(root, g[i].name, false) : -1;
        if (gfd < 0)
            continue;
        size_t units;
        if (jc_compact(gfd, NULL, gid, 0, false, NULL) > 0) {
            jc_image_build(gfd, NULL, gid, &units); /* none: runs make it */
            /* keep the group's last use: eviction goes by it */
            struct timespec t = {.tv_sec = g[i].used_ns / 1000000000,
                                 .tv_nsec = g[i].used_ns % 1000000000};
            struct timespec both[2] = {t, t};
            utimensat(gfd, "pack", both, AT_SYMLINK_NOFOLLOW);
            utimensat(gfd, JC_IMAGE_FILE, both, AT_SYMLINK_NOFOLLOW);
        }
        close(gfd);
    }
    free(g);
    unsigned removed = 0;
    uint64_t left = jc_prune(root, max, &removed);
    close(root);
    human(size, sizeof size, left);
    human(limit, sizeof limit, max);
    fprintf(out, "cache: %s: %u programs evicted; %s left (limit %s)\n", dir, removed, size,
            limit);
    return 0;
}
