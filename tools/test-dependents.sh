#!/usr/bin/env bash
# Run the test suites of txaio's big users against the txaio package in this
# project: Autobahn|Python (its Twisted/trial and asyncio/pytest suites) and
# Crossbar.io (its trial and pytest suites, plus a real `crossbar start`).
#
# Usage: test-dependents.sh [PROJECT_ROOT]      (default: current directory)
#
# For each dependent it:
#   1. Creates a venv (VENV_DIR/.venv-autobahn, VENV_DIR/.venv-crossbar) with
#      Python 3.11, if it is missing. VENV_DIR is the checkout holding this script.
#      Another Python (3.11 or newer, as the pins require) gets venvs of its own,
#      .venv-autobahn-py3.14 and so on, so that venvs of two Pythons never mix.
#   2. Installs the pinned packages (see PINS below; skipped when the venv's pins
#      stamp matches). This also pulls in the published txaio as a dependency.
#   3. Replaces the published txaio with a wheel of PROJECT_ROOT (built once, from
#      a copy of the tree, so nothing is written into PROJECT_ROOT).
#   4. Checks that `import txaio` loads the copy in the venv's site-packages and
#      prints its version.
#   5. Runs the suites from empty temporary directories, prints their summary
#      lines, and exits non-zero if any of them failed.
# The Crossbar smoke run is tools/crossbar_smoke.py (read its docstring). It compares the
# node's log records (namespace, level, format and the other fields Crossbar.io shows) with
# tools/crossbar_smoke_log_baseline.json, the same run on the published txaio, recorded with
#   SKIP_TXAIO_SWAP=1 CROSSBAR_LOG_BASELINE_WRITE=1 DEPENDENTS=crossbar CROSSBAR_SUITES=smoke \
#       bash tools/test-dependents.sh .
#
# Environment variables:
#   PYTHON=python3.11            interpreter used to create the venvs (3.11 or newer;
#                                Python 3.14 runs in the sid chroot, tools/sid-chroot.sh)
#   DEPENDENTS="autobahn crossbar"  which dependents to test
#   DEPENDENTS_VENV_DIR=DIR      where the venvs live (default: the checkout that holds
#                                this script, so testing another tree writes nothing there)
#   SKIP_TXAIO_SWAP=1            use the published txaio (baseline run); a venv that
#                                holds this project's txaio gets the published one back
#   DEPENDENTS_TEST_TIMEOUT      seconds allowed per suite (default 1800; the older
#                                name AUTOBAHN_TEST_TIMEOUT still works)
#   DEPENDENTS_LOG_DIR           where full logs go (default: a temp dir, kept when a
#                                suite fails; the older name AUTOBAHN_LOG_DIR still works)
#   AUTOBAHN_SUITES="twisted asyncio"     or just one of them
#   CROSSBAR_SUITES="trial pytest smoke"  or a subset
#   CROSSBAR_TRIAL_JOBS=1        trial -j (parallel trial workers)
#   CROSSBAR_SMOKE_SECONDS=15    how long `crossbar start` runs
#   CROSSBAR_LOG_BASELINE=FILE   the smoke's log-record baseline (default
#                                tools/crossbar_smoke_log_baseline.json)
#   CROSSBAR_LOG_BASELINE_WRITE=1  write the smoke's log records to that file instead of
#                                comparing them (needs SKIP_TXAIO_SWAP=1: the published txaio)
set -euo pipefail

ROOT="${1:-.}"
ROOT="$(cd "$ROOT" && pwd)"
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3.11}"
PYTHON_VERSION="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" \
    || { echo "ERROR: $PYTHON not found (set PYTHON=/path/to/python3.X)" >&2; exit 2; }
