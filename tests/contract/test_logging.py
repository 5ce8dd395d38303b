"""Loggers (ILogger): names, methods, levels, categories (docs/guide/logging.rst).

The other logging tests (``test_logging_output.py``, ``test_logging_interop.py``)
import ``clean_logging``, ``Captured``, ``error_of`` and ``TRACEBACK_HEADER`` from here.
"""

from __future__ import annotations

import gc
import importlib.util
import io
import re
import subprocess
import sys
import time
import traceback
import warnings
import weakref

import pytest

import txaio
from txaio import _logging
from txaio.testutil import use_framework

#: The timestamp start_logging puts in front of each line.
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} ")


def _traceback_header() -> str:
    """The line that opens a traceback, as this Python's ``traceback`` module writes it."""
    try:
        raise ValueError("for its traceback")
    except ValueError as exc:
        return traceback.format_exception(type(exc), exc, exc.__traceback__)[0].rstrip("\n")


#: "Traceback (most recent call last):" -- Python's text, so taken from Python, not pinned.
TRACEBACK_HEADER = _traceback_header()

#: Made at import time, at module level (and before any framework is selected).
MODULE_LOG = txaio.make_logger()


def error_of(function, *args):
    """``"ExceptionName: message"`` of what ``function(*args)`` raises on this Python.

    A test that expects an error message written by Python takes it from here, not from a
    literal: CPython rewords its messages between versions.
    """
    try:
        function(*args)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    raise AssertionError(f"{function.__name__}{args} did not raise")


class Captured(io.StringIO):
    """A text stream for ``start_logging(out=...)`` that hands back its lines."""

    def lines(self) -> list[str]:
        """Every output line, timestamps removed (traceback lines have none)."""
        return [TIMESTAMP.sub("", line) for line in self.getvalue().splitlines()]

    def messages(self) -> list[str]:
        """Only the lines that start with a timestamp, timestamps removed."""
        return [
            line[m.end() :] for line in self.getvalue().splitlines() if (m := TIMESTAMP.match(line))
        ]


def _twisted_state() -> tuple[list[object], object] | None:
    if importlib.util.find_spec("twisted") is None:
        return None
    from twisted.logger import globalLogBeginner, globalLogPublisher

    # Twisted offers no public way to undo beginLoggingTo: read its private state.
    return list(globalLogPublisher._observers), globalLogBeginner._temporaryObserver


def _restore_twisted_state(state: tuple[list[object], object] | None) -> None:
    if state is None:
        return
    from twisted.logger import globalLogBeginner, globalLogPublisher

    observers, temporary = state
    for observer in list(globalLogPublisher._observers):
        if observer not in observers:
            globalLogPublisher.removeObserver(observer)
    for observer in observers:
        globalLogPublisher.addObserver(observer)
    globalLogBeginner._temporaryObserver = temporary


@pytest.fixture(autouse=True)
def clean_logging():
    """Give each test txaio's logging as it found it.

    Restores the global level, the category table, the standard library's
    root logger (level and handlers), Twisted's global log observers and log
    beginner, ``sys.stdout``/``sys.stderr`` and ``warnings.showwarning``; stops
    any output start_logging began.
    """
    import logging

    root = logging.getLogger()
    root_level, root_handlers = root.level, list(root.handlers)
    level = txaio.get_global_log_level()
    categories = dict(_logging._categories)
    twisted_state = _twisted_state()
    showwarning = warnings.showwarning
    stdout, stderr = sys.stdout, sys.stderr  # Twisted's beginLoggingTo redirects them
    yield
    sys.stdout, sys.stderr = stdout, stderr
    _logging.stop_logging()
    txaio.set_global_log_level(level)
    _logging._categories.clear()
    _logging._categories.update(categories)
    root.setLevel(root_level)
    for handler in list(root.handlers):
        if handler not in root_handlers:
            root.removeHandler(handler)
    _restore_twisted_state(twisted_state)
    warnings.showwarning = showwarning


@pytest.fixture
def captured():
    return Captured()


# -- 1. names -------------------------------------------------------------------------


