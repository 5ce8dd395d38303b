"""start_logging, the global level and "a log call never raises" (docs/guide/logging.rst)."""

from __future__ import annotations

import io
import logging
import time

import pytest

import txaio

from .test_logging import Captured, clean_logging, error_of  # noqa: F401  (clean_logging is autouse)


@pytest.fixture
def captured():
    return Captured()


# -- 4. start_logging -----------------------------------------------------------------


def _freeze_time(monkeypatch, framework, moment):
    """Make every clock a log event reads say ``moment``."""
    monkeypatch.setattr(time, "time", lambda: moment)
    monkeypatch.setattr(time, "time_ns", lambda: int(moment * 1e9))  # stdlib logging on 3.13+
    if framework == "twisted":  # twisted.logger.Logger imported time() for itself
        import twisted.logger._logger

        monkeypatch.setattr(twisted.logger._logger, "time", lambda: moment)


def test_each_line_is_iso_local_time_with_offset_then_the_message(
    txaio_framework, captured, monkeypatch
):
    moment = 1453338123.25  # 2016-01-21T01:02:03Z
    _freeze_time(monkeypatch, txaio_framework.name, moment)
    txaio.start_logging(out=captured)
    txaio.make_logger().info("Hopping {times} times.", times=42)
    expected_time = time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(moment))
    assert captured.getvalue() == f"{expected_time} Hopping 42 times.\n"


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset (Unix)")
def test_the_time_is_local_with_its_offset(txaio_framework, captured, monkeypatch):
    moment = 1453338124.5  # 2016-01-21T01:02:04Z, when St. John's is at -03:30
    _freeze_time(monkeypatch, txaio_framework.name, moment)
    monkeypatch.setenv("TZ", "America/St_Johns")
    time.tzset()
    try:
        txaio.start_logging(out=captured)
        txaio.make_logger().info("in Newfoundland")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert captured.getvalue() == "2016-01-20T21:32:04-0330 in Newfoundland\n"


def test_start_logging_writes_to_a_binary_stream(txaio_framework):
    out = io.BytesIO()
    txaio.start_logging(out=out)
    txaio.make_logger().info("caf\u00e9 {n}", n=1)
    assert out.getvalue().endswith(" caf\u00e9 1\n".encode())


def test_start_logging_writes_to_an_unknown_binary_writer(txaio_framework):
    class BytesOnly:
        def __init__(self):
            self.chunks = []

        def write(self, data):
            if not isinstance(data, bytes):
                raise TypeError("bytes please")
            self.chunks.append(data)

    out = BytesOnly()
    txaio.start_logging(out=out)
    txaio.make_logger().info("first")
    txaio.make_logger().info("second")
    assert [chunk.split(b" ", 1)[1] for chunk in out.chunks] == [b"first\n", b"second\n"]


def test_start_logging_defaults_to_standard_output(txaio_framework, capsys):
    txaio.start_logging()
    txaio.make_logger().info("to stdout")
    assert capsys.readouterr().out.endswith(" to stdout\n")


def test_start_logging_twice_is_harmless_and_the_last_output_wins(txaio_framework):
    first, second = Captured(), Captured()
    txaio.start_logging(out=first)
    txaio.start_logging(out=second, level="debug")
    txaio.make_logger().debug("once")
    logging.getLogger("plain.stdlib").warning("stdlib once")
    assert first.getvalue() == ""
    assert second.messages() == ["once", "stdlib once"]


@pytest.mark.txaio_frameworks("twisted")
def test_start_logging_twice_on_twisted_adds_no_twisted_warning(txaio_framework):
    first, second = Captured(), Captured()
    txaio.start_logging(out=first)
    txaio.start_logging(out=second)
    txaio.start_logging(out=second)
    assert first.getvalue() == second.getvalue() == ""


def test_start_logging_rejects_an_unknown_level_listing_the_valid_ones(txaio_framework):
    with pytest.raises(RuntimeError) as raised:
        txaio.start_logging(out=Captured(), level="loud")
    assert str(raised.value) == (
        "Invalid log level 'loud': level must be one of none, critical, error, warn, info, "
        "debug, trace"
    )


