"""Rules fire on the articles an analyst expects them to, and only those."""

from __future__ import annotations

import pickle

import pytest

from monitor.rules import (
    Document,
    Hit,
    PlaceTag,
    QuerySyntaxError,
    RegionSpec,
    RuleSpec,
    compile_rules,
)

CENTRAL_ASIA = RegionSpec("Central Asia", frozenset({"KZ", "KG", "TJ", "TM", "UZ"}))
DUSHANBE = PlaceTag("TJ", "Tajikistan", "country", 0.9, True, ("Dushanbe -> Tajikistan (capital)",))


def fires(spec: RuleSpec, doc: Document) -> bool:
    return bool(compile_rules([spec]).match(doc))


def query_fires(query: str, text: str, title: str = "") -> bool:
    return fires(RuleSpec("r", query=query), Document(title=title, text=text))


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("border", "Troops massed at the BORDER.", True),
        ("border", "Troops massed at the borders.", False),
        ("border", "A borderline case.", False),
        ("Tajikistan", "Tajikistan's army moved.", True),
        ("Tajikistan", "Tajikistan’s army moved.", True),
        ("Tajikistan's", "Tajikistan army", True),
        ('"cross-border"', "cross-border raids", True),
        ('"cross-border"', "cross border raids", True),
        ("cross-border", "a cross—border raid", True),
        ('"cross border"', "crossborder raids", False),
        ('"Russian troops"', "Russian troops arrived", True),
        ('"Russian troops"', "troops, Russian officials said", False),
        ('"Russian troops"', "Russian and troops", False),
        ("emigre", "an Émigré writer", True),
        ("Émigré", "an EMIGRE writer", True),
        ("Таджикистан", "Новости: ТАДЖИКИСТАН и Кыргызстан", True),
        ("таджикистан", "Таджикистана", False),
        ("таджикистан*", "в Таджикистане", True),
        ("Ёлка", "елка", True),
        ("Straße", "STRASSE", True),
        ("हिन्दी", "यह हिन्दी है", True),
        ("中国", "中国人民", True),
        ("中国", "中人国", False),
        ("=US", "The US said", True),
        ("=US", "told us that", False),
        ("US", "told us that", True),
        ("=NATO", "Nato said", False),
        ("troop*", "Trooper and troops", True),
        ("=Troop*", "Troopers arrived", True),
        ("=Troop*", "troopers arrived", False),
        ('="New York"', "in New York today", True),
        ('="New York"', "in new York today", False),
        ("troop*", "stroop effect", False),
        ('"Russian troop*"', "Russian troopers", True),
        ("border AND troops", "troops at the border", True),
        ("border troops", "troops at the border", True),
        ("border troops", "border only", False),
        ("border OR troops", "troops only", True),
        ("(border OR troops) AND NOT football", "troops, football", False),
        ("(border OR troops) -football", "troops at the border", True),
        ("Russia NEAR/3 troops", "Russia sent its own troops", True),
        ("Russia NEAR/3 troops", "troops sent by Russia", True),
        ("Russia NEAR/2 troops", "Russia sent its own troops", False),
        ("Russia NEAR/0 troops", "troops Russia", True),
        ('"Russian troops" NEAR/1 border', "the border where Russian troops stand", True),
        ("(Russia OR Moscow) NEAR/1 troop*", "Moscow's troopers", True),
        ("troops NEAR/5 troops", "one troops here", False),
        ("troops NEAR/5 troops", "troops and troops", True),
    ],
    ids=lambda value: str(value),
)
def test_queries_match_whole_words_the_way_a_reader_expects(
    query: str, text: str, expected: bool
) -> None:
    assert query_fires(query, text) is expected


@pytest.mark.parametrize(
    ("text", "positions"),
    [
        ("Tajikistan bordersmen left; the borders closed; overborders; borders.", [4, 7]),
        ("Tajikistan bordersmen and overborders, borders-free", [4]),
        ("Tajikistan bordersmen and overborders", None),
        ('Tajikistan "sealed borders"', [2]),
        ("Tajikistan sealed  the borders", [3]),
    ],
)
def test_a_second_term_is_found_only_as_whole_words_wherever_it_hides(
    text: str, positions: list[int] | None
) -> None:
    """A rule is indexed under its rarer side; its other terms are found by searching the text."""
    spec = RuleSpec("r", query='Tajikistan AND (borders OR "sealed borders" OR "sealed the")')
    found = compile_rules([spec]).match(Document(title="", text=text))
    if positions is None:
        assert not found
        return
    (match,) = found
    assert [hit.position for hit in match.hits if hit.term == "borders"] == positions


