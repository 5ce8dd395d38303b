"""The Python matrix: the whole test suite on Python 3.10, 3.11, 3.12 and 3.13.

``make test-matrix`` runs ``nox -s tests``. Each Python gets its own virtual
environment (kept between runs, under ``.nox/``) with the project installed
with its ``dev`` extra, and runs ``pytest -W error`` on every backend of the
matrix (asyncio, asyncio on uvloop, Twisted, Twisted on asyncio) with the
larger hypothesis profile (``txaio-matrix``).

Why nox and not tox: the sessions are plain Python (one file, no INI dialect,
typed and linted like the rest), and what differs per session -- the
interpreter, the environment, the arguments -- is set in code. Interpreters are
looked up on ``PATH`` and, where pyenv keeps them, in ``~/.pyenv/versions``
(set ``PYENV_ROOT`` to look elsewhere); a missing one is an error, not a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

nox.options.sessions = ["tests"]
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
        env={"TXAIO_HYPOTHESIS_PROFILE": "txaio-matrix"},
    )
