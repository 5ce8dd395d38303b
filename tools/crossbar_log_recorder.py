"""Record the Twisted log events of a process: the Crossbar smoke run's log recorder.

tools/crossbar_smoke.py copies this file as ``sitecustomize.py`` into a directory that it puts
on the ``PYTHONPATH`` of ``crossbar start``, with ``TXAIO_SMOKE_LOG_DIR`` naming a directory.
Python imports it when each process of the node starts (Crossbar.io's workers inherit the
controller's environment and Python path), and it adds an observer to Twisted's global log
publisher that appends one JSON line per event to ``TXAIO_SMOKE_LOG_DIR/<pid>.jsonl``: the
fields that Crossbar.io prints or filters on, taken the same way whichever txaio made them.
Importing ``twisted.logger`` this early installs no reactor. Standard library and Twisted only;
it never raises into the logging code (a field it cannot describe is recorded as such).
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from twisted.logger import ILogObserver


def describe_type(value: object) -> str | None:
    """``module.Class`` of a value's type (``None`` for ``None``): comparable across runs."""
    if value is None:
        return None
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def describe(event: dict[str, Any]) -> dict[str, Any]:
    """The recorded fields of one event."""
    level = event.get("log_level")
    failure = event.get("log_failure")
    return {
        "namespace": event.get("log_namespace"),
        "level": getattr(level, "name", None if level is None else repr(level)),
        "format": event.get("log_format"),
        "log_system": event.get("log_system"),
        "log_source": describe_type(event.get("log_source")),
        "log_failure": None if failure is None else describe_type(getattr(failure, "value", None)),
        "txaio_trace": event.get("txaio_trace"),
        "cb_namespace": event.get("cb_namespace"),
        "keys": sorted(str(key) for key in event),
        "process": os.path.basename(sys.argv[0]) if sys.argv else "?",
    }


def install(directory: str) -> None:
    """Add the recording observer to Twisted's global log publisher."""
    from twisted.logger import globalLogPublisher

    stream = open(os.path.join(directory, f"{os.getpid()}.jsonl"), "a", encoding="utf-8")  # noqa: SIM115  (open for the process's life)

    def record(event: dict[str, Any]) -> None:
        try:
            line = json.dumps(describe(event), default=repr)
        except Exception as error:  # an observer that raises is removed by Twisted
            line = json.dumps({"recorder_error": repr(error)})
        stream.write(line + "\n")
        stream.flush()

    globalLogPublisher.addObserver(cast("ILogObserver", record))  # a function is an observer


if os.environ.get("TXAIO_SMOKE_LOG_DIR"):
    install(os.environ["TXAIO_SMOKE_LOG_DIR"])
