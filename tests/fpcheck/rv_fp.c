/*
 * rv_fp.c — the riscv64 side of the FP differential check (see run.sh).
 * Reads lines "op rm a b c" (decimal IR op and rounding mode, hex operand
 * bits), executes the matching RISC-V F/D instruction with frm = rm and
 * prints "result fflags" in hex.  Run under qemu-riscv64, whose softfloat
 * is the oracle for ir/ir_fp.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ir/ir.h"

static float f32(uint64_t x)
{
    uint32_t b = (uint32_t)x;
    float v;
    memcpy(&v, &b, 4);
    return v;
}
static double f64(uint64_t x)
{
    double v;
    memcpy(&v, &x, 8);
    return v;
}
static uint64_t b32(float v)
{
    uint32_t b;
    memcpy(&b, &v, 4);
    return b;
}
static uint64_t b64(double v)
{
    uint64_t b;
    memcpy(&b, &v, 8);
    return b;
}

#define S2(insn) { float r; __asm__ volatile(insn " %0, %1, %2" : "=f"(r) : "f"(f32(a)), "f"(f32(b))); res = b32(r); } break
#define D2(insn) { double r; __asm__ volatile(insn " %0, %1, %2" : "=f"(r) : "f"(f64(a)), "f"(f64(b))); res = b64(r); } break
#define S3(insn) { float r; __asm__ volatile(insn " %0, %1, %2, %3" : "=f"(r) : "f"(f32(a)), "f"(f32(b)), "f"(f32(c))); res = b32(r); } break
#define D3(insn) { double r; __asm__ volatile(insn " %0, %1, %2, %3" : "=f"(r) : "f"(f64(a)), "f"(f64(b)), "f"(f64(c))); res = b64(r); } break
#define SCMP(insn) __asm__ volatile(insn " %0, %1, %2" : "=r"(res) : "f"(f32(a)), "f"(f32(b))); break
#define DCMP(insn) __asm__ volatile(insn " %0, %1, %2" : "=r"(res) : "f"(f64(a)), "f"(f64(b))); break
#define S2I(insn) __asm__ volatile(insn " %0, %1" : "=r"(res) : "f"(f32(a))); break
#define D2I(insn) __asm__ volatile(insn " %0, %1" : "=r"(res) : "f"(f64(a))); break
#define I2S(insn) { float r; __asm__ volatile(insn " %0, %1" : "=f"(r) : "r"(a)); res = b32(r); } break
#define I2D(insn) { double r; __asm__ volatile(insn " %0, %1" : "=f"(r) : "r"(a)); res = b64(r); } break

int main(void)
{
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        int op, rm;
        uint64_t a, b, c, res = 0, fl;
        if (sscanf(line, "%d %d %" SCNx64 " %" SCNx64 " %" SCNx64, &op, &rm, &a, &b, &c) != 5) continue;
        __asm__ volatile("fsrm %0" : : "r"(rm));
        __asm__ volatile("fsflags zero");
        switch (op) {
        case IR_FADD32: S2("fadd.s");
        case IR_FSUB32: S2("fsub.s");
        case IR_FMUL32: S2("fmul.s");
        case IR_FDIV32: S2("fdiv.s");
        case IR_FSQRT32: { float r; __asm__ volatile("fsqrt.s %0, %1" : "=f"(r) : "f"(f32(a))); res = b32(r); } break;
        case IR_FMADD32: S3("fmadd.s");
        case IR_FMSUB32: S3("fmsub.s");
        case IR_FNMSUB32: S3("fnmsub.s");
        case IR_FNMADD32: S3("fnmadd.s");
        case IR_FMIN32: S2("fmin.s");
        case IR_FMAX32: S2("fmax.s");
        case IR_FEQ32: SCMP("feq.s");
        case IR_FLT32: SCMP("flt.s");
        case IR_FLE32: SCMP("fle.s");
        case IR_FCLASS32: S2I("fclass.s");
        case IR_FADD64: D2("fadd.d");
        case IR_FSUB64: D2("fsub.d");
        case IR_FMUL64: D2("fmul.d");
        case IR_FDIV64: D2("fdiv.d");
        case IR_FSQRT64: { double r; __asm__ volatile("fsqrt.d %0, %1" : "=f"(r) : "f"(f64(a))); res = b64(r); } break;
        case IR_FMADD64: D3("fmadd.d");
        case IR_FMSUB64: D3("fmsub.d");
        case IR_FNMSUB64: D3("fnmsub.d");
        case IR_FNMADD64: D3("fnmadd.d");
        case IR_FMIN64: D2("fmin.d");
        case IR_FMAX64: D2("fmax.d");
        case IR_FEQ64: DCMP("feq.d");
        case IR_FLT64: DCMP("flt.d");
        case IR_FLE64: DCMP("fle.d");
        case IR_FCLASS64: D2I("fclass.d");
        case IR_FCVT_W_F32: S2I("fcvt.w.s");
        case IR_FCVT_WU_F32: S2I("fcvt.wu.s");
        case IR_FCVT_L_F32: S2I("fcvt.l.s");
        case IR_FCVT_LU_F32: S2I("fcvt.lu.s");
        case IR_FCVT_W_F64: D2I("fcvt.w.d");
        case IR_FCVT_WU_F64: D2I("fcvt.wu.d");
        case IR_FCVT_L_F64: D2I("fcvt.l.d");
        case IR_FCVT_LU_F64: D2I("fcvt.lu.d");
        case IR_FCVT_F32_W: I2S("fcvt.s.w");
        case IR_FCVT_F32_WU: I2S("fcvt.s.wu");
        case IR_FCVT_F32_L: I2S("fcvt.s.l");
        case IR_FCVT_F32_LU: I2S("fcvt.s.lu");
        case IR_FCVT_F64_W: I2D("fcvt.d.w");
        case IR_FCVT_F64_WU: I2D("fcvt.d.wu");
        case IR_FCVT_F64_L: I2D("fcvt.d.l");
        case IR_FCVT_F64_LU: I2D("fcvt.d.lu");
        case IR_FCVT_F32_F64: { float r; __asm__ volatile("fcvt.s.d %0, %1" : "=f"(r) : "f"(f64(a))); res = b32(r); } break;
        case IR_FCVT_F64_F32: { double r; __asm__ volatile("fcvt.d.s %0, %1" : "=f"(r) : "f"(f32(a))); res = b64(r); } break;
        default: res = ~(uint64_t)0; break;
        }
        __asm__ volatile("frflags %0" : "=r"(fl));
        printf("%" PRIx64 " %" PRIx64 "\n", res, fl);
    }
    return 0;
}
