"""Importing this module selects asyncio: ``import txaio.with_asyncio as txaio``.

It exposes the same functions as ``txaio`` (asyncio flavour), for code that
prefers an import to a ``use_asyncio()`` call.
"""

from txaio import use_asyncio

use_asyncio()

from txaio.aio import *  # noqa: E402, F403
from txaio.aio import __all__ as __all__  # noqa: E402
