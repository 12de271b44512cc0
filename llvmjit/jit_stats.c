/*
 * jit_stats.c — timers and the -d stats summary of the jit.
 */
#include <sys/resource.h>
#include <time.h>

#include "llvmjit/jit_internal.h"

uint64_t jit_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t jit_thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double ms(uint64_t ns) { return ns / 1e6; }

void jit_stats_print(const jit_stats *s, FILE *f, const jit_options *o)
{
    fprintf(f, "jit: mode %s, hot1 %u, hot2 %u\n", jit_mode_name(o->mode), o->hot1, o->hot2);
    for (int t = 1; t <= 2; t++) {
        uint64_t total = s->lift_ns[t] + s->opt_ns[t] + s->codegen_ns[t] + s->link_ns[t];
        fprintf(f,
                "jit: tier %d: %llu units (%llu failed), %llu blocks, %llu guest insns, "
                "%llu object bytes\n"
                "jit: tier %d: lift %.1f ms, optimise %.1f ms, codegen %.1f ms, link %.1f ms, "
                "total %.1f ms (%.3f ms/unit)\n",
                t, (unsigned long long)s->units[t], (unsigned long long)s->failed[t],
                (unsigned long long)s->blocks[t], (unsigned long long)s->guest_insns[t],
                (unsigned long long)s->obj_bytes[t], t, ms(s->lift_ns[t]), ms(s->opt_ns[t]),
                ms(s->codegen_ns[t]), ms(s->link_ns[t]), ms(total),
                s->units[t] + s->failed[t] ? ms(total) / (double)(s->units[t] + s->failed[t])
                                           : 0.0);
    }
    fprintf(f, "jit: tier 1: %llu units lifted again with musttail (a chain call left tail "
               "position)\n", (unsigned long long)s->relifted);
    fprintf(f, "jit: guest thread CPU %.1f ms\n", ms(s->guest_cpu_ns));
    fprintf(f,
            "jit: compile thread CPU %.1f ms, %s; queue max %llu; %llu compiled at exit for the "
            "cache in %.1f ms; %llu discarded after invalidation, %llu freed; %llu invalidations\n",
            ms(s->thread_cpu_ns), s->thread_starts ? "started" : "never started",
            (unsigned long long)s->queue_max,
            (unsigned long long)s->drained, ms(s->drain_ns),
            (unsigned long long)s->discarded, (unsigned long long)s->freed,
            (unsigned long long)s->invalidations);
    fprintf(f,
            "jit: %llu blocks interpreted; %llu entries into compiled code; exits: next %llu, "
            "syscall %llu, trap %llu, flush %llu, hot %llu; %llu regions of %llu blocks, "
            "%llu cells entering a region's other blocks; %llu host faults in compiled code "
            "redone by the interpreter, %llu accesses left to it\n",
            (unsigned long long)s->interp_blocks, (unsigned long long)s->runs,
            (unsigned long long)s->exits[0], (unsigned long long)s->exits[1],
            (unsigned long long)s->exits[2], (unsigned long long)s->exits[3],
            (unsigned long long)s->exits[4], (unsigned long long)s->regions,
            (unsigned long long)s->region_blocks, (unsigned long long)s->borrowed,
            (unsigned long long)s->fault_rollbacks, (unsigned long long)s->interp_exits);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        fprintf(f, "jit: peak RSS %.1f MB\n", ru.ru_maxrss / 1024.0);
}
