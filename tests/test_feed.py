"""Feeds as they come from the wild: every format, broken charsets, hostile XML, garbage."""

from __future__ import annotations

import json
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.sources import Entry, SourceParseError
from monitor.sources.feed import parse_feed

FEEDS = Path(__file__).parent / "data" / "feeds"
BASE = "https://feeds.example.net/path/feed.xml"


def read(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def parse_error(body: bytes, headers: dict[str, str] | None = None) -> SourceParseError:
    with pytest.raises(SourceParseError) as caught:
        parse_feed(body, BASE, headers)
    assert caught.value.kind == "feed"
    assert BASE in str(caught.value)
    return caught.value


def test_rss20_entries_carry_every_field() -> None:
    entries = parse_feed(read("rss20.xml"), BASE)
    first = entries[0]
    assert first.url == "https://news.example.org/2026/11/troops-border?utm_source=rss"
    assert first.guid == "urn:news:1001"
    assert first.title == "Troops move to the border"
    assert first.summary == "Joint deployment of Russian troops along the border."
    assert first.published == datetime(2026, 11, 24, 6, 30, tzinfo=UTC)
    assert first.authors == ("Aigerim Sadykova",)
    assert first.language == "en"


def test_rss20_links_are_resolved_and_unusable_items_skipped() -> None:
    entries = parse_feed(read("rss20.xml"), BASE)
    assert [e.url for e in entries] == [
        "https://news.example.org/2026/11/troops-border?utm_source=rss",
        "https://feeds.example.net/2026/11/relative-story",
        "https://news.example.org/2026/11/guid-only",
    ]
    assert entries[1].summary == "Plain text summary & more."
    assert entries[1].authors == ("News Desk",)


def test_rss10_rdf() -> None:
    entries = parse_feed(read("rss10.rdf"), BASE)
    assert [e.title for e in entries] == ["Erster Artikel", "Zweiter Artikel"]
    assert entries[0].published == datetime(2026, 11, 20, 7, 15, tzinfo=UTC)
    assert entries[0].authors == ("Jana Weber",)
    assert {e.language for e in entries} == {"de"}


def test_atom_with_xml_base_languages_and_several_authors() -> None:
    frontiere, english = parse_feed(read("atom.xml"), BASE)
    assert frontiere.url == "https://atom.example.org/blog/articles/frontiere"
    assert frontiere.title == "Frontière fermée"
    assert frontiere.summary == "La frontière est fermée depuis lundi."
    assert frontiere.published == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    assert frontiere.authors == ("Marie Dupont", "Luc Martin")
    assert frontiere.language == "fr"
    assert english.language == "en"
    assert english.summary == "Some xhtml content."
    assert english.published == datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_json_feed_11_validates_types_item_by_item() -> None:
    entries = parse_feed(read("jsonfeed11.json"), BASE, {"Content-Type": "application/feed+json"})
    assert [e.url for e in entries] == [
        "https://json.example.org/posts/2",
        "https://feeds.example.net/posts/1",
        "https://elsewhere.example.com/story",
    ]
    second, first, elsewhere = entries
    assert (second.guid, second.title, second.summary) == ("2", "Second post", "Hello world")
    assert second.published == datetime(2026, 11, 24, 6, 30, tzinfo=UTC)
    assert second.authors == ("Olga Ivanova",)
    assert second.language == "ru"
    assert (first.guid, first.summary, first.language) == ("1", "A short summary.", "en")
    assert first.authors == ("Feed Team",)
    assert (elsewhere.title, elsewhere.published) == ("", None)


def test_json_feed_10_author_and_naive_date() -> None:
    (entry,) = parse_feed(read("jsonfeed10.json"), BASE)
    assert entry.authors == ("Solo Writer",)
    assert entry.published == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert entry.summary == "Version 1.0 item."


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}',
        b'{"version": "2", "items": []}',
        b'{"title": "no version", "items": []}',
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [' + b"[" * 5000 + b"]",
        b'{"version": "https://jsonfeed.org/version/1", "items": [{"id": ' + b"9" * 5000 + b"}]}",
    ],
    ids=["malformed", "items-not-list", "wrong-version", "no-version", "deep", "huge-int"],
)
def test_bad_json_feeds_are_parse_errors(body: bytes) -> None:
    parse_error(body, {"Content-Type": "application/json"})


def test_windows_1251_feed_labelled_utf8_reads_as_russian() -> None:
    entries = parse_feed(read("cp1251_labelled_utf8.xml"), BASE)
    assert entries[0].title == "Российские войска у границы"
    assert "Афганистаном" in entries[0].summary
    assert entries[1].title == "Переговоры в Душанбе продолжаются"


def test_windows_1251_declared_in_the_header_only() -> None:
    body = read("cp1251_labelled_utf8.xml").replace(b' encoding="utf-8"', b"")
    headers = {"Content-Type": "application/rss+xml; charset=windows-1251"}
    assert parse_feed(body, BASE, headers)[0].title == "Российские войска у границы"


