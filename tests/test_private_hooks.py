"""Every private attribute or function of Python, asyncio, uvloop or Twisted that txaio touches.

Each is used because no public API does the job (or does it as cheaply); each
test below names where txaio uses it and checks that it is still there *and
still means what txaio takes it to mean*, so that a new Python or Twisted fails
here, loudly, instead of quietly turning "report the error" into "mark it
retrieved" (most uses fall back to something safe when the hook is missing).
They run on every Python of the matrix, 3.14 and 3.15 included (``make test-matrix``,
docs/backends.rst): the first tests to read when a new Python fails.
"""

from __future__ import annotations

import ast
import asyncio
import gc
import importlib
import importlib.util
import inspect
import os
import selectors
import sys
from pathlib import Path

import pytest

import txaio

needs_twisted = pytest.mark.skipif(
    importlib.util.find_spec("twisted") is None, reason="Twisted is not installed"
)
needs_uvloop = pytest.mark.skipif(
    importlib.util.find_spec("uvloop") is None, reason="uvloop is not installed"
)


# -- Python --------------------------------------------------------------------------------


def test_string_module_parses_format_strings_for_logging():
    """txaio._logging: ``_string.formatter_parser`` and ``formatter_field_name_split``
    (what ``string.Formatter`` uses, without importing ``string``) find the fields
    that positional log values fill."""
    import _string

    parsed = list(_string.formatter_parser("a {name.attr!r:>3} b {} c"))
    assert [field for _, field, _, _ in parsed] == ["name.attr", "", None]
    assert _string.formatter_field_name_split("name.attr")[0] == "name"


def test_weakref_module_ref_is_weakref_ref_for_the_logger_registry():
    """txaio._logging: loggers are kept as ``_weakref.ref`` (``import weakref`` is slower)."""
    import _weakref
    import weakref

    assert _weakref.ref is weakref.ref


def _caller_module_name():
    return sys._getframe(1).f_globals["__name__"]


def test_sys_getframe_finds_the_caller_that_names_a_logger():
    """txaio._logging: ``make_logger()`` names its logger after the calling module,
    found with ``sys._getframe(1)`` (``inspect.stack()`` is far slower)."""
    assert _caller_module_name() == __name__


# -- asyncio and uvloop ------------------------------------------------------------------


def test_asyncio_get_running_loop_returns_none_outside_a_loop():
    """txaio.aio: ``asyncio._get_running_loop`` finds the running loop without the
    exception ``get_running_loop()`` raises when there is none (the default case)."""
    assert asyncio._get_running_loop() is None
    loop = asyncio.new_event_loop()

    async def running():
        return asyncio._get_running_loop()

    try:
        assert loop.run_until_complete(running()) is loop
    finally:
        loop.close()


def _new_loops():
    loops = [("asyncio", asyncio.new_event_loop)]
    if importlib.util.find_spec("uvloop") is not None:
        import uvloop

        loops.append(("uvloop", uvloop.new_event_loop))
    return loops


@pytest.mark.parametrize(
    "make_loop", [make for _, make in _new_loops()], ids=[n for n, _ in _new_loops()]
)
@pytest.mark.parametrize("kind", ["future", "task"])
def test_future_exception_slot_holds_the_error_without_marking_it_retrieved(make_loop, kind):
    """txaio.aio ``_has_no_error``: reading ``Future._exception`` (Future and Task) tells
    whether a future failed, and the error is still reported when nobody handled it.
    Without the slot txaio would call ``exception()``, which silences the report."""
    loop = make_loop()
    reported = []
    loop.set_exception_handler(lambda loop, context: reported.append(context.get("exception")))
    error = RuntimeError("nobody handled me")

    async def fail():
        raise error

    try:
        if kind == "task":
            future = loop.create_task(fail())
            loop.run_until_complete(asyncio.sleep(0))
        else:
            future = loop.create_future()
            future.set_exception(error)
        assert future._exception is error
        del future
        gc.collect()
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        loop.close()
    assert reported == [error]


class _LoopThatRecordsCancels:
    def __init__(self):
        self.cancelled = []

    def get_debug(self):
        return False

    def _timer_handle_cancelled(self, handle):
        self.cancelled.append(handle)


def test_timer_handle_cancel_calls_the_loops_timer_handle_cancelled():
    """The test clocks (txaio._testing.virtual_time) make their timers with
    ``asyncio.TimerHandle(when, callback, args, loop, context)``; the uvloop one overrides
    ``_timer_handle_cancelled``, which ``cancel()`` calls (uvloop.Loop's own raises
    NotImplementedError): without it no timer of the asyncio-uvloop backend could be cancelled."""
    loop = _LoopThatRecordsCancels()
    handle = asyncio.TimerHandle(1.0, print, (), loop, None)
    handle.cancel()
    assert loop.cancelled == [handle]
    assert handle.cancelled()


