/*
 * segments.c — the program's own ELF segments: /proc/self/maps names the
 * program file at the code's address (as on Linux), initialised data holds
 * its values, and the bss is zero, also where it starts in the middle of
 * the last data page: liftvm maps segments from the file, and the bytes of
 * that page past the file's data are the file's next bytes until zeroed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int initialised[64] = {1, 2, 3, 4, 5, 6, 7, 8};
static char zero_tail[3000]; /* bss: right after the data in its page */
static long zero_big[40000]; /* bss: pages of its own */

/* The /proc/self/maps line of the mapping holding addr: its path field,
 * or "" for an anonymous mapping, "?" if none holds addr. */
static void mapping_of(uintptr_t addr, char *path, size_t n)
{
    snprintf(path, n, "?");
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return;
    char line[4608];
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char name[4096] = "";
        if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %4095s", &lo, &hi, name) >= 2 && addr >= lo &&
            addr < hi) {
            snprintf(path, n, "%s", name);
            break;
        }
    }
    fclose(f);
}

int main(void)
{
    char exe[4096], text[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = 0;
    mapping_of((uintptr_t)&main, text, sizeof text);
    printf("code mapped from the program file: %s\n", strcmp(text, exe) == 0 ? "yes" : "no");
    long sum = 0;
    for (int i = 0; i < 64; i++)
        sum += initialised[i];
    printf("initialised data sum: %ld\n", sum);
    long nonzero = 0;
    for (size_t i = 0; i < sizeof zero_tail; i++)
        nonzero += zero_tail[i] != 0;
    for (size_t i = 0; i < sizeof zero_big / sizeof zero_big[0]; i++)
        nonzero += zero_big[i] != 0;
    printf("nonzero bss bytes: %ld\n", nonzero);
    zero_tail[5] = 1; /* bss is writable */
    initialised[63] = 9; /* so is data */
    printf("written: %d %d\n", zero_tail[5], initialised[63]);
    return 0;
}
