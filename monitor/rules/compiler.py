"""Compile every rule into one automaton so an article is read once, however many rules there are.

The approach is Lucene Monitor's (Luwak). Each rule is indexed under a small
set of terms at least one of which must be present for it to hold (for
`a AND b`, the rarer-looking side; for `a OR b`, both), and those terms are
the keys of one Aho-Corasick automaton over the article's normalised words.
One pass of the automaton over an article yields the index terms it contains;
only the rules indexed under them (and, for region-only rules, under the
article's places) are candidates, and each candidate is then evaluated in
full, looking up its other terms in the article on demand. Per-article cost
follows the hits, not the number of rules.

Word boundaries come from the keys: the normalised words are joined by single
spaces with a space at each end, and a key is " w1 w2 " (a trailing space for
whole words, none for a prefix `w2*`). Title and text are separated by a
newline pseudo-word, which no key contains, so no term spans two fields.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

import ahocorasick

from monitor.rules.evaluate import operand_terms, rule_tree
from monitor.rules.model import Document, Occurrence, RuleSpec, words_between
from monitor.rules.query import And, Near, Node, Not, Or, QuerySyntaxError, Term, terms_of
from monitor.rules.scan import Scan, TermKey

Check = Callable[[Scan], bool]
Gather = Callable[[Scan, list[tuple[str, Occurrence]]], None]
Required = tuple[frozenset[int], float]
# One clause of an AND: (hot terms, cold terms, hot terms absent, cold terms absent); it holds
# when any of its hot or cold terms is present or any of its "absent" terms is missing.
Clause = tuple[frozenset[int], tuple[int, ...], frozenset[int], tuple[int, ...]]

# Words so common that a rule is better indexed under its other terms.
# fmt: off
_COMMON = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he",
    "her", "his", "in", "is", "it", "its", "of", "on", "or", "that", "the", "their", "they",
    "this", "to", "was", "were", "will", "with", "said", "says", "new",
})
# fmt: on


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule ready to evaluate: its merged tree, its closure, and its terms' automaton refs."""

    spec: RuleSpec
    tree: Node | None
    check: Check | None
    gather: Gather | None  # appends the rule's evidence, once `check` has held
    refs: dict[int, TermRef]  # by id() of each Term object in `tree`, which the rule keeps alive
    filtered: bool  # has a sources or languages filter
    # Every place code that can put an article in one of the rule's regions (None: no regions),
    # so that most candidates with regions are ruled out before any term is looked up.
    region_codes: frozenset[str] | None


class TermRef(NamedTuple):
    """How a rule looks a term up: its automaton id and the per-occurrence conditions.

    A named tuple: it keys the per-article occurrence cache, and tuples hash in C.
    """

    term_id: int
    scope: str | None
    exact: tuple[str, ...] | None
    prefix: bool