def test_cancelling_a_timer_handle_the_loop_did_not_schedule_leaves_the_loop_alone():
    """The asyncio test clock keeps its timers out of asyncio's heap, and asyncio's own
    ``_timer_handle_cancelled`` counts only the timers it scheduled: cancelling one of the
    clock's timers must not make the loop clean a heap it is not in."""
    loop = asyncio.new_event_loop()
    try:
        handle = asyncio.TimerHandle(1.0, print, (), loop, None)
        handle.cancel()
        assert loop._timer_cancelled_count == 0
        assert handle.cancelled()
    finally:
        loop.close()


class _RecordingSelector(selectors.DefaultSelector):
    """Records each select() timeout; stops its loop once the loop is idle."""

    def __init__(self):
        super().__init__()
        self.timeouts = []
        self.loop = None

    def select(self, timeout=None):
        self.timeouts.append(timeout)
        if timeout != 0:
            self.loop.stop()
        return super().select(0)


def test_asyncio_selects_with_timeout_zero_while_work_is_ready_and_the_wait_when_idle():
    """The asyncio test clock (txaio._testing.virtual_clock) learns that the loop is idle from
    the timeout ``BaseEventLoop._run_once`` passes its selector: 0 while callbacks are ready,
    else the time to the next timer. If that changed, ``advance()`` would hang or stop early."""
    selector = _RecordingSelector()
    loop = asyncio.SelectorEventLoop(selector)
    selector.loop = loop
    try:
        loop.call_soon(len, "ready")
        loop.call_later(10, print)
        loop.run_forever()
    finally:
        loop.close()
    assert selector.timeouts[0] == 0
    assert 9 < selector.timeouts[-1] <= 10


# -- Twisted -------------------------------------------------------------------------------


@needs_twisted
def test_twisted_log_beginner_has_a_temporary_observer_until_logging_begins():
    """txaio.tx ``start_logging``: ``LogBeginner._temporaryObserver`` is not None until
    someone began logging; txaio begins it only then (beginLoggingTo is once per process)."""
    import io
    import warnings

    from twisted.logger import LogBeginner, LogPublisher

    beginner = LogBeginner(LogPublisher(), io.StringIO(), sys, warnings)
    assert beginner._temporaryObserver is not None
    beginner.beginLoggingTo([], redirectStandardIO=False)
    assert beginner._temporaryObserver is None


@needs_twisted
def test_twisted_reactor_started_before_tells_a_reactor_that_already_ran():
    """txaio.tx ``run``: ``ReactorBase._startedBefore`` turns a second ``txaio.run`` into a
    clear error (a reactor cannot be restarted) instead of Twisted's ReactorNotRestartable."""
    from twisted.internet.selectreactor import SelectReactor

    reactor = SelectReactor()
    assert reactor._startedBefore is False
    reactor.callWhenRunning(reactor.stop)
    reactor.run(installSignalHandlers=False)
    assert reactor._startedBefore is True


@needs_twisted
def test_twisted_reactor_waker_owns_a_pipe_that_connection_lost_closes():
    """The Twisted-on-asyncio test clock (txaio._testing.asyncio_reactor_clock) closes the
    reactor's ``waker`` (an undocumented attribute) with ``connectionLost``: otherwise each
    test of that backend would leak its two file descriptors."""
    from twisted.internet.asyncioreactor import AsyncioSelectorReactor

    loop = asyncio.new_event_loop()
    reactor = AsyncioSelectorReactor(loop)
    descriptor = reactor.waker.fileno()
    reactor.removeReader(reactor.waker)
    reactor.waker.connectionLost(None)
    loop.close()
    with pytest.raises(OSError):
        os.fstat(descriptor)


@needs_twisted
def test_twisted_asyncio_reactor_keeps_its_loop_in_asyncio_event_loop():
    """txaio.tx ``run`` on Twisted's asyncio reactor: ``_asyncioEventloop`` is the asyncio
    loop under the reactor, which txaio cleans up and closes as ``asyncio.run`` would, and
    on which ``to_asyncio`` and ``from_asyncio`` make their asyncio futures and tasks. A
    reactor that does not run on asyncio has no such attribute (the bridges refuse it)."""
    from twisted.internet.asyncioreactor import AsyncioSelectorReactor

    loop = asyncio.new_event_loop()
    reactor = AsyncioSelectorReactor(loop)
    try:
        assert reactor._asyncioEventloop is loop
        from twisted.internet.task import Clock

        assert not hasattr(Clock(), "_asyncioEventloop")
    finally:
        reactor.removeReader(reactor.waker)
        reactor.waker.connectionLost(None)
        loop.close()


