/*
 * sig_segv_recover.c — recovering from SIGSEGV with sigsetjmp/siglongjmp:
 * a NULL store, a load from an unmapped page, a store to a read-only page
 * (si_code SEGV_MAPERR versus SEGV_ACCERR, si_addr), a SIGBUS from a
 * mapping past the end of a file, 200 recoveries in a row, and the signal
 * mask restored by siglongjmp.
 */
//! status: 139
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf env;
static volatile sig_atomic_t last_sig, last_code;
static void *volatile last_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_sig = sig;
    last_code = si->si_code;
    last_addr = si->si_addr;
    siglongjmp(env, 1);
}

static const char *code_name(int sig, int code)
{
    if (sig == SIGSEGV && code == SEGV_MAPERR)
        return "SEGV_MAPERR";
    if (sig == SIGSEGV && code == SEGV_ACCERR)
        return "SEGV_ACCERR";
    if (sig == SIGBUS && code == BUS_ADRERR)
        return "BUS_ADRERR";
    return "other";
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    long pagesz = sysconf(_SC_PAGESIZE);

    volatile int *volatile null = NULL;
    if (sigsetjmp(env, 1) == 0) {
        *null = 1;
        printf("NULL store did not fault\n");
    } else {
        printf("NULL store: %s %s addr==0 %d\n", last_sig == SIGSEGV ? "SIGSEGV" : "?", code_name(last_sig, last_code),
               last_addr == NULL);
    }

    char *hole = mmap(NULL, pagesz * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(hole + pagesz, pagesz);
    volatile char *target = hole + pagesz + 123;
    if (sigsetjmp(env, 1) == 0) {
        (void)*target;
        printf("unmapped load did not fault\n");
    } else {
        printf("unmapped load: %s %s addr right %d\n", last_sig == SIGSEGV ? "SIGSEGV" : "?",
               code_name(last_sig, last_code), last_addr == (void *)target);
    }

    char *ro = mmap(NULL, pagesz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    volatile char *rot = ro + 8;
    if (sigsetjmp(env, 1) == 0) {
        *rot = 1;
        printf("read-only store did not fault\n");
    } else {
        printf("read-only store: %s %s addr right %d\n", last_sig == SIGSEGV ? "SIGSEGV" : "?",
               code_name(last_sig, last_code), last_addr == (void *)rot);
    }
    mprotect(ro, pagesz, PROT_READ | PROT_WRITE);
    *rot = 5;
    printf("after mprotect the store works: %d\n", *rot);

    /* 200 faults in a row on an inaccessible page, each recovered. */
    char *none = mmap(NULL, pagesz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    volatile int recovered = 0, right_addr = 0;
    for (volatile int i = 0; i < 200; i++) {
        volatile char *p = none + (i * 37) % pagesz;
        if (sigsetjmp(env, 1) == 0) {
            if (i % 2)
                *p = (char)i;
            else
                (void)*p;
        } else {
            recovered++;
            right_addr += last_addr == (void *)p && last_code == SEGV_ACCERR;
        }
    }
    printf("recovered %d of 200 faults, %d with the right address and code\n", recovered, right_addr);

    /* The mask: sigsetjmp(env, 1) saves it; the handler ran with SIGSEGV
     * blocked; siglongjmp restores the saved (empty) mask. */
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("SIGSEGV blocked after siglongjmp: %d\n", sigismember(&cur, SIGSEGV));

    /* SIGBUS: a shared file mapping of two pages over a one-page file. */
    char path[] = "/tmp/liftvm-sigbus-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) {
        unlink(path);
        if (ftruncate(fd, pagesz) == 0) {
            char *fm = mmap(NULL, pagesz * 2, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            if (sigsetjmp(env, 1) == 0) {
                fm[pagesz + 10] = 1;
                printf("store past EOF did not fault\n");
            } else {
                printf("store past end of file: %s %s\n", last_sig == SIGBUS ? "SIGBUS" : "?",
                       code_name(last_sig, last_code));
            }
            fm[10] = 1;
            printf("store inside the file works\n");
        }
        close(fd);
    }

    /* Without a handler the fault kills the process: status 139. */
    fflush(stdout);
    signal(SIGSEGV, SIG_DFL);
    *null = 2;
    printf("not reached\n");
    return 0;
}
