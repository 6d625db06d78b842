"""Apply a source's own CSS selectors: where its article body is, and what to drop.

Selectors are compiled with cssselect (the CSS-to-XPath translator lxml uses),
so a rule is checked once at config load with ``selector_error`` and applied
as plain XPath afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from cssselect import HTMLTranslator, SelectorError
from lxml import etree
from lxml.html import HtmlElement


@dataclass(frozen=True, slots=True)
class ExtractRules:
    """Per-source CSS selectors: where the body is, and what to drop before extracting."""

    body: str | None = None
    drop: tuple[str, ...] = ()


def selector_error(selector: str) -> str | None:
    """Return why a CSS selector is invalid, or None when it compiles (for config validation)."""
    try:
        _compiled(selector)
    except (SelectorError, etree.XPathSyntaxError) as error:
        return str(error) or "invalid selector"
    return None


def select(root: HtmlElement, selector: str) -> list[HtmlElement]:
    """Return the elements a CSS selector matches; an invalid selector matches nothing."""
    try:
        found = _compiled(selector)(root)
    except (SelectorError, etree.XPathError):
        return []
    return [el for el in found if isinstance(el, etree._Element)]


def apply_rules(root: HtmlElement, rules: ExtractRules) -> list[HtmlElement] | None:
    """Drop the rule's elements; return the body elements it names, or None to auto-detect."""
    for selector in rules.drop:
        for el in select(root, selector):
            if el.getparent() is not None:
                el.drop_tree()
    if not rules.body:
        return None
    chosen = select(root, rules.body)
    # Nested matches would render twice: keep only the outermost.
    outer = [el for el in chosen if not any(a in chosen for a in el.iterancestors())]
    return outer or None


def _compiled(selector: str) -> etree.XPath:
    return etree.XPath(HTMLTranslator().css_to_xpath(selector))
