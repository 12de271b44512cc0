#!/usr/bin/env bash
# Real-guest test: Debian's riscv64 busybox-static under liftvm.
#
#   tests/realguest/busybox.sh LIFTVM SCRATCHDIR
#
# Fetches busybox-static into the guest cache with scripts/fetch-guests.sh if
# it is not there yet (cache: ${LIFTVM_GUEST_CACHE:-$HOME/.cache/liftvm-guests}),
# then runs applets under LIFTVM on files made here and compares their output
# with the host's own tools or with fixed expected values.  No applet here
# starts another process (no pipes in the guest shell): process creation is
# not part of this test.
#
# Environment: LIFTVM_TEST_ARGS (extra options put before the program),
# GUEST_TIMEOUT (seconds per applet run).
# Prints "PASS name" or "FAIL name: reason" per check, then "N passed, M failed";
# exits 0 only if every check passed.

set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 LIFTVM SCRATCHDIR" >&2
    exit 2
fi
LIFTVM=$1
SCRATCH=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${LIFTVM_GUEST_CACHE:-$HOME/.cache/liftvm-guests}
BB=$CACHE/root/usr/bin/busybox
GUEST_TIMEOUT=${GUEST_TIMEOUT:-300}
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

if ! command -v "$LIFTVM" > /dev/null && [ ! -x "$LIFTVM" ]; then
    fail setup "$LIFTVM is not executable"
    finish
fi
# The runs happen in other directories: make a relative LIFTVM path absolute.
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
mkdir -p "$SCRATCH" || exit 1
SCRATCH=$(cd "$SCRATCH" && pwd)
cd "$SCRATCH" || exit 1

# bb OUT [applet args...]: runs busybox under liftvm in SCRATCH with stdin
# from $BB_STDIN (default /dev/null), stdout to OUT, stderr to OUT.err;
# returns the exit status.
bb() {
    local out=$1
    shift
    timeout -k 5 "$GUEST_TIMEOUT" "$LIFTVM" "${EXTRA_ARGS[@]}" "$BB" "$@" \
        < "${BB_STDIN:-/dev/null}" > "$out" 2> "$out.err"
}

# same NAME EXPECTED_FILE [applet args...]: PASS if busybox exits 0 and
# prints exactly EXPECTED_FILE.
same() {
    local name=$1 expected=$2 out status
    shift 2
    out="$SCRATCH/$name.out"
    bb "$out" "$@"
    status=$?
    if [ "$status" -ne 0 ]; then
        fail "$name" "busybox $1 exited with status $status: $(head -c 200 "$out.err" | tr '\n' ' ')"
    elif ! cmp -s "$expected" "$out"; then
        echo "--- $name: expected vs busybox ---" >&2
        diff "$expected" "$out" | head -n 10 >&2
        fail "$name" "output differs from $expected"
    else
        pass "$name"
    fi
}

# same_text NAME TEXT [applet args...]: like same, with the expected output
# given as a string (a newline is added).
same_text() {
    local name=$1
    printf '%s\n' "$2" > "$SCRATCH/$name.expected"
    shift 2
    same "$name" "$SCRATCH/$name.expected" "$@"
}

# Test data: deterministic text of about 270 KB with repeated lines, numbers,
# mixed case and punctuation, plus 64 KiB of binary data.
awk 'BEGIN {
    srand(7)
    split("alpha beta Gamma delta EPSILON zeta eta theta iota kappa lambda mu", w, " ")
    for (i = 1; i <= 6000; i++) {
        a = w[int(rand() * 12) + 1]; b = w[int(rand() * 12) + 1]
        printf "%s,%d,%s;%.3f %s\n", a, int(rand() * 1000), b, rand() * 100, (i % 7 ? "x" : "yy")
    }
}' > text.txt
head -c 65536 /dev/zero | tr '\0' 'q' > q.bin
awk 'BEGIN { for (i = 0; i < 65536; i++) printf "%c", (i * 7 + int(i / 256)) % 256 }' > bin.dat 2> /dev/null
cat text.txt bin.dat > mixed.dat
printf 'one two  three\n\tfour\nfive six\n' > small.txt
LC_ALL=C sort text.txt > sorted.txt

# --- simple output ---
same_text echo "hello from busybox 42" echo hello from busybox 42
same_text echo-n "no newline" echo "no newline"
printf 'a\tb\\n%%\n' > printf.expected
same printf printf.expected printf 'a\tb\\n%%\n'
same_text printf-num "00042|  abc|ff|3.14" printf '%05d|%5s|%x|%.2f\n' 42 abc 255 3.14159
same_text expr-mul 42 expr 6 '*' 7
same_text expr-len 5 expr length hello
same_text expr-cmp 1 expr 10 '>' 9
same_text expr-match bcd expr abcdef : 'a\(.*\)e'
same_text expr-logic 3 expr 0 '|' 3 '&' 5
seq 1 100 > seq.expected
same seq seq.expected seq 1 100
seq 0 7 100 > seq-step.expected
same seq-step seq-step.expected seq 0 7 100
seq 10 -3 -5 > seq-down.expected
same seq-down seq-down.expected seq 10 -3 -5

