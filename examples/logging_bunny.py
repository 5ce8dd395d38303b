"""The spec's "Bunny" logging example (sections 3.2 and 3.3), on either framework.

    python examples/logging_bunny.py asyncio
    python examples/logging_bunny.py twisted

Real output starts each log line with the local time and its UTC offset::

    output before start_logging
    output after start_logging
    2016-01-21T01:02:03-0100 Hopping 42 times.
    2016-01-21T01:02:03-0100 RuntimeError: Fox spotted!
    ...

So that ``make demo`` can compare the output of both frameworks line by
line, this example gives ``start_logging`` a stream that drops the timestamp,
shortens the file names in tracebacks, and leaves out the line Twisted's
reactor logs as it stops, "Main loop terminated." (``Deterministic`` at the
bottom). Everything else is what you would see.
"""

from __future__ import annotations

import os
import sys

import txaio

# -- library code: the same on both frameworks --------------------------------


class Bunny:
    log = txaio.make_logger()  # named "__main__.Bunny", after the class

    def hop(self, times=1):
        # trace is below debug: not shown
        self.log.trace("Bunny.hop(times={times})", times=times)
        self.log.debug("Hopping {times} times.", times=times)
        try:
            raise RuntimeError("Fox spotted!")
        except Exception:
            fail = txaio.create_failure()
            # The spec's idiom: the message always, the traceback only when debugging.
            self.log.critical(txaio.failure_message(fail))
            self.log.debug("{tb}", tb=txaio.failure_format_traceback(fail))

    def hide(self):
        try:
            self.dig()
        except Exception:
            # failure() logs the exception being handled, with its traceback.
            self.log.failure("Could not hide: {log_failure.value}")

    def dig(self):
        raise OSError("the ground is frozen")


# -- existing code that logs with its framework's own logging (spec 3.3) ------


def existing_code():
    if txaio.using_twisted:
        from twisted.python import log

        log.msg("Existing code says: txaio was here")  # legacy Twisted logging
    else:
        import logging

        logging.getLogger("roy").info("Existing code says: %s", "txaio was here")


# -- the application ----------------------------------------------------------


class Deterministic:
    """Standard output without timestamps, directories and reactor news (see above)."""

    here = os.path.dirname(os.path.abspath(__file__)) + os.sep

    def __init__(self):
        # On Twisted, start_logging turns print() into log lines (as the spec's
        # output shows): keep the real standard output.
        self.stdout = sys.stdout

    def write(self, line):
        line = line.split(" ", 1)[1]  # each write is one line: "<time> <message>\n..."
        if line != "Main loop terminated.\n":
            self.stdout.write(line.replace(self.here, ""))

    def flush(self):
        self.stdout.flush()


def main():
    print("output before start_logging")
    txaio.start_logging(out=Deterministic(), level="debug")
    print("output after start_logging")
    jack = Bunny()
    jack.hop(42)
    jack.hide()
    existing_code()


txaio.run(main, framework=sys.argv[1])