def test_near_does_not_reach_from_the_title_into_the_text() -> None:
    assert not query_fires("Russia NEAR/5 troops", title="Russia", text="troops")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("title:ceasefire", True),
        ("text:ceasefire", False),
        ("ceasefire", True),
        ("text:Kabul", True),
        ("title:Kabul", False),
        ("url:reuters", True),
        ('url:"reuters.com/world"', True),
        ("url:world AND source:steppe-asia", True),
        ("source:steppe", True),
        ("source:wire", False),
        ("reuters", False),
    ],
    ids=lambda value: str(value),
)
def test_field_scopes_look_only_in_their_field(query: str, expected: bool) -> None:
    doc = Document(
        title="Ceasefire holds",
        text="Talks in Kabul continue.",
        url="https://www.reuters.com/world/asia/",
        source="steppe-asia",
    )
    assert fires(RuleSpec("r", query=query), doc) is expected


def test_keywords_fire_on_any_of_their_phrases() -> None:
    spec = RuleSpec("r", keywords=("CSTO", "Russian troops"))
    assert fires(spec, Document("", "The CSTO met."))
    assert fires(spec, Document("", "Russian troops left."))
    assert not fires(spec, Document("", "Troops, Russian sources said."))


def test_query_and_keywords_must_both_hold() -> None:
    spec = RuleSpec("r", query="border", keywords=("CSTO",))
    assert not fires(spec, Document("", "border"))
    assert not fires(spec, Document("", "CSTO"))
    assert fires(spec, Document("", "CSTO border"))


def test_a_region_rule_needs_a_focus_place_in_the_region() -> None:
    spec = RuleSpec("r", regions=(CENTRAL_ASIA,))
    mentioned = PlaceTag("TJ", "Tajikistan", "country", 0.4, False)
    elsewhere = PlaceTag("AF", "Afghanistan", "country", 0.9, True)
    assert fires(spec, Document("t", "x", places=(DUSHANBE,)))
    assert not fires(spec, Document("t", "x", places=(mentioned,)))
    assert not fires(spec, Document("t", "x", places=(elsewhere,)))
    assert not fires(spec, Document("t", "x"))


def test_a_region_rule_with_a_minimum_score_counts_any_place_scored_enough() -> None:
    spec = RuleSpec("r", regions=(CENTRAL_ASIA,), region_min_score=0.3)
    assert fires(
        spec, Document("t", "x", places=(PlaceTag("TJ", "Tajikistan", "country", 0.4, False),))
    )
    assert not fires(
        spec, Document("t", "x", places=(PlaceTag("TJ", "Tajikistan", "country", 0.2, True),))
    )


def test_a_subdivision_is_inside_its_country_and_can_be_named_itself() -> None:
    badakhshan = PlaceTag("TJ-GB", "Gorno-Badakhshan", "subdivision", 0.8, True)
    assert fires(RuleSpec("r", regions=(CENTRAL_ASIA,)), Document("t", "x", places=(badakhshan,)))
    pamir = RegionSpec("Pamir", frozenset(), frozenset({"TJ-GB"}))
    assert fires(RuleSpec("r", regions=(pamir,)), Document("t", "x", places=(badakhshan,)))
    assert not fires(RuleSpec("r", regions=(pamir,)), Document("t", "x", places=(DUSHANBE,)))


def test_query_and_region_must_both_hold() -> None:
    spec = RuleSpec("r", query="troops", regions=(CENTRAL_ASIA,))
    assert fires(spec, Document("t", "troops", places=(DUSHANBE,)))
    assert not fires(spec, Document("t", "troops"))
    assert not fires(spec, Document("t", "army", places=(DUSHANBE,)))


def test_sources_and_languages_narrow_a_rule() -> None:
    spec = RuleSpec(
        "r", query="troops", sources=frozenset({"steppe-asia"}), languages=frozenset({"en"})
    )
    assert fires(spec, Document("t", "troops", source="steppe-asia", language="en"))
    assert not fires(spec, Document("t", "troops", source="other", language="en"))
    assert not fires(spec, Document("t", "troops", source="steppe-asia", language="ru"))
    assert not fires(spec, Document("t", "troops", source="steppe-asia"))