# Python 3.11 keeps the venvs' plain names (.venv-autobahn); another gets its own.
VENV_SUFFIX="$([ "$PYTHON_VERSION" = 3.11 ] || echo "-py$PYTHON_VERSION")"
DEPENDENTS="${DEPENDENTS:-autobahn crossbar}"
# The venvs live in the checkout that holds this script, not in PROJECT_ROOT: testing
# another tree (`bash tools/test-dependents.sh /other/tree`) writes nothing there.
VENV_DIR="${DEPENDENTS_VENV_DIR:-$(dirname "$TOOLS")}"
mkdir -p "$VENV_DIR"
VENV_DIR="$(cd "$VENV_DIR" && pwd)"
TIMEOUT="${DEPENDENTS_TEST_TIMEOUT:-${AUTOBAHN_TEST_TIMEOUT:-1800}}"
AUTOBAHN_SUITES="${AUTOBAHN_SUITES:-twisted asyncio}"
CROSSBAR_SUITES="${CROSSBAR_SUITES:-trial pytest smoke}"
CROSSBAR_TRIAL_JOBS="${CROSSBAR_TRIAL_JOBS:-1}"
CROSSBAR_SMOKE_SECONDS="${CROSSBAR_SMOKE_SECONDS:-15}"
CROSSBAR_LOG_BASELINE="${CROSSBAR_LOG_BASELINE:-$TOOLS/crossbar_smoke_log_baseline.json}"
case "$CROSSBAR_LOG_BASELINE" in /*) ;; *) CROSSBAR_LOG_BASELINE="$PWD/$CROSSBAR_LOG_BASELINE" ;; esac
CROSSBAR_LOG_BASELINE_WRITE="${CROSSBAR_LOG_BASELINE_WRITE:-0}"
if [ "$CROSSBAR_LOG_BASELINE_WRITE" = "1" ] && [ "${SKIP_TXAIO_SWAP:-0}" != "1" ]; then
    printf 'ERROR: CROSSBAR_LOG_BASELINE_WRITE=1 records the published txaio: set SKIP_TXAIO_SWAP=1\n' >&2
    exit 2
fi

# --- PINS: the pinned versions. Change them here only. --------------------------------
AUTOBAHN_PINS=(
    "autobahn[twisted,encryption,scram,serialization]==26.10.2"
    "pyopenssl"
    "service_identity"
    "pytest"
    "pytest-asyncio"
)
# Crossbar's suites need pytest (crossbar/test/test_util.py) and mock on top of
# crossbar's own dependencies; nothing else (its pytest run disables pytest-twisted).
CROSSBAR_PINS=(
    "crossbar==26.10.1"
    "pytest==9.2.0"
    "mock==5.2.0"
)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 2; }

export PIP_DISABLE_PIP_VERSION_CHECK=1
# Run everything with no inherited framework selection or PYTHONPATH that could
# shadow the installed packages.
clean_env=(env -u USE_TWISTED -u USE_ASYNCIO -u PYTHONPATH -u PYTHONHOME)

WORK="$(mktemp -d)"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
LOGDIR="${DEPENDENTS_LOG_DIR:-${AUTOBAHN_LOG_DIR:-$WORK/logs}}"
mkdir -p "$LOGDIR"
printf '[pytest]\n' > "$WORK/empty-pytest.ini"

passed=0
failed=0
record() {  # record NAME RESULT: count a suite as passed (0) or failed (other)
    if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# --- venvs ---------------------------------------------------------------------------
# prepare_venv NAME PIN...: create VENV_DIR/.venv-NAME, install the pins; sets VPY.
prepare_venv() {
    local name="$1"
    shift
    local venv="$VENV_DIR/.venv-$name$VENV_SUFFIX" stamp want
    if [ ! -x "$venv/bin/python" ]; then
        "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || die "$PYTHON is Python $PYTHON_VERSION; the pinned packages need 3.11 or newer"
        log "creating venv $venv"
        "$PYTHON" -m venv "$venv"
    fi
    VPY="$venv/bin/python"
    stamp="$venv/.$name-pins"
    want="$(printf '%s\n' "$@")"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] \
            || [ ! -f "$venv/.published-txaio" ]; then
        log "installing the pinned packages into $venv"
        # without a txaio installed, pip picks the one the pins resolve to
        "$VPY" -m pip uninstall -y -q txaio 2>/dev/null || true
        "$VPY" -m pip install -q "$@"
        # remember which txaio the pins brought, to restore it for a baseline run
        "$VPY" -c 'from importlib import metadata; print(metadata.version("txaio"))' \
            > "$venv/.published-txaio"
        printf '%s\n' "$want" > "$stamp"
    else
        log "pinned packages already in $venv (delete $stamp to force)"
    fi
}

# The project's txaio as a wheel, built once per run from a copy of the tree (a
# setuptools build writes build/ and *.egg-info into the tree it builds).
TXAIO_WHEEL=""
build_txaio_wheel() {
    [ -n "$TXAIO_WHEEL" ] && return 0
    log "building a txaio wheel from $ROOT"
    mkdir "$WORK/txaio-src" "$WORK/wheel"
    tar -C "$ROOT" --exclude=./.git --exclude='./.venv*' --exclude=./.nox --exclude=./build \
        --exclude=./dist --exclude=./docs/_build --exclude='*.egg-info' \
        --exclude=__pycache__ --exclude=.hypothesis --exclude=.mypy_cache \
        --exclude=.ruff_cache -cf - . | tar -C "$WORK/txaio-src" -xf -
    "$VPY" -m pip wheel -q --no-deps -w "$WORK/wheel" "$WORK/txaio-src" >&2
    TXAIO_WHEEL="$(ls "$WORK"/wheel/txaio-*.whl)"
}

# use_txaio: put this project's txaio into the venv of VPY (or the published one
# back with SKIP_TXAIO_SWAP=1), then check which one `import txaio` loads.
use_txaio() {
    local venv published
    venv="$(dirname "$(dirname "$VPY")")"
    if [ "${SKIP_TXAIO_SWAP:-0}" = "1" ]; then
        published="$(cat "$venv/.published-txaio")"
        if ! "$VPY" -c '
import sys
from importlib import metadata
dist = metadata.distribution("txaio")
sys.exit(dist.version != sys.argv[1] or dist.read_text("direct_url.json") is not None)
' "$published" 2>/dev/null; then
            log "SKIP_TXAIO_SWAP=1: reinstalling the published txaio==$published"
            "$VPY" -m pip install -q --no-deps --force-reinstall "txaio==$published"
        else
            log "SKIP_TXAIO_SWAP=1: keeping the published txaio==$published"
        fi
    else
        build_txaio_wheel
        log "replacing the published txaio with $(basename "$TXAIO_WHEEL")"
        "$VPY" -m pip uninstall -y -q txaio
        "$VPY" -m pip install -q --no-deps "$TXAIO_WHEEL"
    fi

    local check="$WORK/check" info
    mkdir -p "$check"
    info="$(cd "$check" && "${clean_env[@]}" "$VPY" -c '
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
    TXAIO_FILE="$(sed -n 1p <<<"$info")"
    TXAIO_VERSION="$(sed -n 2p <<<"$info")"
    echo "txaio file:    $TXAIO_FILE"
    echo "txaio version: $TXAIO_VERSION"
    [ "$(sed -n 3p <<<"$info")" = "ok" ] \
        || die "txaio is loaded from $TXAIO_FILE, $(sed -n 3p <<<"$info")"
}

# package_dir MODULE: the directory of an installed package
package_dir() {
    (cd "$WORK/check" && "${clean_env[@]}" "$VPY" -c \
        "import os, $1; print(os.path.dirname(os.path.realpath($1.__file__)))") \
        || die "importing $1 failed"
}

# --- runners -------------------------------------------------------------------------
# run_trial LABEL ENV... -- ARGS...: python -m twisted.trial ARGS from an empty dir
run_trial() {
    local label="$1" out="$LOGDIR/$1.log" dir="$WORK/run-$1" rc=0 start end summary
    shift
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    mkdir -p "$dir"
    start=$(date +%s)
    (cd "$dir" && "${clean_env[@]}" "${envs[@]}" timeout "$TIMEOUT" "$VPY" -m twisted.trial "$@") \
        >"$out" 2>&1 || rc=$?
    end=$(date +%s)
    # trial's last line is "PASSED (...)" or "FAILED (...)"; log lines printed by
    # the tests may come before it, so take the last line that starts that way.
    summary="$(grep -E '^(PASSED|FAILED)' "$out" | tail -n 1 || true)"
    echo "$label: ${summary:-<no summary line>}  [exit $rc, $((end - start))s, log $out]"
    if [ "$rc" -ne 0 ] || [[ "$summary" != PASSED* ]]; then
        summarize_trial "$out" || tail -n 15 "$out" || true
        record "$label" 1
    else
        record "$label" 0
    fi
}

# summarize_trial LOG: trial's failures and errors grouped by their exception line,
# each with the deepest frame in the tested package and a few test names.
summarize_trial() {
    "$VPY" - "$1" <<'PY'
import re, sys
from collections import defaultdict

text = open(sys.argv[1], errors="replace").read()
groups = defaultdict(list)
for block in re.split(r"^={70,}$", text, flags=re.M):
    lines = block.strip("\n").splitlines()
    if not lines or lines[0] not in ("[FAIL]", "[ERROR]"):
        continue
    blank = lines.index("") if "" in lines else len(lines)
    trace, tests = lines[1:blank], [t for t in lines[blank + 1:] if t.strip()]
    exception = next((t for t in reversed(trace) if t and not t.startswith(" ")), "?")
    frames = [i for i, t in enumerate(trace) if t.startswith('  File "') and "/twisted/" not in t]
    where = ""
    if frames:
        i = frames[-1]
        where = trace[i].strip() + (" :: " + trace[i + 1].strip() if i + 1 < len(trace) else "")
    groups[(lines[0], exception, where)].extend(tests)
for (kind, exception, where), tests in sorted(groups.items(), key=lambda g: -len(g[1])):
    print(f"  {len(tests)} x {kind} {exception}")
    if where:
        print(f"      at {where}")
    print("      e.g. " + ", ".join(tests[:3]) + (" ..." if len(tests) > 3 else ""))
PY
}

# run_pytest LABEL ROOTDIR ENV... -- ARGS...: python -m pytest ARGS from an empty dir.
# The venvs usually live inside PROJECT_ROOT, so pytest would otherwise walk up from
# the package dir and pick up the project's own pytest configuration (pyproject.toml
# [tool.pytest.ini_options]: filterwarnings=error, addopts, ...). Pin an empty config
# file and the rootdir, as in a plain venv.
run_pytest() {
    local label="$1" rootdir="$2" out="$LOGDIR/$1.log" dir="$WORK/run-$1" rc=0 start end summary
    shift 2
    local envs=()
    while [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    mkdir -p "$dir"
    start=$(date +%s)
    (cd "$dir" && "${clean_env[@]}" "${envs[@]}" timeout "$TIMEOUT" "$VPY" -m pytest \
        -c "$WORK/empty-pytest.ini" --rootdir="$rootdir" -p no:cacheprovider "$@") \
        >"$out" 2>&1 || rc=$?
    end=$(date +%s)
    summary="$(grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* =+$' "$out" \
        | tail -n 1 || true)"
    echo "$label: ${summary:-<no summary line>}  [exit $rc, $((end - start))s, log $out]"
    if [ "$rc" -ne 0 ]; then
        echo "  exception lines, most frequent first:"
        grep -E '^E   ' "$out" | sort | uniq -c | sort -rn | head -n 20 || true
        grep -E '^(FAILED|ERROR) ' "$out" | sed -E "s#[./]*${rootdir#/}/##" | head -n 40 || true
        [ -n "$summary" ] || tail -n 30 "$out" || true
        record "$label" 1
    else
        record "$label" 0
    fi
}

# --- Autobahn|Python -------------------------------------------------------------------
test_autobahn() {
    log "Autobahn|Python"
    prepare_venv autobahn "${AUTOBAHN_PINS[@]}"
    use_txaio
    local ab_dir
    ab_dir="$(package_dir autobahn)"
    echo "autobahn dir:  $ab_dir"
    for suite in $AUTOBAHN_SUITES; do
        case "$suite" in
            twisted)
                run_trial autobahn-trial USE_TWISTED=1 -- --no-recurse autobahn.test \
                    autobahn.twisted.test autobahn.websocket.test autobahn.rawsocket.test \
                    autobahn.wamp.test autobahn.nvx.test ;;
            asyncio)
                run_pytest autobahn-pytest "$ab_dir" USE_ASYNCIO=1 -- \
                    --ignore="$ab_dir/twisted" "$ab_dir" ;;
            *) die "unknown Autobahn suite '$suite' (use twisted and/or asyncio)" ;;
        esac
    done
}

# --- Crossbar.io ---------------------------------------------------------------------
run_crossbar_smoke() {
    local dir="$WORK/smoke" out="$LOGDIR/crossbar-smoke.log" rc=0 start end baseline
    mkdir -p "$dir"
    if [ "$CROSSBAR_LOG_BASELINE_WRITE" = "1" ]; then
        baseline=(--write-log-baseline "$CROSSBAR_LOG_BASELINE")
    else
        baseline=(--log-baseline "$CROSSBAR_LOG_BASELINE")
    fi
    start=$(date +%s)
    (cd "$dir" && "${clean_env[@]}" "$VPY" "$TOOLS/crossbar_smoke.py" \
        --crossbar "$(dirname "$VPY")/crossbar" --workdir "$dir" \
        --seconds "$CROSSBAR_SMOKE_SECONDS" "${baseline[@]}") >"$out" 2>&1 || rc=$?
    end=$(date +%s)
    cp "$dir"/stdout.log "$LOGDIR/crossbar-smoke-stdout.log" 2>/dev/null || true
    cp "$dir"/stderr.log "$LOGDIR/crossbar-smoke-stderr.log" 2>/dev/null || true
    cat "$dir"/log-records/*.jsonl > "$LOGDIR/crossbar-smoke-records.jsonl" 2>/dev/null || true
    sed 's/^/  /' "$out"
    echo "crossbar-smoke: $([ "$rc" -eq 0 ] && echo OK || echo FAILED)  [exit $rc, \
$((end - start))s, logs $LOGDIR/crossbar-smoke*.log]"
    record crossbar-smoke "$rc"
}

test_crossbar() {
    log "Crossbar.io"
    prepare_venv crossbar "${CROSSBAR_PINS[@]}"
    use_txaio
    local cb_dir jobs=()
    cb_dir="$(package_dir crossbar)"
    echo "crossbar dir:  $cb_dir"
    if [ "$CROSSBAR_TRIAL_JOBS" -gt 1 ]; then jobs=(-j "$CROSSBAR_TRIAL_JOBS"); fi
    for suite in $CROSSBAR_SUITES; do
        case "$suite" in
            trial) run_trial crossbar-trial -- "${jobs[@]}" crossbar ;;
            pytest) run_pytest crossbar-pytest "$cb_dir" -- -p no:twisted "$cb_dir" ;;
            smoke) run_crossbar_smoke ;;
            *) die "unknown Crossbar suite '$suite' (use trial, pytest and/or smoke)" ;;
        esac
    done
}

# --- main ----------------------------------------------------------------------------
started=$(date +%s)
for dependent in $DEPENDENTS; do
    case "$dependent" in
        autobahn) test_autobahn ;;
        crossbar) test_crossbar ;;
        *) die "unknown dependent '$dependent' (use autobahn and/or crossbar)" ;;
    esac
done

if [ -z "${DEPENDENTS_LOG_DIR:-${AUTOBAHN_LOG_DIR:-}}" ] && [ "$failed" -ne 0 ]; then
    # keep the logs of a failed run: copy them out of the temp dir
    keep="$(mktemp -d /tmp/dependents-test-logs.XXXXXX)"
    cp "$LOGDIR"/*.log "$keep"/ 2>/dev/null || true
    echo "full logs kept in $keep"
fi

echo "dependents ($DEPENDENTS) took $(($(date +%s) - started))s with txaio ${TXAIO_VERSION:-?}"
echo "dependents: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