class Bunny:
    log = txaio.make_logger()

    def __init__(self):
        self.own_log = txaio.make_logger()

    def hop(self):
        def inner():
            return txaio.make_logger()

        return inner()

    def hop_with(me):  # a method whose first argument is not named self
        return txaio.make_logger()

    class Burrow:
        log = txaio.make_logger()


class WhiteBunny(Bunny):
    pass


def test_logger_made_in_a_class_body_is_named_module_dot_class():
    assert Bunny.log.namespace == f"{__name__}.Bunny"


def test_logger_made_in_a_method_is_named_after_the_instances_class():
    assert Bunny().own_log.namespace == f"{__name__}.Bunny"
    assert WhiteBunny().own_log.namespace == f"{__name__}.WhiteBunny"


def test_logger_made_in_a_nested_class_is_named_module_dot_inner_class():
    assert Bunny.Burrow.log.namespace == f"{__name__}.Burrow"


def test_logger_made_at_module_level_is_named_after_the_module():
    assert MODULE_LOG.namespace == __name__


def test_logger_made_in_a_function_is_named_module_dot_function():
    log = txaio.make_logger()
    assert (
        log.namespace == f"{__name__}.test_logger_made_in_a_function_is_named_module_dot_function"
    )


def test_logger_made_in_a_nested_function_is_named_after_the_function_alone():
    assert Bunny().hop().namespace == f"{__name__}.inner"


def test_a_local_named_self_names_the_logger_after_its_class():
    self = WhiteBunny()  # noqa: F841  (read by make_logger from this frame)
    assert txaio.make_logger().namespace == f"{__name__}.WhiteBunny"


def test_a_method_without_a_self_argument_is_named_module_dot_function():
    assert WhiteBunny().hop_with().namespace == f"{__name__}.hop_with"


def test_the_class_an_object_claims_to_be_names_its_logger():
    from unittest import mock

    class Walker:
        def make(self):
            return txaio.make_logger()

    assert Walker.make(mock.Mock(spec=Bunny)).namespace == f"{__name__}.Bunny"


def test_a_class_attribute_that_raises_still_names_the_logger():
    class Shy:
        @property
        def __class__(self):
            raise RuntimeError("no class today")

        def make(self):
            return txaio.make_logger()

    assert Shy().make().namespace == f"{__name__}.Shy"


def test_namespace_argument_wins_in_a_method_too():
    class Named:
        def make(self):
            return txaio.make_logger(namespace="my.own")

    assert Named().make().namespace == "my.own"


def test_namespace_argument_overrides_the_name():
    assert txaio.make_logger(namespace="my.own").namespace == "my.own"


def test_make_logger_rejects_a_namespace_that_is_not_a_string():
    with pytest.raises(TypeError, match="namespace must be a str or None, got int"):
        txaio.make_logger(namespace=3)


def test_loggers_are_ilogger_instances():
    assert isinstance(txaio.make_logger(), txaio.ILogger)


def test_class_attribute_logger_logs_through_self(txaio_framework, captured):
    class Hopper:
        log = txaio.make_logger()

        def hop(self):
            self.log.info("hop from the class attribute")

    txaio.start_logging(out=captured)
    Hopper().hop()
    assert captured.messages() == ["hop from the class attribute"]


def test_instance_attribute_logger_logs_through_self(txaio_framework, captured):
    txaio.start_logging(out=captured)
    bunny = Bunny()
    bunny.own_log.info("hop from the instance attribute")
    assert captured.messages() == ["hop from the instance attribute"]


# -- 2. methods -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["critical", "error", "warn", "info", "debug", "trace"])
def test_each_level_method_formats_keyword_values(txaio_framework, captured, method):
    txaio.start_logging(out=captured, level="trace")
    getattr(txaio.make_logger(), method)("{who} hops {times} times", who="Jack", times=3)
    assert captured.messages() == ["Jack hops 3 times"]


def test_format_uses_attribute_and_index_access(txaio_framework, captured):
    class Details:
        reason = "wamp.close.normal"

    txaio.start_logging(out=captured)
    txaio.make_logger().info("{d.reason} {c[2]} {m[key]}", d=Details(), c=[0, 1, 2], m={"key": "v"})
    assert captured.messages() == ["wamp.close.normal 2 v"]


