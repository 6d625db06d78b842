"""Random rule queries and random articles over one small vocabulary, for differential tests.

The vocabulary is small and full of near-misses (case, accents, possessives,
hyphens, prefixes, Cyrillic) so that random queries hit random texts often and
every matching feature is exercised where it is easiest to get wrong.

Queries and texts are built by plain functions from a `random.Random` that
Hypothesis draws (`st.randoms`), so thousands of them cost milliseconds and a
failing example still replays from Hypothesis's database.
"""

from __future__ import annotations

from random import Random

from hypothesis import strategies as st

WORDS = (
    "border", "Border", "borders", "troops", "Troop", "trooper", "cross", "US", "us",
    "Émigré", "emigre", "Таджикистан", "таджикистан", "CSTO", "football", "Kabul",
    "ceasefire", "Straße", "strasse", "new", "york",
)  # fmt: skip
SEPARATORS = (" ", " ", " ", " ", "-", "'s ", "’s ", ", ", ". ", "\n", " (", ") ")
SCOPES = ("", "", "", "", "", "", "", "", "title:", "text:", "url:", "source:")
PREFIXES = ("bo", "troop", "tr", "emi", "таджик", "cea", "stra", "yo")


def random_text(rng: Random, max_words: int) -> str:
    """A run of vocabulary words with assorted separators."""
    count = rng.randint(0, max_words)
    return "".join(rng.choice(WORDS) + rng.choice(SEPARATORS) for _ in range(count))


def random_term(rng: Random) -> str:
    """One query term: a word, a phrase, a prefix, maybe exact-case, maybe field-scoped."""
    kind = rng.choice(("word", "word", "word", "phrase", "prefix", "hyphen"))
    if kind == "word":
        body = rng.choice(WORDS)
    elif kind == "phrase":
        body = '"' + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 3))) + '"'
    elif kind == "prefix":
        body = rng.choice(PREFIXES) + "*"
    else:
        body = rng.choice(WORDS) + "-" + rng.choice(WORDS)
    if kind != "prefix" and rng.random() < 0.1:
        body = "=" + body
    return rng.choice(SCOPES) + body


def random_query(rng: Random, depth: int = 3) -> str:
    """A query that always needs something present (never matches by absence alone)."""
    if depth == 0 or rng.random() < 0.3:
        return random_term(rng)
    shape = rng.choice(("implicit", "and", "or", "or", "or", "not", "minus", "near", "group"))
    left, right = random_query(rng, depth - 1), random_query(rng, depth - 1)
    if shape == "implicit":
        return f"{left} {right}"
    if shape == "and":
        return f"({left} AND {right})"
    if shape == "or":
        return f"({left} OR {right})"
    if shape == "not":
        return f"{left} AND NOT {right}"
    if shape == "minus":
        return f"({left} -{right})"
    if shape == "group":
        scope = rng.choice(("title:", "text:", "url:"))
        return f"{scope}({_unscoped(rng)} OR {_unscoped(rng)})"
    return f"{_near_operand(rng)} NEAR/{rng.randint(0, 6)} {_near_operand(rng)}"


def _unscoped(rng: Random) -> str:
    term = random_term(rng)
    scoped = term.startswith(("title:", "text:", "url:", "source:"))
    return term.split(":", 1)[1] if scoped else term


def _near_operand(rng: Random) -> str:
    if rng.random() < 0.7:
        return random_term(rng)
    return "(" + " OR ".join(random_term(rng) for _ in range(rng.randint(2, 3))) + ")"


def randoms() -> st.SearchStrategy[Random]:
    return st.randoms(use_true_random=False)
