#!/usr/bin/env bash
# JIT differential tests: guest programs that stress the LLVM tiers.
#
#   tests/jit/run.sh LIFTVM SCRATCHDIR [NAME...]
#
# Every tests/jit/NAME.c is built for riscv64 (static, -O2, -lm) and run under
# --jit=off (the reference: the interpreter), then under --jit=t1, t2, auto,
# auto with tiny thresholds (--hot1=1 --hot2=4, so code goes through every
# tier while it runs), and t1/t2/auto again with the compile-failure test
# hook LIFTVM_JIT_FAIL_EVERY=2 (every second compile fails; the guest must
# not notice), and t2 with LIFTVM_JIT_CHECKPOINT_COST=0 (every guest access
# that needs a checkpoint is checked against the page table instead, so
# fault_regs.c's faults are left to the interpreter before they happen).
# stdout, stderr and the exit status must equal the reference.
# The disk cache is off (LIFTVM_CACHE=off): every mode compiles for real.
# Then, when LIFTVM loads its LLVM side as a module (liftvm-llvm.so beside
# it), tierup runs with the module missing and with a foreign library in its
# place: same stdout and status as the reference, and one line naming the
# problem on stderr.
#
# Per-test settings are comment lines in the source, "//! key: value":
#   runs:   argument words; each word is a separate run (default: one run
#           without arguments)
#   status: the exit status the reference run must end with
#
# Environment: RV_CC, GUEST_TIMEOUT (seconds per run).
# Prints "PASS name" or "FAIL name: reason" per check, then "N passed, M failed";
# exits 0 only if every check passed.
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 LIFTVM SCRATCHDIR [NAME...]" >&2
    exit 2
fi
LIFTVM=$1
SCRATCH=$2
shift 2
ONLY=("$@")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RV_CC=${RV_CC:-riscv64-linux-gnu-gcc}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-300}

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
ulimit -c 0

if ! command -v "$RV_CC" > /dev/null; then
    echo "FAIL setup: compiler $RV_CC not found"
    echo "0 passed, 1 failed"
    exit 1
fi
case $LIFTVM in /*) ;; *) LIFTVM=$PWD/$LIFTVM ;; esac
if [ ! -x "$LIFTVM" ]; then
    echo "FAIL setup: $LIFTVM is not executable"
    echo "0 passed, 1 failed"
    exit 1
fi
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH" || exit 1
SCRATCH=$(cd "$SCRATCH" && pwd)

meta() { sed -n "s|^//! $2:[[:space:]]*||p" "$1" | head -n 1; }

selected() {
    [ ${#ONLY[@]} -eq 0 ] && return 0
    local n
    for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

# run OUT ENV-ASSIGNMENTS... -- LIFTVM-ARGS... : runs the guest in SCRATCH
# with stdout, then "[exit N]", then stderr, in OUT.
# (bash exports `_`, the last argument of the previous command: dropped, so
# that every run sees the same environment and so the same stack addresses)
run() {
    local out=$1
    shift
    local -a envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    local status
    # (The outer 2>/dev/null only silences bash's "Segmentation fault" job messages.)
    {
        (cd "$SCRATCH" && exec env -u _ LIFTVM_CACHE=off "${envs[@]}" timeout -k 5 "$GUEST_TIMEOUT" "$LIFTVM" "$@") \
            < /dev/null > "$out" 2> "$out.err"
        status=$?
    } 2> /dev/null
    printf '[exit %d]\n' "$status" >> "$out"
    cat "$out.err" >> "$out"
}

# The modes compared with the reference: name, environment, options.
MODES=(
    "t1||--jit=t1"
    "t2||--jit=t2"
    "auto||--jit=auto"
    "auto-tiny||--jit=auto --hot1=1 --hot2=4"
    "t1-fail|LIFTVM_JIT_FAIL_EVERY=2|--jit=t1"
    "t2-fail|LIFTVM_JIT_FAIL_EVERY=2|--jit=t2"
    "t2-checked|LIFTVM_JIT_CHECKPOINT_COST=0|--jit=t2"
    "auto-fail|LIFTVM_JIT_FAIL_EVERY=2|--jit=auto --hot1=1 --hot2=4"
)

for src in "$HERE"/*.c; do
    name=$(basename "$src" .c)
    selected "$name" || continue
    bin="$SCRATCH/$name"
    if ! "$RV_CC" -O2 -static -o "$bin" "$src" -lm > "$SCRATCH/$name.build.log" 2>&1; then
        fail "$name" "riscv64 build failed (see $SCRATCH/$name.build.log)"
        continue
    fi
    read -r -a runs <<< "$(meta "$src" runs)"
    [ ${#runs[@]} -eq 0 ] && runs=("")
    want=$(meta "$src" status)
    for arg in "${runs[@]}"; do
        label=$name${arg:+-$arg}
        ref="$SCRATCH/$label.off"
        run "$ref" -- --jit=off "$bin" ${arg:+"$arg"}
        if [ -n "$want" ] && ! grep -qx "\[exit $want\]" "$ref"; then
            fail "$label" "the interpreter run ended with $(grep '^\[exit' "$ref"), expected $want"
            continue
        fi
        for m in "${MODES[@]}"; do
            IFS='|' read -r mname menv mopts <<< "$m"
            out="$SCRATCH/$label.$mname"
            read -r -a opts <<< "$mopts"
            run "$out" $menv -- "${opts[@]}" "$bin" ${arg:+"$arg"}
            if cmp -s "$ref" "$out"; then
                pass "$label/$mname"
            else
                diff -u "$ref" "$out" | head -n 20 >&2
                fail "$label/$mname" "differs from --jit=off (see $out)"
            fi
        done
    done
done

# module NAME PATH EXPECTED: the LLVM module at PATH cannot be used; the
# guest must run as under --jit=off, with EXPECTED in the jit's message.
module() {
    local name=$1 path=$2 expected=$3 ref="$SCRATCH/tierup.off" out="$SCRATCH/tierup.$1"
    if [ ! -f "$ref" ]; then
        return
    fi
    run "$out" LIFTVM_LLVM_MODULE="$path" -- --jit=t1 "$SCRATCH/tierup"
    if ! cmp -s <(sed '/^\[exit/q' "$ref") <(sed '/^\[exit/q' "$out"); then
        fail "module-$name" "stdout or status differ from --jit=off (see $out)"
    elif ! grep -q "liftvm: jit: the LLVM session cannot start: .*$expected.*; interpreting only" "$out"; then
        fail "module-$name" "no message naming the problem (see $out)"
    else
        pass "module-$name"
    fi
}
if [ -f "$(dirname "$LIFTVM")/liftvm-llvm.so" ] && selected tierup; then
    module missing "$SCRATCH/no-such-module.so" "cannot load the LLVM module"
    foreign=$(ldd "$LIFTVM" | awk '/libm\.so/ {print $3}')
    if [ -n "$foreign" ]; then
        module foreign "$foreign" "is not the LLVM module this liftvm was built with"
    else
        fail module-foreign "no shared library of liftvm's (libm) to stand in for the module"
    fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
