"""Failures: the asyncio-side IFailedFuture and the formatting both backends share."""

from __future__ import annotations

import sys

from txaio.interfaces import IFailedFuture

TYPE_CHECKING = False  # importing typing is slow (make bench times it); mypy reads True
if TYPE_CHECKING:
    from types import TracebackType


class FailedFuture(IFailedFuture):
    """An exception with its traceback, handed to errbacks on asyncio.

    It mirrors the small part of Twisted's ``Failure`` that txaio promises:
    ``value`` (plus ``type`` and ``tb`` for formatting).
    """

    __slots__ = ("tb", "type", "value")

    def __init__(self, value: BaseException, tb: TracebackType | None = None) -> None:
        self.type = type(value)
        self.value = value
        self.tb = tb if tb is not None else value.__traceback__

    def __repr__(self) -> str:
        return f"<FailedFuture {failure_message(self)}>"


def current_exception(caller: str) -> BaseException:
    """The exception being handled now; a clear error when there is none."""
    exc = sys.exc_info()[1]
    if exc is None:
        raise RuntimeError(
            f"{caller} needs an exception: call it inside an 'except' block "
            "or pass the exception explicitly"
        )
    return exc


def safe_str(value: object) -> str:
    """``str(value)`` that never raises: a broken ``__str__`` is named instead."""
    try:
        return str(value)
    except Exception as exc:
        return f"<{type(value).__name__} instance: str() raised {type(exc).__name__}>"


def safe_repr(value: object) -> str:
    """``repr(value)`` that never raises."""
    try:
        return repr(value)
    except Exception as exc:
        return f"<{type(value).__name__} instance: repr() raised {type(exc).__name__}>"


def failure_message(fail: IFailedFuture) -> str:
    """``"ExceptionName: message"`` on one line, the same on every backend."""
    exc = fail.value
    return f"{type(exc).__name__}: {safe_str(exc)}"


def format_traceback(exc: BaseException, tb: TracebackType | None) -> str:
    """A normal Python traceback text for ``exc`` raised at ``tb``."""
    import traceback  # only when formatting: it is slow to import

    return "".join(traceback.format_exception(type(exc), exc, tb))


def traceback_of(fail: IFailedFuture) -> TracebackType | None:
    """The traceback object of an IFailedFuture: txaio's, a Twisted ``Failure`` or another."""
    get_traceback = getattr(fail, "getTracebackObject", None)  # a Twisted Failure
    tb: TracebackType | None = (
        get_traceback() if get_traceback is not None else getattr(fail, "tb", None)
    )
    return tb if tb is not None else fail.value.__traceback__


def as_failure(fail: object) -> IFailedFuture | None:
    """``fail`` as an IFailedFuture (an exception is wrapped), or None for anything else."""
    if isinstance(fail, IFailedFuture):
        return fail
    if isinstance(fail, BaseException):
        return FailedFuture(fail)
    return None


def not_a_failure(caller: str, fail: object) -> str:
    """What the failure helpers say when given something that is not a failure."""
    try:
        shown = repr(fail)
    except Exception as exc:
        shown = f"<repr() raised {type(exc).__name__}>"
    if len(shown) > 200:
        shown = shown[:197] + "..."
    return f"{caller} expected an IFailedFuture or an exception, got {type(fail).__name__}: {shown}"


#: Where each framework keeps its cancellation error: (module, class name). Read from
#: ``sys.modules`` only, since an exception of a module nobody imported cannot exist.
_CANCELLED_ERRORS: tuple[tuple[str, str], ...] = (
    ("asyncio", "CancelledError"),
    ("twisted.internet.defer", "CancelledError"),
    ("concurrent.futures", "CancelledError"),
)


def is_cancelled(fail: IFailedFuture | BaseException) -> bool:
    """True if ``fail`` is a cancellation: an ``asyncio.CancelledError``, a Twisted
    ``defer.CancelledError`` or a ``concurrent.futures.CancelledError``.

    ``fail`` is what an errback gets, or an exception. The answer is the same
    on every framework, on Twisted's asyncio reactor (where either error can
    reach a Deferred) and before selection, so an errback can say ``if
    txaio.is_cancelled(fail): return`` on both. Unlike the other failure
    helpers it raises (``TypeError``) for anything else: the answer decides
    what the errback does, and a wrong question must not get a silent ``False``.
    """
    exc = fail.value if isinstance(fail, IFailedFuture) else fail
    if not isinstance(exc, BaseException):
        raise TypeError(f"fail must be an IFailedFuture or an exception, got {type(fail).__name__}")
    modules = sys.modules
    for module_name, class_name in _CANCELLED_ERRORS:
        module = modules.get(module_name)
        if module is not None and isinstance(exc, getattr(module, class_name)):
            return True
    return False
