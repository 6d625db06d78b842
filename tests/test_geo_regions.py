"""Region names in rules.yaml resolve to countries and subdivisions, or fail with a hint."""

from __future__ import annotations

import pytest

from monitor.geo import ResolvedRegion, UnknownRegionError, resolve_region


@pytest.mark.parametrize(
    ("name", "countries", "subdivisions"),
    [
        ("Tajikistan", {"TJ"}, set()),
        ("tajikistan", {"TJ"}, set()),
        ("TJ", {"TJ"}, set()),
        ("tjk", {"TJ"}, set()),
        ("Таджикистан", {"TJ"}, set()),
        ("Ivory Coast", {"CI"}, set()),
        ("USA", {"US"}, set()),
        ("Khatlon", set(), {"TJ-KT"}),
        ("TJ-KT", set(), {"TJ-KT"}),
        ("Texas", set(), {"US-TX"}),
        ("Central Asia", {"KZ", "KG", "TJ", "TM", "UZ"}, set()),
        ("Центральная Азия", {"KZ", "KG", "TJ", "TM", "UZ"}, set()),
        ("Horn of Africa", {"DJ", "ER", "ET", "SO"}, set()),
        ("South Caucasus", {"AM", "AZ", "GE"}, set()),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_names_resolve_to_codes(name: str, countries: set[str], subdivisions: set[str]) -> None:
    region = resolve_region(name)
    assert region.countries == countries
    assert region.subdivisions == subdivisions


@pytest.mark.parametrize(
    ("name", "members"),
    [
        ("Middle East", {"IR", "IQ", "SY", "SA", "IL", "EG"}),
        ("Sahel", {"ML", "NE", "BF", "TD", "MR"}),
        ("Balkans", {"RS", "BA", "AL", "MK"}),
        ("Western Asia", {"GE", "AM", "TR", "SA"}),
        ("Sub-Saharan Africa", {"NG", "KE", "ZA"}),
        ("Europe", {"FR", "DE", "UA", "RU"}),
    ],
)
def test_named_regions_hold_their_members(name: str, members: set[str]) -> None:
    region = resolve_region(name)
    assert members <= region.countries
    assert region.name == name


def test_un_regions_do_not_leak_into_neighbours() -> None:
    assert "AF" not in resolve_region("Central Asia").countries
    assert "RU" not in resolve_region("Western Europe").countries


def test_user_defined_regions_combine_any_names() -> None:
    custom = {"Fergana watch": ["Tajikistan", "KG", "Sughd", "Uzbekistan"]}
    region = resolve_region("fergana WATCH", custom)
    assert region == ResolvedRegion(
        name="Fergana watch",
        countries=frozenset({"TJ", "KG", "UZ"}),
        subdivisions=frozenset({"TJ-SU"}),
    )


def test_user_defined_regions_may_nest_and_override() -> None:
    custom = {"Middle East": ["Israel", "PS"], "Watch": ["Middle East", "Central Asia"]}
    region = resolve_region("Watch", custom)
    assert region.countries == {"IL", "PS", "KZ", "KG", "TJ", "TM", "UZ"}


def test_a_region_that_contains_itself_is_an_error() -> None:
    with pytest.raises(UnknownRegionError):
        resolve_region("loop", {"loop": ["Tajikistan", "loop"]})


def test_typo_suggests_the_nearest_names() -> None:
    with pytest.raises(UnknownRegionError) as caught:
        resolve_region("Tajikstan")
    assert caught.value.name == "Tajikstan"
    assert caught.value.suggestions[0] == "Tajikistan"
    assert "did you mean" in str(caught.value)


def test_unknown_member_of_a_custom_region_names_the_member() -> None:
    with pytest.raises(UnknownRegionError) as caught:
        resolve_region("mine", {"mine": ["Tajikistan", "Centrl Asia"]})
    assert caught.value.name == "Centrl Asia"
    assert "Central Asia" in caught.value.suggestions


def test_unknown_region_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown region 'Atlantis'"):
        resolve_region("Atlantis")
