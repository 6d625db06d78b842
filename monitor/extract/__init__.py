"""Extract an article from an HTML page: metadata and main text (pure: bytes in, Article out).

``extract()`` is what the daemon's worker processes call for every new page.
It never raises on malformed input and bounds its work: bodies above
``MAX_HTML_BYTES`` are cut (an article's text is near the top of any sane
page), and the main-text scorer skips pathological trees above ``MAX_NODES``
(their metadata is still read). Pages are parsed with lxml directly rather
than BeautifulSoup, for speed: ``monitor.extract.content`` says why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from monitor.extract.content import extract_main_text, render_selected
from monitor.extract.decode import decode_html
from monitor.extract.language import detect_language, normalise_language_tag
from monitor.extract.metadata import Metadata, read_metadata
from monitor.extract.rules import ExtractRules, apply_rules, selector_error

__all__ = ["MAX_HTML_BYTES", "Article", "ExtractRules", "extract", "selector_error"]

log = logging.getLogger(__name__)

MAX_HTML_BYTES = 4_000_000
MAX_NODES = 100_000
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True, slots=True)
class Article:
    """An extracted article; every datetime is aware UTC."""

    url: str
    title: str = ""
    text: str = ""
    canonical_url: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    authors: tuple[str, ...] = field(default_factory=tuple)
    language: str | None = None
    site_name: str | None = None
    image: str | None = None
    description: str | None = None


def extract(
    html: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    rules: ExtractRules | None = None,
) -> Article:
    """Extract one page; never raises on malformed HTML (an empty Article at worst)."""
    decoded = decode_html(html[:MAX_HTML_BYTES], headers)
    root = parse_html(decoded.text)
    if root is None:
        return Article(url=url)
    meta = read_metadata(root, url)
    if _node_count(root) > MAX_NODES:
        log.warning("extract_too_many_nodes url=%s limit=%d", url, MAX_NODES)
        text = (meta.article_body or "").strip()
    else:
        text = main_text(root, meta, rules)
    language = normalise_language_tag(meta.language) or normalise_language_tag(
        _header(headers, "content-language")
    )
    return Article(
        url=url,
        title=meta.title,
        text=text,
        canonical_url=meta.canonical_url,
        published=meta.published,
        modified=meta.modified,
        authors=meta.authors,
        language=language or detect_language(text or meta.title),
        site_name=meta.site_name,
        image=meta.image,
        description=meta.description,
    )


def parse_html(text: str) -> HtmlElement | None:
    """Parse a page leniently; None when there is nothing to parse."""
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        # huge_tree lifts libxml2's 256-level depth limit, which silently drops the text of
        # deeply nested (but real) pages; input size is already bounded by MAX_HTML_BYTES.
        root = document_fromstring(
            text, parser=HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
        )
    except (etree.ParserError, ValueError) as error:
        log.info("extract_unparsable reason=%s", type(error).__name__)
        return None
    return root


def _node_count(root: HtmlElement) -> int:
    count = root.xpath("count(//*)")
    return int(count) if isinstance(count, float) else 0


def main_text(root: HtmlElement, meta: Metadata, rules: ExtractRules | None) -> str:
    """Return the body text, preferring a per-site rule, then the DOM, then full JSON-LD."""
    if rules is not None:
        chosen = apply_rules(root, rules)
        if chosen is not None:
            return render_selected(chosen)
    body = (meta.article_body or "").strip()
    text = extract_main_text(root, full_text_hint=body)
    if body and len(body) > 1.5 * len(text) + 200:
        # The DOM scorer found much less than the publisher's own full text says exists.
        return body
    return text


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None
