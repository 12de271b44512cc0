#!/usr/bin/env bash
# Start-up with the translation cache: cold (empty cache) vs warm runs of
# short guest programs, with native time beside them.
#
#   perf/startup.sh [--runs N] [--modes auto,t2] [--only NAME,...] [--liftvm PATH]
#                   [--no-layout]
#
# Programs: Debian's riscv64 busybox applets (static) and lua5.4 and
# python3.13 (dynamic, with the riscv64 sysroot of scripts/fetch-guests.sh
# --sysroot all) doing little work; native: the same Debian version built
# for amd64 (its sysroot's busybox, and lua/python through its own loader).
# For each program and --jit mode:
#   cold    one run with a fresh, empty --cache-dir (the time to translate)
#   settle  runs after it until one stored nothing new (at most 15; a
#           short run caches what its exit drain has time for)
#   warm    mean of N runs (after one untimed run) with the cache they left
#   units   cached units the warm run installed; load us: per unit (verify
#           + decompress + link, from -d stats); cache KiB: the program's
#           cache folder
# Then the on-disk layout: warm runs of one program from a cache that keeps
# one file per unit (LIFTVM_CACHE_NO_COMPACT=1), from the same units in one
# pack (liftvm cache prune folds them), and from the pack with its image
# (the units linked ahead of time), with the time to open the cache and to
# load a unit.
# Outputs must equal native ones.  The tables go to stdout and
# OUT/startup.txt (OUT: LIFTVM_PERF_DIR, default build/perf).
#
#   --runs N      timed warm runs (default 5)
#   --modes LIST  --jit modes (default auto,t2; t2 cold compiles everything:
#                 python3.13 -c pass takes minutes)
#   --only LIST   some of bb-echo,bb-sh,bb-sort,bb-sha256,bb-ls,lua-start,py-start
#   --no-layout   skip the layout comparison
#   --liftvm P    the liftvm binary (default: $LIFTVM, else build/liftvm)
# Environment: LIFTVM_GUEST_CACHE.  Never asserted by tests.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
RUNS=5
MODES=auto,t2
ONLY=
LAYOUT=1
LIFTVM_BIN=${LIFTVM:-$REPO/build/liftvm}
OUT=${LIFTVM_PERF_DIR:-$REPO/build/perf}
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
GUESTS=${LIFTVM_GUEST_CACHE:-$HOME/.cache/liftvm-guests}

usage() {
    sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
    exit "${1:-2}"
}
while [ $# -gt 0 ]; do
    case $1 in
    --runs) [ $# -ge 2 ] || usage; RUNS=$2; shift 2 ;;
    --modes) [ $# -ge 2 ] || usage; MODES=$2; shift 2 ;;
    --only) [ $# -ge 2 ] || usage; ONLY=$2; shift 2 ;;
    --no-layout) LAYOUT=0; shift ;;
    --liftvm) [ $# -ge 2 ] || usage; LIFTVM_BIN=$2; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "perf/startup.sh: unknown argument $1" >&2; usage ;;
    esac
done
[ -x "$LIFTVM_BIN" ] || { echo "perf/startup.sh: no liftvm at $LIFTVM_BIN" >&2; exit 1; }
LIFTVM_BIN=$(cd "$(dirname "$LIFTVM_BIN")" && pwd)/$(basename "$LIFTVM_BIN")
command -v hyperfine > /dev/null || { echo "perf/startup.sh: needs hyperfine" >&2; exit 1; }

"$REPO/scripts/fetch-guests.sh" --sysroot all "$GUESTS" > /dev/null
AMD=$GUESTS/sysroot-amd64
RV=$GUESTS/sysroot-riscv64
LOADER=$AMD/lib64/ld-linux-x86-64.so.2
LIBPATH=$AMD/lib/x86_64-linux-gnu:$AMD/usr/lib/x86_64-linux-gnu

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$OUT/startup-work
rm -rf "$WORK"
mkdir -p "$WORK/run"
export LC_ALL=C TZ=UTC
unset LIFTVM_CACHE LIFTVM_CACHE_DIR LIFTVM_CACHE_MAX LIFTVM_JIT LIFTVM_LOG LIFTVM_CACHE_NO_COMPACT
seq 1 6000 | awk '{ printf "%08x-%d\n", ($1 * 2654435761) % 4294967296, $1 }' > "$WORK/run/words.txt"
head -c 262144 /dev/urandom > "$WORK/run/data.bin"

# name|program|arguments (split on blanks; "-c"/"-e" take the rest)
WORKLOADS=(
    "bb-echo|busybox|echo hello"
    "bb-sh|busybox|sh -c i=0; while [ \$i -lt 200 ]; do i=\$((i+1)); done; echo \$i"
    "bb-sort|busybox|sort words.txt"
    "bb-sha256|busybox|sha256sum data.bin"
    "bb-ls|busybox|ls -l ."
    "lua-start|lua5.4|-e print(1)"
    "py-start|python3.13|-c pass"
)

# cmd RUNNER PROG ARGS... (NUL-separated); RUNNER native or liftvm
cmd() {
    local runner=$1 prog=$2
    shift 2
    case $runner:$prog in
    native:busybox) printf '%s\0' "$AMD/usr/bin/busybox" "$@" ;;
    native:*) printf '%s\0' "$LOADER" --library-path "$LIBPATH" "$AMD/usr/bin/$prog" "$@" ;;
    liftvm:busybox) printf '%s\0' "$LIFTVM_BIN" "$RV/usr/bin/busybox" "$@" ;;
    liftvm:*) printf '%s\0' "$LIFTVM_BIN" -L "$RV" "$RV/usr/bin/$prog" "$@" ;;
    esac
}

