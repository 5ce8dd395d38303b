"""Importing this module selects Twisted: ``import txaio.with_twisted as txaio``.

It exposes the same functions as ``txaio`` (Twisted flavour), for code that
prefers an import to a ``use_twisted()`` call.
"""

from txaio import use_twisted

use_twisted()

from txaio.tx import *  # noqa: E402, F403
from txaio.tx import __all__ as __all__  # noqa: E402
