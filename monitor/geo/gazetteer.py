"""Load the shipped gazetteer into an automaton the tagger can run.

The data file is built offline by tools/build_gazetteer.py; loading it needs
only the standard library and pyahocorasick, so the daemon has no network or
large dependency at run time.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple

import ahocorasick

DATA_FILE = "gazetteer.json.gz"

# Name flags, as written by tools/build_gazetteer.py.
EXACT = 1  # acronyms (US, UK, DRC): the case must match, so "us" is nothing
ANYCASE = 2  # lowercase in running text is still a place (Russian adjectives)
NOSPACE = 4  # scripts without spaces: no word-boundary test
STEM = 8  # Russian stems: the word may go on with a case ending

# Longest ending a Russian stem may take ("Таджикистан|ского").
MAX_STEM_ENDING = 5

NON_WORD = re.compile(r"[\W_]")


@dataclass(frozen=True)
class Place:
    """One place the gazetteer knows: a country, demonym, city, subdivision or region."""

    kind: str
    country: str
    subdivision: str | None
    name: str
    population: int


class NameEntry(NamedTuple):
    """One way a place is written, and how strictly it must match."""

    place: int  # index into Gazetteer.places
    flags: int
    exact_form: str  # acronyms: the name exactly as written, dots included
    needs_capital: bool


def fold_case(text: str) -> str:
    """Lowercase without changing the length, so offsets stay valid.

    str.lower() grows a few characters ("İ" -> "i̇"); those keep their case.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def spaced(text: str) -> str:
    """Replace every non-word character by a space, keeping offsets."""
    return NON_WORD.sub(" ", text)


class Gazetteer:
    """Places, their names and the automaton that finds them in text."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.countries: Mapping[str, Mapping[str, str]] = MappingProxyType(data["countries"])
        self.subdivisions: Mapping[str, Mapping[str, str]] = MappingProxyType(
            data["subdivisions"]
        )
        self.regions: Mapping[str, Mapping[str, Any]] = MappingProxyType(data["regions"])
        self.places: tuple[Place, ...] = tuple(Place(*row) for row in data["places"])
        self.keys: tuple[str, ...] = tuple(key for key, _ in data["keys"])
        self.automaton, self.groups = build_automaton(data["keys"])

    @classmethod
    @functools.lru_cache(maxsize=1)
    def load(cls) -> Gazetteer:
        """Load the data file shipped in the package (once per process)."""
        blob = resources.files("monitor.geo").joinpath("data", DATA_FILE).read_bytes()
        return cls(json.loads(gzip.decompress(blob)))

    def country_name(self, code: str) -> str:
        country = self.countries.get(code)
        return country["name"] if country else code

    def subdivision_name(self, code: str) -> str:
        sub = self.subdivisions.get(code)
        return sub["name"] if sub else code


def build_automaton(keys: list[list[Any]]) -> tuple[ahocorasick.Automaton, tuple[Any, ...]]:
    """Index the precomputed keys; the automaton holds an index into the groups.

    Keys start with a space (except scripts without spaces) so that a match
    can only begin at a word start. Small integers in the automaton and the
    entries kept as loaded keep the load well under a second.
    """
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    groups = []
    for index, (key, entries) in enumerate(keys):
        automaton.add_word(key, index)
        groups.append(entries)
    automaton.make_automaton()
    return automaton, tuple(groups)