# mean NAME CMD...: "mean min" wall seconds of RUNS runs after one untimed run
mean() {
    local name=$1
    shift
    (cd "$WORK/run" && hyperfine -N --runs "$RUNS" --warmup 1 --export-json "$WORK/$name.json" \
        --style none --output=pipe -- "$(printf '%q ' "$@")") > "$WORK/$name.log" 2>&1 || return 1
    local m n
    m=$(sed -n 's/^ *"mean": *\([0-9.eE+-]*\),*$/\1/p' "$WORK/$name.json" | head -n 1)
    n=$(sed -n 's/^ *"min": *\([0-9.eE+-]*\),*$/\1/p' "$WORK/$name.json" | head -n 1)
    echo "$m $n"
}

# settle CMD...: runs CMD (with -d stats) until a run stores no unit in the
# cache, at most 15 times, and prints how many ran.  In auto mode a run
# compiles what became hot in it, and at exit what it left queued for at
# most 2 x its own time + 20 ms (docs/architecture.md, "Exit drain"): a
# program with many hot blocks takes a few runs to start fully warm.
settle() {
    local n=0
    while [ $n -lt 15 ]; do
        n=$((n + 1))
        (cd "$WORK/run" && "$1" -d stats -D "$WORK/settle.stats" "${@:2}") < /dev/null > /dev/null 2>&1 || true
        grep -q '^jit: cache rw: .* 0 stored,' "$WORK/settle.stats" && break
    done
    echo $n
}

# once CMD...: wall seconds of one run (output to $WORK/once.out)
once() {
    local t0 t1
    t0=$(date +%s.%N)
    (cd "$WORK/run" && "$@") < /dev/null > "$WORK/once.out" 2> "$WORK/once.err" || return 1
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
}

selected() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }
stats_field() { # FILE: "units load_us" from the -d stats cache line
    sed -n 's/^jit: cache r[ow]: .* \([0-9]*\) hits.*(\([0-9.]*\) ms\/unit).*/\1 \2/p' "$1" |
        awk 'NR == 1 { printf "%d %.1f\n", $1, $2 * 1000 }'
}