# --- files ---
same cat text.txt cat text.txt
cat small.txt text.txt small.txt > cat-multi.expected
same cat-multi cat-multi.expected cat small.txt text.txt small.txt
same cat-binary mixed.dat cat mixed.dat
BB_STDIN=text.txt same cat-stdin text.txt cat
sha256sum text.txt > sha256.expected
same sha256sum sha256.expected sha256sum text.txt
sha256sum mixed.dat q.bin > sha256-multi.expected
same sha256sum-multi sha256-multi.expected sha256sum mixed.dat q.bin
md5sum text.txt bin.dat > md5.expected
same md5sum md5.expected md5sum text.txt bin.dat
sha1sum mixed.dat > sha1.expected
same sha1sum sha1.expected sha1sum mixed.dat
wc -l < text.txt > wc-l.expected
BB_STDIN=text.txt same wc-l wc-l.expected wc -l
# wc's column widths differ between implementations: compare the numbers.
wc text.txt small.txt | awk '{ print $1, $2, $3, $4 }' > wc.expected
if bb wc.raw wc text.txt small.txt; then
    awk '{ print $1, $2, $3, $4 }' wc.raw > wc.out
    if cmp -s wc.expected wc.out; then pass wc; else fail wc "counts differ: $(tr '\n' ' ' < wc.out)"; fi
else
    fail wc "busybox wc failed"
fi
head -n 17 text.txt > head.expected
same head head.expected head -n 17 text.txt
tail -n 23 text.txt > tail.expected
same tail tail.expected tail -n 23 text.txt
cut -d, -f1,3 text.txt > cut.expected
same cut cut.expected cut -d, -f1,3 text.txt
base64 bin.dat > base64.expected
same base64 base64.expected base64 bin.dat
od -A x -t x1 -N 512 bin.dat > od.expected
same od od.expected od -A x -t x1 -N 512 bin.dat

# --- sort, uniq, tr ---
same sort sorted.txt sort text.txt
LC_ALL=C sort -r text.txt > sort-r.expected
same sort-r sort-r.expected sort -r text.txt
LC_ALL=C sort -t, -k2,2n -k1,1 text.txt > sort-n.expected
same sort-key sort-n.expected sort -t, -k2,2n -k1,1 text.txt
LC_ALL=C sort -u text.txt | cut -d, -f1 | LC_ALL=C sort -u > sort-u.expected
cut -d, -f1 text.txt > firsts.txt
same sort-u sort-u.expected sort -u firsts.txt
LC_ALL=C sort firsts.txt > firsts-sorted.txt
uniq firsts-sorted.txt > uniq.expected
same uniq uniq.expected uniq firsts-sorted.txt
uniq -c firsts-sorted.txt > uniq-c.expected
same uniq-c uniq-c.expected uniq -c firsts-sorted.txt
tr 'a-z' 'A-Z' < text.txt > tr.expected
BB_STDIN=text.txt same tr-upper tr.expected tr 'a-z' 'A-Z'
tr -d '0-9;' < text.txt > tr-d.expected
BB_STDIN=text.txt same tr-delete tr-d.expected tr -d '0-9;'
tr -s ' \t' ' ' < small.txt > tr-s.expected
BB_STDIN=small.txt same tr-squeeze tr-s.expected tr -s ' \t' ' '

# --- sed ---
sed -e 's/alpha/ALPHA/g' -e 's/,\([0-9]*\),/<\1>/' text.txt > sed.expected
same sed-subst sed.expected sed -e 's/alpha/ALPHA/g' -e 's/,\([0-9]*\),/<\1>/' text.txt
sed -n '/^Gamma/p' text.txt > sed-p.expected
same sed-print sed-p.expected sed -n '/^Gamma/p' text.txt
sed -e '3,5d' -e '/zeta/d' -e 's/[aeiou]/_/2' -e '$a\
the end' text.txt > sed-d.expected
same sed-delete sed-d.expected sed -e '3,5d' -e '/zeta/d' -e 's/[aeiou]/_/2' -e '$a\
the end' text.txt
sed -E 's/([a-z]+),([0-9]+)/\2:\1/; y/xy/XY/' text.txt > sed-E.expected
same sed-ere sed-E.expected sed -E 's/([a-z]+),([0-9]+)/\2:\1/; y/xy/XY/' text.txt

