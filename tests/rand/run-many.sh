#!/bin/sh
# Soak run of the random-instruction-stream tester:
#   tests/rand/run-many.sh [COUNT] [SEED]        (default 1000000 streams, seed = date)
# Splits streams [0, COUNT) into chunks of $CHUNK (default 50000) and runs
# them with rand_diff on $JOBS (default 2) cores; every third chunk uses long
# streams (--len 200:1500) so blocks cross pages and loops nest in branches.
# Every stream runs in the interpreters; the JIT engines (~0.1 s a stream,
# ~1 s a long one) on every $JIT_EVERY-th (default 10; 10x that in long
# chunks), so a million streams take hours, not days.  JIT_EVERY=1 for all.
# Extra rand_diff options come from $RAND_ARGS (e.g. RAND_ARGS=--qemu, or
# "--engines t2").  The binary is $RAND_DIFF, else the first of
# build*/tests/rand_diff under the repository.  Logs go to $OUT (default a
# fresh /tmp/rand-soak.XXXXXX); the exit status is 1 if any chunk failed,
# and each failure's reproduction line is printed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
count=${1:-1000000}
seed=${2:-$(date +%s)}
chunk=${CHUNK:-50000}
jobs=${JOBS:-2}
jit_every=${JIT_EVERY:-10}
rand=${RAND_DIFF:-}
if [ -z "$rand" ]; then
    for b in "$root"/build*/tests/rand_diff; do
        if [ -x "$b" ]; then rand=$b; break; fi
    done
fi
if [ -z "$rand" ] || [ ! -x "$rand" ]; then
    echo "run-many: rand_diff not found; build it or set RAND_DIFF" >&2
    exit 2
fi
out=${OUT:-$(mktemp -d /tmp/rand-soak.XXXXXX)}
mkdir -p "$out"
echo "run-many: $count streams, seed $seed, chunks of $chunk on $jobs cores, $rand ${RAND_ARGS:-}"
echo "run-many: logs in $out"

# One line per chunk: "start n lenopt"
i=0
k=0
: >"$out/chunks"
while [ "$i" -lt "$count" ]; do
    n=$chunk
    if [ $((i + n)) -gt "$count" ]; then n=$((count - i)); fi
    if [ $((k % 3)) -eq 2 ]; then
        len="200:1500" every=$((jit_every * 10))
    else
        len="10:120" every=$jit_every
    fi
    echo "$i $n $len $every" >>"$out/chunks"
    i=$((i + n))
    k=$((k + 1))
done

start_time=$(date +%s)
# shellcheck disable=SC2016
xargs -P "$jobs" -L 1 sh -c '
    rand=$0 seed=$1 out=$2 start=$3 n=$4 len=$5 every=$6
    if "$rand" -q -k 3 -s "$seed" --start "$start" -n "$n" --len "$len" --jit-every "$every" ${RAND_ARGS:-} \
        >"$out/chunk-$start.log" 2>&1; then
        echo ok >"$out/chunk-$start.status"
    else
        echo "failed ($?)" >"$out/chunk-$start.status"
    fi' "$rand" "$seed" "$out" <"$out/chunks"
elapsed=$(( $(date +%s) - start_time ))

failed=0
for st in "$out"/chunk-*.status; do
    if [ "$(cat "$st")" != ok ]; then
        failed=$((failed + 1))
        log=${st%.status}.log
        echo "run-many: $(basename "$log" .log): $(cat "$st")"
        grep -E '^(MISMATCH|FAILURE|  reproduce|rand_diff:)' "$log" | head -20 | sed 's/^/    /'
    fi
done
nchunks=$(wc -l <"$out/chunks")
if [ "$failed" -ne 0 ]; then
    echo "run-many: $failed of $nchunks chunks FAILED ($count streams, seed $seed, ${elapsed}s); logs in $out"
    exit 1
fi
echo "run-many: all $count streams agree ($nchunks chunks, seed $seed, ${elapsed}s)"
