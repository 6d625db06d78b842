"""Read XML sitemaps, Google News sitemaps and sitemap indexes into recent entries.

Only what changed within ``max_age`` matters to a monitor: older URLs are
skipped, and an index lists its child sitemaps newest first so that a caller
following a few of them reads the ones that can hold new articles. Parsing is
defensive (defusedxml: no DTDs, no entity expansion) and bounded in bytes,
also after gunzipping a ``.xml.gz`` body.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from monitor.extract.dates import parse_date
from monitor.sources import Entry, SourceParseError

MAX_SITEMAP_BYTES = 50_000_000  # the sitemaps.org protocol's own limit, uncompressed
MAX_ENTRIES = 5_000
# A sitemap without any dates cannot say what is recent; read only its head.
MAX_UNDATED_ENTRIES = 200


@dataclass(frozen=True, slots=True)
class SitemapResult:
    """The recent entries of a sitemap, and the child sitemaps an index points to."""

    entries: tuple[Entry, ...] = field(default_factory=tuple)
    child_sitemaps: tuple[str, ...] = field(default_factory=tuple)


def parse_sitemap(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    now: datetime,
    max_age: timedelta = timedelta(days=2),
) -> SitemapResult:
    """Parse a sitemap or sitemap index; raise SourceParseError when it is not one."""
    root = _parse_xml(_gunzipped(body))
    cutoff = now - max_age
    kind = _local(root.tag)
    if kind == "sitemapindex":
        return SitemapResult(child_sitemaps=_recent_children(root, cutoff))
    if kind != "urlset":
        raise SourceParseError(f"root element <{kind}> is not a sitemap", kind="sitemap")
    return SitemapResult(entries=_recent_entries(root, cutoff))


def _gunzipped(body: bytes) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body[: MAX_SITEMAP_BYTES + 1]
    try:
        # A bounded read: a gzip bomb stops at the limit instead of filling memory.
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return decompressor.decompress(body, MAX_SITEMAP_BYTES + 1)
    except zlib.error as error:
        raise SourceParseError(f"bad gzip data: {error}", kind="sitemap") from error


def _parse_xml(body: bytes) -> Element:
    if len(body) > MAX_SITEMAP_BYTES:
        raise SourceParseError("sitemap larger than 50 MB", kind="sitemap")
    try:
        return fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise SourceParseError(f"not well-formed XML: {error}", kind="sitemap") from error


def _recent_children(root: Element, cutoff: datetime) -> tuple[str, ...]:
    dated: list[tuple[datetime | None, str]] = []
    for sitemap in _children(root, "sitemap"):
        loc = _child_text(sitemap, "loc")
        if not loc or not loc.startswith(("http://", "https://")):
            continue
        modified = parse_date(_child_text(sitemap, "lastmod"))
        if modified is not None and modified < cutoff:
            continue
        dated.append((modified, loc))
    # Newest first; undated children last, in document order.
    dated.sort(key=lambda item: item[0].timestamp() if item[0] else float("-inf"), reverse=True)
    return tuple(dict.fromkeys(loc for _, loc in dated))


def _recent_entries(root: Element, cutoff: datetime) -> tuple[Entry, ...]:
    entries: list[Entry] = []
    undated: list[Entry] = []
    seen: set[str] = set()
    for item in _children(root, "url"):
        entry = _entry(item)
        if entry is None or entry.url in seen:
            continue
        seen.add(entry.url)
        if entry.published is None:
            undated.append(entry)
        elif entry.published >= cutoff:
            entries.append(entry)
        if len(entries) >= MAX_ENTRIES:
            break
    if not entries and len(undated) == len(seen):
        return tuple(undated[:MAX_UNDATED_ENTRIES])
    return tuple(entries)


def _entry(item: Element) -> Entry | None:
    loc = _child_text(item, "loc")
    if not loc or not loc.startswith(("http://", "https://")):
        return None
    news = _first_child(item, "news")
    title = ""
    language = None
    published = None
    if news is not None:
        title = _child_text(news, "title") or ""
        published = parse_date(_child_text(news, "publication_date"))
        publication = _first_child(news, "publication")
        if publication is not None:
            language = _child_text(publication, "language")
    if published is None:
        published = parse_date(_child_text(item, "lastmod"))
    return Entry(url=loc, guid=loc, title=title, published=published, language=language)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def _children(el: Element, name: str) -> list[Element]:
    return [child for child in el if _local(child.tag) == name]


def _first_child(el: Element, name: str) -> Element | None:
    for child in el:
        if _local(child.tag) == name:
            return child
    return None


def _child_text(el: Element, name: str) -> str | None:
    child = _first_child(el, name)
    if child is None or not child.text:
        return None
    return child.text.strip() or None