def test_log_level_and_log_time_are_added_to_the_values(txaio_framework, captured):
    txaio.start_logging(out=captured)
    before = time.time()
    txaio.make_logger().warn("{log_level} {log_time:.6f}")
    after = time.time()
    level, logged_at = captured.messages()[0].split()
    assert level == "warn"
    assert before - 1e-6 <= float(logged_at) <= after + 1e-6


def test_message_and_format_can_be_value_names(txaio_framework, captured):
    txaio.start_logging(out=captured)
    txaio.make_logger().info("{message} {format}", message="m", format="f")
    assert captured.messages() == ["m f"]


def test_a_plain_message_needs_no_values(txaio_framework, captured):
    txaio.start_logging(out=captured)
    txaio.make_logger().info("nothing to format")
    assert captured.messages() == ["nothing to format"]


def test_emit_logs_at_the_named_level(txaio_framework, captured):
    txaio.start_logging(out=captured)
    log = txaio.make_logger()
    log.emit("info", "emitted {n}", n=1)
    log.emit("debug", "not at info")
    assert captured.messages() == ["emitted 1"]


def test_emit_with_an_unknown_level_logs_as_error_naming_the_problem(txaio_framework, captured):
    txaio.start_logging(out=captured)
    txaio.make_logger().emit("loud", "still here")
    [line] = captured.messages()
    assert line.startswith("still here [txaio: unknown log level 'loud', logged as error")


def _raise_fox():
    raise RuntimeError("Fox spotted!")


def test_failure_logs_the_exception_being_handled_with_its_traceback(txaio_framework, captured):
    txaio.start_logging(out=captured)
    try:
        _raise_fox()
    except RuntimeError:
        txaio.make_logger().failure("Hop failed: {log_failure.value}")
    lines = captured.lines()
    assert lines[0] == "Hop failed: Fox spotted!"
    assert lines[1] == TRACEBACK_HEADER
    assert 'raise RuntimeError("Fox spotted!")' in "\n".join(lines)
    assert lines[-1] == "RuntimeError: Fox spotted!"


def test_failure_without_format_logs_the_failure_message(txaio_framework, captured):
    txaio.start_logging(out=captured)
    try:
        _raise_fox()
    except RuntimeError:
        txaio.make_logger().failure()
    assert captured.messages() == ["RuntimeError: Fox spotted!"]


def test_failure_logs_a_given_failure(txaio_framework, captured):
    txaio.start_logging(out=captured)
    try:
        _raise_fox()
    except RuntimeError:
        fail = txaio.create_failure()
    txaio.make_logger().failure("given: {log_failure.value}", failure=fail)
    assert captured.lines()[0] == "given: Fox spotted!"
    assert "_raise_fox" in captured.getvalue()


def test_failure_is_critical(txaio_framework, captured):
    txaio.start_logging(out=captured, level="critical")
    txaio.make_logger().failure("{log_level}", failure=RuntimeError("x"))
    assert captured.messages() == ["critical"]


def test_failure_outside_except_without_failure_names_the_problem(txaio_framework, captured):
    txaio.start_logging(out=captured)
    txaio.make_logger().failure("no exception")
    [line] = captured.messages()
    assert line == (
        "no exception [txaio: failure() was called outside an 'except' block and without a failure]"
    )


def test_set_log_level_changes_one_logger(txaio_framework, captured):
    txaio.start_logging(out=captured)
    chatty, quiet = txaio.make_logger(), txaio.make_logger()
    chatty.set_log_level("debug")
    chatty.debug("chatty debug")
    quiet.debug("quiet debug")
    assert captured.messages() == ["chatty debug"]


def test_set_log_level_keeps_the_level_when_the_global_level_changes(txaio_framework):
    log = txaio.make_logger()
    log.set_log_level("trace")
    txaio.set_global_log_level("error")
    assert log.log_level == "trace"


def test_set_log_level_without_keep_follows_the_next_global_change(txaio_framework):
    log = txaio.make_logger()
    log.set_log_level("trace", keep=False)
    assert log.log_level == "trace"
    txaio.set_global_log_level("error")
    assert log.log_level == "error"


