/*
 * rt_thread.c — guest threads as host threads (see rt_thread.h).
 *
 *   parent: clone(CLONE_VM...) ─► state copy (a0 = 0, sp, tp) ─► registry
 *           ─► pthread_create with every host signal blocked ─► waits
 *   child:  tid = gettid() ─► PARENT_SETTID / CHILD_SETTID stores ─► wakes
 *           the parent ─► its host mask from the guest mask ─► dispatcher
 *   exit:   robust list, CHILD_CLEARTID (store 0, futex wake), registry
 *
 * The registry (a list under reg_mu) counts the live threads: the last one
 * out decides the process status (as on Linux, where the last thread's
 * exit code is the process's when every thread called exit).  The main
 * host thread always ends the process: when its guest thread exits first
 * it waits here for the others.  Structs of finished threads are kept on a
 * free list and reused, never freed, so a late host signal can never see
 * freed memory.
 */
#include "runtime/linux/rt_thread.h"

#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/linux/rt_signal.h"
#include "runtime/linux/syscall_priv.h"

_Thread_local rt_thread *rt_thread_tls;

#define HOST_STACK_SIZE (1u << 20)     /* the dispatcher needs little: blocks run iteratively */
#define HOST_ALTSTACK_SIZE (64u << 10) /* the host fault and signal handlers */
#define ROBUST_LIST_LIMIT 2048         /* Linux's ROBUST_LIST_LIMIT */

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reg_cv = PTHREAD_COND_INITIALIZER;
static rt_thread *live_list; /* under reg_mu */
static int live;             /* threads whose loop has not finished */
static rt_thread *free_list; /* finished threads' structs, for reuse */
static const rt_thread_runner *runner;
static atomic_bool multithreaded;

void rt_thread_set_runner(const rt_thread_runner *r) {
    runner = r;
}

static void link_live(rt_thread *t) {
    t->next = live_list;
    live_list = t;
    live++;
}

static void unlink_live(rt_thread *t) {
    for (rt_thread **l = &live_list; *l; l = &(*l)->next) {
        if (*l == t) {
            *l = t->next;
            break;
        }
    }
    live--;
}

/* Blocks every host signal the guest may receive on the calling thread. */
static void block_guest_signals(void) {
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    pthread_sigmask(SIG_SETMASK, &all, NULL);
}

static void after_fork_child(void) {
    rt_thread_after_fork();
}

rt_thread *rt_thread_current(rt_proc *p) {
    if (rt_thread_tls)
        return rt_thread_tls;
    static bool atfork_done;
    if (!atfork_done) {
        atfork_done = true;
        pthread_atfork(NULL, NULL, after_fork_child);
    }
    rt_thread *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->proc = p;
    t->cpu = p->cpu;
    t->tid = gettid();
    /* The blocked mask survives execve: start from the host's. */
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    for (int g = 1; g <= RT_NSIG; g++) {
        int h = rt_signal_to_host(g);
        if (h && sigismember(&cur, h))
            t->sigmask |= 1ull << (g - 1);
    }
    t->host_blocked = t->sigmask;
    t->sigmask &= ~((1ull << 8) | (1ull << 18)); /* SIGKILL, SIGSTOP */
    pthread_mutex_lock(&reg_mu);
    t->is_main = live == 0;
    link_live(t);
    pthread_mutex_unlock(&reg_mu);
    rt_thread_tls = t;
    return t;
}

/* A struct for a new thread of p (reused if possible), with its guest
 * state and host altstack; NULL when out of memory. */
static rt_thread *thread_alloc(rt_proc *p) {
    pthread_mutex_lock(&reg_mu);
    rt_thread *t = free_list;
    if (t)
        free_list = t->next;
    pthread_mutex_unlock(&reg_mu);
    if (!t && !(t = calloc(1, sizeof *t)))
        return NULL;
    void *cpu = t->cpu, *alt = t->host_altstack;
    memset(t, 0, sizeof *t);
    t->proc = p;
    t->cpu = cpu ? cpu : aligned_alloc(64, (p->arch->state_size + 63) & ~(size_t)63);
    t->host_altstack = alt ? alt : malloc(HOST_ALTSTACK_SIZE);
    if (!t->cpu || !t->host_altstack) {
        free(t->cpu);
        free(t->host_altstack);
        free(t);
        return NULL;
    }
    return t;
}

static void thread_recycle(rt_thread *t) {
    pthread_mutex_lock(&reg_mu);
    t->next = free_list;
    free_list = t;
    pthread_mutex_unlock(&reg_mu);
}

typedef struct start_info {
    rt_thread *t;
    sem_t ready;
    uint64_t flags, ptid, ctid;
    int tid; /* set by the child before it wakes the parent */
} start_info;

