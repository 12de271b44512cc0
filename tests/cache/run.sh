#!/usr/bin/env bash
# Translation-cache tests: cold and warm runs, damaged and foreign entries,
# concurrent runs, eviction, the liftvm cache commands, ahead-of-time
# warm-up, and the perf map / jitdump outputs.
#
#   tests/cache/run.sh LIFTVM SCRATCHDIR
#
# Every test uses its own --cache-dir under SCRATCHDIR (never ~/.cache).
# The guest is tests/cache/prog.c (freestanding, small: every --jit mode
# compiles it in about a second) built for riscv64 in two variants; the
# reference output is --jit=off.  Hit and miss counts come from the
# "jit: cache" line of -d stats.
# Environment: RV_CC (default riscv64-linux-gnu-gcc).
# Prints "PASS name" or "FAIL name: reason" per check, then "N passed, M
# failed"; exits 0 only if every check passed.
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 LIFTVM SCRATCHDIR" >&2
    exit 2
fi
LIFTVM=$1
S=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RV_CC=${RV_CC:-riscv64-linux-gnu-gcc}
case $LIFTVM in /*) ;; *) LIFTVM=$PWD/$LIFTVM ;; esac
case $S in /*) ;; *) S=$PWD/$S ;; esac

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit $?
}
ulimit -c 0
unset LIFTVM_CACHE LIFTVM_CACHE_DIR LIFTVM_CACHE_MAX LIFTVM_PERFMAP LIFTVM_JITDUMP LIFTVM_LOG \
    LIFTVM_LOG_FILENAME LIFTVM_JIT LIFTVM_HOT1 LIFTVM_HOT2 LIFTVM_JIT_FAIL_EVERY LIFTVM_CACHE_DRAIN_MS

rm -rf "$S"
mkdir -p "$S/bin"
if ! command -v "$RV_CC" > /dev/null; then
    fail setup "compiler $RV_CC not found"
    finish
fi
for v in 1 2; do
    if ! "$RV_CC" -O2 -static -nostdlib -ffreestanding -fno-stack-protector -DVARIANT=$v \
        -o "$S/bin/prog$v" "$HERE/prog.c" 2> "$S/bin/cc.err"; then
        fail setup "cannot build prog.c: $(head -3 "$S/bin/cc.err")"
        finish
    fi
done
if ! "$RV_CC" -O2 -static -o "$S/bin/hot" "$HERE/hot.c" 2> "$S/bin/cc.err"; then
    fail setup "cannot build hot.c: $(head -3 "$S/bin/cc.err")"
    finish
fi
P1=$S/bin/prog1
P2=$S/bin/prog2

# run NAME DIR PROGRAM [OPTIONS...]: runs PROGRAM under liftvm with the
# cache in DIR; leaves NAME.out, NAME.status and NAME.log (-d stats) in $S.
run() {
    local name=$1 dir=$2 prog=$3
    shift 3
    "$LIFTVM" --cache-dir "$dir" -d stats -D "$S/$name.log" "$@" "$prog" > "$S/$name.out" \
        2> "$S/$name.err"
    echo $? > "$S/$name.status"
}
# count FIELD NAME: hits, misses, stored, rejected, damaged from NAME.log
count() {
    local line
    line=$(grep -m1 '^jit: cache' "$S/$2.log" 2> /dev/null) || { echo -1; return; }
    case $1 in
    hits) sed -E 's/.* ([0-9]+) hits.*/\1/' <<< "$line" ;;
    misses) sed -E 's/.* ([0-9]+) misses.*/\1/' <<< "$line" ;;
    stored) sed -E 's/.* ([0-9]+) stored.*/\1/' <<< "$line" ;;
    rejected) sed -E 's/.* ([0-9]+) rejected.*/\1/' <<< "$line" ;;
    damaged) sed -E 's/.* ([0-9]+) damaged.*/\1/' <<< "$line" ;;
    esac
}
# image_units NAME: units NAME installed from the pre-linked image (-1: none used)
image_units() {
    sed -nE 's/^jit: cache image: ok;.* ([0-9]+) units from it.*/\1/p' "$S/$1.log" | grep . || echo -1
}
# same NAME REF: output and status equal the reference's
same() {
    cmp -s "$S/$1.out" "$S/$2.out" && cmp -s "$S/$1.status" "$S/$2.status"
}
group_of() { # DIR: the one group folder in DIR
    local g=("$1"/v1/g-*)
    echo "${g[0]}"
}
bytes_of() { # DIR: bytes of every file under DIR
    find "$1" -type f -printf '%s\n' 2> /dev/null | awk '{s += $1} END {print s + 0}'
}

