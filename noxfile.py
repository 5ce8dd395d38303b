"""The Python matrix: the whole test suite on Python 3.10 to 3.15.

``make test-matrix`` runs ``nox``: the sessions ``tests-3.10`` to ``tests-3.15``, one after
the other, each running ``pytest -W error -q`` on every backend of the matrix (asyncio,
asyncio on uvloop, Twisted, Twisted on asyncio) with the larger hypothesis profile
(``txaio-matrix``); ``nox -s tests-3.14`` runs one of them.

3.10 to 3.13 are nox's own sessions: each Python gets its own virtual environment (kept
between runs, under ``.nox/``) with the project installed with its ``dev`` extra.
Interpreters are looked up on ``PATH`` and, where pyenv keeps them, in
``~/.pyenv/versions`` (set ``PYENV_ROOT`` to look elsewhere); a missing one is an error,
not a skip.

3.14 and 3.15 are Debian's packages, which need a newer C library than the machines we
test on have: their sessions run ``make test-py3.14`` (or ``3.15``), the suite in a Debian
sid chroot that ``tools/sid-chroot.sh`` builds or reuses, with a venv of its own in the
checkout (``.venv-py3.14``). They need root, as the chroot does.

Why nox and not tox: the sessions are plain Python (one file, no INI dialect,
typed and linted like the rest), and what differs per session -- the
interpreter, the environment, the arguments -- is set in code.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
#: The Pythons that run in the Debian sid chroot (``make test-py3.14``).
SID_PYTHONS = ["3.14", "3.15"]
#: What every session runs: the larger hypothesis profile.
MATRIX_ENV = {"TXAIO_HYPOTHESIS_PROFILE": "txaio-matrix"}

nox.options.sessions = ["tests", *(f"tests-{version}" for version in SID_PYTHONS)]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True


def _add_pyenv_versions_to_path() -> None:
    """Let nox find pyenv's interpreters (``python3.X``) without pyenv's shims."""
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = sorted(str(path) for path in versions.glob("3.*/bin") if path.is_dir())
    if found:
        os.environ["PATH"] = os.pathsep.join([*found, os.environ.get("PATH", "")])


_add_pyenv_versions_to_path()


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite, warnings as errors, on every backend."""
    session.install("--quiet", "-e", ".[dev]")
    session.run(
        "python",
        "-m",
        "pytest",
        "-W",
        "error",
        "-q",
        *session.posargs,
        env=MATRIX_ENV,
    )


def _sid_session(version: str) -> None:
    """Register ``tests-VERSION``: the same suite on Debian's Python VERSION, in the chroot."""

    @nox.session(name=f"tests-{version}", python=False)
    def sid_tests(session: nox.Session) -> None:
        """The same suite on Debian's Python, in the sid chroot (``make test-py3.X``)."""
        pytest_args = " ".join(["-q", *session.posargs])
        session.run(
            "make",
            "--no-print-directory",
            f"test-py{version}",
            f"PYTEST_ARGS={pytest_args}",
            env=MATRIX_ENV,
            external=True,
        )


for _version in SID_PYTHONS:
    _sid_session(_version)
