#!/usr/bin/env bash
# perf names guest functions in liftvm's translated code.
#
#   tests/cache/perf_names.sh LIFTVM SCRATCHDIR
#
# Builds tests/cache/hot.c (its time goes to guest_hot_block) for riscv64
# and records liftvm running it with perf record -e cpu-clock (software
# events work where hardware counters do not):
#   perfmap   --perfmap, compiled units: perf report shows guest_hot_block+0x...
#   cached    the same with every unit loaded from the disk cache
#   jitdump   --jitdump, perf record -k mono, perf inject --jit: perf report
#             shows the name from the jitdump (code bytes, for perf annotate)
# perf must be installed (Debian: linux-perf) and perf record permitted:
# as root it is; otherwise /proc/sys/kernel/perf_event_paranoid must be 2
# or lower, and the test fails saying so (it never skips silently).
# Prints "PASS name" or "FAIL name: reason"; exits 0 only if all passed.
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 LIFTVM SCRATCHDIR" >&2
    exit 2
fi
LIFTVM=$1
S=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RV_CC=${RV_CC:-riscv64-linux-gnu-gcc}
case $LIFTVM in /*) ;; *) LIFTVM=$PWD/$LIFTVM ;; esac
case $S in /*) ;; *) S=$PWD/$S ;; esac
unset LIFTVM_CACHE LIFTVM_CACHE_DIR LIFTVM_PERFMAP LIFTVM_JITDUMP LIFTVM_JIT LIFTVM_LOG

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit $?
}

rm -rf "$S"
mkdir -p "$S"
if ! command -v perf > /dev/null; then
    fail setup "perf is not installed (Debian: apt-get install linux-perf; scripts/install-deps.sh does)"
    finish
fi
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2> /dev/null || echo "?")
if [ "$(id -u)" != 0 ] && [ "$paranoid" != "?" ] && [ "$paranoid" -gt 2 ]; then
    fail setup "perf record is not permitted: /proc/sys/kernel/perf_event_paranoid is $paranoid; run as root or: sudo sysctl kernel.perf_event_paranoid=2"
    finish
fi
if ! "$RV_CC" -O2 -static -o "$S/hot" "$HERE/hot.c" 2> "$S/cc.err"; then
    fail setup "cannot build hot.c with $RV_CC: $(head -3 "$S/cc.err")"
    finish
fi
if ! perf record -q -e cpu-clock -o "$S/probe.data" -- true > "$S/probe.err" 2>&1; then
    fail setup "perf record does not work here (perf_event_paranoid $paranoid): $(head -3 "$S/probe.err")"
    finish
fi

# report DATA: the symbols perf report lists, most samples first
report() {
    perf report -i "$1" --stdio --sort sym 2> /dev/null | grep -v '^#' | grep '%' | head -12
}
# top NAME DATA: pass if guest_hot_block leads the translated code
check() {
    local name=$1 data=$2
    report "$data" > "$S/$name.report"
    if grep -Eq 'guest_hot_block\+0x[0-9a-f]+ \[rv64 0x[0-9a-f]+ T[12]\]' "$S/$name.report"; then
        pass "$name: $(grep -m1 guest_hot_block "$S/$name.report" | sed 's/^ *//')"
    else
        fail "$name" "perf report does not name guest_hot_block: $(head -5 "$S/$name.report")"
    fi
}

# Compiled units, named through /tmp/perf-PID.map.
perf record -q -e cpu-clock -o "$S/map.data" -- \
    "$LIFTVM" --cache-dir "$S/cache" --jit=t2 --perfmap "$S/hot" > "$S/map.out" 2> "$S/map.err"
check perfmap "$S/map.data"
# The same program again: every unit comes from the disk cache.
perf record -q -e cpu-clock -o "$S/cached.data" -- \
    "$LIFTVM" --cache-dir "$S/cache" --jit=t2 --perfmap -d stats "$S/hot" > "$S/cached.out" \
    2> "$S/cached.err"
if ! grep -q ' 0 misses' "$S/cached.err"; then
    fail cached "the second run compiled units: $(grep '^jit: cache' "$S/cached.err")"
else
    check cached "$S/cached.data"
fi
if ! cmp -s "$S/map.out" "$S/cached.out"; then
    fail "outputs" "cold and warm runs printed different results"
fi

# jitdump: timestamps must be CLOCK_MONOTONIC (-k mono) for perf inject.
mkdir -p "$S/jd"
JITDUMPDIR=$S/jd perf record -q -k mono -e cpu-clock -o "$S/jd.data" -- \
    "$LIFTVM" --cache=off --jit=t2 --jitdump "$S/hot" 200 > "$S/jd.out" 2> "$S/jd.err"
if ! perf inject --jit -i "$S/jd.data" -o "$S/jd.inj.data" > "$S/inject.err" 2>&1; then
    fail jitdump "perf inject --jit failed: $(head -3 "$S/inject.err")"
else
    check jitdump "$S/jd.inj.data"
    if ls "$S"/jd/.debug/jit/liftvm-*/jitted-*.so > /dev/null 2>&1; then
        pass "jitdump: perf inject wrote $(ls "$S"/jd/.debug/jit/liftvm-*/jitted-*.so | wc -l) code objects"
    else
        fail jitdump "perf inject made no jitted-*.so files"
    fi
fi
finish
