#!/usr/bin/env bash
# Thread and signal test programs.
#
#   tests/userland/run-c.sh LIFTVM SCRATCHDIR [NAME...]
#
# Every tests/userland/c/NAME.c is built three ways: natively (gcc -O2
# -pthread), for riscv64 static (riscv64-linux-gnu-gcc -O2 -pthread -static)
# and for riscv64 dynamic (the same without -static, run with -L SYSROOT).
# Each riscv64 build runs under LIFTVM and must print the same stdout and end
# with the same exit status as the native build.  The programs print only
# what is the same on every machine (counts, flags, no addresses or times).
#
# Per-test settings are comment lines in the source, "//! key: value":
#   status:  the exit status every build must end with (e.g. 143 = SIGTERM)
#   libs:    extra link flags for every build
#   args:    program arguments as shell words (quotes work)
#   timeout: seconds per run when less than GUEST_TIMEOUT (a test that
#            waits for a signal hangs while signals are not delivered)
#
# Environment: LIFTVM_TEST_ARGS (extra options put before the program), RV_CC,
# NATIVE_CC, RV_SYSROOT (default: the Debian trixie riscv64 sysroot that
# scripts/fetch-guests.sh --sysroot riscv64 made, else /usr/riscv64-linux-gnu),
# GUEST_TIMEOUT (seconds per run, default 300), LIFTVM_GUEST_CACHE.
# To check the tests themselves, use tests/userland/qemu-oracle.sh as LIFTVM
# (with LIFTVM_USERLAND_STRICT=1: every check must then pass).
# Checks named in tests/userland/xfail.txt (e.g. "pthread_mutex.static")
# print XFAIL and do not fail the run, as in run.sh; LIFTVM_USERLAND_STRICT=1
# ignores the list.
# Prints "PASS name" or "FAIL name: reason" per check, then "N passed, M failed";
# exits 0 only if no check failed.

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
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${LIFTVM_GUEST_CACHE:-$HOME/.cache/liftvm-guests}
RV_CC=${RV_CC:-riscv64-linux-gnu-gcc}
NATIVE_CC=${NATIVE_CC:-gcc}
if [ -z "${RV_SYSROOT:-}" ]; then
    if [ -f "$CACHE/sysroot-riscv64/.liftvm-sysroot" ]; then
        RV_SYSROOT=$CACHE/sysroot-riscv64
    else
        RV_SYSROOT=/usr/riscv64-linux-gnu
    fi
fi
GUEST_TIMEOUT=${GUEST_TIMEOUT:-300}
read -r -a EXTRA_ARGS <<< "${LIFTVM_TEST_ARGS:-}"

passed=0
failed=0
xfailed=0
declare -A XFAIL=()
if [ "${LIFTVM_USERLAND_STRICT:-0}" != 1 ] && [ -f "$HERE/xfail.txt" ]; then
    while read -r name reason; do
        case $name in '' | '#'*) continue ;; esac
        XFAIL[$name]=${reason:-listed}
    done < "$HERE/xfail.txt"
fi
pass() {
    if [ -n "${XFAIL[$1]:-}" ]; then
        echo "PASS $1 (XPASS: listed in xfail.txt, remove it there)"
    else
        echo "PASS $1"
    fi
    passed=$((passed + 1))
}
fail() {
    if [ -n "${XFAIL[$1]:-}" ]; then
        echo "XFAIL $1: $2"
        xfailed=$((xfailed + 1))
    else
        echo "FAIL $1: $2"
        failed=$((failed + 1))
    fi
}
finish() {
    [ "$xfailed" -eq 0 ] || echo "($xfailed known failures from tests/userland/xfail.txt)"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ $((passed + xfailed)) -gt 0 ]
    exit $?
}

ulimit -c 0
shopt -s nullglob

for tool in "$RV_CC" "$NATIVE_CC"; do
    if ! command -v "$tool" > /dev/null; then
        fail setup "compiler $tool not found"
        finish
    fi
done
if ! command -v "$LIFTVM" > /dev/null && [ ! -x "$LIFTVM" ]; then
    fail setup "$LIFTVM is not executable"
    finish
fi
if [ -x "$LIFTVM" ]; then
    LIFTVM=$(cd "$(dirname "$LIFTVM")" && pwd)/$(basename "$LIFTVM")
