"""The argument checks of every public function: one wording per mistake.

Each check names the argument it checks and says what is allowed, so the
same mistake reads the same wherever it is made (``txaio.call_later``,
``txaio.sleep``, a batched timer, ``add_callbacks``, ``gather``...). Hot
paths keep a quick inline test and call the check only to raise its precise
error.

A leaf module: it imports nothing from txaio and nothing slow, so that
``import txaio`` stays cheap and any module can use it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # importing typing is slow (make bench times it); mypy reads True
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any

__all__ = [
    "FRAMEWORKS",
    "PLAIN_DELAY_TYPES",
    "CoroutineType",
    "NotAnError",
    "check_awaitable",
    "check_bucket_seconds",
    "check_callable",
    "check_callbacks",
    "check_canceller",
    "check_chunk_size",
    "check_coroutine_alone",
    "check_delay",
    "check_framework",
    "check_fresh_coroutine",
    "check_periodic_arguments",
    "check_timer_arguments",
    "enumerate_futures",
    "no_callbacks",
    "not_a_future_item",
    "not_a_loop",
    "not_an_error",
    "not_an_exception",
    "result_and_error",
]

_INFINITY = float("inf")  # not math.inf: importing math would slow `import txaio` (make bench)

#: Delays of these types are checked inline on the timer hot paths (``call_later``):
#: ``type(delay) in PLAIN_DELAY_TYPES and 0 <= delay < _INFINITY``. Any other
#: delay goes through :func:`check_timer_arguments`, which accepts every number.
PLAIN_DELAY_TYPES = (float, int)  # a tuple: `in` on two types is quickest


async def _coroutine() -> None:
    """Never awaited: its coroutine's type is ``types.CoroutineType`` without importing types."""


_probe = _coroutine()
CoroutineType = type(_probe)
_probe.close()
del _probe


def _in_range(value: Any, argument: str, zero_allowed: bool) -> bool:
    """Whether ``value`` is in [0, inf) (or (0, inf)); ``TypeError`` naming ``argument`` if it
    is not a number of seconds.

    Anything that compares with numbers is accepted (int, float, Fraction,
    numpy floats); a bool is not: ``True`` as a duration is always a bug.
    """
    try:
        valid = (value >= 0 if zero_allowed else value > 0) and value < _INFINITY
    except TypeError:
        valid = None
    if valid is None or value is True or value is False:
        raise TypeError(
            f"{argument} must be a number of seconds (int or float), got {type(value).__name__}"
        )
    return bool(valid)


def check_delay(delay: float, argument: str = "delay") -> float:
    """Return ``delay`` if it is a finite number of seconds >= 0; else raise naming ``argument``."""
    if not _in_range(delay, argument, zero_allowed=True):
        raise ValueError(f"{argument} must be a finite number of seconds >= 0, got {delay!r}")
    return delay


def check_timer_arguments(delay: float, fn: object) -> None:
    """Raise what ``call_later(delay, fn)`` raises for a bad ``delay`` or ``fn``; else nothing."""
    check_delay(delay)
    check_callable(fn, "fn")


def check_periodic_arguments(interval: float, fn: object) -> None:
    """Raise what ``call_periodic(interval, fn)`` raises for a bad ``interval`` or ``fn``.

    The wording of :func:`check_timer_arguments`; an interval must be > 0 (a
    zero interval would tick forever without letting time pass).
    """
    check_bucket_seconds(interval, "interval")
    check_callable(fn, "fn")


def check_bucket_seconds(bucket_seconds: float, argument: str = "bucket_seconds") -> float:
    """Return ``bucket_seconds`` if it is a finite number of seconds > 0; else raise."""
    if not _in_range(bucket_seconds, argument, zero_allowed=False):
        raise ValueError(
            f"{argument} must be a finite number of seconds > 0, got {bucket_seconds!r}"
        )
    return bucket_seconds