# --- awk ---
AWK_GUEST='BEGIN { FS = "," } { n[$1]++; s += $2; split($3, p, ";"); f += p[2] } END { printf "%d %d %.3f\n", NR, s, f }'
awk "$AWK_GUEST" text.txt > awk-sum.expected
same awk-sum awk-sum.expected awk "$AWK_GUEST" text.txt
awk -F'[,;]' '{ printf "%-8s|%5d|%08.3f|%x|%c\n", $1, $2, $4, $2, 65 + $2 % 26 }' text.txt > awk-printf.expected
same awk-printf awk-printf.expected awk -F'[,;]' '{ printf "%-8s|%5d|%08.3f|%x|%c\n", $1, $2, $4, $2, 65 + $2 % 26 }' text.txt
awk '{ print NF, $NF, length($0), toupper(substr($1, 1, 3)), index($0, "a") }' text.txt > awk-fields.expected
same awk-fields awk-fields.expected awk '{ print NF, $NF, length($0), toupper(substr($1, 1, 3)), index($0, "a") }' text.txt
# (Debian's busybox awk has no libm functions: plain arithmetic only)
same_text awk-math "3628800 0.5 7 -3 2 1.250e+02 abc" awk 'BEGIN { f = 1; for (i = 2; i <= 10; i++) f *= i; printf "%d %.1f %d %d %d %.3e %s\n", f, 1/2, int(7.9), int(-3.5), 17 % 5, 125, substr("xabcx", 2, 3) }'

# --- gzip ---
if bb text.gz gzip -c text.txt; then
    if gunzip -c text.gz 2> /dev/null | cmp -s - text.txt; then
        pass gzip-host-gunzip
    else
        fail gzip-host-gunzip "host gunzip does not restore busybox gzip output"
    fi
    same gzip-roundtrip text.txt gunzip -c text.gz
else
    fail gzip "busybox gzip exited with an error: $(head -c 200 text.gz.err)"
fi
gzip -9 -c mixed.dat > mixed-host.gz
same gunzip-host-gzip mixed.dat gunzip -c mixed-host.gz
if bb q.gz gzip -1 -c q.bin && gunzip -c q.gz 2> /dev/null | cmp -s - q.bin; then
    pass gzip-repetitive
else
    fail gzip-repetitive "gzip -1 of 64 KiB of one byte does not round-trip"
fi
cp text.txt inplace.txt
if bb gzip-inplace.out gzip inplace.txt && [ -f inplace.txt.gz ] && [ ! -e inplace.txt ] &&
    bb gunzip-inplace.out gunzip inplace.txt.gz && cmp -s inplace.txt text.txt; then
    pass gzip-inplace
else
    fail gzip-inplace "gzip FILE / gunzip FILE.gz did not replace the files correctly"
fi

# --- file operations ---
if bb fileops.out mkdir -p d1/d2 && bb fileops.out cp text.txt d1/d2/copy.txt &&
    bb fileops.out mv d1/d2/copy.txt d1/moved.txt && cmp -s d1/moved.txt text.txt &&
    bb fileops.out rm -r d1/d2 && [ ! -e d1/d2 ] && bb fileops.out ls d1 &&
    [ "$(cat fileops.out)" = moved.txt ]; then
    pass fileops
else
    fail fileops "mkdir/cp/mv/rm/ls did not leave the expected files"
fi

# --- the shell, builtins only ---
same_text sh-arith "385 55 3628800" sh -c 'i=1; s=0; t=0; f=1; while [ $i -le 10 ]; do s=$((s + i * i)); t=$((t + i)); f=$((f * i)); i=$((i + 1)); done; echo "$s $t $f"'
same_text sh-loop $'a-1 b-2 c-3 x=7\neven odd' sh -c 'n=0; out=; for w in a b c; do n=$((n + 1)); out="$out $w-$n"; done; echo $out x=$(( (1 << 3) - 1 )); case 4 in *[02468]) printf "even ";; esac; case 7 in *[13579]) echo odd;; esac'
# (no command substitution: it forks)
same_text sh-func "fib(20)=6765 hex=ff" sh -c 'fib() { a=0; b=1; k=0; while [ $k -lt $1 ]; do c=$((a + b)); a=$b; b=$c; k=$((k + 1)); done; }; fib 20; printf "fib(20)=%s hex=%x\n" "$a" 255'
same_text sh-vars "len=11 sub=world def=dflt strip=file" sh -c 'v="hello world"; p=/a/b/file.txt; r=${p##*/}; echo "len=${#v} sub=${v#hello } def=${unset:-dflt} strip=${r%.txt}"'
bb sh-status.out sh -c 'exit 7'
st=$?
if [ "$st" -eq 7 ]; then pass sh-exit-status; else fail sh-exit-status "sh -c 'exit 7' ended with $st"; fi
bb sh-false.out false
st=$?
if [ "$st" -eq 1 ]; then pass false-status; else fail false-status "false ended with $st"; fi

finish