else
    LIFTVM=$(command -v "$LIFTVM")
fi
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"/{native,rv,rvdyn,out,tmp} || exit 1
SCRATCH=$(cd "$SCRATCH" && pwd)

meta() {
    sed -n "s|^//! $2:[[:space:]]*||p" "$1" | head -n 1
}

selected() {
    [ ${#ONLY[@]} -eq 0 ] && return 0
    local n
    for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

# run_one OUTFILE CMD...: runs CMD and then $ARGS in a fresh folder with
# stdin from /dev/null and at most $LIMIT seconds; stdout then "[exit N]" go to
# OUTFILE, stderr to OUTFILE.err.
run_one() {
    local out=$1 dir status
    shift
    dir=$(mktemp -d "$SCRATCH/tmp/run.XXXXXX")
    {
        (cd "$dir" && exec timeout -k 5 "$LIMIT" "$@" "${ARGS[@]}") < /dev/null > "$out" 2> "$out.err"
        status=$?
    } 2> /dev/null
    printf '[exit %d]\n' "$status" >> "$out"
    rm -rf "$dir"
}

# compare NAME EXPECTED ACTUAL: PASS/FAIL line with the first difference.
compare() {
    local name=$1 exp=$2 act=$3 first err
    if cmp -s "$exp" "$act"; then
        pass "$name"
        return
    fi
    diff -u "$exp" "$act" > "$act.diff"
    first=$(grep -a -m 1 '^[-+][^-+]' "$act.diff" | cut -c 1-120)
    err=$(grep -a . "$act.err" | tail -n 1 | tr -cd '[:print:]\t' | cut -c 1-200)
    fail "$name" "$(tail -n 1 "$act") (native $(tail -n 1 "$exp")); first difference: ${first:-?}${err:+ | last stderr line: $err}"
}

for src in "$HERE"/c/*.c; do
    name=$(basename "$src" .c)
    selected "$name" || continue
    libs=$(meta "$src" libs)
    want=$(meta "$src" status)
    # The args line is shell words (quotes allowed); it is our own source.
    eval "ARGS=($(meta "$src" args))"
    LIMIT=$(meta "$src" timeout)
    if [ -z "$LIMIT" ] || [ "$LIMIT" -gt "$GUEST_TIMEOUT" ]; then
        LIMIT=$GUEST_TIMEOUT
    fi
    log="$SCRATCH/out/$name.build.log"
    # shellcheck disable=SC2086  # the flag string is meant to split
    if ! "$NATIVE_CC" -O2 -pthread -o "$SCRATCH/native/$name" "$src" $libs > "$log" 2>&1; then
        fail "$name" "native build failed (see $log)"
        continue
    fi
    run_one "$SCRATCH/out/$name.native" "$SCRATCH/native/$name"
    if [ -n "$want" ] && ! grep -qx "\[exit $want\]" "$SCRATCH/out/$name.native"; then
        fail "$name" "native run ended with $(tail -n 1 "$SCRATCH/out/$name.native"), expected $want"
        continue
    fi

    # shellcheck disable=SC2086
    if ! "$RV_CC" -O2 -pthread -static -o "$SCRATCH/rv/$name" "$src" $libs >> "$log" 2>&1; then
        fail "$name.static" "riscv64 static build failed (see $log)"
    else
        run_one "$SCRATCH/out/$name.rv" "$LIFTVM" "${EXTRA_ARGS[@]}" "$SCRATCH/rv/$name"
        compare "$name.static" "$SCRATCH/out/$name.native" "$SCRATCH/out/$name.rv"
    fi
    # shellcheck disable=SC2086
    if ! "$RV_CC" -O2 -pthread -o "$SCRATCH/rvdyn/$name" "$src" $libs >> "$log" 2>&1; then
        fail "$name.dynamic" "riscv64 dynamic build failed (see $log)"
    else
        run_one "$SCRATCH/out/$name.rvdyn" "$LIFTVM" "${EXTRA_ARGS[@]}" -L "$RV_SYSROOT" "$SCRATCH/rvdyn/$name"
        compare "$name.dynamic" "$SCRATCH/out/$name.native" "$SCRATCH/out/$name.rvdyn"
    fi
done

finish
