/*
 * signal_loop.c — a guest signal must reach a hot loop in compiled code:
 * the loop spins until the SIGALRM handler sets a flag, which only works if
 * compiled code returns to the dispatcher when a signal is pending.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t fired;

static void on_alarm(int sig)
{
    (void)sig;
    fired = 1;
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(1);
    unsigned long n = 0;
    while (!fired)
        n++;
    printf("alarm delivered after a busy loop of %s iterations\n", n > 1000 ? "many" : "few");
    return 0;
}
