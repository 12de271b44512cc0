#!/usr/bin/env bash
# Fetches Debian riscv64 packages used as real guests and unpacks them into a
# sysroot in a cache folder outside git.
#
#   scripts/fetch-guests.sh [--packages "NAME..."] [--deps] [--force] [--update] [CACHE_DIR]
#
#   CACHE_DIR     default ${LIFTVM_GUEST_CACHE:-$HOME/.cache/liftvm-guests}
#   --packages    package names (default: $LIFTVM_GUEST_PACKAGES, else
#                 "busybox-static")
#   --deps        also fetch each package's Depends/Pre-Depends, recursively
#   --force       unpack packages again even if already there
#   --update      refresh the package lists even if they exist
#
# Layout of CACHE_DIR:
#   root/         the sysroot: packages unpacked with dpkg -x, merged-/usr
#                 links (bin -> usr/bin, lib -> usr/lib, lib64 -> usr/lib64,
#                 sbin -> usr/sbin); use it as liftvm -L CACHE_DIR/root
#   debs/         the downloaded .deb files
#   apt/          a private apt configuration, state and cache: the host's
#                 own apt setup and dpkg database are never touched
#   stamps/NAME   one per unpacked package, holding the .deb file name
#
# Packages come from Debian trixie (riscv64 is an official architecture
# there) through apt-get download with its own sources list.  The mirror is
# the one the host's apt already uses (first Debian archive entry of
# /etc/apt/sources.list or /etc/apt/sources.list.d/*.{list,sources}), or
# LIFTVM_DEBIAN_MIRROR if set.  The Release file is checked against
# /usr/share/keyrings/debian-archive-keyring.gpg (bookworm's keyring ships
# the trixie keys; keep the debian-archive-keyring package up to date).  Only
# if that is impossible, LIFTVM_APT_TRUSTED=1 turns the signature check off
# ([trusted=yes]); nothing here does so on its own.

set -euo pipefail

SUITE=${LIFTVM_GUEST_SUITE:-trixie}
ARCH=riscv64
KEYRING=${LIFTVM_APT_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
PACKAGES=${LIFTVM_GUEST_PACKAGES:-busybox-static}
CACHE=
WITH_DEPS=0
FORCE=0
UPDATE=0

die() { echo "fetch-guests: $*" >&2; exit 1; }
say() { echo "fetch-guests: $*" >&2; }

usage() {
    sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
    exit "${1:-2}"
}

while [ $# -gt 0 ]; do
    case $1 in
    --packages) [ $# -ge 2 ] || usage; PACKAGES=$2; shift 2 ;;
    --packages=*) PACKAGES=${1#--packages=}; shift ;;
    --deps) WITH_DEPS=1; shift ;;
    --force) FORCE=1; shift ;;
    --update) UPDATE=1; shift ;;
    -h | --help) usage 0 ;;
    -*) echo "fetch-guests: unknown option $1" >&2; usage ;;
    *) [ -z "$CACHE" ] || usage; CACHE=$1; shift ;;
    esac
done
# (HOME can be unset in minimal CI environments: fall back to the passwd entry.)
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
CACHE=${CACHE:-${LIFTVM_GUEST_CACHE:-$HOME/.cache/liftvm-guests}}

for tool in apt-get apt-cache dpkg-deb; do
    command -v "$tool" > /dev/null || die "$tool not found (this script needs Debian's apt and dpkg)"
done

# host_codename: the host's Debian release name, e.g. bookworm.
host_codename() {
    local c=
    if [ -r /etc/os-release ]; then
        c=$(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release | tr -d '"')
    fi
    echo "${c:-bookworm}"
}

