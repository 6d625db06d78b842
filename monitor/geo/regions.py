"""Resolve a region name from rules.yaml to the countries and subdivisions it covers.

A rule says `regions: ["Central Asia", Afghanistan]`; the config resolves each
entry once at load, so a typo is a config error with suggestions rather than
a rule that silently never fires.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from monitor.geo.gazetteer import STEM, Gazetteer, decode_entry, fold_case, spaced

MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class ResolvedRegion:
    """A named area as sets of ISO 3166-1 alpha-2 and ISO 3166-2 codes."""

    name: str
    countries: frozenset[str]
    subdivisions: frozenset[str]


class UnknownRegionError(ValueError):
    """A region name that is no country, subdivision, named or user-defined region."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f" (did you mean {', '.join(repr(s) for s in suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown region {name!r}{hint}")
        self.name = name
        self.suggestions = suggestions


def normalise_name(name: str) -> str:
    """The lookup form: case-folded, punctuation as spaces, spaces collapsed."""
    return " ".join(fold_case(spaced(name)).split())


def is_subdivision_code(code: str) -> bool:
    return re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", code) is not None


def region_from_members(name: str, members: Sequence[str]) -> ResolvedRegion:
    subs = frozenset(m for m in members if is_subdivision_code(m))
    return ResolvedRegion(name, frozenset(members) - subs, subs)


@dataclass(frozen=True)
class RegionIndex:
    """Every name a region entry may use, normalised, with its display name."""

    regions: Mapping[str, ResolvedRegion]

    @classmethod
    def build(cls, gazetteer: Gazetteer) -> RegionIndex:
        """Index names; earlier kinds win a clash (region, then country, then subdivision)."""
        index: dict[str, ResolvedRegion] = {}

        def add(name: str, region: ResolvedRegion) -> None:
            index.setdefault(normalise_name(name), region)

        for name, data in gazetteer.regions.items():
            if not data["members"]:
                continue  # a sea or ocean: known to the tagger, no use in a rule
            region = region_from_members(name, data["members"])
            for alias in [name, *data["aliases"]]:
                add(alias, region)
        for code, data in gazetteer.countries.items():
            region = ResolvedRegion(data["name"], frozenset({code}), frozenset())
            for alias in (code, data["alpha3"], data["name"], data["ru"]):
                add(alias, region)
        for code, data in gazetteer.subdivisions.items():
            add(code, ResolvedRegion(data["name"], frozenset(), frozenset({code})))
        for key, entries in zip(gazetteer.keys, gazetteer.groups, strict=True):
            for place_index, flags, _exact, _capital in map(decode_entry, entries):
                place = gazetteer.places[place_index]
                if flags & STEM or place.kind not in ("country", "subdivision"):
                    continue
                if place.kind == "country":
                    region = ResolvedRegion(
                        gazetteer.country_name(place.country),
                        frozenset({place.country}),
                        frozenset(),
                    )
                elif place.name == gazetteer.subdivision_name(place.subdivision or ""):
                    region = ResolvedRegion(place.name, frozenset(), frozenset({place.subdivision}))
                else:
                    continue  # a US county: it would stand for its whole state
                add(key, region)
        return cls(index)

    def suggest(self, name: str) -> list[str]:
        """The nearest valid names, by display name, for an error message."""
        close = difflib.get_close_matches(
            normalise_name(name), list(self.regions), n=MAX_SUGGESTIONS * 3, cutoff=0.6
        )
        seen: list[str] = []
        for key in close:
            display = self.regions[key].name
            if display not in seen:
                seen.append(display)
        return seen[:MAX_SUGGESTIONS]


@functools.lru_cache(maxsize=2)
def region_index(gazetteer: Gazetteer) -> RegionIndex:
    """The index of a gazetteer, built once per process on first use."""
    return RegionIndex.build(gazetteer)


def resolve_region(name: str, custom: Mapping[str, Sequence[str]] | None = None) -> ResolvedRegion:
    """Resolve a rules.yaml region entry; raise UnknownRegionError with suggestions.

    `custom` holds the user's `regions:` section (name -> list of any names
    this function accepts, including other custom regions). Custom names win
    over built-in ones, so a user may redefine "Middle East" to taste.
    """
    index = region_index(Gazetteer.load())
    custom_by_key = {normalise_name(k): (k, v) for k, v in (custom or {}).items()}
    return resolve_with(name, index, custom_by_key, ())


def resolve_with(
    name: str,
    index: RegionIndex,
    custom: Mapping[str, tuple[str, Sequence[str]]],
    path: tuple[str, ...],
) -> ResolvedRegion:
    key = normalise_name(name)
    if key in custom:
        display, members = custom[key]
        if key in path:
            raise UnknownRegionError(name, [f"region {display!r} contains itself"])
        parts = [resolve_with(m, index, custom, (*path, key)) for m in members]
        return ResolvedRegion(
            display,
            frozenset().union(*(p.countries for p in parts)),
            frozenset().union(*(p.subdivisions for p in parts)),
        )
    found = index.regions.get(key)
    if found is None:
        extra = [display for _, (display, _) in custom.items()]
        suggestions = index.suggest(name)
        suggestions += difflib.get_close_matches(name, extra, n=MAX_SUGGESTIONS, cutoff=0.6)
        raise UnknownRegionError(name, suggestions[:MAX_SUGGESTIONS])
    return found
