"""A library written for asyncio only: it uses ``txaio.aio`` and selects no framework."""

import asyncio

from txaio import aio


async def _double(value: int) -> int:
    await aio.sleep(0.01)
    return 2 * value


async def fetch_all(values: list[int]) -> list[int]:
    """Each value doubled, fetched at once; a fetch that hangs is a ``TimeoutError``."""
    return await aio.gather([_double(value) for value in values])


async def hangs() -> bool:
    """True: a future nobody resolves times out."""
    try:
        await aio.timeout(aio.create_future(), 0.01)
    except TimeoutError:
        return True
    return False


def running_loop() -> asyncio.AbstractEventLoop:
    """The loop the library's futures are on."""
    return aio.create_future().get_loop()
