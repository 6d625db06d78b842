"""Read RSS 0.9x/1.0/2.0, Atom and JSON Feed bodies into entries, refusing hostile XML.

Feeds are untrusted bytes. Three defences run before feedparser sees them:
the body is decoded here (so a feed whose bytes contradict its declared
charset still reads as text, and feedparser gets exactly one consistent
UTF-8 document); any entity declaration is refused, because when expat
rejects a document feedparser retries with a loose parser that expands
entities itself (billion laughs, quadratic blowup); and feedparser is given a
file object, never a string it might open as a path or a URL.
"""

from __future__ import annotations

import codecs
import io
import json
import logging
import re
import time
import warnings
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import feedparser  # type: ignore[import-untyped]
from bs4 import BeautifulSoup

from monitor.sources import Entry, SourceParseError

__all__ = ["decode_document", "parse_feed", "refuse_entity_declarations"]

log = logging.getLogger(__name__)

_JSON_FEED_VERSION = "https://jsonfeed.org/version/"
_ENTITY_DECLARATION = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
_XML_DECLARATION_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)
_TEXT_DECLARATION_ENCODING = re.compile(
    r"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WHITESPACE = re.compile(r"\s+")
_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]|$)")


def parse_feed(
    body: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    max_entries: int = 1000,
) -> list[Entry]:
    """The entries of a feed, in document order, at most `max_entries`, each with an http(s) URL.

    Raises SourceParseError(kind="feed") when the body is not a feed at all,
    is hostile, or is broken beyond recovering any entry; a valid feed with no
    items gives [].
    """
    if max_entries < 1:
        raise ValueError(f"max_entries must be at least 1, got {max_entries}")
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if _looks_like_json(body, headers):
        return _parse_json_feed(body, url, max_entries)
    text = decode_document(body, _header_charset(headers))
    refuse_entity_declarations(text, url)
    return _parse_xml_feed(text, url, headers, max_entries)


def refuse_entity_declarations(text: str, url: str) -> None:
    """Raise SourceParseError if the document declares entities anywhere.

    The prolog is the only place XML allows them, but a loose parser takes
    them wherever they stand, so the whole decoded text is checked: no real
    feed declares entities (a literal "<!ENTITY" in content is escaped).
    """
    if _ENTITY_DECLARATION.search(text):
        raise SourceParseError(
            f"{url}: entity declarations are refused (possible entity-expansion attack)",
            kind="feed",
        )


