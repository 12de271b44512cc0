/*
 * int_arith.c — 64- and 32-bit integer arithmetic: add/sub/mul wrap-around,
 * division and remainder edge cases (INT_MIN / -1, division by zero, which
 * RISC-V defines and x86 traps on, so those go through inline helpers that
 * give the RISC-V results on every host), shifts, comparisons and 128-bit
 * multiplication.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t sum;

static void out(const char *what, uint64_t v)
{
    printf("%-12s %016" PRIx64 " %" PRId64 "\n", what, v, (int64_t)v);
    sum = sum * 31 + v;
}

/* Division with the RISC-V answers for the cases C leaves undefined
 * (x / 0 and INT_MIN / -1).  On riscv64 these run the div/rem instructions
 * themselves through inline assembly, so the guest executes exactly the edge
 * cases; on the host the same results come from plain C. */
#ifdef __riscv
#define RV_OP(insn, type, a, b)                                            \
    ({                                                                     \
        type r_;                                                           \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(a), "r"(b)); \
        r_;                                                                \
    })
static int64_t sdiv64(int64_t a, int64_t b) { return RV_OP("div", int64_t, a, b); }
static int64_t srem64(int64_t a, int64_t b) { return RV_OP("rem", int64_t, a, b); }
static uint64_t udiv64(uint64_t a, uint64_t b) { return RV_OP("divu", uint64_t, a, b); }
static uint64_t urem64(uint64_t a, uint64_t b) { return RV_OP("remu", uint64_t, a, b); }
static int32_t sdiv32(int32_t a, int32_t b) { return (int32_t)RV_OP("divw", int64_t, a, b); }
static int32_t srem32(int32_t a, int32_t b) { return (int32_t)RV_OP("remw", int64_t, a, b); }
static uint32_t udiv32(uint32_t a, uint32_t b) { return (uint32_t)RV_OP("divuw", int64_t, a, b); }
#else
static int64_t sdiv64(int64_t a, int64_t b)
{
    if (b == 0) return -1;
    if (a == INT64_MIN && b == -1) return INT64_MIN;
    return a / b;
}
static int64_t srem64(int64_t a, int64_t b)
{
    if (b == 0) return a;
    if (a == INT64_MIN && b == -1) return 0;
    return a % b;
}
static uint64_t udiv64(uint64_t a, uint64_t b) { return b ? a / b : UINT64_MAX; }
static uint64_t urem64(uint64_t a, uint64_t b) { return b ? a % b : a; }
static int32_t sdiv32(int32_t a, int32_t b)
{
    if (b == 0) return -1;
    if (a == INT32_MIN && b == -1) return INT32_MIN;
    return a / b;
}
static int32_t srem32(int32_t a, int32_t b)
{
    if (b == 0) return a;
    if (a == INT32_MIN && b == -1) return 0;
    return a % b;
}
static uint32_t udiv32(uint32_t a, uint32_t b) { return b ? a / b : UINT32_MAX; }
#endif

int main(void)
{
    volatile int64_t vals[] = {0, 1, -1, 2, -2, 7, -7, 13, 1000000007, INT64_MAX, INT64_MIN,
                               INT32_MAX, INT32_MIN, 0x123456789abcdefLL, -0x0fedcba987654321LL};
    const int n = sizeof vals / sizeof vals[0];
    char buf[64];

    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            int64_t a = vals[i], b = vals[j];
            uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
            int32_t a32 = (int32_t)a, b32 = (int32_t)b;
            snprintf(buf, sizeof buf, "[%d,%d]", i, j);
            sum = sum * 7 + ua + ub * 3 + (ua - ub) + ua * ub;
            sum ^= (uint64_t)sdiv64(a, b) + (uint64_t)srem64(a, b) * 5;
            sum += udiv64(ua, ub) ^ (urem64(ua, ub) << 1);
            sum += (uint64_t)(uint32_t)sdiv32(a32, b32) + (uint64_t)(uint32_t)srem32(a32, b32);
            sum += (uint32_t)a32 * (uint32_t)b32;
            sum += udiv32((uint32_t)a32, (uint32_t)b32);
            sum += (a < b) + 2 * (ua < ub) + 4 * (a32 < b32) + 8 * ((uint32_t)a32 < (uint32_t)b32);
            sum ^= (ua << (ub & 63)) + (ua >> (ub & 63)) + (uint64_t)(a >> (ub & 63));
            sum += (uint32_t)((uint32_t)a32 << (b & 31)) + (uint32_t)((uint32_t)a32 >> (b & 31)) +
                   (uint32_t)(a32 >> (b & 31));
            unsigned __int128 up = (unsigned __int128)ua * ub;
            __int128 sp = (__int128)a * b;
            sum += (uint64_t)(up >> 64) * 3 + (uint64_t)((unsigned __int128)sp >> 64);
            if (i == j + 1 || j == 0) {
                printf("%s sdiv=%" PRId64 " srem=%" PRId64 " udiv=%" PRIu64 " urem=%" PRIu64
                       " mulhu=%016" PRIx64 " mulh=%016" PRIx64 "\n",
                       buf, sdiv64(a, b), srem64(a, b), udiv64(ua, ub), urem64(ua, ub),
                       (uint64_t)(up >> 64), (uint64_t)((unsigned __int128)sp >> 64));
            }
        }
    }
    out("checksum", sum);

    volatile int64_t big = INT64_MAX, small = INT64_MIN;
    out("wrap add", (uint64_t)big + 1);
    out("wrap sub", (uint64_t)small - 1);
    out("wrap mul", (uint64_t)big * 3);
    volatile int32_t b32 = INT32_MAX;
    out("wrap32 add", (uint32_t)b32 + 1u);
    out("sext32", (uint64_t)(int64_t)(int32_t)((uint32_t)b32 + 1u));
    out("neg min", -(uint64_t)small);
    volatile int zero = 0, m1 = -1;
    out("int min/-1", (uint64_t)sdiv32(INT32_MIN, m1));
    out("int min%-1", (uint64_t)srem32(INT32_MIN, m1));
    out("x/0", (uint64_t)sdiv64(12345, zero));
    out("x%0", (uint64_t)srem64(12345, zero));
    out("u/0", udiv64(12345, (uint64_t)zero));
    out("u32/0", udiv32(12345, (uint32_t)zero));
    out("64min/-1", (uint64_t)sdiv64(INT64_MIN, m1));
    out("64min%-1", (uint64_t)srem64(INT64_MIN, m1));
    out("32min/0", (uint64_t)sdiv32(INT32_MIN, zero));
    out("32min%0", (uint64_t)srem32(INT32_MIN, zero));
    out("sar", (uint64_t)(small >> 63));
    out("shr", (uint64_t)small >> 63);
    out("abs", (uint64_t)llabs(-(long long)b32));
    printf("final %016" PRIx64 "\n", sum);
    return 0;
}
