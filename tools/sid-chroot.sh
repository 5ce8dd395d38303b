#!/usr/bin/env bash
# Run a command as root in a Debian unstable ("sid") chroot that has Python 3.14 and 3.15,
# with this checkout bind-mounted at its own path (the command starts there).
#
# Usage: tools/sid-chroot.sh COMMAND [ARG...]
#        tools/sid-chroot.sh --build          (only build or check the chroot)
# e.g.   tools/sid-chroot.sh make PYTHON=python3.14 VENV=.venv-py3.14 suite
#
# Why: the machines we develop and test on run Debian 12, whose C library is too old for
# Debian's python3.14 and python3.15 packages; a sid chroot has both, as binary packages.
#
# The chroot lives outside the checkout, in TXAIO_SID_CHROOT (default /var/cache/txaio-sid),
# so every checkout on the machine reuses it. The first run builds it (debootstrap, which is
# apt-installed on the host when missing; about 3 minutes and 350 MB): into DIR.new, moved
# to DIR only when complete, with a stamp naming the package list. A chroot without that
# stamp, with another package list or without the interpreters is built again; a build
# interrupted half-way leaves only DIR.new, which the next run removes. A lock (DIR.lock)
# keeps two runs from building at once, and a rebuild from removing a chroot in use; runs
# in a ready chroot share it and go on side by side.
#
# Each run copies the host's /etc/resolv.conf and CA bundle in (pip reaches the registry
# from inside), then, in a mount namespace of its own, mounts /proc, /dev, this checkout and
# a fresh /tmp into the chroot and runs COMMAND with a clean environment (PATH, HOME,
# LANG, plus CI, TERM, PYTEST_ADDOPTS and the TXAIO_*, DEPENDENTS_*, AUTOBAHN_*, CROSSBAR_*
# and SKIP_TXAIO_SWAP variables). The mounts are undone when COMMAND ends, fails or is
# killed: they exist only in that namespace, which ends with it. The run's /tmp (a
# directory on the host) is removed when COMMAND succeeds and kept, with a message, when it
# fails, for its logs.
#
# Environment variables:
#   TXAIO_SID_CHROOT=/var/cache/txaio-sid   where the chroot is (built when missing)
#   TXAIO_SID_MIRROR=URL                    Debian mirror (default: debootstrap's own)
#   TXAIO_SID_BUILD_TIMEOUT=1200            seconds allowed for building the chroot
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHROOT="${TXAIO_SID_CHROOT:-/var/cache/txaio-sid}"
MIRROR="${TXAIO_SID_MIRROR:-}"
BUILD_TIMEOUT="${TXAIO_SID_BUILD_TIMEOUT:-1200}"
# What the chroot holds: both Pythons with venv and headers, and what the C extensions of
# txaio's dependents and test tools need to build where no wheel fits.
PACKAGES=(
    python3.14 python3.14-venv python3.14-dev
    python3.15 python3.15-venv python3.15-dev
    gcc libc6-dev libffi-dev libssl-dev make git
)
STAMP_NAME=".txaio-sid-packages"
PASS_ENV='^(CI|TERM|PYTEST_ADDOPTS|SKIP_TXAIO_SWAP|(TXAIO|DEPENDENTS|AUTOBAHN|CROSSBAR)_[A-Z0-9_]*)='

say() { printf 'sid-chroot: %s\n' "$*" >&2; }
fail() { printf 'sid-chroot: ERROR: %s\n' "$*" >&2; exit 2; }

# --- inside the run's mount namespace (the script calls itself through unshare) --------
if [ "${1:-}" = "--in-namespace" ]; then
    shift
    run_tmp="$1"
    shift
    undo_mounts() {  # last made first; the namespace's end would undo them all the same
        for dir in "$CHROOT$ROOT" "$CHROOT/tmp" "$CHROOT/dev" "$CHROOT/proc"; do
            if mountpoint -q "$dir"; then umount -R "$dir" || umount -lR "$dir" || true; fi
        done
    }
    trap undo_mounts EXIT
    mount -t proc proc "$CHROOT/proc"
    mount --rbind /dev "$CHROOT/dev"
    mount --bind "$run_tmp" "$CHROOT/tmp"
    # after /tmp: a checkout in /tmp (a fresh clone) is mounted on top of the run's /tmp
    mkdir -p "$CHROOT$ROOT"
    mount --bind "$ROOT" "$CHROOT$ROOT"
    passed=()
    while IFS= read -r -d '' assignment; do
        [[ "$assignment" =~ $PASS_ENV ]] && passed+=("$assignment")
    done < <(env -0)
    rc=0
    chroot "$CHROOT" /usr/bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 "${passed[@]}" \
        /bin/bash -c 'cd "$1" && shift && exec "$@"' sid-chroot "$ROOT" "$@" || rc=$?
    exit "$rc"
fi

# --- building ------------------------------------------------------------------------
chroot_is_ready() {
    [ -f "$CHROOT/$STAMP_NAME" ] && [ "$(cat "$CHROOT/$STAMP_NAME")" = "${PACKAGES[*]}" ] \
        && [ -x "$CHROOT/usr/bin/python3.14" ] && [ -x "$CHROOT/usr/bin/python3.15" ]
}

