"""Logging behaviour that real users of the published txaio rely on (docs/compatibility.rst).

Each test's docstring names the project and the usage it keeps working.
"""

from __future__ import annotations

from unittest import mock

import pytest

import txaio
from contract.test_logging import (  # noqa: F401  (clean_logging is autouse)
    TIMESTAMP,
    TRACEBACK_HEADER,
    Captured,
    clean_logging,
)


def _native_level(framework: str, name: str) -> object:
    """The level object the framework logger under a txaio logger receives."""
    if framework == "twisted":
        from twisted.logger import LogLevel

        return LogLevel.debug if name == "trace" else LogLevel.levelWithName(name)
    return name


@pytest.fixture
def events():
    return []


# -- 1. the backend modules' logging names ------------------------------------------


@pytest.mark.txaio_frameworks("twisted")
def test_tx_module_offers_log_levels_make_logger_logger_and_loglevel(txaio_framework):
    """Crossbar.io: ``from txaio.tx import log_levels`` (crossbar/_logging.py) and
    ``from txaio.tx import Logger, LogLevel`` (crossbar/test/test_logger.py)."""
    from twisted.logger import LogLevel as TwistedLogLevel

    from txaio.tx import Logger, LogLevel, log_levels, make_logger

    assert log_levels == ["none", "critical", "error", "warn", "info", "debug", "trace"]
    assert LogLevel is TwistedLogLevel
    assert isinstance(make_logger(), Logger)


def test_aio_module_offers_log_levels_and_logger(txaio_framework):
    """Crossbar.io and Autobahn|Python import ``log_levels`` from the backend module."""
    from txaio.aio import Logger, log_levels, make_logger

    assert log_levels == txaio.interfaces.log_levels
    assert isinstance(make_logger(), Logger)


def test_make_logger_builds_the_framework_logger_from_the_given_class(txaio_framework):
    """Crossbar.io: ``make_logger("info", logger=Mock)`` then ``log._logger.emit``
    is asserted on (crossbar/test/test_logger.py)."""
    log = txaio.make_logger("trace", logger=mock.Mock)
    log.error("Foo happened!!!")
    log._logger.emit.assert_called_with(
        _native_level(txaio_framework.name, "error"), "Foo happened!!!"
    )
    log.warn("Stuff", foo="bar")
    log._logger.emit.assert_called_with(
        _native_level(txaio_framework.name, "warn"), "Stuff", foo="bar"
    )


def test_the_framework_logger_is_named_after_where_the_logger_is_made(txaio_framework):
    """Crossbar.io: ``lm.log._logger.namespace`` is ``module.Class`` (test_logger.py)."""
    log = txaio.make_logger("info", logger=mock.Mock)
    test_name = test_the_framework_logger_is_named_after_where_the_logger_is_made.__name__
    assert log._logger.namespace == f"{__name__}.{test_name}"


def test_failure_goes_through_the_framework_loggers_failure(txaio_framework):
    """Crossbar.io: ``log._logger.failure.call_count == 1`` after ``log.failure(...)``."""
    log = txaio.make_logger("info", logger=mock.Mock)
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        log.failure("Failure happened!")
    assert log._logger.failure.call_count == 1


def test_failure_does_nothing_at_level_none(txaio_framework):
    """Crossbar.io: a logger at ``"none"`` never calls ``_logger.failure``."""
    log = txaio.make_logger("none", logger=mock.Mock)
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        log.failure("Failure happened!")
    assert log._logger.failure.call_count == 0


def test_the_observer_receives_the_loggers_events(txaio_framework, events):
    """Crossbar.io: ``make_logger(observer=make_JSON_observer(stream))`` (test_logger.py)."""
    log = txaio.make_logger(observer=events.append)
    log.info("Hello")
    [event] = events
    assert event["log_format"] == "Hello"
    assert event["log_level"] == _native_level(txaio_framework.name, "info")


def test_an_event_has_only_the_frameworks_own_keys(txaio_framework, events):
    """Crossbar.io's JSON observer counts an event's keys: txaio adds none of its own."""
    txaio.make_logger(observer=events.append).info("Hello")
    assert sorted(events[0]) == [
        "log_format",
        "log_level",
        "log_logger",
        "log_namespace",
        "log_source",
        "log_time",
    ]


