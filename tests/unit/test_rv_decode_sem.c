/*
 * test_rv_decode_sem.c — riscv64 frontend semantics: small programs decoded
 * into blocks and run by the IR interpreter on a fe_rv64_state and a
 * malloc'd guest memory, checking the results of the tricky instructions.
 * Encodings from riscv64-linux-gnu-as -march=rv64gc_zba_zbb_zbs.
 */
#include "test_rv_decode.h"

enum {
    RA = 1, T0 = 5, A0 = 10, A1, A2, A3, A4, A5, A6, A7, S2, S3, S4, S5,
    FT1 = 1, FA0 = 10, FA1, FA2, FA3, FA4, FA5, FA6,
};

static uint32_t mem32(rvt_machine *vm, uint64_t a)
{
    uint32_t v;
    memcpy(&v, vm->mem + a, 4);
    return v;
}

static void set_mem(rvt_machine *vm, uint64_t a, uint64_t v)
{
    memcpy(vm->mem + a, &v, 8);
}

Test(rv_sem, shifts_w)
{
    static const uint32_t shifts_w[] = {
        0x4045d51b, /* sraiw a0,a1,4 */
        0x0045d61b, /* srliw a2,a1,4 */
        0x4007569b, /* sraiw a3,a4,0 */
        0x010597bb, /* sllw a5,a1,a6 */
        0x0105d93b, /* srlw s2,a1,a6 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A1] = 0x0000000080000010;
    vm.st.x[A4] = 0x7fffffffffffffff;
    vm.st.x[A6] = 33; /* sllw/srlw use only the low 5 bits */
    rvt_exec(&vm, shifts_w, RVT_N(shifts_w));
    cr_expect_eq(vm.st.x[A0], 0xfffffffff8000001);
    cr_expect_eq(vm.st.x[A2], 0x08000001);
    cr_expect_eq(vm.st.x[A3], UINT64_MAX);
    cr_expect_eq(vm.st.x[A5], 0x20);
    cr_expect_eq(vm.st.x[S2], 0x40000008);
    rvt_fini(&vm);
}

Test(rv_sem, mulh)
{
    static const uint32_t mulh[] = {
        0x02c59533, /* mulh a0,a1,a2 */
        0x02c5a6b3, /* mulhsu a3,a1,a2 */
        0x02c5b733, /* mulhu a4,a1,a2 */
        0x033917b3, /* mulh a5,s2,s3 */
        0x03392a33, /* mulhsu s4,s2,s3 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A1] = (uint64_t)-2;
    vm.st.x[A2] = 3;
    vm.st.x[S2] = 0x8000000000000000;
    vm.st.x[S3] = UINT64_MAX;
    rvt_exec(&vm, mulh, RVT_N(mulh));
    cr_expect_eq(vm.st.x[A0], UINT64_MAX); /* high(-6) */
    cr_expect_eq(vm.st.x[A3], UINT64_MAX); /* high(-2 * 3u) */
    cr_expect_eq(vm.st.x[A4], 2);          /* high((2^64 - 2) * 3) */
    cr_expect_eq(vm.st.x[A5], 0);          /* high(INT64_MIN * -1) = high(2^63) */
    cr_expect_eq(vm.st.x[S4], 0x8000000000000000); /* high(INT64_MIN * (2^64 - 1)) */
    rvt_fini(&vm);
}

Test(rv_sem, div_overflow_and_zero)
{
    static const uint32_t divw[] = {
        0x02c5c53b, /* divw a0,a1,a2 */
        0x02c5e6bb, /* remw a3,a1,a2 */
        0x0205c73b, /* divw a4,a1,zero */
        0x0205d7bb, /* divuw a5,a1,zero */
        0x0209783b, /* remuw a6,s2,zero */
        0x0205e8bb, /* remw a7,a1,zero */
        0x02ca49b3, /* div s3,s4,a2 */
        0x02ca6ab3, /* rem s5,s4,a2 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A1] = 0xffffffff80000000; /* INT32_MIN */
    vm.st.x[A2] = UINT64_MAX;
    vm.st.x[S2] = 0x0000000180000000;
    vm.st.x[S4] = 0x8000000000000000;
    rvt_exec(&vm, divw, RVT_N(divw));
    cr_expect_eq(vm.st.x[A0], 0xffffffff80000000); /* INT32_MIN / -1 overflows to itself */
    cr_expect_eq(vm.st.x[A3], 0);
    cr_expect_eq(vm.st.x[A4], UINT64_MAX); /* / 0 = -1 */
    cr_expect_eq(vm.st.x[A5], UINT64_MAX);
    cr_expect_eq(vm.st.x[A6], 0xffffffff80000000); /* remuw by 0 = s32(dividend) */
    cr_expect_eq(vm.st.x[A7], 0xffffffff80000000);
    cr_expect_eq(vm.st.x[S3], 0x8000000000000000);
    cr_expect_eq(vm.st.x[S5], 0);
    rvt_fini(&vm);
}

Test(rv_sem, compressed_immediates)
{
    static const uint32_t caddiw[] = {
        0x2505, /* c.addiw a0,1 */
        0x35fd, /* c.addiw a1,-1 */
        0x167d, /* c.addi a2,-1 */
        0x5681, /* c.li a3,-32 */
        0x7701, /* c.lui a4,0xfffe0 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A0] = 0x7fffffff;
    vm.st.x[A1] = 0x1234567800000000;
    rvt_exec(&vm, caddiw, RVT_N(caddiw));
    cr_expect_eq(vm.st.x[A0], 0xffffffff80000000);
    cr_expect_eq(vm.st.x[A1], UINT64_MAX);
    cr_expect_eq(vm.st.x[A2], UINT64_MAX);
    cr_expect_eq(vm.st.x[A3], (uint64_t)-32);
    cr_expect_eq(vm.st.x[A4], 0xfffffffffffe0000);
    cr_expect_eq(vm.st.head.pc, RVT_PC + 10);
    rvt_fini(&vm);
}

Test(rv_sem, rev8_orcb)
{
    static const uint32_t rev8_orcb[] = {
        0x6b85d513, /* rev8 a0,a1 */
        0x2876d613, /* orc.b a2,a3 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A1] = 0x0102030405060708;
    vm.st.x[A3] = 0x0100200000000300;
    rvt_exec(&vm, rev8_orcb, RVT_N(rev8_orcb));
    cr_expect_eq(vm.st.x[A0], 0x0807060504030201);
    cr_expect_eq(vm.st.x[A2], 0xff00ff000000ff00);
    rvt_fini(&vm);
}

Test(rv_sem, shift_add)
{
    static const uint32_t shadd[] = {
        0x20c5e53b, /* sh3add.uw a0,a1,a2 */
        0x200766bb, /* sh3add.uw a3,a4,zero */
        0x08c587bb, /* add.uw a5,a1,a2 */
        0x20c5a833, /* sh1add a6,a1,a2 */
        0x0845989b, /* slli.uw a7,a1,4 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A1] = 0xffffffff00000002;
    vm.st.x[A2] = 0x100;
    vm.st.x[A4] = 0x80000000;
    rvt_exec(&vm, shadd, RVT_N(shadd));
    cr_expect_eq(vm.st.x[A0], 0x110);
    cr_expect_eq(vm.st.x[A3], 0x400000000);
    cr_expect_eq(vm.st.x[A5], 0x102);
    cr_expect_eq(vm.st.x[A6], 0xfffffffe00000104);
    cr_expect_eq(vm.st.x[A7], 0x20);
    rvt_fini(&vm);
}

Test(rv_sem, single_bit)
{
    static const uint32_t bext[] = {
        0x48c5d533, /* bext a0,a1,a2 */
        0x48e5d6b3, /* bext a3,a1,a4 */
        0x4be5d793, /* bexti a5,a1,62 */
        0x48c59833, /* bclr a6,a1,a2 */
        0x68059893, /* binvi a7,a1,0 */
        0x2bf01913, /* bseti s2,zero,63 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A1] = 0x8000000000000001;
    vm.st.x[A2] = 63;
    vm.st.x[A4] = 127; /* bit index taken mod 64 */
    rvt_exec(&vm, bext, RVT_N(bext));
    cr_expect_eq(vm.st.x[A0], 1);
    cr_expect_eq(vm.st.x[A3], 1);
    cr_expect_eq(vm.st.x[A5], 0);
    cr_expect_eq(vm.st.x[A6], 1);
    cr_expect_eq(vm.st.x[A7], 0x8000000000000000);
    cr_expect_eq(vm.st.x[S2], 0x8000000000000000);
    rvt_fini(&vm);
}

Test(rv_sem, jalr_clears_low_bit)
{
    static const uint32_t jalr_low_bit[] = {
        0x00000297, /* auipc t0,0 */
        0x00d28293, /* addi t0,t0,13 */
        0x000280e7, /* jalr ra,0(t0) */
        0x00700513, /* addi a0,zero,7 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    rvt_exec(&vm, jalr_low_bit, RVT_N(jalr_low_bit));
    cr_expect_eq(vm.st.x[T0], RVT_PC + 13);
    cr_expect_eq(vm.st.x[RA], RVT_PC + 12);
    cr_expect_eq(vm.st.x[A0], 7);
    rvt_fini(&vm);
}

Test(rv_sem, jalr_rd_is_rs1)
{
    static const uint32_t jalr_rd_rs1[] = {
        0x00050567, /* jalr a0,0(a0) */
        0x00900593, /* addi a1,zero,9 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A0] = RVT_PC + 5; /* target RVT_PC + 4 */
    rvt_exec(&vm, jalr_rd_rs1, RVT_N(jalr_rd_rs1));
    cr_expect_eq(vm.st.x[A0], RVT_PC + 4);
    cr_expect_eq(vm.st.x[A1], 9);
    rvt_fini(&vm);
}

Test(rv_sem, amo_word_signed_compare)
{
    static const uint32_t amomax32[] = {
        0xa0b6252f, /* amomax.w a0,a1,(a2) */
        0xe0b726af, /* amomaxu.w a3,a1,(a4) */
        0x80b727af, /* amomin.w a5,a1,(a4) */
    };
    rvt_machine vm;
    rvt_init(&vm);
    set_mem(&vm, 0x2000, 0xdeadbeef80000000);
    set_mem(&vm, 0x2008, 0x80000000);
    vm.st.x[A1] = 0x100000005; /* only the low word takes part */
    vm.st.x[A2] = 0x2000;
    vm.st.x[A4] = 0x2008;
    rvt_exec(&vm, amomax32, RVT_N(amomax32));
    cr_expect_eq(vm.st.x[A0], 0xffffffff80000000);
    cr_expect_eq(mem32(&vm, 0x2000), 5);
    cr_expect_eq(mem32(&vm, 0x2004), 0xdeadbeef);
    cr_expect_eq(vm.st.x[A3], 0xffffffff80000000);
    cr_expect_eq(vm.st.x[A5], 0xffffffff80000000);
    cr_expect_eq(mem32(&vm, 0x2008), 0x80000000);
    rvt_fini(&vm);
}

Test(rv_sem, lr_sc)
{
    static const uint32_t lrsc[] = {
        0x1006252f, /* lr.w a0,(a2) */
        0x18b626af, /* sc.w a3,a1,(a2) */
        0x18b6272f, /* sc.w a4,a1,(a2) */
        0x100637af, /* lr.d a5,(a2) */
        0x18b6382f, /* sc.d a6,a1,(a2) */
    };
    rvt_machine vm;
    rvt_init(&vm);
    set_mem(&vm, 0x2000, 0xffffffff12345678);
    vm.st.x[A1] = 0xabcdef01;
    vm.st.x[A2] = 0x2000;
    rvt_exec(&vm, lrsc, RVT_N(lrsc));
    cr_expect_eq(vm.st.x[A0], 0x12345678);
    cr_expect_eq(vm.st.x[A3], 0); /* success */
    cr_expect_eq(vm.st.x[A4], 1); /* no reservation left */
    cr_expect_eq(vm.st.x[A5], 0xffffffffabcdef01);
    cr_expect_eq(vm.st.x[A6], 0);
    cr_expect_eq(mem32(&vm, 0x2000), 0xabcdef01);
    cr_expect_eq(mem32(&vm, 0x2004), 0);
    rvt_fini(&vm);
}

Test(rv_sem, fp_csrs)
{
    static const uint32_t csr[] = {
        0x0021d073, /* csrrwi zero,frm,3 */
        0x00302573, /* csrrs a0,fcsr,zero */
        0x1ac5f553, /* fdiv.d fa0,fa1,fa2 */
        0x001025f3, /* csrrs a1,fflags,zero */
        0x00369673, /* csrrw a2,fcsr,a3 */
        0x00202773, /* csrrs a4,frm,zero */
        0x001027f3, /* csrrs a5,fflags,zero */
        0xc0202873, /* csrrs a6,instret,zero */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.f[FA1] = 0x3ff0000000000000; /* 1.0 */
    vm.st.f[FA2] = 0;                  /* 0.0 */
    vm.st.x[A3] = 0x21;                /* frm 1, NX */
    rvt_exec(&vm, csr, RVT_N(csr));
    cr_expect_eq(vm.st.x[A0], 3 << 5);
    cr_expect_eq(vm.st.f[FA0], 0x7ff0000000000000); /* +inf */
    cr_expect_eq(vm.st.x[A1], 8);                   /* DZ */
    cr_expect_eq(vm.st.x[A2], 3 << 5 | 8);
    cr_expect_eq(vm.st.x[A4], 1);
    cr_expect_eq(vm.st.x[A5], 1);
    cr_expect_neq(vm.st.x[A6], 0);
    cr_expect_eq(vm.st.head.fp_rm, 1);
    cr_expect_eq(vm.st.head.fp_flags, 1);
    rvt_fini(&vm);
}

Test(rv_sem, invalid_dynamic_rm_traps)
{
    static const uint32_t dyn_rm[] = {
        0x0022d073, /* csrrwi zero,frm,5 */
        0x00c5f553, /* fadd.s fa0,fa1,fa2 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.f[FA0] = 0x1234;
    rvt_code_add(&vm, dyn_rm, RVT_N(dyn_rm));
    ir_exit e = rvt_run(&vm);
    cr_expect_eq(e.kind, IR_EXIT_TRAP);
    cr_expect_eq(e.trap, IR_TRAP_ILLEGAL);
    cr_expect_eq(vm.st.head.pc, RVT_PC + 4);
    cr_expect_eq(vm.st.f[FA0], 0x1234);
    rvt_fini(&vm);
}

Test(rv_sem, nan_boxing)
{
    static const uint32_t nanbox[] = {
        0xf0058553, /* fmv.w.x fa0,a1 */
        0x00a0f5d3, /* fadd.s fa1,ft1,fa0 */
        0xe0060653, /* fmv.x.w a2,fa2 */
        0x22e716d3, /* fsgnjn.d fa3,fa4,fa4 */
        0x20c507d3, /* fsgnj.s fa5,fa0,fa2 */
        0xc000f6d3, /* fcvt.w.s a3,ft1 */
        0xc2081753, /* fcvt.w.d a4,fa6,rtz */
        0xe00097d3, /* fclass.s a5,ft1 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A1] = 0x3f800000;           /* 1.0f */
    vm.st.f[FT1] = 0x000000003f800000;  /* improperly boxed: reads as NaN */
    vm.st.f[FA2] = 0xffffffffbf800000;  /* -1.0f */
    vm.st.f[FA4] = 0x4000000000000000;  /* 2.0 */
    vm.st.f[FA6] = 0xbff8000000000000;  /* -1.5 */
    rvt_exec(&vm, nanbox, RVT_N(nanbox));
    cr_expect_eq(vm.st.f[FA0], 0xffffffff3f800000);
    cr_expect_eq(vm.st.f[FA1], 0xffffffff7fc00000);
    cr_expect_eq(vm.st.x[A2], 0xffffffffbf800000);
    cr_expect_eq(vm.st.f[FA3], 0xc000000000000000);
    cr_expect_eq(vm.st.f[FA5], 0xffffffffbf800000);
    cr_expect_eq(vm.st.x[A3], 0x7fffffff);
    cr_expect_eq(vm.st.x[A4], UINT64_MAX);
    cr_expect_eq(vm.st.x[A5], IR_FCLASS_QNAN);
    rvt_fini(&vm);
}

Test(rv_sem, ecall_exits)
{
    static const uint32_t ecall[] = {
        0x05d00893, /* addi a7,zero,93 */
        0x00000073, /* ecall */
    };
    rvt_machine vm;
    rvt_init(&vm);
    rvt_code_add(&vm, ecall, RVT_N(ecall));
    ir_exit e = rvt_run(&vm);
    cr_expect_eq(e.kind, IR_EXIT_SYSCALL);
    cr_expect_eq(vm.st.head.pc, RVT_PC + 8);
    cr_expect_eq(vm.st.x[A7], 93);
    rvt_fini(&vm);
}

Test(rv_sem, ebreak_traps)
{
    static const uint32_t ebreak[] = {
        0x00100513, /* addi a0,zero,1 */
        0x00100073, /* ebreak */
    };
    rvt_machine vm;
    rvt_init(&vm);
    rvt_code_add(&vm, ebreak, RVT_N(ebreak));
    ir_exit e = rvt_run(&vm);
    cr_expect_eq(e.kind, IR_EXIT_TRAP);
    cr_expect_eq(e.trap, IR_TRAP_BREAKPOINT);
    cr_expect_eq(vm.st.head.pc, RVT_PC + 4);
    cr_expect_eq(vm.st.x[A0], 1);
    rvt_fini(&vm);
}

Test(rv_sem, count_word)
{
    static const uint32_t countw[] = {
        0x6000151b, /* clzw a0,zero */
        0x6010159b, /* ctzw a1,zero */
        0x6026961b, /* cpopw a2,a3 */
        0x6006971b, /* clzw a4,a3 */
        0x6018179b, /* ctzw a5,a6 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A3] = 0xffffffff00000001;
    vm.st.x[A6] = 0x0000000100000000;
    rvt_exec(&vm, countw, RVT_N(countw));
    cr_expect_eq(vm.st.x[A0], 32);
    cr_expect_eq(vm.st.x[A1], 32);
    cr_expect_eq(vm.st.x[A2], 1);
    cr_expect_eq(vm.st.x[A4], 31);
    cr_expect_eq(vm.st.x[A5], 32);
    rvt_fini(&vm);
}

Test(rv_sem, x0_stays_zero)
{
    static const uint32_t x0[] = {
        0x00500013, /* addi zero,zero,5 */
        0x00052003, /* lw zero,0(a0) */
        0x00a50033, /* add zero,a0,a0 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A0] = 0x2000;
    set_mem(&vm, 0x2000, 0x55);
    rvt_exec(&vm, x0, RVT_N(x0));
    cr_expect_eq(vm.st.x[0], 0);
    rvt_fini(&vm);
}

Test(rv_sem, min_max)
{
    static const uint32_t minmax[] = {
        0x0ac5c533, /* min a0,a1,a2 */
        0x0ac5d6b3, /* minu a3,a1,a2 */
        0x0ac5e733, /* max a4,a1,a2 */
        0x0ac5f7b3, /* maxu a5,a1,a2 */
    };
    rvt_machine vm;
    rvt_init(&vm);
    vm.st.x[A1] = UINT64_MAX;
    vm.st.x[A2] = 1;
    rvt_exec(&vm, minmax, RVT_N(minmax));
    cr_expect_eq(vm.st.x[A0], UINT64_MAX);
    cr_expect_eq(vm.st.x[A3], 1);
    cr_expect_eq(vm.st.x[A4], 1);
    cr_expect_eq(vm.st.x[A5], UINT64_MAX);
    rvt_fini(&vm);
}

Test(rv_sem, state_init)
{
    fe_rv64_state st;
    memset(&st, 0xaa, sizeof st);
    fe_riscv64.state_init(&st);
    cr_expect_eq(st.head.resv_addr, UINT64_MAX);
    cr_expect_eq(st.head.fp_rm, 0);
    cr_expect_eq(st.head.fp_flags, 0);
    cr_expect_eq(st.x[2], 0);
    cr_expect_eq(fe_riscv64.state_size, sizeof st);
    cr_expect_eq(fe_riscv64.off_sp, RV_OFF_X(2));
    cr_expect_eq(fe_riscv64.off_args[5], RV_OFF_X(15));
    cr_expect_eq(fe_riscv64.hwcap, 0x112d); /* IMAFDC as Linux reports it */
    cr_expect_eq(fe_arch_for_elf(243, 2), &fe_riscv64);
    cr_expect_null(fe_arch_for_elf(243, 1));
    cr_expect_null(fe_arch_for_elf(62, 2));
}
