/*
 * rt_layout.h — the user-mode guest address-space layout (private to
 * runtime/linux/), shared by the ELF loader and the stack builder.
 *
 *   0 ... program (ET_EXEC at its vaddr, ET_DYN at 2/3 of the space)
 *         brk heap grows up from the program's end
 *     ... mmap area grows down from mmap_top (interpreter, mmap without hint)
 *   mmap_top = stack_top - RT_STACK_SIZE - RT_MMAP_GAP
 *   stack_top - RT_STACK_SIZE ... stack_top   initial stack (RW)
 *   stack_top = limit - one page
 */
#ifndef LIFTVM_RT_LAYOUT_H
#define LIFTVM_RT_LAYOUT_H

#define RT_STACK_SIZE (8ull << 20) /* mapped at start, like the default 8 MiB rlimit */
#define RT_MMAP_GAP (128ull << 20) /* Linux's minimum gap between stack and mmap base */

#endif
