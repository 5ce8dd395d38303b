"""Smoke-run a real Crossbar.io node and check its log output.

Run by tools/test-dependents.sh with the Python of the Crossbar venv (standard library only):

    python crossbar_smoke.py --crossbar VENV/bin/crossbar --workdir EMPTY_DIR --seconds 15

It runs `crossbar init` in the empty directory, moves every TCP transport of the generated
node configuration to 127.0.0.1 on a free port, runs `crossbar start` for the given time,
stops it with SIGINT and waits for it to exit.  Then it checks that

- the router, its realm and every transport started (the log lines that say so, an HTTP
  request answered by the Web transport, and a WAMP client on each transport that registers,
  calls, subscribes and publishes on realm1: Twisted over WebSocket, asyncio over RawSocket),
  and the node shut down cleanly with exit code 0;
- every line that Crossbar.io printed, on stdout and on stderr, is a tagged log line
  ("2026-01-01T00:00:00+0000 [Controller   1234] text"); the only untagged lines allowed are
  the pretty-printed Python value that follows a tagged line ending in "=";
- no log record is printed twice (on the same stream, or once on each stream);
- no line carries a formatting-failure marker ("[txaio: could not format the message", ...);
- with --log-baseline, the node's log records match those of the same run on the published
  txaio, the baseline (see "Log records" below).

It prints one line per failed check and exits 1 if any check failed, 0 otherwise.

Log records
-----------
Every process of the node (the controller and its worker) records its Twisted log events:
tools/crossbar_log_recorder.py, put on the node's PYTHONPATH as ``sitecustomize``. Each event
is reduced to its *triple* (namespace, level, format) and the other fields that Crossbar.io
prints or filters on: log_system (the pid masked), the type of log_source, the exception type
of log_failure, txaio_trace, and the names of all its fields. An event that the controller
forwards from a worker carries the worker's text as its format; its triple's format is
"<forwarded from NAMESPACE>" instead, NAMESPACE being the worker logger's (``cb_namespace``).

With --log-baseline FILE the run fails on a triple found in this run and not in the baseline
or the other way round (each named), and on a field whose values differ for a triple found in
both. Two hand-kept lists of the baseline, each entry with its reason, make exceptions: a
"timing_dependent" triple (one that varies between two runs on the published txaio) is left
out; a "fixed_here" triple is a record that only this txaio makes, because the published one
raised instead (docs/compatibility.rst, "Deliberate differences"): it must be there on this
txaio and absent on the published one.

The baseline, tools/crossbar_smoke_log_baseline.json, is this run on the published txaio,
recorded once with

    SKIP_TXAIO_SWAP=1 CROSSBAR_LOG_BASELINE_WRITE=1 DEPENDENTS=crossbar CROSSBAR_SUITES=smoke \
        bash tools/test-dependents.sh .

(--write-log-baseline FILE; the hand-kept lists are kept). Run the same without
CROSSBAR_LOG_BASELINE_WRITE=1 to compare another run on the published txaio with it: a triple
that differs then is timing-dependent.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# "2026-11-30T06:18:06+0000 [Controller   9768] text": crossbar/_logging.py formats the
# system tag as "{:<10} {:>6}".format(kind, pid); a record with empty text keeps the space.
TAGGED_LINE = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}) \[(?P<kind>[A-Za-z]+) +(?P<pid>\d+)\]"
    r"(?: (?P<text>.*))?$"
)

# Text that only shows up when a log event could not be rendered.
FORMAT_FAILURE_MARKERS = (
    "[txaio: could not format the message",
    "Unable to format event",  # twisted.logger.formatEvent
    "MESSAGE LOST",  # twisted.logger's unformattable-event text
)

BOOT_COMPLETE = "NODE_BOOT_COMPLETE"
BOOT_TIMEOUT_SECONDS = 90.0
EXIT_TIMEOUT_SECONDS = 30.0
CLIENT_TIMEOUT_SECONDS = 30.0


@dataclass
class LogRecord:
    """One log record: a tagged line and the untagged lines that continue it."""

    stream: str
    line_number: int
    first_line: str
    text: str
    continuation: list[str] = field(default_factory=list)

    def rendered(self) -> str:
        """The record as printed, for comparing records with each other."""
        return "\n".join([self.first_line, *self.continuation])


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def move_transports_to_free_ports(config_path: Path) -> dict[str, int]:
    """Move every TCP transport to 127.0.0.1 and a free port; return {transport type: port}."""
    config = json.loads(config_path.read_text())
    ports: dict[str, int] = {}
    for worker in config.get("workers", []):
        for transport in worker.get("transports", []):
            endpoint = transport.get("endpoint", {})
            if endpoint.get("type") == "tcp":
                endpoint["port"] = free_port()
                endpoint["interface"] = "127.0.0.1"
                ports[transport["type"]] = endpoint["port"]
    if not ports:
        raise SystemExit(f"crossbar smoke: no TCP transport in {config_path}")
    config_path.write_text(json.dumps(config, indent=4))
    return ports


def parse_records(stream: str, lines: list[str], problems: list[str]) -> list[LogRecord]:
    """Group lines into records; report lines that belong to no tagged record."""
    records: list[LogRecord] = []
    for number, line in enumerate(lines, start=1):
        match = TAGGED_LINE.match(line)
        if match:
            records.append(LogRecord(stream, number, line, match.group("text") or ""))
        elif records:
            records[-1].continuation.append(line)
        else:
            problems.append(f"{stream}:{number}: untagged line before any log line: {line!r}")
    return records


def check_continuations(records: list[LogRecord], problems: list[str]) -> None:
    """Untagged lines may only be a Python value pretty-printed after "name=" (pformat)."""
    for record in records:
        if not record.continuation:
            continue
        value = "\n".join(record.continuation)
        if record.text.rstrip().endswith("="):
            try:
                ast.literal_eval(value)
                continue
            except (ValueError, SyntaxError):
                pass
        shown = "\n    ".join(record.continuation[:5])
        problems.append(
            f"{record.stream}:{record.line_number + 1}: untagged line(s) after "
            f"{record.first_line!r}:\n    {shown}"
        )


def check_duplicates(records: list[LogRecord], problems: list[str]) -> None:
    """A record (timestamp, tag, text, continuation) printed twice is a duplicate."""
    seen: dict[str, LogRecord] = {}
    for record in records:
        if not record.text.strip():
            continue  # the banner's empty lines
        key = record.rendered()
        if key in seen:
            first = seen[key]
            problems.append(
                f"duplicated log record ({first.stream}:{first.line_number} and "
                f"{record.stream}:{record.line_number}): {record.first_line!r}"
            )
        else:
            seen[key] = record


def check_markers(stream: str, lines: list[str], problems: list[str]) -> None:
    """No formatting-failure marker, and no traceback on stdout."""
    for number, line in enumerate(lines, start=1):
        for marker in FORMAT_FAILURE_MARKERS:
            if marker in line:
                problems.append(f"{stream}:{number}: {marker!r} in {line!r}")
        if stream == "stdout" and "Traceback (most recent call last)" in line:
            problems.append(f"stdout:{number}: traceback: {line!r}")


def check_required_lines(output: str, ports: list[int], problems: list[str]) -> None:
    """The lines that prove the router, its realm and each transport started and stopped."""
    required = [
        (r"Ok, node has started Router worker\w+", "router worker started"),
        (r"Realm \"\w+\" \(.*name=\"realm1\".*\) started", "realm realm1 started"),
        *(
            (
                rf"Router TCP/{port} transport started as transport \"\w+\" and "
                rf"listening on TCP port {port}\b",
                f"transport listening on TCP port {port}",
            )
            for port in ports
        ),
        (r"Ok, local node configuration ran successfully", "node configuration ran"),
        (BOOT_COMPLETE, "node boot complete"),
        (r"Controller received SIGINT", "SIGINT received"),
        (r"Node worker \w+ ended successfully", "router worker ended successfully"),
    ]
    for pattern, meaning in required:
        if not re.search(pattern, output):
            problems.append(f"missing log line ({meaning}): no match for /{pattern}/")


#: The fields of a recorded event that are compared for each triple, besides the triple
#: ("keys": the names of all the event's fields, which Crossbar.io's JSON observer forwards).
COMPARED_FIELDS = ("log_system", "log_source", "log_failure", "txaio_trace", "keys")

#: The recorder, copied as sitecustomize.py onto the node's PYTHONPATH.
RECORDER = Path(__file__).with_name("crossbar_log_recorder.py")

Triple = tuple[str, str, str]


def recorder_environment(workdir: Path) -> tuple[dict[str, str], Path]:
    """The environment that makes each process of the node record its log events, and where."""
    hook = workdir / "log-recorder"
    records = workdir / "log-records"
    hook.mkdir()
    records.mkdir()
    shutil.copyfile(RECORDER, hook / "sitecustomize.py")
    paths = [str(hook), *filter(None, [os.environ.get("PYTHONPATH")])]
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    environment["TXAIO_SMOKE_LOG_DIR"] = str(records)
    return environment, records


def read_log_records(directory: Path, problems: list[str]) -> list[dict[str, Any]]:
    """Every event the node's processes recorded, in file order."""
    events = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            event = json.loads(line)
            if "recorder_error" in event:
                problems.append(f"{path.name}:{number}: recorder: {event['recorder_error']}")
            else:
                events.append(event)
    return events


