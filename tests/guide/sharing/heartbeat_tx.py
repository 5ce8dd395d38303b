"""A library written for Twisted only: it uses ``txaio.tx`` and selects no framework."""

from twisted.internet.defer import Deferred

import txaio
from txaio import tx

log = txaio.make_logger()  # framework-neutral: fine at import, before any selection


class Heartbeat:
    """Beats every ``interval`` seconds on the reactor; ``stopped`` fires after ``beats``."""

    def __init__(self, interval: float, beats: int) -> None:
        self.count = 0
        self.beats = beats
        self._periodic = tx.call_periodic(interval, self._beat)
        self.stopped: Deferred[None] = self._periodic.finished

    def _beat(self) -> None:
        self.count += 1
        log.debug("beat {count}", count=self.count)
        if self.count == self.beats:
            self._periodic.cancel()
