/*
 * rt_sigframe.c — building and reading back the guest signal frame
 * (layout in rt_sigframe.h).  Only riscv64 has one so far; the functions
 * take the fe_arch so another guest's frame can be added beside it.
 */
#include "runtime/linux/rt_sigframe.h"

#include <errno.h>
#include <string.h>

#include "frontend/riscv64/rv_state.h"

size_t rt_sigframe_size(const fe_arch *arch) {
    return arch == &fe_riscv64 ? sizeof(rt_rv_sigframe) : 0;
}

int rt_sigframe_setup(const fe_arch *arch, mmu_space *mm, void *cpu, const rt_sigframe_args *a) {
    if (arch != &fe_riscv64)
        return -ENOSYS;
    fe_rv64_state *st = cpu;
    uint64_t at = (a->sp - sizeof(rt_rv_sigframe)) & ~(uint64_t)15;
    rt_rv_sigframe f;
    memset(&f, 0, sizeof f);
    f.info = *a->info;
    f.uc.uc_stack = a->stack;
    f.uc.uc_sigmask = a->mask;
    f.uc.uc_mcontext.regs[0] = st->head.pc;
    for (int i = 1; i < 32; i++)
        f.uc.uc_mcontext.regs[i] = st->x[i];
    memcpy(f.uc.uc_mcontext.fp.f, st->f, sizeof st->f);
    f.uc.uc_mcontext.fp.fcsr = (uint32_t)(((st->head.fp_rm & 7) << 5) | (st->head.fp_flags & 0x1f));
    if (a->sp < sizeof f || mmu_write(mm, at, &f, sizeof f))
        return -EFAULT;
    st->head.pc = a->handler;
    st->head.resv_addr = UINT64_MAX; /* the kernel's trap entry breaks reservations */
    st->x[1] = a->restorer;
    st->x[2] = at;
    st->x[10] = (uint64_t)a->sig;
    st->x[11] = at + offsetof(rt_rv_sigframe, info);
    st->x[12] = at + offsetof(rt_rv_sigframe, uc);
    return 0;
}

int rt_sigframe_restore(const fe_arch *arch, const mmu_space *mm, void *cpu, uint64_t *mask,
                        rt_g_stack *stack) {
    if (arch != &fe_riscv64)
        return -ENOSYS;
    fe_rv64_state *st = cpu;
    rt_rv_sigframe f;
    if (mmu_read(mm, st->x[2], &f, sizeof f))
        return -EFAULT;
    const rt_rv_fpstate *fp = &f.uc.uc_mcontext.fp;
    /* Linux refuses a frame whose reserved word or extension header is not
     * zero (there are no extension contexts without the V extension). */
    if (fp->reserved != 0 || fp->end_magic != 0)
        return -EFAULT;
    st->head.pc = f.uc.uc_mcontext.regs[0];
    for (int i = 1; i < 32; i++)
        st->x[i] = f.uc.uc_mcontext.regs[i];
    memcpy(st->f, fp->f, sizeof st->f);
    st->head.fp_flags = fp->fcsr & 0x1f;
    st->head.fp_rm = (fp->fcsr >> 5) & 7;
    st->head.resv_addr = UINT64_MAX;
    *mask = f.uc.uc_sigmask;
    *stack = f.uc.uc_stack;
    return 0;
}
