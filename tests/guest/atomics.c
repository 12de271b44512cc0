/*
 * atomics.c — C11 <stdatomic.h> and GCC __atomic builtins on 8-, 16-, 32-
 * and 64-bit objects (single thread: the values, return values and the
 * compare-exchange success/failure paths must match; threads come later).
 * On riscv64 these compile to AMOs and LR/SC loops (the 8/16-bit ones to
 * masked LR/SC sequences in libatomic with this GCC).
 */
//! rvlibs: -latomic
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

static _Atomic uint32_t a32 = 0x12345678u;
static _Atomic uint64_t a64 = 0x0123456789abcdefull;
static _Atomic int32_t s32 = -5;
static _Atomic int64_t s64 = -5;
static uint8_t b8 = 0xf0;
static uint16_t h16 = 0xfff0;
static _Atomic(void *) ptr;

int main(void)
{
    uint32_t old32;
    uint64_t old64;

    old32 = atomic_fetch_add(&a32, 0xf0000000u);
    printf("add32 old=%08" PRIx32 " new=%08" PRIx32 "\n", old32, atomic_load(&a32));
    old32 = atomic_fetch_sub(&a32, 1);
    printf("sub32 old=%08" PRIx32 " new=%08" PRIx32 "\n", old32, atomic_load(&a32));
    old32 = atomic_fetch_and(&a32, 0xff00ff00u);
    printf("and32 old=%08" PRIx32 " new=%08" PRIx32 "\n", old32, atomic_load(&a32));
    old32 = atomic_fetch_or(&a32, 0x0000f00fu);
    printf("or32  old=%08" PRIx32 " new=%08" PRIx32 "\n", old32, atomic_load(&a32));
    old32 = atomic_fetch_xor(&a32, 0xffffffffu);
    printf("xor32 old=%08" PRIx32 " new=%08" PRIx32 "\n", old32, atomic_load(&a32));
    old32 = atomic_exchange(&a32, 0x80000000u);
    printf("xchg32 old=%08" PRIx32 " new=%08" PRIx32 "\n", old32, atomic_load(&a32));

    old64 = atomic_fetch_add(&a64, 0xff00000000000001ull);
    printf("add64 old=%016" PRIx64 " new=%016" PRIx64 "\n", old64, atomic_load(&a64));
    old64 = atomic_fetch_sub_explicit(&a64, 2, memory_order_relaxed);
    printf("sub64 old=%016" PRIx64 " new=%016" PRIx64 "\n", old64, atomic_load(&a64));
    old64 = atomic_fetch_and_explicit(&a64, 0x0ff00ff00ff00ff0ull, memory_order_acquire);
    printf("and64 old=%016" PRIx64 " new=%016" PRIx64 "\n", old64, atomic_load(&a64));
    old64 = atomic_fetch_or_explicit(&a64, 0x8000000000000001ull, memory_order_release);
    printf("or64  old=%016" PRIx64 " new=%016" PRIx64 "\n", old64, atomic_load(&a64));
    old64 = atomic_fetch_xor_explicit(&a64, 0xffffffff00000000ull, memory_order_acq_rel);
    printf("xor64 old=%016" PRIx64 " new=%016" PRIx64 "\n", old64, atomic_load(&a64));
    old64 = atomic_exchange_explicit(&a64, 42, memory_order_seq_cst);
    printf("xchg64 old=%016" PRIx64 " new=%016" PRIx64 "\n", old64, atomic_load(&a64));

    uint32_t exp32 = 0x80000000u;
    int ok = atomic_compare_exchange_strong(&a32, &exp32, 7);
    printf("cas32 hit ok=%d exp=%08" PRIx32 " val=%08" PRIx32 "\n", ok, exp32, atomic_load(&a32));
    exp32 = 8;
    ok = atomic_compare_exchange_strong(&a32, &exp32, 9);
    printf("cas32 miss ok=%d exp=%08" PRIx32 " val=%08" PRIx32 "\n", ok, exp32, atomic_load(&a32));
    uint64_t exp64 = 42;
    ok = atomic_compare_exchange_strong(&a64, &exp64, 0xdeadbeefcafef00dull);
    printf("cas64 hit ok=%d exp=%016" PRIx64 " val=%016" PRIx64 "\n", ok, exp64, atomic_load(&a64));
    exp64 = 1;
    ok = atomic_compare_exchange_strong(&a64, &exp64, 2);
    printf("cas64 miss ok=%d exp=%016" PRIx64 " val=%016" PRIx64 "\n", ok, exp64, atomic_load(&a64));
    /* A weak CAS may fail spuriously; loop as real code does. */
    exp64 = atomic_load(&a64);
    while (!atomic_compare_exchange_weak(&a64, &exp64, exp64 * 3 + 1)) {
    }
    printf("cas64 weak val=%016" PRIx64 "\n", atomic_load(&a64));

    /* Signed values.  (Each value is read in its own statement: the order
     * in which printf's arguments are evaluated is unspecified.) */
    int32_t os32 = atomic_fetch_add(&s32, 10);
    printf("s32 add=%" PRId32 " now=%" PRId32 "\n", os32, atomic_load(&s32));
    int64_t os64 = atomic_fetch_sub(&s64, 10);
    printf("s64 sub=%" PRId64 " now=%" PRId64 "\n", os64, atomic_load(&s64));

    /* Sub-word atomics. */
    unsigned r1 = __atomic_fetch_add(&b8, 0x20, __ATOMIC_SEQ_CST);
    unsigned r2 = __atomic_load_n(&b8, __ATOMIC_SEQ_CST);
    unsigned r3 = __atomic_fetch_or(&b8, 0x0f, __ATOMIC_SEQ_CST);
    unsigned r4 = __atomic_exchange_n(&b8, 0x5a, __ATOMIC_SEQ_CST);
    printf("b8 add=%02x now=%02x or=%02x xchg=%02x now=%02x\n", r1, r2, r3, r4, b8);
    uint16_t e16 = 0xfff0;
    ok = __atomic_compare_exchange_n(&h16, &e16, 0x1234, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    r1 = h16;
    r2 = __atomic_add_fetch(&h16, 0xf000, __ATOMIC_RELAXED);
    r3 = __atomic_nand_fetch(&h16, 0x0ff0, __ATOMIC_SEQ_CST);
    e16 = 1;
    int ok2 = __atomic_compare_exchange_n(&h16, &e16, 2, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    printf("h16 cas ok=%d now=%04x add=%04x nand=%04x miss=%d exp=%04x\n", ok, r1, r2, r3, ok2, e16);

    /* __atomic builtins on plain objects. */
    uint64_t plain = 100, q1, q2, q3;
    q1 = __atomic_add_fetch(&plain, 5, __ATOMIC_SEQ_CST);
    q2 = __atomic_fetch_and(&plain, 0x6c, __ATOMIC_SEQ_CST);
    q3 = __atomic_xor_fetch(&plain, 0xff, __ATOMIC_SEQ_CST);
    bool flag = 0;
    int t1 = __atomic_test_and_set(&flag, __ATOMIC_SEQ_CST);
    int t2 = __atomic_test_and_set(&flag, __ATOMIC_SEQ_CST);
    __atomic_store_n(&plain, 77, __ATOMIC_RELEASE);
    printf("builtin add_fetch=%" PRIu64 " fetch_and=%" PRIu64 " xor_fetch=%" PRIu64
           " test_and_set=%d,%d store/load=%" PRIu64 "\n",
           q1, q2, q3, t1 != 0, t2 != 0, __atomic_load_n(&plain, __ATOMIC_ACQUIRE));
    uint32_t p32 = 5, v1, v3;
    v1 = __sync_val_compare_and_swap(&p32, 5, 6);
    int v2 = __sync_bool_compare_and_swap(&p32, 5, 7);
    v3 = __sync_fetch_and_add(&p32, 3);
    printf("sync val_cas=%" PRIu32 " bool_cas=%d fetch_and_add=%" PRIu32 " now=%" PRIu32 "\n", v1,
           v2, v3, p32);

    int dummy;
    void *expected = NULL;
    ok = atomic_compare_exchange_strong(&ptr, &expected, &dummy);
    printf("ptr cas ok=%d same=%d\n", ok, atomic_load(&ptr) == (void *)&dummy);
    atomic_thread_fence(memory_order_seq_cst);
    atomic_signal_fence(memory_order_seq_cst);

    /* Counting loop: many AMOs in a row. */
    _Atomic uint64_t counter = 0;
    for (int i = 0; i < 10000; i++) {
        atomic_fetch_add_explicit(&counter, (uint64_t)i, memory_order_relaxed);
        atomic_fetch_xor_explicit(&counter, 1, memory_order_relaxed);
    }
    printf("counter=%" PRIu64 " lockfree32=%d lockfree64=%d\n", atomic_load(&counter),
           atomic_is_lock_free(&a32), atomic_is_lock_free(&a64));
    return 0;
}
