"""Find the article links on a listing page (a site's news section) for ``kind: html`` sources.

With a ``links`` CSS selector the page's author decides: every selected
element that is, or contains, a link is an entry. Without one, a link counts
as an article when all three hold (the heuristic, documented in the README):

* **same site**: its host is the page's host or shares its registrable domain
  (``news.example.co.uk`` and ``www.example.co.uk``);
* **headline-like text**: at least 3 words and 15 characters (8 characters in
  scripts without spaces), at most 40 words, and not a stock phrase ("Read
  more", "Next page");
* **article-like path**: not a section, tag, author, search, account or media
  path, and either several segments, a hyphenated slug of 3+ words, a date or
  a long number (an article id).

Links inside ``nav``, ``header``, ``footer`` and ``aside`` are skipped. Listing
pages are small, so BeautifulSoup (the project's default parser) is fast enough.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning
from soupsieve import SelectorSyntaxError

from monitor.extract.decode import decode_html
from monitor.sources import Entry, SourceParseError

MAX_LISTING_BYTES = 5_000_000
MAX_LINKS = 500
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"})
_NOT_ARTICLE_PATH = re.compile(
    r"/(?:tags?|topics?|category|categories|section|author|authors|search|login|signin|signup"
    r"|register|account|subscribe|newsletter|about|contact|privacy|terms|cookies?|help|faq"
    r"|page|feed|rss|video-?gallery|gallery|galleries|photos|podcasts?|shop|jobs|advertise)"
    r"(?:/|$)",
    re.IGNORECASE,
)
_MEDIA_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|mp[34]|zip|xml|css|js)$", re.IGNORECASE)
_DATE_PATH = re.compile(
    r"/(?:19|20)\d{2}[/-]?(?:0[1-9]|1[0-2])(?:[/-]?(?:[0-2]\d|3[01]))?(?:/|-|$)"
)
_ID_PATH = re.compile(r"\d{5,}")
_STOCK_PHRASE = re.compile(
    r"^(?:read more|more|next|previous|next page|previous page|load more|see all|view all"
    r"|continue reading|sign in|log in|subscribe|comments?)\b",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_BOILERPLATE_PARENTS = frozenset({"nav", "header", "footer", "aside"})


def parse_listing(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    links_selector: str | None,
) -> list[Entry]:
    """Return the page's article links as entries, in page order, without duplicates."""
    soup = _soup(decode_html(body[:MAX_LISTING_BYTES], headers).text)
    base = _base_url(soup, url)
    if links_selector:
        candidates = list(_selected_links(soup, links_selector))
    else:
        candidates = [a for a in soup.find_all("a", href=True) if _outside_boilerplate(a)]
    entries: list[Entry] = []
    seen: set[str] = set()
    for anchor in candidates:
        link = _absolute(base, str(anchor.get("href", "")))
        if link is None or link in seen:
            continue
        title = _anchor_text(anchor)
        if not links_selector and not looks_like_article_link(link, title, url):
            continue
        seen.add(link)
        entries.append(Entry(url=link, guid=link, title=title))
        if len(entries) >= MAX_LINKS:
            break
    return entries


def looks_like_article_link(link: str, text: str, page_url: str) -> bool:
    """Apply the three-part heuristic: same site, headline-like text, article-like path."""
    return same_site(link, page_url) and headline_like(text) and article_like_path(link)


def same_site(link: str, page_url: str) -> bool:
    """True when both URLs share a registrable domain (approximated without a suffix list)."""
    return _site_of(urlsplit(link).hostname or "") == _site_of(urlsplit(page_url).hostname or "")


def headline_like(text: str) -> bool:
    """True for anchor text that reads like a headline rather than a control or a label."""
    if not text or _STOCK_PHRASE.match(text):
        return False
    words = text.split()
    if len(words) > 40:
        return False
    if len(words) == 1 and len(text) >= 8 and not text.isascii():
        return True  # Chinese and Japanese headlines have no spaces
    return len(words) >= 3 and len(text) >= 15


def article_like_path(link: str) -> bool:
    """True for a path that names one article rather than a section or a file."""
    path = urlsplit(link).path
    if _NOT_ARTICLE_PATH.search(path) or _MEDIA_FILE.search(path):
        return False
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    slug = segments[-1].rsplit(".", 1)[0]
    return (
        len(segments) >= 3
        or slug.count("-") + slug.count("_") >= 2
        or bool(_DATE_PATH.search(path))
        or bool(_ID_PATH.search(path))
    )


def _soup(text: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        # A body that is just "https://..." is a (useless) page here, not a mistaken URL,
        # and an XML body under kind: html is read as well as HTML parsing can.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(text, "lxml")


def _selected_links(soup: BeautifulSoup, selector: str) -> Iterator[Tag]:
    try:
        selected = soup.select(selector)
    except (SelectorSyntaxError, ValueError) as error:
        raise SourceParseError(
            f"invalid links selector {selector!r}: {error}", kind="html"
        ) from error
    for element in selected:
        if element.name == "a" and element.get("href"):
            yield element
            continue
        anchor = element.find("a", href=True)
        if isinstance(anchor, Tag):
            yield anchor


def _outside_boilerplate(anchor: Tag) -> bool:
    return not any(parent.name in _BOILERPLATE_PARENTS for parent in anchor.parents)


def _anchor_text(anchor: Tag) -> str:
    text = _SPACES.sub(" ", anchor.get_text(" ")).strip()
    if not text:
        text = _SPACES.sub(" ", str(anchor.get("title") or "")).strip()
    return text


def _base_url(soup: BeautifulSoup, url: str) -> str:
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        resolved = _absolute(url, str(base.get("href", "")))
        if resolved:
            return resolved
    return url


def _absolute(base: str, href: str) -> str | None:
    try:
        link, _fragment = urldefrag(urljoin(base, href.strip()))
    except ValueError:
        return None
    return link if link.startswith(("http://", "https://")) else None


def _site_of(host: str) -> str:
    labels = host.lower().rstrip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])
