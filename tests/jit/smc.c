/*
 * smc.c — self-modifying code under the JIT: a function in an RWX page is
 * rewritten between hot phases, made visible by fence.i, by
 * __builtin___clear_cache (the riscv_flush_icache syscall), or by mapping
 * fresh pages over it (mmap MAP_FIXED + mprotect, and munmap + mmap).  Each
 * phase calls it often enough to be compiled, and checks every result.
 */
//! status: 0
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

typedef long (*fn_t)(long);

/* addi rd, rs1, imm (I-type) and ret (jalr x0, 0(ra)). */
static uint32_t addi(unsigned rd, unsigned rs1, int imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}
#define RET 0x00008067u

/* f(x) = x + k, padded with k-dependent nops so the code size changes. */
static void emit(uint32_t *code, int k)
{
    int i = 0;
    for (int n = 0; n < k % 3; n++)
        code[i++] = addi(0, 0, 0);
    code[i++] = addi(10, 10, k);
    code[i++] = RET;
}

static int failures;

/* Calls f hot and checks f(x) = x + k. */
static void run(const char *how, int round, fn_t f, int k)
{
    long sum = 0, want = 0;
    for (long i = 0; i < 20000; i++) {
        sum += f(i);
        want += i + k;
    }
    printf("%s %d: %ld %s\n", how, round, sum, sum == want ? "ok" : "WRONG");
    failures += sum != want;
}

int main(void)
{
    uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED)
        return 2;
    for (int round = 0; round < 24; round++) {
        emit(code, round);
        if (round % 2)
            __asm__ volatile("fence.i" ::: "memory");
        else
            __builtin___clear_cache((char *)code, (char *)(code + 4));
        run(round % 2 ? "fence.i" : "flush_icache", round, (fn_t)code, round);
    }
    for (int round = 0; round < 6; round++) {
        /* fresh pages over the old code: no fence.i needed on Linux */
        uint32_t *c = mmap(code, 4096, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (c != code)
            return 3;
        emit(c, 100 + round);
        mprotect(c, 4096, PROT_READ | PROT_EXEC);
        run("mmap-fixed", round, (fn_t)c, 100 + round);
        munmap(c, 4096);
        c = mmap(code, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (c != code) {
            /* the hint was not honoured: use the new place */
            code = c;
        }
        emit(code, 200 + round);
        __builtin___clear_cache((char *)code, (char *)(code + 4));
        run("munmap-mmap", round, (fn_t)code, 200 + round);
    }
    printf("%s\n", failures ? "FAILED" : "all ok");
    return failures != 0;
}
