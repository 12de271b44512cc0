#!/usr/bin/env bash
# Fetches Debian packages used as real guests and unpacks them into sysroots
# in a cache folder outside git.
#
#   scripts/fetch-guests.sh [--packages "NAME..."] [--deps] [--force] [--update] [CACHE_DIR]
#   scripts/fetch-guests.sh --sysroot ARCH [--sysroot ARCH] [--packages "NAME..."]
#                           [--force] [--update] [CACHE_DIR]
#
#   CACHE_DIR     default ${LIFTVM_GUEST_CACHE:-$HOME/.cache/liftvm-guests}
#   --packages    package names (default: $LIFTVM_GUEST_PACKAGES, else
#                 "busybox-static"; with --sysroot: $LIFTVM_SYSROOT_PACKAGES,
#                 else the userland set below)
#   --deps        also fetch each package's Depends/Pre-Depends, recursively
#   --sysroot A   build the full sysroot CACHE_DIR/sysroot-A for architecture
#                 A (riscv64 or amd64; "all" means both): the packages and
#                 their whole Depends/Pre-Depends closure as apt resolves it
#                 for an empty system (no Recommends).  May be repeated.
#                 When both sysroots exist, the versions of the named
#                 packages are compared and the result printed; a different
#                 source version is an error (exit status 3), except that
#                 with both asked for, both lists are refreshed and both
#                 sysroots rebuilt once first.
#   --qemu        put a static qemu-riscv64 (Debian trixie's qemu-user for
#                 the host, amd64) into CACHE_DIR/qemu/: the oracle that
#                 tests/userland/qemu-oracle.sh runs (Debian 12's qemu 7.2
#                 cannot exec /proc/self/exe)
#   --force       unpack packages again even if already there
#   --update      refresh the package lists even if they exist
#
# The userland set: libc6 busybox-static coreutils lua5.4 python3.13 sqlite3
# gzip xz-utils bzip2.  The amd64 sysroot holds the same versions as the
# riscv64 one so that tests can run a program natively (through the amd64
# sysroot's own loader) and under liftvm and compare what they print.
#
# Layout of CACHE_DIR:
#   root/         the busybox-mode sysroot: packages unpacked with dpkg -x,
#                 merged-/usr links (bin -> usr/bin, lib -> usr/lib,
#                 lib64 -> usr/lib64, sbin -> usr/sbin); use it as
#                 liftvm -L CACHE_DIR/root
#   debs/         the downloaded .deb files
#   apt/          a private apt configuration, state and cache for riscv64
#                 (apt-ARCH/ for other architectures): the host's own apt
#                 setup and dpkg database are never touched
#   stamps/NAME   one per unpacked package, holding the .deb file name
#   sysroot-ARCH/ a --sysroot tree, same layout rules as root/; absolute
#                 symlinks inside it are made relative so that it is
#                 self-contained; usr/bin/sh is busybox when no package
#                 provides it.  Its file .liftvm-sysroot lists the
#                 requested packages (first line) and then "NAME VERSION" of
#                 every unpacked package; while that file matches the
#                 request, a re-run does nothing
#   debs-ARCH/    the .deb files of sysroot-ARCH
#
# On success the script prints the sysroot folder(s) on stdout.
#
# Packages come from Debian trixie (riscv64 is an official architecture
# there) through apt-get with its own sources list.  The mirror is
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
PACKAGES=
SYSROOT_SET="libc6 busybox-static coreutils lua5.4 python3.13 sqlite3 gzip xz-utils bzip2"
SYSROOT_ARCHES=()
CACHE=
WITH_DEPS=0
WITH_QEMU=0
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
    --qemu) WITH_QEMU=1; shift ;;
    --sysroot) [ $# -ge 2 ] || usage; SYSROOT_ARCHES+=("$2"); shift 2 ;;
    --sysroot=*) SYSROOT_ARCHES+=("${1#--sysroot=}"); shift ;;
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
if [ ${#SYSROOT_ARCHES[@]} -gt 0 ]; then
    PACKAGES=${PACKAGES:-${LIFTVM_SYSROOT_PACKAGES:-$SYSROOT_SET}}
else
    PACKAGES=${PACKAGES:-${LIFTVM_GUEST_PACKAGES:-busybox-static}}
fi

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

# apt_setup ARCH: points the private apt configuration (APT_DIR, APT_OPTS)
# at ARCH's package lists and writes its sources list.  riscv64 keeps the
# folder apt/ that the busybox mode has always used.
apt_setup() {
    ARCH=$1
    if [ "$ARCH" = riscv64 ]; then APT_DIR=$CACHE/apt; else APT_DIR=$CACHE/apt-$ARCH; fi
    mkdir -p "$APT_DIR"/{state/lists/partial,cache/archives/partial,etc}
    [ -f "$APT_DIR/state/status" ] || : > "$APT_DIR/state/status"

    local src_opts
    if [ "${LIFTVM_APT_TRUSTED:-0}" = 1 ]; then
        # Last resort, only on request: no signature check of the Release file.
        say "warning: LIFTVM_APT_TRUSTED=1, the archive signature is not checked"
        src_opts="arch=$ARCH trusted=yes"
    else
        [ -r "$KEYRING" ] || die "$KEYRING not found: install debian-archive-keyring (or set LIFTVM_APT_KEYRING)"
        src_opts="arch=$ARCH signed-by=$KEYRING"
    fi
    echo "deb [$src_opts] $MIRROR $SUITE main" > "$APT_DIR/etc/sources.list"

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
}

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

# deps_of NAME: the recursive Depends/Pre-Depends of NAME (real packages).
deps_of() {
    apt-cache "${APT_OPTS[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts \
        --no-breaks --no-replaces --no-enhances "$1" 2> /dev/null |
        awk '/^[a-z0-9]/ { print $1 }' | sort -u
}

# link_merged_usr ROOT: bin -> usr/bin and friends, as on a merged-/usr system.
link_merged_usr() {
    local root=$1 d
    for d in bin lib lib64 sbin; do
        mkdir -p "$root/usr/$d"
        if [ -L "$root/$d" ]; then
            continue
        elif [ -e "$root/$d" ]; then
            die "$root/$d exists and is not a symlink; remove $root and run again"
        fi
        ln -s "usr/$d" "$root/$d"
    done
}

# unpack DEB ROOT: dpkg -x into a staging folder, move top-level bin/lib/...
# into usr/ (older packages still ship them there), then merge into ROOT.
unpack() {
    local deb=$1 root=$2 stage d
    stage=$(mktemp -d "$CACHE/stage.XXXXXX")
    dpkg-deb -x "$deb" "$stage"
    for d in bin lib lib64 sbin; do
        if [ -d "$stage/$d" ] && [ ! -L "$stage/$d" ]; then
            mkdir -p "$stage/usr/$d"
            cp -a "$stage/$d/." "$stage/usr/$d/"
            rm -rf "${stage:?}/$d"
        fi
    done
    cp -a "$stage/." "$root/"
    rm -rf "$stage"
}

# fetch_packages: the busybox mode.  Downloads and unpacks each package of
# PACKAGES (with --deps, and its dependencies) into CACHE/root, one stamp per
# package.
fetch_packages() {
    local root=$CACHE/root debs=$CACHE/debs stamps=$CACHE/stamps pkg deb failed=0
    local -a wanted
    apt_setup riscv64
    mkdir -p "$root" "$debs" "$stamps"
    if [ "$UPDATE" = 1 ] || ! lists_present; then
        apt_update
    fi
    read -r -a wanted <<< "$PACKAGES"
    [ ${#wanted[@]} -gt 0 ] || die "no packages named"
    if [ "$WITH_DEPS" = 1 ]; then
        mapfile -t wanted < <(for p in "${wanted[@]}"; do echo "$p"; deps_of "$p"; done | sort -u)
    fi

    link_merged_usr "$root"
    for pkg in "${wanted[@]}"; do
        if [ "$FORCE" = 0 ] && [ -s "$stamps/$pkg" ]; then
            say "$pkg already unpacked ($(cat "$stamps/$pkg"))"
            continue
        fi
        rm -f "$debs/${pkg}_"*.deb
        # A stale list may name a .deb the mirror no longer has: refresh once.
        if ! (cd "$debs" && apt-get "${APT_OPTS[@]}" -q download "$pkg" >&2); then
            apt_update
            if ! (cd "$debs" && apt-get "${APT_OPTS[@]}" -q download "$pkg" >&2); then
                say "cannot download $pkg for $ARCH from $SUITE"
                failed=1
                continue
            fi
        fi
        deb=$(find "$debs" -maxdepth 1 -name "${pkg}_*_*.deb" | sort | tail -n 1)
        [ -n "$deb" ] || { say "apt-get download left no .deb for $pkg"; failed=1; continue; }
        unpack "$deb" "$root"
        basename "$deb" > "$stamps/$pkg"
        say "unpacked $(basename "$deb") into $root"
    done

    [ "$failed" = 0 ] || die "some packages could not be fetched"
    echo "$root"
}

# resolve: "NAME VERSION" of every package that installing PACKAGES on an
# empty system brings in (Depends and Pre-Depends, no Recommends), as apt's
# own solver decides, sorted by name.
resolve() {
    local -a wanted
    read -r -a wanted <<< "$PACKAGES"
    apt-get "${APT_OPTS[@]}" -q -s install --no-install-recommends "${wanted[@]}" 2> "$CACHE/resolve-$ARCH.err" |
        sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*/\1 \2/p' | sort
}

# deb_name NAME VERSION: the file name glob apt-get download uses for it
# (an epoch's colon is written %3a; the architecture may be "all").
deb_name() {
    echo "${1}_${2//:/%3a}_*.deb"
}

# download_set LIST DEBS: apt-get download every "NAME VERSION" of LIST that
# DEBS does not hold yet.  Returns non-zero if any is still missing.
download_set() {
    local list=$1 debs=$2 name ver
    local -a need=()
    while read -r name ver; do
        compgen -G "$debs/$(deb_name "$name" "$ver")" > /dev/null || need+=("$name=$ver")
    done < "$list"
    [ ${#need[@]} -eq 0 ] && return 0
    say "downloading ${#need[@]} $ARCH packages into $debs"
    (cd "$debs" && apt-get "${APT_OPTS[@]}" -q download "${need[@]}" >&2) || return 1
    while read -r name ver; do
        compgen -G "$debs/$(deb_name "$name" "$ver")" > /dev/null || return 1
    done < "$list"
}

# relativize_links ROOT: rewrites every absolute symlink inside ROOT as a
# relative one, so that the link stays inside ROOT (a host program reading
# the tree, or liftvm's -L lookup, never lands on the host's own files).
relativize_links() {
    local root=$1 link target dir rel
    while IFS= read -r -d '' link; do
        target=$(readlink "$link")
        case $target in /*) ;; *) continue ;; esac
        dir=$(dirname "${link#"$root"}")
        rel=$(realpath -s -m --relative-to="$dir" "$target")
        ln -sfn "$rel" "$link"
    done < <(find "$root" -type l -print0)
}

# stamp_head: the first line of a sysroot's stamp file; a different one
# (other packages, or a change of the layout rules here) rebuilds it.
stamp_head() {
    echo "packages: $PACKAGES (layout 2)"
}

# build_sysroot ARCH: CACHE/sysroot-ARCH with PACKAGES and their dependency
# closure.  Skips the work when the stamp file says the same request is
# already complete; otherwise unpacks into a fresh folder and swaps it in.
build_sysroot() {
    local arch=$1 root=$CACHE/sysroot-$1 debs=$CACHE/debs-$1
    local stamp=$root/.liftvm-sysroot list new name ver deb
    if [ "$FORCE" = 0 ] && [ "$UPDATE" = 0 ] && [ -f "$stamp" ] &&
        [ "$(head -n 1 "$stamp")" = "$(stamp_head)" ]; then
        say "sysroot-$arch is complete ($(($(wc -l < "$stamp") - 1)) packages)"
        return 0
    fi
    apt_setup "$arch"
    mkdir -p "$debs"
    if [ "$UPDATE" = 1 ] || ! lists_present; then
        apt_update
    fi
    list=$CACHE/sysroot-$arch.list
    resolve > "$list" || true
    if [ ! -s "$list" ]; then
        # An old list may lack a package or a version: refresh once.
        apt_update
        resolve > "$list" || true
        [ -s "$list" ] || die "apt cannot resolve \"$PACKAGES\" for $arch: $(grep -m 1 '^E:' "$CACHE/resolve-$arch.err")"
    fi
    if ! download_set "$list" "$debs"; then
        # A stale list may name a .deb the mirror no longer has.
        apt_update
        resolve > "$list" || true
        download_set "$list" "$debs" || die "cannot download the $arch packages (see the messages above)"
    fi

    new=$CACHE/sysroot-$arch.new
    rm -rf "$new"
    mkdir -p "$new"
    link_merged_usr "$new"
    while read -r name ver; do
        deb=$(compgen -G "$debs/$(deb_name "$name" "$ver")" | head -n 1)
        unpack "$deb" "$new"
    done < "$list"
    relativize_links "$new"
    # No package of the set provides /bin/sh (Debian's comes from dash): let
    # busybox be the shell that system(), popen() and #! scripts find.
    if [ ! -e "$new/usr/bin/sh" ] && [ -x "$new/usr/bin/busybox" ]; then
        ln -s busybox "$new/usr/bin/sh"
    fi
    { stamp_head; cat "$list"; } > "$new/.liftvm-sysroot"
    rm -rf "$root"
    mv "$new" "$root"
    rm -f "$list"
    say "unpacked $(wc -l < "$root/.liftvm-sysroot" | awk '{ print $1 - 1 }') $arch packages into $root"
}

# source_version VERSION: VERSION without a binary-NMU suffix (+bN), which
# differs between architectures rebuilt separately from the same source.
source_version() {
    echo "${1%+b[0-9]*}"
}

# compare_versions: for every requested package, its version in the riscv64
# and amd64 sysroots.  Returns non-zero if any source version differs.
compare_versions() {
    local a=$CACHE/sysroot-riscv64/.liftvm-sysroot b=$CACHE/sysroot-amd64/.liftvm-sysroot
    local pkg va vb bad=0 binnmu=0
    local -a wanted
    [ -f "$a" ] && [ -f "$b" ] || return 0
    read -r -a wanted <<< "$PACKAGES"
    for pkg in "${wanted[@]}"; do
        va=$(awk -v p="$pkg" '$1 == p { print $2 }' "$a")
        vb=$(awk -v p="$pkg" '$1 == p { print $2 }' "$b")
        if [ -z "$va" ] || [ -z "$vb" ]; then
            say "version check: $pkg missing (riscv64 ${va:-none}, amd64 ${vb:-none})"
            bad=1
        elif [ "$va" = "$vb" ]; then
            :
        elif [ "$(source_version "$va")" = "$(source_version "$vb")" ]; then
            say "version check: $pkg riscv64 $va, amd64 $vb (same source, different binNMU)"
            binnmu=1
        else
            say "version check: $pkg DIFFERS: riscv64 $va, amd64 $vb"
            bad=1
        fi
    done
    if [ "$bad" = 1 ]; then
        say "version check FAILED: the sysroots hold different versions; run again with --update"
        return 1
    fi
    if [ "$binnmu" = 1 ]; then
        say "version check: riscv64 and amd64 sysroots hold the same source versions of: $PACKAGES"
    else
        say "version check: riscv64 and amd64 sysroots hold identical versions of: $PACKAGES"
    fi
}

# fetch_qemu: CACHE/qemu/qemu-riscv64 from trixie's qemu-user for amd64
# (static binaries); only that one file is kept.
fetch_qemu() {
    local dir=$CACHE/qemu deb
    if [ "$FORCE" = 0 ] && [ -x "$dir/qemu-riscv64" ] && [ -s "$dir/stamp" ]; then
        say "qemu-riscv64 already there ($(cat "$dir/stamp"))"
        echo "$dir/qemu-riscv64"
        return 0
    fi
    apt_setup amd64
    if [ "$UPDATE" = 1 ] || ! lists_present; then
        apt_update
    fi
    mkdir -p "$dir"
    rm -f "$dir"/qemu-user_*.deb
    say "downloading qemu-user for amd64 (about 70 MB)"
    (cd "$dir" && apt-get "${APT_OPTS[@]}" -q download qemu-user >&2) || die "cannot download qemu-user"
    deb=$(compgen -G "$dir/qemu-user_*_amd64.deb" | head -n 1)
    [ -n "$deb" ] || die "apt-get download left no qemu-user .deb"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -O ./usr/bin/qemu-riscv64 > "$dir/qemu-riscv64.new" ||
        die "no usr/bin/qemu-riscv64 in $(basename "$deb")"
    chmod 755 "$dir/qemu-riscv64.new"
    mv "$dir/qemu-riscv64.new" "$dir/qemu-riscv64"
    basename "$deb" > "$dir/stamp"
    rm -f "$deb"
    say "$("$dir/qemu-riscv64" --version | head -n 1) in $dir"
    echo "$dir/qemu-riscv64"
}

if [ "$WITH_QEMU" = 1 ]; then
    fetch_qemu
    [ ${#SYSROOT_ARCHES[@]} -gt 0 ] || exit 0
fi
if [ ${#SYSROOT_ARCHES[@]} -eq 0 ]; then
    fetch_packages
    exit 0
fi

ARCHES=()
for a in "${SYSROOT_ARCHES[@]}"; do
    case $a in
    all) ARCHES+=(riscv64 amd64) ;;
    riscv64 | amd64) ARCHES+=("$a") ;;
    *) die "unknown sysroot architecture '$a' (riscv64, amd64 or all)" ;;
    esac
done
mapfile -t ARCHES < <(printf '%s\n' "${ARCHES[@]}" | awk '!seen[$0]++')
for a in "${ARCHES[@]}"; do
    build_sysroot "$a"
done
if ! compare_versions; then
    # Usually one sysroot was made from older package lists than the other
    # (a point release in between): with both asked for, refresh both lists
    # and rebuild both, once.
    [ ${#ARCHES[@]} -eq 2 ] && [ "$UPDATE" = 0 ] || exit 3
    say "refreshing both package lists and rebuilding both sysroots"
    UPDATE=1
    for a in "${ARCHES[@]}"; do
        build_sysroot "$a"
    done
    compare_versions || exit 3
fi
for a in "${ARCHES[@]}"; do
    echo "$CACHE/sysroot-$a"
done