static void *thread_main(void *arg) {
    start_info *si = arg;
    rt_thread *t = si->t;
    rt_proc *p = t->proc;
    rt_thread_tls = t;
    t->tid = gettid();
    stack_t ss = {.ss_sp = t->host_altstack, .ss_size = HOST_ALTSTACK_SIZE};
    sigaltstack(&ss, NULL);
    uint32_t tid = (uint32_t)t->tid;
    /* Linux ignores a bad pointer here too. */
    if (si->flags & CLONE_PARENT_SETTID)
        mmu_write(p->mm, si->ptid, &tid, sizeof tid);
    if (si->flags & CLONE_CHILD_SETTID)
        mmu_write(p->mm, si->ctid, &tid, sizeof tid);
    si->tid = t->tid;
    sem_post(&si->ready); /* si lives on the parent's stack: no use after this */
    rt_signal_thread_start(t);
    runner->run(t);
    rt_thread_finish(t);
    return NULL;
}

long rt_thread_clone(rt_proc *p, rt_thread *parent, uint64_t flags, uint64_t sp, uint64_t ptid,
                     uint64_t tls, uint64_t ctid) {
    const fe_arch *arch = p->arch;
    if (!runner) {
        rt_sys_unimp("clone of a thread: no dispatcher to run it");
        return -ENOSYS;
    }
    rt_thread *t = thread_alloc(p);
    if (!t)
        return -ENOMEM;
    memcpy(t->cpu, parent->cpu, arch->state_size);
    uint64_t zero = 0;
    memcpy((uint8_t *)t->cpu + arch->off_ret, &zero, 8);
    if (sp)
        memcpy((uint8_t *)t->cpu + arch->off_sp, &sp, 8);
    if (flags & CLONE_SETTLS)
        memcpy((uint8_t *)t->cpu + arch->off_tp, &tls, 8);
    ((ir_state_head *)t->cpu)->resv_addr = UINT64_MAX;
    t->sigmask = parent->sigmask; /* inherited; pending signals and the altstack are not */
    t->host_blocked = ~0ull;      /* it starts with everything blocked */
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = ctid;

    start_info si = {.t = t, .flags = flags, .ptid = ptid, .ctid = ctid};
    sem_init(&si.ready, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, HOST_STACK_SIZE);
    pthread_mutex_lock(&reg_mu);
    link_live(t);
    pthread_mutex_unlock(&reg_mu);
    if (!atomic_exchange(&multithreaded, true)) {
        runner->multithreaded();
        rt_sys_strace_pids = true; /* -d strace lines say which thread */
    }
    /* The child starts with every signal blocked and sets its own mask. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t th;
    int r = pthread_create(&th, &attr, thread_main, &si);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (r != 0) {
        pthread_mutex_lock(&reg_mu);
        unlink_live(t);
        pthread_mutex_unlock(&reg_mu);
        thread_recycle(t);
        sem_destroy(&si.ready);
        return -EAGAIN;
    }
    while (sem_wait(&si.ready) != 0)
        ; /* EINTR: a host signal for the guest arrived meanwhile */
    sem_destroy(&si.ready);
    return si.tid; /* not t->tid: t may already have exited and been reused */
}

void rt_thread_exit(rt_thread *t, int code) {
    pthread_mutex_lock(&reg_mu);
    bool last = live == 1;
    pthread_mutex_unlock(&reg_mu);
    t->exit_code = code;
    if (last) {
        t->proc->exited = true;
        t->proc->exit_status = code;
    } else {
        t->exiting = true;
    }
}

void rt_thread_group_exit(rt_proc *p, int code) {
    p->exit_status = code;
    p->exited = true;
    /* The others stop at their next block boundary (or when their host
     * call returns); the host process ends right after anyway. */
    pthread_mutex_lock(&reg_mu);
    for (rt_thread *o = live_list; o; o = o->next)
        if (o != rt_thread_self())
            atomic_fetch_or(&o->flags, RT_TF_STOP);
    pthread_mutex_unlock(&reg_mu);
}

int rt_thread_count(void) {
    pthread_mutex_lock(&reg_mu);
    int n = live;
    pthread_mutex_unlock(&reg_mu);
    return n;
}

bool rt_thread_is_guest(int tid) {
    pthread_mutex_lock(&reg_mu);
    rt_thread *t = live_list;
    while (t && t->tid != tid)
        t = t->next;
    pthread_mutex_unlock(&reg_mu);
    return t != NULL;
}

/* Linux's handle_futex_death: a robust lock the dead thread held gets
 * FUTEX_OWNER_DIED and one waiter is woken. */
