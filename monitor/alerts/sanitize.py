"""Make untrusted article text safe for one-line places: mail headers and terminal lines."""

from __future__ import annotations

import unicodedata

# Cc: C0/C1 controls (CR, LF, ESC...); Cf: invisible format characters (bidi overrides);
# Zl/Zp: Unicode line and paragraph separators, which some readers treat as newlines.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def strip_control_characters(text: str) -> str:
    """Return `text` as one line: controls and separators become spaces, runs of spaces collapse."""
    cleaned = "".join(
        " " if unicodedata.category(char) in _UNSAFE_CATEGORIES else char for char in text
    )
    return " ".join(cleaned.split())


def neutralise_encoded_words(text: str) -> str:
    """Break RFC 2047 encoded-word openers so a header parser cannot decode hidden newlines.

    `EmailMessage` decodes `=?charset?q?...?=` in header values it is given; on unpatched
    Pythons (CVE-2024-6923) a decoded CR/LF is then written raw, injecting headers.
    """
    return text.replace("=?", "= ?")


def one_line_header_text(text: str, *, limit: int) -> str:
    """Return article text fit for a mail header: one line, no encoded words, `limit` chars."""
    line = neutralise_encoded_words(strip_control_characters(text))
    if len(line) <= limit:
        return line
    return line[: limit - 1].rstrip() + "…"
