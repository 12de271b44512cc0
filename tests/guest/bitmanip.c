/*
 * bitmanip.c — count-leading/trailing-zeros, popcount, byte swap, rotates,
 * min/max, sign/zero extension, address arithmetic and single-bit ops.
 * The riscv64 build uses Zba/Zbb/Zbs, so GCC emits clz/ctz/cpop/rev8/rol/
 * ror/min/max/sext/zext/shNadd/bset/bclr/binv/bext; the host build is plain.
 */
//! rvflags: -march=rv64gc_zba_zbb_zbs
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static uint64_t rotl64(uint64_t x, unsigned n) { return (x << (n & 63)) | (x >> (-n & 63)); }
static uint32_t rotr32(uint32_t x, unsigned n) { return (x >> (n & 31)) | (x << (-n & 31)); }

int main(void)
{
    volatile uint64_t vals[] = {1, 2, 3, 0x80, 0xff, 0x8000000000000000ull, 0x7fffffffffffffffull,
                                0xffffffffffffffffull, 0x00000000ffffffffull, 0x0123456789abcdefull,
                                0xf0f0f0f00f0f0f0full, 0x0000000100000000ull, 0xdeadbeefull};
    uint64_t acc = 0;
    volatile int64_t arr[64];
    for (int i = 0; i < 64; i++)
        arr[i] = i * 3;

    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        uint64_t x = vals[i];
        uint32_t w = (uint32_t)x;
        printf("%016" PRIx64 ": clz=%d ctz=%d pop=%d clz32=%d ctz32=%d pop32=%d", x,
               __builtin_clzll(x), __builtin_ctzll(x), __builtin_popcountll(x),
               w ? __builtin_clz(w) : 32, w ? __builtin_ctz(w) : 32, __builtin_popcount(w));
        printf(" bswap=%016" PRIx64 " bswap32=%08" PRIx32 " bswap16=%04x", __builtin_bswap64(x),
               __builtin_bswap32(w), __builtin_bswap16((uint16_t)x));
        printf(" rol13=%016" PRIx64 " ror7=%08" PRIx32 " parity=%d clrsb=%d\n", rotl64(x, 13),
               rotr32(w, 7), __builtin_parityll(x), __builtin_clrsbll((int64_t)x));
        for (unsigned b = 0; b < 64; b += 7) {
            acc = acc * 3 + (x | (1ull << b)) + ((x & ~(1ull << b)) << 1) + (x ^ (1ull << b)) +
                  ((x >> b) & 1);
        }
        int64_t s = (int64_t)x;
        int64_t mn = s < (int64_t)vals[0] ? s : (int64_t)vals[0];
        uint64_t mxu = x > vals[3] ? x : vals[3];
        acc += (uint64_t)mn + mxu + (uint64_t)(int64_t)(int8_t)x + (uint64_t)(int64_t)(int16_t)x +
               (uint16_t)x + (uint64_t)(uint32_t)x + (x & ~vals[3]) + (x | ~vals[4]) +
               ~(x ^ vals[5]);
        acc += (uint64_t)arr[x & 63] + (uint64_t)arr[(x >> 3) & 63] * 5;
        acc ^= (uint64_t)(uint32_t)(w + 7) * 8 + ((uint64_t)w << 2) + x * 2;
    }
    printf("acc=%016" PRIx64 "\n", acc);
    return 0;
}
