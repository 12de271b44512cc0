/*
 * test_blockcache.c — the shared block cache (runtime/rt_blockcache.c):
 * lookups, racing inserts of the same pc, growth, flushes, and several
 * threads looking up and inserting while another flushes (run it under
 * ASan to see that no block is freed under a reader).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>

#include "ir/ir.h"
#include "runtime/rt_blockcache.h"

static ir_block *block(uint64_t pc) {
    ir_block *b = ir_block_new(pc);
    cr_assert_not_null(b);
    ir_emit(b, IR_JMP, 0, 0, 0, (int64_t)(pc + 4));
    b->end_pc = pc + 4;
    return b;
}

Test(bcache, insert_lookup_grow_flush) {
    rt_bcache *c = rt_bcache_new();
    cr_assert_not_null(c);
    for (uint64_t pc = 0x1000; pc < 0x1000 + 4 * 5000; pc += 4) {
        ir_block *b = block(pc);
        cr_assert_eq(rt_bcache_insert(c, b), b);
    }
    cr_assert_eq(rt_bcache_count(c), 5000);
    for (uint64_t pc = 0x1000; pc < 0x1000 + 4 * 5000; pc += 4)
        cr_assert_eq(rt_bcache_lookup(c, pc)->pc, pc);
    cr_assert_null(rt_bcache_lookup(c, 0x2));
    /* A second block for a cached pc loses: the first one stays. */
    ir_block *first = rt_bcache_lookup(c, 0x1000);
    cr_assert_eq(rt_bcache_insert(c, block(0x1000)), first);
    uint64_t gen = rt_bcache_generation(c);
    rt_bcache_flush(c);
    cr_assert_neq(rt_bcache_generation(c), gen);
    cr_assert_eq(rt_bcache_count(c), 0);
    cr_assert_null(rt_bcache_lookup(c, 0x1000));
    /* Decoded before the flush: not cached. */
    cr_assert_null(rt_bcache_insert_since(c, block(0x1000), gen));
    cr_assert_null(rt_bcache_lookup(c, 0x1000));
    ir_block *b = block(0x1000);
    cr_assert_eq(rt_bcache_insert_since(c, b, rt_bcache_generation(c)), b);
    rt_bcache_free(c);
}

static rt_bcache *shared;
static atomic_int stop;
static atomic_long lookups;

static void *reader_thread(void *arg) {
    uint64_t base = (uint64_t)(uintptr_t)arg;
    rt_bcache_reader *r = rt_bcache_reader_new(shared);
    cr_assert_not_null(r);
    while (!atomic_load(&stop)) {
        rt_bcache_quiescent(r);
        for (uint64_t pc = base; pc < base + 4 * 256; pc += 4) {
            ir_block *b = rt_bcache_lookup(shared, pc);
            if (!b)
                b = rt_bcache_insert(shared, block(pc));
            /* Touch the block as the interpreter would. */
            if (b->pc != pc || b->n_insns != 1 || b->insns[0].op != IR_JMP)
                cr_assert_fail("bad block for 0x%lx", (unsigned long)pc);
            atomic_fetch_add_explicit(&lookups, 1, memory_order_relaxed);
        }
        if ((base & 0x10000) == 0) { /* half the readers also go offline now and then */
            rt_bcache_offline(r);
            rt_bcache_online(r);
        }
    }
    rt_bcache_reader_free(r);
    return NULL;
}

Test(bcache, readers_and_a_flusher) {
    shared = rt_bcache_new();
    pthread_t t[4];
    for (uintptr_t i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, reader_thread,
                       (void *)(0x100000 * (i + 1) + (i & 1) * 0x10000));
    /* At least 300 flushes, and on until the readers have done a round of
     * lookups each (on a loaded machine they may start late). */
    for (int i = 0; i < 300 || atomic_load(&lookups) < 4 * 256; i++) {
        rt_bcache_flush(shared);
        sched_yield();
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    cr_assert_gt(atomic_load(&lookups), 0);
    rt_bcache_free(shared);
}
