"""Tell a feed, a sitemap and an HTML page apart, and find the feeds an HTML page announces.

``kind: auto`` sources call this on the first body they fetch. The declared
Content-Type is a hint only (servers send feeds as text/html and sitemaps as
text/plain); the first element of the body decides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HTMLParser, document_fromstring

Kind = Literal["feed", "sitemap", "html"]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json+feed",
        "application/rdf+xml",
    }
)
_SNIFF_BYTES = 4096
_GZIP_MAGIC = b"\x1f\x8b"
# Skip the XML declaration, comments, doctype and processing instructions before the root.
_PROLOGUE = re.compile(rb"^(?:\s+|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.DOTALL | re.I)
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def detect_kind(body: bytes, headers: Mapping[str, str] | None = None) -> Kind:
    """Name the kind of a fetched body by its first element, falling back on Content-Type."""
    if body.startswith(_GZIP_MAGIC):
        return "sitemap"  # a .xml.gz served without Content-Encoding: only sitemaps do that
    head = body[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf")
    stripped = head.lstrip()
    if stripped.startswith(b"{"):
        return "feed" if b"jsonfeed.org" in head else "html"
    prologue = _PROLOGUE.match(head)  # always matches (possibly empty)
    match = _ROOT.match(head, prologue.end() if prologue else 0)
    if match:
        root = match.group(2).lower()
        if root in (b"rss", b"feed", b"rdf"):
            return "feed"
        if root in (b"urlset", b"sitemapindex"):
            return "sitemap"
        if root == b"html":
            return "html"
    content_type = _content_type(headers)
    if content_type in FEED_TYPES:
        return "feed"
    return "html"


def find_feed_links(body: bytes, url: str) -> list[str]:
    """Return the absolute URLs of the feeds an HTML page links with rel="alternate"."""
    try:
        root = document_fromstring(body, parser=HTMLParser(remove_comments=True))
    except (etree.ParserError, ValueError):
        return []
    found: list[str] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" not in rel or kind not in FEED_TYPES or not href:
            continue
        try:
            absolute = urljoin(url, href)
        except ValueError:
            continue
        if absolute.startswith(("http://", "https://")) and absolute not in found:
            found.append(absolute)
    return found


def _content_type(headers: Mapping[str, str] | None) -> str:
    for name, value in (headers or {}).items():
        if name.lower() == "content-type":
            return value.split(";")[0].strip().lower()
    return ""
