/*
 * bench_interp.c — branchy interpreter loop: a switch-dispatched bytecode
 * VM (the shape of every scripting-language core) running a program that
 * counts primes by trial division and sums Collatz sequence lengths.  The
 * indirect jump of the switch and the data-dependent branches of the
 * guest program are what a translator must handle well.
 *
 *   bench_interp [SIZE]   SIZE thousand numbers examined, default 1000;
 *                         prints the results
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum op { LI, MOV, ADD, ADDI, SUB, MUL, REM, DIV2, AND1, BLT, BGE, BEQ, BNE, JMP, HALT };

struct insn {
    uint8_t op, a, b, c; /* registers or small operands */
    int32_t imm;
};

static int64_t run(const struct insn *code, int64_t *r)
{
    const struct insn *pc = code;
    for (;;) {
        switch (pc->op) {
        case LI: r[pc->a] = pc->imm; pc++; break;
        case MOV: r[pc->a] = r[pc->b]; pc++; break;
        case ADD: r[pc->a] = r[pc->b] + r[pc->c]; pc++; break;
        case ADDI: r[pc->a] = r[pc->b] + pc->imm; pc++; break;
        case SUB: r[pc->a] = r[pc->b] - r[pc->c]; pc++; break;
        case MUL: r[pc->a] = r[pc->b] * r[pc->c]; pc++; break;
        case REM: r[pc->a] = r[pc->b] % r[pc->c]; pc++; break;
        case DIV2: r[pc->a] = r[pc->b] >> 1; pc++; break;
        case AND1: r[pc->a] = r[pc->b] & 1; pc++; break;
        case BLT: pc = r[pc->a] < r[pc->b] ? code + pc->imm : pc + 1; break;
        case BGE: pc = r[pc->a] >= r[pc->b] ? code + pc->imm : pc + 1; break;
        case BEQ: pc = r[pc->a] == r[pc->b] ? code + pc->imm : pc + 1; break;
        case BNE: pc = r[pc->a] != r[pc->b] ? code + pc->imm : pc + 1; break;
        case JMP: pc = code + pc->imm; break;
        case HALT: return r[pc->a];
        default: abort();
        }
    }
}

/* r1 = limit.  r2 = n, r3 = primes, r4 = collatz steps, r0 = 0, r9 = 1. */
static const struct insn program[] = {
    /* 0 */ {LI, 0, 0, 0, 0},
    /* 1 */ {LI, 9, 0, 0, 1},
    /* 2 */ {LI, 2, 0, 0, 2},
    /* 3 */ {LI, 3, 0, 0, 0},
    /* 4 */ {LI, 4, 0, 0, 0},
    /* outer: 5 */ {BGE, 2, 1, 0, 27},
    /* trial division: d = 2 (r5) */
    /* 6 */ {LI, 5, 0, 0, 2},
    /* 7 */ {MUL, 6, 5, 5, 0},        /* r6 = d*d */
    /* 8 */ {BLT, 2, 6, 0, 13},       /* n < d*d: prime */
    /* 9 */ {REM, 7, 2, 5, 0},
    /* 10 */ {BEQ, 7, 0, 0, 14},      /* divisible: not prime */
    /* 11 */ {ADDI, 5, 5, 0, 1},
    /* 12 */ {JMP, 0, 0, 0, 7},
    /* 13 */ {ADDI, 3, 3, 0, 1},      /* primes++ */
    /* collatz length of n: r8 = n */
    /* 14 */ {MOV, 8, 2, 0, 0},
    /* 15 */ {BEQ, 8, 9, 0, 25},      /* reached 1 */
    /* 16 */ {AND1, 7, 8, 0, 0},
    /* 17 */ {BNE, 7, 0, 0, 20},
    /* 18 */ {DIV2, 8, 8, 0, 0},
    /* 19 */ {JMP, 0, 0, 0, 23},
    /* 20 */ {ADD, 10, 8, 8, 0},      /* 3n+1 */
    /* 21 */ {ADD, 8, 10, 8, 0},
    /* 22 */ {ADDI, 8, 8, 0, 1},
    /* 23 */ {ADDI, 4, 4, 0, 1},
    /* 24 */ {JMP, 0, 0, 0, 15},
    /* 25 */ {ADDI, 2, 2, 0, 1},
    /* 26 */ {JMP, 0, 0, 0, 5},
    /* 27 */ {HALT, 3, 0, 0, 0},
};

int main(int argc, char **argv)
{
    long size = argc > 1 ? atol(argv[1]) : 1000;
    int64_t r[16] = {0};
    r[1] = size * 1000;
    int64_t primes = run(program, r);
    printf("primes below %lld: %lld, collatz steps %lld\n", (long long)r[1], (long long)primes,
           (long long)r[4]);
    return 0;
}
