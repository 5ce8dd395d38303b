"""Logging interoperability (docs/guide/logging.rst, "Starting logging yourself").

Both directions, on each framework: other code's log records appear in
txaio's output after ``start_logging``, and an application that sets up its
framework's logging itself receives txaio's messages, with the right names
and levels, without calling ``start_logging``.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest

import txaio

from .test_logging import (  # noqa: F401  (clean_logging is autouse)
    TRACEBACK_HEADER,
    Captured,
    clean_logging,
    error_of,
)


@pytest.fixture
def captured():
    return Captured()


def run_script(code: str) -> str:
    """Run ``code`` in a fresh interpreter (warnings are errors); its standard output."""
    process = subprocess.run(
        [sys.executable, "-W", "error", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    assert process.stderr == ""
    return process.stdout


# -- the standard library (asyncio, and before selection) -----------------------------------


def test_plain_stdlib_records_appear_in_the_output(txaio_framework, captured):
    txaio.start_logging(out=captured, level="debug")
    roy = logging.getLogger("roy")
    roy.info("Python stdlib message: %s", "txaio was here")
    roy.debug("and at debug")
    assert captured.messages() == ["Python stdlib message: txaio was here", "and at debug"]


def test_stdlib_record_with_exc_info_shows_its_traceback(txaio_framework, captured):
    txaio.start_logging(out=captured)
    try:
        raise LookupError("gone")
    except LookupError:
        logging.getLogger("roy").exception("lookup failed")
    lines = captured.lines()
    assert lines[0] == "lookup failed"
    assert lines[1] == TRACEBACK_HEADER
    assert lines[-1] == "LookupError: gone"


@pytest.mark.parametrize("framework", ["asyncio", "twisted"])
def test_unformattable_stdlib_record_keeps_its_text_and_names_the_error(framework):
    # In a fresh interpreter: pytest's own log handler would raise on such a record.
    out = run_script(
        f"""
        import logging, sys
        import txaio
        txaio.use_{framework}()
        txaio.start_logging(out=sys.stdout)
        logging.getLogger("roy").info("%d apples", "three")
        """
    )
    # the record's own failure, on this Python (run_script runs the same one)
    error = error_of(logging.makeLogRecord({"msg": "%d apples", "args": ("three",)}).getMessage)
    assert out.split(" ", 1)[1] == f"%d apples [txaio: could not format the message: {error}]\n"


class Records(logging.Handler):
    """An application's own handler: it keeps the records it is given."""

    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def app_handler():
    """A handler the application installs on the root logger (no start_logging)."""
    handler = Records()
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(1)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


class Library:
    log = txaio.make_logger()

    def work(self):
        self.log.info("working on {item}", item="it")  # the caller's line for the test below


@pytest.mark.txaio_frameworks("asyncio")
def test_stdlib_handlers_receive_txaio_records_named_after_the_logger(txaio_framework, app_handler):
    Library().work()
    [record] = app_handler.records
    assert (record.name, record.levelname, record.getMessage()) == (
        f"{__name__}.Library",
        "INFO",
        "working on it",
    )


@pytest.mark.txaio_frameworks("asyncio")
def test_stdlib_records_have_the_level_of_the_txaio_method(txaio_framework, app_handler):
    txaio.set_global_log_level("trace")
    log = txaio.make_logger()
    for method in ["critical", "error", "warn", "info", "debug", "trace"]:
        getattr(log, method)(method)
    assert [(r.getMessage(), r.levelno, r.levelname) for r in app_handler.records] == [
        ("critical", logging.CRITICAL, "CRITICAL"),
        ("error", logging.ERROR, "ERROR"),
        ("warn", logging.WARNING, "WARNING"),
        ("info", logging.INFO, "INFO"),
        ("debug", logging.DEBUG, "DEBUG"),
        ("trace", 5, "TRACE"),
    ]


@pytest.mark.txaio_frameworks("asyncio")
def test_stdlib_records_point_at_the_txaio_caller(txaio_framework, app_handler):
    Library().work()
    [record] = app_handler.records
    source_line = Library.work.__code__.co_firstlineno + 1
    assert (record.pathname, record.lineno, record.funcName) == (__file__, source_line, "work")