def test_an_observers_events_do_not_reach_the_global_destination(txaio_framework, events):
    """Crossbar.io: trial fails a test for a logged error that reached the global publisher."""
    captured = Captured()
    txaio.start_logging(out=captured)
    txaio.make_logger(observer=events.append).error("only for the observer")
    assert len(events) == 1
    assert captured.messages() == []


def test_logger_has_its_level_and_its_framework_logger(txaio_framework):
    """Crossbar.io reads ``log._log_level`` and ``log._logger`` (test_logger.py)."""
    log = txaio.make_logger("debug")
    assert log._log_level == "debug"
    assert log._logger.namespace == log.namespace


def test_make_logger_takes_log_level_as_another_name_for_level(txaio_framework, events):
    """Crossbar.io: ``make_logger(observer=log_list.append, log_level="debug")``
    (crossbar/worker/test/test_router.py)."""
    log = txaio.make_logger(observer=events.append, log_level="debug")
    log.debug("running as {who}", who="me")
    assert log._log_level == "debug"
    assert [event["log_format"] for event in events] == ["running as {who}"]


def test_constructing_a_logger_directly_raises_an_assertion_error(txaio_framework):
    """Crossbar.io: ``with self.assertRaises(AssertionError): Logger("warn")``."""
    from txaio._logging import Logger

    with pytest.raises(AssertionError, match=r"made by txaio\.make_logger"):
        Logger("warn")


# -- 2. trace --------------------------------------------------------------------------


def test_trace_events_say_txaio_trace(txaio_framework, events):
    """Crossbar.io's console observer hides events with ``txaio_trace`` unless tracing."""
    log = txaio.make_logger("trace", observer=events.append)
    log.trace("Stuff that's trace", foo="bar")
    log.debug("plain debug")
    assert events[0]["txaio_trace"] is True
    assert "txaio_trace" not in events[1]


def test_trace_is_twisteds_debug_level(txaio_framework):
    """Crossbar.io: ``emit.assert_called_with(LogLevel.debug, ..., txaio_trace=1)``."""
    log = txaio.make_logger("trace", logger=mock.Mock)
    log.trace("Stuff that's trace", foo="bar")
    log._logger.emit.assert_called_with(
        _native_level(txaio_framework.name, "trace"), "Stuff that's trace", foo="bar", txaio_trace=1
    )


def test_a_format_may_name_txaio_trace(txaio_framework):
    """Crossbar.io's MQTT tests read ``txaio_trace`` from events; a format may show it."""
    captured = Captured()
    txaio.start_logging(out=captured, level="trace")
    txaio.make_logger().trace("traced: {txaio_trace}")
    assert captured.messages() == ["traced: True"]


# -- 3. start_logging(None, level) -----------------------------------------------------


def test_start_logging_with_out_none_adds_no_output(txaio_framework, capsys, events):
    """Crossbar.io: the node installs its own observers, then ``start_logging(None, loglevel)``;
    each event must reach them once and nothing of txaio's own is printed."""
    txaio.start_logging(None, "debug")
    txaio.make_logger(observer=events.append).debug("once")
    txaio.make_logger().info("to the framework's destination only")
    assert txaio.get_global_log_level() == "debug"
    assert len(events) == 1
    assert capsys.readouterr().out == ""


def test_start_logging_without_out_writes_to_stdout(txaio_framework, capsys):
    """The original documentation: ``txaio.start_logging(level="debug")`` prints the log."""
    txaio.start_logging(level="info")
    txaio.make_logger().info("to standard output")
    assert capsys.readouterr().out.endswith(" to standard output\n")


def test_start_logging_at_level_none_prints_nothing(txaio_framework, capsys):
    """Autobahn|Python and Crossbar.io pass the user's level through, "none" included."""
    txaio.start_logging(level="none")
    log = txaio.make_logger()
    log.critical("hidden")
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        log.failure("hidden too")
    assert capsys.readouterr().out == ""


