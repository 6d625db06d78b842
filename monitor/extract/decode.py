"""Turn page bytes into text, trusting declared charsets only when the bytes agree.

Order of evidence (WHATWG "encoding sniffing", simplified): a byte-order mark
is definitive; non-ASCII bytes that form valid UTF-8 are UTF-8 (no legacy
charset produces that by chance, and mislabelled UTF-8 pages are common);
otherwise the HTTP ``Content-Type`` charset and the document's ``<meta
charset>`` are candidates, accepted when they agree and the bytes decode
cleanly under them. When they are absent, disagree, or fail to decode (a
windows-1251 page that claims UTF-8 is the classic case), charset-normalizer
decides.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)",
    re.IGNORECASE,
)
# WHATWG maps these labels to supersets; decoding with the superset never loses text.
_SUPERSETS = {
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}
_META_SCAN_BYTES = 4096
_DETECT_SAMPLE_BYTES = 200_000


@dataclass(frozen=True, slots=True)
class Decoded:
    """Page text and the codec it was read with (for logs and tests)."""

    text: str
    encoding: str


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> Decoded:
    """Decode page bytes to text; never raises (undecodable bytes become U+FFFD)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(encoding, errors="replace"), encoding)
    declared = [
        enc
        for enc in (_normalise(_header_charset(headers)), _normalise(_meta_charset(body)))
        if enc
    ]
    if not body.isascii() and _decodes_cleanly(body, "utf-8"):
        # Non-ASCII text that is valid UTF-8 is UTF-8 whatever the label says: text in a
        # single-byte charset almost never forms valid multi-byte sequences by chance.
        return Decoded(body.decode("utf-8"), "utf-8")
    if declared and len(set(declared)) == 1 and _decodes_cleanly(body, declared[0]):
        return Decoded(body.decode(declared[0]), declared[0])
    if not declared and body.isascii():
        return Decoded(body.decode("ascii"), "utf-8")
    return _detected(body, declared)


def _detected(body: bytes, declared: list[str]) -> Decoded:
    encoding = _detected_charset(body, declared)
    return Decoded(body.decode(encoding, errors="replace"), encoding)


def _header_charset(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for name, value in headers.items():
        if name.lower() == "content-type":
            match = _HEADER_CHARSET.search(value)
            return match.group(1) if match else None
    return None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_META_SCAN_BYTES])
    return match.group(1).decode("ascii", errors="ignore") if match else None


def _normalise(label: str | None) -> str | None:
    """Return Python's codec name for a charset label, or None when unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    if name.startswith("utf-16") or name.startswith("utf-32"):
        # A page decoded as text cannot really be UTF-16 without a BOM; the label lies.
        return "utf-8"
    return _SUPERSETS.get(name, name)


def _decodes_cleanly(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _detected_charset(body: bytes, declared: list[str]) -> str:
    """Ask charset-normalizer; among several declared labels prefer one the bytes fit."""
    clean = [enc for enc in declared if _decodes_cleanly(body, enc)]
    if len(clean) == 1 and clean[0] != "utf-8":
        # Single-byte codecs decode anything; only trust one the detector agrees with.
        guess = _guess(body)
        if guess is None or guess == clean[0]:
            return clean[0]
        return guess
    if len(clean) == 1:
        return clean[0]
    return _guess(body) or (clean[0] if clean else "utf-8")


def _guess(body: bytes) -> str | None:
    best = from_bytes(body[:_DETECT_SAMPLE_BYTES]).best()
    if best is None:
        return None
    return _normalise(best.encoding)
