"""Listing pages (kind: html) and auto-detection: which links become articles, which feeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.sources import SourceParseError
from monitor.sources.detect import detect_kind, find_feed_links
from monitor.sources.html import article_like_path, headline_like, parse_listing, same_site

PAGE_URL = "https://www.steppeherald.example/world/"

LISTING = (Path(__file__).parent / "data" / "extract" / "sources" / "listing.html").read_bytes()


def test_heuristic_finds_headlines_and_skips_navigation_tags_and_other_sites() -> None:
    entries = parse_listing(LISTING, PAGE_URL, {}, links_selector=None)
    assert [e.url for e in entries] == [
        "https://www.steppeherald.example/news/2026/11/24/border-talks-resume",
        "https://www.steppeherald.example/news/water-dispute-reaches-court-98765",
        "https://news.steppeherald.example/world/drought-forces-rationing-in-three-provinces",
    ]
    assert entries[0].title == "Border talks resume after a month of tension"
    assert entries[0].guid == entries[0].url


def test_selector_takes_exactly_what_the_site_rule_names() -> None:
    entries = parse_listing(LISTING, PAGE_URL, {}, links_selector="main h2 a.headline")
    assert len(entries) == 3
    assert entries[1].title == "Water dispute reaches the supreme court"


def test_selector_on_a_container_uses_the_link_inside_it() -> None:
    entries = parse_listing(LISTING, PAGE_URL, {}, links_selector="div.top-stories h2")
    assert entries[0].url.endswith("/news/2026/11/24/border-talks-resume")


def test_invalid_selector_is_a_parse_error_of_kind_html() -> None:
    with pytest.raises(SourceParseError) as caught:
        parse_listing(LISTING, PAGE_URL, {}, links_selector="div[")
    assert caught.value.kind == "html"


def test_base_href_resolves_relative_links() -> None:
    page = (
        b'<html><head><base href="https://cdn.steppeherald.example/archive/"></head><body>'
        b'<a href="2026/11/24/border-talks-resume-in-almaty">Border talks resume in Almaty</a>'
        b"</body></html>"
    )
    entries = parse_listing(page, "https://steppeherald.example/", {}, links_selector=None)
    assert [e.url for e in entries] == [
        "https://cdn.steppeherald.example/archive/2026/11/24/border-talks-resume-in-almaty"
    ]


@pytest.mark.parametrize(
    ("link", "page", "expected"),
    [
        ("https://news.bbc.co.uk/a", "https://www.bbc.co.uk/", True),
        ("https://bbc.com/a", "https://www.bbc.co.uk/", False),
        ("https://evil.co.uk/a", "https://www.bbc.co.uk/", False),
        ("https://a.example.org/x", "https://example.org/", True),
    ],
    ids=["subdomain-co-uk", "other-tld", "other-co-uk", "subdomain"],
)
def test_same_site(link: str, page: str, expected: bool) -> None:
    assert same_site(link, page) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Border talks resume after a month", True),
        ("Read more", False),
        ("Sport", False),
        ("国境協議が再開された", True),
    ],
    ids=["headline", "stock-phrase", "section-label", "japanese"],
)
def test_headline_like(text: str, expected: bool) -> None:
    assert headline_like(text) is expected


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://x.example/news/2026/11/24/talks", True),
        ("https://x.example/world/border-talks-resume-today", True),
        ("https://x.example/story/123456", True),
        ("https://x.example/world/", False),
        ("https://x.example/tag/border-talks-today", False),
        ("https://x.example/img/border-talks-photo.jpg", False),
    ],
    ids=["dated", "slug", "numeric-id", "section", "tag-page", "image"],
)
def test_article_like_path(link: str, expected: bool) -> None:
    assert article_like_path(link) is expected


@pytest.mark.parametrize(
    ("body", "headers", "kind"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', {}, "feed"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>', {}, "feed"),
        (b'<?xml version="1.0"?>\n<!-- generator --><rdf:RDF xmlns:rdf="x"/>', {}, "feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', {}, "feed"),
        (
            b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>',
            {},
            "sitemap",
        ),
        (b"<sitemapindex></sitemapindex>", {}, "sitemap"),
        (b"\x1f\x8b\x08\x00", {}, "sitemap"),
        (
            b"<!DOCTYPE html><html><body>news</body></html>",
            {"Content-Type": "application/rss+xml"},
            "html",
        ),
        (b"just text", {"Content-Type": "application/atom+xml"}, "feed"),
        (b"\xef\xbb\xbf<rss/>", {"Content-Type": "text/html"}, "feed"),
    ],
    ids=[
        "rss",
        "atom",
        "rdf-after-comment",
        "json-feed",
        "urlset",
        "index",
        "gzip",
        "html-despite-header",
        "header-fallback",
        "bom",
    ],
)
def test_detect_kind_reads_the_first_element(
    body: bytes, headers: dict[str, str], kind: str
) -> None:
    assert detect_kind(body, headers) == kind


def test_find_feed_links_returns_absolute_feed_urls_only() -> None:
    assert find_feed_links(LISTING, PAGE_URL) == [
        "https://www.steppeherald.example/world/rss.xml",
        "https://feeds.steppeherald.example/all.atom",
    ]


def test_find_feed_links_on_a_page_without_feeds_is_empty() -> None:
    assert find_feed_links(b"<html><head></head><body></body></html>", PAGE_URL) == []
    assert find_feed_links(b"", PAGE_URL) == []


@pytest.mark.parametrize(
    "body",
    [b"https://example.com/x", b"index.html", b"<", b"   ", b'<?xml version="1.0"?><rss></rss>'],
    ids=["url", "file", "lt", "blank", "xml"],
)
def test_bodies_that_look_like_locators_are_just_empty_listings(body: bytes) -> None:
    assert parse_listing(body, PAGE_URL, {}, links_selector=None) == []


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=1500))
def test_listing_and_detection_never_raise_on_garbage(body: bytes) -> None:
    assert isinstance(parse_listing(body, PAGE_URL, {}, links_selector=None), list)
    assert detect_kind(body, {}) in ("feed", "sitemap", "html")
    assert isinstance(find_feed_links(body, PAGE_URL), list)
