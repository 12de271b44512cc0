/*
 * rt_linux.h — the Linux user-mode process (private to runtime/).
 *
 * Shared by the ELF loader, the initial stack builder, the syscall layer and
 * the dispatcher.  One process, one guest thread for now.
 */
#ifndef LIFTVM_RT_LINUX_H
#define LIFTVM_RT_LINUX_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend/fe.h"
#include "mmu/mmu.h"

typedef struct rt_proc {
    const fe_arch *arch;
    mmu_space *mm;
    void *cpu;              /* guest state of the (only) thread, arch->state_size bytes */

    const char *sysroot;    /* -L prefix for the interpreter and absolute paths, or NULL */
    const char *exe_path;   /* host path of the guest program as given */
    char *exe_abspath;      /* its absolute path (for /proc/self/exe and AT_EXECFN) */

    /* Filled in by the loader. */
    uint64_t entry;         /* first guest pc: the interpreter's entry if dynamic */
    uint64_t exe_entry;     /* the program's own entry (AT_ENTRY) */
    uint64_t phdr_addr;     /* AT_PHDR */
    uint64_t phnum, phent;  /* AT_PHNUM, AT_PHENT */
    uint64_t interp_base;   /* AT_BASE (0 if static) */
    uint64_t load_bias;     /* added to the program's p_vaddr (PIE) */
    uint64_t brk_start;     /* initial program break (page-aligned end of the image) */
    uint64_t brk_cur;       /* current program break */
    uint64_t mmap_top;      /* mmap without a hint searches downward from here */
    uint64_t stack_top;     /* highest stack address (exclusive) */

    bool exited;
    int exit_status;        /* exit_group status */

    /* Syscall-layer state (signal actions, tid address, file mappings...),
     * private to runtime/linux/syscall*.c; created on the first syscall. */
    struct rt_sys_state *sys;
} rt_proc;

/* Loader (elf_load.c): maps the program (and its PT_INTERP under sysroot)
 * into p->mm and fills the loader fields.  On failure returns -1 and writes
 * a one-line reason naming the file into err. */
int rt_elf_load(rt_proc *p, const char *path, char *err, size_t errlen);

/* Builds the initial stack (argv, envp, auxv) and sets sp in p->cpu.
 * Returns 0 or -1 with a reason in err. */
int rt_stack_setup(rt_proc *p, int argc, char **argv, char **envp, char *err, size_t errlen);

/* Performs the syscall described by the guest registers of p->cpu and writes
 * its result back.  Returns true to continue, false when the process has
 * exited (p->exited, p->exit_status set). */
bool rt_linux_syscall(rt_proc *p);

/* The memory map of [addr, addr+len) changed (mmap over, munmap, mprotect,
 * mremap, madvise): translations of guest code there are dropped (rt_exec.c). */
void rt_code_invalidate(rt_proc *p, uint64_t addr, uint64_t len);

#endif
