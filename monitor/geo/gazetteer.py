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
# Names in scripts other than Latin and Cyrillic live in a second automaton,
# run only on text that has such letters: thousands of first letters after
# the leading space make every scan ten times slower otherwise.
OTHER_SCRIPT = re.compile(r"[^\u0000-\u024f\u0400-\u052f\u1e00-\u1eff]")


class Automata(NamedTuple):
    """The Latin/Cyrillic automaton and the one for every other script."""

    main: ahocorasick.Automaton
    other: ahocorasick.Automaton


class Place(NamedTuple):
    """One place the gazetteer knows: a country, demonym, city, subdivision or region.

    A NamedTuple: tens of thousands are made at every load.
    """

    kind: str
    country: str
    subdivision: str | None
    name: str
    population: int


def fold_case(text: str) -> str:
    """Lowercase without changing the length, so offsets stay valid.

    str.lower() grows a few characters ("İ" -> "i̇"); those keep their case.
    "ё" folds to "е", as Russian writers do.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    # Russian text writes "ё" as "е" as often as not.
    return lowered.replace("ё", "е")


def spaced(text: str) -> str:
    """Replace every non-word character by a space, keeping offsets."""
    return NON_WORD.sub(" ", text)


class Gazetteer:
    """Places, their names and the automaton that finds them in text."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.countries: Mapping[str, Mapping[str, str]] = MappingProxyType(data["countries"])
        self.subdivisions: Mapping[str, Mapping[str, str]] = MappingProxyType(data["subdivisions"])
        self.regions: Mapping[str, Mapping[str, Any]] = MappingProxyType(data["regions"])
        self.places: tuple[Place, ...] = tuple(map(Place._make, data["places"]))
        self.keys: tuple[str, ...] = tuple(data["keys"].split("\n"))
        self.groups: tuple[list[Any], ...] = tuple(data["groups"])
        self.automaton = build_automaton(self.keys, data["other_script_from"])

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


def build_automaton(keys: tuple[str, ...], other_script_from: int) -> Automata:
    """Index the precomputed keys; the automata hold the key's index.

    Keys start with a space (except scripts without spaces) so that a match
    can only begin at a word start. The build sorted Latin and Cyrillic keys
    before the others. Small integers in the automata keep the load fast.
    """
    main = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    other = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for index, key in enumerate(keys):
        (main if index < other_script_from else other).add_word(key, index)
    main.make_automaton()
    other.make_automaton()
    return Automata(main, other)


def encode_entry(place: int, flags: int, *, needs_capital: bool) -> int:
    """Pack a name entry in one integer: the data file stays fast to parse."""
    return place << 5 | int(needs_capital) << 4 | flags


def decode_entry(entry: int | list[Any]) -> tuple[int, int, str, bool]:
    """(place index, flags, exact form or "", needs a capital) of a stored entry."""
    if entry.__class__ is int:
        return entry >> 5, entry & 15, "", bool(entry & 16)
    code, exact = entry
    return code >> 5, code & 15, exact, bool(code & 16)
