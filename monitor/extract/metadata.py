"""Read an article's metadata from JSON-LD, OpenGraph, meta tags, <time> and its URL.

Sources are tried from the most to the least deliberate: JSON-LD (what the
publisher tells search engines, including ``@graph`` bundles), then OpenGraph
and article:* properties, then plain meta names, then visible markup, then the
URL. Every datetime comes out aware UTC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from monitor.extract.dates import date_in_url, parse_date

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenews",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
    "socialmediaposting",
    "techarticle",
    "scholarlyarticle",
    "report",
}
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publish-date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "cxenseparse:recs:publishtime",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "last-modified",
    "dcterms.modified",
)
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|»|/)\s+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Metadata:
    """Everything a page says about itself, before main-text extraction."""

    title: str = ""
    published: datetime | None = None
    modified: datetime | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    image: str | None = None
    description: str | None = None
    article_body: str | None = None


def read_metadata(root: HtmlElement, url: str) -> Metadata:
    """Collect the page's metadata; missing fields stay empty, nothing raises."""
    ld = _article_json_ld(root)
    meta = _meta_values(root)
    site_name = _first_text(_ld_name(ld.get("publisher")), meta.get("og:site_name"))
    title = _first_text(
        meta.get("og:title"),
        meta.get("twitter:title"),
        _as_text(ld.get("headline")),
        _title_tag(root),
        _first_h1(root),
    )
    return Metadata(
        title=clean_title(title or "", site_name),
        published=_first_date(
            ld.get("datePublished"),
            *(meta.get(key) for key in _PUBLISHED_META),
            _itemprop_date(root, "datePublished"),
            _time_element_date(root),
            ld.get("dateCreated"),
        )
        or date_in_url(url),
        modified=_first_date(
            ld.get("dateModified"),
            *(meta.get(key) for key in _MODIFIED_META),
            _itemprop_date(root, "dateModified"),
        ),
        authors=_authors(ld, meta, root),
        language=_first_text(
            root.get("lang"),
            root.get("xml:lang"),
            _as_text(ld.get("inLanguage")),
            meta.get("og:locale"),
            meta.get("content-language"),
            meta.get("language"),
        ),
        canonical_url=_absolute(url, _canonical_href(root) or meta.get("og:url")),
        site_name=site_name,
        image=_absolute(url, _first_text(_ld_image(ld.get("image")), meta.get("og:image"))),
        description=_first_text(
            meta.get("og:description"), meta.get("description"), _as_text(ld.get("description"))
        ),
        article_body=_as_text(ld.get("articleBody")),
    )


def clean_title(title: str, site_name: str | None) -> str:
    """Drop a trailing or leading " | Site Name" from a title, keeping the headline itself."""
    title = _SPACES.sub(" ", title).strip()
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site = (site_name or "").strip().casefold()
    if site:
        kept = [p for p in parts if p.strip().casefold() != site and site not in p.casefold()]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    # Without a known site name, drop a short last segment after a longer headline.
    head, tail = parts[:-1], parts[-1]
    head_text = " - ".join(head)
    if len(tail.split()) <= 4 and len(head_text) > 2 * len(tail):
        return head_text
    return title


def _article_json_ld(root: HtmlElement) -> dict[str, Any]:
    """Return the first JSON-LD object that describes an article (merged with none)."""
    fallback: dict[str, Any] = {}
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        for obj in _ld_objects(data, depth=0):
            kinds = obj.get("@type")
            names = {str(k).lower() for k in (kinds if isinstance(kinds, list) else [kinds])}
            if names & _ARTICLE_TYPES:
                return obj
            if not fallback and names & {"webpage", "newsmediaorganization"} and "headline" in obj:
                fallback = obj
    return fallback


def _ld_objects(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _ld_objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _ld_objects(data["@graph"], depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _ld_objects(main, depth + 1)


def _meta_values(root: HtmlElement) -> dict[str, str]:
    """Map lower-cased meta property/name/itemprop/http-equiv to the first non-empty content."""
    values: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key and key not in values:
                values[key] = content
    return values


def _authors(ld: dict[str, Any], meta: dict[str, str], root: HtmlElement) -> tuple[str, ...]:
    names = _ld_names(ld.get("author"))
    if not names:
        for key in ("article:author", "author", "parsely-author", "sailthru.author", "dc.creator"):
            value = meta.get(key)
            if value and not value.startswith("http"):
                names = [n.strip() for n in re.split(r",| and |;", value) if n.strip()]
                break
    if not names:
        names = [
            _text_of(el)
            for el in root.xpath('//*[@rel="author" or @itemprop="author"]')[:3]
            if _text_of(el)
        ]
    unique: list[str] = []
    for name in names:
        name = _SPACES.sub(" ", name).strip()
        if name and len(name) < 80 and name not in unique:
            unique.append(name)
    return tuple(unique)


def _ld_names(value: Any) -> list[str]:
    if isinstance(value, list):
        return [n for item in value for n in _ld_names(item)]
    name = _ld_name(value)
    return [name] if name else []


def _ld_name(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _as_text(value.get("name"))
    if isinstance(value, list) and value:
        return _ld_name(value[0])
    return None


def _ld_image(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        return _ld_image(value[0])
    if isinstance(value, dict):
        return _as_text(value.get("url") or value.get("contentUrl"))
    return None


def _as_text(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _first_text(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return _SPACES.sub(" ", value).strip()
    return None


def _first_date(*values: object) -> datetime | None:
    for value in values:
        parsed = parse_date(value)
        if parsed is not None:
            return parsed
    return None


def _itemprop_date(root: HtmlElement, prop: str) -> str | None:
    for el in root.xpath(f'//*[@itemprop="{prop}"]')[:3]:
        value = el.get("datetime") or el.get("content") or _text_of(el)
        if value:
            return value
    return None


def _time_element_date(root: HtmlElement) -> str | None:
    """Return the first <time datetime> of the article itself, else of the page.

    A page's first <time> is often in a "latest news" rail, so one inside
    <article> or <main> is preferred.
    """
    for path in ("//article//time[@datetime]", "//main//time[@datetime]", "//time[@datetime]"):
        for el in root.xpath(path)[:5]:
            if el.get("datetime"):
                return el.get("datetime")
    return None


def _title_tag(root: HtmlElement) -> str | None:
    title = root.find(".//title")
    return _text_of(title) if title is not None else None


def _first_h1(root: HtmlElement) -> str | None:
    for h1 in root.iter("h1"):
        text = _text_of(h1)
        if text:
            return text
    return None


def _canonical_href(root: HtmlElement) -> str | None:
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href")
    return None


def _absolute(base: str, href: str | None) -> str | None:
    if not href:
        return None
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return None


def _text_of(el: HtmlElement) -> str:
    return _SPACES.sub(" ", el.text_content()).strip()
