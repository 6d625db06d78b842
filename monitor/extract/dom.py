"""Measure and edit the parsed page: text and link lengths per subtree, class names, removal.

Every scoring and pruning rule reads these numbers, so they are computed in
one bottom-up pass (``measure``) instead of calling ``text_content()`` on each
node, which would be quadratic in the depth of the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

_BLOCK_TAG_NAMES = (
    "p div section article main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table "
    "tr td th tbody thead figure figcaption header address hr center form fieldset details "
    "summary caption"
)
BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split(" "))
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
MIN_PROSE = 40
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


@dataclass(slots=True)
class Stats:
    """Text length of a node's subtree and how much of it sits inside links."""

    text: int = 0
    link: int = 0
    prose: int = 0  # text inside paragraph-like blocks that are not mostly links


def measure(root: HtmlElement) -> dict[HtmlElement, Stats]:
    """Compute text and link-text lengths of every subtree in one bottom-up pass."""
    stats: dict[HtmlElement, Stats] = {}
    for el in reversed(list(root.iter())):
        if not isinstance(el.tag, str):
            continue
        own = Stats(text=len((el.text or "").strip()))
        for child in el:
            if isinstance(child.tag, str):
                sub = stats[child]
                own.text += sub.text
                own.link += sub.link
                own.prose += sub.prose
            own.text += len((child.tail or "").strip())
        if el.tag == "a":
            own.link = own.text
            own.prose = 0  # a card wrapped in a link is a teaser, however long
        if (
            el.tag in BLOCK_TAGS
            and own.text >= MIN_PROSE
            and own.link < 0.3 * own.text
            and not has_block_child(el)
        ):
            own.prose = own.text
        stats[el] = own
    return stats


def is_prose_block(el: HtmlElement, stats: dict[HtmlElement, Stats]) -> bool:
    """True for a leaf block of running text: long enough and not mostly links."""
    info = stats.get(el)
    return info is not None and info.prose == info.text > 0 and not has_block_child(el)


def has_block_child(el: HtmlElement) -> bool:
    """True when a direct child is a block element (so the node is a container, not a leaf)."""
    return any(isinstance(child.tag, str) and child.tag in BLOCK_TAGS for child in el)


def own_text(el: HtmlElement) -> str:
    """Return the subtree's text with runs of whitespace collapsed."""
    return _SPACES.sub(" ", el.text_content()).strip()


def class_names(el: HtmlElement) -> str:
    """Return class and id, camelCase split ("imageCaption" -> "image-Caption") for word matches."""
    names = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    return _CAMEL_HUMP.sub("-", names) if names else names


def drop_all(elements: list[HtmlElement]) -> None:
    """Remove elements with their subtrees, keeping the text that follows each of them."""
    for el in elements:
        parent = el.getparent()
        if parent is None:
            continue
        if isinstance(el.tag, str):
            el.drop_tree()
        else:
            _remove_keeping_tail(el, parent)


def _remove_keeping_tail(el: etree._Element, parent: etree._Element) -> None:
    tail = el.tail
    previous = el.getprevious()
    parent.remove(el)
    if not tail:
        return
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
