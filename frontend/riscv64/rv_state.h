/*
 * rv_state.h — the RV64 guest state (fixed layout; the IR addresses it by
 * byte offset with GET/PUT).  fcsr is not stored: fflags and frm live in the
 * IR state head (fp_flags, fp_rm) so the IR's FP ops can reach them.
 */
#ifndef LIFTVM_RV_STATE_H
#define LIFTVM_RV_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "ir/ir.h"

typedef struct fe_rv64_state {
    ir_state_head head;
    uint64_t x[32]; /* x0 is stored but always reads 0: the frontend never PUTs it */
    uint64_t f[32]; /* raw bits; singles are NaN-boxed */
} fe_rv64_state;

#define RV_OFF_X(i) (offsetof(fe_rv64_state, x) + 8 * (size_t)(i))
#define RV_OFF_F(i) (offsetof(fe_rv64_state, f) + 8 * (size_t)(i))
#define RV_OFF_PC offsetof(fe_rv64_state, head.pc)
#define RV_OFF_FFLAGS offsetof(fe_rv64_state, head.fp_flags)
#define RV_OFF_FRM offsetof(fe_rv64_state, head.fp_rm)
#define RV_OFF_INSTRET offsetof(fe_rv64_state, head.instret)

#endif