# The references: the interpreter, no cache.
for v in 1 2; do
    "$LIFTVM" --jit=off --cache=off "$S/bin/prog$v" > "$S/ref$v.out" 2> /dev/null
    echo $? > "$S/ref$v.status"
done
if ! grep -q '^fib 17711$' "$S/ref1.out"; then
    fail setup "the reference run printed $(head -c 200 "$S/ref1.out")"
    finish
fi

# ---- cold and warm runs in every mode ----
for mode in t1 t2 auto; do
    opts=(--jit=$mode)
    [ $mode = auto ] && opts+=(--hot1=1 --hot2=4) # every tier while it runs
    D=$S/c-$mode
    run cold-$mode "$D" "$P1" "${opts[@]}"
    run warm-$mode "$D" "$P1" "${opts[@]}"
    if ! same cold-$mode ref1; then
        fail "cold-$mode" "output differs from --jit=off"
    elif [ "$(count stored cold-$mode)" -le 0 ]; then
        fail "cold-$mode" "nothing stored ($(grep -m1 '^jit: cache' "$S/cold-$mode.log"))"
    else
        pass "cold-$mode"
    fi
    if ! same warm-$mode ref1; then
        fail "warm-$mode" "output differs from --jit=off"
    elif [ "$(count hits warm-$mode)" -le 0 ]; then
        fail "warm-$mode" "no hits ($(grep -m1 '^jit: cache' "$S/warm-$mode.log"))"
    elif [ $mode != auto ] && [ "$(count misses warm-$mode)" != 0 ]; then
        fail "warm-$mode" "recompiled $(count misses warm-$mode) units"
    elif ! grep -q '^jit: cache .*; stubs cached$' "$S/warm-$mode.log"; then
        # the warm path enters cached code without waiting for LLVM
        fail "warm-$mode" "the cached jit_enter stubs were not used"
    elif [ $mode != auto ] && ! grep -q '^jit: compile thread CPU [0-9.]* ms, never started;' "$S/warm-$mode.log"; then
        # nothing to compile: the run stays single-threaded
        fail "warm-$mode" "the compile thread started: $(grep '^jit: compile thread' "$S/warm-$mode.log")"
    elif [ "$(image_units warm-$mode)" != "$(count hits warm-$mode)" ]; then
        # every hit comes from the program's pre-linked image
        fail "warm-$mode" "$(image_units warm-$mode) of $(count hits warm-$mode) hits from the image: $(grep '^jit: cache image' "$S/warm-$mode.log")"
    else
        pass "warm-$mode"
    fi
done
# ---- compiles still queued at exit go to the cache ----
# Every block is queued for tier 1 when it first runs (--hot1=1); the run
# ends long before LLVM has compiled them all, so the queue is drained at
# exit (LIFTVM_CACHE_DRAIN_MS: no time limit here, so that the check does
# not depend on the machine's speed; by default twice the run's time).
# The next run then compiles nothing.
D=$S/drain
LIFTVM_CACHE_DRAIN_MS=60000 run drain-cold "$D" "$P1" --jit=auto --hot1=1 --hot2=1000000000
run drain-warm "$D" "$P1" --jit=auto --hot1=1 --hot2=1000000000
drained=$(sed -nE 's/.*; ([0-9]+) compiled at exit for the cache.*/\1/p' "$S/drain-cold.log")
if ! same drain-cold ref1 || ! same drain-warm ref1; then
    fail "drain at exit" "output differs from --jit=off"
elif [ "${drained:-0}" -le 0 ]; then
    fail "drain at exit" "nothing compiled at exit ($(grep 'compiled at exit' "$S/drain-cold.log"))"
elif [ "$(count stored drain-cold)" -lt "$drained" ]; then
    fail "drain at exit" "$drained compiled at exit, $(count stored drain-cold) stored"
elif [ "$(count misses drain-warm)" != 0 ]; then
    fail "drain at exit" "the next run compiled $(count misses drain-warm) units"
else
    pass "drain at exit ($drained units)"
