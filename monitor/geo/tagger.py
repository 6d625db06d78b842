"""Find place names in text: one Aho-Corasick pass, then the spelling rules.

The automaton runs over a lowercased copy in which every non-word character
is a space, and every key starts with a space, so a match can only start at a
word start and offsets stay those of the original text. The rules here are
about how a name is written; which place it means is disambiguate.py's job.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.geo.gazetteer import (
    EXACT,
    MAX_STEM_ENDING,
    NOSPACE,
    STEM,
    Gazetteer,
    NameEntry,
    fold_case,
    spaced,
)

# A sentence starts after these; capitalisation there says nothing ("Nice
# weather", "Reading is fun").
SENTENCE_ENDS = frozenset(".!?:;\n\"'“”«»")


@dataclass(frozen=True)
class Match:
    """A name found in the text with the places it may mean."""

    field: str
    start: int
    end: int
    surface: str
    candidates: tuple[NameEntry, ...]
    sentence_initial: bool
    capital_before: bool  # the previous word is capitalised mid-sentence ("Michael Jordan")
    capital_after: bool  # the next word is capitalised ("Chad Smith", "Paris Hilton")


def find_matches(gazetteer: Gazetteer, text: str, field: str) -> list[Match]:
    """Every place name in `text`, leftmost-longest, that is written like a place."""
    if not text:
        return []
    cased = spaced(text)
    haystack = " " + fold_case(cased)
    matches = []
    for last, group in gazetteer.automaton.iter_long(haystack):
        key_length = len(gazetteer.keys[group])
        entries = gazetteer.groups[group]
        nospace = entries[0][1] & NOSPACE
        start = last - key_length + (0 if nospace else 1)
        match = match_at(cased, text, field, start, last, entries)
        if match is not None:
            matches.append(match)
    return matches


def match_at(
    cased: str, text: str, field: str, start: int, end: int, entries: list
) -> Match | None:
    """Apply word-boundary, stem and capitalisation rules; None if no entry survives."""
    word_end = end
    while word_end < len(cased) and cased[word_end] != " ":
        word_end += 1
    candidates = []
    for entry in entries:
        place, flags, exact, needs_capital = entry
        if flags & STEM:
            if word_end - end > MAX_STEM_ENDING:
                continue
        elif word_end != end and not flags & NOSPACE:
            continue
        if flags & EXACT and not text.startswith(exact, start):
            continue
        if needs_capital and not cased[start].isupper():
            continue
        candidates.append(NameEntry(place, flags, exact, needs_capital))
    if not candidates:
        return None
    stem = any(c.flags & STEM for c in candidates)
    final_end = word_end if stem else end
    return Match(
        field=field,
        start=start,
        end=final_end,
        surface=text[start:final_end],
        candidates=tuple(candidates),
        sentence_initial=is_sentence_initial(text, start),
        capital_before=previous_word_is_capitalised(text, start),
        capital_after=next_word_is_capitalised(text, final_end),
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
    if j == i or not text[j].isupper():
        return False
    return not is_sentence_initial(text, j)


def next_word_is_capitalised(text: str, end: int) -> bool:
    """True for "Chad Smith", "Paris Hilton"; false across punctuation."""
    return end + 1 < len(text) and text[end] == " " and text[end + 1].isupper()
