"""Read one article with the automaton: which terms occur, and (only when asked) where.

The scan is the hot path, so it does the least that every article needs: cut
the title and text into words, normalise them as one line, and collect the
automaton's hits. Word positions, field names and exact-case checks are worked
out lazily, only for the terms a candidate rule asks about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor.rules.model import Document, Occurrence
from monitor.rules.text import normalized_line, words

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

    def __init__(self, names: tuple[str, str], first: list[str], second: list[str]) -> None:
        self.names = names
        self.first = first
        self.second = second
        parts = [normalized_line(first), "\n", normalized_line(second)]
        self.text = " " + " ".join(part for part in parts if part) + " "
        self.hits: list[tuple[int, int]] = []
        self.ends_by_id: dict[int, list[int]] | None = None

    def scan(self, automaton: Any) -> set[int]:
        if automaton is not None:
            self.hits = list(automaton.iter(self.text))
        return {term_id for _, term_id in self.hits}

    def locate(self, end: int, pattern_length: int, size: int) -> tuple[str, int, list[str]]:
        """Map a hit's end offset to (field, word position, that field's original words)."""
        first_word_start = end - pattern_length + 2
        index = self.text.count(" ", 0, first_word_start) - 1
        if index < len(self.first):
            return self.names[0], index, self.first
        return self.names[1], index - len(self.first) - 1, self.second

    def ends(self, term_id: int) -> list[int]:
        if self.ends_by_id is None:
            self.ends_by_id = {}
            for end, hit_id in self.hits:
                self.ends_by_id.setdefault(hit_id, []).append(end)
        return self.ends_by_id.get(term_id, [])


class Scan:
    """The automaton's reading of one document."""

    def __init__(
        self, automaton: Any, doc: Document, patterns: list[TermKey], with_meta: bool
    ) -> None:
        self.patterns = patterns
        self.body = Line(("title", "text"), words(doc.title), words(doc.text))
        self.present = self.body.scan(automaton)
        self.meta: Line | None = None
        self.all_ids = self.present
        if with_meta:
            self.meta = Line(("url", "source"), words(doc.url), words(doc.source))
            self.all_ids = self.present | self.meta.scan(automaton)
        self.cache: dict[TermRef, list[Occurrence]] = {}

    def body_words(self) -> dict[str, list[str]]:
        return {"title": self.body.first, "text": self.body.second}

    def has(self, ref: TermRef) -> bool:
        if ref.term_id not in self.all_ids:
            return False
        return bool(self.occurrences(ref))

    def occurrences(self, ref: TermRef) -> list[Occurrence]:
        """Every occurrence of the term that satisfies its scope and exact case."""
        if ref.term_id not in self.all_ids:
            return []
        cached = self.cache.get(ref)
        if cached is None:
            cached = self.cache[ref] = self.find(ref)
        return cached

    def find(self, ref: TermRef) -> list[Occurrence]:
        line = self.meta if ref.scope in ("url", "source") else self.body
        if line is None:
            return []
        key = self.patterns[ref.term_id]
        pattern_length, size = len(key.pattern()), len(key.words)
        found = []
        for end in line.ends(ref.term_id):
            field, position, originals = line.locate(end, pattern_length, size)
            if ref.scope is not None and field != ref.scope:
                continue
            if ref.exact is not None and not _same_case(ref, originals, position):
                continue
            found.append(Occurrence(field, position, position + size))
        return found


def _same_case(ref: TermRef, originals: list[str], position: int) -> bool:
    assert ref.exact is not None
    last = len(ref.exact) - 1
    for k, wanted in enumerate(ref.exact):
        actual = originals[position + k]
        fits = actual.startswith(wanted) if ref.prefix and k == last else actual == wanted
        if not fits:
            return False
    return True