fi
LIFTVM_CACHE_DRAIN_MS=0 run nodrain "$S/nodrain" "$P1" --jit=auto --hot1=1 --hot2=1000000000
if grep -q '; 0 compiled at exit for the cache' "$S/nodrain.log"; then
    pass "no drain with LIFTVM_CACHE_DRAIN_MS=0"
else
    fail "no drain" "$(grep 'compiled at exit' "$S/nodrain.log")"
fi

# ---- a program with nothing hot: only its first run starts LLVM ----
# The first run of a program starts the LLVM session at once, beside the
# guest; it leaves no records here (nothing gets hot), only its group.  A
# later run knows the program and starts LLVM only for a compile, so it
# never starts the compile thread (it used to, and waited for LLVM to load
# before it could exit).
Q=$S/quiet
run quiet1 "$Q" "$P1" --jit=auto --hot1=1000000000 --hot2=1000000000
run quiet2 "$Q" "$P1" --jit=auto --hot1=1000000000 --hot2=1000000000
if ! same quiet1 ref1 || ! same quiet2 ref1; then
    fail "nothing hot" "output differs from --jit=off"
elif ! grep -q '^jit: compile thread CPU [0-9.]* ms, started;' "$S/quiet1.log"; then
    fail "nothing hot" "the first run did not start LLVM early: $(grep '^jit: compile thread' "$S/quiet1.log")"
elif [ ! -d "$(group_of "$Q")" ] || [ "$(count stored quiet1)" != 0 ]; then
    fail "nothing hot" "no empty group after the first run: $(ls -R "$Q" | head -5)"
elif ! grep -q '^jit: compile thread CPU [0-9.]* ms, never started;' "$S/quiet2.log"; then
    fail "nothing hot" "the second run started the compile thread: $(grep '^jit: compile thread' "$S/quiet2.log")"
else
    pass "a program with nothing hot starts LLVM in its first run only"
fi

# ---- a cached tier-1 unit that gets hot in a later run gets its region ----
# The first run leaves the loop of hot.c as a tier-1 unit (50 iterations:
# past hot1, far from hot2); the second runs it from the cache 300,000
# times.  Its block is never decoded in that run (it runs compiled from the
# start), so forming the region must decode it: it used to fail, and warm
# runs kept hot loops in tier-1 code.
H=$S/hotter
rm -rf "$H"
"$LIFTVM" --jit=off --cache=off "$S/bin/hot" 1 300000 > "$S/hot-ref.out" 2> /dev/null
echo $? > "$S/hot-ref.status"
LIFTVM_CACHE_DRAIN_MS=60000 "$LIFTVM" --cache-dir "$H" --jit=auto --hot1=10 --hot2=100000 \
    "$S/bin/hot" 1 50 > /dev/null 2>&1 # drained: every unit queued is cached
"$LIFTVM" --cache-dir "$H" -d stats -D "$S/hot-later.log" --jit=auto --hot1=10 --hot2=100000 \
    "$S/bin/hot" 1 300000 > "$S/hot-later.out" 2> "$S/hot-later.err"
echo $? > "$S/hot-later.status"
t2_later=$(sed -nE 's/^jit: tier 2: ([0-9]+) units.*/\1/p' "$S/hot-later.log")
if ! same hot-later hot-ref; then
    fail "region of a cached unit" "output differs from --jit=off"
elif [ "$(count hits hot-later)" -le 0 ]; then
    fail "region of a cached unit" "nothing from the cache: $(grep -m1 '^jit: cache' "$S/hot-later.log")"
elif [ "${t2_later:-0}" -le 0 ]; then
    fail "region of a cached unit" "no tier-2 unit: $(grep -E '^jit: (tier 2|.*regions of)' "$S/hot-later.log" | tr '\n' ' ')"
else
    pass "a cached tier-1 unit that gets hot later gets its region ($t2_later tier-2 units)"
fi

if [ "$(stat -c %a "$S/c-t1")" = 700 ] && [ "$(stat -c %a "$(group_of "$S/c-t1")")" = 700 ] &&
    [ -z "$(find "$S/c-t1" -type f -perm /077)" ]; then
    pass "permissions (folders 0700, files 0600)"
else
    fail permissions "$(ls -laR "$S/c-t1" | head -20)"
fi

# ---- modes and folders ----
run ro-empty "$S/ro" "$P1" --jit=t1 --cache=ro
if same ro-empty ref1 && [ ! -e "$S/ro" ] && [ ! -s "$S/ro-empty.err" ]; then
    pass "ro without a cache creates nothing"
