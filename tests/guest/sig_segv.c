/*
 * sig_segv.c — a store through a NULL pointer: SIGSEGV, status 139.
 */
//! status: 139
#include <stdio.h>

int main(void)
{
    volatile int *volatile p = NULL;
    printf("about to store to NULL\n");
    fflush(stdout);
    *p = 1;
    printf("not reached\n");
    return 0;
}