def test_start_logging_rejects_an_out_without_write(txaio_framework):
    with pytest.raises(TypeError, match="out must be a writable text or binary stream"):
        txaio.start_logging(out="stdout.txt")


def test_start_logging_sets_the_global_level(txaio_framework, captured):
    txaio.start_logging(out=captured, level="warn")
    assert txaio.get_global_log_level() == "warn"


def test_failure_traceback_is_the_same_text_on_every_framework(txaio_framework, captured):
    txaio.start_logging(out=captured)
    try:
        raise ValueError("boom")
    except ValueError:
        fail = txaio.create_failure()
        txaio.make_logger().failure("failed")
    logged = captured.getvalue().split("\n", 1)[1]
    assert logged == txaio.failure_format_traceback(fail)


# -- 5. the global level decides what reaches the output ------------------------------------


def test_raising_the_global_level_at_run_time_shows_debug_lines(txaio_framework, captured):
    txaio.start_logging(out=captured, level="info")
    log = txaio.make_logger()
    log.debug("hidden")
    txaio.set_global_log_level("debug")
    log.debug("shown")
    assert captured.messages() == ["shown"]


def test_lowering_the_global_level_at_run_time_hides_info_lines(txaio_framework, captured):
    txaio.start_logging(out=captured, level="info")
    log = txaio.make_logger()
    txaio.set_global_log_level("error")
    log.info("hidden")
    log.error("shown")
    assert captured.messages() == ["shown"]


def test_global_level_applies_to_standard_library_records(txaio_framework, captured):
    txaio.start_logging(out=captured, level="info")
    plain = logging.getLogger("plain.stdlib")
    plain.debug("hidden")
    txaio.set_global_log_level("debug")
    plain.debug("shown %s", "now")
    assert captured.messages() == ["shown now"]


def test_global_level_none_silences_the_output(txaio_framework, captured):
    txaio.start_logging(out=captured, level="none")
    txaio.make_logger().critical("hidden")
    logging.getLogger("plain.stdlib").critical("hidden too")
    assert captured.getvalue() == ""


@pytest.mark.txaio_frameworks("twisted")
def test_global_level_applies_to_twisted_events(txaio_framework, captured):
    from twisted.logger import Logger

    txaio.start_logging(out=captured, level="info")
    twisted_log = Logger(namespace="plain.twisted")
    twisted_log.debug("hidden")
    txaio.set_global_log_level("debug")
    twisted_log.debug("shown {what}", what="now")
    assert captured.messages() == ["shown now"]


# -- 8. a log call never raises -------------------------------------------------------


class BrokenFormat:
    def __format__(self, spec):
        raise RuntimeError("no format")


class BrokenStr:
    def __str__(self):
        raise RuntimeError("no str")


@pytest.mark.parametrize(
    ("format", "values", "error"),
    [
        ("Hello {who}", {"whom": 1}, "KeyError: 'who'"),
        ("{n:zz}", {"n": 1}, error_of(format, 1, "zz")),
        ("{x}", {"x": BrokenFormat()}, "RuntimeError: no format"),
        ("{x}", {"x": BrokenStr()}, "RuntimeError: no str"),
        ("{x.missing}", {"x": 1}, error_of(getattr, 1, "missing")),
        ("{xs[5]}", {"xs": []}, error_of(list.__getitem__, [], 5)),
        ("an f-string gave a stray { brace", {"x": 1}, "ValueError"),
        ("positional {}", {"x": 1}, error_of(str.format_map, "positional {}", {"x": 1})),
    ],
    ids=[
        "missing-key",
        "bad-spec",
        "broken-format",
        "broken-str",
        "missing-attr",
        "bad-index",
        "stray-brace",
        "positional",
    ],
)
def test_unformattable_message_keeps_the_format_and_names_the_error(
    txaio_framework, captured, format, values, error
):
    txaio.start_logging(out=captured)
    txaio.make_logger().info(format, **values)
    [line] = captured.messages()
    assert line.startswith(f"{format} [txaio: could not format the message: {error}")


