#!/usr/bin/env bash
# tests/badinput/run.sh LIFTVM SCRATCH_DIR
#
# Feeds liftvm missing, non-ELF, truncated, malformed and foreign programs and
# checks that each is refused cleanly: non-zero exit status below 128 (not
# killed by a signal), exactly one line on stderr, and that line names the
# problem.  Then checks that guests that execute an illegal instruction or
# store to read-only memory die with SIGILL (132) and SIGSEGV (139) like
# native programs.  The bad files are made on the fly: malformed headers are
# written byte by byte with printf, real programs come from
# riscv64-linux-gnu-gcc.  Prints "N passed, M failed" last; exit 0 if none
# failed.
set -u

LIFTVM=$(realpath "${1:?usage: run.sh LIFTVM SCRATCH_DIR}")
WORK=${2:?usage: run.sh LIFTVM SCRATCH_DIR}
CC=${RISCV_CC:-riscv64-linux-gnu-gcc}
mkdir -p "$WORK"
cd "$WORK" || exit 1

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

# ---- byte writers ----------------------------------------------------------
# le VALUE NBYTES: VALUE as little-endian bytes
le() {
    local v=$1 n=$2 i s=""
    for ((i = 0; i < n; i++)); do s+=$(printf '\\x%02x' $(((v >> (8 * i)) & 255))); done
    printf "%b" "$s"
}
# ehdr64 TYPE MACHINE PHOFF PHNUM [CLASS DATA]: a 64-byte ELF64 header
ehdr64() {
    local type=$1 machine=$2 phoff=$3 phnum=$4 class=${5:-2} data=${6:-1}
    printf '\x7fELF'
    le "$class" 1; le "$data" 1; le 1 1; le 0 9
    le "$type" 2; le "$machine" 2; le 1 4
    le 0x10000 8        # e_entry
    le "$phoff" 8; le 0 8; le 0 4
    le 64 2; le 56 2; le "$phnum" 2; le 64 2; le 0 2; le 0 2
}
# phdr64 TYPE FLAGS OFFSET VADDR FILESZ MEMSZ: one 56-byte program header
phdr64() {
    le "$1" 4; le "$2" 4; le "$3" 8; le "$4" 8; le "$4" 8; le "$5" 8; le "$6" 8; le 4096 8
}
# pad FILE SIZE: zero-extend FILE to SIZE bytes
pad() { truncate -s "$2" "$1"; }

EM_RISCV=243
PT_LOAD=1
PT_NOTE=4
RX=5
RW=6

# ---- one refusal check -------------------------------------------------------
# refuse NAME KEYWORD-REGEX ARGS...: liftvm ARGS must fail cleanly naming the problem
refuse() {
    local name=$1 re=$2
    shift 2
    timeout 60 "$LIFTVM" "$@" >"$name.out" 2>"$name.err" </dev/null
    local rc=$? lines
    lines=$(wc -l <"$name.err")
    if [ "$rc" -eq 0 ]; then
        bad "$name" "exit status 0"
    elif [ "$rc" -ge 128 ]; then
        bad "$name" "killed (exit status $rc): $(head -c 300 "$name.err")"
    elif [ "$lines" -ne 1 ]; then
        bad "$name" "$lines lines on stderr: $(head -c 300 "$name.err")"
    elif ! grep -Eqi -- "$re" "$name.err"; then
        bad "$name" "message does not match /$re/: $(cat "$name.err")"
    else
        ok "$name: $(cat "$name.err")"
    fi
}

# dies NAME SIGNAL-NUMBER KEYWORD ARGS...: liftvm ARGS must die of the signal
dies() {
    local name=$1 sig=$2 re=$3
    shift 3
    # (the braces keep bash's own "Illegal instruction" report off the output)
    { timeout 60 "$LIFTVM" "$@" >"$name.out" 2>"$name.err" </dev/null; } 2>/dev/null
    local rc=$?
    if [ "$rc" -ne $((128 + sig)) ]; then
        bad "$name" "exit status $rc, expected $((128 + sig)): $(head -c 300 "$name.err")"
    elif ! grep -Eqi -- "$re" "$name.err"; then
        bad "$name" "message does not match /$re/: $(cat "$name.err")"
    else
        ok "$name: $(cat "$name.err")"
    fi
}

# ---- files that are not ELF programs ----------------------------------------
refuse missing 'no such file' ./does-not-exist
: >empty
refuse empty 'not an ELF' ./empty
echo 'just some text, not a program' >text
refuse text 'not an ELF' ./text
mkdir -p adir
refuse directory 'directory' ./adir
printf '\x7fEL' >short-magic
refuse short-magic 'not an ELF' ./short-magic
ehdr64 2 $EM_RISCV 64 1 | head -c 40 >trunc-ehdr
refuse truncated-header 'truncated' ./trunc-ehdr

