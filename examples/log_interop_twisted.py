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

framework = sys.argv[1] if len(sys.argv) > 1 else "asyncio"
if framework == "twisted":
    txaio.use_twisted()
else:
    txaio.use_asyncio()


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


if framework == "twisted":
    from twisted.logger import Logger, formatEvent, globalLogBeginner
    from twisted.python import log as legacy_log

    def observer(event):
        show(event["log_level"].name, event["log_namespace"], formatEvent(event))

    globalLogBeginner.beginLoggingTo([observer], redirectStandardIO=False)

    def existing_code():
        Logger(namespace="existing").info("existing code uses {api}", api="twisted.logger")
        legacy_log.msg("existing code uses twisted.python.log")

else:
    import logging

    TXAIO_NAMES = {5: "trace", 10: "debug", 20: "info", 30: "warn", 40: "error", 50: "critical"}

    class Show(logging.Handler):
        def emit(self, record):
            show(TXAIO_NAMES[record.levelno], record.name, record.getMessage())

    logging.getLogger().addHandler(Show())
    logging.getLogger().setLevel(logging.DEBUG)

    def existing_code():
        # Standard library loggers standing in for the Twisted ones, so both runs print alike.
        logging.getLogger("existing").info("existing code uses %s", "twisted.logger")
        logging.getLogger("log_legacy").info("existing code uses twisted.python.log")


session = Session()
txaio.set_global_log_level("debug")  # without start_logging, txaio's level is set here
session.join("realm1")
session.leave()
existing_code()