@pytest.mark.parametrize(
    "text",
    ["{'a': 1}", "Hello {who}", "a stray { brace", "positional {}", "set() == {}"],
)
def test_braces_in_a_message_without_values_are_text(txaio_framework, captured, text):
    txaio.start_logging(out=captured)
    txaio.make_logger().info(text)
    assert captured.messages() == [text]


def test_a_message_without_values_may_still_name_the_event_keys(txaio_framework, captured):
    txaio.start_logging(out=captured)
    txaio.make_logger().warn("level {log_level}, {{escaped}}")
    assert captured.messages() == ["level warn, {escaped}"]


def test_positional_values_fill_positional_fields(txaio_framework, captured):
    txaio.start_logging(out=captured)
    txaio.make_logger().info("Hello {} and {name}, {}", "x", 2, name="y")
    assert captured.messages() == ["Hello x and y, 2"]


def test_positional_values_that_do_not_fit_are_shown_with_the_error(txaio_framework, captured):
    txaio.start_logging(out=captured)
    txaio.make_logger().info("Hello {} {}", "x")
    [line] = captured.messages()
    assert line.startswith("Hello {} {} 'x' [txaio: could not format the message: IndexError")


def test_a_format_that_is_not_a_string_is_logged_as_its_text(txaio_framework, captured):
    txaio.start_logging(out=captured)
    txaio.make_logger().error(ValueError("not a format"))
    assert captured.messages() == ["not a format"]


def test_an_unformattable_message_with_a_failure_keeps_the_traceback(txaio_framework, captured):
    txaio.start_logging(out=captured)
    try:
        raise KeyError("k")
    except KeyError:
        txaio.make_logger().failure("{missing}", present=1)
    lines = captured.lines()
    assert lines[0] == "{missing} [txaio: could not format the message: KeyError: 'missing']"
    assert lines[-1] == "KeyError: 'k'"


def test_a_closed_output_stream_sends_lines_to_stderr_and_reports_it_once(txaio_framework, capsys):
    out = io.StringIO()
    txaio.start_logging(out=out)
    out.close()
    log = txaio.make_logger()
    log.info("first line")
    log.info("second line")
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3
    assert err[0].startswith("txaio: could not write log output to <_io.StringIO")
    assert "(ValueError: I/O operation on closed file)" in err[0]
    assert err[1].endswith(" first line")
    assert err[2].endswith(" second line")


def test_a_failing_output_stream_never_raises_into_the_caller(txaio_framework, capsys):
    class Full:
        def write(self, text):
            raise OSError(28, "No space left on device")

    txaio.start_logging(out=Full())
    txaio.make_logger().critical("kept")
    err = capsys.readouterr().err
    assert "(OSError: [Errno 28] No space left on device)" in err
    assert err.endswith(" kept\n")


def test_an_output_stream_that_works_again_gets_the_later_lines(txaio_framework, capsys):
    class Flaky(io.StringIO):
        fail = True

        def write(self, text):
            if self.fail:
                raise OSError("not now")
            return super().write(text)

    out = Flaky()
    txaio.start_logging(out=out)
    log = txaio.make_logger()
    log.info("to stderr")
    out.fail = False
    log.info("to the stream")
    assert capsys.readouterr().err.endswith(" to stderr\n")
    assert out.getvalue().endswith(" to the stream\n")


def test_an_error_inside_a_sink_is_reported_not_raised(txaio_framework, capsys, monkeypatch):
    class Broken(txaio._logging.LogSink):
        logger_class = txaio._logging.StdlibLogger

        def emit(self, logger, level, format, values):
            raise RuntimeError("sink is down")

    monkeypatch.setattr(txaio._logging, "_sink", Broken())
    txaio.make_logger().error("lost? {n}", n=1)
    err = capsys.readouterr().err
    assert "RuntimeError: sink is down" in err
    assert "'lost? {n}'" in err
