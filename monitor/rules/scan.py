"""Read one article with the automaton: which terms occur, and (only when asked) where.

The scan is the hot path, so it does the least that every article needs: cut
the title and text into words, normalise them as one line, and run the
automaton over it once. Everything else (terms outside the index, word
positions, fields, exact case) is looked up lazily, only for the terms a
candidate rule asks about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor.rules.model import Document, Occurrence
from monitor.rules.text import scanned_text, words

if TYPE_CHECKING:
    from monitor.rules.compiler import TermRef


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
        self.cut: tuple[list[str], list[str]] | None = None

    def scan(self, automaton: Any) -> set[int]:
        """Return the ids of every term in the line, in one pass of the automaton."""
        if automaton is None:
            return set()
        return {term_id for _, term_id in automaton.iter(self.text)}

    def originals(self) -> tuple[list[str], list[str]]:
        """The words of both fields as written (cut only when a rule needs them)."""
        if self.cut is None:
            self.cut = (words(self.fields[0]), words(self.fields[1]))
        return self.cut

    def positions(self, pattern: str) -> list[tuple[int, int]]:
        """Find every (field number, word position) of a term the automaton saw in this line.

        Positions are needed only for the few terms of NEAR, scoped, exact-case
        or matched rules, so they are found on demand with `str.find` (C speed)
        rather than kept for every hit of every article. Overlapping
        occurrences count, as they do for the automaton.
        """
        found = []
        text = self.text
        start = text.find(pattern)
        while start >= 0:
            index = text.count(" ", 0, start + 1) - 1
            if index < self.first_count:
                found.append((0, index))
            else:
                found.append((1, index - self.first_count - 1))
            start = text.find(pattern, start + 1)
        return found


class Presence(dict[int, bool]):
    """Whether each term occurs in the title or text, by term id.

    The automaton holds only the terms rules are indexed under; its hits seed
    this map. Any other term a candidate rule asks about is looked up once in
    the normalised line (a C substring search): the Lucene Monitor way, where
    the index selects candidate queries and each candidate is then run in full.
    """

    def __init__(
        self, found: set[int], indexed: frozenset[int], line: str, patterns: list[str]
    ) -> None:
        super().__init__(dict.fromkeys(found, True))
        self.indexed = indexed
        self.line = line
        self.patterns = patterns

    def __missing__(self, term_id: int) -> bool:
        value = term_id not in self.indexed and self.patterns[term_id] in self.line
        self[term_id] = value
        return value


class Scan:
    """The automaton's reading of one document, and lookups of what candidate rules ask."""

    def __init__(self, automaton: Any, doc: Document, compiled: Compiled) -> None:
        self.compiled = compiled
        self.body = Line(("title", "text"), doc.title, doc.text)
        found = self.body.scan(automaton)
        self.present = Presence(found, compiled.indexed, self.body.text, compiled.patterns)
        self.meta: Line | None = None
        self.found = found
        if compiled.with_meta:
            self.meta = Line(("url", "source"), doc.url, doc.source)
            self.found = found | self.meta.scan(automaton)
        self.cache: dict[TermRef, list[Occurrence]] = {}

    def body_counts(self) -> dict[str, int]:
        return {"title": self.body.first_count, "text": self.body.second_count}

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
        size = self.compiled.sizes[ref.term_id]
        found = []
        for number, position in line.positions(self.compiled.patterns[ref.term_id]):
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


def _same_case(ref: TermRef, originals: list[str], position: int) -> bool:
    assert ref.exact is not None
    last = len(ref.exact) - 1
    for k, wanted in enumerate(ref.exact):
        actual = originals[position + k]
        fits = actual.startswith(wanted) if ref.prefix and k == last else actual == wanted
        if not fits:
            return False
    return True
