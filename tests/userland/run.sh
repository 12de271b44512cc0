#!/usr/bin/env bash
# shellcheck disable=SC2016  # the guest command lines are single-quoted on purpose
# Userland acceptance tests: Debian's own programs, native amd64 versus
# riscv64 under liftvm.
#
#   tests/userland/run.sh LIFTVM SCRATCHDIR [NAME...]
#
# scripts/fetch-guests.sh --sysroot all makes two sysroots of Debian trixie
# with the same package versions (busybox-static, coreutils, lua5.4,
# python3.13, sqlite3, gzip, xz-utils, bzip2 and their libraries) in the
# guest cache.  Each check runs one command twice in the same fresh working
# folder: natively from the amd64 sysroot, through that sysroot's own
# loader (ld-linux-x86-64.so.2 --library-path ...; busybox is static and
# runs directly), and as riscv64 under LIFTVM -L SYSROOT-riscv64.  It passes
# when stdout and the exit status are the same (paths of the two sysroots
# read as @SYSROOT@).  stderr is kept but not compared.
#
# Programs started by other programs (busybox sh running lua5.4, Python's
# subprocess running coreutils) are looked up through PATH.  Natively PATH
# is a folder of small wrappers that run the amd64 sysroot's programs
# through its loader; under liftvm PATH is /usr/bin:/bin, which -L resolves
# inside the riscv64 sysroot, so liftvm has to run those riscv64 children
# itself.  Both runs get the environment HOME, LC_ALL=C, TZ=UTC, TMPDIR
# and PATH only.
#
# Check names: sh-*, coreutils-*, lua-*, py-*, sqlite-*, gzip-*, xz-*, bzip2-*;
# NAME arguments select checks by name or by shell pattern ('py-*').
# A check listed in tests/userland/xfail.txt (name and a reason) is known to
# fail for now: it prints XFAIL instead of FAIL and does not fail the run
# (XPASS when it passes: remove it from the list).  LIFTVM_USERLAND_STRICT=1
# ignores the list.
#
# Environment: LIFTVM_TEST_ARGS (extra liftvm options before the program),
# GUEST_TIMEOUT (seconds per run, default 300), LIFTVM_GUEST_CACHE.
# To check the tests themselves, use tests/userland/qemu-oracle.sh as LIFTVM
# (with LIFTVM_USERLAND_STRICT=1: every check must then pass).
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
REPO=$(cd "$HERE/../.." && pwd)
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${LIFTVM_GUEST_CACHE:-$HOME/.cache/liftvm-guests}
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
TOOK=
pass() {
    if [ -n "${XFAIL[$1]:-}" ]; then
        echo "PASS $1 ${TOOK:+[$TOOK] }(XPASS: listed in xfail.txt, remove it there)"
    else
        echo "PASS $1${TOOK:+ [$TOOK]}"
    fi
    passed=$((passed + 1))
}
fail() {
    if [ -n "${XFAIL[$1]:-}" ]; then
        echo "XFAIL $1${TOOK:+ [$TOOK]}: $2"
        xfailed=$((xfailed + 1))
    else
        echo "FAIL $1${TOOK:+ [$TOOK]}: $2"
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
mkdir -p "$SCRATCH"/{out,work,home} || exit 1
SCRATCH=$(cd "$SCRATCH" && pwd)

# --- the two sysroots ---
"$REPO/scripts/fetch-guests.sh" --sysroot all "$CACHE" > /dev/null 2> "$SCRATCH/fetch.log"
case $? in
0) ;;
3) fail sysroot-versions "the riscv64 and amd64 sysroots hold different versions: $(grep -m 1 DIFFERS "$SCRATCH/fetch.log")" ;;
*)
    fail setup "scripts/fetch-guests.sh --sysroot all failed: $(tail -n 1 "$SCRATCH/fetch.log")"
    finish
    ;;
esac
AMD=$CACHE/sysroot-amd64
RV=$CACHE/sysroot-riscv64
LOADER=$AMD/lib64/ld-linux-x86-64.so.2
LIBPATH=$AMD/lib/x86_64-linux-gnu:$AMD/usr/lib/x86_64-linux-gnu
for f in "$LOADER" "$AMD/usr/bin/busybox" "$RV/usr/bin/busybox" "$RV/usr/bin/python3.13"; do
    if [ ! -e "$f" ]; then
        fail setup "$f is missing: remove $CACHE/sysroot-* and run again"
        finish
    fi
