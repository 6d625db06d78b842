"""The compiled matcher agrees with the plain reference evaluator on random queries and texts.

Each example compiles a batch of random rules together (so they share terms
and the prefilter index, as real rule sets do) and checks every rule on a few
random documents: thousands of queries per run.
"""

from __future__ import annotations

from random import Random

from hypothesis import given, settings

from monitor.rules import Document, PlaceTag, RegionSpec, RuleSpec, compile_rules
from monitor.rules.evaluate import reference_holds, rule_tree
from tests.support.query_strategies import WORDS, random_query, random_text, randoms

RULES_PER_EXAMPLE = 20
CODES = ("TJ", "KG", "AF", "TJ-GB", "KG-B")
SOURCES = ("steppe-asia", "wire")
LANGUAGES = ("en", "ru", None)


def random_region(rng: Random) -> RegionSpec:
    countries = frozenset(rng.sample(CODES[:3], rng.randint(0, 2)))
    return RegionSpec("region", countries, frozenset(rng.sample(CODES[3:], rng.randint(0, 1))))


def random_rules(rng: Random) -> list[RuleSpec]:
    specs = []
    for number in range(RULES_PER_EXAMPLE):
        keywords = tuple(rng.sample(WORDS, rng.choice((0, 0, 0, 1, 2))))
        regions = tuple(random_region(rng) for _ in range(rng.choice((0, 0, 0, 1, 2))))
        with_query = rng.random() < (0.5 if keywords else 0.95 if not regions else 0.5)
        specs.append(
            RuleSpec(
                f"r{number}",
                query=random_query(rng) if with_query or not (keywords or regions) else None,
                keywords=keywords,
                regions=regions,
                region_min_score=rng.choice((None, None, 0.5)),
                sources=frozenset(rng.sample(SOURCES, 1)) if rng.random() < 0.1 else None,
                languages=frozenset(["en"]) if rng.random() < 0.1 else None,
            )
        )
    return specs


def random_document(rng: Random) -> Document:
    places = tuple(
        PlaceTag(
            code,
            code,
            "subdivision" if "-" in code else "country",
            rng.random(),
            rng.random() < 0.5,
        )
        for code in rng.sample(CODES, rng.randint(0, 2))
    )
    return Document(
        title=random_text(rng, 8),
        text=random_text(rng, 50),
        url="https://example.org/" + random_text(rng, 4).replace(" ", "/"),
        source=rng.choice(SOURCES),
        language=rng.choice(LANGUAGES),
        places=places,
    )


@settings(max_examples=250, deadline=None)
@given(rng=randoms())
def test_compiled_matcher_fires_exactly_the_rules_the_reference_fires(rng: Random) -> None:
    specs = random_rules(rng)
    matcher = compile_rules(specs)
    for doc in [random_document(rng) for _ in range(3)]:
        fired = {match.rule for match in matcher.match(doc)}
        expected = {spec.name for spec in specs if reference_holds(spec, rule_tree(spec), doc)}
        wrong = sorted(fired ^ expected, key=lambda name: int(name[1:]))
        details = [(s.name, s.query, s.keywords) for s in specs if s.name in wrong]
        assert not wrong, (doc, details)


@settings(max_examples=100, deadline=None)
@given(rng=randoms())
def test_match_reports_the_same_hits_and_snippets_as_the_reference_explanation(
    rng: Random,
) -> None:
    specs = random_rules(rng)
    matcher = compile_rules(specs)
    doc = random_document(rng)
    for match in matcher.match(doc):
        explained = matcher.explain(doc, match.rule)
        assert explained.matched
        assert explained.match == match