@needs_twisted
def test_twisted_deferred_debug_info_fail_result_is_what_it_logs_as_unhandled():
    """txaio.tx ``cancel``: ``Deferred._debugInfo.failResult`` is the failure Twisted logs as
    "Unhandled error in Deferred" when the Deferred is collected; txaio clears it after
    ``txaio.cancel`` (a cancellation asked for is not an error), as Twisted does when a
    failure is handled. If it changed, cancelled futures would be reported again."""
    from twisted.internet.defer import Deferred
    from twisted.logger import globalLogPublisher

    logged = []

    def observer(event):
        if event.get("log_failure") is not None:
            logged.append(event["log_failure"])

    globalLogPublisher.addObserver(observer)
    try:
        kept, cleared = Deferred(), Deferred()
        kept.cancel()
        cleared.cancel()
        failure = kept.result
        assert kept._debugInfo.failResult is failure
        cleared._debugInfo.failResult = None
        del kept, cleared
        gc.collect()
    finally:
        globalLogPublisher.removeObserver(observer)
    assert logged == [failure]


# -- the list is complete ----------------------------------------------------------------

#: Every private name of Python, asyncio, uvloop or Twisted that txaio's source (runtime
#: and test tools) reads, calls or overrides, and the test that checks it.
#: The test clocks also rely on public but undocumented behaviour, checked above:
#: asyncio's select() timeouts, TimerHandle's constructor and cancel(), the reactor's waker.
KNOWN_HOOKS = {
    "_getframe": test_sys_getframe_finds_the_caller_that_names_a_logger,
    "_timer_handle_cancelled": test_timer_handle_cancel_calls_the_loops_timer_handle_cancelled,
    "_string": test_string_module_parses_format_strings_for_logging,
    "_weakref": test_weakref_module_ref_is_weakref_ref_for_the_logger_registry,
    "_get_running_loop": test_asyncio_get_running_loop_returns_none_outside_a_loop,
    "_exception": test_future_exception_slot_holds_the_error_without_marking_it_retrieved,
    "_temporaryObserver": test_twisted_log_beginner_has_a_temporary_observer_until_logging_begins,
    "_startedBefore": test_twisted_reactor_started_before_tells_a_reactor_that_already_ran,
    "_asyncioEventloop": test_twisted_asyncio_reactor_keeps_its_loop_in_asyncio_event_loop,
    "_debugInfo": test_twisted_deferred_debug_info_fail_result_is_what_it_logs_as_unhandled,
}

SOURCE = Path(txaio.__file__).parent


def _is_private(name):
    return name.startswith("_") and not name.endswith("__")


def _names_txaio_defines(trees):
    """Every name txaio's own source binds: functions, classes, arguments, attributes, slots."""
    defined = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.arg):
                defined.add(node.arg)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                defined.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                defined.add(node.attr)
            elif isinstance(node, ast.alias) and node.asname:
                defined.add(node.asname)
            elif isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "__slots__" for target in node.targets
            ):
                defined.update(
                    item.value for item in ast.walk(node.value) if isinstance(item, ast.Constant)
                )
    return defined


def _private_names_used(tree):
    """Private modules imported and private attributes read (also through getattr).

    Returns two sets: names surely of another project (a private module, an
    attribute of an imported module such as ``asyncio._get_running_loop``) and
    attribute names that are another project's unless txaio defines them too.
    """
    surely, maybe = set(), set()
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
            surely.update(alias.name for alias in node.names if _is_private(alias.name))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if _is_private(node.module.split(".")[0]) and node.module != "_typeshed":
                surely.add(node.module)
            if not node.module.startswith("txaio"):
                surely.update(alias.name for alias in node.names if _is_private(alias.name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            module_attribute = isinstance(node.value, ast.Name) and node.value.id in modules
            (surely if module_attribute else maybe).add(node.attr)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr", "setattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _is_private(node.args[1].value)
        ):
            maybe.add(node.args[1].value)
    return surely, maybe


def _overridden_private_methods():
    """Private methods of another project's class that a txaio class overrides."""
    overridden = set()
    for path in sorted(SOURCE.rglob("*.py")):
        name = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)
        name = name.removesuffix(".__init__")
        if name in {"txaio.with_asyncio", "txaio.with_twisted"}:
            continue  # importing them selects a framework; they define no class
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional package (uvloop) is missing
            continue
        for cls in vars(module).values():
            if not (isinstance(cls, type) and cls.__module__ == module.__name__):
                continue
            foreign = [base for base in cls.__mro__[1:] if not base.__module__.startswith("txaio")]
            for attribute, value in vars(cls).items():
                if not (inspect.isfunction(value) and _is_private(attribute)):
                    continue  # Python's own class attributes (_abc_impl ...) are no hooks
                if any(attribute in vars(base) for base in foreign):
                    overridden.add(attribute)
    return overridden


def test_every_private_name_of_another_project_that_txaio_uses_is_listed_and_tested():
    trees = [ast.parse(path.read_text()) for path in sorted(SOURCE.rglob("*.py"))]
    overridden = _overridden_private_methods()
    own = _names_txaio_defines(trees) - overridden
    used = set(overridden)
    for surely, maybe in map(_private_names_used, trees):
        used |= surely | (maybe - own)
    assert used == set(KNOWN_HOOKS), "add a test above for each new hook, and list it here"