class Compilation:
    """Assign term ids, build the closures that evaluate each rule, and the prefilter index."""

    def __init__(self) -> None:
        self.keys: dict[TermKey, int] = {}
        self.key_of: list[TermKey] = []
        self.uses_meta = False
        # The automaton's terms, known once every rule is indexed (`index_rules`) and
        # before any check is built: a check reads those from the scan's hits in C.
        self.indexed: frozenset[int] = frozenset()

    def term_id(self, term: Term) -> int:
        key = TermKey(term.words, term.prefix)
        if key not in self.keys:
            self.keys[key] = len(self.keys)
            self.key_of.append(key)
        if term.scope in ("url", "source"):
            self.uses_meta = True
        return self.keys[key]

    def ref(self, term: Term) -> TermRef:
        exact = term.original if term.exact else None
        return TermRef(self.term_id(term), term.scope, exact, term.prefix)

    def check(self, node: Node) -> Check:
        """Turn a query tree into nested closures; plain-term branches become set operations."""
        plain = self.plain_ids(node)
        if plain is not None:
            return self.plain_check(node, plain)
        clauses = self.plain_clauses(node)
        if clauses is not None:
            return _clauses_check(clauses)
        if isinstance(node, Term):
            ref = self.ref(node)
            return lambda scan: scan.has(ref)
        if isinstance(node, Not):
            inner = self.check(node.child)
            return lambda scan: not inner(scan)
        if isinstance(node, Near):
            return self.near_check(node)
        checks = tuple(self.check(child) for child in node.children)
        return _all_of(checks) if isinstance(node, And) else _any_of(checks)

    def plain_ids(self, node: Node) -> frozenset[int] | None:
        """Return the ids of a term or a flat AND/OR of terms without scope or exact case."""
        children = (node,) if isinstance(node, Term) else getattr(node, "children", ())
        if not isinstance(node, Term | And | Or) or not children:
            return None
        if not all(isinstance(c, Term) and c.scope is None and not c.exact for c in children):
            return None
        return frozenset(self.term_id(child) for child in children if isinstance(child, Term))

    def plain_check(self, node: Node, ids: frozenset[int]) -> Check:
        """Check plain terms: the automaton's terms with one set operation, the rest one by one.

        The rest are looked up in the article's text, so their order matters:
        for AND the least likely first (to fail early), for OR the most likely.
        """
        is_and = isinstance(node, And)
        hot, cold = self.hot_and_cold(ids, terms_of(node), likeliest_first=not is_and)
        if not cold:
            if len(hot) == 1:
                (only,) = hot
                return lambda scan: only in scan.body_found
            if is_and:
                return lambda scan: hot <= scan.body_found
            return lambda scan: not hot.isdisjoint(scan.body_found)
        if len(cold) == 1 and not hot:
            only = cold[0]
            return lambda scan: scan.present[only]
        if is_and:

            def all_present(scan: Scan) -> bool:
                if not hot <= scan.body_found:
                    return False
                present = scan.present
                for term_id in cold:  # noqa: SIM110 - a loop, not a generator, on the hot path
                    if not present[term_id]:
                        return False
                return True

            return all_present

        def any_present(scan: Scan) -> bool:
            if not hot.isdisjoint(scan.body_found):
                return True
            present = scan.present
            for term_id in cold:  # noqa: SIM110 - a loop, not a generator, on the hot path
                if present[term_id]:
                    return True
            return False

        return any_present

    def hot_and_cold(
        self, ids: frozenset[int], terms: list[Term], *, likeliest_first: bool
    ) -> tuple[frozenset[int], tuple[int, ...]]:
        """Split term ids into the automaton's (one set operation answers them all) and the
        rest, in the order to look them up: likeliest first where one found settles it."""
        hot = ids & self.indexed
        likelihood = {self.term_id(term): _likelihood(term) for term in terms}
        cold = tuple(sorted(ids - hot, key=likelihood.__getitem__, reverse=likeliest_first))
        return hot, cold

    def plain_clauses(self, node: Node) -> tuple[Clause, ...] | None:
        """Cut an AND of plain terms, ORs of them and their negations into clauses, or None.

        Most rules have this shape ("(a OR b) c -d"); one closure looping over
        its clauses runs fewer frames and touches fewer objects than a closure
        per branch, which counts with thousands of rules mostly out of cache.
        Clauses are ordered to fail early: those the automaton answers first,
        then the least likely to hold.
        """
        if not isinstance(node, And):
            return None
        clauses: list[tuple[float, Clause]] = []
        for child in node.children:
            found = self.plain_literals(child)
            if found is None:
                return None
            clauses.extend(found)
        clauses.sort(key=itemgetter(0))
        return tuple(clause for _, clause in clauses)

    def plain_literals(self, node: Node) -> list[tuple[float, Clause]] | None:
        """The clauses of one child of a plain AND, each with its cost of failing late."""
        negated = isinstance(node, Not)
        inner = node.child if isinstance(node, Not) else node
        ids = self.plain_ids(inner)
        if ids is None or isinstance(inner, And):
            return None
        terms = terms_of(inner)
        if negated:  # NOT (a OR b) is NOT a, NOT b: one clause each
            return [self.clause(frozenset((self.term_id(term),)), [term], True) for term in terms]
        return [self.clause(ids, terms, False)]

    def clause(self, ids: frozenset[int], terms: list[Term], negated: bool) -> tuple[float, Clause]:
        # An OR of cold terms looks the likeliest up first, to stop at the first found.
        hot, cold = self.hot_and_cold(ids, terms, likeliest_first=not negated)
        holds = min(1.0, sum(_likelihood(term) for term in terms))
        cost = 0.0 if not cold else (1 - holds if negated else holds) + 1
        if negated:
            return cost, (frozenset(), (), hot, cold)
        return cost, (hot, cold, frozenset(), ())

    def near_check(self, node: Near) -> Check:
        lefts = tuple(self.ref(term) for term in operand_terms(node.left))
        rights = tuple(self.ref(term) for term in operand_terms(node.right))
        distance = node.distance

        def check(scan: Scan) -> bool:
            left_occ = [occ for ref in lefts for occ in scan.occurrences(ref)]
            if not left_occ:
                return False
            right_occ = [occ for ref in rights for occ in scan.occurrences(ref)]
            return any(_close(left, right, distance) for left in left_occ for right in right_occ)

        return check

    def gather(self, node: Node) -> Gather:
        """Turn a query tree into closures that list its evidence, as `evaluate.evidence` does.

        Called only on a tree that holds, so every child of a holding AND
        holds, an OR asks only its AND children whether they hold (a term, a
        NEAR or an OR that fails has no evidence anyway), and a NOT contributes
        nothing. The order of the evidence is
        the reference's, so matches equal their reference explanations.
        """
        if isinstance(node, Term):
            return _terms_gatherer(((self.ref(node), node.label),))
        if isinstance(node, Not):
            return _gather_nothing
        if isinstance(node, Near):
            return self.near_gatherer(node)
        if all(isinstance(child, Term) for child in node.children):
            # Every term of a holding AND holds; an absent term of an OR has no occurrences.
            terms = [child for child in node.children if isinstance(child, Term)]
            return _terms_gatherer(tuple((self.ref(term), term.label) for term in terms))
        gathers = tuple(self.gather(child) for child in node.children)
        if isinstance(node, And):
            return _gather_all(gathers)
        # Only an AND can leave evidence when it fails; a failed term, NEAR or OR leaves none.
        checks = tuple(
            self.check(child) if isinstance(child, And) else None for child in node.children
        )
        return _gather_holding(tuple(zip(checks, gathers, strict=True)))

    def near_gatherer(self, node: Near) -> Gather:
        lefts = tuple((self.ref(t), t.label) for t in operand_terms(node.left))
        rights = tuple((self.ref(t), t.label) for t in operand_terms(node.right))
        distance = node.distance

        def gather(scan: Scan, out: list[tuple[str, Occurrence]]) -> None:
            left_occ = [occ for ref, _ in lefts for occ in scan.occurrences(ref)]
            right_occ = [occ for ref, _ in rights for occ in scan.occurrences(ref)]
            wanted = set()
            for left in left_occ:
                for right in right_occ:
                    if _close(left, right, distance):
                        wanted.add(left)
                        wanted.add(right)
            for ref, label in lefts + rights:
                out.extend((label, occ) for occ in scan.occurrences(ref) if occ in wanted)

        return gather

    def required(self, node: Node) -> Required | None:
        """Terms at least one of which is present whenever `node` holds; None if none exist.

        Comes with the summed likelihood of those terms: for AND and NEAR any one
        side will do, so the least likely side is taken.
        """
        if isinstance(node, Term):
            return frozenset((self.term_id(node),)), _likelihood(node)
        if isinstance(node, Not):
            return None
        sides = (node.left, node.right) if isinstance(node, Near) else node.children
        options = [self.required(side) for side in sides]
        if isinstance(node, Or):
            if any(option is None for option in options):
                return None
            found = [option for option in options if option is not None]
            return frozenset().union(*(ids for ids, _ in found)), sum(cost for _, cost in found)
        found = [option for option in options if option is not None]
        return min(found, key=lambda option: option[1]) if found else None


