"""Read one article with the automaton: which terms occur, and (only when asked) where.

The scan is the hot path, so it does the least that every article needs: cut
the title and text into words, normalise them as one line, and run the
automaton over it once. Everything else (terms outside the index, word
positions, fields, exact case) is looked up lazily, only for the terms a
candidate rule asks about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from monitor.rules.model import Document, Occurrence
from monitor.rules.text import scanned_text, words

if TYPE_CHECKING:
    from monitor.rules.compiler import TermRef

_second = itemgetter(1)


@dataclass(frozen=True)
class TermKey:
    """A distinct automaton key: normalised words, the last one possibly a prefix."""

    words: tuple[str, ...]
    prefix: bool

    def pattern(self) -> str:
        return " " + " ".join(self.words) + ("" if self.prefix else " ")


class Line:
    """Two fields' words joined into one line for the automaton, with the hits found in it."""

    def __init__(self, names: tuple[str, str], first: str, second: str) -> None:
        self.names = names
        self.fields = (first, second)
        first_line, self.first_count, first_spaced = scanned_text(first)
        second_line, self.second_count, second_spaced = scanned_text(second)
        self.spaced = (first_spaced, second_spaced)
        parts = [first_line, "\n", second_line]
        self.text = " " + " ".join(part for part in parts if part) + " "
        self.second_start = len(first_line) + 4 if first_line else 3  # where its words begin
        # For each (field, word position) found: how many word characters come before it in
        # its field, which is where snippets start looking for it in the text as written.
        self.letters_before: dict[tuple[str, int], int] = {}
        self.cut: tuple[list[str], list[str]] | None = None
        self.hits: list[tuple[int, int]] = []  # (index of the last character, term id)

    def scan(self, automaton: Any) -> set[int]:
        """Return the ids of every term in the line, in one pass of the automaton."""
        if automaton is None:
            return set()
        self.hits = list(automaton.iter(self.text))
        return set(map(_second, self.hits))

    def originals(self) -> tuple[list[str], list[str]]:
        """The words of both fields as written (cut only when a rule needs them)."""
        if self.cut is None:
            self.cut = (words(self.fields[0]), words(self.fields[1]))
        return self.cut

    def positions(
        self,
        pattern: str,
        bare: str | None = None,
        term_id: int | None = None,
        first: int | None = None,
    ) -> list[tuple[int, int]]:
        """Find every (field number, word position) of a term in this line.

        Positions are needed only for the terms of NEAR, scoped, exact-case or
        matched rules, so they are worked out on demand: a term of the
        automaton (`term_id` given) from the ends of its hits, any other with
        `str.find` (C speed), from its `first` start when a lookup has found it.
        Overlapping occurrences count, as they do for the automaton. Word
        numbers come from counting spaces, once across the line; each word
        found also records its `letters_before`.
        """
        text = self.text
        if term_id is not None:
            before = len(pattern) - 1
            starts = [end - before for end, found in self.hits if found == term_id]
        else:
            start = pattern_start(text, pattern, bare) if first is None else first
            starts = pattern_starts(text, pattern, bare, start)
        first_count = self.first_count
        letters_before = self.letters_before
        found = []
        index, counted = -1, 0
        for start in starts:
            index += text.count(" ", counted, start + 1)
            counted = start + 1
            if index < first_count:
                found.append((0, index))
                letters_before[self.names[0], index] = start - index
            else:
                position = index - first_count - 1
                found.append((1, position))
                letters_before[self.names[1], position] = start + 1 - self.second_start - position
        return found


class Presence(dict[int, bool]):
    """Whether each term occurs in the title or text, by term id.

    The automaton holds only the terms rules are indexed under; its hits seed
    this map. Any other term a candidate rule asks about is looked up once in
    the normalised line (a C substring search): the Lucene Monitor way, where
    the index selects candidate queries and each candidate is then run in full.
    """

    def __init__(self, found: set[int], line: str, compiled: Compiled) -> None:
        super().__init__(dict.fromkeys(found, True))
        self.indexed = compiled.indexed
        self.line = line
        self.patterns = compiled.patterns
        self.bares = compiled.bares
        self.firsts: dict[int, int] = {}  # where each term found by a search first starts

    def __missing__(self, term_id: int) -> bool:
        value = False
        if term_id not in self.indexed:
            bare = self.bares[term_id]
            # Nearly every lookup is of a word the article lacks: one C search says so.
            if bare is None or bare in self.line:
                start = pattern_start(self.line, self.patterns[term_id], bare)
                if start >= 0:
                    value = True
                    self.firsts[term_id] = start
        self[term_id] = value
        return value


