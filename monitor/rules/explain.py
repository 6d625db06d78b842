"""Explain a rule's verdict on a document: what matched, where, in context, and what failed.

A match carries the terms that satisfied the rule, each occurrence with its
field and word position, and up to three snippets of about 25 words around
them (for webhooks, emails and the CLI). `explain_rule` goes further for
`monitor match` and `monitor test-rule`: it judges every part of a rule and
every branch of its query, matched or not, so an analyst sees which clause
failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from monitor.rules.evaluate import (
    Occurrences,
    document_fields,
    evidence,
    filters_hold,
    find_occurrences,
    holds,
    near_pairs,
    place_line,
    region_hits,
)
from monitor.rules.model import Document, Hit, Occurrence, PlaceTag, RuleMatch, RuleSpec
from monitor.rules.query import (
    Near,
    Node,
    Not,
    Or,
    Term,
    format_node,
    keyword_term,
    parse_query,
)
from monitor.rules.text import WordSpans, words

SNIPPETS = 3
SNIPPET_WORDS = 25
_BEFORE = 10
_FIELD_ORDER = {"title": 0, "text": 1, "url": 2, "source": 3}

Evidence = list[tuple[str, Occurrence]]


_first = itemgetter(0)


def _reading_order(hit: Hit) -> tuple[int, int, str]:
    return _FIELD_ORDER[hit.field], hit.position, hit.term


def term_label(term: Term) -> str:
    """Name a term the way the analyst wrote it (without field, `=` or quotes)."""
    return term.label


class MatchBuilder:
    """Describe the rules that hold for one document, sharing the work between rules.

    Word offsets and passages are kept per document: with thousands of rules,
    several often fire on the same words, and an article's matches all cut
    their snippets from the same text.
    """

    def __init__(
        self,
        doc: Document,
        counts: dict[str, int] | None = None,
        spaced: dict[str, str | None] | None = None,
        letters_before: dict[tuple[str, int], int] | None = None,
    ) -> None:
        """`counts` and `spaced` (words per field, `spaced_text` per field) save re-reading;
        `letters_before` (by field and word position, from the scan) anchors snippets."""
        self.doc = doc
        self.texts = {"title": doc.title, "text": doc.text}
        self.counts = counts or {name: len(words(text)) for name, text in self.texts.items()}
        self.spaced = spaced or {}
        self.letters_before = {} if letters_before is None else letters_before  # fills as found
        self.spans: dict[str, WordSpans] = {}
        self.passages: dict[tuple[str, int, int], str] = {}

    def build(self, spec: RuleSpec, tree: Node | None, occurrences: Occurrences) -> RuleMatch:
        """Describe why a rule that holds for the document holds: terms, hits, snippets, regions."""
        found = evidence(tree, occurrences) if tree is not None else ()
        return self.describe(spec, [(term.label, occ) for term, occ in found])

    def describe(self, spec: RuleSpec, found: Evidence) -> RuleMatch:
        """Describe a holding rule from its evidence: (term as written, occurrence) pairs."""
        hits = {Hit(label, occ.field, occ.start): occ for label, occ in found}
        regions: tuple[str, ...] = ()
        places: tuple[str, ...] = ()
        if spec.regions:
            pairs = region_hits(spec, self.doc)
            regions = tuple(dict.fromkeys(region.name for region, _ in pairs))
            places = tuple(dict.fromkeys(place_line(region, place) for region, place in pairs))
        return RuleMatch(
            rule=spec.name,
            terms=tuple(dict.fromkeys(map(_first, found))),
            regions=regions,
            snippets=self.snippets(hits.values()) if hits else (),
            hits=tuple(sorted(hits, key=_reading_order)) if len(hits) > 1 else tuple(hits),
            places=places,
        )

    def snippets(self, occurrences: Iterable[Occurrence]) -> tuple[str, ...]:
        """Cut up to three ~25-word passages around the occurrences, in reading order.

        Passages come from the text, and from the title only when the text has
        none (alerts show the title anyway); they never repeat each other's words.
        """
        field = "text"
        found = {occ for occ in occurrences if occ.field == "text"}
        if not found:
            field = "title"
            found = {occ for occ in occurrences if occ.field == "title"}
        count = self.counts[field]
        windows: list[str] = []
        previous = 0
        for occ in sorted(found) if len(found) > 1 else found:
            if occ.start < previous:
                continue
            start = max(previous, min(occ.start - _BEFORE, count - SNIPPET_WORDS))
            previous = min(count, max(start + SNIPPET_WORDS, occ.stop))
            windows.append(self.passage(field, start, previous, occ.start))
            if len(windows) == SNIPPETS:
                break
        return tuple(windows)

    def passage(self, field: str, start: int, stop: int, around: int) -> str:
        """The words [start, stop) of a field, `around` one of them."""
        key = (field, start, stop)
        found = self.passages.get(key)
        if found is None:
            spans = self.spans.get(field) or self.spans.setdefault(
                field, WordSpans(self.texts[field], self.spaced.get(field))
            )
            letters = self.letters_before.get((field, around))
            anchor = None if letters is None else (around, letters)
            first, last = spans.window(start, stop, self.counts[field], anchor)
            # A passage that reaches either end of the field keeps its punctuation there.
            first = 0 if start == 0 else first
            last = len(self.texts[field]) if stop == self.counts[field] else last
            text = self.texts[field][first:last]
            before = "…" if start > 0 else ""
            after = "…" if stop < self.counts[field] else ""
            found = self.passages[key] = f"{before}{single_spaced(text)}{after}"
        return found


def single_spaced(text: str) -> str:
    """Return `" ".join(text.split())`, without cutting up a text that is so already.

    Most passages are: every whitespace character but the space is unprintable.
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


