/*
 * control.c — control flow a translator must get right: switch jump tables
 * (indirect jumps), calls through function pointers, mutual and tail
 * recursion, setjmp/longjmp, a computed-goto interpreter and loops whose
 * trip counts end mid-block.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

static jmp_buf jb;

static int classify(int x)
{
    switch (x & 15) {
    case 0: return 11;
    case 1: return x * 3;
    case 2: return x ^ 0x55;
    case 3: return -x;
    case 4: return x << 2;
    case 5: return x >> 1;
    case 6: return 66;
    case 7: return x + 1000;
    case 8: return x % 7;
    case 9: return x / 3;
    case 10: return ~x;
    case 11: return x & 0xf0;
    default: return x;
    }
}

static int add1(int x) { return x + 1; }
static int dbl(int x) { return x * 2; }
static int sq(int x) { return x * x; }
static int (*const ops[])(int) = {add1, dbl, sq};

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static uint64_t gcd(uint64_t a, uint64_t b) { return b ? gcd(b, a % b) : a; }

static void thrower(int depth)
{
    if (depth == 0)
        longjmp(jb, 7);
    thrower(depth - 1);
}

/* A tiny register machine dispatched with computed goto (an indirect jump
 * per instruction, like a real interpreter's dispatch loop). */
enum { LI, ADD, DEC, JNZ, MULI, XORI, HALT };
struct insn {
    unsigned char op, a, b;
};

static long run_vm(const struct insn *code, long arg)
{
    static void *const labels[] = {&&op_li, &&op_add, &&op_dec, &&op_jnz, &&op_muli, &&op_xori,
                                   &&op_halt};
    long r[4] = {0, arg, 0, 0};
    const struct insn *pc = code;
#define NEXT goto *labels[pc->op]
    NEXT;
op_li:
    r[pc->a] = pc->b;
    pc++;
    NEXT;
op_add:
    r[pc->a] += r[pc->b];
    pc++;
    NEXT;
op_dec:
    r[pc->a]--;
    pc++;
    NEXT;
op_jnz:
    pc = r[pc->a] ? code + pc->b : pc + 1;
    NEXT;
op_muli:
    r[pc->a] *= pc->b;
    pc++;
    NEXT;
op_xori:
    r[pc->a] ^= pc->b;
    pc++;
    NEXT;
op_halt:
    return r[pc->a];
#undef NEXT
}

int main(void)
{
    long acc = 0;
    for (int i = -50; i < 200; i++)
        acc = acc * 3 + classify(i);
    printf("switch acc=%ld\n", acc);

    int v = 1;
    for (int i = 0; i < 30; i++)
        v = ops[i % 3](v) % 100003;
    printf("fnptr v=%d\n", v);
    printf("even(10001)=%d odd(7777)=%d gcd=%llu\n", is_even(10001), is_odd(7777),
           (unsigned long long)gcd(1071u * 977u, 462u * 977u));

    volatile int stage = 0;
    int r = setjmp(jb);
    if (r == 0) {
        stage = 1;
        thrower(50);
        stage = 2;
    }
    printf("longjmp r=%d stage=%d\n", r, stage);

    /* r0 = 3 * (sum of 1..arg) ^ 5 */
    static const struct insn prog[] = {
        {LI, 0, 0}, {ADD, 0, 1}, {DEC, 1, 0}, {JNZ, 1, 1}, {MULI, 0, 3}, {XORI, 0, 5}, {HALT, 0, 0},
    };
    printf("vm=%ld %ld\n", run_vm(prog, 10), run_vm(prog, 5000));

    unsigned long h = 0;
    for (unsigned n = 0; n < 3000; n++) {
        unsigned x = n;
        while (x != 1 && x != 0)
            x = (x & 1) ? 3 * x + 1 : x / 2;
        h = h * 17 + x + n;
    }
    printf("loops h=%lu\n", h);
    return 0;
}
