"""Render chosen DOM nodes as plain text: one paragraph per block, blank lines between them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree
from lxml.html import HtmlElement

from monitor.extract.dom import BLOCK_TAGS

# A paragraph that is nothing but one of these labels is page furniture on any site.
_BOILERPLATE_LINE = re.compile(
    r"^(?:advertisement|advertising|anzeige|publicidade|publicidad|реклама|sponsored"
    r"|share(?: this(?: article| story)?)?|read more|related(?: articles| stories)?"
    r"|click here.*|sign up.*newsletter.*|subscribe.*|follow us.*|image(?: source)?:.*"
    r"|photo:.*|\(?(?:photo|image|credit)s?\)?)[.:!]?$",
    re.IGNORECASE,
)
# A link's edges separate words where the script uses no spaces (Chinese, Japanese):
# marked while rendering, they become a space only next to such a script's letters.
_LINK_EDGE = "\x00"
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD_LINK_EDGE = re.compile(rf"(?<=[{_UNSPACED}])\x00+(?=\w)|(?<=\w)\x00+(?=[{_UNSPACED}])")
_CELLS = frozenset(("td", "th"))
_TABLE_INNER = frozenset(("td", "th", "tr", "tbody", "thead", "tfoot"))
_SHORT_CELL_CHARS = 200
_LINE_BREAKS = re.compile(r"[\r\n]+")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


def render_blocks(nodes: Iterable[HtmlElement]) -> str:
    """Render nodes as text: one paragraph per block element, blank lines between them.

    A data table becomes one paragraph with a line per row and its cells
    separated by spaces (blocks inside a short cell count as spaces too); a
    long cell (a layout table) is rendered like any other container.
    """
    paragraphs: list[str] = []
    for node in nodes:
        current: list[str] = []
        inline_cell: HtmlElement | None = None  # the short cell being rendered on one line
        preformatted = 0  # depth of <pre>: the only place where source line breaks count
        for event, el in etree.iterwalk(node, events=("start", "end")):
            tag = el.tag if isinstance(el.tag, str) else ""
            if tag in _CELLS and inline_cell is None and _is_short_cell(el):
                inline_cell = el
            breaks = inline_cell is None and tag in BLOCK_TAGS and tag not in _TABLE_INNER
            if event == "start":
                preformatted += tag == "pre"
                if breaks:
                    _flush(current, paragraphs)
                elif tag == "br":
                    current.append("\n" if inline_cell is None else " ")
                elif tag in BLOCK_TAGS:
                    current.append(" ")
                elif tag == "a":
                    current.append(_LINK_EDGE)
                if el.text and tag:
                    current.append(el.text if preformatted else _source_spaces(el.text))
            else:
                preformatted -= tag == "pre"
                if el is inline_cell:
                    inline_cell = None
                if breaks:
                    _flush(current, paragraphs)
                elif tag == "tr":
                    current.append("\n")
                elif tag == "a":
                    current.append(_LINK_EDGE)
                if el.tail and el is not node:
                    current.append(el.tail if preformatted else _source_spaces(el.tail))
        _flush(current, paragraphs)
    return "\n\n".join(paragraphs)


def _source_spaces(text: str) -> str:
    """Turn source line breaks into spaces: only <br>, rows and blocks break lines."""
    return _LINE_BREAKS.sub(" ", text)


def _is_short_cell(cell: HtmlElement) -> bool:
    if cell.find(".//table") is not None:
        return False
    return sum(len(t) for t in cell.itertext()) <= _SHORT_CELL_CHARS


def _flush(current: list[str], paragraphs: list[str]) -> None:
    if not current:
        return
    joined = _WORD_LINK_EDGE.sub(" ", "".join(current)).replace(_LINK_EDGE, "")
    lines = [_SPACES.sub(" ", line).strip() for line in joined.split("\n")]
    text = "\n".join(line for line in lines if line)
    current.clear()
    if text and not _BOILERPLATE_LINE.match(text):
        paragraphs.append(text)