def check_chunk_size(chunk_size: int, argument: str = "chunk_size") -> int:
    """Return ``chunk_size`` if it is an int >= 1 (not a bool); else raise naming ``argument``."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int):
        raise TypeError(f"{argument} must be an int >= 1, got {type(chunk_size).__name__}")
    if chunk_size < 1:
        raise ValueError(f"{argument} must be an int >= 1, got {chunk_size!r}")
    return chunk_size


#: The frameworks txaio runs on, by the name ``txaio.run(framework=...)`` takes.
FRAMEWORKS = ("asyncio", "twisted")


def check_framework(framework: object) -> str:
    """Return ``framework`` if it is one of :data:`FRAMEWORKS`; else raise."""
    if not isinstance(framework, str):
        raise TypeError(
            f"framework must be a string, one of {sorted(FRAMEWORKS)}, "
            f"got {type(framework).__name__}"
        )
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {sorted(FRAMEWORKS)}, got {framework!r}")
    return framework


def check_callable(fn: object, argument: str) -> None:
    """Raise ``TypeError`` naming ``argument`` unless ``fn`` is callable."""
    if not callable(fn):
        raise TypeError(f"{argument} must be callable, got {type(fn).__name__}")


def check_callbacks(callback: object, errback: object) -> None:
    """Raise ``TypeError`` unless ``callback`` and ``errback`` are each callable or None."""
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {type(callback).__name__}")
    if errback is not None and not callable(errback):
        raise TypeError(f"errback must be callable or None, got {type(errback).__name__}")


def check_fresh_coroutine(coro: Any, argument: str) -> None:
    """Raise ``RuntimeError`` naming ``argument`` if coroutine ``coro`` has already started.

    txaio runs a coroutine it is given as the framework's task; one that
    already runs (given to txaio before, or awaited) or has finished cannot
    run again, and a second task driving it would break the first.
    """
    if coro.cr_frame is None:
        state = "has already finished"
    elif coro.cr_running or coro.cr_await is not None:
        state = "has already started"
    else:
        return
    raise RuntimeError(
        f"{argument} is a coroutine that {state}; txaio runs a coroutine once, as a task: "
        "use the future txaio returned for it"
    )


def check_coroutine_alone(fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Raise unless ``fn``, which is not callable, is a fresh coroutine given alone to
    ``as_future``; a coroutine refused for its arguments is closed."""
    if type(fn) is not CoroutineType:
        check_callable(fn, "fn")
    if args or kwargs:
        fn.close()  # refused, it never runs: no "never awaited" warning on top of the error
        raise TypeError("as_future(coroutine) takes no other arguments: pass them to the async def")
    check_fresh_coroutine(fn, "fn")


def check_awaitable(obj: object, argument: str) -> None:
    """Raise ``TypeError`` naming ``argument`` unless ``obj`` can be awaited."""
    if not hasattr(obj, "__await__"):  # asyncio's Future and Task have it, as coroutines do
        raise TypeError(
            f"{argument} must be an asyncio future or task, a coroutine or another awaitable, "
            f"got {type(obj).__name__}"
        )


def check_canceller(canceller: object) -> None:
    """Raise ``TypeError`` unless ``canceller`` is callable or None."""
    if canceller is not None and not callable(canceller):
        raise TypeError(
            f"canceller must be a callable taking the future, got {type(canceller).__name__}"
        )


def enumerate_futures(futures: Iterable[Any]) -> Iterator[tuple[int, Any]]:
    """``enumerate(futures)``, refusing what is not a collection of futures.

    A future, a coroutine or any other awaitable given alone is refused (a
    ``Deferred`` is iterable, endlessly while it has no result, and an
    asyncio ``Future`` iterates once and fails), and so are ``str``/``bytes``
    (iterable, but never futures) and a mapping (which iterates its keys). A
    coroutine refused this way is closed, so Python does not also warn that
    it was never awaited.
    """
    if type(futures) is list:  # the common case, tested first
        return enumerate(futures)
    kind: type = type(futures)
    hint = ""
    if hasattr(kind, "__await__"):
        hint = ": pass gather([f]) for one future"
        if kind is CoroutineType:
            futures.close()  # type: ignore[attr-defined]
            hint = ": pass gather([coro]) for one coroutine"
    elif hasattr(futures, "keys") and hasattr(futures, "__getitem__"):
        hint = ": a mapping iterates its keys; pass gather(list(d.values()))"
    elif not isinstance(futures, (str, bytes, bytearray)):
        try:
            return enumerate(futures)
        except TypeError:
            pass
    raise TypeError(
        "futures must be a list (or other iterable) of futures or coroutines, "
        f"got {type(futures).__name__}{hint}"
    )


class NotAnError(TypeError, RuntimeError):
    """An error argument that is neither an exception nor an ``IFailedFuture``.

    A ``TypeError`` (what it is) and a ``RuntimeError`` (what the published
    txaio raised, and what existing ``except`` clauses catch).
    """


def result_and_error() -> ValueError:
    """The error for ``create_future(result, error)``: it takes one of them."""
    return ValueError("create_future() takes result or error, not both")


def no_callbacks() -> ValueError:
    """The error for ``add_callbacks(future, None, None)``: nothing to add."""
    return ValueError("add_callbacks() needs a callback or an errback (both are None)")


def not_an_exception(exception: object) -> TypeError:
    """The error for ``create_failure(exception)`` given something that is not an exception."""
    return TypeError(f"exception must be an exception instance, got {type(exception).__name__}")


def not_an_error(error: object, argument: str) -> NotAnError:
    """The error for ``argument``, which should have been an exception or an IFailedFuture."""
    return NotAnError(
        f"{argument} must be an exception or an IFailedFuture, got {type(error).__name__}"
    )


def not_a_future_item(index: int, item: object, future_name: str) -> TypeError:
    """The error for ``futures[index]``, neither a future (``future_name``) nor a coroutine."""
    return TypeError(
        f"futures[{index}] must be a {future_name} or a coroutine, got {type(item).__name__}"
    )


def not_a_loop(loop: object, argument: str, needs: str, missing: str | None = None) -> TypeError:
    """The error for a ``loop`` that is not what the framework ``needs``.

    ``argument`` is how the user gave the loop (``txaio.config.loop``,
    ``loop``); ``missing`` is the method it lacks, if that is how it showed.
    """
    lacks = f" (it has no {missing!r})" if missing else ""
    return TypeError(f"{argument} must be {needs} or None, got {type(loop).__name__}{lacks}")