def triple_of(event: dict[str, Any]) -> Triple:
    """(namespace, level, format); a forwarded worker event's text is not its format."""
    form = event["format"]
    if event.get("cb_namespace") is not None:
        form = f"<forwarded from {event['cb_namespace']}>"
    return (str(event["namespace"]), str(event["level"]), str(form))


def field_value(event: dict[str, Any], name: str) -> str:
    """A compared field as text; a pid at the end of log_system is masked ("Router <pid>")."""
    value = event.get(name)
    if name == "log_system" and isinstance(value, str):
        value = re.sub(r"\s+\d+$", " <pid>", value)
    return json.dumps(value)


def summarize_log_records(events: list[dict[str, Any]]) -> dict[Triple, dict[str, list[str]]]:
    """Each distinct triple with the sorted distinct values of each compared field."""
    seen: dict[Triple, dict[str, set[str]]] = {}
    for event in events:
        fields = seen.setdefault(triple_of(event), {name: set() for name in COMPARED_FIELDS})
        for name in COMPARED_FIELDS:
            fields[name].add(field_value(event, name))
    return {
        triple: {name: sorted(values) for name, values in fields.items()}
        for triple, fields in sorted(seen.items())
    }


def installed_versions() -> dict[str, str]:
    """The versions of txaio and Crossbar.io in this Python (the venv that runs the node)."""
    from importlib import metadata

    return {name: metadata.version(name) for name in ("txaio", "crossbar")}


