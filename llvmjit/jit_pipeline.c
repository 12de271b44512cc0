/*
 * jit_pipeline.c — what each tier does to a lifted module.
 *
 *   tier 1: sroa (allocas → SSA) ─► early-cse ─► instcombine
 *           ─► simplifycfg ─► split_returns; code generation at
 *           CodeGenLevel None
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

/* One `ret` per exit again.  SimplifyCFG tail-merges the blocks that end
 * in `ret` into one `ret phi`, which takes the chain calls out of tail
 * position (a `tail` call then compiles to a call, and chains grow the
 * stack); tier 1 skips the musttail rewrite that would have kept them
 * (jit_lift), so the merged blocks are split here: each predecessor that
 * branches to one unconditionally returns its own value instead, other
 * edges get a block with a `ret` of their own.  What this cannot mend,
 * jit_lift_chains_in_place finds, and the unit is lifted with musttail. */
static void split_returns(LLVMValueRef f, LLVMBuilderRef B)
{
    LLVMContextRef C = LLVMGetTypeContext(LLVMTypeOf(f));
    LLVMBasicBlockRef last = LLVMGetLastBasicBlock(f); /* blocks added below are done */
    for (LLVMBasicBlockRef R = LLVMGetFirstBasicBlock(f), next; R; R = next) {
        next = R == last ? NULL : LLVMGetNextBasicBlock(R);
        /* A merged return: phis, then `ret` of one of them. */
        LLVMValueRef ret = LLVMGetBasicBlockTerminator(R);
        if (!ret || LLVMGetInstructionOpcode(ret) != LLVMRet || LLVMGetNumOperands(ret) != 1)
            continue;
        LLVMValueRef v = LLVMGetOperand(ret, 0);
        bool merged = LLVMIsAPHINode(v) && LLVMGetInstructionParent(v) == R;
        for (LLVMValueRef i = LLVMGetFirstInstruction(R); merged && i != ret;
             i = LLVMGetNextInstruction(i))
            merged = LLVMIsAPHINode(i);
        if (!merged)
            continue;
        for (unsigned e = 0; e < LLVMCountIncoming(v); e++) {
            LLVMBasicBlockRef P = LLVMGetIncomingBlock(v, e);
            LLVMValueRef t = LLVMGetBasicBlockTerminator(P), val = LLVMGetIncomingValue(v, e);
            if (LLVMGetNumSuccessors(t) == 1 && !LLVMIsConditional(t)) {
                LLVMInstructionEraseFromParent(t);
                LLVMPositionBuilderAtEnd(B, P);
                LLVMBuildRet(B, val);
                continue;
            }
            for (unsigned k = 0; k < LLVMGetNumSuccessors(t); k++) {
                if (LLVMGetSuccessor(t, k) != R)
                    continue;
                LLVMBasicBlockRef E = LLVMAppendBasicBlockInContext(C, f, "ret");
                LLVMPositionBuilderAtEnd(B, E);
                LLVMBuildRet(B, val);
                LLVMSetSuccessor(t, k, E);
            }
        }
        LLVMDeleteBasicBlock(R); /* unreachable now; its phis go with it */
    }
}

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
    if (tier < 2) {
        LLVMBuilderRef B = LLVMCreateBuilderInContext(LLVMGetModuleContext(M));
        for (LLVMValueRef f = LLVMGetFirstFunction(M); f; f = LLVMGetNextFunction(f))
            if (!LLVMIsDeclaration(f))
                split_returns(f, B);
        LLVMDisposeBuilder(B);
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