else
    fail "ro-empty" "$(cat "$S/ro-empty.err")"
fi
cp -a "$S/c-t1" "$S/ro"
before=$(find "$S/ro" -printf '%p %s %T@\n' | sort)
run ro-warm "$S/ro" "$P1" --jit=t1 --cache=ro
after=$(find "$S/ro" -printf '%p %s %T@\n' | sort)
if same ro-warm ref1 && [ "$(count hits ro-warm)" -gt 0 ] && [ "$before" = "$after" ]; then
    pass "ro uses the cache and writes nothing"
else
    fail "ro-warm" "hits $(count hits ro-warm); changed: $(diff <(echo "$before") <(echo "$after") | head -5)"
fi
LIFTVM_CACHE=off "$LIFTVM" --cache-dir "$S/off" --jit=t1 "$P1" > "$S/off.out" 2>&1
if [ ! -e "$S/off" ]; then pass "LIFTVM_CACHE=off"; else fail "off" "created $S/off"; fi
mkdir -p "$S/xdg" "$S/home"
env -u LIFTVM_CACHE_DIR XDG_CACHE_HOME="$S/xdg" "$LIFTVM" --jit=t1 "$P1" > /dev/null 2>&1
env -u LIFTVM_CACHE_DIR -u XDG_CACHE_HOME HOME="$S/home" "$LIFTVM" --jit=t1 "$P1" > /dev/null 2>&1
if [ -d "$S/xdg/liftvm/v1" ] && [ "$(stat -c %a "$S/xdg/liftvm")" = 700 ] &&
    [ -d "$S/home/.cache/liftvm/v1" ] && [ -f "$S/xdg/liftvm/CACHEDIR.TAG" ]; then
    pass "default folders (\$XDG_CACHE_HOME/liftvm, ~/.cache/liftvm)"
else
    fail "default folders" "$(find "$S/xdg" "$S/home" -maxdepth 3 | head)"
fi
LIFTVM_CACHE=maybe "$LIFTVM" "$P1" > /dev/null 2> "$S/badmode.err"
if [ $? = 1 ] && grep -q 'expects off, ro or rw' "$S/badmode.err"; then
    pass "bad LIFTVM_CACHE value"
else
    fail "bad LIFTVM_CACHE value" "$(cat "$S/badmode.err")"
fi

# ---- damaged, foreign and unsafe entries: ignored, then replaced ----
# fresh NAME: a warm t1 cache for prog1 in $S/d-NAME, its pack in $PACK
fresh() {
    rm -rf "$S/d-$1"
    cp -a "$S/c-t1" "$S/d-$1"
    PACK=$(group_of "$S/d-$1")/pack
}
# damaged NAME WHAT: a run over the damage must print the reference, count
# the damage, and leave a cache the next run uses fully.
damaged() {
    local name=$1 what=$2
    run dmg-$name "$S/d-$name" "$P1" --jit=t1
    run dmg-$name-after "$S/d-$name" "$P1" --jit=t1
    if ! same dmg-$name ref1; then
        fail "$what" "output differs"
    elif [ "$(count damaged dmg-$name)" -le 0 ] && [ "$(count rejected dmg-$name)" -le 0 ]; then
        fail "$what" "not detected ($(grep -m1 '^jit: cache' "$S/dmg-$name.log"))"
    elif ! same dmg-$name-after ref1 || [ "$(count misses dmg-$name-after)" != 0 ] ||
        [ "$(count damaged dmg-$name-after)" != 0 ]; then
        fail "$what" "not replaced ($(grep -m1 '^jit: cache' "$S/dmg-$name-after.log"))"
    else
        pass "$what"
    fi
}
fresh trunc
truncate -s $(($(stat -c %s "$PACK") / 2)) "$PACK"
damaged trunc "truncated pack"
fresh flip
size=$(stat -c %s "$PACK")
printf '\xff' | dd of="$PACK" bs=1 seek=$((size * 2 / 3)) conv=notrunc status=none
printf '\x00' | dd of="$PACK" bs=1 seek=$((size / 3)) conv=notrunc status=none
damaged flip "bit-flipped pack"
fresh foreign # a pack made under another configuration (t2 instead of t1)
cp "$(group_of "$S/c-t2")/pack" "$PACK"
damaged foreign "entries of another configuration (build id, LLVM, CPU, options)"
fresh header
printf 'XXXX' | dd of="$PACK" bs=1 seek=0 conv=notrunc status=none
damaged header "corrupt file header"
fresh other # another program's valid entries at the same pcs: its code bytes differ
rm -rf "$S/o2"
run other-seed "$S/o2" "$P2" --jit=t1
cp "$(group_of "$S/o2")/pack" "$PACK"
run dmg-other "$S/d-other" "$P1" --jit=t1
if same dmg-other ref1 && [ "$(count rejected dmg-other)" -gt 0 ]; then
    pass "another binary's units at the same pcs are rejected by their code bytes"