def test_set_log_level_rejects_unknown_levels():
    with pytest.raises(RuntimeError, match="level must be one of none, critical, error"):
        txaio.make_logger().set_log_level("loud")


def test_make_logger_with_a_level_keeps_it():
    log = txaio.make_logger("debug")
    txaio.set_global_log_level("error")
    assert log.log_level == "debug"


# -- 3. levels ------------------------------------------------------------------------

METHODS = ["critical", "error", "warn", "info", "debug", "trace"]


def test_the_levels_are_none_critical_error_warn_info_debug_trace():
    assert txaio.log_levels == ["none", "critical", "error", "warn", "info", "debug", "trace"]


def test_the_default_global_level_is_info():
    assert txaio.get_global_log_level() == "info"


@pytest.mark.parametrize("level", txaio.log_levels)
def test_a_level_emits_itself_and_everything_more_severe(txaio_framework, captured, level):
    txaio.start_logging(out=captured, level=level)
    log = txaio.make_logger()
    for method in METHODS:
        getattr(log, method)(method)
    assert captured.messages() == METHODS[: txaio.log_levels.index(level)]


def test_warning_is_warn_under_the_standard_librarys_name(txaio_framework, captured):
    txaio.start_logging(out=captured, level="warn")
    log = txaio.make_logger()
    log.warning("{log_level}: {what}", what="ice")
    log.warn("{log_level}: {what}", what="ice")
    assert captured.messages() == ["warn: ice", "warn: ice"]


def test_warning_follows_a_change_of_level(txaio_framework, captured):
    txaio.start_logging(out=captured, level="info")
    log = txaio.make_logger()
    log.set_log_level("error")
    log.warning("hidden")
    log.set_log_level("warn")
    log.warning("shown")
    assert captured.messages() == ["shown"]


def test_trace_is_not_emitted_at_debug(txaio_framework, captured):
    txaio.start_logging(out=captured, level="debug")
    txaio.make_logger().trace("hidden")
    assert captured.messages() == []


def test_a_switched_off_level_never_formats_its_values(txaio_framework, captured):
    class Expensive:
        def __format__(self, spec):
            raise AssertionError("formatted although the level is off")

    txaio.start_logging(out=captured, level="info")
    txaio.make_logger().debug("{x}", x=Expensive())
    assert captured.getvalue() == ""


def test_switched_off_methods_of_every_logger_are_one_shared_no_op():
    # The design that makes a switched-off call cost one empty function call.
    first, second = txaio.make_logger(), txaio.make_logger()
    assert first.trace is second.trace is first.debug
    assert first.trace("anything", value=1) is None


def test_existing_loggers_follow_a_later_global_level(txaio_framework, captured):
    txaio.start_logging(out=captured, level="info")
    MODULE_LOG.debug("hidden")
    txaio.set_global_log_level("debug")
    MODULE_LOG.debug("shown")
    assert captured.messages() == ["shown"]


def test_new_loggers_take_the_global_level():
    txaio.set_global_log_level("trace")
    assert txaio.make_logger().log_level == "trace"


def test_set_global_log_level_is_read_by_get_global_log_level():
    txaio.set_global_log_level("warn")
    assert txaio.get_global_log_level() == "warn"


def test_set_global_log_level_rejects_unknown_levels_listing_the_valid_ones():
    with pytest.raises(
        RuntimeError, match="level must be one of none, critical, error, warn, info, debug, trace"
    ) as raised:
        txaio.set_global_log_level("verbose")
    assert isinstance(raised.value, ValueError)
    assert txaio.get_global_log_level() == "info"


def test_txaio_keeps_no_logger_alive():
    reference = weakref.ref(txaio.make_logger())
    gc.collect()
    assert reference() is None


