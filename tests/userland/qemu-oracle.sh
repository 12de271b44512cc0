#!/usr/bin/env bash
# qemu-riscv64 behind liftvm's command line: the oracle for the userland tests.
#
#   tests/userland/qemu-oracle.sh [-L SYSROOT] PROGRAM [ARGS...]
#
# Runs PROGRAM under qemu-riscv64 the way liftvm -L SYSROOT is meant to run
# it, including the programs it execs: inside a private user and mount
# namespace, SYSROOT/usr and SYSROOT/etc are laid over the host's /usr and
# /etc with overlayfs (the sysroot's files first, the host's below), and a
# private binfmt_misc instance (Linux 6.7 or later) runs every riscv64 ELF
# that the guest execs under the same qemu.  So a guest shell running
# `ls | sort`, or Python starting subprocesses, finds the sysroot's riscv64
# programs at their usual absolute paths.  Nothing outside the namespace
# changes.  Use it in place of liftvm to check that a test is right:
#
#   tests/userland/run.sh tests/userland/qemu-oracle.sh /tmp/ul-oracle
#
# QEMU_ORACLE names the qemu-riscv64 binary.  The default is the static
# qemu-riscv64 that `scripts/fetch-guests.sh --qemu` puts into the guest
# cache, else qemu-riscv64 on PATH.  qemu 7.2 (Debian 12) cannot exec
# /proc/self/exe, which busybox's shell does for pipelines; use the cached
# trixie build.

set -euo pipefail

die() { echo "qemu-oracle: $*" >&2; exit 125; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# overlay SYSROOT: lays SYSROOT/etc and SYSROOT/usr over /etc and /usr in
# this mount namespace.  /usr last: after it, /usr/bin holds riscv64 programs.
overlay() {
    local d
    for d in etc usr; do
        [ -d "$1/$d" ] || continue
        mount -t overlay overlay -o "lowerdir=$1/$d:/$d" "/$d" || die "cannot lay $1/$d over /$d"
    done
}

case ${1:-} in
--stage1)
    # Root only, in a private mount namespace: QEMU SYSROOT PROGRAM ARGS...
    # A fresh null device replaces /dev/null, which some sandboxes make
    # unusable inside a user namespace; then stage 2.
    shift
    qemu=$1 sysroot=$2
    shift 2
    devdir=$(mktemp -d "${TMPDIR:-/tmp}/qemu-oracle.XXXXXX")
    mount -t tmpfs -o size=64k,mode=755 tmpfs "$devdir" || die "cannot mount a tmpfs on $devdir"
    if ! mknod -m 666 "$devdir/null" c 1 3 || ! mount --bind "$devdir/null" /dev/null; then
        die "cannot make a private /dev/null"
    fi
    # The bind mount keeps the tmpfs alive; the folder itself can go.
    umount "$devdir" 2> /dev/null && rmdir "$devdir"
    exec unshare --user --map-root-user --mount --fork --kill-child -- \
        "$BASH" "$HERE/qemu-oracle.sh" --stage2 "$qemu" "$sysroot" "$@"
    ;;
--stage2)
    # In the user namespace: QEMU SYSROOT PROGRAM ARGS...
    shift
    qemu=$1 sysroot=$2
    shift 2
    bf=/proc/sys/fs/binfmt_misc
    mount -t binfmt_misc binfmt_misc "$bf" 2> /dev/null ||
        die "cannot mount a private binfmt_misc (needs Linux 6.7+ and user namespaces)"
    # riscv64 ELF executables; F: qemu is opened now, P: argv[0] is kept.
    printf '%s' ":qemu-riscv64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xf3\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:$qemu:FP" \
        > "$bf/register" || die "cannot register qemu in the private binfmt_misc"
    [ -z "$sysroot" ] || overlay "$sysroot"
    # Only builtins from here on: /usr/bin may hold riscv64 programs now.
    exec "$qemu" "$@"
    ;;
esac

SYSROOT=
if [ "${1:-}" = -L ]; then
    [ $# -ge 2 ] || die "-L needs a folder"
    SYSROOT=$(cd "$2" && pwd) || die "no sysroot $2"
    shift 2
fi
[ $# -ge 1 ] || die "usage: $0 [-L SYSROOT] PROGRAM [ARGS...]"
case $SYSROOT in
*:* | *,*) die "the sysroot path must not contain ':' or ','" ;;
esac

CACHE=${LIFTVM_GUEST_CACHE:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache/liftvm-guests}
QEMU=${QEMU_ORACLE:-}
if [ -z "$QEMU" ]; then
    if [ -x "$CACHE/qemu/qemu-riscv64" ]; then
        QEMU=$CACHE/qemu/qemu-riscv64
    else
        QEMU=$(command -v qemu-riscv64) || die "no qemu-riscv64 (run scripts/fetch-guests.sh --qemu)"
    fi
fi
[ -x "$QEMU" ] || die "$QEMU is not executable"
QEMU=$(cd "$(dirname "$QEMU")" && pwd)/$(basename "$QEMU")

if [ "$(id -u)" = 0 ]; then
    exec unshare --mount --propagation private --fork --kill-child -- \
        "$BASH" "$HERE/qemu-oracle.sh" --stage1 "$QEMU" "$SYSROOT" "$@"
fi
exec unshare --user --map-root-user --mount --fork --kill-child -- \
    "$BASH" "$HERE/qemu-oracle.sh" --stage2 "$QEMU" "$SYSROOT" "$@"
