/*
 * prog.c — a small freestanding riscv64 guest for the translation-cache
 * tests: loops, calls, recursion, a jump table, function pointers and
 * output, in few enough blocks that every --jit mode compiles it in a few
 * seconds.  -DVARIANT=N makes a different program (another cache entry).
 *
 *   riscv64-linux-gnu-gcc -O2 -static -nostdlib -ffreestanding prog.c
 */
#ifndef VARIANT
#define VARIANT 1
#endif

typedef unsigned long u64;

static long sys3(long n, long a, long b, long c)
{
    register long a0 __asm__("a0") = a, a1 __asm__("a1") = b, a2 __asm__("a2") = c;
    register long a7 __asm__("a7") = n;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

static void out(const char *s, long n) { sys3(64, 1, (long)s, n); }

static void put_num(const char *label, u64 v)
{
    char buf[64];
    int n = 0;
    while (label[n])
        buf[n] = label[n], n++;
    char d[24];
    int k = 0;
    do
        d[k++] = (char)('0' + v % 10);
    while ((v /= 10) && k < 24);
    while (k)
        buf[n++] = d[--k];
    buf[n++] = '\n';
    out(buf, n);
}

static __attribute__((noinline)) u64 fib(u64 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static __attribute__((noinline)) u64 mix(u64 x)
{
    x ^= x << 13;
    x ^= x >> 7;
    return x ^ (x << 17);
}

static u64 op_add(u64 a, u64 b) { return a + b; }
static u64 op_xor(u64 a, u64 b) { return a ^ (b * VARIANT); }
static u64 op_rot(u64 a, u64 b) { return (a << (b & 31)) | (a >> (64 - (b & 31))); }
static u64 (*const ops[])(u64, u64) = {op_add, op_xor, op_rot};

static __attribute__((noinline)) u64 dispatch(int k, u64 v)
{
    switch (k & 7) { /* a jump table */
    case 0: return v + 1;
    case 1: return v * 3;
    case 2: return v ^ 0x55;
    case 3: return v >> 1;
    case 4: return v - 7;
    case 5: return ~v;
    case 6: return v << 2;
    default: return v + k;
    }
}

static __attribute__((noinline)) void sort(u64 *a, int n)
{
    for (int i = 1; i < n; i++) {
        u64 v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

int main(void)
{
    u64 s = 1, t = 0, arr[64];
    for (int i = 0; i < 200000; i++) {
        s = mix(s + (u64)i);
        t = ops[i % 3](t, s);
        t = dispatch(i, t);
    }
    for (int i = 0; i < 64; i++)
        arr[i] = mix(s + (u64)i) % 1000;
    sort(arr, 64);
    put_num("variant ", VARIANT);
    put_num("mix ", s);
    put_num("ops ", t);
    put_num("fib ", fib(22));
    put_num("min ", arr[0]);
    put_num("max ", arr[63]);
    return (int)(t & 0x3f);
}

void __attribute__((naked, noreturn)) _start(void)
{
    __asm__ volatile("call main\n"
                     "li a7, 93\n"
                     "ecall\n");
}