done

# Native PATH: one wrapper per amd64 program, running it through the
# sysroot's loader (busybox, being static, directly).
NBIN=$SCRATCH/native-bin
mkdir -p "$NBIN"
for prog in "$AMD"/usr/bin/*; do
    name=$(basename "$prog")
    if [ ! -f "$prog" ] || [ ! -x "$prog" ]; then continue; fi
    if [ "$(head -c 4 "$prog" | od -An -c | tr -d ' ')" != '177ELF' ]; then
        continue # scripts (zcat, bzgrep, ...) would need the host's tools
    elif [ "$(readlink -f "$prog")" = "$(readlink -f "$AMD/usr/bin/busybox")" ]; then
        ln -s "$prog" "$NBIN/$name"
    else
        printf '#!/bin/sh\nexec "%s" --library-path "%s" "%s" "$@"\n' "$LOADER" "$LIBPATH" "$prog" > "$NBIN/$name"
        chmod 755 "$NBIN/$name"
    fi
done

# --- the shared fixture: copied into each check's working folder ---
FIX=$SCRATCH/fixture
mkdir -p "$FIX" && cp "$HERE"/scripts/* "$FIX"/ || exit 1
(
    cd "$FIX" || exit 1
    umask 022
    # tree/: fixed names, sizes, modes and times for ls -l.
    mkdir -p tree/sub/deeper tree/empty-dir "tree/with space"
    printf 'alpha\n' > tree/a.txt
    seq 1 500 > tree/numbers.txt
    printf '#!/bin/sh\necho hi\n' > tree/run.sh
    : > tree/empty
    head -c 10000 /dev/zero > tree/sub/zeros.bin
    printf 'deep\n' > tree/sub/deeper/leaf.txt
    printf 'spaced\n' > "tree/with space/file name.txt"
    ln -s a.txt tree/link-to-a
    ln -s ../numbers.txt tree/sub/up-link
    chmod 755 tree/run.sh
    chmod 600 tree/sub/zeros.bin
    chmod 750 tree/sub/deeper
    chmod 444 tree/empty
    i=0
    find tree -depth | sort -r | while read -r p; do
        i=$((i + 1))
        touch -h -d "2023-0$((i % 9 + 1))-1$((i % 10)) 1$((i % 10)):2$((i % 10)):3$((i % 10)) UTC" "$p"
    done
    # text.txt: 6000 deterministic lines; bin.dat: 64 KiB of binary.
    awk 'BEGIN {
        srand(7)
        split("alpha beta Gamma delta EPSILON zeta eta theta iota kappa lambda mu", w, " ")
        for (i = 1; i <= 6000; i++) {
            a = w[int(rand() * 12) + 1]; b = w[int(rand() * 12) + 1]
            printf "%s,%d,%s;%.3f %s\n", a, int(rand() * 1000), b, rand() * 100, (i % 7 ? "x" : "yy")
        }
    }' > text.txt
    awk 'BEGIN { for (i = 0; i < 65536; i++) printf "%c", (i * 7 + int(i / 256)) % 256 }' > bin.dat 2> /dev/null
    # big.txt: about 600 KB, for sort's temporary files and the compressors;
    # mixed.dat: text and binary, about 210 KB.
    for _ in 1 2 3; do cat text.txt; done > big.txt
    awk '{ print NR % 1009, $0 }' text.txt >> big.txt
    cat text.txt bin.dat > mixed.dat
    mkdir -p subdir
) || { fail setup "cannot make the fixture"; finish; }
# Compressed inputs and a database made by the amd64 programs.
native_tool() { "$LOADER" --library-path "$LIBPATH" "$AMD/usr/bin/$1" "${@:2}"; }
if ! native_tool gzip -9 -n -c "$FIX/mixed.dat" > "$FIX/mixed.gz" ||
    ! native_tool xz -6 -T1 -c "$FIX/mixed.dat" > "$FIX/mixed.xz" ||
    ! native_tool bzip2 -9 -c "$FIX/mixed.dat" > "$FIX/mixed.bz2" ||
    ! native_tool sqlite3 "$FIX/ref.db" < "$HERE/scripts/refdb.sql" > /dev/null; then
    fail setup "the amd64 programs do not run natively (see above)"
    finish
fi

selected() {
    [ ${#ONLY[@]} -eq 0 ] && return 0
    local n
    for n in "${ONLY[@]}"; do
        # shellcheck disable=SC2053  # a pattern on purpose
        [[ $1 == $n ]] && return 0
    done
    return 1
}

# run_side SIDE NAME STDIN PROG ARGS...: runs /usr/bin/PROG-style path PROG
# of SIDE (native or guest) in a fresh copy of the fixture; stdout (sysroot
# paths made @SYSROOT@) and "[exit N]" into out/NAME.SIDE, stderr into
# out/NAME.SIDE.err.
run_side() {
    local side=$1 name=$2 stdin=$3 prog=$4 out status
    shift 4
    local work=$SCRATCH/work/$name
    out=$SCRATCH/out/$name.$side
    rm -rf "$work"
    mkdir -p "$work" "$work/tmp"
    cp -a "$FIX/." "$work/"
    local -a cmd env
    local limit=$GUEST_TIMEOUT
    env=(HOME="$SCRATCH/home" LC_ALL=C TZ=UTC TMPDIR="$work/tmp")
    if [ "$side" = native ]; then
        env+=(PATH="$NBIN")
        if [ -L "$NBIN/$(basename "$prog")" ]; then
            cmd=("$AMD$prog")
        else
            cmd=("$LOADER" --library-path "$LIBPATH" "$AMD$prog")
        fi
    else
        env+=(PATH=/usr/bin:/bin)
        cmd=("$LIFTVM" "${EXTRA_ARGS[@]}" -L "$RV" "$RV$prog")
        # A check may cap its own time ($LIMIT) below GUEST_TIMEOUT.
        if [ -n "${LIMIT:-}" ] && [ "$LIMIT" -lt "$limit" ]; then limit=$LIMIT; fi
    fi
    {
        (cd "$work" && exec timeout -k 5 "$limit" env -i "${env[@]}" "${cmd[@]}" "$@") \
            < "$stdin" > "$out.raw" 2> "$out.err"
        status=$?
    } 2> /dev/null
    sed -e "s|$AMD|@SYSROOT@|g" -e "s|$RV|@SYSROOT@|g" "$out.raw" > "$out"
    rm -f "$out.raw"
    printf '\n[exit %d]\n' "$status" >> "$out"
    if [ -n "${POST:-}" ]; then
        (cd "$work" && eval "$POST") >> "$out" 2>&1
    fi
}

# check NAME PROG ARGS...: one check (stdin from $STDIN, default /dev/null;
# $POST, if set, is a host command run in the working folder afterwards
# whose output is compared too, e.g. checksums of files the program wrote;
# $LIMIT, if set, caps the liftvm run's seconds below GUEST_TIMEOUT).
check() {
    local name=$1 prog=$2 stdin=${STDIN:-/dev/null} first err
    shift 2
    selected "$name" || return 0
    TOOK=
    [ "$stdin" = /dev/null ] || stdin=$FIX/$stdin
    run_side native "$name" "$stdin" "$prog" "$@"
    if [ -n "${WANT_STATUS:-}" ] && ! grep -qx "\[exit $WANT_STATUS\]" "$SCRATCH/out/$name.native"; then
        fail "$name" "the native run ended with $(grep -m 1 '^\[exit' "$SCRATCH/out/$name.native"), expected $WANT_STATUS: $(grep -m 1 . "$SCRATCH/out/$name.native.err")"
        return
    fi
    local t0 t1
    t0=$(date +%s%N)
    run_side guest "$name" "$stdin" "$prog" "$@"
    t1=$(date +%s%N)
    TOOK=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1fs", (b - a) / 1e9 }')
    local exp=$SCRATCH/out/$name.native act=$SCRATCH/out/$name.guest st_n st_g why
    if cmp -s "$exp" "$act"; then
        pass "$name"
        return
    fi
    diff -a -u "$exp" "$act" > "$act.diff" 2>&1
    st_n=$(grep -a '^\[exit ' "$exp" | tail -n 1 | tr -dc '0-9')
    st_g=$(grep -a '^\[exit ' "$act" | tail -n 1 | tr -dc '0-9')
    if [ "$st_g" = 124 ] && [ "$st_n" != 124 ]; then
        why="timed out after ${LIMIT:-$GUEST_TIMEOUT}s"
    elif [ "$st_g" != "$st_n" ]; then
        why="exit status $st_g, native $st_n"
    else
        why="same exit status $st_g"
    fi
    if LC_ALL=C grep -q '[^[:print:][:space:]]' "$exp"; then
        first="(binary output)"
    else
        first=$(grep -a -m 1 '^[-+][^-+]' "$act.diff" | cut -c 1-120)
    fi
    err=$(grep -a . "$act.err" | tail -n 1 | tr -cd '[:print:]\t' | cut -c 1-200)
    fail "$name" "$why; first difference: ${first:-?}${err:+ | last stderr line: $err}"
}

# --- busybox sh ---
# (A shell waiting for a job needs signals: LIMIT keeps a hang short.)
LIMIT=180 WANT_STATUS=3 check sh-script /usr/bin/busybox sh shell.sh
check sh-exec /usr/bin/busybox sh exec.sh
check sh-pipeline /usr/bin/busybox sh -c 'ls tree | sort -r | head -n 4 | tr a-z A-Z; echo "status $?"'
check sh-cmdsub /usr/bin/busybox sh -c 'n=$(seq 1 100 | wc -l); s=$(seq 1 100 | awk "{ s += \$1 } END { print s }"); echo "$n $s $(echo $(echo nested))"'
check sh-loop-fork /usr/bin/busybox sh -c 'i=0; while [ $i -lt 200 ]; do v=$(echo $i); i=$((v + 1)); done; echo "forked 200 times: $i"'
LIMIT=180 check sh-wait-status /usr/bin/busybox sh -c '(exit 3) & p=$!; (sleep 0.2; exit 4) & q=$!; wait $p; a=$?; wait $q; echo "statuses $a $?"; sh -c "kill -TERM \$\$"; echo "killed child: $?"'

# --- coreutils ---
check coreutils-ls-l /usr/bin/ls -l --time-style=long-iso tree
check coreutils-ls-lR /usr/bin/ls -lRa --time-style=+%Y%m%d.%H%M%S tree
check coreutils-ls-opts /usr/bin/ls -1sSr --block-size=1 -F tree tree/sub
check coreutils-sort /usr/bin/sort text.txt
check coreutils-sort-keys /usr/bin/sort -t, -k2,2n -k1,1 -s text.txt
check coreutils-sort-big /usr/bin/sort -S 100K --parallel=2 -T tmp -k2 big.txt
check coreutils-sort-unique /usr/bin/sort -u -r -f text.txt
check coreutils-sha256sum /usr/bin/sha256sum text.txt bin.dat big.txt
check coreutils-sums /usr/bin/b2sum -l 256 text.txt bin.dat
check coreutils-md5sum /usr/bin/md5sum mixed.dat
STDIN=text.txt check coreutils-tr /usr/bin/tr 'a-z' 'A-Z'
STDIN=text.txt check coreutils-tr-delete /usr/bin/tr -d '0-9;'
STDIN=bin.dat check coreutils-tr-squeeze /usr/bin/tr -s '\000-\377' 'x'
check coreutils-seq /usr/bin/seq 1 1000
check coreutils-seq-float /usr/bin/seq -w -s, 0 0.25 10
check coreutils-seq-big /usr/bin/seq 18446744073709551610 18446744073709551620
STDIN=text.txt check coreutils-wc /usr/bin/wc -l -w -c -m -L
check coreutils-cut-uniq /usr/bin/busybox sh -c 'cut -d, -f1 text.txt | sort | uniq -c'
check coreutils-od /usr/bin/od -A x -t x1z -N 600 bin.dat
check coreutils-base64 /usr/bin/base64 bin.dat
check coreutils-date /usr/bin/date -u -d '@1234567890' '+%F %T %j %U %A %s'
check coreutils-date-calc /usr/bin/date -u -d '2024-02-29 12:00 +1 year -3 days' '+%F %a'
check coreutils-factor /usr/bin/factor 1234567890123 600851475143 18446744073709551557
check coreutils-numfmt /usr/bin/numfmt --to=iec-i --suffix=B 0 1023 1048576 123456789012
check coreutils-printf /usr/bin/printf '%5d|%-6s|%08.3f|%x|%o|%e|%q\n' 42 ab 3.14159 255 8 12345.678 'a b'
check coreutils-expr /usr/bin/expr 123456789 '*' 1000 + 7
check coreutils-stat /usr/bin/stat -c '%n %s %a %F %h' tree tree/a.txt tree/link-to-a tree/sub/zeros.bin
check coreutils-head-tail /usr/bin/busybox sh -c 'head -n 3 text.txt; tail -c 50 big.txt; head -c 20 bin.dat | od -c'
check coreutils-join-paste /usr/bin/busybox sh -c 'seq 1 5 > a; seq 3 8 > b; join a b; paste -d: a b; comm -3 a b'
check coreutils-split /usr/bin/split -l 1000 -d text.txt part-
POST='sha256sum part-*' check coreutils-split-files /usr/bin/split -b 10000 -a 3 bin.dat chunk-
check coreutils-fileops /usr/bin/busybox sh -c 'mkdir -p d/e && cp -a tree d/e/copy && mv d/e/copy/a.txt d/moved.txt && ln -s moved.txt d/lnk && rm -r d/e/copy/sub && find d | sort && readlink d/lnk && cat d/moved.txt'
check coreutils-true-false /usr/bin/false

# --- Lua ---
check lua-hello /usr/bin/lua5.4 -e 'print("hello from lua", 1 / 3, 2 ^ 62, math.maxinteger)'
WANT_STATUS=7 check lua-script /usr/bin/lua5.4 test.lua
STDIN=test.lua WANT_STATUS=7 check lua-stdin /usr/bin/lua5.4 -
check lua-error /usr/bin/lua5.4 -e 'print("before"); error("stop here")'
POST='sha256sum test.luac' check luac /usr/bin/luac5.4 -s -o test.luac test.lua

# --- Python ---
check py-hello /usr/bin/python3.13 -c 'import sys; print("hello from python", sys.version_info[:2], sys.byteorder, sys.maxsize)'
check py-json /usr/bin/python3.13 py_json.py
check py-re /usr/bin/python3.13 py_re.py
check py-hashlib /usr/bin/python3.13 py_hashlib.py
check py-subprocess /usr/bin/python3.13 py_subprocess.py
check py-threading /usr/bin/python3.13 py_threading.py
check py-stdlib /usr/bin/python3.13 py_stdlib.py
check py-socket /usr/bin/python3.13 py_socket.py
check py-asyncio /usr/bin/python3.13 py_asyncio.py
check py-exception /usr/bin/python3.13 -c 'print("before", flush=True); 1 / 0'
check py-exit /usr/bin/python3.13 -c 'import sys; print("bye"); sys.exit(42)'

# --- sqlite3 ---
STDIN=queries.sql check sqlite-queries /usr/bin/sqlite3
STDIN=bulk.sql POST='ls bulk.db*' check sqlite-bulk /usr/bin/sqlite3 bulk.db
check sqlite-read-native-db /usr/bin/sqlite3 -readonly ref.db 'select count(*), sum(n), max(s) from t; pragma integrity_check;'
check sqlite-args /usr/bin/sqlite3 -json :memory: "select 1 as a, 'x' as b, 2.5 as c, null as d"

# --- compressors: compress (bytes compared), decompress the amd64 output,
# and test it ---
check gzip-compress /usr/bin/gzip -9 -n -c mixed.dat
check gzip-fast /usr/bin/gzip -1 -n -c big.txt
check gzip-decompress /usr/bin/gzip -d -c mixed.gz
POST='sha256sum big.txt.gz big.txt' check gzip-files /usr/bin/gzip -k -n big.txt
check gzip-test /usr/bin/gzip -t -v mixed.gz
check xz-compress /usr/bin/xz -6 -T1 -c mixed.dat
check xz-threads /usr/bin/xz -3 -T2 --block-size=1MiB -c mixed.dat
check xz-decompress /usr/bin/xz -d -c mixed.xz
check xz-list /usr/bin/xz -l --robot mixed.xz
check bzip2-compress /usr/bin/bzip2 -9 -c mixed.dat
check bzip2-decompress /usr/bin/bzip2 -d -c mixed.bz2
POST='sha256sum text.txt.bz2' check bzip2-files /usr/bin/bzip2 -k -1 text.txt
check bzip2-test /usr/bin/bzip2 -t -v mixed.bz2

finish
