"""``make bench``: txaio against the native API, per backend, in the same process.

Usage::

    python bench/run.py [--quick] [--backend asyncio|uvloop|twisted ...] [--only 1,2,...]
                        [--rounds N] [--no-wheel] [--json FILE] [--rst FILE]

Each backend runs in its own child process (a process selects one framework);
inside it every operation runs through txaio and through the native API in
alternating rounds (see ``harness.py``). This process also times
``import txaio`` with ``python -X importtime`` and prints one table.
``--quick`` uses tiny counts: it checks that the benchmark runs, its numbers
mean nothing.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FULL = {
    "rounds": 61,  # rounds per comparison (odd: the median is one round's figure)
    "heavy_rounds": 11,  # rounds of the comparisons with a 100k setup per side
    "ops": 2_000,  # operations per round for 1-3 (a multiple of ops_asyncio.BATCH)
    "outstanding": 100_000,  # timers outstanding in 4
    "timer_ops": 2_000,  # call_later + cancel per round in 4
    "gather": 100_000,  # futures per gather in 5
    "log_ops": 20_000,  # log calls per round in 6 (a multiple of 10)
    "batched_min": 1_000,  # 7: outstanding batched calls, from this ...
    "batched_steps": 4,  # ... times 10**k for k < steps (1k .. 1M)
    "batched_ops": 5_000,  # call_later + cancel per round in 7
    "memory_timers": 100_000,  # timers measured for bytes per timer
    "import_runs": 41,  # runs of python -X importtime
    "thread_ops": 300,  # run_in_thread round trips per round in 9
    "thread_rounds": 21,  # rounds of 9
}
QUICK = {
    "rounds": 2,
    "heavy_rounds": 1,
    "ops": 1_000,
    "outstanding": 1_000,
    "timer_ops": 100,
    "gather": 1_000,
    "log_ops": 1_000,
    "batched_min": 100,
    "batched_steps": 2,
    "batched_ops": 100,
    "memory_timers": 1_000,
    "import_runs": 2,
    "thread_ops": 20,
    "thread_rounds": 2,
}

#: Modules that ``import txaio`` must not load (heavy, or a framework).
FORBIDDEN_AT_IMPORT = (
    "asyncio",
    "twisted",
    "typing",
    "logging",
    "functools",
    "collections",
    "inspect",
    "datetime",
    "string",
    "traceback",
    "threading",
    "enum",
    "re",
    "zope",
)


# -- the child process: one backend --------------------------------------------


def run_backend(backend: str, scale: dict[str, int], only: set[int]) -> list[dict[str, object]]:
    """Run operations 1-7 and 9 (those in ``only``) on ``backend`` in this process; their
    summaries."""
    sys.path.insert(0, str(HERE))
    from ops_common import batched_results, logging_result, unexpected

    import txaio

    if backend == "twisted":
        txaio.use_twisted()
        from ops_twisted import TwistedOps
        from twisted.internet import reactor as installed

        reactor: Any = installed  # the module stands for the reactor; its stubs say otherwise
        results = TwistedOps(backend, scale).run(only)

        def in_loop(function: Any) -> Any:
            return function

        def native_timer(delay: float) -> Any:
            return reactor.callLater(delay, unexpected, None)

        flush = reactor.runUntilCurrent

        def thread_results() -> list[Any]:
            from ops_threads import twisted_results

            return twisted_results(backend, scale)
    else:
        import asyncio

        txaio.use_asyncio()
        from ops_asyncio import AsyncioOps

        loop: asyncio.AbstractEventLoop
        if backend == "uvloop":
            import uvloop

            loop = uvloop.new_event_loop()
        else:
            loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        results = AsyncioOps(backend, loop, scale).run(only)

        def in_loop(function: Any) -> Any:
            async def task(n: int) -> Any:
                return function(n)

            return lambda n: loop.run_until_complete(task(n))

        def native_timer(delay: float) -> Any:
            return loop.call_later(delay, unexpected, None)

        def flush() -> None:
            loop.run_until_complete(asyncio.sleep(0))

        def thread_results() -> list[Any]:
            from ops_threads import asyncio_results

            return asyncio_results(backend, scale, loop)

    if 6 in only:
        results.append(logging_result(backend, scale, in_loop))
    if 7 in only:
        results.extend(batched_results(backend, scale, in_loop, native_timer, flush))
    if 9 in only:
        results.extend(thread_results())
    return [result.summary() for result in results]


# -- import time -------------------------------------------------------------

_PROBE = (
    "import sys; before = set(sys.modules); import txaio; "
    "print(' '.join(sorted(set(sys.modules) - before)))"
)


def measure_import(python: str, runs: int, label: str) -> dict[str, object]:
    """Median and best ``import txaio`` time (µs) with bytecode cached, and what it loads."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a real install has its .pyc files
    cache = tempfile.mkdtemp(prefix="txaio-bench-pyc-")
    env["PYTHONPYCACHEPREFIX"] = cache  # keep the source tree free of __pycache__
    env["PYTHONPATH"] = ""
    try:
        subprocess.run([python, "-c", "import txaio"], env=env, check=True, cwd=cache)
        times: list[float] = []
        loaded: list[str] = []
        for _ in range(runs):
            done = subprocess.run(
                [python, "-X", "importtime", "-c", _PROBE],
                env=env,
                check=True,
                capture_output=True,
                text=True,
                cwd=cache,
            )
            match = re.search(r"^import time:\s*\d+ \|\s*(\d+) \| txaio$", done.stderr, re.M)
            if match is None:
                raise RuntimeError(f"no 'txaio' line in -X importtime output:\n{done.stderr}")
            times.append(float(match.group(1)))
            loaded = done.stdout.split()
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    heavy = sorted({name.split(".")[0] for name in loaded} & set(FORBIDDEN_AT_IMPORT))
    return {
        "backend": "import",
        "operation": f"8. import txaio ({label})",
        "unit": "us",
        "txaio": statistics.median(times),
        "txaio_best": min(times),
        "native": None,
        "native_best": None,
        "ratio": None,
        "ratio_best": None,
        "rounds": runs,
        "target": 2000.0,
        "note": ("heavy modules imported: " + ", ".join(heavy))
        if heavy
        else f"loads {len(loaded)} modules: " + " ".join(loaded),
        "heavy": heavy,
    }


