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
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


def render_blocks(nodes: Iterable[HtmlElement]) -> str:
    """Render nodes as text: one paragraph per block element, blank lines between them."""
    paragraphs: list[str] = []
    for node in nodes:
        current: list[str] = []
        for event, el in etree.iterwalk(node, events=("start", "end")):
            tag = el.tag if isinstance(el.tag, str) else ""
            if event == "start":
                if tag in BLOCK_TAGS:
                    _flush(current, paragraphs)
                elif tag == "br":
                    current.append("\n")
                elif tag == "a":
                    current.append(_LINK_EDGE)
                if el.text and tag:
                    current.append(el.text)
            else:
                if tag in BLOCK_TAGS:
                    _flush(current, paragraphs)
                elif tag == "a":
                    current.append(_LINK_EDGE)
                if el.tail and el is not node:
                    current.append(el.tail)
        _flush(current, paragraphs)
    return "\n\n".join(paragraphs)


def _flush(current: list[str], paragraphs: list[str]) -> None:
    if not current:
        return
    joined = _WORD_LINK_EDGE.sub(" ", "".join(current)).replace(_LINK_EDGE, "")
    lines = [_SPACES.sub(" ", line).strip() for line in joined.split("\n")]
    text = "\n".join(line for line in lines if line)
    current.clear()
    if text and not _BOILERPLATE_LINE.match(text):
        paragraphs.append(text)
