/* Synchronous signals: SIGSEGV (unmapped and read-only) recovered with
 * sigsetjmp/siglongjmp, si_addr and si_code; SIGBUS past the end of a
 * mapped file; SIGILL and SIGTRAP handlers that step over the faulting
 * instruction by editing the saved pc; a fault on a blocked signal kills. */
//! status: 139
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf jb;
static volatile void *fault_addr;
static volatile int fault_code, fault_sig, handled;

static void jump_handler(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    fault_sig = sig;
    fault_addr = si->si_addr;
    fault_code = si->si_code;
    siglongjmp(jb, 1);
}

/* Steps over the instruction at the saved pc. */
static void skip_handler(int sig, siginfo_t *si, void *ucv) {
    ucontext_t *uc = ucv;
    handled++;
    fault_sig = sig;
    fault_code = si->si_code;
#if defined(__riscv)
    uint32_t insn = *(const uint16_t *)uc->uc_mcontext.__gregs[REG_PC];
    uc->uc_mcontext.__gregs[REG_PC] += (insn & 3) == 3 ? 4 : 2;
#elif defined(__x86_64__)
    if (sig == SIGILL)
        uc->uc_mcontext.gregs[REG_RIP] += 2; /* ud2; after int3 the pc is already past it */
#endif
}

static void catch(int sig, void (*fn)(int, siginfo_t *, void *)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

static const char *code_name(int sig, int code) {
    if (sig == SIGSEGV)
        return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    if (sig == SIGBUS)
        return code == BUS_ADRERR ? "BUS_ADRERR" : "?";
    if (sig == SIGILL)
        return code == ILL_ILLOPC || code == ILL_ILLOPN ? "ILL_ILLOP" : "ILL_other"; /* x86 ud2: OPN */
    if (sig == SIGTRAP)
        return code == TRAP_BRKPT || code == SI_KERNEL ? "TRAP_BRKPT" : "?";
    return "?";
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    catch(SIGSEGV, jump_handler);
    catch(SIGBUS, jump_handler);

    /* A load from an unmapped page. */
    volatile int *bad = (int *)(uintptr_t)0x1000;
    if (sigsetjmp(jb, 1) == 0) {
        (void)*bad;
        printf("no fault?\n");
    }
    printf("unmapped load: sig=%d %s addr-ok=%d\n", fault_sig, code_name(fault_sig, fault_code),
           fault_addr == (void *)bad);

    /* A store to a read-only page, many times: each recovery unblocks
     * SIGSEGV again (siglongjmp restores the mask). */
    long pg = sysconf(_SC_PAGESIZE);
    char *ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int n = 0;
    for (int i = 0; i < 100; i++) {
        if (sigsetjmp(jb, 1) == 0)
            ro[i] = 1;
        else
            n += fault_addr == ro + i && fault_code == SEGV_ACCERR;
    }
    printf("read-only stores: %d recovered\n", n);

    /* Past the end of a one-byte file mapped over two pages. */
    char path[] = "/tmp/liftvm_sigbusXXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    if (write(fd, "x", 1) != 1)
        return 1;
    char *fm = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0);
    if (sigsetjmp(jb, 1) == 0)
        (void)*(volatile char *)(fm + pg);
    printf("beyond file: sig=%d %s addr-ok=%d\n", fault_sig, code_name(fault_sig, fault_code),
           fault_addr == fm + pg);

    /* An illegal instruction and a breakpoint, stepped over. */
    catch(SIGILL, skip_handler);
    catch(SIGTRAP, skip_handler);
#if defined(__riscv)
    __asm__ volatile(".4byte 0x0000000b" ::: "memory"); /* custom-0: illegal */
#else
    __asm__ volatile("ud2" ::: "memory");
#endif
    printf("illegal: handled=%d sig=%d %s\n", handled, fault_sig, code_name(fault_sig, fault_code));
#if defined(__riscv)
    __asm__ volatile("ebreak" ::: "memory");
#else
    __asm__ volatile("int3" ::: "memory");
#endif
    printf("breakpoint: handled=%d sig=%d %s\n", handled, fault_sig,
           code_name(fault_sig, fault_code));

    /* A fault while SIGSEGV is blocked kills the process (status 139). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGSEGV);
    sigprocmask(SIG_BLOCK, &set, NULL);
    printf("faulting with SIGSEGV blocked\n");
    (void)*bad;
    printf("still alive?\n");
    return 0;
}
