"""What an analyst sees: which countries an article is tagged with, and why."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.geo import Gazetteer, GeoTags, resolve_region, tag_places


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def countries(gazetteer: Gazetteer, text: str, title: str = "") -> set[str]:
    return {tag.code for tag in tag_places(gazetteer, title, text).countries}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dushanbe", {"TJ"}),
        ("Tajik President Emomali Rahmon met the delegation.", {"TJ"}),
        ("Clashes broke out on the Tajik-Afghan border.", {"TJ", "AF"}),
        ("Floods hit Khatlon on Monday.", {"TJ"}),
        ("Таджикистан", {"TJ"}),
        ("Делегация прибыла в Таджикистане.", {"TJ"}),
        ("Перестрелка на таджикско-афганской границе.", {"TJ", "AF"}),
        ("Президент России прилетел в Душанбе.", {"RU", "TJ"}),
        ("Papua New Guinea held elections.", {"PG"}),
        ("Kinshasa said the DRC would respond.", {"CD"}),
        ("Talks between the US, the UK and the UAE.", {"US", "GB", "AE"}),
        ("Власти Соединённых Штатов заявили", {"US"}),
        ("Гуманитарная помощь Афганистану", {"AF"}),
        ("Новости из Хатлонской области", {"TJ"}),
        ("杜尚别是塔吉克斯坦的首都", {"TJ"}),
        ("رئيس طاجيكستان في دوشنبه", {"TJ"}),
        ("Protests in Kyiv, Kiev and Bogota", {"UA", "CO"}),
    ],
    ids=[
        "capital",
        "demonym",
        "hyphenated-demonyms",
        "subdivision",
        "russian-name",
        "russian-locative",
        "russian-adjectives",
        "russian-capital-and-genitive",
        "leftmost-longest",
        "acronym-drc",
        "acronyms",
        "russian-multiword-genitive",
        "russian-dative",
        "russian-subdivision-adjective",
        "chinese-no-spaces",
        "arabic",
        "exonyms-and-accents",
    ],
)
def test_names_the_countries_an_article_is_about(
    gazetteer: Gazetteer, text: str, expected: set[str]
) -> None:
    assert countries(gazetteer, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Chad Smith said the band would tour again.",
        "Jordan scored twice in the second half.",
        "What a nice day for reading a book.",
        "Nice weather today. Reading is my hobby.",
        "let us know what you think",
        "Paris Hilton arrived at the party.",
    ],
    ids=[
        "chad-person",
        "jordan-alone",
        "lowercase-words",
        "sentence-initial",
        "lowercase-us",
        "person-name",
    ],
)
def test_people_and_words_are_not_places(gazetteer: Gazetteer, text: str) -> None:
    assert countries(gazetteer, text) == set()


def test_headline_capitals_do_not_hide_places(gazetteer: Gazetteer) -> None:
    tags = tag_places(gazetteer, "Floods Hit Khatlon Province In Southern Tajikistan", "")
    assert [t.code for t in tags.countries] == ["TJ"]
    assert [t.code for t in tags.subdivisions] == ["TJ-KT"]


def test_a_kind_of_place_after_the_name_is_not_a_surname(gazetteer: Gazetteer) -> None:
    assert countries(gazetteer, "Officials said Khatlon Province was flooded.") == {"TJ"}
    assert countries(gazetteer, "The Moscow Mayor spoke on Tuesday.") == {"RU"}


def test_jordan_counts_when_amman_puts_it_in_the_article(gazetteer: Gazetteer) -> None:
    tags = tag_places(gazetteer, "", "The king spoke in Amman. Jordan will host the talks.")
    assert [t.code for t in tags.countries] == ["JO"]
    assert any(m.surface == "Jordan" and m.country == "JO" for m in tags.mentions)


def test_georgia_is_the_us_state_next_to_atlanta(gazetteer: Gazetteer) -> None:
    text = "Storms hit Atlanta on Monday, and Georgia declared an emergency."
    tags = tag_places(gazetteer, "", text)
    assert {t.code for t in tags.countries} == {"US"}
    assert "US-GA" in {t.code for t in tags.subdivisions}
    georgia = next(m for m in tags.mentions if m.surface == "Georgia")
    assert (georgia.kind, georgia.subdivision) == ("subdivision", "US-GA")


def test_georgia_is_the_country_next_to_tbilisi(gazetteer: Gazetteer) -> None:
    tags = tag_places(gazetteer, "", "Protesters gathered in Tbilisi as Georgia voted.")
    assert {t.code for t in tags.countries} == {"GE"}
    assert tags.subdivisions == ()


def test_paris_texas_is_in_the_united_states(gazetteer: Gazetteer) -> None:
    tags = tag_places(gazetteer, "", "A tornado struck Paris, Texas, overnight.")
    assert {t.code for t in tags.countries} == {"US"}
    paris = next(m for m in tags.mentions if m.surface == "Paris")
    assert (paris.country, paris.subdivision) == ("US", "US-TX")


def test_paris_alone_is_the_french_capital(gazetteer: Gazetteer) -> None:
    assert countries(gazetteer, "Ministers met in Paris on Tuesday.") == {"FR"}


def test_nice_with_a_capital_in_mid_sentence_is_the_city_in_france(gazetteer: Gazetteer) -> None:
    assert countries(gazetteer, "The festival in Nice, France, was cancelled.") == {"FR"}


def test_explanations_name_the_place_and_why(gazetteer: Gazetteer) -> None:
    tags = tag_places(gazetteer, "", "Tajik officials in Dushanbe denied the report.")
    (tajikistan,) = tags.countries
    assert tajikistan.name == "Tajikistan"
    assert "Dushanbe -> Tajikistan (capital)" in tajikistan.evidence
    assert "Tajik -> Tajikistan (demonym)" in tajikistan.evidence


def test_mention_offsets_point_into_their_field(gazetteer: Gazetteer) -> None:
    title = "Floods in Khatlon"
    text = "Rescuers reached Dushanbe late on Monday."
    tags = tag_places(gazetteer, title, text)
    for mention in tags.mentions:
        source = title if mention.field == "title" else text
        assert source[mention.start : mention.end] == mention.surface
    assert {m.field for m in tags.mentions} == {"title", "text"}


def test_a_passing_mention_in_the_last_paragraph_is_not_a_focus(gazetteer: Gazetteer) -> None:
    text = (
        "Tajikistan opened a new bridge over the river on Monday.\n\n"
        "Officials in Dushanbe said the bridge would carry trucks from Khatlon. "
        "Tajik engineers built it in two years, and the Tajik government paid for most of it.\n\n"
        "A similar bridge was built in Peru last year."
    )
    tags = tag_places(gazetteer, "New bridge opens in Tajikistan", text)
    by_code = {t.code: t for t in tags.countries}
    assert by_code["TJ"].focus
    assert not by_code["PE"].focus
    assert by_code["PE"].score < by_code["TJ"].score


def test_subdivisions_are_tagged_with_their_country(gazetteer: Gazetteer) -> None:
    tags = tag_places(gazetteer, "", "Floods in Khatlon and Sughd displaced thousands.")
    assert {(t.code, t.country) for t in tags.subdivisions} == {("TJ-KT", "TJ"), ("TJ-SU", "TJ")}


def test_oceans_are_not_the_countries_they_are_named_after(gazetteer: Gazetteer) -> None:
    assert countries(gazetteer, "The Indian Ocean tsunami reached the coast.") == set()


def test_regions_are_mentions_without_a_country(gazetteer: Gazetteer) -> None:
    tags = tag_places(gazetteer, "", "Water disputes flare across Central Asia.")
    assert tags.countries == ()
    (mention,) = tags.mentions
    assert (mention.kind, mention.place, mention.country) == ("region", "Central Asia", "")


def test_tags_serialise_to_json_for_storage(gazetteer: Gazetteer) -> None:
    tags = tag_places(gazetteer, "Tajik-Afghan border", "Troops in Khatlon were reinforced.")
    stored = json.loads(json.dumps(tags.to_json()))
    assert stored["countries"][0]["code"] == "TJ"
    assert stored["countries"][0]["evidence"]
    assert stored["subdivisions"][0]["code"] == "TJ-KT"
    assert {m["field"] for m in stored["mentions"]} == {"title", "text"}


def test_empty_article_has_no_places(gazetteer: Gazetteer) -> None:
    assert tag_places(gazetteer, "", "") == GeoTags((), (), ())


@settings(max_examples=60, deadline=None)
@given(title=st.text(max_size=80), text=st.text(max_size=400))
def test_any_text_gives_consistent_offsets(gazetteer: Gazetteer, title: str, text: str) -> None:
    tags = tag_places(gazetteer, title, text)
    for mention in tags.mentions:
        source = title if mention.field == "title" else text
        assert source[mention.start : mention.end] == mention.surface
    assert {t.code for t in tags.countries} <= {m.country for m in tags.mentions}
    assert all(0 < t.score <= 1 for t in tags.countries)


def test_a_rule_region_holds_for_focus_places_inside_it(gazetteer: Gazetteer) -> None:
    text = (
        "Officials in Dushanbe said the Tajik army had reinforced the border.\n\n"
        "Troops from Khatlon were moved south on Monday and more are expected.\n\n"
        "A similar deployment took place in Peru in 2019."
    )
    tags = tag_places(gazetteer, "Tajik troops reinforce the border", text)
    central_asia = resolve_region("Central Asia")
    assert "Dushanbe -> Tajikistan (capital)" in tags.evidence_in(central_asia)
    assert tags.evidence_in(resolve_region("Khatlon"))
    assert tags.evidence_in(resolve_region("South America")) == ()
    assert tags.evidence_in(resolve_region("South America"), min_score=0.01)


def test_russian_names_of_people_are_not_towns(gazetteer: Gazetteer) -> None:
    text = (
        "Ранее Владимир Путин заявил, что Москва готова помочь. "
        "Надежда Смирнова рассказала об урожае. Власти Нидерландов ответили."
    )
    tags = tag_places(gazetteer, "", text)
    assert {t.code for t in tags.countries} == {"RU", "NL"}
    assert [m.surface for m in tags.mentions] == ["Москва", "Нидерландов"]


def test_english_given_names_before_a_surname_are_not_places(gazetteer: Gazetteer) -> None:
    text = "Officials in Washington met Victoria Beckham and Jordan Henderson in Texas."
    tags = tag_places(gazetteer, "", text)
    assert {m.surface for m in tags.mentions} == {"Washington", "Texas"}