def triples_listed(baseline: dict[str, Any], name: str) -> set[Triple]:
    """The triples of one of the baseline's hand-kept lists (each entry gives its reason)."""
    return {(entry["namespace"], entry["level"], entry["format"]) for entry in baseline[name]}


def write_log_baseline(path: Path, events: list[dict[str, Any]]) -> None:
    """Write this run's triples as the baseline, keeping the file's hand-kept lists."""
    kept: dict[str, Any] = {"timing_dependent": [], "fixed_here": []}
    if path.exists():
        old = json.loads(path.read_text())
        kept = {name: old.get(name, []) for name in kept}
    summary = summarize_log_records(events)
    baseline = {
        "about": "The log records of tools/crossbar_smoke.py's `crossbar start` on the published "
        "txaio; the tool's docstring says how to regenerate this file.",
        "versions": installed_versions(),
        "records": len(events),
        "namespaces": len({triple[0] for triple in summary}),
        **kept,
        "triples": [
            {"namespace": ns, "level": level, "format": form, **fields}
            for (ns, level, form), fields in summary.items()
        ],
    }
    path.write_text(json.dumps(baseline, indent=1, ensure_ascii=False) + "\n")


def compare_log_records(path: Path, events: list[dict[str, Any]], problems: list[str]) -> list[str]:
    """Compare this run's triples and fields with the baseline's; return the summary lines.

    On the published txaio (the baseline's version) the "fixed_here" triples must be absent;
    on another txaio they must be present: records that only a fix of this txaio makes.
    """
    baseline = json.loads(path.read_text())
    skipped = triples_listed(baseline, "timing_dependent")
    fixed_here = triples_listed(baseline, "fixed_here")
    expected = {
        (entry["namespace"], entry["level"], entry["format"]): entry
        for entry in baseline["triples"]
    }
    baseline_run = installed_versions() == baseline["versions"]
    wanted = set(expected) if baseline_run else set(expected) | fixed_here
    found = summarize_log_records(events)
    before = len(problems)
    for triple in sorted(set(found) - wanted - skipped):
        problems.append(f"log record not in the baseline: {triple}")
    for triple in sorted(wanted - set(found) - skipped):
        problems.append(f"log record of the baseline missing: {triple}")
    for triple in sorted((set(found) & set(expected)) - skipped):
        for name in COMPARED_FIELDS:
            if found[triple][name] != expected[triple][name]:
                problems.append(
                    f"log record {triple}: {name} is {found[triple][name]}, "
                    f"in the baseline {expected[triple][name]}"
                )
    namespaces = len({triple[0] for triple in found})
    return [
        f"recorded log records: {len(events)} here, {baseline['records']} in the baseline "
        f"(txaio {baseline['versions']['txaio']}{', this run' if baseline_run else ''}); "
        f"distinct namespaces: {namespaces} here, {baseline['namespaces']} in the baseline; "
        f"distinct triples: {len(found)} here, {len(expected)} in the baseline "
        f"({len(skipped)} timing-dependent left out, "
        f"{0 if baseline_run else len(fixed_here)} made by a fix of this txaio); "
        f"differences: {len(problems) - before}"
    ]


