"""``make bench`` still runs: a ``--quick`` run with tiny counts (its timings are not checked)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def installed_backends() -> list[str]:
    names = ["asyncio"]
    for backend, module in (("uvloop", "uvloop"), ("twisted", "twisted")):
        if importlib.util.find_spec(module) is not None:
            names.append(backend)
    return names


def test_quick_bench_measures_every_operation_on_every_installed_backend(tmp_path: Path) -> None:
    figures = tmp_path / "bench.json"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--json", str(figures)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    rows = json.loads(figures.read_text())["rows"]

    measured = {(row["backend"], row["operation"].split(".")[0]) for row in rows}
    expected = {(b, str(op)) for b in installed_backends() for op in (*range(1, 8), 9)} | {
        ("import", "8")
    }
    assert measured == expected
    for row in rows:
        assert row["txaio"] > 0, row
        if row["native"] is not None:
            assert row["native"] > 0, row


def test_quick_bench_finds_that_import_txaio_loads_no_framework(tmp_path: Path) -> None:
    figures = tmp_path / "bench.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            "--only",
            "8",
            "--json",
            str(figures),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (row,) = json.loads(figures.read_text())["rows"]
    assert row["operation"].startswith("8. import txaio")
    assert row["heavy"] == []
