#!/usr/bin/env bash
# Run Autobahn|Python's own test suites (Twisted/trial and asyncio/pytest)
# against the txaio package in this project.
#
# Usage: test-autobahn.sh [PROJECT_ROOT]      (default: current directory)
#
# What it does:
#   1. Creates PROJECT_ROOT/.venv-autobahn with Python 3.11, if it is missing.
#   2. Installs the pinned Autobahn and test packages (this also pulls in the
#      published txaio as a dependency).
#   3. Removes the published txaio and installs PROJECT_ROOT with --no-deps.
#   4. Checks that `import txaio` now loads the copy installed in the venv's
#      site-packages (not a source tree) and prints its version.
#   5. Runs both Autobahn suites from an empty temporary directory, prints
#      their summary lines, and exits non-zero if either one failed.
#
# Environment variables:
#   PYTHON=python3.11      interpreter used to create the venv
#   SKIP_TXAIO_SWAP=1      keep the txaio that pip installed (baseline run)
#   AUTOBAHN_TEST_TIMEOUT  seconds allowed per suite (default 1800)
#   AUTOBAHN_LOG_DIR       where full suite logs go (default: a temp dir)
#   AUTOBAHN_SUITES        "twisted asyncio" (default), or just one of them
set -euo pipefail

ROOT="${1:-.}"
ROOT="$(cd "$ROOT" && pwd)"
PYTHON="${PYTHON:-python3.11}"
VENV="$ROOT/.venv-autobahn"
TIMEOUT="${AUTOBAHN_TEST_TIMEOUT:-1800}"
SUITES="${AUTOBAHN_SUITES:-twisted asyncio}"

# The pinned versions. Change them here only.
PINNED=(
    "autobahn[twisted,encryption,scram,serialization]==26.10.2"
    "pyopenssl"
    "service_identity"
    "pytest"
    "pytest-asyncio"
)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 2; }

# --- 1. venv -----------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    command -v "$PYTHON" >/dev/null 2>&1 \
        || die "$PYTHON not found (set PYTHON=/path/to/python3.11)"
    "$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
        || die "$PYTHON is not Python 3.11"
    log "creating venv $VENV"
    "$PYTHON" -m venv "$VENV"
fi
VPY="$VENV/bin/python"
export PIP_DISABLE_PIP_VERSION_CHECK=1

# --- 2. pinned packages (skipped when the stamp matches) -----------------------
STAMP="$VENV/.autobahn-pins"
WANT="$(printf '%s\n' "${PINNED[@]}")"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    log "installing pinned packages"
    "$VPY" -m pip install -q "${PINNED[@]}"
    printf '%s\n' "$WANT" > "$STAMP"
else
    log "pinned packages already installed (delete $STAMP to force)"
fi

# --- 3. swap in this project's txaio -------------------------------------------
if [ "${SKIP_TXAIO_SWAP:-0}" = "1" ]; then
    log "SKIP_TXAIO_SWAP=1: keeping the txaio that pip installed"
else
    log "replacing the published txaio with $ROOT"
    "$VPY" -m pip uninstall -y -q txaio
    "$VPY" -m pip install -q --no-deps "$ROOT"
fi

WORK="$(mktemp -d)"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
LOGDIR="${AUTOBAHN_LOG_DIR:-$WORK/logs}"
mkdir -p "$LOGDIR"

# Run everything from empty directories, with no inherited framework selection
# or PYTHONPATH that could shadow the installed packages.
clean_env=(env -u USE_TWISTED -u USE_ASYNCIO -u PYTHONPATH -u PYTHONHOME)

# --- 4. check which txaio gets imported ----------------------------------------
mkdir "$WORK/check"
INFO="$(cd "$WORK/check" && "${clean_env[@]}" "$VPY" -c '
import os, sys, sysconfig
from importlib import metadata
import txaio
site = os.path.realpath(sysconfig.get_paths()["purelib"])
path = os.path.realpath(txaio.__file__)
version = getattr(txaio, "__version__", None) or metadata.version("txaio")
print(path)
print(version)
print("ok" if path.startswith(site + os.sep) else "outside " + site)
')" || die "importing txaio failed"
TXAIO_FILE="$(sed -n 1p <<<"$INFO")"
TXAIO_VERSION="$(sed -n 2p <<<"$INFO")"
WHERE="$(sed -n 3p <<<"$INFO")"
echo "txaio file:    $TXAIO_FILE"
echo "txaio version: $TXAIO_VERSION"
[ "$WHERE" = "ok" ] || die "txaio is loaded from $TXAIO_FILE, $WHERE"