# host_mirror: the URI of the host's Debian archive (not the security
# archive): the first deb entry whose suite is the host's codename, else the
# first deb entry that is not a -security suite.
host_mirror() {
    local codename files f
    codename=$(host_codename)
    files=()
    [ -r /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] && files+=("$f")
    done
    [ ${#files[@]} -gt 0 ] || return 1
    awk -v want="$codename" '
        function consider(uri, suites,   n, i, s) {
            n = split(suites, s, /[ \t]+/)
            for (i = 1; i <= n; i++) {
                if (s[i] == want && exact == "") exact = uri
                if (s[i] != "" && s[i] !~ /-security$/ && any == "") any = uri
            }
        }
        # One-line format: deb [options] URI suite components...
        FILENAME ~ /\.list$/ {
            if ($1 != "deb") next
            line = $0
            sub(/^deb[ \t]+/, "", line)
            if (line ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "", line)
            split(line, w, /[ \t]+/)
            consider(w[1], w[2])
            next
        }
        # deb822 format: stanzas separated by blank lines.
        function flush() {
            if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no" && uris != "") {
                split(uris, u, /[ \t]+/)
                consider(u[1], suites)
            }
            types = uris = suites = enabled = ""
        }
        FNR == 1 { flush() }
        /^[ \t]*$/ { flush(); next }
        /^[ \t]*#/ { next }
        tolower($1) == "types:" { types = $0; sub(/^[^:]*:[ \t]*/, "", types) }
        tolower($1) == "uris:" { uris = $0; sub(/^[^:]*:[ \t]*/, "", uris) }
        tolower($1) == "suites:" { suites = $0; sub(/^[^:]*:[ \t]*/, "", suites) }
        tolower($1) == "enabled:" { enabled = tolower($2) }
        END {
            flush()
            if (exact != "") print exact
            else if (any != "") print any
        }
    ' "${files[@]}" | head -n 1
}

MIRROR=${LIFTVM_DEBIAN_MIRROR:-$(host_mirror || true)}
[ -n "$MIRROR" ] || die "cannot find the Debian archive in the host's apt sources; set LIFTVM_DEBIAN_MIRROR"
MIRROR=${MIRROR%/}

APT_DIR=$CACHE/apt
ROOT=$CACHE/root
DEBS=$CACHE/debs
STAMPS=$CACHE/stamps
mkdir -p "$APT_DIR"/{state/lists/partial,cache/archives/partial,etc} "$ROOT" "$DEBS" "$STAMPS"
[ -f "$APT_DIR/state/status" ] || : > "$APT_DIR/state/status"

if [ "${LIFTVM_APT_TRUSTED:-0}" = 1 ]; then
    # Last resort, only on request: no signature check of the Release file.
    say "warning: LIFTVM_APT_TRUSTED=1, the archive signature is not checked"
    SRC_OPTS="arch=$ARCH trusted=yes"
else
    [ -r "$KEYRING" ] || die "$KEYRING not found: install debian-archive-keyring (or set LIFTVM_APT_KEYRING)"
    SRC_OPTS="arch=$ARCH signed-by=$KEYRING"
fi
echo "deb [$SRC_OPTS] $MIRROR $SUITE main" > "$APT_DIR/etc/sources.list"

APT_OPTS=(
    -o "Dir::State=$APT_DIR/state"
    -o "Dir::State::status=$APT_DIR/state/status"
    -o "Dir::Cache=$APT_DIR/cache"
    -o "Dir::Etc::SourceList=$APT_DIR/etc/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "APT::Architecture=$ARCH"
    -o "APT::Architectures=$ARCH"
    -o "Debug::NoLocking=1"
    -o "Acquire::Languages=none"
)
# As root, apt downloads as the _apt user, who may not be able to write to
# the cache folder; download as root instead.
if [ "$(id -u)" = 0 ]; then
    APT_OPTS+=(-o "APT::Sandbox::User=root")
fi

apt_update() {
    say "updating the $SUITE/$ARCH package lists from $MIRROR"
    if ! apt-get "${APT_OPTS[@]}" -q update >&2; then
        die "apt-get update failed (no network, or the $SUITE key is missing from $KEYRING: update debian-archive-keyring)"
    fi
    # apt-get update exits 0 even when a source failed; require the list.
    lists_present || die "no $SUITE $ARCH package list after apt-get update (see the messages above)"
}

lists_present() {
    compgen -G "$APT_DIR/state/lists/*_${SUITE}_main_binary-${ARCH}_Packages*" > /dev/null
}

if [ "$UPDATE" = 1 ] || ! lists_present; then
    apt_update
fi

# deps_of NAME: the recursive Depends/Pre-Depends of NAME (real packages).
deps_of() {
    apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
        --no-breaks --no-replaces --no-enhances "$1" 2> /dev/null |
        awk '/^[a-z0-9]/ { print $1 }' | sort -u
}

read -r -a WANTED <<< "$PACKAGES"
[ ${#WANTED[@]} -gt 0 ] || die "no packages named"
if [ "$WITH_DEPS" = 1 ]; then
    mapfile -t WANTED < <(for p in "${WANTED[@]}"; do echo "$p"; deps_of "$p"; done | sort -u)
fi

# link_merged_usr: bin -> usr/bin and friends, as on a merged-/usr system.
link_merged_usr() {
    local d
    for d in bin lib lib64 sbin; do
        mkdir -p "$ROOT/usr/$d"
        if [ -L "$ROOT/$d" ]; then
            continue
        elif [ -e "$ROOT/$d" ]; then
            die "$ROOT/$d exists and is not a symlink; remove $ROOT and run again"
        fi
        ln -s "usr/$d" "$ROOT/$d"
    done
}

# unpack DEB: dpkg -x into a staging folder, move top-level bin/lib/... into
# usr/ (older packages still ship them there), then merge into the sysroot.
unpack() {
    local deb=$1 stage d
    stage=$(mktemp -d "$CACHE/stage.XXXXXX")
    dpkg-deb -x "$deb" "$stage"
    for d in bin lib lib64 sbin; do
        if [ -d "$stage/$d" ] && [ ! -L "$stage/$d" ]; then
            mkdir -p "$stage/usr/$d"
            cp -a "$stage/$d/." "$stage/usr/$d/"
            rm -rf "${stage:?}/$d"
        fi
    done
    cp -a "$stage/." "$ROOT/"
    rm -rf "$stage"
}

link_merged_usr
failed=0
for pkg in "${WANTED[@]}"; do
    if [ "$FORCE" = 0 ] && [ -s "$STAMPS/$pkg" ]; then
        say "$pkg already unpacked ($(cat "$STAMPS/$pkg"))"
        continue
    fi
    rm -f "$DEBS/${pkg}_"*.deb
    # A stale list may name a .deb the mirror no longer has: refresh once.
    if ! (cd "$DEBS" && apt-get "${APT_OPTS[@]}" -q download "$pkg" >&2); then
        apt_update
        if ! (cd "$DEBS" && apt-get "${APT_OPTS[@]}" -q download "$pkg" >&2); then
            say "cannot download $pkg for $ARCH from $SUITE"
            failed=1
            continue
        fi
    fi
    deb=$(find "$DEBS" -maxdepth 1 -name "${pkg}_*_*.deb" | sort | tail -n 1)
    [ -n "$deb" ] || { say "apt-get download left no .deb for $pkg"; failed=1; continue; }
    unpack "$deb"
    basename "$deb" > "$STAMPS/$pkg"
    say "unpacked $(basename "$deb") into $ROOT"
done

[ "$failed" = 0 ] || die "some packages could not be fetched"
echo "$ROOT"
