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
import unicodedata


def _mark_ranges(low: int, high: int) -> str:
    """Build a character-class body of every combining mark (Mn, Mc, Me) in [low, high).

    Python's `\\w` excludes marks, which would split Devanagari or Arabic words
    at their vowel signs.
    """
    parts: list[str] = []
    start: int | None = None
    for cp in range(low, high + 1):
        is_mark = cp < high and unicodedata.category(chr(cp)).startswith("M")
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            parts.append(f"\\U{start:08x}-\\U{cp - 1:08x}")
            start = None
    return "".join(parts)


# Marks outside the Basic Multilingual Plane (historic scripts, variation selectors)
# make every character test slow, so they are only in the pattern for texts that
# contain such characters at all.
_BMP_MARKS = _mark_ranges(0, 0x10000)
_ALL_MARKS = _BMP_MARKS + _mark_ranges(0x10000, 0x20000) + _mark_ranges(0xE0000, 0xE1000)
_BMP_CJK = (
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
)
_ALL_CJK = _BMP_CJK + "\U00020000-\U0003134f"
_APOSTROPHES = "'\u2019\u02bc"


def _word_regex(marks: str, cjk: str | None) -> re.Pattern[str]:
    """One capture group, so findall returns each word without its possessive "'s"."""
    possessive = f"(?:[{_APOSTROPHES}][sS](?![\\w{marks}]))?"
    if cjk is None:
        return re.compile(f"([\\w{marks}]+){possessive}")
    return re.compile(f"([{cjk}]|(?:(?![{cjk}])[\\w{marks}])+){possessive}")


_PATTERNS = {
    (False, False): _word_regex(_BMP_MARKS, None),
    (False, True): _word_regex(_BMP_MARKS, _BMP_CJK),
    (True, False): _word_regex(_ALL_MARKS, None),
    (True, True): _word_regex(_ALL_MARKS, _ALL_CJK),
}
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_HAS_CJK = {False: re.compile(f"[{_BMP_CJK}]"), True: re.compile(f"[{_ALL_CJK}]")}
_MARK_RES = {False: re.compile(f"[{_BMP_MARKS}]+"), True: re.compile(f"[{_ALL_MARKS}]+")}


def _word_pattern(text: str) -> re.Pattern[str]:
    """Pick the fastest pattern that still handles every character of the text."""
    if text.isascii():
        return _PATTERNS[False, False]
    astral = _ASTRAL.search(text) is not None
    return _PATTERNS[astral, _HAS_CJK[astral].search(text) is not None]


# ASCII text (most of it in English news, once typographic quotes are mapped) takes a
# path several times faster than any regular expression: drop possessives, turn every
# character that is not a letter, digit or underscore into a space, split.
_ASCII_POSSESSIVE = re.compile(r"'(?<=\w')[sS](?!\w)", re.ASCII)
_STACKED_POSSESSIVE = re.compile(r"'[sS]'")
_ASCII_SEPARATORS = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}
)
_ASCII_FOLD = str.maketrans(
    {chr(c): " " if not (chr(c).isalnum() or chr(c) == "_") else chr(c).lower() for c in range(128)}
)
_TYPOGRAPHY = (("\u2019", "'"), ("\u2018", " "), ("\u201c", " "), ("\u201d", " "),
               ("\u2014", " "), ("\u2013", " "), ("\u00a0", " "), ("\u2026", " "))  # fmt: skip


def _plain_ascii(text: str) -> str | None:
    """Return `text` with typographic punctuation made ASCII, or None if it needs the full pattern.

    Besides non-ASCII letters, that is a possessive right after a possessive
    ("x's's"), which the one-pass possessive removal would read differently.
    """
    if not text.isascii():
        for fancy, plain in _TYPOGRAPHY:
            if fancy in text:
                text = text.replace(fancy, plain)
        if not text.isascii():
            return None
    if "'" in text and _STACKED_POSSESSIVE.search(text):
        return None
    return text


def words(text: str) -> list[str]:
    """Return the words of `text` in their original spelling, in order."""
    plain = _plain_ascii(text)
    if plain is None:
        return _word_pattern(text).findall(text)
    if "'" in plain:
        plain = _ASCII_POSSESSIVE.sub("", plain)
    return plain.translate(_ASCII_SEPARATORS).split()


