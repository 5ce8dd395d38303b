#!/usr/bin/env bash
# Run Autobahn|Python's own test suites (Twisted/trial and asyncio/pytest)
# against the txaio package in this project: the Autobahn part of
# tools/test-dependents.sh, which documents the environment variables
# (AUTOBAHN_SUITES, AUTOBAHN_TEST_TIMEOUT, AUTOBAHN_LOG_DIR, SKIP_TXAIO_SWAP, ...).
#
# Usage: test-autobahn.sh [PROJECT_ROOT]      (default: current directory)
set -euo pipefail
DEPENDENTS=autobahn exec bash "$(dirname "${BASH_SOURCE[0]}")/test-dependents.sh" "$@"
