"""A library for both frameworks that shares the process with others."""

import txaio

# At import: only the framework-neutral names, which work before selection.
log = txaio.make_logger()
STARTED_NS = txaio.time_ns()


def ensure_framework() -> None:
    """Select asyncio, unless the application has chosen a framework already."""
    if not (txaio.using_asyncio or txaio.using_twisted):
        txaio.use_asyncio()


def connect(address: str) -> object:
    """The library's entry point: the first place it needs a framework."""
    ensure_framework()
    log.info("connecting to {address}", address=address)
    return txaio.create_future()