def wait_for_boot(process: subprocess.Popen[bytes], stdout_path: Path) -> float:
    """Wait until the node says its boot is complete (or exits); return the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < BOOT_TIMEOUT_SECONDS:
        if process.poll() is not None:
            break
        if BOOT_COMPLETE in stdout_path.read_text(errors="replace"):
            break
        time.sleep(0.2)
    return time.monotonic() - start


def http_get(port: int) -> str:
    """GET / from a Web transport; return the status, or the error."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return str(response.status)
    except OSError as error:
        return f"error: {error}"


def wamp_client(url: str) -> int:
    """Join realm1 at ``url``; register, call, subscribe, publish; print the result; 0 if right.

    Twisted over WebSocket ("ws://..."), asyncio over RawSocket ("rs://..."): the client side of
    Autobahn on this txaio, against the router on this txaio.
    """
    from autobahn.wamp.types import PublishOptions

    import txaio

    if url.startswith("rs://"):
        from autobahn.asyncio.wamp import ApplicationRunner, ApplicationSession
    else:
        from autobahn.twisted.wamp import ApplicationRunner, ApplicationSession

    results: dict[str, object] = {}

    class SmokeSession(ApplicationSession):
        async def onJoin(self, details: object) -> None:
            try:
                await self.register(lambda a, b: a + b, "smoke.add2")
                results["call"] = await self.call("smoke.add2", 2, 3)
                received = txaio.create_future()
                await self.subscribe(lambda text: txaio.resolve(received, text), "smoke.topic")
                await self.publish(
                    "smoke.topic",
                    "hello",
                    options=PublishOptions(acknowledge=True, exclude_me=False),
                )
                results["event"] = await received
            except Exception as error:
                results["error"] = f"{type(error).__name__}: {error}"
            finally:
                self.leave()

        def onDisconnect(self) -> None:
            if url.startswith("rs://"):
                import asyncio

                asyncio.get_event_loop().stop()
            else:
                from twisted.internet import reactor as installed

                reactor: Any = installed  # the module stands for the reactor
                if reactor.running:
                    reactor.stop()

    ApplicationRunner(url, "realm1").run(SmokeSession)
    ok = results.get("call") == 5 and results.get("event") == "hello"
    print(f"wamp client {url}: {results} {'OK' if ok else 'WRONG'}")
    return 0 if ok else 1


def run_wamp_clients(ports: dict[str, int], problems: list[str]) -> list[str]:
    """Run a WAMP client on each transport in a subprocess; return their result lines."""
    urls = []
    if "web" in ports:
        urls.append(f"ws://127.0.0.1:{ports['web']}/ws")
    if "rawsocket" in ports:
        urls.append(f"rs://127.0.0.1:{ports['rawsocket']}")
    printed = []
    for url in urls:
        try:
            client = subprocess.run(
                [sys.executable, os.path.abspath(__file__), "--client", url],
                capture_output=True,
                text=True,
                timeout=CLIENT_TIMEOUT_SECONDS,
                check=False,
            )
            output, code = client.stdout + client.stderr, client.returncode
        except subprocess.TimeoutExpired as expired:
            output, code = str(expired.stdout or "") + str(expired.stderr or ""), None
        verdicts = [line for line in output.splitlines() if "wamp client " in line]
        printed.append(verdicts[-1] if verdicts else f"wamp client {url}: no result line")
        if code != 0:
            tail = "\n    ".join(output.strip().splitlines()[-8:])
            problems.append(f"WAMP client {url} failed (exit {code}):\n    {tail}")
    return printed


