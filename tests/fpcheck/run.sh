#!/bin/sh
# Differential check of ir/ir_fp.c against qemu-riscv64's softfloat:
#   tests/fpcheck/run.sh [N per op, default 20000] [seed, default 1]
# Builds host_fp (with ir_fp.c's own compile flags) and rv_fp, runs the
# same random vectors through both and prints every mismatch.  Not part of
# CI (slow and needs qemu-user); the criterion suite fp* holds the cases.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${1:-20000}
seed=${2:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -std=gnu17 -O2 -Wall -Wextra -I"$root" -frounding-math -fsignaling-nans -ffp-contract=off \
    "$here/host_fp.c" "$root/ir/ir_fp.c" -o "$tmp/host_fp" -lm
riscv64-linux-gnu-gcc -O1 -static -I"$root" "$here/rv_fp.c" -o "$tmp/rv_fp"
"$tmp/host_fp" gen "$n" "$seed" >"$tmp/vec"
"$tmp/host_fp" run <"$tmp/vec" >"$tmp/host"
qemu-riscv64 "$tmp/rv_fp" <"$tmp/vec" >"$tmp/rv"
total=$(wc -l <"$tmp/vec")
paste -d' ' "$tmp/vec" "$tmp/host" "$tmp/rv" |
    awk -v total="$total" '
        $6 != $8 || $7 != $9 { bad++; if (bad <= 40) print "op " $1 " rm " $2 " a " $3 " b " $4 " c " $5 ": host " $6 " fl " $7 ", riscv " $8 " fl " $9 }
        END { printf "%d of %d vectors differ\n", bad, total; exit bad != 0 }'
