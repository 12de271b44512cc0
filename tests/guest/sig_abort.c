/*
 * sig_abort.c — abort() raises SIGABRT; the shell must see the guest die
 * of that signal (status 134), so liftvm has to kill itself with it.
 */
//! status: 134
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("about to abort\n");
    fflush(stdout);
    abort();
}
