"""The places found in one article: plain frozen data, stored with the article."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from monitor.geo.regions import ResolvedRegion


@dataclass(frozen=True)
class Mention:
    """One place name in the text and what it was resolved to.

    Offsets are into `title` or `text`, as `field` says. `country` is empty
    for named regions ("Central Asia"), which name no single country.
    """

    surface: str
    start: int
    end: int
    field: str  # "title" | "text"
    kind: str  # "country" | "demonym" | "capital" | "subdivision" | "city" | "region"
    country: str
    subdivision: str | None
    place: str


@dataclass(frozen=True)
class CountryTag:
    """A country the article mentions; `focus` when it is what the article is about."""

    code: str
    name: str
    score: float
    focus: bool
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class SubdivisionTag:
    """A first-level subdivision (ISO 3166-2) the article mentions."""

    code: str
    name: str
    country: str
    score: float
    focus: bool
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class GeoTags:
    """Countries and subdivisions of one article, best first, with their mentions."""

    countries: tuple[CountryTag, ...]
    subdivisions: tuple[SubdivisionTag, ...]
    mentions: tuple[Mention, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (lists, strings, numbers) for storing with the article."""
        return {
            "countries": [
                {**asdict(tag), "evidence": list(tag.evidence)} for tag in self.countries
            ],
            "subdivisions": [
                {**asdict(tag), "evidence": list(tag.evidence)} for tag in self.subdivisions
            ],
            "mentions": [asdict(mention) for mention in self.mentions],
        }

    @property
    def focus_countries(self) -> frozenset[str]:
        return frozenset(tag.code for tag in self.countries if tag.focus)

    @property
    def focus_subdivisions(self) -> frozenset[str]:
        return frozenset(tag.code for tag in self.subdivisions if tag.focus)

    def evidence_in(
        self, region: ResolvedRegion, min_score: float | None = None
    ) -> tuple[str, ...]:
        """Why the article is about a place in `region`: evidence lines, empty if it is not.

        A place counts when it is a focus of the article, or, with `min_score`
        (a rule's own threshold), when its score reaches that instead. A
        subdivision counts for its own code and for its country.
        """

        def counts(tag: CountryTag | SubdivisionTag) -> bool:
            return tag.focus if min_score is None else tag.score >= min_score

        lines: list[str] = []
        for tag in self.countries:
            if tag.code in region.countries and counts(tag):
                lines.extend(line for line in tag.evidence if line not in lines)
        for sub in self.subdivisions:
            inside = sub.code in region.subdivisions or sub.country in region.countries
            if inside and counts(sub):
                lines.extend(line for line in sub.evidence if line not in lines)
        return tuple(lines)
