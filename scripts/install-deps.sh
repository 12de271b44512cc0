#!/usr/bin/env bash
# Installs everything liftvm's build, tests and benchmarks need on Debian 12
# (bookworm).  Run as root or through sudo:
#
#   sudo scripts/install-deps.sh [--no-update]
#
#   --no-update   skip apt-get update (the caller just ran it)

set -euo pipefail

UPDATE=1
for arg in "$@"; do
    case $arg in
    --no-update) UPDATE=0 ;;
    -h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown argument $arg" >&2; exit 2 ;;
    esac
done

PACKAGES=(
    # build
    build-essential cmake pkg-config
    libelf-dev libzstd-dev llvm-16-dev
    # translation cache keys (XXH3-128)
    libxxhash-dev
    # unit tests
    libcriterion-dev
    # guest programs: the riscv64 cross toolchain and an oracle to compare with
    gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-user
    # real guests: scripts/fetch-guests.sh uses apt-get download and dpkg-deb,
    # and checks the archive signature with Debian's keyring
    ca-certificates gnupg debian-archive-keyring
    # tools the test scripts call
    coreutils diffutils gzip findutils gawk
    # benchmarks (GNU time: peak RSS); perf for tests/cache/perf_names.sh
    hyperfine linux-perf time
)

SUDO=
if [ "$(id -u)" != 0 ]; then
    command -v sudo > /dev/null || { echo "install-deps: run as root (sudo not found)" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
if [ "$UPDATE" = 1 ]; then
    $SUDO apt-get update
fi
$SUDO apt-get install -y --no-install-recommends "${PACKAGES[@]}"