# ---- malformed ELF headers (crafted) -------------------------------------------
ehdr64 2 $EM_RISCV 64 1 3 1 >badclass
pad badclass 200
refuse bad-class 'class' ./badclass
ehdr64 2 $EM_RISCV 64 1 2 2 >bigendian
pad bigendian 200
refuse big-endian 'big-endian' ./bigendian
ehdr64 4 $EM_RISCV 64 0 >core
pad core 200
refuse core-file 'core' ./core
ehdr64 2 $EM_RISCV 0x100000 1 >phoff-past-end
pad phoff-past-end 200
refuse phoff-past-end 'program header|truncated' ./phoff-past-end
ehdr64 2 $EM_RISCV 64 0 >no-phdrs
pad no-phdrs 200
refuse no-program-headers 'program header' ./no-phdrs
{ ehdr64 2 $EM_RISCV 64 1; phdr64 $PT_NOTE 4 0 0 16 16; } >no-load
pad no-load 4096
refuse no-pt-load 'PT_LOAD|loadable' ./no-load
{ ehdr64 2 $EM_RISCV 64 1; phdr64 $PT_LOAD $RX 0 0x10000 0x2000 0x1000; } >filesz-gt-memsz
pad filesz-gt-memsz 8192
refuse filesz-gt-memsz 'file size' ./filesz-gt-memsz
{ ehdr64 2 $EM_RISCV 64 1; phdr64 $PT_LOAD $RX 0 0x10000 0x100000 0x100000; } >seg-past-end
pad seg-past-end 8192
refuse segment-past-eof 'truncated|past end' ./seg-past-end
{ ehdr64 2 $EM_RISCV 64 2; phdr64 $PT_LOAD $RX 0 0x10000 0x1000 0x3000
  phdr64 $PT_LOAD $RW 0x1000 0x11000 0x100 0x100; } >overlap
pad overlap 8192
refuse overlapping-segments 'overlap' ./overlap
{ ehdr64 2 $EM_RISCV 64 1; phdr64 $PT_LOAD $RX 0 0x7000000000 0x1000 0x1000; } >beyond
pad beyond 8192
refuse vaddr-beyond-space 'outside the guest address space' ./beyond
{ ehdr64 2 $EM_RISCV 64 1; phdr64 $PT_LOAD $RW 0 0x10000 0x100 0xfffffffffffff000; } >wrap
pad wrap 8192
refuse size-overflow 'overflow|outside' ./wrap

# ---- foreign ELF files -----------------------------------------------------------
refuse x86-64 'x86-64' /bin/true
{
    printf '\x7fELF\x01\x01\x01'; le 0 9
    le 2 2; le $EM_RISCV 2; le 1 4; le 0x10000 4; le 52 4; le 0 4; le 0 4
    le 52 2; le 32 2; le 1 2; le 40 2; le 0 2; le 0 2
} >elf32
pad elf32 512
refuse 32-bit '32-bit' ./elf32
{ ehdr64 2 183 64 1; phdr64 $PT_LOAD $RX 0 0x10000 0x100 0x100; } >aarch64
pad aarch64 4096
refuse aarch64 'AArch64' ./aarch64

# ---- real riscv64 programs, broken ---------------------------------------------
if command -v "$CC" >/dev/null; then
    printf 'int main(void) { return 0; }\n' >tiny.c
    "$CC" -static -O2 -o tiny-static tiny.c
    "$CC" -c -O2 -o tiny.o tiny.c
    "$CC" -O2 -Wl,--dynamic-linker=/nonexistent/ld-liftvm-test.so.1 -o dyn-nointerp tiny.c
    "$CC" -O2 -o dyn tiny.c

    refuse relocatable 'relocatable' ./tiny.o
    head -c 100 tiny-static >trunc-100
    refuse truncated-phdrs 'truncated' ./trunc-100
    head -c 2000 tiny-static >trunc-2000
    refuse truncated-segments 'truncated' ./trunc-2000
    refuse interp-not-found 'interpreter /nonexistent/ld-liftvm-test.so.1 not found' ./dyn-nointerp
    mkdir -p sysroot-text/lib sysroot-x86/lib
    interp=$(readelf -l dyn | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
    echo 'not a loader' >"sysroot-text$interp"
    refuse interp-not-elf 'interpreter.*not an ELF' -L sysroot-text ./dyn
    cp /bin/true "sysroot-x86$interp"
    refuse interp-foreign 'interpreter.*x86-64' -L sysroot-x86 ./dyn

    # ---- guests that die of a signal ------------------------------------------
    cat >illegal.S <<'EOF'
.globl _start
_start:
    .word 0
EOF
    cat >store-ro.S <<'EOF'
.globl _start
_start:
    lla t0, _start
    sw zero, 0(t0)
    li a7, 93
    li a0, 0
    ecall
EOF
    "$CC" -nostdlib -static -o illegal illegal.S
    "$CC" -nostdlib -static -o store-ro store-ro.S
    dies illegal-instruction 4 'SIGILL' ./illegal
    dies store-to-read-only 11 'SIGSEGV' ./store-ro
else
    bad cross-compiler "$CC not found: riscv64 program cases skipped"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