@pytest.mark.txaio_frameworks("asyncio")
def test_stdlib_records_carry_the_txaio_values(txaio_framework, app_handler):
    txaio.make_logger().info("{a}", a=1, extra_value="kept")
    [record] = app_handler.records
    assert record.txaio_event["extra_value"] == "kept"
    assert record.txaio_event["log_level"] == "info"


@pytest.mark.txaio_frameworks("asyncio")
def test_stdlib_records_of_a_failure_carry_exc_info(txaio_framework, app_handler):
    try:
        raise KeyError("k")
    except KeyError as exc:
        raised = exc
        txaio.make_logger().failure("failed")
    [record] = app_handler.records
    assert record.exc_info[1] is raised
    assert record.levelname == "CRITICAL"


@pytest.mark.txaio_frameworks("asyncio")
def test_stdlib_logger_levels_filter_txaio_records(txaio_framework, app_handler):
    log = txaio.make_logger(namespace="quiet.library")
    logging.getLogger("quiet.library").setLevel(logging.ERROR)
    try:
        log.info("filtered by the application")
        log.error("let through")
    finally:
        logging.getLogger("quiet.library").setLevel(logging.NOTSET)
    assert [r.getMessage() for r in app_handler.records] == ["let through"]


@pytest.mark.txaio_frameworks("asyncio")
def test_stdlib_handlers_get_a_formatted_message_even_if_formatting_failed(
    txaio_framework, app_handler
):
    txaio.make_logger().warn("{nope}", yes=1)
    [record] = app_handler.records
    assert record.getMessage() == "{nope} [txaio: could not format the message: KeyError: 'nope']"


def test_application_configured_with_dictconfig_receives_txaio_messages():
    out = run_script(
        """
        import logging.config, sys
        import txaio
        txaio.use_asyncio()

        class Session:
            log = txaio.make_logger()

        logging.config.dictConfig({
            "version": 1,
            "formatters": {"plain": {"format": "%(name)s %(levelname)s %(message)s"}},
            "handlers": {"out": {"class": "logging.StreamHandler", "formatter": "plain",
                                 "stream": "ext://sys.stdout"}},
            "root": {"level": "DEBUG", "handlers": ["out"]},
        })
        txaio.set_global_log_level("debug")
        Session.log.info("joined {realm}", realm="realm1")
        Session.log.debug("details")
        Session.log.trace("not at debug")
        """
    )
    assert out == "__main__.Session INFO joined realm1\n__main__.Session DEBUG details\n"


# -- Twisted: twisted.logger and legacy twisted.python.log --------------------------------


@pytest.mark.txaio_frameworks("twisted")
def test_twisted_logger_events_appear_in_the_output(txaio_framework, captured):
    from twisted.logger import Logger

    txaio.start_logging(out=captured)
    Logger(namespace="existing").info("Twisted says {what}", what="hello")
    assert captured.messages() == ["Twisted says hello"]


@pytest.mark.txaio_frameworks("twisted")
def test_legacy_twisted_log_messages_appear_in_the_output(txaio_framework, captured):
    from twisted.python import log

    txaio.start_logging(out=captured)
    log.msg("A legacy Twisted logger message")
    assert captured.messages() == ["A legacy Twisted logger message"]


def _twisted_traceback_header() -> str:
    """The line that opens a traceback, as Twisted's ``Failure.getTraceback`` writes it."""
    from twisted.python.failure import Failure

    try:
        raise ValueError("for its traceback")
    except ValueError:
        return Failure().getTraceback().splitlines()[0]


@pytest.mark.txaio_frameworks("twisted")
def test_legacy_twisted_log_errors_appear_with_their_traceback(txaio_framework, captured):
    from twisted.python import log

    txaio.start_logging(out=captured)
    try:
        raise ZeroDivisionError("legacy")
    except ZeroDivisionError:
        log.err(None, "legacy error")
    lines = captured.lines()
    assert lines[0] == "legacy error"
    assert lines[1] == _twisted_traceback_header()
    assert lines[-1] == "ZeroDivisionError: legacy"


