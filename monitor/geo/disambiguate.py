"""Decide which place each name means, looking at the whole article.

Strong, unambiguous evidence comes first (country names, demonyms, capitals,
subdivisions, big cities); ambiguous names are then read in its light. A weak
or ambiguous name never brings in a new country on its own: that is what
keeps "Paris, Texas" in the US and "Chad Smith said" out of Africa.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from monitor.geo.gazetteer import Gazetteer, Place
from monitor.geo.tagger import Match

# Names that are usually people or words. They count only when another
# mention already puts their country in the article ("Amman ... Jordan").
STOP_LIST: Mapping[str, str] = MappingProxyType(
    {
        "chad": "a common given name (Chad Smith)",
        "jordan": "a given name and surname (Michael Jordan)",
        "georgia": "the US state and a given name as often as the country",
        "nice": "an English adjective",
        "reading": "an English noun",
        "mobile": "an English adjective",
        "split": "an English verb",
        "bath": "an English noun",
        "orange": "a colour and a company",
        "florence": "a given name",
        "victoria": "a given name, a state and a lake",
        "lincoln": "a surname and a president",
        "jackson": "a surname",
        "austin": "a given name and surname",
        "charlotte": "a given name",
        "hamilton": "a surname",
        "kent": "a given name and surname",
        "madison": "a given name and surname",
        "marion": "a given name",
        "independence": "an English noun",
        "concord": "an English noun",
        "english": "the language far more often than England",
        "latin": "the language",
        "deal": "an English noun",
        "buy": "an English verb",
        "of": "an English preposition",
        "hope": "an English noun",
        "liberty": "an English noun",
        "union": "an English noun",
        "normal": "an English adjective",
        "university": "an English noun",
        "college": "an English noun",
        "university park": "a campus name in many states",
        "man": "an English noun (and a city in Côte d'Ivoire)",
        "mary": "a given name (and a Turkmen province)",
        "delta": "an English noun (and a Nigerian state)",
        "gulf": "an English noun",
        "bay": "an English noun",
        "pool": "an English noun",
        "van": "an English noun and a surname particle",
        "bar": "an English noun",
        "flores": "a surname",
        "nelson": "a given name and surname",
        "rivera": "a surname",
        "toyota": "the carmaker",
        "central": "an English adjective (and several towns)",
        "republic": "an English noun (and a US town)",
        "summit": "an English noun",
        "bend": "an English noun",
        "liberal": "an English adjective",
        "rivers": "an English noun (and a Nigerian state)",
        "harrison": "a given name and surname",
        "weston": "a surname",
        "elizabeth": "a given name",
        "mason": "a given name and surname",
        "douglas": "a given name and surname",
        "parker": "a surname",
        "rogers": "a surname",
        "cheng": "a Chinese surname",
        "vladimir": "a given name (Vladimir Putin)",
        "владимир": "a given name (Владимир Путин)",
        "sofia": "a given name",
        "софия": "a given name",
        "regina": "a given name",
        "chu": "a Chinese and Vietnamese surname",
        "bush": "a surname and a common noun",
        "duma": "the Russian parliament",
        "george": "a given name",
        "paterson": "a surname",
        "marshall": "a surname and a rank",
        "bradley": "a given name and surname",
        "march": "a month and a verb",
        "may": "a month and a verb",
        "august": "a month and an adjective",
    }
)

# Kinds whose one-word names double as first names and surnames.
TOWN_KINDS = frozenset({"city", "capital"})
# Kinds that name an area holding towns: settled before the towns.
AREA_KINDS = frozenset({"country", "subdivision"})
# Kinds whose unambiguous names are evidence on their own.
STRONG_KINDS = frozenset({"country", "demonym", "capital", "subdivision"})
# A city at least this big is strong evidence by itself; smaller ones only
# confirm a country the article already names (there are a dozen Londons).
BIG_CITY = 100_000
# Subdivisions carry their country's population: below this, the country is
# a small state whose parishes share names with towns everywhere (Hanover,
# Westmoreland), so they only confirm a country already in evidence.
SMALL_COUNTRY = 1_000_000
# Prior weight of a candidate: a country or demonym beats any city, a capital
# or state beats most; among cities, population decides.
KIND_PRIOR: Mapping[str, float] = MappingProxyType(
    {"country": 1e9, "demonym": 1e9, "subdivision": 5e6, "region": 1e9}
)
CONTEXT_BONUS = 2.0  # log10 units: the candidate's country is already in evidence
SUBDIVISION_BONUS = 3.0  # the candidate's subdivision is mentioned too ("Paris, Texas")
# A candidate that is this many log10 units above all others wins without context.
DOMINANCE = 1.0


class Resolved(NamedTuple):
    """A match and the place chosen for it."""

    match: Match
    place: Place


def prior(place: Place) -> float:
    """How likely a reading is before context: a capital is named ten times its size."""
    if place.kind == "capital":
        return max(place.population * 10, 5e6)
    return KIND_PRIOR.get(place.kind, float(max(place.population, 1)))


def is_strong(place: Place) -> bool:
    """Whether the reading may bring its country into the article on its own."""
    if place.kind == "subdivision":
        return place.population >= SMALL_COUNTRY
    return place.kind in STRONG_KINDS or (place.kind == "city" and place.population >= BIG_CITY)


def looks_like_a_word(match: Match, places: Sequence[Place]) -> bool:
    """A name that counts only when another mention puts its country in the article.

    - stop-listed names are people or words more often than places;
    - a capitalised small town at a sentence start may just be a capitalised word;
    - a town or capital before another capitalised word may be a person's
      first name ("Paris Hilton") as well as a local body ("Toronto Transit
      Commission"): the article has to be about that country already.
    """
    if match.surface.casefold() in STOP_LIST:
        return True
    if " " in match.surface:
        return False
    if match.capital_after and all(p.kind in TOWN_KINDS for p in places):
        return True
    return match.sentence_initial and all(
        p.kind == "city" and p.population < BIG_CITY for p in places
    )


def looks_like_part_of_a_name(match: Match, places: Sequence[Place]) -> bool:
    """Whether the name is part of a person's name; the place reading is then dropped.

    - a one-word town or capital after a capitalised word is a surname ("Jim
      Harrison"); directions and qualifiers ("Western Pennsylvania") are not
      first names, and the tagger does not flag those;
    - a stop-listed name before a capitalised word is a first name ("Chad
      Smith", "Victoria Beckham"), even when its country is in the article;
    - so is a town before a Russian surname ("Надежда Смирнова").
    """
    if " " in match.surface:
        return False
    if match.capital_after and match.surface.casefold() in STOP_LIST:
        return True
    if match.surname_after and all(p.kind in TOWN_KINDS for p in places):
        return True
    return match.capital_before and all(p.kind in TOWN_KINDS for p in places)


def resolve(gazetteer: Gazetteer, matches: Sequence[Match]) -> list[Resolved]:
    """Choose one place per match, or drop the match, using document-level evidence."""
    kept = []
    for match in matches:
        places = [gazetteer.places[c] for c in match.candidates]
        if not looks_like_part_of_a_name(match, places):
            kept.append((match, places))
    options = [places for _, places in kept]
    doc = Evidence(
        options=options,
        chosen=[None] * len(kept),
        suspicious=[looks_like_a_word(m, places) for m, places in kept],
    )
    choose_unambiguous_names(doc)
    choose_ambiguous_names_in_context(doc)
    admit_corroborated_weak_names([m for m, _ in kept], doc)
    return [
        Resolved(match, place)
        for (match, _), place in zip(kept, doc.chosen, strict=True)
        if place is not None
    ]


@dataclass
class Evidence:
    """The document-level state of resolution: what is chosen, what is known."""

    options: list[list[Place]]
    chosen: list[Place | None]
    suspicious: list[bool]
    countries: set[str] = field(default_factory=set)
    subdivisions: set[str] = field(default_factory=set)

    def choose(self, i: int, place: Place) -> None:
        self.chosen[i] = place
        if place.country:
            self.countries.add(place.country)
        if place.subdivision:
            self.subdivisions.add(place.subdivision)


def choose_unambiguous_names(doc: Evidence) -> None:
    """Regions, and strong names whose every reading lies in one country."""
    for i, places in enumerate(doc.options):
        regions = [p for p in places if p.kind == "region"]
        if regions:
            doc.choose(i, regions[0])
            continue
        if len({p.country for p in places}) == 1 and not doc.suspicious[i]:
            best = max(places, key=prior)
            if is_strong(best):
                doc.choose(i, best)


def choose_ambiguous_names_in_context(doc: Evidence) -> None:
    """Read the other names in the light of the evidence; a clear favourite may add a country.

    Names that may be a state or country go first, so that "Ontario" is
    settled before "London" is weighed.
    """
    pending = [i for i, place in enumerate(doc.chosen) if place is None]
    pending.sort(key=lambda i: not any(p.kind in AREA_KINDS for p in doc.options[i]))
    for i in pending:
        best, margin = best_in_context(doc.options[i], doc.countries, doc.subdivisions)
        clear_favourite = margin >= DOMINANCE and is_strong(best) and not doc.suspicious[i]
        if best.country in doc.countries or clear_favourite:
            doc.choose(i, best)


def admit_corroborated_weak_names(matches: Sequence[Match], doc: Evidence) -> None:
    """Admit a country that two different unresolved names point to.

    At least one of the two must mean only places in that country: "Bicester"
    (England only) makes "Oxford" the English one, while "Paris" and
    "Dublin" alone, each with towns in many countries, prove nothing.
    """
    names: dict[str, set[str]] = {}
    sole: dict[str, set[str]] = {}
    for i, places in enumerate(doc.options):
        if doc.chosen[i] is not None or doc.suspicious[i]:
            continue
        countries = {p.country for p in places if p.kind != "region"}
        surface = matches[i].surface.casefold()
        for country in countries:
            names.setdefault(country, set()).add(surface)
        if len(countries) == 1:
            sole.setdefault(next(iter(countries)), set()).add(surface)
    agreed = {c for c, surfaces in names.items() if len(surfaces) >= 2 and c in sole}
    if not agreed:
        return
    doc.countries |= agreed
    for i, places in enumerate(doc.options):
        if doc.chosen[i] is None:
            best = max((p for p in places if p.country in doc.countries), key=prior, default=None)
            if best is not None and not (doc.suspicious[i] and best.country not in agreed):
                doc.choose(i, best)


def best_in_context(
    places: Sequence[Place], evidence: set[str], subdivisions: set[str]
) -> tuple[Place, float]:
    """The most likely place and its lead, in log10 units, over the next country."""

    def score(place: Place) -> float:
        value = math.log10(prior(place))
        if place.country in evidence:
            value += CONTEXT_BONUS
        if place.subdivision and place.subdivision in subdivisions:
            value += SUBDIVISION_BONUS
        return value

    ranked = sorted(places, key=score, reverse=True)
    best = ranked[0]
    others = [score(p) for p in ranked[1:] if p.country != best.country]
    margin = score(best) - others[0] if others else math.inf
    return best, margin
