#!/bin/sh
# Checks the random-stream generator's encodings against binutils:
#   tests/rand/check-decode.sh RAND_DIFF WORKDIR [COUNT] [SEED]
# rand_diff --emit-insn writes COUNT streams as ".insn" words plus the
# frontend's own disassembly; riscv64-linux-gnu-as/objdump (rv64gc + Zba,
# Zbb, Zbs) must decode every word as a real instruction.  The streams come
# without the trap class (its reserved rounding modes are illegal on purpose).
# Differences between objdump's text and the frontend's disassembler are
# listed as warnings (the spelling is "-M no-aliases" in both).
set -eu
rand=$1
work=$2
count=${3:-300}
seed=${4:-7}
cross=${RAND_CROSS:-riscv64-linux-gnu-}
if ! command -v "${cross}as" >/dev/null 2>&1; then
    echo "check-decode: ${cross}as not found, skipping"
    exit 0
fi
mkdir -p "$work"
"$rand" --emit-insn "$work/streams" -n "$count" -s "$seed" --exclude trap
"${cross}as" -march=rv64gc_zba_zbb_zbs -o "$work/streams.o" "$work/streams.s"
"${cross}objdump" -d -M no-aliases "$work/streams.o" >"$work/objdump.txt"
# objdump lines: "  addr:\tbytes \tmnemonic\toperands[ <sym>]"
awk -F'\t' '/^ *[0-9a-f]+:\t/ {
        addr = $1; sub(/^ */, "", addr); sub(/:$/, "", addr)
        text = $3; if (NF > 3) text = text " " $4
        sub(/ *<[^>]*>$/, "", text); sub(/ *#.*$/, "", text); gsub(/ +$/, "", text)
        # spellings that differ on purpose: an empty fence set, c.nop
        if (text ~ /^fence /) gsub(/unknown/, "0", text)
        if (text == "c.addi zero,0") text = "c.nop"
        print addr "\t" text
    }' "$work/objdump.txt" >"$work/objdump.norm"
# objdump prints branch targets in an object file without "0x"; so do we here.
awk -F'\t' '{ t = $3
        if (t ~ /^(beq|bne|blt|bge|bltu|bgeu|c\.beqz|c\.bnez|c\.j|jal) /) sub(/0x/, "", t)
        print $1 "\t" t }' "$work/streams.dis" >"$work/ours.norm"
total=$(wc -l <"$work/ours.norm")
if [ "$(wc -l <"$work/objdump.norm")" -ne "$total" ]; then
    echo "check-decode: objdump shows $(wc -l <"$work/objdump.norm") instructions, expected $total"
    exit 1
fi
# Words objdump cannot decode.  binutils 2.40 insists on rm=000 for the
# exact conversions fcvt.d.s, fcvt.d.w, fcvt.d.wu, whose rm field the spec
# leaves free (QEMU and the frontend accept any valid mode): tolerated.
paste "$work/ours.norm" "$work/objdump.norm" | awk -F'\t' '
    $4 ~ /^(\.insn|\.word|\.short|\.2byte|\.4byte|unknown|unimp)/ {
        split($2, m, " ")
        if (m[1] == "fcvt.d.s" || m[1] == "fcvt.d.w" || m[1] == "fcvt.d.wu") { tol++; next }
        bad++; if (bad <= 20) print "  " $1 ": " $4 "  (frontend: " $2 ")"
    }
    END { printf "%d %d\n", bad, tol > "/dev/stderr" }' >"$work/bad.txt" 2>"$work/bad.count"
read -r bad tol <"$work/bad.count"
if [ "$bad" -ne 0 ]; then
    echo "check-decode: $bad of $total generated words are not valid instructions to objdump:"
    cat "$work/bad.txt"
    exit 1
fi
ndiff=$(paste "$work/ours.norm" "$work/objdump.norm" | awk -F'\t' '$2 != $4 && $4 !~ /^\.4byte/' | wc -l)
if [ "$ndiff" -ne 0 ]; then
    echo "check-decode: warning: $ndiff lines where the frontend's disassembly differs from objdump's"
    echo "  (first 20; addr, frontend, objdump):"
    paste "$work/ours.norm" "$work/objdump.norm" | awk -F'\t' '$2 != $4 && $4 !~ /^\.4byte/ { print "  " $1 ": " $2 "  |  " $4 }' | head -20
fi
echo "check-decode: all $total generated instructions decode with objdump ($tol exact fcvt.d.* with rm != 0 tolerated)"