# remove_tree DIR: rm -rf, refusing when anything is mounted below DIR (a bind-mounted
# checkout would be deleted with it). Runs mount only in their own namespaces, so this
# guards against a mount made by hand.
remove_tree() {
    [ -e "$1" ] || return 0
    if awk -v dir="$1" '$5 == dir || index($5, dir "/") == 1 { found = 1 } END { exit !found }' \
            /proc/self/mountinfo; then
        fail "something is mounted below $1; unmount it (findmnt -R $1) and run again"
    fi
    rm -rf --one-file-system "$1"
}

copy_host_files() {  # DIR: what pip needs to reach the registry from inside
    rm -f "$1/etc/resolv.conf"
    cp -L /etc/resolv.conf "$1/etc/resolv.conf"
    mkdir -p "$1/etc/ssl/certs"
    cp -L /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt"
}

build_failed() {  # RC STEP LOG: the log's last lines, then one line that says what failed
    tail -n 5 "$3" >&2
    if [ "$1" -eq 124 ]; then
        fail "cannot build the sid chroot: $2 timed out after ${BUILD_TIMEOUT}s (does the Debian mirror answer? log: $3)"
    fi
    fail "cannot build the sid chroot: $2 failed (exit $1; does the Debian mirror answer? log: $3)"
}

build_chroot() {
    local new="$CHROOT.new" log started
    log="$(dirname "$CHROOT")/$(basename "$CHROOT").build.log"
    started=$(date +%s)
    : >"$log"
    if ! command -v debootstrap >/dev/null 2>&1; then
        say "installing debootstrap on the host"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; } \
            >>"$log" 2>&1 \
            || { tail -n 5 "$log" >&2; fail "cannot build the sid chroot: apt-get install debootstrap failed on the host (log: $log)"; }
    fi
    remove_tree "$new"
    say "building the Debian sid chroot in $CHROOT (a few minutes; log: $log)"
    # in a mount namespace of its own, so that whatever debootstrap mounts (/proc, /sys)
    # is gone when it ends, even when it fails half-way
    local rc=0
    # shellcheck disable=SC2086  # MIRROR is empty or one URL
    timeout "$BUILD_TIMEOUT" unshare --mount --propagation private \
        debootstrap --variant=minbase sid "$new" $MIRROR >>"$log" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || build_failed "$rc" "debootstrap" "$log"
    copy_host_files "$new"
    # The mirror may serve a copy of sid whose Release file is past its Valid-Until date
    # (as this machine's did: apt refused it as "expired"); its signature is still checked.
    printf '%s\n' 'Acquire::Check-Valid-Until "false";' 'Acquire::Retries "3";' \
        'APT::Install-Recommends "false";' >"$new/etc/apt/apt.conf.d/90txaio"
    timeout "$BUILD_TIMEOUT" unshare --mount --propagation private /bin/sh -c '
            mount -t proc proc "$1/proc" && shift &&
            chroot "$@"' sh "$new" "$new" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
            DEBIAN_FRONTEND=noninteractive /bin/sh -c '
            apt-get update && apt-get install -y "$@" &&
            apt-get clean' sh "${PACKAGES[@]}" >>"$log" 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || build_failed "$rc" "apt-get install in the chroot" "$log"
    printf '%s\n' "${PACKAGES[*]}" >"$new/$STAMP_NAME"
    remove_tree "$CHROOT"
    mv "$new" "$CHROOT"
    say "built $CHROOT in $(($(date +%s) - started))s: $(chroot "$CHROOT" python3.14 --version), $(chroot "$CHROOT" python3.15 --version)"
}

[ "$(id -u)" -eq 0 ] || fail "must run as root (debootstrap, mount and chroot need it)"
[ $# -gt 0 ] || fail "usage: $0 COMMAND [ARG...]  or  $0 --build"
mkdir -p "$(dirname "$CHROOT")"
# Runs share the lock; a build takes it alone, so it waits for the runs using the chroot.
exec 9>"$CHROOT.lock"
flock -s 9
if ! chroot_is_ready; then
    flock -u 9
    flock -xn 9 || { say "waiting for the other runs in $CHROOT to end (lock: $CHROOT.lock)"; flock -x 9; }
    chroot_is_ready || build_chroot
    flock -s 9
fi
[ "$1" = "--build" ] && { say "ready: $CHROOT"; exit 0; }

copy_host_files "$CHROOT"
run_tmp="$(mktemp -d /tmp/txaio-sid-tmp.XXXXXX)"
chmod 1777 "$run_tmp"
rc=0
unshare --mount --propagation private bash "${BASH_SOURCE[0]}" --in-namespace "$run_tmp" "$@" || rc=$?
if [ "$rc" -eq 0 ]; then
    rm -rf "$run_tmp"
else
    say "'$*' exited $rc in the chroot; its /tmp is kept in $run_tmp"
fi
exit "$rc"
