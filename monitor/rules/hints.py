"""Point out terms that will quietly miss what the analyst meant, before an article is missed.

Matching is on whole words, and most languages written in Cyrillic (Russian,
Ukrainian, Belarusian, Kazakh, Kyrgyz, Tajik, Serbian) change a noun's ending
with its case: "Таджикистан" does not match "в Таджикистане". The prefix form
(`Таджикистан*`, `Росси*`) matches every ending; `monitor check` says so for each such term.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from monitor.rules.evaluate import rule_tree
from monitor.rules.model import RuleSpec
from monitor.rules.query import Term, terms_of

# Shorter words are often particles or abbreviations that do not decline (США, НАТО).
_SHORTEST_DECLINED = 5


def ending_hints(specs: Iterable[RuleSpec]) -> list[str]:
    """One line for each whole Cyrillic word in a rule that its other endings would miss."""
    hints: list[str] = []
    for spec in specs:
        tree = rule_tree(spec)
        if tree is None:
            continue
        seen: set[str] = set()
        for term in terms_of(tree):
            if _declines(term) and term.label not in seen:
                seen.add(term.label)
                hints.append(_hint(spec.name, term))
    return hints


def _declines(term: Term) -> bool:
    if term.prefix or term.exact or len(term.words) != 1:
        return False
    word = term.original[0]
    return len(word) >= _SHORTEST_DECLINED and word.isalpha() and _is_cyrillic(word)


def _is_cyrillic(word: str) -> bool:
    return all(unicodedata.name(letter, "").startswith("CYRILLIC") for letter in word)


def _hint(rule: str, term: Term) -> str:
    word = term.original[0]
    return (
        f"rule {rule}: '{word}' matches this form only; a Cyrillic word changes its ending "
        f"with its case, so write {_stem(word)}* to match every form"
    )


# A final vowel, soft or hard sign or й is itself the ending: Россия -> Росси(и|ю|ей).
_ENDING_LETTERS = frozenset("аяоеёьъйыиуюэАЯОЕЁЬЪЙЫИУЮЭ")


def _stem(word: str) -> str:
    return word[:-1] if word[-1] in _ENDING_LETTERS else word
