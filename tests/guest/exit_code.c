/*
 * exit_code.c — exit(3) after buffered output: stdio must be flushed by
 * exit and the status must reach the parent unchanged.
 */
//! status: 3
#include <stdio.h>
#include <stdlib.h>

static void bye(void) { printf("atexit handler ran\n"); }

int main(void)
{
    atexit(bye);
    printf("exiting with 3\n");
    exit(3);
}