def test_import_and_switched_off_calls_import_no_heavy_module():
    code = (
        "import sys, txaio\n"
        "class Library:\n"
        "    log = txaio.make_logger()\n"
        "Library.log.debug('switched off {x}', x=1)\n"
        "heavy = {'logging', 'string', 'datetime', 'typing', 'threading', 'weakref'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_output_module_is_imported_by_start_logging_only():
    # Loggers, log calls, failures and start_logging(None) write no output:
    # txaio._log_output (the stream, its lines, the root handler) stays unloaded.
    code = (
        "import io, sys, txaio\n"
        "log = txaio.make_logger()\n"
        "log.info('on {x}', x=1)\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    log.failure('failed')\n"
        "txaio.start_logging(out=None)\n"
        "print('txaio._log_output' in sys.modules)\n"
        "txaio.start_logging(out=io.StringIO())\n"
        "print('txaio._log_output' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"]


def test_functions_work_before_a_framework_is_selected(captured):
    with use_framework(None):
        txaio.start_logging(out=captured)
        txaio.make_logger().info("before selection")
    assert captured.messages() == ["before selection"]


@pytest.mark.parametrize("framework", ["asyncio", "twisted"])
def test_logger_made_before_selection_logs_through_the_selected_framework(framework, captured):
    with use_framework(None):
        log = txaio.make_logger()
        txaio.start_logging(out=captured)
        with use_framework(framework):
            seen = _events_seen_by(framework, lambda: log.info("after selection"))
    assert seen == ["after selection"]
    assert captured.messages() == ["after selection"]


def _events_seen_by(framework, logging_code):
    """The messages ``framework``'s own logging system saw while running ``logging_code``."""
    seen = []
    if framework == "twisted":
        from twisted.logger import formatEvent, globalLogPublisher

        def observer(event):
            seen.append(formatEvent(event))

        globalLogPublisher.addObserver(observer)
        try:
            logging_code()
        finally:
            globalLogPublisher.removeObserver(observer)
    else:
        import logging

        class Handler(logging.Handler):
            def emit(self, record):
                seen.append(record.getMessage())

        handler = Handler()
        logging.getLogger().addHandler(handler)
        try:
            logging_code()
        finally:
            logging.getLogger().removeHandler(handler)
    return seen


# -- 6. categories --------------------------------------------------------------------


def test_log_category_uses_the_category_format(txaio_framework, captured):
    txaio.add_log_categories({"TX100": "{name} joined realm {realm}"})
    txaio.start_logging(out=captured)
    txaio.make_logger().info(log_category="TX100", name="Jack", realm="r1")
    assert captured.messages() == ["Jack joined realm r1"]


def test_later_categories_override_earlier_ones(txaio_framework, captured):
    txaio.add_log_categories({"TX100": "old {n}", "TX101": "kept {n}"})
    txaio.add_log_categories({"TX100": "new {n}"})
    txaio.start_logging(out=captured)
    log = txaio.make_logger()
    log.info(log_category="TX100", n=1)
    log.info(log_category="TX101", n=2)
    assert captured.messages() == ["new 1", "kept 2"]


def test_category_format_wins_over_the_call_format(txaio_framework, captured):
    txaio.add_log_categories({"TX100": "from the category"})
    txaio.start_logging(out=captured)
    txaio.make_logger().info("from the call", log_category="TX100")
    assert captured.messages() == ["from the category"]


def test_unknown_category_uses_the_call_format(txaio_framework, captured):
    txaio.start_logging(out=captured)
    txaio.make_logger().info("fallback {n}", log_category="TX999", n=1)
    assert captured.messages() == ["fallback 1"]


def test_unknown_category_without_format_names_the_problem(txaio_framework, captured):
    txaio.start_logging(out=captured)
    txaio.make_logger().info(log_category="TX999")
    assert captured.messages() == ["[txaio: log_category 'TX999' has no format]"]


def test_log_category_is_one_of_the_values(txaio_framework, captured):
    txaio.add_log_categories({"TX100": "[{log_category}] hello"})
    txaio.start_logging(out=captured)
    txaio.make_logger().info(log_category="TX100")
    assert captured.messages() == ["[TX100] hello"]


def test_add_log_categories_rejects_a_non_mapping():
    with pytest.raises(TypeError, match="categories must be a mapping"):
        txaio.add_log_categories([("TX1", "x")])


def test_add_log_categories_rejects_non_string_formats():
    with pytest.raises(TypeError, match="categories must map category codes"):
        txaio.add_log_categories({"TX1": 42})
