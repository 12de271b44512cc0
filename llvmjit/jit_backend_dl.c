/*
 * jit_backend_dl.c — jit_backend_get for the liftvm executable: loads the
 * LLVM side from liftvm-llvm.so the first time a compile needs it.
 *
 * Where: $LIFTVM_LLVM_MODULE, else beside the executable, else
 * ../lib/liftvm/ from it.  Which: only the module whose GNU build id the
 * executable recorded when it was linked (jit_module_build_id, made by
 * jit_module_id.cmake); another build's module may disagree with us on
 * every structure we pass, so it is refused, not trusted.
 */
#include <dlfcn.h>
#include <link.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llvmjit/jit_backend.h"
#include "llvmjit/jit_objfile.h"

#define MODULE_NAME "liftvm-llvm.so"

extern const char jit_module_build_id[]; /* hex; jit_module_id.c, generated */

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const jit_backend *loaded;
static char load_err[PATH_MAX + 256];

typedef struct id_search {
    uintptr_t base; /* the module's load address (link_map l_addr) */
    char hex[129];
} id_search;

static int find_module_id(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    id_search *s = arg;
    if (info->dlpi_addr != s->base)
        return 0;
    uint8_t id[64];
    size_t n = jit_elf_build_id(info, id, sizeof id);
    for (size_t i = 0; i < n; i++)
        snprintf(s->hex + 2 * i, 3, "%02x", id[i]);
    return 1;
}

/* dlopens path; false (err set) if it fails or is another build's module. */
static bool try_module(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(load_err, sizeof load_err, "cannot load the LLVM module: %s", dlerror());
        return false;
    }
    struct link_map *lm = NULL;
    id_search s = {0, ""};
    if (dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm) {
        s.base = lm->l_addr;
        dl_iterate_phdr(find_module_id, &s);
    }
    const jit_backend *b = dlsym(h, "jit_llvm_backend");
    if (strcmp(s.hex, jit_module_build_id) != 0 || !b) {
        snprintf(load_err, sizeof load_err,
                 "%s is not the LLVM module this liftvm was built with (build id %s, want %s)",
                 path, *s.hex ? s.hex : "none", jit_module_build_id);
        dlclose(h);
        return false;
    }
    loaded = b; /* h stays open: code and tables live until exit */
    return true;
}

static void load(void)
{
    const char *env = getenv("LIFTVM_LLVM_MODULE");
    if (env && *env) {
        try_module(env);
        return;
    }
    char exe[PATH_MAX], path[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(load_err, sizeof load_err, "cannot find the LLVM module: /proc/self/exe unreadable");
        return;
    }
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = 0;
    static const char *const places[] = {"/" MODULE_NAME, "/../lib/liftvm/" MODULE_NAME};
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        snprintf(path, sizeof path, "%s%s", exe, places[i]);
        if (access(path, F_OK) == 0) {
            try_module(path);
            return;
        }
    }
    snprintf(load_err, sizeof load_err,
             "cannot find the LLVM module " MODULE_NAME " beside %.1500s or in "
             "%.1500s/../lib/liftvm (or set LIFTVM_LLVM_MODULE)", exe, exe);
}

const jit_backend *jit_backend_get(char *err, size_t errlen)
{
    pthread_once(&load_once, load);
    if (!loaded)
        snprintf(err, errlen, "%s", load_err);
    return loaded;
}