else
    fail "other binary" "$(grep -m1 '^jit: cache' "$S/dmg-other.log"); $(diff "$S/dmg-other.out" "$S/ref1.out" | head -3)"
fi
fresh writable
chmod 666 "$PACK"
damaged writable "pack writable by others"
if [ "$(id -u)" = 0 ]; then
    fresh owner
    chown 65534:65534 "$PACK"
    damaged owner "pack owned by another user"
    if [ "$(stat -c %u "$PACK")" = 0 ]; then
        pass "foreign-owned pack replaced by ours"
    else
        fail "owner" "pack still owned by $(stat -c %u "$PACK")"
    fi
else
    echo "SKIP pack owned by another user: chown needs root (the writable-by-others check covers the same test)"
fi
fresh symlink
mv "$PACK" "$PACK.real"
ln -s "$PACK.real" "$PACK"
damaged symlink "symlinked pack (O_NOFOLLOW)"
if [ -f "$PACK" ] && [ ! -L "$PACK" ]; then
    pass "symlinked pack replaced by a file"
else
    fail "symlink" "pack is still a link"
fi
fresh jlink # a journal entry that is a symlink to a file outside the cache
echo "victim" > "$S/victim"
ln -s "$S/victim" "$(dirname "$PACK")/j-00000000000000000000000000000000"
printf 'garbage, not a cache file' > "$(dirname "$PACK")/j-11111111111111111111111111111111"
damaged jlink "symlinked and garbage journal entries"
if [ "$(cat "$S/victim")" = victim ] && [ ! -e "$(dirname "$PACK")/j-00000000000000000000000000000000" ] &&
    [ ! -e "$(dirname "$PACK")/j-11111111111111111111111111111111" ]; then
    pass "journal symlink removed, its target untouched"
else
    fail "journal symlink" "$(ls -la "$(dirname "$PACK")" | head)"
fi

# The image (the pack's units linked ahead of time): damage is counted, the
# run loads the units one by one, and makes the image again at its end.
image_damaged() {
    local name=$1 what=$2
    damaged "$name" "$what"
    if [ "$(image_units dmg-$name-after)" -gt 0 ]; then
        pass "$what: made again ($(image_units dmg-$name-after) units from it next run)"
    else
        fail "$what" "no image next run: $(grep '^jit: cache image' "$S/dmg-$name-after.log")"
    fi
}
fresh img-flip
IMG=$(dirname "$PACK")/image
size=$(stat -c %s "$IMG")
printf '\x5a' | dd of="$IMG" bs=1 seek=$((size - 9)) conv=notrunc status=none
image_damaged img-flip "bit-flipped image"
fresh img-trunc
truncate -s 40 "$(dirname "$PACK")/image"
image_damaged img-trunc "truncated image"
fresh img-foreign
cp "$(group_of "$S/c-t2")/image" "$(dirname "$PACK")/image"
image_damaged img-foreign "image of another configuration"
fresh img-link
IMG=$(dirname "$PACK")/image
mv "$IMG" "$S/img-real"
ln -s "$S/img-real" "$IMG"
image_damaged img-link "symlinked image (O_NOFOLLOW)"

