"""The plain data the rules engine takes in (rules, documents, places) and gives back (matches)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

BODY_FIELDS = ("title", "text")


@dataclass(frozen=True, slots=True)
class RegionSpec:
    """A named region resolved by the geo stage: ISO 3166-1 alpha-2 and ISO 3166-2 codes."""

    name: str
    countries: frozenset[str]
    subdivisions: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One rule: every part it has must hold (query, keywords, regions, sources, languages).

    `region_min_score` None means a place counts only when it is a focus of the
    article; a number means any place scored at least that much counts.
    """

    name: str
    query: str | None = None
    keywords: tuple[str, ...] = ()
    regions: tuple[RegionSpec, ...] = ()
    region_min_score: float | None = None
    sources: frozenset[str] | None = None
    languages: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class PlaceTag:
    """A place the geo stage found in an article, as the matcher sees it."""

    code: str
    name: str
    kind: str  # "country" | "subdivision"
    score: float
    focus: bool
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    text: str
    url: str = ""
    source: str = ""
    language: str | None = None
    places: tuple[PlaceTag, ...] = ()


class Hit(NamedTuple):
    """One occurrence of a matched term: its field and the word position of its first word.

    `term` is the term as the analyst wrote it. A named tuple: every match
    carries one per occurrence, and tuples are several times cheaper to make.
    """

    term: str
    field: str
    position: int


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """A rule that holds for a document, with what made it hold."""

    rule: str
    terms: tuple[str, ...]
    regions: tuple[str, ...]
    snippets: tuple[str, ...]
    hits: tuple[Hit, ...]
    places: tuple[str, ...]


class Occurrence(NamedTuple):
    """Where a term occurs: field and word positions [start, stop).

    A named tuple rather than a dataclass: the matcher makes one per hit of
    every matched term, and tuples are several times cheaper to create.
    """

    field: str
    start: int
    stop: int


def words_between(first: Occurrence, second: Occurrence) -> int:
    """Count the words separating two occurrences in either order (0 when they touch or overlap)."""
    return max(0, second.start - first.stop, first.start - second.stop)
