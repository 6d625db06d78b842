"""Decide by plain recursion whether a rule holds, and which occurrences made it hold.

This is the reference the compiled matcher is tested against: it finds every
term by comparing word lists position by position and walks the query tree
directly, trading speed for being obviously right. `evidence` is also the
reference for what a match reports: the compiled matcher gathers the same
evidence with closures (`Compilation.gather`), and the differential tests
check that the two agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from monitor.rules.model import (
    BODY_FIELDS,
    Document,
    Occurrence,
    PlaceTag,
    RegionSpec,
    RuleSpec,
    words_between,
)
from monitor.rules.query import (
    And,
    Near,
    Node,
    Not,
    Or,
    QuerySyntaxError,
    Term,
    keyword_term,
    parse_query,
)
from monitor.rules.text import normalize_words, words

Occurrences = Callable[[Term], list[Occurrence]]


@dataclass(frozen=True)
class FieldWords:
    """The words of one field, as written and normalised, position for position."""

    original: tuple[str, ...]
    normalized: tuple[str, ...]


def document_fields(doc: Document) -> dict[str, FieldWords]:
    """Cut every searchable field of `doc` into words."""
    fields = {}
    for name, value in (
        ("title", doc.title),
        ("text", doc.text),
        ("url", doc.url),
        ("source", doc.source),
    ):
        original = words(value)
        fields[name] = FieldWords(tuple(original), tuple(normalize_words(original)))
    return fields


def term_fields(term: Term) -> tuple[str, ...]:
    return BODY_FIELDS if term.scope is None else (term.scope,)


def word_fits(term: Term, index: int, original: str, normalized: str) -> bool:
    """Tell whether one word of the document fits word `index` of the term."""
    last_prefix = term.prefix and index == len(term.words) - 1
    if last_prefix:
        fits = normalized.startswith(term.words[index])
        return fits and (not term.exact or original.startswith(term.original[index]))
    fits = normalized == term.words[index]
    return fits and (not term.exact or original == term.original[index])


def find_occurrences(term: Term, fields: dict[str, FieldWords]) -> list[Occurrence]:
    """Find every place the term's words stand consecutively, by trying each position."""
    found = []
    size = len(term.words)
    for name in term_fields(term):
        field = fields[name]
        for start in range(len(field.normalized) - size + 1):
            if all(
                word_fits(term, k, field.original[start + k], field.normalized[start + k])
                for k in range(size)
            ):
                found.append(Occurrence(name, start, start + size))
    return found


def near_pairs(node: Near, occurrences: Occurrences) -> Iterator[tuple[Occurrence, Occurrence]]:
    """Yield the pairs of distinct occurrences, one per side, close enough in one field."""
    lefts = [occ for term in operand_terms(node.left) for occ in occurrences(term)]
    rights = [occ for term in operand_terms(node.right) for occ in occurrences(term)]
    for left in lefts:
        for right in rights:
            if (
                left.field == right.field
                and left != right
                and words_between(left, right) <= node.distance
            ):
                yield left, right


def operand_terms(node: Node) -> tuple[Term, ...]:
    if isinstance(node, Term):
        return (node,)
    assert isinstance(node, Or)
    return tuple(term for child in node.children for term in operand_terms(child))


def holds(node: Node, occurrences: Occurrences) -> bool:
    """Evaluate the query tree for one document."""
    if isinstance(node, Term):
        return bool(occurrences(node))
    if isinstance(node, And):
        return all(holds(child, occurrences) for child in node.children)
    if isinstance(node, Or):
        return any(holds(child, occurrences) for child in node.children)
    if isinstance(node, Not):
        return not holds(node.child, occurrences)
    return any(True for _ in near_pairs(node, occurrences))


def evidence(node: Node, occurrences: Occurrences) -> list[tuple[Term, Occurrence]]:
    """List the occurrences that make a holding tree hold: positive terms of true branches."""
    return _judged(node, occurrences)[1]


def _judged(node: Node, occurrences: Occurrences) -> tuple[bool, list[tuple[Term, Occurrence]]]:
    """Evaluate a tree and collect its evidence in one walk."""
    if isinstance(node, Term):
        found = occurrences(node)
        return bool(found), [(node, occ) for occ in found]
    if isinstance(node, Not):
        return not _judged(node.child, occurrences)[0], []
    if isinstance(node, Near):
        pairs = list(near_pairs(node, occurrences))
        wanted = {occ for pair in pairs for occ in pair}
        return bool(pairs), [
            (term, occ)
            for side in (node.left, node.right)
            for term in operand_terms(side)
            for occ in occurrences(term)
            if occ in wanted
        ]
    judged = [_judged(child, occurrences) for child in node.children]
    verdicts = [verdict for verdict, _ in judged]
    verdict = all(verdicts) if isinstance(node, And) else any(verdicts)
    return verdict, [pair for ok, pairs in judged if ok for pair in pairs]


def place_counts(place: PlaceTag, min_score: float | None) -> bool:
    """A place counts when it is a focus of the article, or scores enough when a minimum is set."""
    return place.focus if min_score is None else place.score >= min_score


def place_in_region(place: PlaceTag, region: RegionSpec) -> bool:
    """A subdivision is inside the region of its country too (TJ-GB lies in Tajikistan)."""
    if place.code in region.countries or place.code in region.subdivisions:
        return True
    return place.kind == "subdivision" and place.code.split("-")[0] in region.countries


def region_hits(spec: RuleSpec, doc: Document) -> list[tuple[RegionSpec, PlaceTag]]:
    """Pair each of the rule's regions with the counting places of the document inside it."""
    return [
        (region, place)
        for region in spec.regions
        for place in doc.places
        if place_counts(place, spec.region_min_score) and place_in_region(place, region)
    ]


def place_line(region: RegionSpec, place: PlaceTag) -> str:
    """Say in one line why a place puts the article in a region."""
    weight = "focus" if place.focus else "mentioned"
    line = f"{place.name} ({place.code}, {weight}, score {place.score:.2f}) is in {region.name}"
    if place.evidence:
        line += ": " + "; ".join(place.evidence)
    return line


def filters_hold(spec: RuleSpec, doc: Document) -> bool:
    """Check the cheap metadata filters: source name and language."""
    if spec.sources is not None and doc.source not in spec.sources:
        return False
    return spec.languages is None or doc.language in spec.languages


def reference_holds(spec: RuleSpec, root: Node | None, doc: Document) -> bool:
    """Decide a whole rule the slow, obvious way (query and keywords merged in `root`)."""
    if not filters_hold(spec, doc):
        return False
    if spec.regions and not region_hits(spec, doc):
        return False
    if root is None:
        return bool(spec.regions)
    fields = document_fields(doc)
    return holds(root, lambda term: find_occurrences(term, fields))


def rule_tree(spec: RuleSpec) -> Node | None:
    """Merge a rule's query and keywords into one tree; None when the rule has neither.

    Raises QuerySyntaxError naming the rule, with the column in its query (or in
    the keyword for a keyword that has no words).
    """
    parts: list[Node] = []
    try:
        if spec.query is not None:
            parts.append(parse_query(spec.query).root)
        if spec.keywords:
            terms = tuple(keyword_term(keyword) for keyword in spec.keywords)
            parts.append(terms[0] if len(terms) == 1 else Or(terms))
    except QuerySyntaxError as error:
        raise QuerySyntaxError(error.message, error.column, spec.name) from error
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(tuple(parts))
