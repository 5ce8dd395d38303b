"""Starting logging yourself with Twisted (spec 3.4), on either framework.

    python examples/log_interop_twisted.py twisted
    python examples/log_interop_twisted.py asyncio

The application never calls ``txaio.start_logging()``. On Twisted it begins
``twisted.logger`` itself with its own observer, and the messages of txaio
loggers arrive there as Twisted events -- with ``log_namespace``
(``module.Class``), ``log_level`` and the caller's values -- next to the
events of ``twisted.logger`` and legacy ``twisted.python.log`` code.

On asyncio there is no ``twisted.logger``: the same application does the
equivalent with the standard library (a handler on the root logger) and
prints the same lines. Only the setup at the bottom differs.
"""

from __future__ import annotations

import sys

import txaio

# -- library code: the same on both frameworks --------------------------------


class Session:
    log = txaio.make_logger()  # named "__main__.Session"

    def join(self, realm):
        self.log.info("joined realm {realm}", realm=realm)
        self.log.debug("session details: {details[id]}", details={"id": 42})

    def leave(self):
        try:
            raise ConnectionError("transport lost")
        except ConnectionError:
            self.log.failure("leaving: {log_failure.value}")


# -- the application: its own logging, on each framework ----------------------


def show(level, namespace, message):
    print(f"[{level}] {namespace}: {message}")


def start_twisted_logging():
    from twisted.logger import formatEvent, globalLogBeginner

    def observer(event):
        if not event["log_namespace"].startswith("twisted."):  # not the reactor's news
            show(event["log_level"].name, event["log_namespace"], formatEvent(event))

    globalLogBeginner.beginLoggingTo([observer], redirectStandardIO=False)


def existing_twisted_code():
    from twisted.logger import Logger
    from twisted.python import log as legacy_log

    Logger(namespace="existing").info("existing code uses {api}", api="twisted.logger")
    legacy_log.msg("existing code uses twisted.python.log")


def start_stdlib_logging():
    import logging

    names = {5: "trace", 10: "debug", 20: "info", 30: "warn", 40: "error"}
    names[50] = "critical"

    class Show(logging.Handler):
        def emit(self, record):
            show(names[record.levelno], record.name, record.getMessage())

    logging.getLogger().addHandler(Show())
    logging.getLogger().setLevel(logging.DEBUG)


def existing_stdlib_code():
    import logging

    # Standard library loggers standing in for the Twisted ones: both runs print alike.
    logging.getLogger("existing").info("existing code uses %s", "twisted.logger")
    logging.getLogger("log_legacy").info("existing code uses twisted.python.log")


def main():
    if txaio.using_twisted:
        start_twisted_logging()
    else:
        start_stdlib_logging()
    session = Session()
    # Without start_logging, txaio's level is set here:
    txaio.set_global_log_level("debug")
    session.join("realm1")
    session.leave()
    if txaio.using_twisted:
        existing_twisted_code()
    else:
        existing_stdlib_code()


txaio.run(main, framework=sys.argv[1])