def decode_document(body: bytes, header_charset: str | None = None) -> str:
    """The document as text, trusting bytes over labels when the labels cannot be right.

    Order: a BOM; a declared UTF-16/32; strict UTF-8 (valid multi-byte UTF-8
    almost never happens by accident); the XML declaration's and then the
    header's charset if the bytes decode with it; charset-normalizer's guess.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return _decode_or_none(body, encoding) or body.decode(encoding, "replace")
    declared = _declared_encoding(body)
    if declared and declared.startswith(("utf-16", "utf-32")):
        text = _decode_or_none(body, declared)
        if text is not None:
            return text
    text = _decode_or_none(body, "utf-8")
    if text is not None:
        return text
    for candidate in (declared, header_charset):
        if candidate:
            text = _decode_or_none(body, candidate)
            if text is not None:
                return text
    best = charset_normalizer.from_bytes(body).best()
    if best is not None:
        return str(best)
    return body.decode("utf-8", "replace")


def _decode_or_none(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def _declared_encoding(body: bytes) -> str | None:
    head = body[:1024]
    if head.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if head.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    match = _XML_DECLARATION_ENCODING.match(head)
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def _header_charset(headers: Mapping[str, str]) -> str | None:
    for parameter in headers.get("content-type", "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _looks_like_json(body: bytes, headers: Mapping[str, str]) -> bool:
    content_type = headers.get("content-type", "").lower()
    if "json" in content_type:
        return True
    return body.lstrip(b" \t\r\n\xef\xbb\xbf")[:1] == b"{"


# ---- RSS, RDF and Atom through feedparser -------------------------------------------------


def _parse_xml_feed(
    text: str, url: str, headers: Mapping[str, str], max_entries: int
) -> list[Entry]:
    document = _as_utf8_document(text)
    response_headers = {
        "content-type": "application/xml; charset=utf-8",
        "content-location": url,
    }
    if "content-language" in headers:
        response_headers["content-language"] = headers["content-language"]
    try:
        parsed = feedparser.parse(
            io.BytesIO(document),  # a file object: feedparser opens strings as paths or URLs
            response_headers=response_headers,
            resolve_relative_uris=True,
            sanitize_html=True,
        )
    except Exception as exc:  # feedparser on hostile input: any failure is a parse failure
        raise SourceParseError(f"{url}: feed parser failed: {exc!r}", kind="feed") from exc
    if not parsed.entries and not parsed.get("bozo") and not parsed.get("version"):
        raise SourceParseError(f"{url}: not a feed (no RSS, RDF or Atom root)", kind="feed")
    feed_language = _language(_field(parsed.feed, "language") or headers.get("content-language"))
    entries: list[Entry] = []
    for item in parsed.entries:
        entry = _entry_from_feedparser(item, url, feed_language)
        if entry is not None:
            entries.append(entry)
            if len(entries) >= max_entries:
                break
    if parsed.get("bozo"):
        problem = parsed.get("bozo_exception")
        if not entries:
            # Nothing usable came out of the broken document: report the parser's complaint.
            raise SourceParseError(f"{url}: not a readable feed: {problem}", kind="feed")
        log.debug("feed_recovered url=%s entries=%d problem=%s", url, len(entries), problem)
    return entries


def _field(item: Any, key: str) -> Any:
    """A feedparser value by its own name, bypassing the deprecated key aliases (and warnings)."""
    return dict.get(item, key) if isinstance(item, dict) else None


def _as_utf8_document(text: str) -> bytes:
    """The text re-encoded as UTF-8, with a declaration that says so."""
    text = text.lstrip("\ufeff \t\r\n")
    text = _TEXT_DECLARATION_ENCODING.sub(r'\1"utf-8"', text, count=1)
    return text.encode("utf-8", "replace")


def _entry_from_feedparser(item: Any, base: str, feed_language: str | None) -> Entry | None:
    guid = _clean(_field(item, "id"))
    link = _absolute_http_url(_field(item, "link"), base) or _absolute_http_url(guid, "")
    if link is None:
        return None
    title = _text_of(_field(item, "title"), _field(item, "title_detail"))
    summary = _text_of(_field(item, "summary"), _field(item, "summary_detail"))
    if not summary and _field(item, "content"):
        first = _field(item, "content")[0]
        summary = _text_of(_field(first, "value"), first)
    return Entry(
        url=link,
        guid=guid,
        title=title,
        summary=summary,
        published=_first_time(
            _field(item, key) for key in ("published_parsed", "updated_parsed", "created_parsed")
        ),
        authors=_feedparser_authors(item),
        language=_entry_language(item) or feed_language,
    )


def _text_of(value: object, detail: Any) -> str:
    if not isinstance(value, str):
        return ""
    kind = detail.get("type", "") if isinstance(detail, Mapping) else ""
    if "html" in kind or "<" in value:
        return strip_html(value)
    return _squash(value)


def _first_time(values: Iterable[object]) -> datetime | None:
    for value in values:
        if isinstance(value, time.struct_time):
            try:
                return datetime(*value[:6], tzinfo=UTC)
            except (ValueError, OverflowError):
                continue
    return None


def _feedparser_authors(item: Any) -> tuple[str, ...]:
    names: list[str] = []
    for author in _field(item, "authors") or []:
        if isinstance(author, Mapping):
            names.append(_squash(str(author.get("name") or "")))
    if not any(names):
        names = [_squash(str(_field(item, "author") or ""))]
    return _unique(names)


def _entry_language(item: Any) -> str | None:
    for key in ("title_detail", "summary_detail"):
        detail = _field(item, key)
        if isinstance(detail, Mapping) and detail.get("language"):
            return _language(detail["language"])
    for content in _field(item, "content") or []:
        if isinstance(content, Mapping) and content.get("language"):
            return _language(content["language"])
    return None


# ---- JSON Feed 1.0 / 1.1 (https://www.jsonfeed.org/version/1.1/) -------------------------


def _parse_json_feed(body: bytes, url: str, max_entries: int) -> list[Entry]:
    text = _decode_or_none(body, "utf-8-sig") or decode_document(body)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise SourceParseError(f"{url}: invalid JSON: {exc}", kind="feed") from exc
    if not isinstance(document, dict):
        raise SourceParseError(f"{url}: not a JSON Feed (top level is not an object)", kind="feed")
    version = document.get("version")
    if not isinstance(version, str) or not version.startswith(_JSON_FEED_VERSION):
        raise SourceParseError(f"{url}: not a JSON Feed (version is {version!r})", kind="feed")
    items = document.get("items")
    if not isinstance(items, list):
        raise SourceParseError(f"{url}: JSON Feed without an items list", kind="feed")
    feed_language = _language(_string(document, "language"))
    feed_authors = _json_authors(document)
    entries: list[Entry] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        entry = _entry_from_json(item, url, feed_language, feed_authors)
        if entry is not None:
            entries.append(entry)
            if len(entries) >= max_entries:
                break
    return entries


def _entry_from_json(
    item: dict[str, Any], base: str, feed_language: str | None, feed_authors: tuple[str, ...]
) -> Entry | None:
    raw_id = item.get("id")
    guid = _clean(str(raw_id)) if isinstance(raw_id, str | int) and raw_id is not True else None
    if raw_id is False:
        guid = None
    link = (
        _absolute_http_url(_string(item, "url"), base)
        or _absolute_http_url(_string(item, "external_url"), base)
        or _absolute_http_url(guid, "")  # an id stands for a link only when it is absolute
    )
    if link is None:
        return None
    summary = _squash(_string(item, "summary") or _string(item, "content_text") or "")
    if not summary:
        summary = strip_html(_string(item, "content_html") or "")
    return Entry(
        url=link,
        guid=guid,
        title=_squash(_string(item, "title") or ""),
        summary=summary,
        published=_rfc3339(_string(item, "date_published") or _string(item, "date_modified")),
        authors=_json_authors(item) or feed_authors,
        language=_language(_string(item, "language")) or feed_language,
    )


def _json_authors(holder: Mapping[str, Any]) -> tuple[str, ...]:
    candidates = holder.get("authors")
    if not isinstance(candidates, list):
        candidates = [holder.get("author")]  # JSON Feed 1.0
    names = [
        _squash(author["name"])
        for author in candidates
        if isinstance(author, dict) and isinstance(author.get("name"), str)
    ]
    return _unique(names)


def _string(holder: Mapping[str, Any], key: str) -> str | None:
    value = holder.get(key)
    return value if isinstance(value, str) else None


def _rfc3339(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


# ---- shared -------------------------------------------------------------------------------


def strip_html(html: str) -> str:
    """Readable plain text of an HTML fragment: tags, scripts and styles gone, spaces squashed."""
    if "<" not in html and "&" not in html:
        return _squash(html)
    with warnings.catch_warnings():
        # bs4 warns about inputs that look like file names or XML; here they are just text.
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(html, "html.parser")
        for element in soup(["script", "style", "template"]):
            element.decompose()
        return _squash(soup.get_text(" "))


def _absolute_http_url(link: object, base: str) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        absolute = urljoin(base, link.strip())
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return absolute


def _language(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    match = _LANGUAGE.match(value.strip())
    return match.group(1).lower() if match else None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _squash(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for name in names if name))
