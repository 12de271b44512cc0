#!/usr/bin/env bash
# Guest-program tests.
#
#   tests/guest/run.sh LIFTVM SCRATCHDIR [NAME...]
#
# Every tests/guest/NAME.c is built three ways at test time: for riscv64
# static (riscv64-linux-gnu-gcc -O2 -static), for riscv64 dynamic (only when
# the source says "//! dynamic: yes"; run with -L SYSROOT) and natively
# (gcc -O2).  Each riscv64 build runs under LIFTVM and must print the same
# stdout and end with the same exit status as the native build.
#
# Every tests/guest/NAME.S is riscv64 assembly (no libc) whose stdout and exit
# status must match NAME.expected.  With LIFTVM_UPDATE_EXPECTED=1 the .expected
# files are rewritten from this run instead: do that only with a trusted
# LIFTVM such as qemu-riscv64.
#
# Per-test settings are comment lines in the source, "//! key: value":
#   rvflags:  extra flags for the riscv64 compile (e.g. -march=rv64gc_zbb)
#   cflags:   extra flags for both compiles
#   libs:     extra link flags for both (e.g. -lm)
#   rvlibs:   extra link flags for the riscv64 builds only (e.g. -latomic)
#   dynamic:  yes -> also build and run a dynamically linked riscv64 binary
#   args:     program arguments as shell words (quotes work); @TMP@ becomes
#             a fresh empty directory
#   env:      VAR=value pairs put into the program's environment
#   status:   the exit status every build must end with (e.g. 134 = SIGABRT)
#
# Environment: LIFTVM_TEST_ARGS (extra options put before the program, e.g. a
# tier switch), RV_CC, NATIVE_CC, RV_SYSROOT, GUEST_TIMEOUT (seconds per run).
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
NATIVE_CC=${NATIVE_CC:-gcc}
RV_SYSROOT=${RV_SYSROOT:-/usr/riscv64-linux-gnu}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-300}
read -r -a EXTRA_ARGS <<< "${LIFTVM_TEST_ARGS:-}"

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

# No core files from the signal tests.
ulimit -c 0
shopt -s nullglob

for tool in "$RV_CC" "$NATIVE_CC"; do
    if ! command -v "$tool" > /dev/null; then
        echo "FAIL setup: compiler $tool not found"
        echo "0 passed, 1 failed"
        exit 1
    fi
done
if ! command -v "$LIFTVM" > /dev/null && [ ! -x "$LIFTVM" ]; then
    echo "FAIL setup: $LIFTVM is not executable"
    echo "0 passed, 1 failed"
    exit 1
fi

