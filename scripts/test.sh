#!/usr/bin/env bash
# Configures and builds liftvm in build/ if needed, fetches the real-guest
# packages, then runs the whole test suite with ctest.
#
#   scripts/test.sh [CTEST_ARGS...]      e.g. scripts/test.sh -R guest
#
# Environment: LIFTVM_BUILD_DIR (default build), JOBS (default: nproc),
# LIFTVM_GUEST_CACHE (see scripts/fetch-guests.sh).

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${LIFTVM_BUILD_DIR:-$REPO/build}
JOBS=${JOBS:-$(nproc 2> /dev/null || echo 2)}

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$REPO" -B "$BUILD"
fi
cmake --build "$BUILD" -j "$JOBS"

# The busybox test fetches what it needs by itself; fetching here first keeps
# download messages out of the test log.  A failure shows up in that test.
if ! "$REPO/scripts/fetch-guests.sh" > /dev/null; then
    echo "test.sh: warning: fetching the real-guest packages failed; the busybox test will fail" >&2
fi

ctest --test-dir "$BUILD" --output-on-failure "$@"
