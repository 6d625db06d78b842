"""Find place names in text: one Aho-Corasick pass, then the spelling rules.

The automaton runs over a lowercased copy in which every non-word character
is a space, and every key starts with a space, so a match can only start at a
word start and offsets stay those of the original text. The rules here are
about how a name is written; which place it means is disambiguate.py's job.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from monitor.geo.gazetteer import (
    EXACT,
    MAX_STEM_ENDING,
    NOSPACE,
    OTHER_SCRIPT,
    STEM,
    Gazetteer,
    Place,
    decode_entry,
    fold_case,
    spaced,
)

# A sentence starts after these; capitalisation there says nothing ("Nice
# weather", "Reading is fun").
SENTENCE_ENDS = frozenset(".!?:;\n\"'“”«»")


# fmt: off
# Words that follow a place name as part of a longer place or office name.
PLACE_NOUNS = frozenset({
    "Province", "Region", "Oblast", "Krai", "State", "County", "City", "District",
    "Prefecture", "Governorate", "Valley", "Airport", "Mayor", "Governor", "Police",
    "University", "Council", "Street", "Square", "River", "Lake", "Port", "Harbour", "Harbor",
    "Station", "Area", "Municipality", "Township", "Parish", "Department", "Territory",
    "Government", "Authorities", "Court",
})
# Capitalised words in front of a place that are not a first name.
QUALIFIERS = frozenset({
    "North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Central",
    "Upper", "Lower", "Greater", "Metropolitan", "Metro", "Downtown", "Old", "New", "Inner",
    "Outer", "Mid", "Lake", "Mount", "Fort", "Port", "Saint", "St", "Province", "Region",
    "State", "County", "City", "Republic", "Kingdom", "Oblast",
})
# Russian surnames are made from town names ("Смирна" -> "Смирнова",
# "Иваново" -> "Иванов"): a town's stem with these endings is a person.
SURNAME_ENDINGS = frozenset({"ов", "ова", "ев", "ева", "ёв", "ёва", "ин", "ина", "ых", "их"})
# The same endings, declined, on the word after a town ("Надежда Смирновой").
RUSSIAN_SURNAME_ENDINGS = (
    "ов", "ова", "ову", "овой", "ев", "ева", "еву", "евой", "ин", "ина", "иной",
    "ский", "ская", "ского", "ской", "цкий", "цкая",
)
# fmt: on
TOWN_KINDS = frozenset({"city", "capital"})


class Match(NamedTuple):
    """A name found in the text with the places it may mean.

    A NamedTuple rather than a frozen dataclass: thousands are made per
    second and never leave the package.
    """

    field: str
    start: int
    end: int
    surface: str
    candidates: tuple[int, ...]  # indexes into Gazetteer.places
    sentence_initial: bool
    capital_before: bool  # the previous word is capitalised mid-sentence ("Michael Jordan")
    capital_after: bool  # the next word is capitalised ("Chad Smith", "Paris Hilton")
    surname_after: bool  # the next word is a Russian surname ("Надежда Смирнова")


def find_matches(gazetteer: Gazetteer, text: str, field: str) -> list[Match]:
    """Every place name in `text`, leftmost-longest, that is written like a place."""
    if not text:
        return []
    cased = spaced(text)
    haystack = " " + fold_case(cased)
    hits = list(gazetteer.automaton.main.iter_long(haystack))
    if OTHER_SCRIPT.search(haystack):
        hits = merge_hits(hits, list(gazetteer.automaton.other.iter_long(haystack)), gazetteer)
    matches = []
    keys, groups = gazetteer.keys, gazetteer.groups
    headline = field == "title" and is_title_cased(text)
    for last, group in hits:
        entries = groups[group]
        nospace = decode_entry(entries[0])[1] & NOSPACE
        start = last - len(keys[group]) + (0 if nospace else 1)
        match = match_at(cased, text, field, start, last, entries, gazetteer.places)
        if match is not None:
            if headline:
                match = match._replace(capital_before=False, capital_after=False)
            matches.append(match)
    return matches


def merge_hits(
    first: list[tuple[int, int]], second: list[tuple[int, int]], gazetteer: Gazetteer
) -> list[tuple[int, int]]:
    """Both automata's hits in text order, the earlier (then longer) of two overlaps kept."""
    keys = gazetteer.keys
    spans = sorted(
        ((last - len(keys[group]), last, group) for last, group in first + second),
        key=lambda span: (span[0], -span[1]),
    )
    merged: list[tuple[int, int]] = []
    covered = -1
    for begin, last, group in spans:
        if begin >= covered:
            merged.append((last, group))
            covered = last
    return merged


def match_at(
    cased: str,
    text: str,
    field: str,
    start: int,
    end: int,
    entries: list[Any],
    places: tuple[Place, ...],
) -> Match | None:
    """Apply word-boundary, stem and capitalisation rules; None if no entry survives."""
    word_end = end
    size = len(cased)
    while word_end < size and cased[word_end] != " ":
        word_end += 1
    candidates = []
    stem = False
    for place, flags, exact, needs_capital in map(decode_entry, entries):
        if flags & STEM:
            if word_end - end > MAX_STEM_ENDING:
                continue
            if cased[end:word_end] in SURNAME_ENDINGS and places[place].kind in TOWN_KINDS:
                continue
            stem = True
        elif word_end != end and not flags & NOSPACE:
            continue
        if flags & EXACT and not text.startswith(exact, start):
            continue
        if needs_capital and not cased[start].isupper():
            continue
        candidates.append(place)
    if not candidates:
        return None
    final_end = word_end if stem else end
    capital_after = next_word_is_capitalised(text, final_end)
    return Match(
        field,
        start,
        final_end,
        text[start:final_end],
        tuple(candidates),
        is_sentence_initial(text, start),
        previous_word_is_capitalised(text, start),
        capital_after,
        capital_after and next_word_is_a_russian_surname(text, final_end),
    )


def is_sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\r(":
        i -= 1
    return i < 0 or text[i] in SENTENCE_ENDS


def previous_word_is_capitalised(text: str, start: int) -> bool:
    """True for "Michael Jordan", false for "in Jordan" or a sentence start."""
    i = start - 1
    if i < 0 or text[i] != " ":
        return False
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    if j == i or not text[j].isupper() or text[j:i] in QUALIFIERS:
        return False
    return not is_sentence_initial(text, j)


def next_word_is_capitalised(text: str, end: int) -> bool:
    """True for "Chad Smith", "Paris Hilton"; false across punctuation.

    A word that says what kind of place precedes it ("Khatlon Province",
    "Moscow Mayor") is not the second half of a person's name.
    """
    if not (end + 1 < len(text) and text[end] == " " and text[end + 1].isupper()):
        return False
    stop = end + 1
    while stop < len(text) and text[stop].isalpha():
        stop += 1
    return text[end + 1 : stop] not in PLACE_NOUNS


def next_word_is_a_russian_surname(text: str, end: int) -> bool:
    stop = end + 1
    while stop < len(text) and text[stop].isalpha():
        stop += 1
    word = text[end + 1 : stop]
    return len(word) > 4 and word.endswith(RUSSIAN_SURNAME_ENDINGS)


def is_title_cased(text: str) -> bool:
    """Most longer words capitalised: a headline, where capitals say little."""
    words = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)