# Whole-word keys at least this long (" w " with w of 5 letters) are searched for as bare words.
_BARE = 7


def bare_word(pattern: str) -> str | None:
    """Return the word to search for instead of a whole-word key, or None to search the key.

    `str.find` skips ahead by the characters of the key, and the spaces
    around a whole-word key are the commonest characters of a line. So a
    longer word is searched for bare, and the spaces around each find checked
    after: such a word is rarely inside another, so there are few finds to check.
    """
    if len(pattern) < _BARE or pattern[-1] != " ":
        return None
    return pattern[1:-1]


def pattern_start(line: str, pattern: str, bare: str | None, start: int = 0) -> int:
    """Return `line.find(pattern, start)`, searching for `bare` (`bare_word(pattern)`) if set.

    A line begins and ends with a space, so a bare find has a character either side.
    """
    if bare is None:
        return line.find(pattern, start)
    after = len(bare)
    found = line.find(bare, start + 1)
    while found >= 0:
        if line[found - 1] == " " and line[found + after] == " ":
            return found - 1
        found = line.find(bare, found + 1)
    return -1


def pattern_starts(line: str, pattern: str, bare: str | None, first: int) -> list[int]:
    """List where a key starts in a line from its `first` start on, overlapping ones too."""
    starts = []
    start = first
    while start >= 0:
        starts.append(start)
        start = pattern_start(line, pattern, bare, start + 1)
    return starts


class Scan:
    """The automaton's reading of one document, and lookups of what candidate rules ask."""

    def __init__(self, automaton: Any, doc: Document, compiled: Compiled) -> None:
        self.compiled = compiled
        self.body = Line(("title", "text"), doc.title, doc.text)
        found = self.body.scan(automaton)
        self.present = Presence(found, self.body.text, compiled)
        self.meta: Line | None = None
        self.body_found = found
        self.found = found
        if compiled.with_meta:
            self.meta = Line(("url", "source"), doc.url, doc.source)
            self.found = found | self.meta.scan(automaton)
        self.cache: dict[TermRef, list[Occurrence]] = {}

    def body_counts(self) -> dict[str, int]:
        return {"title": self.body.first_count, "text": self.body.second_count}

    def body_letters_before(self) -> dict[tuple[str, int], int]:
        """`Line.letters_before` of the title and text: anchors for cutting snippets."""
        return self.body.letters_before

    def body_spaced(self) -> dict[str, str | None]:
        """The title and text with separators made spaces, for snippets to find words in."""
        return {"title": self.body.spaced[0], "text": self.body.spaced[1]}

    def has(self, ref: TermRef) -> bool:
        return bool(self.occurrences(ref))

    def occurrences(self, ref: TermRef) -> list[Occurrence]:
        """Every occurrence of the term that satisfies its scope and exact case."""
        in_meta = ref.scope in ("url", "source")
        if (self.meta is None) if in_meta else not self.present[ref.term_id]:
            return []
        cached = self.cache.get(ref)
        if cached is None:
            cached = self.cache[ref] = self.find(ref, self.meta if in_meta else self.body)
        return cached

    def find(self, ref: TermRef, line: Line | None) -> list[Occurrence]:
        if line is None:
            return []
        term_id = ref.term_id
        size = self.compiled.sizes[term_id]
        pattern = self.compiled.patterns[term_id]
        found = []
        indexed = term_id in self.compiled.indexed
        first = None if indexed or line is not self.body else self.present.firsts.get(term_id)
        bare = self.compiled.bares[term_id]
        for number, position in line.positions(pattern, bare, term_id if indexed else None, first):
            field = line.names[number]
            if ref.scope is not None and field != ref.scope:
                continue
            if ref.exact is not None and not _same_case(ref, line.originals()[number], position):
                continue
            found.append(Occurrence(field, position, position + size))
        return found


@dataclass(frozen=True)
class Compiled:
    """What a scan needs to know about the compiled rules."""

    patterns: list[str]  # automaton key of each term id
    sizes: list[int]  # words in each term
    indexed: frozenset[int]  # term ids in the automaton
    with_meta: bool  # some rule looks at url: or source:
    bares: list[str | None] = field(init=False)  # `bare_word` of each pattern

    def __post_init__(self) -> None:
        object.__setattr__(self, "bares", [bare_word(pattern) for pattern in self.patterns])


def _same_case(ref: TermRef, originals: list[str], position: int) -> bool:
    assert ref.exact is not None
    last = len(ref.exact) - 1
    for k, wanted in enumerate(ref.exact):
        actual = originals[position + k]
        fits = actual.startswith(wanted) if ref.prefix and k == last else actual == wanted
        if not fits:
            return False
    return True