def test_print_after_start_logging_is_a_log_line_on_twisted(txaio_framework, capsys):
    """Crossbar.io: the node's ``print()`` after the banner is a tagged log line, and a
    worker's writes to ``sys.stderr`` reach the controller as log records (Twisted's
    ``beginLoggingTo`` redirects standard output and error, as the published txaio did).
    On asyncio ``print()`` stays plain output (docs/compatibility.rst)."""
    txaio.start_logging(level="info")
    print("plain print")
    out = capsys.readouterr().out
    if txaio_framework.name == "twisted":
        assert TIMESTAMP.match(out)
        assert out.endswith(" plain print\n")
    else:
        assert out == "plain print\n"


def test_start_logging_again_still_writes_to_the_real_stdout(txaio_framework, capsys):
    """Autobahn|Python may call ``start_logging`` more than once; after Twisted redirected
    ``sys.stdout``, the output still goes to the stream it replaced."""
    txaio.start_logging(level="info")
    txaio.start_logging(level="debug")
    txaio.make_logger().debug("after the second call")
    assert capsys.readouterr().out.endswith(" after the second call\n")


# -- 4. failure() in every form Crossbar.io uses ---------------------------------------


def test_failure_inside_except_logs_one_record_with_the_traceback(txaio_framework):
    """Crossbar.io: ``self.log.failure("...")`` inside ``except`` (most of its 132 calls)."""
    captured = Captured()
    txaio.start_logging(out=captured)
    try:
        raise KeyError("inside")
    except KeyError:
        txaio.make_logger().failure("Failed: {log_failure.value}")
    lines = captured.lines()
    assert lines[0] == "Failed: 'inside'"
    assert lines[1] == TRACEBACK_HEADER
    assert lines[-1] == "KeyError: 'inside'"


def test_failure_given_a_failure_outside_except(txaio_framework):
    """Crossbar.io: ``self.log.failure("...", failure=fail)`` in errbacks."""
    captured = Captured()
    txaio.start_logging(out=captured)
    try:
        raise KeyError("earlier")
    except KeyError:
        fail = txaio.create_failure()
    txaio.make_logger().failure("Errback: {msg}", failure=fail, msg="extra value")
    assert captured.messages() == ["Errback: extra value"]
    assert captured.lines()[-1] == "KeyError: 'earlier'"


def test_failure_given_a_plain_exception(txaio_framework):
    """Crossbar.io: ``self.log.failure(..., failure=Exception("..."))``."""
    captured = Captured()
    txaio.start_logging(out=captured)
    txaio.make_logger().failure("Gone: {log_failure.value}", failure=RuntimeError("why"))
    assert captured.messages() == ["Gone: why"]


def test_failure_given_as_log_failure(txaio_framework):
    """Crossbar.io: ``log_failure=`` passed as a keyword value."""
    captured = Captured()
    txaio.start_logging(out=captured)
    fail = txaio.create_failure(RuntimeError("as keyword"))
    txaio.make_logger().failure("Got {log_failure.value}", log_failure=fail)
    assert captured.messages() == ["Got as keyword"]


def test_failure_with_a_category_and_no_format(txaio_framework):
    """Crossbar.io: ``self.log.failure(log_category="AR501", ...)`` with no format."""
    captured = Captured()
    txaio.add_log_categories({"XX501": "category says {what}"})
    txaio.start_logging(out=captured)
    try:
        raise KeyError("k")
    except KeyError:
        txaio.make_logger().failure(log_category="XX501", what="this")
    assert captured.messages() == ["category says this"]


def test_failure_outside_except_without_a_failure_never_raises(txaio_framework):
    """Crossbar.io calls ``self.log.failure()`` in errbacks with no exception in flight."""
    captured = Captured()
    txaio.start_logging(out=captured)
    txaio.make_logger().failure()
    [line] = captured.messages()
    assert "failure() was called outside an 'except' block" in line


def test_failure_with_a_failure_as_its_format_never_raises(txaio_framework):
    """Crossbar.io: ``self.log.failure(err)`` passes the Failure as the format."""
    captured = Captured()
    txaio.start_logging(out=captured)
    fail = txaio.create_failure(RuntimeError("as format"))
    try:
        raise KeyError("k")
    except KeyError:
        txaio.make_logger().failure(fail)
    assert len(captured.messages()) == 1


