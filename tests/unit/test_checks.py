"""txaio._checks: a leaf module that every argument check goes through."""

from __future__ import annotations

import ast
from pathlib import Path

from txaio import _checks


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            modules.add(node.module)
    return modules


def test_checks_imports_nothing_from_txaio_and_nothing_slow():
    # collections.abc and typing only for type checkers, under TYPE_CHECKING.
    assert _imported_modules(Path(_checks.__file__)) <= {"__future__", "collections.abc", "typing"}