def test_utf8_feed_mislabelled_latin1_keeps_its_utf8() -> None:
    body = read("cp1251_labelled_utf8.xml").decode("cp1251").encode("utf-8")
    body = body.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"')
    assert parse_feed(body, BASE)[0].title == "Российские войска у границы"


def test_utf16_with_bom() -> None:
    assert parse_feed(read("utf16_bom.xml"), BASE)[0].title == "Ünïcödé title"


def test_rss091_public_doctype_is_fine() -> None:
    (entry,) = parse_feed(read("rss091_doctype.xml"), BASE)
    assert entry.title == "Café opens"


@pytest.mark.parametrize(
    "name",
    ["billion_laughs.xml", "external_entity.xml", "entity_after_comment.xml"],
)
def test_entity_declarations_are_refused(name: str) -> None:
    error = parse_error(read(name))
    assert "entity declarations are refused" in str(error)


def test_entity_declarations_are_found_after_decoding() -> None:
    error = parse_error(
        read("billion_laughs.xml").decode().replace("utf-8", "utf-16").encode("utf-16")
    )
    assert "entity declarations are refused" in str(error)


def test_quadratic_blowup_is_refused_fast_and_small() -> None:
    body = read("quadratic_blowup.xml")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        parse_error(body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1.0
    assert peak < 5 * 1024 * 1024


def test_invalid_xml_reports_the_parser_message() -> None:
    error = parse_error(read("invalid.xml"))
    assert "not a readable feed" in str(error)


def test_an_html_page_is_not_a_feed() -> None:
    assert "not a feed" in str(parse_error(read("not_a_feed.html")))


def test_broken_feed_with_recoverable_entries_still_yields_them() -> None:
    (entry,) = parse_feed(read("broken_but_recoverable.xml"), BASE)
    assert (entry.url, entry.title) == ("https://broken.example.org/1", "Still readable & fine")


def test_broken_feed_without_a_usable_entry_is_an_error() -> None:
    error = parse_error(b"<rss><channel><item><title>unclosed</channel>")
    assert "not a readable feed" in str(error)


@pytest.mark.parametrize("name", ["empty_rss.xml", "empty_atom.xml"])
def test_valid_empty_feed_is_an_empty_list(name: str) -> None:
    assert parse_feed(read(name), BASE) == []


def test_json_feed_with_no_items_is_an_empty_list() -> None:
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": []}).encode()
    assert parse_feed(body, BASE) == []


def test_max_entries_keeps_the_first_ones_in_order() -> None:
    items = "".join(
        f"<item><title>n{i}</title><link>https://many.example.org/{i}</link></item>"
        for i in range(50)
    )
    body = f'<rss version="2.0"><channel><title>m</title>{items}</channel></rss>'.encode()
    entries = parse_feed(body, BASE, max_entries=10)
    assert [e.title for e in entries] == [f"n{i}" for i in range(10)]


@pytest.mark.parametrize(
    "body", [b"/etc/passwd", b"https://example.org/feed.xml", b"file:///etc/passwd", b""]
)
def test_bodies_that_look_like_paths_or_urls_are_never_opened(body: bytes) -> None:
    parse_error(body)


def check_outcome(body: bytes, headers: dict[str, str] | None = None) -> None:
    try:
        entries = parse_feed(body, BASE, headers)
    except SourceParseError as error:
        kind = error.kind
        entries = []
    else:
        kind = "feed"
    assert kind == "feed"
    assert isinstance(entries, list)
    for entry in entries:
        assert isinstance(entry, Entry)
        assert entry.url.startswith(("http://", "https://"))
        assert entry.published is None or entry.published.tzinfo is not None


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(body: bytes) -> None:
    check_outcome(body)


SEEDS = sorted(p.name for p in FEEDS.iterdir() if p.stat().st_size < 5000)
splices = st.sampled_from(
    [b"<", b"&", b"]]>", b"<![CDATA[", b"<!--", b"&#0;", b"&#99999999;", b"{", b"\x00", b"\xff"]
)


@st.composite
def mutated_feeds(draw: st.DrawFn) -> bytes:
    body = bytearray(read(draw(st.sampled_from(SEEDS))))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(body)))
        action = draw(st.sampled_from(["cut", "insert", "splice"]))
        if action == "cut":
            del body[position : position + draw(st.integers(1, 40))]
        elif action == "insert":
            body[position:position] = draw(st.binary(min_size=1, max_size=8))
        else:
            body[position:position] = draw(splices)
    return bytes(body)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutated_feeds(), st.sampled_from([None, {"Content-Type": "application/json"}]))
def test_mutated_feeds_never_crash(body: bytes, headers: dict[str, str] | None) -> None:
    check_outcome(body, headers)