# ---- decoded blocks kept for the next run (jit_cache_blocks.c) ----
# blocks FIELD NAME: from NAME's "jit: cache blocks" line: status, kept,
# taken, changed, damaged or written (-1: no such line)
blocks() {
    local line
    line=$(grep -m1 '^jit: cache blocks' "$S/$2.log" 2> /dev/null) || { echo -1; return; }
    case $1 in
    status) sed -E 's/^jit: cache blocks: ([a-z]+);.*/\1/' <<< "$line" ;;
    kept) sed -E 's/.*; ([0-9]+) kept.*/\1/' <<< "$line" ;;
    taken) sed -E 's/.* ([0-9]+) taken.*/\1/' <<< "$line" ;;
    changed) sed -E 's/.* ([0-9]+) whose guest code changed.*/\1/' <<< "$line" ;;
    damaged) sed -E 's/.* ([0-9]+) damaged;.*/\1/' <<< "$line" ;;
    written) sed -E 's/.* ([0-9]+) written at exit.*/\1/' <<< "$line" ;;
    esac
}
B=$S/blk
rm -rf "$B"
mkdir -p "$B/bin"
cp -p "$P1" "$B/bin/prog"
touch -r "$B/bin/prog" "$B/stamp"
run blk1 "$B/c" "$B/bin/prog" --jit=auto
run blk2 "$B/c" "$B/bin/prog" --jit=auto
if ! same blk1 ref1 || ! same blk2 ref1; then
    fail "decoded blocks" "output differs from --jit=off"
elif [ "$(blocks written blk1)" -le 0 ]; then
    fail "decoded blocks" "the first run kept none: $(grep '^jit: cache blocks' "$S/blk1.log")"
elif [ "$(blocks taken blk2)" -le 0 ] || [ "$(blocks written blk2)" != 0 ]; then
    fail "decoded blocks" "the second run: $(grep '^jit: cache blocks' "$S/blk2.log")"
else
    pass "decoded blocks kept by a run are taken by the next ($(blocks taken blk2) of $(blocks kept blk2))"
fi
# The same path, size and time, other code (prog2): every kept block is
# checked against the guest code it was decoded from.
cp "$P2" "$B/bin/prog"
touch -r "$B/stamp" "$B/bin/prog"
run blk-changed "$B/c" "$B/bin/prog" --jit=auto
if same blk-changed ref2 && [ "$(blocks changed blk-changed)" -gt 0 ]; then
    pass "kept blocks whose guest code changed are decoded afresh ($(blocks changed blk-changed))"
else
    fail "changed guest code" "$(grep '^jit: cache blocks' "$S/blk-changed.log"); $(diff "$S/blk-changed.out" "$S/ref2.out" | head -3)"
fi
# blocks_damaged NAME WHAT STATUS: a run over the damage prints the
# reference and says so; the run after it takes blocks again.
blocks_damaged() {
    local name=$1 what=$2 want=$3
    run blk-$name "$B/d-$name" "$B/bin/prog" --jit=auto
    run blk-$name-after "$B/d-$name" "$B/bin/prog" --jit=auto
    if ! same blk-$name ref1 || ! same blk-$name-after ref1; then
        fail "$what" "output differs"
    elif [ "$(blocks status blk-$name)" != "$want" ] ||
        { [ "$want" = ok ] && [ "$(blocks damaged blk-$name)" -le 0 ]; }; then
        fail "$what" "not detected: $(grep '^jit: cache blocks' "$S/blk-$name.log")"
    elif [ "$(blocks status blk-$name-after)" != ok ] || [ "$(blocks taken blk-$name-after)" -le 0 ] ||
        [ "$(blocks damaged blk-$name-after)" != 0 ]; then
        fail "$what" "not replaced: $(grep '^jit: cache blocks' "$S/blk-$name-after.log")"
    else
        pass "$what"
    fi
}
# blocks_fresh NAME: prog1 again, with the cache of its first runs in $B/d-NAME
blocks_fresh() {
    cp -p "$P1" "$B/bin/prog"
    touch -r "$B/stamp" "$B/bin/prog"
    rm -rf "$B/d-$1"
    mkdir -p "$B/d-$1"
    run blk-seed-$1 "$B/d-$1" "$B/bin/prog" --jit=auto
    BLK=$(group_of "$B/d-$1")/blocks
}
blocks_fresh flip
size=$(stat -c %s "$BLK")
for at in $((size / 2)) $((size * 3 / 4)) $((size - 9)); do
    printf '\x5a' | dd of="$BLK" bs=1 seek=$at conv=notrunc status=none
done
blocks_damaged flip "bit-flipped decoded blocks" ok
blocks_fresh trunc
truncate -s $(($(stat -c %s "$BLK") - 100)) "$BLK"
blocks_damaged trunc "truncated decoded blocks" damaged
blocks_fresh link
mv "$BLK" "$B/blocks-real"
ln -s "$B/blocks-real" "$BLK"
blocks_damaged link "symlinked decoded blocks (O_NOFOLLOW)" damaged