def wheel_python(workdir: Path) -> str:
    """Build a wheel of this tree and install it in a new venv; that venv's python."""
    dist = workdir / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        cwd=workdir,
    )
    wheel = next(dist.glob("txaio-*.whl"))
    venv = workdir / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        cwd=workdir,
    )
    return python


# -- the report ----------------------------------------------------------------


def _amount(value: object, unit: str) -> str:
    if value is None:
        return "-"
    number = float(value)  # type: ignore[arg-type]
    if unit == "bytes":
        return f"{number:,.0f} B"
    if unit == "us":
        return f"{number / 1000:.2f} ms"
    if number >= 10_000_000:
        return f"{number / 1_000_000:,.1f} ms"
    if number >= 100_000:
        return f"{number / 1000:,.0f} us"
    return f"{number:,.0f} ns"


def _verdict(row: dict[str, Any]) -> str:
    target = row["target"]
    if target is None:
        return ""
    if row["operation"].startswith("8."):
        ok = row["txaio"] < target and not row["heavy"]
    elif row["ratio"] is None:
        return "n/a"
    else:
        ok = row["ratio"] <= target
    return "ok" if ok else "MISSED"


def _target(row: dict[str, Any]) -> str:
    target = row["target"]
    if target is None:
        return ""
    if row["operation"].startswith("8."):
        return "< 2 ms"
    if row["unit"] == "bytes":
        return "< 1"
    return f"<= {target:.2f}"


def table_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    """The report as text cells, a header row first."""
    cells = [["backend", "operation", "txaio", "native", "ratio", "best", "floor", "target", ""]]

    def figure(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    for row in rows:
        cells.append(
            [
                row["backend"],
                row["operation"],
                _amount(row["txaio"], row["unit"]),
                _amount(row["native"], row["unit"]),
                figure(row["ratio"]),
                figure(row["ratio_best"]),
                figure(row.get("floor_ratio")),
                _target(row),
                _verdict(row),
            ]
        )
    return cells


def format_table(cells: list[list[str]], rst: bool = False) -> str:
    """A plain-text table; with ``rst`` a reStructuredText simple table."""
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    rule = "  ".join("=" * w for w in widths)

    def line(row: list[str]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()

    if rst:
        widths[-1] = max(widths[-1], 2)
        rule = "  ".join("=" * w for w in widths)
        return "\n".join([rule, line(cells[0]), rule, *map(line, cells[1:]), rule])
    dashes = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), dashes, *map(line, cells[1:])])


