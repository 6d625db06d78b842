"""Cut text into words and normalise them, the same way for queries and for articles.

A word is a run of letters, digits and combining marks in any script. Hyphens,
apostrophes and punctuation separate words, so "cross-border" is the two words
"cross border"; a possessive "'s" is dropped, so "Tajikistan's" is "Tajikistan".
Han, kana and Hangul-less CJK text has no spaces, so each ideograph or kana is
its own word and a query term in those scripts becomes a phrase of characters.

Normalised words are Unicode-casefolded with their combining marks removed
(NFKD), so "Émigré", "emigre" and "ÉMIGRÉ" are one word, and so are "Ёлка" and
"елка". Both sides of a comparison always go through `normalize`, which is
what makes matching case- and accent-insensitive in every script.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator


def _mark_ranges() -> str:
    """Build a character-class body of every combining mark (categories Mn, Mc, Me).

    Python's `\\w` excludes marks, which would split Devanagari or Arabic words
    at their vowel signs; the planes scanned here hold every assigned mark.
    """
    parts: list[str] = []
    start: int | None = None
    codepoints = [*range(0x20000), *range(0xE0000, 0xE1000), sys.maxunicode + 1]
    for cp in codepoints:
        is_mark = cp <= sys.maxunicode and unicodedata.category(chr(cp)).startswith("M")
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            parts.append(f"\\U{start:08x}-\\U{cp - 1:08x}")
            start = None
    return "".join(parts)


_MARKS = _mark_ranges()
_CJK = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_APOSTROPHES = "'\u2019\u02bc"
_POSSESSIVE = f"(?:[{_APOSTROPHES}][sS](?![\\w{_MARKS}]))?"

# One capture group: findall returns the word without its possessive "'s".
_WORD_RE = re.compile(f"([\\w{_MARKS}]+){_POSSESSIVE}")
_WORD_CJK_RE = re.compile(f"([{_CJK}]|(?:(?![{_CJK}])[\\w{_MARKS}])+){_POSSESSIVE}")
_HAS_CJK_RE = re.compile(f"[{_CJK}]")
_MARK_RE = re.compile(f"[{_MARKS}]+")


def _word_pattern(text: str) -> re.Pattern[str]:
    """Pick the fast pattern unless the text holds CJK characters that need splitting."""
    if text.isascii() or not _HAS_CJK_RE.search(text):
        return _WORD_RE
    return _WORD_CJK_RE


def words(text: str) -> list[str]:
    """Return the words of `text` in their original spelling, in order."""
    return _word_pattern(text).findall(text)


def word_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield the (start, end) offset of each word of `text`; the same words as `words`."""
    for match in _word_pattern(text).finditer(text):
        yield match.span(1)


def normalize(text: str) -> str:
    """Casefold `text` and strip its combining marks; spaces and newlines are kept as they are."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    return _MARK_RE.sub("", unicodedata.normalize("NFKD", folded))


def normalize_words(originals: list[str]) -> list[str]:
    """Normalise each word; a compatibility form never splits a word in two."""
    return [normalize(word).replace(" ", "") for word in originals]


def normalized_line(originals: list[str]) -> str:
    """Return the normalised words joined by single spaces, for the automaton to scan.

    Normalising the joined line at once is several times faster than word by
    word; the rare compatibility characters whose decomposition contains a
    space (Arabic ligatures) fall back to the word-by-word path.
    """
    line = normalize(" ".join(originals))
    if line.isascii() or line.count(" ") == max(len(originals) - 1, 0):
        return line
    return " ".join(normalize_words(originals))


def normalized_words(text: str) -> list[str]:
    """Return the normalised words of `text` (the form queries and articles are compared in)."""
    return normalize_words(words(text))