# ---- liftvm cache verify finds planted damage ----
fresh verify
G=$(dirname "$PACK")
cp "$(group_of "$S/c-t1")/pack" "$G/j-22222222222222222222222222222222"
truncate -s 100 "$G/j-22222222222222222222222222222222"
size=$(stat -c %s "$PACK")
printf '\x5a' | dd of="$PACK" bs=1 seek=$((size / 2)) conv=notrunc status=none
ln -s /etc/passwd "$G/j-33333333333333333333333333333333"
printf 'XXXXXXXX' | dd of="$G/image" bs=1 seek=16 conv=notrunc status=none
cp "$(group_of "$B/d-flip")/blocks" "$G/blocks" # another group's: refused as foreign
"$LIFTVM" cache --cache-dir "$S/d-verify" verify > "$S/verify1.out" 2>&1
v1=$?
"$LIFTVM" cache --cache-dir "$S/d-verify" verify > "$S/verify2.out" 2>&1
v2=$?
if [ $v1 = 1 ] && grep -q 'removing' "$S/verify1.out" && grep -q 'image damaged: removing' "$S/verify1.out" &&
    grep -q 'decoded blocks foreign: removing' "$S/verify1.out" && [ ! -e "$G/blocks" ] &&
    [ $v2 = 0 ] &&
    grep -q ' 0 bad ones removed' "$S/verify2.out"; then
    pass "cache verify reports and removes planted damage"
else
    fail "cache verify" "exit $v1, $v2: $(cat "$S/verify1.out" "$S/verify2.out")"
fi
run verify-after "$S/d-verify" "$P1" --jit=t1
if same verify-after ref1 && [ "$(count damaged verify-after)" = 0 ] && [ "$(count hits verify-after)" -gt 0 ]; then
    pass "runs after verify"
else
    fail "runs after verify" "$(grep -m1 '^jit: cache' "$S/verify-after.log")"
fi

# ---- concurrent runs sharing one cache ----
rm -rf "$S/conc"
pids=()
for i in 1 2 3 4; do
    v=$(((i % 2) + 1))
    ( run conc$i "$S/conc" "$S/bin/prog$v" --jit=t1 ) &
    pids+=($!)
done
wait "${pids[@]}"
ok=1
for i in 1 2 3 4; do
    v=$(((i % 2) + 1))
    same conc$i ref$v || ok=0
done
"$LIFTVM" cache --cache-dir "$S/conc" verify > "$S/conc-verify.out" 2>&1
vs=$?
run conc-warm1 "$S/conc" "$P1" --jit=t1
run conc-warm2 "$S/conc" "$P2" --jit=t1
if [ $ok = 1 ] && [ $vs = 0 ] && same conc-warm1 ref1 && same conc-warm2 ref2 &&
    [ "$(count misses conc-warm1)" = 0 ] && [ "$(count misses conc-warm2)" = 0 ]; then
    pass "4 concurrent cold runs (2 programs): correct, no broken entry, all stored"
else
    fail "concurrent" "outputs ok=$ok, verify exit $vs: $(cat "$S/conc-verify.out"); warm misses $(count misses conc-warm1) $(count misses conc-warm2)"
fi

# ---- eviction ----
one=$(bytes_of "$(group_of "$S/c-t1")")
rm -rf "$S/ev"
run ev1 "$S/ev" "$P1" --jit=t1
limit=$((one * 3 / 2 + 8192)) # one program fits, two do not
sleep 1 # the two programs' last use must differ
run ev2 "$S/ev" "$P2" --jit=t1 --cache-max=$limit
groups=$(ls -d "$S/ev"/v1/g-* 2> /dev/null | wc -l)
total=$(bytes_of "$S/ev/v1")
if same ev2 ref2 && [ "$groups" = 1 ] && [ "$total" -le "$limit" ] &&
    grep -q prog2 "$(group_of "$S/ev")/info"; then
    pass "eviction: the least recently used program goes ($total <= $limit bytes)"
else
    fail "eviction" "$groups groups, $total bytes, limit $limit: $(cat "$S/ev"/v1/g-*/info)"
fi
rm -rf "$S/tiny"
run tiny "$S/tiny" "$P1" --jit=t1 --cache-max=12K
run tiny2 "$S/tiny" "$P2" --jit=t1 --cache-max=12K
total=$(bytes_of "$S/tiny/v1")
if same tiny ref1 && same tiny2 ref2 && [ "$total" -le 12288 ]; then
    pass "eviction under a 12 KiB limit ($total bytes left)"
