/*
 * jit_pipeline.c — what each tier does to a lifted module.
 *
 *   tier 1: sroa (allocas → SSA) ─► early-cse ─► instcombine
 *           ─► simplifycfg; code generation at CodeGenLevel Less
 *   tier 2: default<O2> (whole regions, so LLVM sees the loops);
 *           code generation at CodeGenLevel Default
 *
 * Tail calls between units need no optimisation level: units are tailcc.
 */
#include <stdio.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Error.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "llvmjit/jit_session.h"

static const char *const pipelines[3] = {
    [1] = "function(sroa,early-cse,instcombine,simplifycfg)",
    [2] = "default<O2>",
};

LLVMCodeGenOptLevel jit_pipeline_codegen_level(int tier)
{
    return tier >= 2 ? LLVMCodeGenLevelDefault : LLVMCodeGenLevelNone;
}

bool jit_pipeline_optimise(LLVMModuleRef M, int tier, LLVMTargetMachineRef tm, char *err,
                           size_t errlen)
{
    LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
    LLVMErrorRef e = LLVMRunPasses(M, pipelines[tier >= 2 ? 2 : 1], tm, pbo);
    LLVMDisposePassBuilderOptions(pbo);
    if (e) {
        char *m = LLVMGetErrorMessage(e); /* consumes e */
        snprintf(err, errlen, "optimisation failed: %s", m);
        LLVMDisposeErrorMessage(m);
        return false;
    }
    return true;
}

bool jit_pipeline_emit(LLVMModuleRef M, LLVMTargetMachineRef tm, LLVMMemoryBufferRef *obj,
                       char *err, size_t errlen)
{
    char *msg = NULL;
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, M, LLVMObjectFile, &msg, obj)) {
        snprintf(err, errlen, "code generation failed: %s", msg ? msg : "?");
        LLVMDisposeMessage(msg);
        return false;
    }
    return true;
}

bool jit_pipeline_dump(LLVMModuleRef M, const char *dir, const char *name, const char *stage,
                       char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s.ll", dir, name, stage);
    char *msg = NULL;
    if (LLVMPrintModuleToFile(M, path, &msg)) {
        snprintf(err, errlen, "cannot write %s: %s", path, msg ? msg : "?");
        LLVMDisposeMessage(msg);
        return false;
    }
    return true;
}