def stop(process: subprocess.Popen[bytes], problems: list[str]) -> int | None:
    """SIGINT the node and wait for it; kill its process group if it does not exit."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=EXIT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        problems.append(f"crossbar did not exit within {EXIT_TIMEOUT_SECONDS:.0f}s of SIGINT")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return None


def main() -> int:
    """Run the smoke test; print the findings; 0 when every check passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crossbar", help="path of the crossbar executable")
    parser.add_argument("--workdir", type=Path, help="an empty directory")
    parser.add_argument("--seconds", type=float, default=15.0, help="how long the node runs")
    parser.add_argument("--client", metavar="URL", help="only run the WAMP client against URL")
    parser.add_argument(
        "--log-baseline", type=Path, help="compare the node's log records with this baseline"
    )
    parser.add_argument(
        "--write-log-baseline", type=Path, help="write the node's log records as the baseline"
    )
    arguments = parser.parse_args()
    if arguments.client:
        return wamp_client(arguments.client)
    if not arguments.crossbar or not arguments.workdir:
        parser.error("--crossbar and --workdir are required")

    workdir: Path = arguments.workdir.resolve()
    crossbar = os.path.abspath(arguments.crossbar)
    cbdir = workdir / ".crossbar"
    init = subprocess.run(
        [crossbar, "init"], cwd=workdir, capture_output=True, text=True, check=False
    )
    (workdir / "init.log").write_text(init.stdout + init.stderr)
    if init.returncode != 0:
        print(f"crossbar smoke: `crossbar init` failed (exit {init.returncode}):")
        print(init.stdout + init.stderr)
        return 1
    config_path = cbdir / "config.json"
    ports = move_transports_to_free_ports(config_path)

    stdout_path, stderr_path = workdir / "stdout.log", workdir / "stderr.log"
    problems: list[str] = []
    environment, records_dir = recorder_environment(workdir)
    started = time.monotonic()
    with stdout_path.open("wb") as stdout_file, stderr_path.open("wb") as stderr_file:
        process = subprocess.Popen(
            [crossbar, "start", "--cbdir", str(cbdir), "--color", "false"],
            cwd=workdir,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=stdout_file,
            stderr=stderr_file,
            start_new_session=True,  # its own process group: killable as a whole if it hangs
        )
        boot_seconds = wait_for_boot(process, stdout_path)
        answers: dict[int, str] = {}
        client_output: list[str] = []
        if process.poll() is None:
            if "web" in ports:
                answers[ports["web"]] = http_get(ports["web"])
            client_output = run_wamp_clients(ports, problems)
        remaining = arguments.seconds - (time.monotonic() - started)
        if remaining > 0 and process.poll() is None:
            time.sleep(remaining)
        exited_early = process.poll() is not None
        exit_code = stop(process, problems)

    stdout = stdout_path.read_text(errors="replace")
    stderr = stderr_path.read_text(errors="replace")
    stdout_lines, stderr_lines = stdout.splitlines(), stderr.splitlines()

    if exited_early:
        problems.append(f"crossbar exited by itself before SIGINT (exit {exit_code})")
    elif exit_code not in (0, None):
        problems.append(f"crossbar exited with {exit_code} after SIGINT (expected 0)")
    for port, answer in answers.items():
        if answer != "200":
            problems.append(f"GET http://127.0.0.1:{port}/ -> {answer} (expected 200)")
    check_required_lines(stdout + stderr, list(ports.values()), problems)
    records = parse_records("stdout", stdout_lines, problems)
    records += parse_records("stderr", stderr_lines, problems)
    check_continuations(records, problems)
    check_duplicates(records, problems)
    check_markers("stdout", stdout_lines, problems)
    check_markers("stderr", stderr_lines, problems)
    events = read_log_records(records_dir, problems)
    comparison: list[str] = []
    if arguments.write_log_baseline:
        write_log_baseline(arguments.write_log_baseline, events)
        comparison = [
            f"recorded log records: {len(events)}, written to {arguments.write_log_baseline}"
        ]
    elif arguments.log_baseline:
        comparison = compare_log_records(arguments.log_baseline, events, problems)

    print(
        f"crossbar smoke: boot {boot_seconds:.1f}s, ports {ports}, "
        f"HTTP {answers or 'not tried'}, exit {exit_code}, "
        f"{len(stdout_lines)} stdout / {len(stderr_lines)} stderr lines, "
        f"{len(records)} printed log records"
    )
    for line in client_output + comparison:
        print(f"crossbar smoke: {line}")
    for problem in problems:
        print(f"crossbar smoke: FAIL {problem}")
    if problems:
        print(f"crossbar smoke: {len(problems)} problem(s)")
        return 1
    print("crossbar smoke: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
