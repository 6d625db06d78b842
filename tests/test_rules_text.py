"""Words are cut and normalised the same way for queries and articles, in any script."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from monitor.rules.text import (
    WordSpans,
    normalize,
    normalized_line,
    normalized_words,
    scanned_text,
    text_line,
    word_spans,
    words,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tajikistan's border", ["Tajikistan", "border"]),
        ("Tajikistan’s border", ["Tajikistan", "border"]),
        ("the troops' return", ["the", "troops", "return"]),
        ("cross-border raids", ["cross", "border", "raids"]),
        ("l'Ukraine, don't", ["l", "Ukraine", "don", "t"]),
        ("“Quoted” — yes… ok", ["Quoted", "yes", "ok"]),
        ("U.S. troops, 3.5 km", ["U", "S", "troops", "3", "5", "km"]),
        ("Таджикистан's армия", ["Таджикистан", "армия"]),
        ("यह हिन्दी है", ["यह", "हिन्दी", "है"]),
        ("中国人民abc", ["中", "国", "人", "民", "abc"]),
        ("ka ça 😀 va", ["ka", "ça", "va"]),
        ("'s alone", ["s", "alone"]),
    ],
    ids=lambda value: str(value),
)
def test_words_split_on_punctuation_and_drop_possessives(text: str, expected: list[str]) -> None:
    assert words(text) == expected
    assert [text[start:end] for start, end in word_spans(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ÉMIGRÉ émigré Emigre", ["emigre", "emigre", "emigre"]),
        ("Ёлка ЁЛКА", ["елка", "елка"]),
        ("Straße", ["strasse"]),
        ("İstanbul", ["istanbul"]),
        ("Ελλάδα", ["ελλαδα"]),
    ],
    ids=lambda value: str(value),
)
def test_normalised_words_ignore_case_and_accents(text: str, expected: list[str]) -> None:
    assert normalized_words(text) == expected


ascii_texts = st.text(alphabet=st.sampled_from("abS's'_-. ,\n09X’—é"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(text=ascii_texts)
def test_the_fast_path_cuts_the_same_words_as_the_general_one(text: str) -> None:
    cut = words(text)
    assert cut == [text[start:end] for start, end in word_spans(text)]
    assert text_line(text) == (normalized_line(cut), len(cut))


@settings(max_examples=300, deadline=None)
@given(original=st.lists(st.text(min_size=1, max_size=6), max_size=8))
def test_a_line_normalises_word_by_word(original: list[str]) -> None:
    cut = [word for text in original for word in words(text)]
    assert (
        normalized_line(cut).split(" ") == [normalize(word).replace(" ", "") for word in cut]
        or not cut
    )


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab's' -.,\n’—éД中"), max_size=60), data=st.data())
def test_a_window_of_words_spans_from_its_first_to_its_last_word(
    text: str, data: st.DataObject
) -> None:
    spans = word_spans(text)
    if not spans:
        return
    start = data.draw(st.integers(0, len(spans) - 1))
    stop = data.draw(st.integers(start + 1, len(spans)))
    expected = (spans[start][0], spans[stop - 1][1])
    assert WordSpans(text).window(start, stop) == expected
    assert WordSpans(text).window(start, stop, len(spans)) == expected
    spaced = scanned_text(text)[2]
    assert WordSpans(text, spaced).window(start, stop, len(spans)) == expected


_LONG_WORDS = st.one_of(
    st.sampled_from(["a", "of", "border", "Tajikistan's", "CSTO", "x" * 40]),
    st.text(alphabet="abcXYZ09_", min_size=1, max_size=25),
)
_SEPARATORS = st.sampled_from([" ", ", ", " - ", ".\n\n   ", "  (", "'s "])
_PIECES = st.lists(st.tuples(_LONG_WORDS, _SEPARATORS), min_size=1, max_size=400)


@settings(max_examples=200, deadline=None)
@given(pieces=_PIECES, data=st.data())
def test_a_word_deep_in_a_long_text_is_found_where_the_word_pattern_finds_it(
    pieces: list[tuple[str, str]], data: st.DataObject
) -> None:
    """Snippets of long articles find words from either end; each must land on its word."""
    text = "".join(word + separator for word, separator in pieces)
    spans = word_spans(text)
    found = WordSpans(text, scanned_text(text)[2])
    for index in data.draw(st.lists(st.integers(0, len(spans) - 1), min_size=1, max_size=5)):
        assert found.span(index) == spans[index]
        assert found.window(index, index + 1, len(spans)) == spans[index]


@settings(max_examples=200, deadline=None)
@given(pieces=_PIECES, data=st.data())
def test_a_window_found_from_a_word_inside_it_is_the_window_found_from_the_ends(
    pieces: list[tuple[str, str]], data: st.DataObject
) -> None:
    """Snippets start from the matched word (its letters before it, from the scan)."""
    text = "".join(separator + word for word, separator in pieces)
    spans = word_spans(text)
    spaced = scanned_text(text)[2]
    assume(spaced is not None)  # a stacked possessive ("x's's") takes the general path
    assert spaced is not None
    lengths = [len(word) for word in spaced.split()]
    start = data.draw(st.integers(0, len(spans) - 1))
    stop = data.draw(st.integers(start + 1, min(len(spans), start + 40)))
    anchor = data.draw(st.integers(start, stop - 1))
    letters = sum(lengths[:anchor])
    found = WordSpans(text, spaced).window(start, stop, len(spans), (anchor, letters))
    assert found == (spans[start][0], spans[stop - 1][1])


def test_a_window_from_a_word_reaches_past_words_longer_than_it_first_looks() -> None:
    text = "a " + "x" * 100 + ", b " + "y" * 90 + " c"
    spaced = scanned_text(text)[2]
    spans = word_spans(text)
    for start, stop, anchor, letters in [(0, 5, 2, 101), (1, 4, 3, 102), (2, 3, 2, 101)]:
        found = WordSpans(text, spaced).window(start, stop, len(spans), (anchor, letters))
        assert found == (spans[start][0], spans[stop - 1][1])
