/*
 * stack.c — the initial guest stack, laid out as Linux's create_elf_tables
 * does:
 *
 *   stack_top ─► 8 bytes of zero
 *                AT_EXECFN string (the program path)
 *                environment strings, argument strings
 *                AT_PLATFORM string, 16 AT_RANDOM bytes
 *                (padding to 16 bytes)
 *                auxv pairs ... AT_NULL 0
 *                envp[0..envc-1], NULL
 *                argv[0..argc-1], NULL
 *          sp ─► argc                       (sp is 16-byte aligned)
 *
 * The block below the strings is built in a host buffer and written with one
 * mmu_write.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "runtime/linux/rt_layout.h"
#include "runtime/linux/rt_linux.h"
#include "runtime/linux/syscall_priv.h"

/* Strings may use at most a quarter of the stack, as Linux's ARG_MAX rule. */
#define STRINGS_MAX (RT_STACK_SIZE / 4)

typedef struct str_writer {
    rt_proc *p;
    uint64_t sp; /* grows down */
    uint64_t floor;
} str_writer;

/* Copies n bytes below the current position; returns their guest address, or
 * 0 when the string area is full. */
static uint64_t push_bytes(str_writer *w, const void *src, size_t n) {
    if (n > w->sp - w->floor)
        return 0;
    w->sp -= n;
    if (mmu_write(w->p->mm, w->sp, src, n) != 0)
        return 0;
    return w->sp;
}

static uint64_t push_str(str_writer *w, const char *s) {
    return push_bytes(w, s, strlen(s) + 1);
}

/* Remembers where the argument and environment strings and the auxv are,
 * for /proc/self/cmdline, environ and auxv (syscall_procfs.c). */
static void record_ranges(rt_proc *p, int argc, char **argv, const uint64_t *argp, int envc,
                          char **envp, const uint64_t *envpp, uint64_t auxv, uint64_t auxv_end) {
    rt_sys_state *st = rt_sys_state_get(p);
    if (!st)
        return;
    if (argc > 0) {
        st->arg_start = argp[0];
        st->arg_end = argp[argc - 1] + strlen(argv[argc - 1]) + 1;
    }
    if (envc > 0) {
        st->env_start = envpp[0];
        st->env_end = envpp[envc - 1] + strlen(envp[envc - 1]) + 1;
    }
    st->auxv_start = auxv;
    st->auxv_end = auxv_end;
}

int rt_stack_setup(rt_proc *p, int argc, char **argv, char **envp, char *err, size_t errlen) {
    const fe_arch *arch = p->arch;
    uint64_t top = p->stack_top, bottom = top - RT_STACK_SIZE;
    int r = mmu_map(p->mm, bottom, RT_STACK_SIZE, MMU_R | MMU_W);
    if (r != 0) {
        snprintf(err, errlen, "cannot map the guest stack: %s", strerror(-r));
        return -1;
    }
    int envc = 0;
    while (envp && envp[envc])
        envc++;

    str_writer w = {p, top - 8, top - 8 - STRINGS_MAX};
    uint64_t *argp = calloc((size_t)argc + 1, sizeof *argp);
    uint64_t *envpp = calloc((size_t)envc + 1, sizeof *envpp);
    uint64_t *block = NULL;
    int rc = -1;
    if (!argp || !envpp) {
        snprintf(err, errlen, "out of memory building the guest stack");
        goto out;
    }
    const char *execfn = p->exe_path ? p->exe_path : (argc > 0 ? argv[0] : "");
    uint64_t execfn_addr = push_str(&w, execfn);
    bool ok = execfn_addr != 0;
    for (int i = envc - 1; ok && i >= 0; i--)
        ok = (envpp[i] = push_str(&w, envp[i])) != 0;
    for (int i = argc - 1; ok && i >= 0; i--)
        ok = (argp[i] = push_str(&w, argv[i])) != 0;
    uint64_t platform = 0;
    if (ok && arch->platform)
        ok = (platform = push_str(&w, arch->platform)) != 0;
    uint8_t rnd[16];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
        for (size_t i = 0; i < sizeof rnd; i++) /* getrandom cannot fail for 16 bytes; be safe */
            rnd[i] = (uint8_t)(rand() ^ getpid());
    }
    uint64_t random_addr = ok ? push_bytes(&w, rnd, sizeof rnd) : 0;
    if (!ok || !random_addr) {
        snprintf(err, errlen, "argument list too long (%d arguments, %d environment variables)",
                 argc, envc);
        goto out;
    }

    uint64_t auxv[][2] = {
        {AT_PHDR, p->phdr_addr},    {AT_PHENT, p->phent},      {AT_PHNUM, p->phnum},
        {AT_PAGESZ, MMU_PAGE_SIZE}, {AT_BASE, p->interp_base}, {AT_FLAGS, 0},
        {AT_ENTRY, p->exe_entry},   {AT_UID, getuid()},        {AT_EUID, geteuid()},
        {AT_GID, getgid()},         {AT_EGID, getegid()},      {AT_SECURE, 0},
        {AT_RANDOM, random_addr},   {AT_HWCAP, arch->hwcap},   {AT_CLKTCK, 100},
        {AT_EXECFN, execfn_addr},   {AT_PLATFORM, platform},   {AT_NULL, 0},
    };
    size_t nauxv = sizeof auxv / sizeof auxv[0];
    size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * nauxv;
    block = calloc(words, sizeof *block);
    if (!block) {
        snprintf(err, errlen, "out of memory building the guest stack");
        goto out;
    }
    size_t k = 0;
    block[k++] = (uint64_t)argc;
    for (int i = 0; i < argc; i++)
        block[k++] = argp[i];
    block[k++] = 0;
    for (int i = 0; i < envc; i++)
        block[k++] = envpp[i];
    block[k++] = 0;
    size_t auxv_at = k; /* word index of the auxv in block */
    for (size_t i = 0; i < nauxv; i++) {
        if (auxv[i][0] == AT_PLATFORM && !platform)
            continue;
        block[k++] = auxv[i][0];
        block[k++] = auxv[i][1];
    }
    uint64_t sp = (w.sp - k * 8) & ~15ull;
    if (mmu_write(p->mm, sp, block, k * 8) != 0) {
        snprintf(err, errlen, "cannot write the guest stack");
        goto out;
    }
    memcpy((char *)p->cpu + arch->off_sp, &sp, sizeof sp);
    record_ranges(p, argc, argv, argp, envc, envp, envpp, sp + 8 * auxv_at, sp + 8 * k);
    ((ir_state_head *)p->cpu)->pc = p->entry;
    rc = 0;
out:
    free(argp);
    free(envpp);
    free(block);
    return rc;
}
