"""Score the countries and subdivisions of an article and decide which are its focus.

A rule fires on what an article is about, not on every place it names: a
country named in the title or lead, or named often, is a focus; one named in
passing in the last paragraph is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from monitor.geo.disambiguate import Resolved
from monitor.geo.gazetteer import Gazetteer
from monitor.geo.tags import CountryTag, GeoTags, Mention, SubdivisionTag

TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
BODY_WEIGHT = 1.0
# Share of the top place's weight from which a place counts as a focus.
FOCUS_SCORE = 0.5
# The lead is the first paragraph, or the first few if they are shorter than
# this (a dateline is not a lead), never the last one.
LEAD_MIN_CHARS = 150
# Text without paragraphs: the lead is this many characters.
LEAD_CHARS = 300
MAX_EVIDENCE = 5
PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*")


@dataclass(frozen=True)
class Layout:
    """Where the lead ends and the last paragraph starts in the text."""

    lead_end: int
    last_start: int

    @classmethod
    def of(cls, text: str) -> Layout:
        paragraphs = [(m.start(), m.end()) for m in PARAGRAPH.finditer(text)]
        if len(paragraphs) < 2:
            return cls(min(len(text), LEAD_CHARS), len(text) + 1)
        last_start = paragraphs[-1][0]
        lead_end = next((end for _, end in paragraphs if end >= LEAD_MIN_CHARS), last_start)
        return cls(min(lead_end, last_start), last_start)


@dataclass
class Tally:
    """What one country or subdivision has collected so far."""

    weight: float = 0.0
    prominent: bool = False  # named in the title or lead
    outside_last: bool = False  # named somewhere before the last paragraph
    evidence: list[str] = field(default_factory=list)

    def add(self, mention: Mention, layout: Layout, line: str) -> None:
        if mention.field == "title":
            self.weight += TITLE_WEIGHT
            self.prominent = True
        elif mention.start < layout.lead_end:
            self.weight += LEAD_WEIGHT
            self.prominent = True
        else:
            self.weight += BODY_WEIGHT
        if mention.field == "title" or mention.start < layout.last_start:
            self.outside_last = True
        if line not in self.evidence and len(self.evidence) < MAX_EVIDENCE:
            self.evidence.append(line)

    def is_focus(self, score: float) -> bool:
        return self.prominent or (score >= FOCUS_SCORE and self.outside_last)


def mention_of(gazetteer: Gazetteer, resolved: Resolved) -> Mention:
    match, place = resolved.match, resolved.place
    return Mention(
        surface=match.surface,
        start=match.start,
        end=match.end,
        field=match.field,
        kind=place.kind,
        country=place.country,
        subdivision=place.subdivision,
        place=gazetteer.country_name(place.country) if place.kind == "demonym" else place.name,
    )


def build_tags(gazetteer: Gazetteer, text: str, resolved: Sequence[Resolved]) -> GeoTags:
    """Turn resolved mentions into scored country and subdivision tags."""
    layout = Layout.of(text)
    mentions = tuple(mention_of(gazetteer, r) for r in resolved)
    countries: dict[str, Tally] = {}
    subdivisions: dict[str, Tally] = {}
    for mention in mentions:
        if not mention.country:
            continue
        name = gazetteer.country_name(mention.country)
        line = f"{mention.surface} -> {name} ({mention.kind})"
        countries.setdefault(mention.country, Tally()).add(mention, layout, line)
        if mention.subdivision:
            sub_name = gazetteer.subdivision_name(mention.subdivision)
            sub_line = f"{mention.surface} -> {sub_name} ({mention.kind})"
            subdivisions.setdefault(mention.subdivision, Tally()).add(mention, layout, sub_line)
    return GeoTags(
        countries=country_tags(gazetteer, countries),
        subdivisions=subdivision_tags(gazetteer, subdivisions),
        mentions=mentions,
    )


def country_tags(gazetteer: Gazetteer, tallies: dict[str, Tally]) -> tuple[CountryTag, ...]:
    top = max((t.weight for t in tallies.values()), default=1.0)
    tags = []
    for code, tally in tallies.items():
        score = round(tally.weight / top, 3)
        tags.append(
            CountryTag(
                code,
                gazetteer.country_name(code),
                score,
                tally.is_focus(score),
                tuple(tally.evidence),
            )
        )
    return tuple(sorted(tags, key=lambda t: (-t.score, t.code)))


def subdivision_tags(gazetteer: Gazetteer, tallies: dict[str, Tally]) -> tuple[SubdivisionTag, ...]:
    top = max((t.weight for t in tallies.values()), default=1.0)
    tags = []
    for code, tally in tallies.items():
        score = round(tally.weight / top, 3)
        country = code.split("-", 1)[0]
        tags.append(
            SubdivisionTag(
                code,
                gazetteer.subdivision_name(code),
                country,
                score,
                tally.is_focus(score),
                tuple(tally.evidence),
            )
        )
    return tuple(sorted(tags, key=lambda t: (-t.score, t.code)))
