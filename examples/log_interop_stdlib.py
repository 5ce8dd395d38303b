"""Starting logging yourself with the standard library (spec 3.4), on either framework.

    python examples/log_interop_stdlib.py asyncio
    python examples/log_interop_stdlib.py twisted

The application never calls ``txaio.start_logging()``: it configures the
standard library's ``logging`` itself (here with ``dictConfig``), and the
messages of txaio loggers arrive in its handlers under the logger's name
(``module.Class``) and level, next to plain ``logging`` records.

On asyncio txaio loggers *are* standard library loggers. On Twisted they
are ``twisted.logger`` loggers, so an application that wants their messages
in the standard library forwards Twisted's events to it -- the only
framework-specific lines below. (Twisted's own ``STDLibLogObserver`` does the
same, but files every event under the single name "twisted".)

The format has no time, so the output is the same on every run.
"""

from __future__ import annotations

import logging
import logging.config
import sys

import txaio

# -- library code: the same on both frameworks --------------------------------


class Session:
    log = txaio.make_logger()  # named "__main__.Session"

    def join(self, realm):
        self.log.info("joined realm {realm}", realm=realm)
        self.log.debug("session details: {details[id]}", details={"id": 42})
        self.log.trace("never shown: trace is below debug")


# -- the application configures logging itself ---------------------------------


def main():
    logging.config.dictConfig(
        {
            "version": 1,
            "formatters": {
                "plain": {"format": "%(levelname)-7s %(name)s: %(message)s"}
            },
            "handlers": {
                "console": {
                    "class": "logging.StreamHandler",
                    "formatter": "plain",
                    "stream": "ext://sys.stdout",
                }
            },
            "root": {"level": "DEBUG", "handlers": ["console"]},
            # Not the reactor's own news ("Main loop terminated."), only warnings.
            "loggers": {"twisted": {"level": "WARNING"}},
        }
    )
    if txaio.using_twisted:
        forward_twisted_events_to_stdlib()

    session = Session()
    session.join("realm1")  # txaio's global level is "info": the debug line is a no-op

    txaio.set_global_log_level("debug")  # now every txaio logger emits debug lines
    session.join("realm2")

    logging.getLogger("app").warning("a plain %s record", "logging")


def forward_twisted_events_to_stdlib():
    """Hand each twisted.logger event to the stdlib logger of its namespace."""
    from twisted.logger import LogLevel, formatEvent, globalLogPublisher

    to_stdlib = {
        LogLevel.debug: logging.DEBUG,
        LogLevel.info: logging.INFO,
        LogLevel.warn: logging.WARNING,
        LogLevel.error: logging.ERROR,
        LogLevel.critical: logging.CRITICAL,
    }

    def forward(event):
        logger = logging.getLogger(event.get("log_namespace", "twisted"))
        logger.log(to_stdlib[event["log_level"]], "%s", formatEvent(event))

    globalLogPublisher.addObserver(forward)


txaio.run(main, framework=sys.argv[1])
