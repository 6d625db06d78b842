"""Charset decoding: Russian, German and Portuguese pages come out readable whatever they claim."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.extract.decode import decode_html
from monitor.extract.language import detect_language, normalise_language_tag

RUSSIAN = (
    "<html><head><title>Новости</title></head><body><p>Власти эвакуировали жителей трёх сёл "
    "в долине реки после того, как уровень воды за ночь поднялся почти на два метра.</p>"
    "</body></html>"
)
GERMAN = (
    "<html><body><p>Die Bürger äußerten sich über die Straßenbahn: größer, schöner, "
    "schneller.</p></body></html>"
)


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        (RUSSIAN.encode("cp1251"), {"Content-Type": "text/html; charset=utf-8"}, "cp1251"),
        (RUSSIAN.encode("cp1251"), {"Content-Type": "text/html; charset=windows-1251"}, "cp1251"),
        (
            RUSSIAN.replace("<head>", '<head><meta charset="windows-1251">').encode("cp1251"),
            {},
            "cp1251",
        ),
        (RUSSIAN.encode("cp1251"), {}, "cp1251"),
        (RUSSIAN.encode("koi8-r"), {"content-type": "text/html; charset=KOI8-R"}, "koi8-r"),
        (RUSSIAN.encode("utf-8"), {"Content-Type": "text/html; charset=windows-1251"}, "utf-8"),
        (RUSSIAN.encode("utf-8"), {"Content-Type": "text/html; charset=x-unknown"}, "utf-8"),
        (
            codecs.BOM_UTF8 + RUSSIAN.encode("utf-8"),
            {"Content-Type": "text/html; charset=latin-1"},
            "utf-8",
        ),
    ],
    ids=[
        "cp1251-claims-utf8",
        "cp1251-declared",
        "cp1251-meta-only",
        "cp1251-undeclared",
        "koi8r-declared",
        "utf8-claims-cp1251",
        "unknown-label",
        "bom-beats-header",
    ],
)
def test_russian_page_reads_as_russian(body: bytes, headers: dict[str, str], expected: str) -> None:
    decoded = decode_html(body, headers)
    assert "Власти эвакуировали жителей" in decoded.text
    assert decoded.encoding == expected


def test_latin1_label_decodes_as_windows_1252_superset() -> None:
    body = "<p>“Quoted” – Straße</p>".encode("cp1252")
    decoded = decode_html(body, {"Content-Type": "text/html; charset=ISO-8859-1"})
    assert decoded.text == "<p>“Quoted” – Straße</p>"


def test_undeclared_latin1_german_page_is_readable() -> None:
    decoded = decode_html(GERMAN.encode("cp1252"), {})
    assert "äußerten" in decoded.text


def test_utf16_bom_is_honoured() -> None:
    decoded = decode_html(codecs.BOM_UTF16_LE + GERMAN.encode("utf-16-le"), {})
    assert "äußerten" in decoded.text


@given(st.binary(max_size=3000), st.sampled_from(["utf-8", "windows-1251", "bogus", "utf-16", ""]))
def test_decoding_never_raises(body: bytes, label: str) -> None:
    assert isinstance(decode_html(body, {"Content-Type": f"text/html; charset={label}"}).text, str)


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("en-GB", "en"),
        ("pt_BR", "pt"),
        ("RU", "ru"),
        ("zh-Hans-CN", "zh"),
        ("und", None),
        ("", None),
    ],
    ids=["region", "underscore", "upper", "script-subtag", "three-letter", "empty"],
)
def test_language_tags_normalise_to_iso_639_1(tag: str, code: str | None) -> None:
    assert normalise_language_tag(tag) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The minister said that the border would be opened for trade in the spring.", "en"),
        (
            "O ministro disse que a fronteira será aberta para o comércio na primavera.",
            "pt",
        ),
        ("Власти эвакуировали жителей трёх сёл в долине реки.", "ru"),
        ("Влада евакуювала жителів трьох сіл у долині річки, їх розмістили в школі.", "uk"),
        ("政府は国境を春に開くと発表した。", "ja"),
        ("정부는 봄에 국경을 개방한다고 발표했다.", "ko"),
        (
            "Il ministro ha detto che il confine sarà aperto per il commercio della regione.",
            "it",
        ),
        ("ok", None),
    ],
    ids=["en", "pt", "ru", "uk", "ja", "ko", "it", "too-short"],
)
def test_language_is_guessed_from_script_and_common_words(text: str, code: str | None) -> None:
    assert detect_language(text) == code