# The runs happen in other directories: make a relative LIFTVM path absolute.
case $LIFTVM in
*/*) LIFTVM=$(cd "$(dirname "$LIFTVM")" && pwd)/$(basename "$LIFTVM") ;;
esac
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"/{native,rv,rvdyn,asm,out,tmp} || exit 1
SCRATCH=$(cd "$SCRATCH" && pwd)

# meta FILE KEY: the value of the first "//! KEY:" line of FILE, or nothing.
meta() {
    sed -n "s|^//! $2:[[:space:]]*||p" "$1" | head -n 1
}

selected() {
    [ ${#ONLY[@]} -eq 0 ] && return 0
    local n
    for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

# run_one OUTFILE SRC CMD...: runs CMD with the test's args and env from SRC,
# stdin from /dev/null, in a fresh working directory; writes stdout followed
# by an "[exit N]" line to OUTFILE and stderr to OUTFILE.err.
run_one() {
    local out=$1 src=$2
    shift 2
    local args_meta env_meta i tmpdir status
    local -a args=() envs=()
    args_meta=$(meta "$src" args)
    env_meta=$(meta "$src" env)
    tmpdir=$(mktemp -d "$SCRATCH/tmp/run.XXXXXX")
    # The args line is shell words (quotes allowed); it is our own source.
    eval "args=($args_meta)"
    for i in "${!args[@]}"; do
        args[i]=${args[i]//@TMP@/$tmpdir/d}
    done
    mkdir -p "$tmpdir/d" "$tmpdir/cwd"
    read -r -a envs <<< "$env_meta"
    # (The outer 2>/dev/null only silences bash's "Aborted" job messages.)
    {
        (cd "$tmpdir/cwd" && exec env "${envs[@]}" timeout -k 5 "$GUEST_TIMEOUT" "$@" "${args[@]}") \
            < /dev/null > "$out" 2> "$out.err"
        status=$?
    } 2> /dev/null
    printf '\n[exit %d]\n' "$status" >> "$out"
    rm -rf "$tmpdir"
}

# compare NAME EXPECTED ACTUAL WANTSTATUS: PASS/FAIL line for one check.
compare() {
    local name=$1 exp=$2 act=$3 want=$4 diffile
    diffile="$SCRATCH/out/$name.diff"
    if ! cmp -s "$exp" "$act"; then
        diff -u "$exp" "$act" > "$diffile"
        echo "--- $name: expected vs actual (head) ---" >&2
        head -n 20 "$diffile" >&2
        tail -n 5 "$act.err" >&2
        fail "$name" "output or exit status differs (see $diffile)"
    elif [ -n "$want" ] && ! grep -qx "\[exit $want\]" "$act"; then
        fail "$name" "exit status is $(tail -n 1 "$act"), expected $want"
    else
        pass "$name"
    fi
}

for src in "$HERE"/*.c; do
    name=$(basename "$src" .c)
    selected "$name" || continue
    rvflags=$(meta "$src" rvflags)
    cflags=$(meta "$src" cflags)
    libs=$(meta "$src" libs)
    rvlibs=$(meta "$src" rvlibs)
    dynamic=$(meta "$src" dynamic)
    want=$(meta "$src" status)
    log="$SCRATCH/out/$name.build.log"

    # shellcheck disable=SC2086  # the flag strings are meant to split
    if ! "$NATIVE_CC" -O2 $cflags -o "$SCRATCH/native/$name" "$src" $libs > "$log" 2>&1; then
        fail "$name" "native build failed (see $log)"
        continue
    fi
    run_one "$SCRATCH/out/$name.native" "$src" "$SCRATCH/native/$name"
    if [ -n "$want" ] && ! grep -qx "\[exit $want\]" "$SCRATCH/out/$name.native"; then
        fail "$name" "native run ended with $(tail -n 1 "$SCRATCH/out/$name.native"), expected $want"
        continue
    fi

    # shellcheck disable=SC2086
    if ! "$RV_CC" -O2 -static $cflags $rvflags -o "$SCRATCH/rv/$name" "$src" $libs $rvlibs >> "$log" 2>&1; then
        fail "$name" "riscv64 static build failed (see $log)"
    else
        run_one "$SCRATCH/out/$name.rv" "$src" "$LIFTVM" "${EXTRA_ARGS[@]}" "$SCRATCH/rv/$name"
        compare "$name" "$SCRATCH/out/$name.native" "$SCRATCH/out/$name.rv" "$want"
    fi

    if [ "$dynamic" = yes ]; then
        # shellcheck disable=SC2086
        if ! "$RV_CC" -O2 $cflags $rvflags -o "$SCRATCH/rvdyn/$name" "$src" $libs $rvlibs >> "$log" 2>&1; then
            fail "$name.dyn" "riscv64 dynamic build failed (see $log)"
        else
            run_one "$SCRATCH/out/$name.rvdyn" "$src" "$LIFTVM" "${EXTRA_ARGS[@]}" -L "$RV_SYSROOT" "$SCRATCH/rvdyn/$name"
            compare "$name.dyn" "$SCRATCH/out/$name.native" "$SCRATCH/out/$name.rvdyn" "$want"
        fi
    fi
done

for src in "$HERE"/*.S; do
    name=$(basename "$src" .S)
    selected "$name" || continue
    rvflags=$(meta "$src" rvflags)
    expected="$HERE/$name.expected"
    log="$SCRATCH/out/$name.build.log"
    # shellcheck disable=SC2086
    if ! "$RV_CC" -nostdlib -static $rvflags -o "$SCRATCH/asm/$name" "$src" > "$log" 2>&1; then
        fail "$name" "riscv64 assembly build failed (see $log)"
        continue
    fi
    run_one "$SCRATCH/out/$name.rv" "$src" "$LIFTVM" "${EXTRA_ARGS[@]}" "$SCRATCH/asm/$name"
    if [ "${LIFTVM_UPDATE_EXPECTED:-0}" = 1 ]; then
        cp "$SCRATCH/out/$name.rv" "$expected"
        echo "updated $expected" >&2
    fi
    if [ ! -f "$expected" ]; then
        fail "$name" "no $name.expected (regenerate with LIFTVM_UPDATE_EXPECTED=1 and qemu-riscv64)"
        continue
    fi
    compare "$name" "$expected" "$SCRATCH/out/$name.rv" ""
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
