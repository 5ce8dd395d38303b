"""timeouts: a small library written once with txaio, for asyncio and Twisted users.

- :func:`deadline` gives a future the result of another one, or fails it with
  :class:`DeadlineExceeded` when it takes too long (plain ``txaio.*`` calls);
- :class:`Watchdog` calls a function when nobody ``kick()``-ed it for a while
  (a :class:`txaio.LoopMixin`, so users may pass their own loop).

Its tests, ``test_timeouts.py``, run each test on both frameworks with txaio's
pytest plugin.
"""

from __future__ import annotations

import txaio


class DeadlineExceeded(Exception):
    """The future given to :func:`deadline` had no result in time."""


def deadline(future, seconds):
    """A future of ``future``'s result, or of DeadlineExceeded after ``seconds``.

    When the deadline passes first, ``future`` is cancelled.
    """
    if seconds <= 0:
        raise ValueError(f"seconds must be > 0, got {seconds!r}")
    result = txaio.create_future()

    def expire():
        txaio.reject(result, DeadlineExceeded(f"no result within {seconds} s"))
        txaio.cancel(future)

    timer = txaio.call_later(seconds, expire)

    def succeeded(value):
        if not txaio.is_called(result):
            timer.cancel()
            txaio.resolve(result, value)
        return value

    def failed(fail):
        if not txaio.is_called(result):
            timer.cancel()
            txaio.reject(result, fail)

    txaio.add_callbacks(future, succeeded, failed)
    return result


class Watchdog(txaio.LoopMixin):
    """Calls ``on_expire()`` once ``timeout`` seconds pass without a :meth:`kick`.

    Pass ``loop`` to run it on your own event loop (or the reactor); without
    one it uses ``txaio.config``, like ``txaio.*``.
    """

    def __init__(self, timeout, on_expire, loop=None):
        if timeout <= 0:
            raise ValueError(f"timeout must be > 0, got {timeout!r}")
        self.use_loop(loop)
        self.timeout = timeout
        self.on_expire = on_expire
        self._timer = None

    def kick(self):
        """Start the countdown again (or for the first time)."""
        self.stop()
        self._timer = self.call_later(self.timeout, self._expire)

    def stop(self):
        """Stop counting down; ``on_expire`` will not be called."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self):
        self._timer = None
        self.on_expire()
