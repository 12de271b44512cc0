#!/usr/bin/env bash
# Benchmarks: native x86-64 vs liftvm vs qemu-riscv64.
#
#   perf/run.sh [--quick] [--runs N] [--liftvm PATH] [--only NAME,NAME...]
#
# Builds every perf/bench_*.c for riscv64 (-O2 -static) and natively (-O2),
# checks that each riscv64 build prints the same as the native one under
# liftvm and under qemu-riscv64, times the three with hyperfine (or a plain
# timing loop without it) and prints one table: benchmark, seconds for
# native, liftvm and qemu, and the ratios liftvm/native and qemu/native,
# with a geometric-mean row.  The table is also written to
# OUT/table.txt, and hyperfine's JSON per run to OUT/NAME.RUNNER.json.
# A second table gives the jit's own costs, from two more (untimed) liftvm
# runs per benchmark: the compile thread's CPU time and the peak RSS with
# the jit (-d stats), and the peak RSS interpreting only (--jit=off, its
# first 20 s; needs /usr/bin/time); also in OUT/jit.txt.
#
#   --quick      small sizes (about 1/40 of the work): for the interpreter,
#                or a fast check; also LIFTVM_PERF_QUICK=1
#   --runs N     timed runs per benchmark and runner (default 5, quick 3)
#   --liftvm P   the liftvm binary (default: $LIFTVM, else build/liftvm)
#   --only LIST  comma-separated benchmark names (crc,nbody,...)
# Environment: LIFTVM_PERF_DIR (OUT, default build/perf), RV_CC, NATIVE_CC,
# QEMU (default qemu-riscv64).
# Exits non-zero if a build fails or any runner's output differs from native.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
QUICK=${LIFTVM_PERF_QUICK:-0}
RUNS=
LIFTVM_BIN=${LIFTVM:-$REPO/build/liftvm}
ONLY=
OUT=${LIFTVM_PERF_DIR:-$REPO/build/perf}
RV_CC=${RV_CC:-riscv64-linux-gnu-gcc}
NATIVE_CC=${NATIVE_CC:-gcc}
QEMU=${QEMU:-qemu-riscv64}

