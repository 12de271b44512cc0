#!/usr/bin/env bash
# Thread and signal tests.
#
#   tests/threads/run.sh LIFTVM SCRATCHDIR [NAME...]
#
# Every tests/threads/NAME.c is built for riscv64 (static, and dynamic run
# with -L RV_SYSROOT) and natively; each riscv64 build runs under LIFTVM and
# must print the same stdout and end with the same exit status as the
# native build (and as "//! status: N" if the source says so).  Settings
# are comment lines "//! key: value": cflags (both compiles), libs (both
# links), status, jit (the --jit modes the test runs under, e.g. "off
# auto"; under others it is skipped: a program that flushes code thousands
# of times is too slow when every block must be compiled before it runs).
#
# Environment: LIFTVM_TEST_ARGS (options put before the program, e.g.
# --jit=off), RV_CC, NATIVE_CC, RV_SYSROOT, GUEST_TIMEOUT (seconds per run),
# THREADS_REPEAT (runs of each riscv64 build, default 1: races show up
# with more).  Prints "PASS name" or "FAIL name: reason", then "N passed,
# M failed"; exits 0 only if every check passed.

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
NATIVE_CC=${NATIVE_CC:-gcc}
RV_SYSROOT=${RV_SYSROOT:-/usr/riscv64-linux-gnu}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-120}
THREADS_REPEAT=${THREADS_REPEAT:-1}
read -r -a EXTRA_ARGS <<< "${LIFTVM_TEST_ARGS:-}"
JIT_MODE=auto
for arg in "${EXTRA_ARGS[@]}"; do
    case $arg in --jit=*) JIT_MODE=${arg#--jit=} ;; esac
done

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

ulimit -c 0
shopt -s nullglob

for tool in "$RV_CC" "$NATIVE_CC"; do
    if ! command -v "$tool" > /dev/null; then
        echo "FAIL setup: compiler $tool not found"
        echo "0 passed, 1 failed"
        exit 1
    fi
done
case $LIFTVM in
*/*) LIFTVM=$(cd "$(dirname "$LIFTVM")" && pwd)/$(basename "$LIFTVM") ;;
esac
if [ ! -x "$LIFTVM" ]; then
    echo "FAIL setup: $LIFTVM is not executable"
    echo "0 passed, 1 failed"
    exit 1
fi
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"/{native,rv,rvdyn,out} || exit 1
SCRATCH=$(cd "$SCRATCH" && pwd)

# "//! key: value" from a source file.
setting() { sed -n "s|^//! $2: *||p" "$1" | head -n 1; }

wanted() {
    [ ${#ONLY[@]} -eq 0 ] && return 0
    local n
    for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

# Runs one build in $SCRATCH/out; stdout to $1, stderr to $1.err; returns
# the exit status.  (The outer 2>/dev/null only silences bash's
# "Segmentation fault" job messages for the tests that die of a signal.)
run() {
    local out=$1
    shift
    (cd "$SCRATCH/out" && timeout -k 5 "$GUEST_TIMEOUT" "$@" > "$out" 2> "$out.err" < /dev/null) \
        2> /dev/null
}

for src in "$HERE"/*.c; do
    name=$(basename "$src" .c)
    wanted "$name" || continue
    modes=$(setting "$src" jit)
    if [ -n "$modes" ] && [[ " $modes " != *" $JIT_MODE "* ]]; then
        echo "SKIP $name (runs under --jit=${modes// /, --jit=} only)"
        continue
    fi
    read -r -a cflags <<< "$(setting "$src" cflags)"
    read -r -a libs <<< "$(setting "$src" libs)"
    want_status=$(setting "$src" status)
    if ! "$NATIVE_CC" -O2 "${cflags[@]}" -o "$SCRATCH/native/$name" "$src" "${libs[@]}" -lm \
        2> "$SCRATCH/out/$name.native.cc"; then
        fail "$name" "native build failed (see $SCRATCH/out/$name.native.cc)"
        continue
    fi
    if ! "$RV_CC" -O2 -static "${cflags[@]}" -o "$SCRATCH/rv/$name" "$src" "${libs[@]}" -lm \
        2> "$SCRATCH/out/$name.rv.cc"; then
        fail "$name" "riscv64 build failed (see $SCRATCH/out/$name.rv.cc)"
        continue
    fi
    if ! "$RV_CC" -O2 "${cflags[@]}" -o "$SCRATCH/rvdyn/$name" "$src" "${libs[@]}" -lm \
        2> "$SCRATCH/out/$name.rvdyn.cc"; then
        fail "$name.dyn" "riscv64 dynamic build failed (see $SCRATCH/out/$name.rvdyn.cc)"
        continue
    fi
    run "$name.native" "$SCRATCH/native/$name"

    nstatus=$?
    if [ -n "$want_status" ] && [ "$nstatus" != "$want_status" ]; then
        fail "$name" "the native build ended with $nstatus, the source expects $want_status"
        continue
    fi
    for kind in static dyn; do
        label=$name
        bin=$SCRATCH/rv/$name
        dyn=()
        if [ $kind = dyn ]; then
            label=$name.dyn
            bin=$SCRATCH/rvdyn/$name
            dyn=(-L "$RV_SYSROOT")
        fi
        ok=1
        for ((i = 1; i <= THREADS_REPEAT; i++)); do
            run "$label.rv" "$LIFTVM" "${EXTRA_ARGS[@]}" "${dyn[@]}" "$bin"
            rstatus=$?
            if [ "$rstatus" != "$nstatus" ]; then
                fail "$label" "exit status $rstatus, native $nstatus (run $i; stderr in $SCRATCH/out/$label.rv.err)"
                ok=0
                break
            fi
            if ! diff -u "$SCRATCH/out/$name.native" "$SCRATCH/out/$label.rv" > "$SCRATCH/out/$label.diff"; then
                fail "$label" "output differs (run $i; see $SCRATCH/out/$label.diff)"
                ok=0
                break
            fi
        done
        [ $ok = 1 ] && pass "$label"
    done
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
