"""An analyst sees why a rule fired or not: terms, fields, positions, snippets, failed parts."""

from __future__ import annotations

import pytest

from monitor.rules import (
    Document,
    Hit,
    PlaceTag,
    RegionSpec,
    RuleSpec,
    compile_rules,
    render_explanation,
)

CENTRAL_ASIA = RegionSpec("Central Asia", frozenset({"KZ", "KG", "TJ", "TM", "UZ"}))
RULE = RuleSpec(
    "central-asia-border",
    query='(border OR troops OR "cross-border" OR CSTO) AND NOT football',
    regions=(CENTRAL_ASIA,),
    languages=frozenset({"en", "ru"}),
)
DUSHANBE = PlaceTag(
    "TJ", "Tajikistan", "country", 0.92, True, ("Dushanbe -> Tajikistan (capital)",)
)


def explain(doc: Document, spec: RuleSpec = RULE) -> str:
    return render_explanation(compile_rules([spec]).explain(doc, spec.name))


def test_a_matching_rule_is_explained_part_by_part_with_terms_and_snippets() -> None:
    doc = Document(
        "Troops gather",
        "CSTO troops moved to the cross-border area.",
        language="en",
        places=(DUSHANBE,),
    )
    explanation = compile_rules([RULE]).explain(doc, RULE.name)
    assert explanation.matched
    assert [(part.name, part.holds) for part in explanation.parts] == [
        ("query", True),
        ("regions", True),
        ("languages", True),
    ]
    text = render_explanation(explanation)
    assert text.splitlines()[0] == "rule central-asia-border: MATCHED"
    assert "✓ cross-border: text word 5" in text
    assert "✓ border: text word 6" in text
    assert "✓ troops: title word 0, text word 1" in text
    assert "✗ football: not found" in text
    assert (
        "Tajikistan (TJ, focus, score 0.92) is in Central Asia: Dushanbe -> Tajikistan (capital)"
        in text
    )
    assert "terms: border, troops, cross-border, CSTO" in text
    assert "> CSTO troops moved to the cross-border area." in text


@pytest.mark.parametrize(
    ("doc", "failed", "why"),
    [
        (
            Document("Troops", "Troops at the football match.", language="en", places=(DUSHANBE,)),
            "query",
            "✓ football: text word 3",
        ),
        (
            Document("Troops", "Troops massed.", language="en"),
            "regions",
            "no place that is a focus of the article lies in Central Asia",
        ),
        (
            Document("Troops", "Troops massed.", language="fr", places=(DUSHANBE,)),
            "languages",
            "language 'fr' is not one of en, ru",
        ),
        (
            Document(
                "Troops",
                "Troops massed.",
                language="en",
                places=(PlaceTag("TJ", "Tajikistan", "country", 0.3, False),),
            ),
            "regions",
            "seen: Tajikistan (TJ, mentioned, score 0.30)",
        ),
    ],
    ids=["excluded word present", "no place", "wrong language", "place only mentioned"],
)
def test_a_rule_that_does_not_fire_says_which_part_failed(
    doc: Document, failed: str, why: str
) -> None:
    explanation = compile_rules([RULE]).explain(doc, RULE.name)
    assert not explanation.matched
    assert explanation.match is None
    assert [part.name for part in explanation.parts if not part.holds] == [failed]
    text = render_explanation(explanation)
    assert text.splitlines()[0] == "rule central-asia-border: not matched"
    assert f"✗ {failed}" in text
    assert why in text


def test_near_reports_only_the_occurrences_that_are_close() -> None:
    text = "Russia said nothing. " + "filler " * 30 + "Russia sent troops."
    spec = RuleSpec("near", query="Russia NEAR/2 troops")
    (match,) = compile_rules([spec]).match(Document("", text))
    assert match.hits == (Hit("Russia", "text", 33), Hit("troops", "text", 35))
    assert "Russia sent troops." in match.snippets[0]
    assert "close pair(s), first at text words 33 and 35" in explain(Document("", text), spec)


def test_keywords_are_listed_with_what_each_found() -> None:
    spec = RuleSpec("kw", keywords=("CSTO", "Russian troops"))
    text = explain(Document("", "The CSTO met."), spec)
    assert "✓ keywords" in text
    assert "✓ CSTO: text word 1" in text
    assert '✗ "Russian troops": not found' in text


def test_exact_case_and_field_scopes_show_in_the_explanation() -> None:
    spec = RuleSpec("us", query="=US title:troops")
    text = explain(Document("Troops", "told us"), spec)
    assert "✗ =US: not found" in text
    assert "✓ title:troops: title word 0" in text


def test_explaining_an_unknown_rule_is_an_error() -> None:
    with pytest.raises(KeyError, match="no rule named 'nope'"):
        compile_rules([RULE]).explain(Document("", ""), "nope")


def test_the_explanation_carries_the_same_match_the_matcher_returns() -> None:
    doc = Document("Border", "Troops and CSTO at the border.", language="ru", places=(DUSHANBE,))
    matcher = compile_rules([RULE])
    (match,) = matcher.match(doc)
    assert matcher.explain(doc, RULE.name).match == match
    assert match.hits == (
        Hit("border", "title", 0),
        Hit("troops", "text", 0),
        Hit("CSTO", "text", 2),
        Hit("border", "text", 5),
    )


@pytest.mark.parametrize(
    ("spec", "text", "terms"),
    [
        (
            RuleSpec("q", query='("cross-border" OR CSTO) AND "Russian  troops"'),
            "Russian troops and the CSTO met at the cross border post.",
            ("cross-border", "CSTO", "Russian troops"),
        ),
        (RuleSpec("q", query="troop* OR =US"), "The US sent troopers.", ("troop*", "US")),
        (RuleSpec("q", query='title:Border OR "border"'), "border", ("border",)),
        (
            RuleSpec("k", query="CSTO", keywords=("Cross-Border", "U.S. army")),
            "CSTO and the U.S. Army on cross-border duty.",
            ("CSTO", "Cross-Border", "U.S. army"),
        ),
    ],
    ids=["phrases and hyphens", "prefix and exact case", "one term twice", "keywords"],
)
def test_a_match_reports_terms_as_the_analyst_wrote_them(
    spec: RuleSpec, text: str, terms: tuple[str, ...]
) -> None:
    doc = Document("", text)
    (match,) = compile_rules([spec]).match(doc)
    assert match.terms == terms
    assert {hit.term for hit in match.hits} == set(terms)
    assert "terms: " + ", ".join(terms) in explain(doc, spec)


def test_the_explanation_tree_keeps_the_spelling_of_the_query_and_keywords() -> None:
    spec = RuleSpec("k", query='"Cross-Border" U.S.', keywords=("troop*", 'the "Wagner" group'))
    text = explain(Document("", "cross border U S troop the Wagner group"), spec)
    assert "✓ Cross-Border: text word 0" in text
    assert "✓ U.S.: text word 2" in text
    assert "✓ troop: text word 4" in text  # a keyword is literal: its star is no prefix
    assert '✓ "the Wagner group": text word 5' in text
