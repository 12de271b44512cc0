/*
 * bench_crc.c — integer kernel: table-driven CRC-32 and a 64-bit
 * multiply-xorshift hash over a 1 MiB buffer, SIZE times (SIZE MiB total).
 *
 *   bench_crc [SIZE]    default 800; prints a checksum
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BUF_SIZE (1u << 20)

static uint32_t table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint64_t mixhash(uint64_t h, const uint64_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x9e3779b97f4a7c15ull;
        h ^= h >> 29;
    }
    return h;
}

int main(int argc, char **argv)
{
    long size = argc > 1 ? atol(argv[1]) : 800;
    uint64_t *buf = malloc(BUF_SIZE);
    if (!buf)
        return 1;
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < BUF_SIZE / 8; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = x;
    }
    crc_init();
    uint32_t crc = 0;
    uint64_t h = 0;
    for (long r = 0; r < size; r++) {
        buf[r % (BUF_SIZE / 8)] += (uint64_t)r;
        if (r % 4 == 3)
            h = mixhash(h, buf, BUF_SIZE / 8);
        else
            crc = crc32(crc, (const uint8_t *)buf, BUF_SIZE);
    }
    printf("crc %08x hash %016llx\n", crc, (unsigned long long)h);
    free(buf);
    return 0;
}