static void futex_death(rt_proc *p, uint64_t uaddr, uint32_t tid, bool pi) {
    uint32_t *w = (uaddr & 3) ? NULL : mmu_host_ptr(p->mm, uaddr, 4, MMU_R | MMU_W);
    if (!w)
        return;
    uint32_t v = __atomic_load_n(w, __ATOMIC_SEQ_CST);
    for (;;) {
        if ((v & FUTEX_TID_MASK) != tid)
            return;
        uint32_t nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (__atomic_compare_exchange_n(w, &v, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    if (!pi && (v & FUTEX_WAITERS))
        syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Linux's exit_robust_list on the guest's list head {next, futex_offset,
 * list_op_pending}; entries have the PI flag in bit 0. */
static void exit_robust_list(rt_thread *t) {
    rt_proc *p = t->proc;
    uint64_t head[3];
    if (!t->robust_list || mmu_read(p->mm, t->robust_list, head, sizeof head))
        return;
    int64_t off = (int64_t)head[1];
    uint64_t entry = head[0], pending = head[2];
    for (int n = 0; entry != t->robust_list && n < ROBUST_LIST_LIMIT; n++) {
        uint64_t next;
        if (mmu_read(p->mm, entry & ~1ull, &next, sizeof next))
            break;
        if (entry != pending)
            futex_death(p, (entry & ~1ull) + (uint64_t)off, (uint32_t)t->tid, entry & 1);
        entry = next;
    }
    if (pending)
        futex_death(p, (pending & ~1ull) + (uint64_t)off, (uint32_t)t->tid, pending & 1);
}

/* What Linux's mm_release does for a thread leaving an address space. */
static void release_tid(rt_thread *t) {
    rt_proc *p = t->proc;
    exit_robust_list(t);
    if (t->clear_child_tid) {
        uint32_t *w =
            (t->clear_child_tid & 3) ? NULL : mmu_host_ptr(p->mm, t->clear_child_tid, 4, MMU_W);
        if (w) {
            __atomic_store_n(w, 0, __ATOMIC_SEQ_CST);
            syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
        }
    }
}

int rt_thread_finish(rt_thread *t) {
    rt_proc *p = t->proc;
    pthread_mutex_lock(&reg_mu);
    bool alone = live == 1;
    pthread_mutex_unlock(&reg_mu);
    if (p->exited) {
        if (!alone)
            rt_thread_exit_process(p->exit_status); /* others may still run guest code */
        if (t->is_main)
            return p->exit_status & 0xff; /* rt_run tears down as usual */
        /* The last thread while the main one waits: it finishes below and
         * the main thread ends the process with p->exit_status. */
    }
    release_tid(t);
    block_guest_signals();
    stack_t off = {.ss_flags = SS_DISABLE};
    sigaltstack(&off, NULL);
    rt_thread_tls = NULL;
    pthread_mutex_lock(&reg_mu);
    unlink_live(t);
    if (live == 0 && !p->exited) {
        p->exit_status = t->exit_code; /* the last thread out */
        p->exited = true;
    }
    if (t->is_main) {
        while (live > 0)
            pthread_cond_wait(&reg_cv, &reg_mu);
        t->next = free_list; /* reachable, for leak checkers */
        free_list = t;
        pthread_mutex_unlock(&reg_mu);
        return p->exit_status & 0xff;
    }
    if (live == 0)
        pthread_cond_broadcast(&reg_cv);
    t->next = free_list;
    free_list = t;
    pthread_mutex_unlock(&reg_mu);
    return -1;
}

_Noreturn void rt_thread_exit_process(int status) {
    if (rt_log_file)
        fflush(rt_log_file);
    fflush(stdout);
    fflush(stderr);
    _exit(status & 0xff);
}

void rt_thread_after_fork(void) {
    rt_thread *self = rt_thread_self();
    /* The other threads' host threads do not exist in the child; their
     * structs are simply forgotten (the lock may have been held by one of
     * them at the fork, so it is re-made, not taken). */
    pthread_mutex_t fresh_mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t fresh_cv = PTHREAD_COND_INITIALIZER;
    reg_mu = fresh_mu;
    reg_cv = fresh_cv;
    live_list = NULL;
    live = 0;
    if (!self)
        return;
    /* The calling thread is the child's only (main) thread: its state is
     * the process's, and what Linux does not copy into a child is reset. */
    self->tid = gettid();
    self->is_main = true;
    self->exiting = false;
    self->robust_list = 0;
    self->robust_len = 0;
    self->clear_child_tid = 0;
    atomic_store(&self->flags, 0);
    atomic_store(&self->sig_pending, 0);
    self->proc->cpu = self->cpu;
    link_live(self);
    rt_signal_mask_changed(self); /* nothing is pending any more */
}
