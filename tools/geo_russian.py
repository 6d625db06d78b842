"""Russian case forms of place names, for the gazetteer build.

Russian declines place names ("в Таджикистане", "из Москвы", "Южной Кореи");
the gazetteer stores stems that take any short ending, and spells out the
forms of names too short for a safe stem. No morphology library needed.
"""

from __future__ import annotations

# Case endings of a Russian adjective in front of a name ("Южная Корея" ->
# "Южной Корее", "Соединённые Штаты" -> "Соединённых Штатов").
ADJECTIVE_CASES = {
    "ая": ("ая", "ой", "ую", "ою"),
    "яя": ("яя", "ей", "юю"),
    "ий": ("ий", "ого", "ому", "им", "ом"),
    "ый": ("ый", "ого", "ому", "ым", "ом"),
    "ое": ("ое", "ого", "ому", "ым", "ом"),
    "ые": ("ые", "ых", "ым", "ыми"),
    "ие": ("ие", "их", "им", "ими"),
}


def adjective_forms(word: str) -> list[str]:
    for ending, forms in ADJECTIVE_CASES.items():
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return [word[: -len(ending)] + form for form in forms]
    return [word]


# A shorter stem would start too many other words ("Мал" of "Мали" starts
# "Малинин"); such names get their case forms spelled out instead.
MIN_STEM = 4
SHORT_NAME_ENDINGS = {
    "а": ("ы", "е", "у", "ой", "ою"),
    "я": ("и", "е", "ю", "ей"),
    "ь": ("и", "ью", "я", "ю", "е", "ем"),
    "й": ("я", "ю", "е", "ем"),
}
CONSONANT_ENDINGS = ("а", "у", "е", "ом")


def russian_short_forms(name: str) -> list[str]:
    """Spelled-out case forms of a one-word name too short for a stem ("Куба" -> "Кубе")."""
    if " " in name or len(name) > 5 or len(name) < 3:
        return []
    last = name[-1]
    if last in SHORT_NAME_ENDINGS:
        endings = SHORT_NAME_ENDINGS[last]
        if last == "а" and name[-2] in "гкхжшчщ":
            endings = ("и", "е", "у", "ой", "ою")
        return [name[:-1] + e for e in endings]
    if last.isalpha() and last not in "оеиыуюэё":
        return [name + e for e in CONSONANT_ENDINGS]
    return []


def russian_stems(name: str) -> list[str]:
    """The stems a Russian name's case forms share, one per form of its adjectives.

    Russian declines place names ("в Таджикистане", "из Москвы"); matching
    the stem plus a short ending covers every case without a morphology
    library. Names in front of the last word are inflected explicitly.
    """
    words = name.split(" ")
    last = words[-1]
    if len(last) < 4 or "-" in last[-3:]:
        return []
    if last[-1] in "аяйьоыеи":
        last = last[:-1]
        if last[-1] in "иы" and len(last) > 5:
            last = last[:-1]
    if len(last) < MIN_STEM:
        return []
    if len(words) > 3:
        return [" ".join([*words[:-1], last])]
    heads = [adjective_forms(w) for w in words[:-1]]
    stems = [[]]
    for options in heads:
        stems = [[*stem, option] for stem in stems for option in options]
    return [" ".join([*stem, last]) for stem in stems]