def _clauses_check(clauses: tuple[Clause, ...]) -> Check:
    def check(scan: Scan) -> bool:
        found = scan.body_found
        present = scan.present
        for hot, cold, hot_absent, cold_absent in clauses:
            if hot and not hot.isdisjoint(found):
                continue
            if cold and any(map(present.__getitem__, cold)):
                continue
            if hot_absent and not hot_absent <= found:
                continue
            if cold_absent and not all(map(present.__getitem__, cold_absent)):
                continue
            return False
        return True

    return check


def _all_of(checks: tuple[Check, ...]) -> Check:
    if len(checks) == 2:
        first, second = checks
        return lambda scan: first(scan) and second(scan)

    def check(scan: Scan) -> bool:
        for part in checks:  # noqa: SIM110 - a loop, not a generator, on the hot path
            if not part(scan):
                return False
        return True

    return check


def _any_of(checks: tuple[Check, ...]) -> Check:
    if len(checks) == 2:
        first, second = checks
        return lambda scan: first(scan) or second(scan)

    def check(scan: Scan) -> bool:
        for part in checks:  # noqa: SIM110 - a loop, not a generator, on the hot path
            if part(scan):
                return True
        return False

    return check


def _terms_gatherer(terms: tuple[tuple[TermRef, str], ...]) -> Gather:
    def gather(scan: Scan, out: list[tuple[str, Occurrence]]) -> None:
        for ref, label in terms:
            for occ in scan.occurrences(ref):
                out.append((label, occ))

    return gather


def _gather_nothing(scan: Scan, out: list[tuple[str, Occurrence]]) -> None:
    return None