@pytest.fixture
def twisted_events():
    """Events of an observer the application adds to Twisted's global publisher."""
    from twisted.logger import globalLogPublisher

    events = []
    globalLogPublisher.addObserver(events.append)
    yield events
    globalLogPublisher.removeObserver(events.append)


@pytest.mark.txaio_frameworks("twisted")
def test_twisted_observers_receive_txaio_events_with_namespace_and_level(
    txaio_framework, twisted_events
):
    from twisted.logger import LogLevel, formatEvent

    Library().work()
    [event] = twisted_events
    assert (event["log_namespace"], event["log_level"], formatEvent(event)) == (
        f"{__name__}.Library",
        LogLevel.info,
        "working on it",
    )
    assert event["item"] == "it"


@pytest.mark.txaio_frameworks("twisted")
def test_twisted_events_have_the_level_of_the_txaio_method(txaio_framework, twisted_events):
    from twisted.logger import LogLevel

    txaio.set_global_log_level("trace")
    log = txaio.make_logger()
    for method in ["critical", "error", "warn", "info", "debug", "trace"]:
        getattr(log, method)(method)
    assert [(e["log_level"], e.get("txaio_trace", False)) for e in twisted_events] == [
        (LogLevel.critical, False),
        (LogLevel.error, False),
        (LogLevel.warn, False),
        (LogLevel.info, False),
        (LogLevel.debug, False),
        (LogLevel.debug, True),
    ]


@pytest.mark.txaio_frameworks("twisted")
def test_twisted_events_of_a_failure_carry_a_twisted_failure(txaio_framework, twisted_events):
    from twisted.python.failure import Failure

    try:
        raise KeyError("k")
    except KeyError as exc:
        raised = exc
        txaio.make_logger().failure("failed")
    [event] = twisted_events
    assert isinstance(event["log_failure"], Failure)
    assert event["log_failure"].value is raised


@pytest.mark.txaio_frameworks("twisted")
def test_only_failure_makes_an_error_event(txaio_framework, twisted_events):
    # trial fails a test on events carrying log_failure: a failure passed as a value is not one
    fail = txaio.create_failure(KeyError("k"))
    txaio.make_logger().error("Something went wrong: {failure.value!r}", failure=fail)
    [event] = twisted_events
    assert "log_failure" not in event
    assert event["failure"] is fail


@pytest.mark.txaio_frameworks("twisted")
def test_legacy_twisted_observers_receive_txaio_messages(txaio_framework):
    from twisted.python import log

    texts = []

    def legacy_observer(event):
        texts.append((log.textFromEventDict(event), bool(event["isError"])))

    log.addObserver(legacy_observer)
    try:
        txaio.make_logger().warn("warned {n} times", n=2)
        try:
            raise KeyError("k")
        except KeyError:
            txaio.make_logger().failure("failed")
    finally:
        log.removeObserver(legacy_observer)
    assert texts[0] == ("warned 2 times", False)
    assert texts[1][0].startswith(f"failed\n{_twisted_traceback_header()}\n")
    assert texts[1][1] is True


def test_twisted_application_that_began_logging_receives_txaio_messages():
    out = run_script(
        """
        import sys
        import txaio
        txaio.use_twisted()
        from twisted.logger import globalLogBeginner, textFileLogObserver
        from twisted.python import log

        class Session:
            log = txaio.make_logger()

        def observer(event):
            print(event["log_namespace"], event["log_level"].name, event["log_format"])

        globalLogBeginner.beginLoggingTo([observer], redirectStandardIO=False)
        Session.log.info("joined {realm}", realm="realm1")
        log.msg("legacy")
        # start_logging after the application began logging adds no Twisted warning
        txaio.start_logging(out=sys.stdout)
        Session.log.warn("still {n}", n=1)
        """
    )
    lines = out.splitlines()
    assert lines[:2] == ["__main__.Session info joined {realm}", "log_legacy info {log_text}"]
    assert lines[2] == "__main__.Session warn still {n}"
    assert lines[3].endswith(" still 1")
    assert len(lines) == 4
