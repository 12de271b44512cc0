#!/usr/bin/env bash
# Userland benchmarks: Debian's lua5.4, python3.13 and sqlite3, native
# amd64 vs riscv64 under liftvm vs riscv64 under qemu-riscv64.
#
#   perf/userland.sh [--quick] [--short-only|--long-only] [--runs N]
#                    [--liftvm PATH] [--only NAME,NAME...]
#
# Uses the two Debian trixie sysroots of scripts/fetch-guests.sh --sysroot
# all (fetched if missing; same package versions on both).  The native
# column runs the amd64 build through its sysroot's own loader; liftvm and
# qemu run the riscv64 build with -L on the riscv64 sysroot.  Two kinds of
# workload:
#   short   start-up dominated: lua5.4 -e 'print(1)', python3.13 -c pass,
#           python3.13 importing json/re/hashlib, sqlite3 'select 1'
#   long    a few seconds natively: perf/userland/bench.lua (calls, strings,
#           tables), bench.py (loops, dicts, json, re), bench.sql (bulk
#           insert of 600,000 rows, index, aggregates, join, update)
# Each runner's output must equal the native one before it is timed.  The
# table (seconds and the ratios liftvm/native, qemu/native) is printed and
# written to OUT/userland.txt; hyperfine's JSON per run goes to
# OUT/NAME.RUNNER.json.
#
#   --quick        long workloads at 1/20 of the size (use it while liftvm
#                  only interprets); also LIFTVM_PERF_QUICK=1
#   --short-only   only the start-up workloads; --long-only: only the long
#   --runs N       timed runs per workload and runner (default 5, quick 3)
#   --liftvm P     the liftvm binary (default: $LIFTVM, else build/liftvm)
#   --only LIST    comma-separated workload names (lua-start,py-bench,...)
# Environment: LIFTVM_PERF_DIR (OUT, default build/perf), QEMU (default
# qemu-riscv64; the static qemu 10 of fetch-guests.sh --qemu is in the guest
# cache's qemu/ folder), LIFTVM_GUEST_CACHE.
# Exits non-zero if a runner fails or prints something else than native.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
QUICK=${LIFTVM_PERF_QUICK:-0}
KINDS="short long"
RUNS=
LIFTVM_BIN=${LIFTVM:-$REPO/build/liftvm}
ONLY=
OUT=${LIFTVM_PERF_DIR:-$REPO/build/perf}
QEMU=${QEMU:-qemu-riscv64}
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${LIFTVM_GUEST_CACHE:-$HOME/.cache/liftvm-guests}

usage() {
    sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case $1 in
    --quick) QUICK=1; shift ;;
    --short-only) KINDS=short; shift ;;
    --long-only) KINDS=long; shift ;;
    --runs) [ $# -ge 2 ] || usage; RUNS=$2; shift 2 ;;
    --liftvm) [ $# -ge 2 ] || usage; LIFTVM_BIN=$2; shift 2 ;;
    --only) [ $# -ge 2 ] || usage; ONLY=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "perf/userland.sh: unknown argument $1" >&2; usage ;;
    esac
done
if [ -z "$RUNS" ]; then
    if [ "$QUICK" = 1 ]; then RUNS=3; else RUNS=5; fi
fi

"$REPO/scripts/fetch-guests.sh" --sysroot all "$CACHE" > /dev/null
AMD=$CACHE/sysroot-amd64
RV=$CACHE/sysroot-riscv64
LOADER=$AMD/lib64/ld-linux-x86-64.so.2
LIBPATH=$AMD/lib/x86_64-linux-gnu:$AMD/usr/lib/x86_64-linux-gnu

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$OUT/userland-work
rm -rf "$WORK"
mkdir -p "$WORK"
HAVE_HYPERFINE=0
command -v hyperfine > /dev/null && HAVE_HYPERFINE=1
HAVE_LIFTVM=0
[ -x "$LIFTVM_BIN" ] && HAVE_LIFTVM=1 && LIFTVM_BIN=$(cd "$(dirname "$LIFTVM_BIN")" && pwd)/$(basename "$LIFTVM_BIN")
HAVE_QEMU=0
command -v "$QEMU" > /dev/null && HAVE_QEMU=1 && QEMU=$(command -v "$QEMU")
[ "$HAVE_LIFTVM" = 1 ] || echo "perf: no liftvm at $LIFTVM_BIN; its column stays empty" >&2
[ "$HAVE_QEMU" = 1 ] || echo "perf: no $QEMU; its column stays empty" >&2

# name, kind, program, arguments (@SIZE@ becomes the size), full size,
# quick size.  bench-SIZE.sql is bench.sql with its size filled in.
WORKLOADS=(
    "lua-start|short|lua5.4|-e print(1)|0|0"
    "py-start|short|python3.13|-c pass|0|0"
    "py-imports|short|python3.13|-c import json, re, hashlib, subprocess, threading|0|0"
    "sqlite-start|short|sqlite3|:memory: select 1;|0|0"
    "lua-bench|long|lua5.4|bench.lua @SIZE@|80|4"
    "py-bench|long|python3.13|bench.py @SIZE@|80|4"
    "sqlite-bench|long|sqlite3|:memory: .read bench-@SIZE@.sql|600000|30000"
)

# run_cmd RUNNER PROG ARGS...: the command line for one runner.
run_cmd() {
    local runner=$1 prog=$2
    shift 2
    case $runner in
    native) printf '%s\0' "$LOADER" --library-path "$LIBPATH" "$AMD/usr/bin/$prog" "$@" ;;
    liftvm) printf '%s\0' "$LIFTVM_BIN" -L "$RV" "$RV/usr/bin/$prog" "$@" ;;
    qemu) printf '%s\0' "$QEMU" -L "$RV" "$RV/usr/bin/$prog" "$@" ;;
    esac
}