class WordSpans:
    """Where each word of a text starts and ends, found on demand (snippets need a few).

    For ASCII text, a copy of the same length with every separator (and each
    possessive "'s") turned into spaces lets `str.split(None, k)` find word k
    in C. Other texts are cut once with the word pattern.
    """

    def __init__(self, text: str, spaced: str | None = None) -> None:
        """`spaced`, when given, is `spaced_text(text)` (or its lowercase) computed already."""
        self.text = text
        self.spaced = spaced if spaced is not None else spaced_text(text)
        self.found: list[tuple[int, int]] | None = None

    def window(
        self,
        start: int,
        stop: int,
        count: int | None = None,
        anchor: tuple[int, int] | None = None,
    ) -> tuple[int, int]:
        """Return the offsets from the start of word `start` to the end of word `stop - 1`.

        Finding word k from an end of the text costs a split of k words. An
        `anchor`, a word in the window and how many word characters come
        before it in the text (`Line.letters_before`), saves that: the word is
        found with a few counts in C and the window's ends a few words from it.
        Otherwise, given the text's `count` of words, a window nearer the end
        is found from the end.
        """
        spaced = self.spaced
        if spaced is None:
            return self.span(start)[0], self.span(stop - 1)[1]
        if anchor is not None:
            index, letters = anchor
            at = self.word_start(letters)
            return self.start_before(at, index - start), self.end_after(at, stop - 1 - index)
        if count is not None and count - stop < start:
            head = spaced.rsplit(None, count - stop)[0]  # ends with word stop - 1
            through_start = head.rsplit(None, stop - start - 1)[0]
            return through_start.rfind(" ") + 1, len(head)
        rest = spaced.split(None, start)[-1]
        first = len(spaced) - len(rest)
        last_word = rest.split(None, stop - start - 1)[-1]
        end = last_word.find(" ")
        return first, len(spaced) - len(last_word) + (end if end >= 0 else len(last_word))

    def word_start(self, letters: int) -> int:
        """Return where the word with `letters` word characters before it starts.

        Offset p of the spaced text has p minus the spaces before it word
        characters before it. Starting from p = `letters` and adding the spaces
        before p until there are no more reaches the end of the word before,
        in a few counts; the word starts after the spaces there.
        """
        spaced = self.spaced
        assert spaced is not None
        counted, offset = letters, letters + spaced.count(" ", 0, letters)
        more = spaced.count(" ", counted, offset)
        while more:
            counted, offset = offset, offset + more
            more = spaced.count(" ", counted, offset)
        while spaced[offset] == " ":
            offset += 1
        return offset

    def start_before(self, at: int, back: int) -> int:
        """Return where the word `back` words before the word starting at `at` starts."""
        spaced = self.spaced
        assert spaced is not None
        reach = 16 * (back + 1)
        while back > 0:
            low = max(0, at - reach)
            head = spaced[low:at]
            parts = head.rsplit(None, back)
            if len(parts) > back:  # the rest of the head, then the `back` words
                return low + head.find(parts[1], len(parts[0]))
            if low == 0:  # no more words before: the first word of the text
                return len(head) - len(head.lstrip())
            reach *= 4
        return at

    def end_after(self, at: int, ahead: int) -> int:
        """Return where the word `ahead` words after the word starting at `at` ends."""
        spaced = self.spaced
        assert spaced is not None
        reach = 16 * (ahead + 2)
        while True:
            high = min(len(spaced), at + reach)
            tail = spaced[at:high]
            parts = tail.split(None, ahead)
            if len(parts) > ahead:  # the last part starts with the word
                end = spaced.find(" ", high - len(parts[-1]))
                return end if end >= 0 else len(spaced)
            if high == len(spaced):  # no more words after: the end of the last word
                return at + len(tail.rstrip())
            reach *= 4

    def span(self, index: int) -> tuple[int, int]:
        """Return the (start, end) offsets of word `index` (0-based) in the text."""
        if self.spaced is not None:
            start = len(self.spaced) - len(self.spaced.split(None, index)[-1])
            end = self.spaced.find(" ", start)
            return start, end if end >= 0 else len(self.spaced)
        if self.found is None:
            self.found = word_spans(self.text)
        return self.found[index]


def word_spans(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) offset of each word of `text`; the same words as `words`."""
    return [match.span(1) for match in _word_pattern(text).finditer(text)]


def normalize(text: str) -> str:
    """Casefold `text` and strip its combining marks; spaces and newlines are kept as they are."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return _MARK_RES[_ASTRAL.search(decomposed) is not None].sub("", decomposed)


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


def spaced_text(text: str) -> str | None:
    """Return `text` with every separator and possessive "'s" made a space, offsets unchanged.

    Its whitespace-separated runs are the words of `text`, at the same offsets,
    which is how snippets find word boundaries in C. None when the text needs
    the full word pattern (non-ASCII letters).
    """
    plain = _plain_ascii(text)
    if plain is None:
        return None
    if "'" in plain:
        plain = _ASCII_POSSESSIVE.sub("  ", plain)
    return plain.translate(_ASCII_SEPARATORS)


def text_line(text: str) -> tuple[str, int]:
    """Return the normalised words of `text` joined by single spaces, and how many there are.

    The same as `normalized_line(words(text))`, without making the list of
    words first when the text is ASCII (the hot path of every article).
    """
    line, count, _ = scanned_text(text)
    return line, count


def scanned_text(text: str) -> tuple[str, int, str | None]:
    """Return `text_line(text)` and, for ASCII text, a lowercase `spaced_text(text)` on the way.

    The article scan needs the line; the snippets of its matches need the
    spaced text. Both come from one translation of the text.
    """
    plain = _plain_ascii(text)
    if plain is None:
        cut = words(text)
        return normalized_line(cut), len(cut), None
    if "'" in plain:
        plain = _ASCII_POSSESSIVE.sub("  ", plain)
    spaced = plain.translate(_ASCII_FOLD)
    folded = spaced.split()
    return " ".join(folded), len(folded), spaced


def normalized_words(text: str) -> list[str]:
    """Return the normalised words of `text` (the form queries and articles are compared in)."""
    return normalize_words(words(text))