# -- full explanation ------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One part of a rule (query, keywords, regions, sources, languages) and its verdict."""

    name: str
    holds: bool
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    rule: str
    matched: bool
    parts: tuple[Part, ...]
    match: RuleMatch | None


def explain_rule(spec: RuleSpec, tree: Node | None, doc: Document) -> Explanation:
    """Judge every part of `spec` on `doc` the reference way, and say why each holds or not."""
    fields = document_fields(doc)

    def occurrences(term: Term) -> list[Occurrence]:
        return find_occurrences(term, fields)

    parts: list[Part] = []
    if spec.query is not None:
        root = parse_query(spec.query).root
        parts.append(
            Part("query", holds(root, occurrences), tuple(_tree_lines(root, occurrences, 0)))
        )
    if spec.keywords:
        keywords = Or(tuple(keyword_term(keyword) for keyword in spec.keywords))
        lines = [line for term in keywords.children for line in _tree_lines(term, occurrences, 0)]
        parts.append(Part("keywords", holds(keywords, occurrences), tuple(lines)))
    if spec.regions:
        parts.append(_regions_part(spec, doc))
    if spec.sources is not None:
        parts.append(_filter_part("sources", "source", doc.source, spec.sources))
    if spec.languages is not None:
        parts.append(_filter_part("languages", "language", doc.language, spec.languages))
    matched = all(part.holds for part in parts) and filters_hold(spec, doc)
    match = MatchBuilder(doc).build(spec, tree, occurrences) if matched else None
    return Explanation(spec.name, matched, tuple(parts), match)


def _filter_part(name: str, what: str, value: str | None, allowed: frozenset[str]) -> Part:
    ok = value in allowed
    verb = "is" if ok else "is not"
    listed = ", ".join(sorted(allowed))
    return Part(name, ok, (f"{what} '{value or 'unknown'}' {verb} one of {listed}",))


def _regions_part(spec: RuleSpec, doc: Document) -> Part:
    found = region_hits(spec, doc)
    if found:
        return Part("regions", True, tuple(dict.fromkeys(place_line(r, p) for r, p in found)))
    names = ", ".join(region.name for region in spec.regions)
    if spec.region_min_score is None:
        need = "that is a focus of the article"
    else:
        need = f"scored at least {spec.region_min_score}"
    lines = [f"no place {need} lies in {names}"]
    lines += [f"seen: {_place_summary(place)}" for place in doc.places]
    return Part("regions", False, tuple(lines))


def _place_summary(place: PlaceTag) -> str:
    weight = "focus" if place.focus else "mentioned"
    return f"{place.name} ({place.code}, {weight}, score {place.score:.2f})"


def _tree_lines(node: Node, occurrences: Occurrences, depth: int) -> list[str]:
    mark = "✓" if holds(node, occurrences) else "✗"
    pad = "  " * depth
    if isinstance(node, Term):
        found = occurrences(node)
        where = ", ".join(f"{occ.field} word {occ.start}" for occ in found[:8]) or "not found"
        if len(found) > 8:
            where += f" and {len(found) - 8} more"
        return [f"{pad}{mark} {format_node(node)}: {where}"]
    if isinstance(node, Near):
        pairs = list(near_pairs(node, occurrences))
        if pairs:
            first, second = pairs[0]
            where = f"{len(pairs)} close pair(s), first at {first.field} words "
            where += f"{first.start} and {second.start}"
        else:
            where = f"no two occurrences within {node.distance} words"
        lines = [f"{pad}{mark} {format_node(node)}: {where}"]
        for side in (node.left, node.right):
            lines += _tree_lines(side, occurrences, depth + 1)
        return lines
    children = (node.child,) if isinstance(node, Not) else node.children
    lines = [f"{pad}{mark} {format_node(node)}"]
    for child in children:
        lines += _tree_lines(child, occurrences, depth + 1)
    return lines


def render_explanation(explanation: Explanation) -> str:
    """Write an explanation as the plain text `monitor match` and `monitor test-rule` print."""
    verdict = "MATCHED" if explanation.matched else "not matched"
    lines = [f"rule {explanation.rule}: {verdict}"]
    for part in explanation.parts:
        lines.append(f"  {'✓' if part.holds else '✗'} {part.name}")
        lines += [f"      {line}" for line in part.lines]
    if explanation.match is not None:
        match = explanation.match
        if match.terms:
            lines.append("  terms: " + ", ".join(match.terms))
        for snippet in match.snippets:
            lines.append(f"  > {snippet}")
    return "\n".join(lines)