# mean_seconds NAME RUNNER CMD...: mean wall time of RUNS runs (in WORK,
# stdin from /dev/null).
mean_seconds() {
    local name=$1 runner=$2
    shift 2
    local json="$OUT/$name.$runner.json"
    if [ "$HAVE_HYPERFINE" = 1 ]; then
        (cd "$WORK" && hyperfine -N --runs "$RUNS" --warmup 1 --export-json "$json" \
            --style none --output=pipe --command-name "$name.$runner" -- "$(printf '%q ' "$@")") \
            > "$OUT/$name.$runner.log" 2>&1 || return 1
        sed -n 's/^ *"mean": *\([0-9.eE+-]*\),*$/\1/p' "$json" | head -n 1
    else
        local i t0 t1 total=0
        for ((i = 0; i < RUNS; i++)); do
            t0=$(date +%s.%N)
            (cd "$WORK" && "$@") < /dev/null > /dev/null 2>&1 || return 1
            t1=$(date +%s.%N)
            total=$(awk -v a="$total" -v b="$t0" -v c="$t1" 'BEGIN { printf "%.6f", a + c - b }')
        done
        awk -v t="$total" -v n="$RUNS" 'BEGIN { printf "%.6f\n", t / n }'
    fi
}

selected() {
    [ -z "$ONLY" ] && return 0
    [[ ",$ONLY," == *",$1,"* ]]
}

cp "$HERE"/userland/bench.lua "$HERE"/userland/bench.py "$WORK"/
export LC_ALL=C TZ=UTC
status=0
rows=()
for entry in "${WORKLOADS[@]}"; do
    IFS='|' read -r name kind prog argline full quick <<< "$entry"
    [[ " $KINDS " == *" $kind "* ]] || continue
    selected "$name" || continue
    size=$full
    [ "$QUICK" = 1 ] && size=$quick
    argline=${argline//@SIZE@/$size}
    sed "s/@N@/$size/g" "$HERE/userland/bench.sql" > "$WORK/bench-$size.sql"
    # The argument line splits on blanks, except after "-e", "-c" or
    # ":memory:", where the rest is one argument (a program text).
    args=()
    case $argline in
    "-e "* | "-c "* | ":memory: "*) args=("${argline%% *}" "${argline#* }") ;;
    ?*) read -r -a args <<< "$argline" ;;
    esac
    if [ "$kind" = long ]; then echo "perf: $name (size $size)" >&2; else echo "perf: $name" >&2; fi
    mapfile -d '' -t cmd < <(run_cmd native "$prog" "${args[@]}")
    if ! (cd "$WORK" && "${cmd[@]}") < /dev/null > "$OUT/$name.native.out" 2> "$OUT/$name.native.err"; then
        echo "perf: $name fails natively (see $OUT/$name.native.err)" >&2
        status=1
        continue
    fi
    t_native=$(mean_seconds "$name" native "${cmd[@]}") || t_native=FAIL
    t_liftvm=-
    t_qemu=-
    for runner in liftvm qemu; do
        if [ "$runner" = liftvm ] && [ "$HAVE_LIFTVM" = 0 ]; then continue; fi
        if [ "$runner" = qemu ] && [ "$HAVE_QEMU" = 0 ]; then continue; fi
        mapfile -d '' -t cmd < <(run_cmd "$runner" "$prog" "${args[@]}")
        t=FAIL
        if (cd "$WORK" && "${cmd[@]}") < /dev/null > "$OUT/$name.$runner.out" 2> "$OUT/$name.$runner.err" &&
            cmp -s "$OUT/$name.native.out" "$OUT/$name.$runner.out"; then
            t=$(mean_seconds "$name" "$runner" "${cmd[@]}") || t=FAIL
        else
            echo "perf: $name under $runner failed or printed something else (see $OUT/$name.$runner.*)" >&2
            status=1
        fi
        if [ "$runner" = liftvm ]; then t_liftvm=$t; else t_qemu=$t; fi
    done
    rows+=("$name $kind $t_native $t_liftvm $t_qemu")
done

{
    if [ "$QUICK" = 1 ]; then mode="quick sizes"; else mode="full sizes"; fi
    echo "liftvm userland benchmarks, $mode, mean of $RUNS runs, $(date -u +%Y-%m-%dT%H:%MZ)"
    printf '%s\n' "${rows[@]}" | awk '
        function num(x) { return x ~ /^[0-9.eE+-]+$/ && x > 0 }
        function fmt(x) { return num(x) ? sprintf("%.3f", x) : x }
        function ratio(a, b) { return (num(a) && num(b)) ? sprintf("%.2f", a / b) : "-" }
        function gm(s, n) { return n ? sprintf("%.2f", exp(s / n)) : "-" }
        BEGIN {
            printf "%-13s %-6s %10s %10s %10s %14s %12s\n", "workload", "kind", "native s", "liftvm s", "qemu s", "liftvm/native", "qemu/native"
        }
        NF == 5 {
            printf "%-13s %-6s %10s %10s %10s %14s %12s\n", $1, $2, fmt($3), fmt($4), fmt($5), ratio($4, $3), ratio($5, $3)
            if (num($3) && num($4)) { rl[$2] += log($4 / $3); nl[$2]++ }
            if (num($3) && num($5)) { rq[$2] += log($5 / $3); nq[$2]++ }
        }
        END {
            for (k in nl) seen[k] = 1
            for (k in nq) seen[k] = 1
            for (k in seen)
                printf "%-13s %-6s %10s %10s %10s %14s %12s\n", "geomean", k, "", "", "", gm(rl[k], nl[k]), gm(rq[k], nq[k])
        }'
} | tee "$OUT/userland.txt"
exit "$status"