def machine() -> str:
    """One paragraph naming the machine and the versions measured."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for text in cpuinfo:
                if text.startswith("model name"):
                    cpu = text.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return (
        f"{datetime.date.today()}, {platform.system()} {platform.release()}, {cpu}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()} "
        f"({platform.python_implementation()}), txaio {version('txaio')}, "
        f"Twisted {version('twisted')}, uvloop {version('uvloop')}"
    )


def raise_priority() -> str:
    """Run this process and its children first when the CPU is contended, if allowed.

    On a shared machine another busy process takes the CPU in the middle of
    a round; a high scheduling priority makes that much rarer. It needs
    root (or CAP_SYS_NICE); without it the benchmark runs at normal priority.
    """
    try:
        os.setpriority(os.PRIO_PROCESS, 0, -20)
    except (AttributeError, OSError) as exc:
        return f"== normal scheduling priority ({exc.__class__.__name__}: {exc})"
    return "== scheduling priority raised (nice -20) to reduce noise from other processes"


def available_backends() -> list[str]:
    """asyncio always; uvloop and Twisted when they import."""
    names = ["asyncio"]
    for backend, module in (("uvloop", "uvloop"), ("twisted", "twisted.internet.defer")):
        probe = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
        if probe.returncode == 0:
            names.append(backend)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts: check that it runs")
    parser.add_argument(
        "--backend",
        action="append",
        choices=["asyncio", "uvloop", "twisted"],
        help="only this backend (repeatable); default: all installed",
    )
    parser.add_argument("--rounds", type=int, help="rounds per comparison")
    parser.add_argument(
        "--no-wheel", action="store_true", help="skip timing the import from a freshly built wheel"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--rst", type=Path, help="also write the table (reST) to this file")
    parser.add_argument(
        "--only",
        default="1,2,3,4,5,6,7,8,9",
        help="comma-separated operation numbers to run (default: all)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    scale = dict(QUICK if args.quick else FULL)
    if args.rounds:
        scale["rounds"] = args.rounds
        scale["heavy_rounds"] = max(1, args.rounds // 2)

    only = {int(number) for number in args.only.split(",")}
    if args.worker:
        print(json.dumps(run_backend(args.worker, scale, only)))
        return 0

    if not args.quick:
        print(raise_priority(), file=sys.stderr)
    rows: list[dict[str, Any]] = []
    for backend in args.backend or available_backends():
        if not only & {1, 2, 3, 4, 5, 6, 7, 9}:
            break
        print(f"== {backend} ...", file=sys.stderr, flush=True)
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", backend]
        if args.quick:
            command.append("--quick")
        if args.rounds:
            command += ["--rounds", str(args.rounds)]
        command += ["--only", args.only]
        done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
        rows.extend(json.loads(done.stdout.strip().splitlines()[-1]))
    if 8 in only:
        print("== import txaio ...", file=sys.stderr, flush=True)
        rows.append(measure_import(sys.executable, scale["import_runs"], "this tree"))
    if 8 in only and not (args.quick or args.no_wheel):
        with tempfile.TemporaryDirectory(prefix="txaio-bench-wheel-") as workdir:
            python = wheel_python(Path(workdir))
            rows.append(measure_import(python, scale["import_runs"], "wheel in a fresh venv"))

    cells = table_rows(rows)
    header = machine()
    print(header)
    print(format_table(cells))
    for row in rows:
        if row["note"]:
            print(f"- {row['backend']}: {row['operation']}: {row['note']}")
    if args.json:
        args.json.write_text(json.dumps({"machine": header, "rows": rows}, indent=1) + "\n")
    if args.rst:
        args.rst.write_text(header + "\n\n" + format_table(cells, rst=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
