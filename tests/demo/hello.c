/*
 * hello.c — the demo guest of the README: built for riscv64 (static) into
 * build/demo/hello-rv64 by tests/CMakeLists.txt, run with
 * ./build/liftvm build/demo/hello-rv64 [NAME...]
 */
#include <stdio.h>
#include <sys/utsname.h>

int main(int argc, char **argv)
{
    struct utsname u;
    const char *machine = uname(&u) == 0 ? u.machine : "unknown";
    printf("Hello from a riscv64 guest (uname -m says %s)!\n", machine);
    for (int i = 1; i < argc; i++)
        printf("Hello, %s!\n", argv[i]);
    long sum = 0;
    for (int i = 1; i <= 100; i++)
        sum += i * i;
    printf("sum of squares 1..100 = %ld\n", sum);
    return 0;
}
