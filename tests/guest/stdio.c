/*
 * stdio.c — printf conversions and flags, sscanf, strtol/strtod, qsort,
 * bsearch and the <string.h> functions (glibc's vectorised string routines
 * are a good workout for the translator: unaligned loads, byte tricks).
 */
//! dynamic: yes
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(void)
{
    printf("[%d] [%5d] [%-5d] [%05d] [%+d] [% d] [%x] [%#X] [%o] [%#o]\n", 42, 42, 42, 42, 42, 42,
           255, 255, 8, 8);
    printf("[%ld] [%lld] [%lu] [%zu] [%hhd] [%hu] [%" PRIx64 "] [%jd]\n", -1L, -123456789012345LL,
           18446744073709551615UL, sizeof(long), (char)-3, (unsigned short)65535,
           UINT64_C(0xfedcba9876543210), (intmax_t)INT64_MIN);
    printf("[%s] [%10s] [%-10s] [%.3s] [%c] [%%] [%*d] [%-*d] [%.*f]\n", "str", "right", "left",
           "truncate", 'x', 6, 7, 6, 7, 3, 3.14159265);
    printf("[%f] [%e] [%g] [%G] [%10.4f] [%-10.2e] [%+.0f] [%#.0f] [%g] [%g]\n", 1.5, 12345.678,
           0.0001234, 1e-10, 3.14159, 2.5e-7, 2.5, 3.0, 100000.0, 1000000.0);
    printf("[%a] [%A] [%.3a] [%g] [%g] [%f]\n", 1.0, -0.1, 3.14159, 1e300 * 1e300,
           -1e300 * 1e300, -0.0);
    printf("[%p] [%s]\n", (void *)0, (char *)NULL == NULL ? "null ok" : "?");
    int nchars;
    printf("abc%n\n", &nchars);
    printf("n=%d snprintf=%d\n", nchars, snprintf(NULL, 0, "%d-%s", 12345, "abcdef"));
    char small[8];
    const char *volatile longstr = "overflowing string";
    int r = snprintf(small, sizeof small, "%s", longstr);
    printf("trunc=[%s] r=%d\n", small, r);

    int a, b;
    unsigned u;
    double d;
    char word[32], rest[32];
    int n = sscanf("  17 -42 0x1f 2.5e3 hello world", "%d %d %x %lf %31s %31s", &a, &b, &u, &d,
                   word, rest);
    printf("sscanf n=%d a=%d b=%d u=%u d=%g word=%s rest=%s\n", n, a, b, u, d, word, rest);
    n = sscanf("12:34:56", "%d:%d:%d", &a, &b, &nchars);
    printf("time n=%d %d %d %d\n", n, a, b, nchars);
    n = sscanf("abc", "%d", &a);
    printf("fail n=%d\n", n);
    char *end1, *end2;
    long l1 = strtol("-0777", &end1, 0);
    double d1 = strtod("  -1.25e-3xyz", &end2);
    printf("strtol=%ld strtoul=%lu strtoll=%lld strtod=%g strtof=%g\n", l1,
           strtoul("ffff", NULL, 16), strtoll("9223372036854775807", NULL, 10), d1,
           (double)strtof("3.4028235e38", NULL));
    printf("end=[%s][%s] atoi=%d atol=%ld\n", end1, end2, atoi("  123abc"), atol("-99"));

    int nums[200];
    unsigned seed = 12345;
    for (int i = 0; i < 200; i++) {
        seed = seed * 1103515245u + 12345u;
        nums[i] = (int)(seed >> 8) % 1000 - 500;
    }
    qsort(nums, 200, sizeof nums[0], cmp_int);
    long sum = 0;
    for (int i = 0; i < 200; i++)
        sum = sum * 3 + nums[i];
    printf("sorted min=%d max=%d med=%d hash=%ld\n", nums[0], nums[199], nums[100], sum);
    int key = nums[57];
    int *found = bsearch(&key, nums, 200, sizeof nums[0], cmp_int);
    printf("bsearch found=%d\n", found && *found == key);

    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "apricot", "Zebra", ""};
    qsort(words, 8, sizeof words[0], cmp_str);
    for (int i = 0; i < 8; i++)
        printf("%s%s", words[i], i < 7 ? "," : "\n");

    char buf[256];
    strcpy(buf, "Hello");
    strcat(buf, ", ");
    const char *volatile world = "world!!!";
    strncat(buf, world, 6);
    printf("%s len=%zu\n", buf, strlen(buf));
    printf("strchr=%s strrchr=%s strstr=%s\n", strchr(buf, 'o'), strrchr(buf, 'o'),
           strstr(buf, "wor"));
    printf("strcmp=%d %d %d strncmp=%d\n", strcmp("abc", "abd") < 0, strcmp("b", "a") > 0,
           strcmp("same", "same"), strncmp("abcdef", "abcxyz", 3));
    printf("strspn=%zu strcspn=%zu\n", strspn("aaabbbccc", "ab"), strcspn("hello world", " "));
    char tok[] = "a,b;;c,,d";
    for (char *t = strtok(tok, ",;"); t; t = strtok(NULL, ",;"))
        printf("tok=%s ", t);
    printf("\n");
    for (const char *p = "MiXeD 123!"; *p; p++)
        putchar(isalpha((unsigned char)*p) ? (islower((unsigned char)*p) ? toupper(*p) : tolower(*p)) : *p);
    putchar('\n');
    /* Strings of every length and alignment through the word-at-a-time
     * routines. */
    char big[300];
    unsigned long h = 0;
    for (int len = 0; len < 70; len++) {
        for (int off = 0; off < 8; off++) {
            memset(big, 0, sizeof big);
            for (int i = 0; i < len; i++)
                big[off + i] = (char)('a' + (i * 7 + off) % 26);
            h = h * 31 + strlen(big + off);
            h = h * 31 + (unsigned long)(strchr(big + off, 'q') ? strchr(big + off, 'q') - big : 0);
            h = h * 31 + (unsigned long)(memchr(big + off, 'z', (size_t)len + 1) != NULL);
            h = h * 31 + (unsigned long)(strcmp(big + off, "abc") > 0);
        }
    }
    printf("string hash=%lu\n", h);
    fputs("fputs line\n", stdout);
    puts("puts line");
    fprintf(stdout, "%s\n", "done");
    return 0;
}
