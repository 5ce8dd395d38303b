"""Sphinx configuration for the txaio documentation.

``make docs`` builds it with warnings as errors. Five small hooks live here:

- the API reference documents ``txaio.<function>``; before a framework is
  selected those names are forwarders taking ``(*args, **kwargs)``, so
  :func:`_facade_signature` shows the signature of the backend contract
  (:class:`txaio.API`) instead, with ``API`` for the contract's ``Self``;
- ``txaio.config`` is a :class:`txaio.Config` instance imported from
  ``txaio._api``: :func:`_data_docstring` shows its own ``#:`` comment there;
- ``changelog.rst`` shows ``CHANGELOG.md``: :func:`_changelog_as_rst` turns
  the small Markdown subset the changelog uses (headings, bullet lists,
  inline code, links) into reStructuredText, so no Markdown parser is needed;
- a ``literalinclude`` that starts after a section marker of an example
  would open with the two blank lines PEP 8 puts before a ``def``:
  :func:`_trim_included_blank_lines` drops blank lines at both ends;
- long inline code in a table cell may break after punctuation
  (:class:`_TableCellBreaks`), so that every column of a table stays in view.

The theme is Furo; ``_static/txaio.css`` holds the few additions that
``make docs-check`` (``tools/docs_check.py``) showed were needed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util.inspect import signature as sphinx_signature
from sphinx.util.inspect import stringify_signature
from sphinx.writers.html5 import HTML5Translator

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
html_theme = "furo"
html_title = f"txaio {release}"
html_static_path = ["_static"]
html_css_files = ["txaio.css"]

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# Show the public interface where an annotation names txaio's implementation class.
autodoc_type_aliases = {"Logger": "txaio.interfaces.ILogger"}
python_use_unqualified_type_names = True  # "ILogger", linked, not "txaio.interfaces.ILogger"
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
    # The contract's ``-> Self`` (with_config) is, on the facade, the selected backend's API.
    return parameters, ("API" if returns == "Self" else returns) or None


#: Module attributes that ``txaio`` imports: autodoc would show their class's
#: docstring, so they get the ``#:`` comment where they are defined instead.
_DATA_DOCUMENTED_IN = {"txaio.config": ("txaio._api", "config")}


def _data_docstring(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Document ``txaio.config`` with its own ``#:`` comment, not ``Config``'s docstring."""
    if what != "data" or name not in _DATA_DOCUMENTED_IN:
        return
    module, attribute = _DATA_DOCUMENTED_IN[name]
    lines[:] = ModuleAnalyzer.for_module(module).find_attr_docs()[("", attribute)]


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


class _TableCellBreaks(HTML5Translator):
    """HTML writer that lets inline code in a table cell break after punctuation.

    Sphinx keeps each word of inline code on one line, so a long one such as
    ``DeferredList(fireOnOneErrback=True)`` made its column as wide as itself
    and pushed a table's last column out of view. In table cells the word is
    written in pieces with ``<wbr>`` (a break opportunity that copies as
    nothing) after ``( [ , = . /``; names themselves never break, except
    names longer than a column can hold (test names), after their ``_``.
    """

    _BREAK_AFTER = re.compile(r"(?<=[(\[,=./])(?=[^)\],.=/])")
    _BREAK_LONG_NAME = re.compile(r"(?<=_)(?=[^_])")
    _LONG_NAME = 32
    _table_cells = 0

    def visit_entry(self, node: nodes.Element) -> None:
        self._table_cells += 1
        super().visit_entry(node)

    def depart_entry(self, node: nodes.Element) -> None:
        self._table_cells -= 1
        super().depart_entry(node)

    def visit_Text(self, node: nodes.Text) -> None:
        if not (self.protect_literal_text and self._table_cells):
            super().visit_Text(node)
            return
        for token in self.words_and_spaces.findall(self.encode(node.astext())):
            if token.strip():
                pieces = [
                    piece
                    for part in self._BREAK_AFTER.split(token)
                    for piece in (
                        self._BREAK_LONG_NAME.split(part) if len(part) > self._LONG_NAME else [part]
                    )
                ]
                self.body.append("<wbr>".join(f'<span class="pre">{p}</span>' for p in pieces))
            else:
                self.body.append("&#160;" * (len(token) - 1) + " ")


_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def _trim_included_blank_lines(app: Sphinx, doctree: nodes.document) -> None:
    """Drop the blank lines at the start and end of code included from a file."""
    for block in doctree.findall(nodes.literal_block):
        if "source" not in block or block.rawsource != block.astext():
            continue  # typed into the page (already trimmed), or parsed markup
        leading = _LEADING_BLANK_LINES.match(block.rawsource)
        dropped = leading.group().count("\n") if leading else 0
        trimmed = block.rawsource[leading.end() if leading else 0 :].rstrip()
        if trimmed == block.rawsource:
            continue
        block.rawsource = trimmed
        block[:] = [nodes.Text(trimmed)]
        options = block.get("highlight_args", {})
        if dropped and "linenostart" in options:
            options["linenostart"] += dropped
        if dropped and "hl_lines" in options:
            options["hl_lines"] = [line - dropped for line in options["hl_lines"] if line > dropped]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("autodoc-process-signature", _facade_signature)
    app.connect("autodoc-process-docstring", _data_docstring)
    app.connect("doctree-read", _trim_included_blank_lines)
    app.connect("source-read", _changelog_as_rst)
    app.set_translator("html", _TableCellBreaks)
    return {"parallel_read_safe": True}
