#!/usr/bin/env bash
# Process tests: fork, exec, scripts, posix_spawn/system/popen, sockets,
# poll/epoll and the guest's /proc files.
#
#   tests/proc/run.sh LIFTVM SCRATCHDIR [NAME...]
#
# Every tests/proc/NAME.c is built natively (gcc -O2) and for riscv64
# static, and also dynamic when it says "//! dynamic: yes".  The riscv64
# builds run under LIFTVM with -L SCRATCHDIR/sysroot, a small sysroot made
# here: bin/sh is Debian's riscv64 busybox-static (so every shell the tests
# start is a riscv64 program under liftvm) and lib/ the riscv64 libraries of
# RV_SYSROOT (for the dynamic builds).  Natively /bin/sh is the host's.
# Each riscv64 run must print what the native build prints and end with the
# same exit status.  Source settings ("//! key: value"): args (shell words;
# @TMP@ becomes a fresh empty directory), dynamic, status — as in
# tests/guest/run.sh.
#
# Then fixed checks: busybox sh running a pipeline, a command substitution,
# a subshell and a loop (every part a new liftvm process), and -d strace
# -D FILE across fork and exec (one log, lines of children marked [pid N]).
#
# busybox comes from the guest cache (${LIFTVM_GUEST_CACHE:-$HOME/.cache/
# liftvm-guests}, fetched with scripts/fetch-guests.sh when missing).
# Environment: LIFTVM_TEST_ARGS (extra options before the program), RV_CC,
# NATIVE_CC, RV_SYSROOT, GUEST_TIMEOUT (seconds per run).
# Prints "PASS name" or "FAIL name: reason" per check, then "N passed, M
# failed"; exits 0 only if every check passed.

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
REPO=$(cd "$HERE/../.." && pwd)
RV_CC=${RV_CC:-riscv64-linux-gnu-gcc}
NATIVE_CC=${NATIVE_CC:-gcc}
RV_SYSROOT=${RV_SYSROOT:-/usr/riscv64-linux-gnu}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-300}
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${LIFTVM_GUEST_CACHE:-$HOME/.cache/liftvm-guests}
BB=$CACHE/root/usr/bin/busybox
read -r -a EXTRA_ARGS <<< "${LIFTVM_TEST_ARGS:-}"
export LC_ALL=C

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
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
case $LIFTVM in
*/*) LIFTVM=$(cd "$(dirname "$LIFTVM")" && pwd)/$(basename "$LIFTVM") ;;
esac
if [ ! -x "$BB" ]; then
    echo "busybox not in $CACHE, fetching it" >&2
    if ! "$REPO/scripts/fetch-guests.sh" --packages busybox-static "$CACHE" > /dev/null || [ ! -x "$BB" ]; then
        fail fetch "scripts/fetch-guests.sh could not fetch busybox-static into $CACHE"
        finish
    fi
fi

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"/{native,rv,rvdyn,out,tmp,sysroot/bin} || exit 1
SCRATCH=$(cd "$SCRATCH" && pwd)
SYSROOT=$SCRATCH/sysroot
ln -s "$BB" "$SYSROOT/bin/sh"
ln -s "$RV_SYSROOT/lib" "$SYSROOT/lib"

meta() {
    sed -n "s|^//! $2:[[:space:]]*||p" "$1" | head -n 1
}

selected() {
    [ ${#ONLY[@]} -eq 0 ] && return 0
    local n
    for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done
    return 1
}

# run_one OUTFILE SRC CMD...: runs CMD with the test's args, stdin from
# /dev/null, in a fresh working directory; stdout and an "[exit N]" line go
# to OUTFILE, stderr to OUTFILE.err.
run_one() {
    local out=$1 src=$2
    shift 2
    local args_meta i tmpdir status
    local -a args=()
    args_meta=$(meta "$src" args)
    tmpdir=$(mktemp -d "$SCRATCH/tmp/run.XXXXXX")
    eval "args=($args_meta)"
    for i in "${!args[@]}"; do
        args[i]=${args[i]//@TMP@/$tmpdir/d}
    done
    mkdir -p "$tmpdir/d" "$tmpdir/cwd"
    {
        (cd "$tmpdir/cwd" && exec timeout -k 5 "$GUEST_TIMEOUT" "$@" "${args[@]}") \
            < /dev/null > "$out" 2> "$out.err"
        status=$?
    } 2> /dev/null
    printf '\n[exit %d]\n' "$status" >> "$out"
    rm -rf "$tmpdir"
}

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
    dynamic=$(meta "$src" dynamic)
    want=$(meta "$src" status)
    log="$SCRATCH/out/$name.build.log"
    if ! "$NATIVE_CC" -O2 -o "$SCRATCH/native/$name" "$src" > "$log" 2>&1; then
        fail "$name" "native build failed (see $log)"
        continue
    fi
    run_one "$SCRATCH/out/$name.native" "$src" "$SCRATCH/native/$name"
    if ! "$RV_CC" -O2 -static -o "$SCRATCH/rv/$name" "$src" >> "$log" 2>&1; then
        fail "$name" "riscv64 static build failed (see $log)"
    else
        run_one "$SCRATCH/out/$name.rv" "$src" "$LIFTVM" "${EXTRA_ARGS[@]}" -L "$SYSROOT" "$SCRATCH/rv/$name"
        compare "$name" "$SCRATCH/out/$name.native" "$SCRATCH/out/$name.rv" "$want"
    fi
    if [ "$dynamic" = yes ]; then
        if ! "$RV_CC" -O2 -o "$SCRATCH/rvdyn/$name" "$src" >> "$log" 2>&1; then
            fail "$name.dyn" "riscv64 dynamic build failed (see $log)"
        else
            run_one "$SCRATCH/out/$name.rvdyn" "$src" "$LIFTVM" "${EXTRA_ARGS[@]}" -L "$SYSROOT" "$SCRATCH/rvdyn/$name"
            compare "$name.dyn" "$SCRATCH/out/$name.native" "$SCRATCH/out/$name.rvdyn" "$want"
        fi
    fi
done

# busybox sh: every piece of the command line is a new process.
if selected busybox_sh; then
    out=$SCRATCH/out/busybox_sh
    printf 'b\nhi\n/\n1\n2\n3\n' > "$out.expected"
    (cd "$SCRATCH/tmp" && timeout -k 5 "$GUEST_TIMEOUT" "$LIFTVM" "${EXTRA_ARGS[@]}" -L "$SYSROOT" "$BB" sh -c \
        'echo a | tr a b; x=$(echo hi); echo $x; (cd /; pwd); for i in 1 2 3; do echo $i; done') \
        < /dev/null > "$out" 2> "$out.err"
    status=$?
    if [ $status -ne 0 ]; then
        fail busybox_sh "exit status $status ($(head -c 300 "$out.err"))"
    elif ! cmp -s "$out.expected" "$out"; then
        diff -u "$out.expected" "$out" >&2
        fail busybox_sh "output differs"
    else
        pass busybox_sh
    fi
fi

# -d strace -D FILE: one log for the whole process tree.
if selected strace_tree; then
    out=$SCRATCH/out/strace_tree
    rm -f "$out.log"
    echo stale > "$out.log"
    (cd "$SCRATCH/tmp" && timeout -k 5 "$GUEST_TIMEOUT" "$LIFTVM" "${EXTRA_ARGS[@]}" -d strace -D "$out.log" \
        -L "$SYSROOT" "$BB" sh -c '/bin/sh -c "exit 3"; echo status $?') < /dev/null > "$out" 2> "$out.err"
    status=$?
    if [ $status -ne 0 ] || [ "$(cat "$out")" != "status 3" ]; then
        fail strace_tree "exit status $status, output '$(head -c 200 "$out")'"
    elif grep -q stale "$out.log"; then
        fail strace_tree "the log file was not truncated by the first liftvm"
    elif ! grep -q '^clone(.*SIGCHLD' "$out.log"; then
        fail strace_tree "no decoded clone line from the parent"
    elif ! grep -Eq '^\[pid [0-9]+\] execve\("/bin/sh", \["/bin/sh", "-c", "exit 3"\]' "$out.log"; then
        fail strace_tree "no execve line from the child"
    elif ! grep -Eq '^\[pid [0-9]+\] exit_group\(3\)' "$out.log"; then
        fail strace_tree "no exit_group(3) from the exec'd child"
    elif ! grep -Eq '^wait4\(' "$out.log"; then
        fail strace_tree "no wait4 line from the parent"
    else
        pass strace_tree
    fi
fi

finish