# -- 5. log calls never raise -----------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"level": 1},
        {"format": "f"},
        {"namespace": "n"},
        {"log_level": "x"},
        {"log_time": 0},
        {"level": 1, "format": "f", "namespace": "n"},
    ],
    ids=["level", "format", "namespace", "log_level", "log_time", "all"],
)
def test_values_named_like_event_fields_never_raise(txaio_framework, capsys, values):
    """Crossbar.io's worker forwards events: ``emit(level, text, log_time=..., **event)``."""
    captured = Captured()
    txaio.start_logging(out=captured)
    txaio.make_logger().info("got values", **values)
    assert captured.messages() == ["got values"]
    assert capsys.readouterr().err == ""


def test_a_value_named_level_fills_its_field(txaio_framework):
    """Values named like Twisted's own parameters still format."""
    captured = Captured()
    txaio.start_logging(out=captured)
    txaio.make_logger().info("level {level}, format {format}", level=3, format="f")
    assert captured.messages() == ["level 3, format f"]


def test_positional_values_format_positionally(txaio_framework):
    """Crossbar.io: ``self.log.warn("{}: {}", a, b)`` (7 calls)."""
    captured = Captured()
    txaio.start_logging(out=captured)
    txaio.make_logger().info("Hello {}", "x")
    assert captured.messages() == ["Hello x"]


def test_a_positional_value_fills_a_named_field_no_keyword_fills(txaio_framework):
    """Crossbar.io's node: ``log.info("on_shutdown_success: was_clean={was_clean}", value)``."""
    captured = Captured()
    txaio.start_logging(out=captured)
    txaio.make_logger().info("was_clean={was_clean}, {other}", True, other="kw")
    assert captured.messages() == ["was_clean=True, kw"]


def test_positional_values_no_field_takes_are_appended(txaio_framework):
    """Nothing given to a log call is lost: ``log.info("no field", 1)`` shows the 1."""
    captured = Captured()
    txaio.start_logging(out=captured)
    txaio.make_logger().info("no field", 1, "two")
    assert captured.messages() == ["no field 1 two"]


def test_braces_without_values_are_printed_as_they_are(txaio_framework):
    """Crossbar.io logs texts that hold braces: ``log.info(str({'a': 1}))``."""
    captured = Captured()
    txaio.start_logging(out=captured)
    txaio.make_logger().info(str({"a": 1}))
    assert captured.messages() == ["{'a': 1}"]


def test_an_unknown_log_category_never_raises(txaio_framework, capsys):
    """Crossbar.io: ``self.log.trace(log_category=...)`` with no format (18 calls)."""
    captured = Captured()
    txaio.start_logging(out=captured)
    txaio.make_logger().info(log_category="NOPE1")
    [line] = captured.messages()
    assert "log_category 'NOPE1' has no format" in line
    assert capsys.readouterr().err == ""


def test_emit_with_a_level_name_and_extra_values(txaio_framework):
    """Crossbar.io's node: ``self._logger.emit(level, event_text, log_system=..., **event)``."""
    captured = Captured()
    txaio.start_logging(out=captured, level="debug")
    txaio.make_logger().emit("debug", "from a worker", log_system="Router 1", txaio_trace=False)
    assert captured.messages() == ["from a worker"]


def test_explicit_level_is_kept_and_the_others_follow_in_the_output(txaio_framework):
    """Crossbar.io: ``set_global_log_level`` changes loggers without a level of their own."""
    captured = Captured()
    txaio.start_logging(out=captured, level="info")
    own = txaio.make_logger("debug")
    follower = txaio.make_logger()
    txaio.set_global_log_level("warn")
    own.debug("own debug")
    follower.info("follower info")
    follower.warn("follower warn")
    assert own._log_level == "debug"
    assert follower._log_level == "warn"
    assert captured.messages() == ["own debug", "follower warn"]


def test_a_logger_made_before_selection_follows_the_selected_framework(txaio_framework, events):
    """Autobahn|Python and Crossbar.io make loggers in class bodies at import time."""
    from txaio.testutil import use_framework

    with use_framework(None):
        log = txaio.make_logger()
        assert type(log._logger).__name__ == "StdlibLogger"
    expected = "TwistedLogger" if txaio_framework.name == "twisted" else "StdlibLogger"
    assert type(log._logger).__name__ == expected
