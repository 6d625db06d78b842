"""Sitemaps (kind: sitemap): recent articles only, News titles, indexes, hostile XML refused."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.sources import SourceParseError
from monitor.sources.sitemap import MAX_UNDATED_ENTRIES, parse_sitemap

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
URL = "https://www.steppeherald.example/sitemap.xml"

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://www.steppeherald.example/news/border-talks</loc>
       <lastmod>2026-11-24T09:30:00+02:00</lastmod></url>
  <url><loc>https://www.steppeherald.example/news/old-story</loc>
       <lastmod>2026-10-01</lastmod></url>
  <url><loc>https://www.steppeherald.example/news/yesterday</loc>
       <lastmod>2026-11-23</lastmod></url>
  <url><loc>https://www.steppeherald.example/about</loc></url>
  <url><loc>javascript:alert(1)</loc><lastmod>2026-11-24</lastmod></url>
</urlset>"""

NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://www.steppeherald.example/ru/news/flood</loc>
    <lastmod>2026-11-01</lastmod>
    <news:news>
      <news:publication>
        <news:name>Steppe Herald</news:name><news:language>ru</news:language>
      </news:publication>
      <news:publication_date>2026-11-24T08:00:00Z</news:publication_date>
      <news:title>Наводнение в долине</news:title>
    </news:news>
  </url>
  <url>
    <loc>https://www.steppeherald.example/news/old</loc>
    <news:news><news:publication_date>2026-11-01T08:00:00Z</news:publication_date>
    <news:title>Old</news:title></news:news>
  </url>
</urlset>""".encode()

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://www.steppeherald.example/sitemap-2026-10.xml</loc><lastmod>2026-10-31</lastmod></sitemap>
  <sitemap><loc>https://www.steppeherald.example/sitemap-pages.xml</loc></sitemap>
  <sitemap><loc>https://www.steppeherald.example/sitemap-news-older.xml</loc><lastmod>2026-11-23T10:00:00Z</lastmod></sitemap>
  <sitemap><loc>https://www.steppeherald.example/sitemap-news.xml</loc><lastmod>2026-11-24T11:00:00Z</lastmod></sitemap>
</sitemapindex>"""


def test_only_recent_entries_are_kept() -> None:
    result = parse_sitemap(URLSET, URL, {}, now=NOW)
    assert [e.url for e in result.entries] == [
        "https://www.steppeherald.example/news/border-talks",
        "https://www.steppeherald.example/news/yesterday",
    ]
    assert result.entries[0].published == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
    assert result.child_sitemaps == ()


def test_max_age_widens_the_window() -> None:
    result = parse_sitemap(URLSET, URL, {}, now=NOW, max_age=timedelta(days=60))
    assert len(result.entries) == 3


def test_news_sitemap_gives_title_language_and_publication_date() -> None:
    result = parse_sitemap(NEWS, URL, {}, now=NOW)
    assert len(result.entries) == 1
    entry = result.entries[0]
    assert entry.title == "Наводнение в долине"
    assert entry.language == "ru"
    # news:publication_date wins over an older lastmod.
    assert entry.published == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_index_lists_recent_children_newest_first_then_undated() -> None:
    result = parse_sitemap(INDEX, URL, {}, now=NOW)
    assert result.entries == ()
    assert result.child_sitemaps == (
        "https://www.steppeherald.example/sitemap-news.xml",
        "https://www.steppeherald.example/sitemap-news-older.xml",
        "https://www.steppeherald.example/sitemap-pages.xml",
    )


def test_gzipped_sitemap_is_read() -> None:
    result = parse_sitemap(gzip.compress(URLSET), URL + ".gz", {}, now=NOW)
    assert len(result.entries) == 2


def test_sitemap_without_any_dates_yields_its_head_only() -> None:
    urls = "".join(
        f"<url><loc>https://x.example/a/{i}</loc></url>" for i in range(MAX_UNDATED_ENTRIES + 50)
    )
    body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
    result = parse_sitemap(body, URL, {}, now=NOW)
    assert len(result.entries) == MAX_UNDATED_ENTRIES
    assert result.entries[0].url == "https://x.example/a/0"


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<urlset><url><loc>&lol2;</loc></url></urlset>",
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>&x;</loc></url></urlset>",
        b"<urlset><url><loc>https://x.example/a</loc></url>",
        b"<html><body>not a sitemap</body></html>",
        b"",
        b"\x1f\x8bnot really gzip",
    ],
    ids=["entity-expansion", "external-entity", "truncated", "html", "empty", "bad-gzip"],
)
def test_hostile_or_broken_xml_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(SourceParseError) as caught:
        parse_sitemap(body, URL, {}, now=NOW)
    assert caught.value.kind == "sitemap"


def test_gzip_bomb_stops_at_the_size_limit() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 60_000_000 + b"</urlset>")
    with pytest.raises(SourceParseError):
        parse_sitemap(bomb, URL, {}, now=NOW)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=2000))
def test_garbage_either_parses_or_is_a_parse_error(body: bytes) -> None:
    try:
        result = parse_sitemap(body, URL, {}, now=NOW)
    except SourceParseError:
        return
    assert all(e.url.startswith(("http://", "https://")) for e in result.entries)
