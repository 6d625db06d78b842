"""Decide which place each name means, looking at the whole article.

Strong, unambiguous evidence comes first (country names, demonyms, capitals,
subdivisions, big cities); ambiguous names are then read in its light. A weak
or ambiguous name never brings in a new country on its own: that is what
keeps "Paris, Texas" in the US and "Chad Smith said" out of Africa.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from monitor.geo.gazetteer import Gazetteer, Place
from monitor.geo.tagger import Match

# Names that are usually people or words. They count only when another
# mention already puts their country in the article ("Amman ... Jordan").
STOP_LIST: dict[str, str] = {
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
KIND_PRIOR = {"country": 1e9, "demonym": 1e9, "subdivision": 5e6, "region": 1e9}
CONTEXT_BONUS = 2.0  # log10 units: the candidate's country is already in evidence
SUBDIVISION_BONUS = 3.0  # the candidate's subdivision is mentioned too ("Paris, Texas")
# A candidate that is this many log10 units above all others wins without context.
DOMINANCE = 1.0


class Resolved(NamedTuple):
    """A match and the place chosen for it."""

    match: Match
    place: Place


def prior(place: Place) -> float:
    if place.kind == "capital":
        return max(place.population * 10, 5e6)
    return KIND_PRIOR.get(place.kind, float(max(place.population, 1)))


def is_strong(place: Place) -> bool:
    if place.kind == "subdivision":
        return place.population >= SMALL_COUNTRY
    return place.kind in STRONG_KINDS or (place.kind == "city" and place.population >= BIG_CITY)


def looks_like_a_person_or_word(match: Match, places: Sequence[Place]) -> bool:
    """Why a single match is not trusted on its own.

    - stop-listed names are people or words more often than places;
    - a capitalised name at a sentence start may just be a capitalised word;
    - a city or capital next to another capitalised word is usually part of
      a person's or organisation's name ("Paris Hilton", "Maria Flores").
    """
    key = match.surface.casefold()
    if key in STOP_LIST:
        return True
    kinds = {p.kind for p in places}
    if kinds <= {"city", "capital", "subdivision"} and " " not in match.surface:
        if match.capital_after or match.capital_before:
            return True
        if match.sentence_initial and all(p.population < BIG_CITY for p in places):
            return True
    return False


def resolve(gazetteer: Gazetteer, matches: Sequence[Match]) -> list[Resolved]:
    """Choose one place per match, or drop the match, using document-level evidence."""
    places = gazetteer.places
    options = [[places[c] for c in m.candidates] for m in matches]
    evidence: set[str] = set()
    subdivisions: set[str] = set()
    chosen: list[Place | None] = [None] * len(matches)
    suspicious = [looks_like_a_person_or_word(m, o) for m, o in zip(matches, options, strict=True)]
    # 1. Unambiguous strong names: every candidate in one country.
    for i, places in enumerate(options):
        regions = [p for p in places if p.kind == "region"]
        if regions:
            chosen[i] = regions[0]
            continue
        countries = {p.country for p in places}
        if len(countries) == 1 and not suspicious[i]:
            best = max(places, key=prior)
            if is_strong(best):
                chosen[i] = best
                evidence.add(best.country)
                if best.subdivision:
                    subdivisions.add(best.subdivision)
    # 2. Ambiguous names read in context; a clear favourite may add a country.
    # Names that may be a state or country go first, so that "Ontario" is
    # settled before "London" is weighed.
    pending = [i for i, place in enumerate(chosen) if place is None]
    pending.sort(key=lambda i: not any(p.kind in AREA_KINDS for p in options[i]))
    for i in pending:
        places = options[i]
        best, margin = best_in_context(places, evidence, subdivisions)
        in_evidence = best.country in evidence
        if in_evidence or (margin >= DOMINANCE and is_strong(best) and not suspicious[i]):
            chosen[i] = best
            evidence.add(best.country)
            if best.subdivision:
                subdivisions.add(best.subdivision)
    # 3. Weak names that agree: two different names, each only in one country,
    # vouch for each other ("Bicester ... Oxford").
    admit_corroborated_weak_names(matches, options, chosen, suspicious, evidence)
    return [Resolved(m, p) for m, p in zip(matches, chosen, strict=True) if p is not None]


def admit_corroborated_weak_names(
    matches: Sequence[Match],
    options: Sequence[Sequence[Place]],
    chosen: list[Place | None],
    suspicious: Sequence[bool],
    evidence: set[str],
) -> None:
    """Admit a country that two different unresolved names point to.

    At least one of the two must mean only places in that country: "Bicester"
    (England only) makes "Oxford" the English one, while "Paris" and
    "Dublin" alone, each with towns in many countries, prove nothing.
    """
    names: dict[str, set[str]] = {}
    sole: dict[str, set[str]] = {}
    for i, places in enumerate(options):
        if chosen[i] is not None or suspicious[i]:
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
    evidence |= agreed
    for i, places in enumerate(options):
        if chosen[i] is None:
            best = max((p for p in places if p.country in evidence), key=prior, default=None)
            if best is not None and not (suspicious[i] and best.country not in agreed):
                chosen[i] = best


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