def test_every_rule_that_holds_is_returned_in_rule_order() -> None:
    matcher = compile_rules(
        [
            RuleSpec("asia", regions=(CENTRAL_ASIA,)),
            RuleSpec("troops", query="troop*"),
            RuleSpec("football", query="football"),
            RuleSpec("border", keywords=("border",)),
        ]
    )
    doc = Document("Troops at the border", "Soldiers arrived.", places=(DUSHANBE,))
    assert [match.rule for match in matcher.match(doc)] == ["asia", "troops", "border"]


def test_a_match_says_which_terms_fired_where_and_shows_them_in_context() -> None:
    text = " ".join(f"w{i}" for i in range(100))
    text = text.replace("w20 w21", "Russian troops").replace("w80", "border")
    doc = Document("Border tension", text, places=(DUSHANBE,))
    spec = RuleSpec("r", query='("Russian troops" OR border) -football', regions=(CENTRAL_ASIA,))
    (match,) = compile_rules([spec]).match(doc)
    assert match.terms == ("Russian troops", "border")
    assert match.hits == (
        Hit("border", "title", 0),
        Hit("Russian troops", "text", 20),
        Hit("border", "text", 80),
    )
    assert match.regions == ("Central Asia",)
    assert match.places == (
        "Tajikistan (TJ, focus, score 0.90) is in Central Asia: Dushanbe -> Tajikistan (capital)",
    )
    first, second = match.snippets
    assert first.startswith("…w10 ")
    assert "Russian troops" in first
    assert first.endswith("w34…")
    assert len(first.split()) == 25
    assert second.startswith("…w70 ")
    assert "border" in second


def test_the_title_is_a_snippet_only_when_the_text_has_none() -> None:
    (match,) = compile_rules([RuleSpec("r", query="ceasefire")]).match(
        Document("Ceasefire holds", "Nothing else here.")
    )
    assert match.snippets == ("Ceasefire holds",)


def test_snippets_do_not_repeat_each_other() -> None:
    text = " ".join(f"w{i}" for i in range(60)).replace("w12 ", "border ").replace("w27", "border")
    (match,) = compile_rules([RuleSpec("r", query="border")]).match(Document("", text))
    first, second = match.snippets
    assert first.startswith("…w2 ")
    assert first.endswith(" w26…")
    assert second.startswith("…border w28 ")


def test_snippets_are_at_most_three_and_keep_the_article_punctuation() -> None:
    sentence = "Shelling near the border, officials said. " + "Filler words here. " * 10
    (match,) = compile_rules([RuleSpec("r", query="border")]).match(Document("t", sentence * 6))
    assert len(match.snippets) == 3
    assert "near the border, officials said." in match.snippets[0]


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        (RuleSpec("broken", query="(border"), "never closed"),
        (RuleSpec("broken", keywords=("ok", "!!!")), "no letters or digits"),
        (RuleSpec("broken", query="NOT football"), "lacks something"),
        (RuleSpec("broken"), "no query, keywords or regions"),
    ],
    ids=lambda value: str(value),
)
def test_compiling_a_bad_rule_names_the_rule(spec: RuleSpec, says: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        compile_rules([RuleSpec("fine", query="troops"), spec])
    assert caught.value.rule == "broken"
    assert says in caught.value.message
    assert str(caught.value).startswith("rule 'broken': ")


def test_two_rules_with_one_name_are_rejected() -> None:
    with pytest.raises(QuerySyntaxError, match="same name"):
        compile_rules([RuleSpec("a", query="x"), RuleSpec("a", query="y")])


def test_matches_and_explanations_cross_process_boundaries_intact() -> None:
    """Matching runs in worker processes: what it returns must pickle."""
    matcher = compile_rules([RuleSpec("r", query="troops", regions=(CENTRAL_ASIA,))])
    doc = Document("Troops", "Troops massed.", places=(DUSHANBE,))
    (match,) = matcher.match(doc)
    assert pickle.loads(pickle.dumps(match)) == match
    explanation = matcher.explain(doc, "r")
    assert pickle.loads(pickle.dumps(explanation)) == explanation


def test_no_rules_match_nothing() -> None:
    assert compile_rules([]).match(Document("Troops", "border")) == []