AB_DIR="$(cd "$WORK/check" && "${clean_env[@]}" "$VPY" -c \
    'import os, autobahn; print(os.path.dirname(os.path.realpath(autobahn.__file__)))')" \
    || die "importing autobahn failed"
echo "autobahn dir:  $AB_DIR"

# --- 5. the suites ----------------------------------------------------------------
status=0

run_twisted() {
    local dir="$WORK/trial" out="$LOGDIR/trial.log" rc=0 start end summary
    mkdir -p "$dir"
    start=$(date +%s)
    (cd "$dir" && "${clean_env[@]}" USE_TWISTED=1 timeout "$TIMEOUT" "$VPY" -m twisted.trial \
        --no-recurse autobahn.test autobahn.twisted.test autobahn.websocket.test \
        autobahn.rawsocket.test autobahn.wamp.test autobahn.nvx.test) >"$out" 2>&1 || rc=$?
    end=$(date +%s)
    # trial's last line is "PASSED (...)" or "FAILED (...)"; log lines printed by
    # the tests may come before it, so take the last line that starts that way.
    summary="$(grep -E '^(PASSED|FAILED)' "$out" | tail -n 1 || true)"
    echo "twisted/trial: ${summary:-<no summary line>}  [exit $rc, $((end - start))s, log $out]"
    if [ "$rc" -ne 0 ] || [[ "$summary" != PASSED* ]]; then
        echo "--- last 40 lines of $out ---"
        tail -n 40 "$out" || true
        status=1
    fi
}

run_asyncio() {
    local dir="$WORK/pytest" out="$LOGDIR/pytest.log" rc=0 start end summary
    mkdir -p "$dir"
    start=$(date +%s)
    # The venv lives inside PROJECT_ROOT, so pytest would otherwise walk up from
    # the autobahn dir and pick up the project's own pytest configuration
    # (pyproject.toml [tool.pytest.ini_options]: filterwarnings=error, addopts,
    # ...). Pin an empty config file and the rootdir, as in a plain venv.
    printf '[pytest]\n' > "$WORK/empty-pytest.ini"
    (cd "$dir" && "${clean_env[@]}" USE_ASYNCIO=1 timeout "$TIMEOUT" "$VPY" -m pytest \
        -c "$WORK/empty-pytest.ini" --rootdir="$AB_DIR" \
        -p no:cacheprovider --ignore="$AB_DIR/twisted" "$AB_DIR") >"$out" 2>&1 || rc=$?
    end=$(date +%s)
    summary="$(grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* =+$' "$out" | tail -n 1 || true)"
    echo "asyncio/pytest: ${summary:-<no summary line>}  [exit $rc, $((end - start))s, log $out]"
    if [ "$rc" -ne 0 ]; then
        grep -E '^(FAILED|ERROR) ' "$out" | head -n 60 || true
        status=1
    fi
}

for suite in $SUITES; do
    case "$suite" in
        twisted) run_twisted ;;
        asyncio) run_asyncio ;;
        *) die "unknown suite '$suite' (use twisted and/or asyncio)" ;;
    esac
done

if [ -z "${AUTOBAHN_LOG_DIR:-}" ] && [ "$status" -ne 0 ]; then
    # keep the logs of a failed run: copy them out of the temp dir
    keep="$(mktemp -d /tmp/autobahn-test-logs.XXXXXX)"
    cp "$LOGDIR"/*.log "$keep"/ 2>/dev/null || true
    echo "full logs kept in $keep"
fi

if [ "$status" -eq 0 ]; then
    echo "autobahn suites: ALL PASSED with txaio $TXAIO_VERSION"
else
    echo "autobahn suites: FAILED with txaio $TXAIO_VERSION"
fi
exit "$status"
