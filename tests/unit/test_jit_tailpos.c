/*
 * test_jit_tailpos.c — chain calls stay jumps at tier 1 without musttail:
 * tier 1's pipeline (jit_pipeline.c) must leave every tailcc `tail` call
 * directly before the `ret` of its value (jit_lift_chains_in_place), though
 * its SimplifyCFG tail-merges the returning blocks.
 */
#include <criterion/criterion.h>

#include <llvm-c/Core.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "llvmjit/jit_lift.h"
#include "llvmjit/jit_session.h"

/* tailcc i64 u(ptr %state, ptr %ctx): three exits chosen by the state's
 * first word: a chain call through the pointer at ctx, another through
 * ctx+8, and `ret 7`, each in a block of its own, as jit_lift makes them. */
static LLVMModuleRef three_exits(LLVMContextRef C)
{
    LLVMModuleRef M = LLVMModuleCreateWithNameInContext("t", C);
    LLVMTypeRef i64 = LLVMInt64TypeInContext(C), ptr = LLVMPointerTypeInContext(C, 0);
    LLVMTypeRef params[2] = {ptr, ptr};
    LLVMTypeRef fty = LLVMFunctionType(i64, params, 2, 0);
    LLVMValueRef f = LLVMAddFunction(M, "u", fty);
    LLVMSetFunctionCallConv(f, JIT_UNIT_CC);
    LLVMBuilderRef B = LLVMCreateBuilderInContext(C);
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(C, f, "entry"),
                      mid = LLVMAppendBasicBlockInContext(C, f, "mid"),
                      x[3] = {LLVMAppendBasicBlockInContext(C, f, "x0"),
                              LLVMAppendBasicBlockInContext(C, f, "x1"),
                              LLVMAppendBasicBlockInContext(C, f, "x2")};
    LLVMValueRef state = LLVMGetParam(f, 0), ctx = LLVMGetParam(f, 1);
    LLVMPositionBuilderAtEnd(B, entry);
    LLVMValueRef w = LLVMBuildLoad2(B, i64, state, "w");
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntEQ, w, LLVMConstInt(i64, 0, 0), ""), x[0], mid);
    LLVMPositionBuilderAtEnd(B, mid);
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntEQ, w, LLVMConstInt(i64, 1, 0), ""), x[1], x[2]);
    for (int i = 0; i < 2; i++) {
        LLVMPositionBuilderAtEnd(B, x[i]);
        LLVMValueRef off = LLVMConstInt(i64, 8 * (unsigned)i, 0);
        LLVMValueRef slot = LLVMBuildGEP2(B, LLVMInt8TypeInContext(C), ctx, &off, 1, "");
        LLVMValueRef code = LLVMBuildLoad2(B, ptr, slot, "code");
        LLVMValueRef args[2] = {state, ctx};
        LLVMValueRef call = LLVMBuildCall2(B, fty, code, args, 2, "");
        LLVMSetInstructionCallConv(call, JIT_UNIT_CC);
        LLVMSetTailCall(call, 1);
        LLVMBuildRet(B, call);
    }
    LLVMPositionBuilderAtEnd(B, x[2]);
    LLVMBuildRet(B, LLVMConstInt(i64, 7, 0));
    LLVMDisposeBuilder(B);
    return M;
}

static void run(LLVMModuleRef M, const char *passes)
{
    LLVMPassBuilderOptionsRef o = LLVMCreatePassBuilderOptions();
    LLVMErrorRef e = LLVMRunPasses(M, passes, NULL, o);
    LLVMDisposePassBuilderOptions(o);
    cr_assert_null(e, "passes %s failed", passes);
}

Test(jit_tailpos, simplifycfg_alone_takes_chain_calls_out_of_tail_position)
{
    /* The premise of the tests below: plain SimplifyCFG merges the returns. */
    LLVMContextRef C = LLVMContextCreate();
    LLVMModuleRef M = three_exits(C);
    cr_assert(jit_lift_chains_in_place(M), "as built, every chain call is in tail position");
    run(M, "function(simplifycfg)");
    cr_assert_not(jit_lift_chains_in_place(M), "SimplifyCFG no longer merges the returns");
    LLVMDisposeModule(M);
    LLVMContextDispose(C);
}

Test(jit_tailpos, tier1_pipeline_keeps_chain_calls_in_tail_position)
{
    LLVMContextRef C = LLVMContextCreate();
    LLVMModuleRef M = three_exits(C);
    char err[256] = "";
    cr_assert(jit_pipeline_optimise(M, 1, NULL, err, sizeof err), "%s", err);
    char *msg = NULL;
    cr_assert(jit_lift_chains_in_place(M), "a chain call left tail position:\n%s",
              msg = LLVMPrintModuleToString(M));
    LLVMDisposeMessage(msg);
    /* Three returns again, each in its own block. */
    LLVMValueRef f = LLVMGetNamedFunction(M, "u");
    int rets = 0;
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
        rets += LLVMGetInstructionOpcode(LLVMGetBasicBlockTerminator(bb)) == LLVMRet;
    cr_assert_eq(rets, 3);
    LLVMDisposeModule(M);
    LLVMContextDispose(C);
}

Test(jit_tailpos, a_chain_call_without_the_tail_marker_is_not_in_place)
{
    LLVMContextRef C = LLVMContextCreate();
    LLVMModuleRef M = three_exits(C);
    LLVMBasicBlockRef x0 = LLVMGetNextBasicBlock(LLVMGetNextBasicBlock(
        LLVMGetFirstBasicBlock(LLVMGetNamedFunction(M, "u"))));
    LLVMValueRef call = LLVMGetPreviousInstruction(LLVMGetBasicBlockTerminator(x0));
    cr_assert(LLVMIsACallInst(call));
    LLVMSetTailCall(call, 0);
    cr_assert_not(jit_lift_chains_in_place(M));
    LLVMDisposeModule(M);
    LLVMContextDispose(C);
}
