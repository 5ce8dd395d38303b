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


def _raised_messages(path: Path) -> set[str]:
    """The text of each message a ``raise`` in ``path`` writes (an f-string's fields as {})."""
    messages: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Raise):
            continue
        for part in ast.walk(node):
            if isinstance(part, ast.JoinedStr):
                text = "".join(
                    v.value if isinstance(v, ast.Constant) else "{}" for v in part.values
                )
            elif isinstance(part, ast.Constant) and isinstance(part.value, str):
                text = part.value
            else:
                continue
            if " " in text:
                messages.add(text)
    return messages


def test_no_error_message_is_written_in_both_backends():
    # A message both backends raise is worded once, here in _checks.
    source = Path(_checks.__file__).parent
    in_both = _raised_messages(source / "aio.py") & _raised_messages(source / "tx.py")
    assert in_both == set()