rows=()
status=0
for entry in "${WORKLOADS[@]}"; do
    IFS='|' read -r name prog argline <<< "$entry"
    selected "$name" || continue
    args=()
    case $argline in
    "-e "* | "-c "* | "sh -c "*)
        if [[ $argline == "sh -c "* ]]; then args=(sh -c "${argline#sh -c }"); else args=("${argline%% *}" "${argline#* }"); fi ;;
    *) read -r -a args <<< "$argline" ;;
    esac
    mapfile -d '' -t native < <(cmd native "$prog" "${args[@]}")
    (cd "$WORK/run" && "${native[@]}") < /dev/null > "$WORK/$name.native.out" 2>&1 || true
    t_native=$(mean "$name.native" "${native[@]}") || t_native="FAIL -"
    mapfile -d '' -t lv < <(cmd liftvm "$prog" "${args[@]}")
    for mode in ${MODES//,/ }; do
        echo "perf: $name --jit=$mode" >&2
        C=$WORK/cache-$name-$mode
        rm -rf "$C"
        run=("${lv[0]}" --cache-dir "$C" --jit="$mode" "${lv[@]:1}")
        t_cold=$(once "${run[@]}") || t_cold=FAIL
        if [ "$t_cold" = FAIL ] || ! cmp -s "$WORK/once.out" "$WORK/$name.native.out"; then
            echo "perf: $name --jit=$mode: cold run failed or differs from native" >&2
            status=1
            rows+=("$name $mode $t_native FAIL - - - - - -")
            continue
        fi
        n_settle=$(settle "${run[@]}")
        t_warm=$(mean "$name.$mode.warm" "${run[@]}") || t_warm="FAIL -"
        (cd "$WORK/run" && "${run[0]}" -d stats -D "$WORK/$name.$mode.stats" "${run[@]:1}") \
            < /dev/null > "$WORK/warm.out" 2>&1 || true
        cmp -s "$WORK/warm.out" "$WORK/$name.native.out" || { t_warm="FAIL -"; status=1; }
        read -r units load_us <<< "$(stats_field "$WORK/$name.$mode.stats")"
        kib=$(find "$C" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / 1024 }')
        rows+=("$name $mode $t_native $t_cold $t_warm ${units:-0} ${load_us:-0} $kib $n_settle")
        # fields: name mode native native_min cold warm warm_min units load_us kib settle
    done
done

layout_rows=()
if [ "$LAYOUT" = 1 ] && selected bb-sh; then
    # One program, --jit=t2 (the same units every run), both layouts.
    echo "perf: layout (bb-sh, t2)" >&2
    mapfile -d '' -t lv < <(cmd liftvm busybox sh -c 'i=0; while [ $i -lt 200 ]; do i=$((i+1)); done; echo $i')
    J=$WORK/layout-files
    P=$WORK/layout-pack
    rm -rf "$J" "$P"
    I=$WORK/layout-image
    rm -rf "$I"
    LIFTVM_CACHE_NO_COMPACT=1 once "${lv[0]}" --cache-dir "$J" --jit=t2 "${lv[@]:1}" > /dev/null
    cp -a "$J" "$I"
    "$LIFTVM_BIN" cache --cache-dir "$I" prune > /dev/null # folds the journal, links the image
    cp -a "$I" "$P"
    rm -f "$P"/v1/g-*/image
    # LIFTVM_CACHE_NO_COMPACT=1 below also keeps a run from making the image.
    for layout in files pack image; do
        D=$WORK/layout-$layout
        files=$(find "$D" -type f | wc -l)
        t=$(LIFTVM_CACHE_NO_COMPACT=1 mean "layout.$layout" "${lv[0]}" --cache-dir "$D" --jit=t2 "${lv[@]:1}") || t="FAIL -"
        (cd "$WORK/run" && LIFTVM_CACHE_NO_COMPACT=1 "${lv[0]}" --cache-dir "$D" --jit=t2 -d stats \
            -D "$WORK/layout.$layout.stats" "${lv[@]:1}") > /dev/null 2>&1 || true
        open_ms=$(sed -n 's/.*open \([0-9.]*\) ms.*/\1/p' "$WORK/layout.$layout.stats" | head -1)
        read -r _ load_us <<< "$(stats_field "$WORK/layout.$layout.stats")"
        layout_rows+=("$layout $files $t ${open_ms:-?} ${load_us:-?}")
    done
fi

{
    echo "liftvm start-up with the translation cache: native and warm are mean (min) of $RUNS runs, cold one run; $(date -u +%Y-%m-%dT%H:%MZ)"
    printf '%s\n' "${rows[@]}" | awk '
        function num(x) { return x ~ /^[0-9.eE+-]+$/ && x > 0 }
        function ms(x) { return num(x) ? sprintf("%.1f", x * 1000) : x }
        function ratio(a, b) { return (num(a) && num(b)) ? sprintf("%.1f", a / b) : "-" }
        BEGIN {
            printf "%-10s %-5s %15s %10s %7s %15s %12s %10s %6s %8s %9s\n", "program", "mode", "native ms", "cold ms", "settle", "warm ms", "warm/native", "cold/warm", "units", "load us", "cache KiB"
        }
        {
            printf "%-10s %-5s %15s %10s %7s %15s %12s %10s %6s %8s %9s\n", $1, $2, ms($3) " (" ms($4) ")", ms($5), $11, ms($6) " (" ms($7) ")", ratio($6, $3), ratio($5, $6), $8, $9, $10
        }'
    if [ ${#layout_rows[@]} -gt 0 ]; then
        echo
        echo "on-disk layout, bb-sh --jit=t2 warm, mean (min) of $RUNS runs:"
        printf '%s\n' "${layout_rows[@]}" | awk '
            BEGIN { printf "%-8s %7s %16s %14s %8s\n", "layout", "files", "warm ms", "open cache ms", "load us" }
            { printf "%-8s %7s %16s %14s %8s\n", $1, $2, sprintf("%.1f (%.1f)", $3 * 1000, $4 * 1000), $5, $6 }'
    fi
} | tee "$OUT/startup.txt"
exit $status