def _gather_all(gathers: tuple[Gather, ...]) -> Gather:
    def gather(scan: Scan, out: list[tuple[str, Occurrence]]) -> None:
        for part in gathers:
            part(scan, out)

    return gather


def _gather_holding(parts: tuple[tuple[Check | None, Gather], ...]) -> Gather:
    def gather(scan: Scan, out: list[tuple[str, Occurrence]]) -> None:
        for check, part in parts:
            if check is None or check(scan):
                part(scan, out)

    return gather


def _close(left: Occurrence, right: Occurrence, distance: int) -> bool:
    return left.field == right.field and left != right and words_between(left, right) <= distance


def _likelihood(term: Term) -> float:
    """Guess how often a term occurs in news, to index each rule under its rarest side.

    Without corpus statistics the best cues are the analyst's own spelling: a
    capitalised word is usually a name ("Tajikistan", "CSTO"), rarer than an
    everyday word ("border"); a phrase is rarer than its words; a short prefix
    is common; stopwords are everywhere.
    """
    last = term.words[-1]
    if len(term.words) > 1:
        guess = 0.03
    elif term.original[0][:1].isupper():
        guess = 0.1
    else:
        guess = 1.0 / (1 + len(last) / 8)
    if term.prefix:
        guess *= 1.5 if len(last) >= 5 else 3 if len(last) == 4 else 20
    if all(word in _COMMON or word.isdigit() for word in term.words):
        guess *= 50
    return guess


def build_automaton(patterns: list[str], indexed: frozenset[int]) -> ahocorasick.Automaton | None:
    """One automaton over the keys of every term some rule is indexed under."""
    if not indexed:
        return None
    automaton = ahocorasick.Automaton()
    for term_id in sorted(indexed):
        automaton.add_word(patterns[term_id], term_id)
    automaton.make_automaton()
    return automaton


def rule_tree_of(spec: RuleSpec) -> Node | None:
    """Parse a rule's query and keywords; raise QuerySyntaxError if it has nothing to match."""
    tree = rule_tree(spec)
    if tree is None and not spec.regions:
        raise QuerySyntaxError("the rule has no query, keywords or regions to match", 0, spec.name)
    return tree


def compile_rule(spec: RuleSpec, tree: Node | None, compilation: Compilation) -> CompiledRule:
    """Build a rule's closures; every rule must be indexed first (`index_rules`)."""
    check = compilation.check(tree) if tree is not None else None
    gather = compilation.gather(tree) if tree is not None else None
    refs = {id(term): compilation.ref(term) for term in terms_of(tree)} if tree is not None else {}
    filtered = spec.sources is not None or spec.languages is not None
    return CompiledRule(spec, tree, check, gather, refs, filtered, region_codes_of(spec))


def region_codes_of(spec: RuleSpec) -> frozenset[str] | None:
    if not spec.regions:
        return None
    return frozenset().union(*(region.countries | region.subdivisions for region in spec.regions))


def place_codes(doc: Document) -> frozenset[str]:
    """Every code a place of the article answers to: its own, and a subdivision's country."""
    return frozenset(
        code for place in doc.places for code in (place.code, place.code.split("-")[0])
    )


def index_rules(
    parsed: Sequence[tuple[RuleSpec, Node | None]], compilation: Compilation
) -> tuple[dict[int, tuple[int, ...]], dict[str, tuple[int, ...]]]:
    """Index each rule under its required terms, or region-only rules under their place codes.

    Records the indexed terms in `compilation.indexed`, for the checks built after.
    """
    by_term: dict[int, list[int]] = {}
    by_place: dict[str, list[int]] = {}
    for number, (spec, tree) in enumerate(parsed):
        needed = compilation.required(tree) if tree is not None else None
        if needed is not None:
            for term_id in needed[0]:
                by_term.setdefault(term_id, []).append(number)
            continue
        for code in region_codes_of(spec) or ():
            by_place.setdefault(code, []).append(number)
    compilation.indexed = frozenset(by_term)
    return (
        {term_id: tuple(numbers) for term_id, numbers in by_term.items()},
        {code: tuple(numbers) for code, numbers in by_place.items()},
    )


def candidate_rules(
    scan: Scan,
    codes: frozenset[str],
    by_term: dict[int, tuple[int, ...]],
    by_place: dict[str, tuple[int, ...]],
) -> list[int]:
    """Rules that a hit of this article (or one of its place `codes`) could satisfy, in order.

    Every term the automaton finds is the index term of some rule, so the
    union is taken in C.
    """
    numbers: set[int] = set().union(*map(by_term.__getitem__, scan.found))
    for code in codes:
        found = by_place.get(code)
        if found is not None:
            numbers.update(found)
    return sorted(numbers)
