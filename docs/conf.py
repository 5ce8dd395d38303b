"""Sphinx configuration for the txaio documentation.

``make docs`` builds it with warnings as errors. Two small hooks live here:

- the API reference documents ``txaio.<function>``; before a framework is
  selected those names are forwarders taking ``(*args, **kwargs)``, so
  :func:`_facade_signature` shows the signature of the backend contract
  (:class:`txaio.API`) instead;
- ``changelog.rst`` shows ``CHANGELOG.md``: :func:`_changelog_as_rst` turns
  the small Markdown subset the changelog uses (headings, bullet lists,
  inline code, links) into reStructuredText, so no Markdown parser is needed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util.inspect import signature as sphinx_signature
from sphinx.util.inspect import stringify_signature

import txaio
from txaio import _selection

ROOT = Path(__file__).resolve().parent.parent

project = "txaio"
author = "txaio developers"
copyright = "txaio developers"
release = txaio.__version__
version = release

extensions = ["sphinx.ext.autodoc"]
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_theme_options = {"description": "Write async library code once; run it on Twisted or asyncio"}

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
default_role = "py:obj"


def _facade_signature(
    app: Sphinx,
    what: str,
    name: str,
    obj: Any,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    """Show ``txaio.<name>`` forwarders with the contract's signature, without ``self``."""
    short = name.rpartition(".")[2]
    if what != "function" or _selection._forwarders.get(short) is not obj:
        return None
    contract = sphinx_signature(getattr(txaio.API, short), bound_method=True)
    parameters = stringify_signature(contract, show_return_annotation=False)
    returns = stringify_signature(contract).partition(" -> ")[2]
    return parameters, returns or None


_HEADING = re.compile(r"^(#{1,3}) +(.*)$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_CODE = re.compile(r"(?<!`)`([^`]+)`(?!`)")


def changelog_as_rst(markdown: str) -> str:
    """reStructuredText for the changelog's Markdown: headings, lists, code and links."""
    underline = {1: "=", 2: "-", 3: "~"}
    lines = []
    for line in markdown.splitlines():
        heading = _HEADING.match(line)
        if heading:
            title = heading.group(2).strip()
            lines += [title, underline[len(heading.group(1))] * len(title)]
            continue
        line = _LINK.sub(r"`\1 <\2>`__", line)
        lines.append(_CODE.sub(r"``\1``", line))
    return "\n".join(lines) + "\n"


def _changelog_as_rst(app: Sphinx, docname: str, source: list[str]) -> None:
    """Append ``CHANGELOG.md`` (converted) to the ``changelog`` page."""
    if docname != "changelog":
        return
    changelog = ROOT / "CHANGELOG.md"
    app.env.note_dependency(str(changelog))
    source[0] += "\n" + changelog_as_rst(changelog.read_text(encoding="utf-8"))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("autodoc-process-signature", _facade_signature)
    app.connect("source-read", _changelog_as_rst)
    return {"parallel_read_safe": True}