else
    fail "tiny limit" "$total bytes left"
fi
"$LIFTVM" cache --cache-dir "$S/conc" --cache-max=1K prune > "$S/prune.out" 2>&1
total=$(bytes_of "$S/conc/v1")
if [ "$total" -le 1024 ] && grep -q evicted "$S/prune.out"; then
    pass "cache prune"
else
    fail "cache prune" "$total bytes left: $(cat "$S/prune.out")"
fi

# ---- stats and clear ----
"$LIFTVM" cache --cache-dir "$S/c-auto" stats > "$S/stats.out" 2>&1
if grep -q '^total: 1 programs, [1-9][0-9]* entries' "$S/stats.out" &&
    grep -q 'hit rate of the last 2 runs' "$S/stats.out" && grep -q prog1 "$S/stats.out"; then
    pass "cache stats"
else
    fail "cache stats" "$(cat "$S/stats.out")"
fi
cp -a "$S/c-t2" "$S/clear"
"$LIFTVM" cache --cache-dir "$S/clear" clear > /dev/null 2>&1
"$LIFTVM" cache --cache-dir "$S/clear" stats > "$S/clear.out" 2>&1
if grep -q '^total: 0 programs, 0 entries' "$S/clear.out"; then
    pass "cache clear"
else
    fail "cache clear" "$(cat "$S/clear.out")"
fi
"$LIFTVM" cache --cache-dir "$S/x" frobnicate > /dev/null 2> "$S/badcmd.err"
if [ $? = 1 ] && grep -q "unknown command" "$S/badcmd.err"; then
    pass "unknown cache command"
else
    fail "unknown cache command" "$(cat "$S/badcmd.err")"
fi

# ---- ahead-of-time warm-up ----
for mode in t1 t2 auto; do
    rm -rf "$S/aot-$mode"
    "$LIFTVM" cache --cache-dir "$S/aot-$mode" --jit=$mode build "$P1" > "$S/aot-$mode.build" 2>&1
    bs=$?
    run aot-$mode "$S/aot-$mode" "$P1" --jit=$mode
    if [ $bs = 0 ] && same aot-$mode ref1 && [ "$(count hits aot-$mode)" -gt 0 ] &&
        [ "$(count misses aot-$mode)" -lt "$(count misses cold-$mode)" ]; then
        pass "cache build --jit=$mode: first run hits $(count hits aot-$mode), compiles $(count misses aot-$mode) (cold: $(count misses cold-$mode))"
    else
        fail "cache build --jit=$mode" "exit $bs: $(tail -2 "$S/aot-$mode.build"); $(grep -m1 '^jit: cache' "$S/aot-$mode.log")"
    fi
done

# ---- perf map and jitdump, also for units loaded from the cache ----
"$LIFTVM" --cache-dir "$S/c-t1" --jit=t1 --perfmap "$P1" > "$S/pm.out" 2>&1 &
pid=$!
wait $pid
map=/tmp/perf-$pid.map
if [ -f "$map" ] && grep -Eq '^[0-9a-f]+ [0-9a-f]+ fib\+0x[0-9a-f]+ \[rv64 0x[0-9a-f]+ T1\]$' "$map" &&
    grep -q ' sort[.a-z0-9]*+0x' "$map"; then
    pass "perf map names guest functions of cached units ($(wc -l < "$map") lines)"
else
    fail "perf map" "$(head -3 "$map" 2>&1)"
fi
rm -f "$map"
mkdir -p "$S/jd"
JITDUMPDIR=$S/jd "$LIFTVM" --cache-dir "$S/c-t2" --jit=t2 --jitdump "$P1" > "$S/jd.out" 2>&1 &
pid=$!
wait $pid
dump=$(ls "$S"/jd/.debug/jit/liftvm-$pid-*/jit-$pid.dump 2> /dev/null | head -1)
if [ -n "$dump" ] && [ "$(head -c 4 "$dump" | od -An -tx4 | tr -d ' ')" = 4a695444 ] &&
    grep -aq 'fib+0x' "$dump"; then
    pass "jitdump written ($(stat -c %s "$dump") bytes)"
else
    fail "jitdump" "no dump with guest names under $S/jd: $(find "$S/jd" | head -5)"
fi

finish