usage() {
    sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case $1 in
    --quick) QUICK=1; shift ;;
    --runs) [ $# -ge 2 ] || usage; RUNS=$2; shift 2 ;;
    --liftvm) [ $# -ge 2 ] || usage; LIFTVM_BIN=$2; shift 2 ;;
    --only) [ $# -ge 2 ] || usage; ONLY=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "perf/run.sh: unknown argument $1" >&2; usage ;;
    esac
done
if [ -z "$RUNS" ]; then
    if [ "$QUICK" = 1 ]; then RUNS=3; else RUNS=5; fi
fi

# name, full size, quick size.  Each program's comment says what SIZE means;
# the full sizes take about 1-3 s natively on a 2020s x86-64 core.
BENCHES=(
    "crc 800 20"
    "nbody 12000 300"
    "ptrchase 150 10"
    "sort 300 10"
    "interp 1000 40"
)

mkdir -p "$OUT"
CFLAGS=(-O2 -ffp-contract=off)   # no FMA contraction: same FP results on both
HAVE_HYPERFINE=0
command -v hyperfine > /dev/null && HAVE_HYPERFINE=1
HAVE_LIFTVM=0
[ -x "$LIFTVM_BIN" ] && HAVE_LIFTVM=1
HAVE_QEMU=0
command -v "$QEMU" > /dev/null && HAVE_QEMU=1
[ "$HAVE_LIFTVM" = 1 ] || echo "perf: no liftvm at $LIFTVM_BIN; its column stays empty" >&2
[ "$HAVE_QEMU" = 1 ] || echo "perf: no $QEMU; its column stays empty" >&2

# mean_seconds NAME RUNNER CMD...: prints the mean wall time of RUNS runs.
mean_seconds() {
    local name=$1 runner=$2
    shift 2
    local json="$OUT/$name.$runner.json"
    if [ "$HAVE_HYPERFINE" = 1 ]; then
        hyperfine -N --runs "$RUNS" --export-json "$json" --style none --output=pipe \
            --command-name "$name.$runner" -- "$(printf '%q ' "$@")" > "$OUT/$name.$runner.log" 2>&1 || return 1
        sed -n 's/^ *"mean": *\([0-9.eE+-]*\),*$/\1/p' "$json" | head -n 1
    else
        local i t0 t1 total=0
        for ((i = 0; i < RUNS; i++)); do
            t0=$(date +%s.%N)
            "$@" > /dev/null 2>&1 || return 1
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

status=0
rows=()
jrows=()
HAVE_TIME=0
[ -x /usr/bin/time ] && HAVE_TIME=1
for entry in "${BENCHES[@]}"; do
    read -r name full quick <<< "$entry"
    selected "$name" || continue
    size=$full
    [ "$QUICK" = 1 ] && size=$quick
    src="$HERE/bench_$name.c"
    native="$OUT/$name.native"
    rv="$OUT/$name.rv"
    if ! "$NATIVE_CC" "${CFLAGS[@]}" -o "$native" "$src" -lm ||
        ! "$RV_CC" "${CFLAGS[@]}" -static -o "$rv" "$src" -lm; then
        echo "perf: building $name failed" >&2
        status=1
        continue
    fi
    echo "perf: $name (size $size)" >&2
    "$native" "$size" > "$OUT/$name.native.out"
    t_native=$(mean_seconds "$name" native "$native" "$size")
    t_liftvm=-
    t_qemu=-
    if [ "$HAVE_LIFTVM" = 1 ]; then
        if "$LIFTVM_BIN" "$rv" "$size" > "$OUT/$name.liftvm.out" 2> "$OUT/$name.liftvm.err" &&
            cmp -s "$OUT/$name.native.out" "$OUT/$name.liftvm.out"; then
            t_liftvm=$(mean_seconds "$name" liftvm "$LIFTVM_BIN" "$rv" "$size") || t_liftvm=FAIL
        else
            echo "perf: $name under liftvm failed or printed something else (see $OUT/$name.liftvm.*)" >&2
            t_liftvm=FAIL
            status=1
        fi
    fi
    if [ "$HAVE_QEMU" = 1 ]; then
        if "$QEMU" "$rv" "$size" > "$OUT/$name.qemu.out" 2> "$OUT/$name.qemu.err" &&
            cmp -s "$OUT/$name.native.out" "$OUT/$name.qemu.out"; then
            t_qemu=$(mean_seconds "$name" qemu "$QEMU" "$rv" "$size") || t_qemu=FAIL
        else
            echo "perf: $name under $QEMU failed or printed something else" >&2
            t_qemu=FAIL
            status=1
        fi
    fi
    rows+=("$name $t_native $t_liftvm $t_qemu")
    if [ "$HAVE_LIFTVM" = 1 ] && [ "$t_liftvm" != FAIL ]; then
        stats="$OUT/$name.jitstats"
        # The disk cache is off: a warm run would compile nothing.
        "$LIFTVM_BIN" --cache=off -d stats -D "$stats" "$rv" "$size" > /dev/null 2>&1 || true
        ct=$(sed -n 's/^jit: compile thread CPU \([0-9.]*\) ms.*/\1/p' "$stats" | head -n 1)
        rss=$(sed -n 's/^jit: peak RSS \([0-9.]*\) MB.*/\1/p' "$stats" | head -n 1)
        rss_off=-
        if [ "$HAVE_TIME" = 1 ]; then
            /usr/bin/time -o "$OUT/$name.rss" -f '%M' timeout 20 "$LIFTVM_BIN" --jit=off "$rv" "$size" \
                > /dev/null 2>&1 || true
            kb=$(tail -n 1 "$OUT/$name.rss" 2> /dev/null)
            [[ $kb =~ ^[0-9]+$ ]] && rss_off=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
        fi
        jrows+=("$name ${ct:--} ${rss:--} $rss_off")
    fi
done

# The table, with ratios and geometric means (over the rows that have both
# numbers of a ratio).
{
    if [ "$QUICK" = 1 ]; then mode="quick sizes"; else mode="full sizes"; fi
    echo "liftvm benchmarks, $mode, mean of $RUNS runs, $(date -u +%Y-%m-%dT%H:%MZ)"
    printf '%s\n' "${rows[@]}" | awk '
        function num(x) { return x ~ /^[0-9.eE+-]+$/ && x > 0 }
        function fmt(x) { return num(x) ? sprintf("%.3f", x) : x }
        function ratio(a, b) { return (num(a) && num(b)) ? sprintf("%.2f", a / b) : "-" }
        BEGIN {
            printf "%-10s %10s %10s %10s %14s %12s\n", "benchmark", "native s", "liftvm s", "qemu s", "liftvm/native", "qemu/native"
        }
        NF == 4 {
            printf "%-10s %10s %10s %10s %14s %12s\n", $1, fmt($2), fmt($3), fmt($4), ratio($3, $2), ratio($4, $2)
            if (num($2)) { ln += log($2); nn++ }
            if (num($3)) { ll += log($3); nl++ }
            if (num($4)) { lq += log($4); nq++ }
            if (num($2) && num($3)) { rl += log($3 / $2); nrl++ }
            if (num($2) && num($4)) { rq += log($4 / $2); nrq++ }
        }
        END {
            printf "%-10s %10s %10s %10s %14s %12s\n", "geomean",
                nn ? sprintf("%.3f", exp(ln / nn)) : "-", nl ? sprintf("%.3f", exp(ll / nl)) : "-",
                nq ? sprintf("%.3f", exp(lq / nq)) : "-",
                nrl ? sprintf("%.2f", exp(rl / nrl)) : "-", nrq ? sprintf("%.2f", exp(rq / nrq)) : "-"
        }'
} | tee "$OUT/table.txt"
if [ ${#jrows[@]} -gt 0 ]; then
    echo
    printf '%s\n' "${jrows[@]}" | awk '
        function num(x) { return x ~ /^[0-9.]+$/ }
        BEGIN {
            printf "%-10s %18s %16s %20s %12s\n", "benchmark", "compile thread s", "peak RSS MB", "RSS interp-only MB", "jit extra MB"
        }
        {
            printf "%-10s %18s %16s %20s %12s\n", $1, num($2) ? sprintf("%.3f", $2 / 1000) : $2,
                $3, $4, (num($3) && num($4)) ? sprintf("%.1f", $3 - $4) : "-"
        }' | tee "$OUT/jit.txt"
fi
exit "$status"
