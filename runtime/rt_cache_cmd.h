/*
 * rt_cache_cmd.h — `liftvm cache ...`: show, check and manage the
 * translation cache, and warm it up ahead of time for a program.
 */
#ifndef LIFTVM_RT_CACHE_CMD_H
#define LIFTVM_RT_CACHE_CMD_H

#include "llvmjit/jit.h"
#include "llvmjit/jit_cache.h"

/* argv[0] is "cache".  jo, co: the options from the environment twins
 * (the command line after "cache" may change them); sysroot: -L.  Returns
 * the exit status. */
int rt_cache_main(int argc, char **argv, const jit_options *jo, const jit_cache_options *co,
                  const char *sysroot);

#endif
