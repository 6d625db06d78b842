"""Match documents against every compiled rule at once, and explain one rule on demand."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.rules.compiler import (
    Compilation,
    CompiledRule,
    build_automaton,
    candidate_rules,
    compile_rule,
    index_rules,
    place_codes,
    rule_tree_of,
)
from monitor.rules.evaluate import filters_hold, region_hits
from monitor.rules.explain import Explanation, MatchBuilder, explain_rule
from monitor.rules.model import Document, Occurrence, RuleMatch, RuleSpec
from monitor.rules.query import QuerySyntaxError
from monitor.rules.scan import Compiled, Scan

_NO_CODES: frozenset[str] = frozenset()


def compile_rules(specs: Sequence[RuleSpec]) -> Matcher:
    """Compile every rule into one matcher; raise QuerySyntaxError naming the first bad rule."""
    seen: set[str] = set()
    parsed = []
    for spec in specs:
        if spec.name in seen:
            raise QuerySyntaxError("another rule has the same name", 0, spec.name)
        seen.add(spec.name)
        parsed.append((spec, rule_tree_of(spec)))
    compilation = Compilation()
    by_term, by_place = index_rules(parsed, compilation)
    rules = [compile_rule(spec, tree, compilation) for spec, tree in parsed]
    return Matcher(rules, compilation, by_term, by_place)


class Matcher:
    """All rules compiled together; immutable once built, so it can be shared and swapped whole."""

    def __init__(
        self,
        rules: list[CompiledRule],
        compilation: Compilation,
        by_term: dict[int, tuple[int, ...]],
        by_place: dict[str, tuple[int, ...]],
    ) -> None:
        self._rules = tuple(rules)
        self._by_name = {rule.spec.name: rule for rule in rules}
        self._by_term, self._by_place = by_term, by_place
        # Some rule has regions: an article's place codes are worked out once for them all.
        self._uses_places = any(rule.region_codes is not None for rule in rules)
        patterns = [key.pattern() for key in compilation.key_of]
        indexed = compilation.indexed
        self._compiled = Compiled(
            patterns, [len(key.words) for key in compilation.key_of], indexed, compilation.uses_meta
        )
        self._automaton = build_automaton(patterns, indexed)

    @property
    def rule_names(self) -> tuple[str, ...]:
        return tuple(rule.spec.name for rule in self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def match(self, doc: Document) -> list[RuleMatch]:
        """Return a match, with its explanation, for every rule that holds for `doc`."""
        scan = Scan(self._automaton, doc, self._compiled)
        rules = self._rules
        matches = []
        builder: MatchBuilder | None = None
        codes = place_codes(doc) if self._uses_places else _NO_CODES
        for number in candidate_rules(scan, codes, self._by_term, self._by_place):
            rule = rules[number]
            # Cheapest parts first; inlined, as this runs for every candidate of every article.
            if rule.filtered and not filters_hold(rule.spec, doc):
                continue
            if rule.region_codes is not None and rule.region_codes.isdisjoint(codes):
                continue
            if rule.check is not None and not rule.check(scan):
                continue
            if rule.spec.regions and not region_hits(rule.spec, doc):
                continue
            if builder is None:
                builder = MatchBuilder(
                    doc, scan.body_counts(), scan.body_spaced(), scan.body_letters_before()
                )
            found: list[tuple[str, Occurrence]] = []
            if rule.gather is not None:
                rule.gather(scan, found)
            matches.append(builder.describe(rule.spec, found))
        return matches

    def explain(self, doc: Document, rule: str) -> Explanation:
        """Say whether rule `rule` holds for `doc` and why, part by part; KeyError if unknown."""
        compiled = self._by_name.get(rule)
        if compiled is None:
            raise KeyError(f"no rule named {rule!r}")
        return explain_rule(compiled.spec, compiled.tree, doc)
