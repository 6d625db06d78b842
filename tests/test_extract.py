"""Extraction as a user sees it: the article's text and metadata, never the page around it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.extract import Article, ExtractRules, extract, selector_error

DATA = Path(__file__).parent / "data" / "extract"
GOLDEN = sorted(DATA.glob("*.html"))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _as_expected(article: Article) -> dict[str, object]:
    return {
        "title": article.title,
        "canonical_url": article.canonical_url,
        "published": _iso(article.published),
        "modified": _iso(article.modified),
        "authors": list(article.authors),
        "language": article.language,
        "site_name": article.site_name,
        "image": article.image,
        "description": article.description,
        "text": article.text,
    }


@pytest.mark.parametrize("page", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_page_extracts_as_recorded(page: Path) -> None:
    case = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    article = extract(page.read_bytes(), case["url"], case["headers"])
    assert _as_expected(article) == case["expected"]
    for boilerplate in case["absent_from_text"]:
        assert boilerplate not in article.text


def test_golden_pages_cover_the_cases_the_issue_names() -> None:
    assert {p.stem for p in GOLDEN} >= {
        "metadata",
        "sidebar",
        "cookie_bar",
        "comments",
        "cp1251_claims_utf8",
        "graph",
    }


def test_windows_1251_page_claiming_utf8_reads_as_russian() -> None:
    page = DATA / "cp1251_claims_utf8.html"
    article = extract(
        page.read_bytes(), "https://news.example/a", {"content-type": "text/html; charset=UTF-8"}
    )
    assert article.title == "Наводнение в долине: эвакуированы три села"
    assert "эвакуировали жителей" in article.text
    assert article.language == "ru"


def test_published_time_is_converted_to_aware_utc() -> None:
    page = DATA / "metadata.html"
    article = extract(page.read_bytes(), "https://news.example/a")
    assert article.published == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    assert article.published.tzinfo is UTC


def test_article_keeps_headings_lists_and_quotes_in_order() -> None:
    article = extract((DATA / "metadata.html").read_bytes(), "https://news.example/a")
    paragraphs = article.text.split("\n\n")
    assert paragraphs.index("What was agreed") < paragraphs.index(
        "Freight traffic resumes at the northern crossing by 1 December."
    )
    assert any(p.startswith('"Nobody gains') for p in paragraphs)
    assert paragraphs[-1].startswith("Traders on both sides")


def test_json_ld_graph_gives_dates_authors_and_publisher() -> None:
    article = extract((DATA / "graph.html").read_bytes(), "https://news.example/a")
    assert article.published == datetime(2026, 11, 20, 11, 15, tzinfo=UTC)
    assert article.authors == ("Carlos Mendes", "Ana Lima")
    assert article.site_name == "Daily Monitor"
    assert article.language == "pt"


@pytest.mark.parametrize(
    ("title_html", "expected"),
    [
        ("<title>Talks resume | Steppe Herald</title>", "Talks resume"),
        ("<title>Steppe Herald - Talks resume at the border</title>", "Talks resume at the border"),
        ("<title>Talks resume at the border - BBC News</title>", "Talks resume at the border"),
        (
            "<title>Left - right: a history of politics</title>",
            "Left - right: a history of politics",
        ),
    ],
    ids=["pipe-site", "site-first", "unknown-site-suffix", "dash-inside-headline"],
)
def test_title_loses_the_site_name(title_html: str, expected: str) -> None:
    html = (
        f"<html><head>{title_html}"
        '<meta property="og:site_name" content="Steppe Herald"></head><body></body></html>'
    )
    assert extract(html.encode(), "https://x.example/a").title == expected


def test_date_in_url_is_the_last_resort() -> None:
    html = b"<html><head><title>Plain</title></head><body><p>Text.</p></body></html>"
    article = extract(html, "https://x.example/news/2026/11/03/plain-story")
    assert article.published == datetime(2026, 11, 3, tzinfo=UTC)


def test_naive_dates_are_taken_as_utc() -> None:
    html = b'<html><head><meta property="article:published_time" content="2026-11-03 10:20">'
    assert extract(html, "https://x.example/a").published == datetime(
        2026, 11, 3, 10, 20, tzinfo=UTC
    )


def test_language_is_detected_when_markup_says_nothing() -> None:
    body = (
        "<p>Die Regierung hat am Montag beschlossen, dass die neue Straße nicht vor dem Sommer "
        "gebaut wird, weil die Mittel für das Projekt erst im nächsten Jahr bereitstehen.</p>"
    )
    html = f"<html><body><div>{body}</div></body></html>".encode()
    assert extract(html, "https://x.example/a").language == "de"


def test_body_rule_narrows_and_drop_rule_removes() -> None:
    html = b"""<html><body>
    <div class="teaser"><p>A long teaser paragraph about a different story, not wanted.</p></div>
    <div class="story"><p>The one paragraph the site's rule points at.</p>
    <p class="promo">Subscribe today for unlimited access.</p></div></body></html>"""
    rules = ExtractRules(body="div.story", drop=(".promo",))
    article = extract(html, "https://x.example/a", rules=rules)
    assert article.text == "The one paragraph the site's rule points at."


def test_body_rule_that_matches_nothing_falls_back_to_detection() -> None:
    html = (DATA / "sidebar.html").read_bytes()
    article = extract(html, "https://x.example/a", rules=ExtractRules(body="div.missing"))
    assert article.text.startswith("The regional agriculture office")


def test_selector_error_names_invalid_selectors() -> None:
    assert selector_error("div.article-body > p") is None
    assert selector_error("div[") is not None


def test_json_ld_article_body_fills_in_when_the_page_shows_little() -> None:
    body = " ".join(["The full text of the story is long and only in the structured data."] * 20)
    html = (
        '<html><head><script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "headline": "H", "articleBody": body})
        + "</script></head><body><p>Short teaser.</p></body></html>"
    ).encode()
    assert extract(html, "https://x.example/a").text == body


def test_empty_and_binary_bodies_give_an_empty_article() -> None:
    assert extract(b"", "https://x.example/a") == Article(url="https://x.example/a")
    assert extract(b"\x00\xff\xfe\x00garbage", "https://x.example/a").url == "https://x.example/a"


def test_huge_page_is_bounded_and_still_extracted() -> None:
    paragraph = "<p>" + "word " * 60 + "</p>"
    html = ("<html><body><div>" + paragraph * 40_000 + "</div></body></html>").encode()
    article = extract(html, "https://x.example/a")
    assert article.text.startswith("word word")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(body: bytes) -> None:
    assert extract(body, "https://x.example/a").url == "https://x.example/a"


_TAGS = st.sampled_from(
    ["div", "p", "article", "span", "a", "ul", "li", "script", "table", "td", "h2"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_TAGS, st.text(max_size=40), st.booleans()), max_size=40))
def test_malformed_markup_never_raises(parts: list[tuple[str, str, bool]]) -> None:
    html = "".join(
        f"<{tag} class='x'>{text}" + (f"</{tag}>" if close else "") for tag, text, close in parts
    )
    article = extract(
        html.encode(), "https://x.example/a", {"Content-Type": "text/html; charset=latin-1"}
    )
    assert isinstance(article.text, str)


def test_deeply_nested_page_keeps_its_text() -> None:
    paragraph = "<p>Deep inside many wrappers, the article text still has to come out.</p>"
    html = ("<html><body>" + "<div>" * 600 + paragraph + "</div>" * 600 + "</body></html>").encode()
    assert extract(html, "https://x.example/a").text == (
        "Deep inside many wrappers, the article text still has to come out."
    )


def test_published_time_prefers_the_articles_own_time_element() -> None:
    html = b"""<html><body>
    <div class="rail"><time datetime="2026-01-01T00:00:00Z">Old rail story</time></div>
    <article><time datetime="2026-11-24T08:00:00+01:00">24 Nov</time>
    <p>The story itself, long enough to be a paragraph of the article body text.</p></article>
    </body></html>"""
    assert extract(html, "https://x.example/a").published == datetime(2026, 11, 24, 7, tzinfo=UTC)


def test_hidden_elements_are_not_article_text() -> None:
    html = b"""<html><body><div class="story">
    <p>The visible paragraph of the story, which readers actually see on the page.</p>
    <p style="display: none">A hidden paragraph that only scripts reveal, not text.</p>
    <div hidden><p>Another hidden block that must not be extracted either, ever.</p></div>
    </div></body></html>"""
    assert extract(html, "https://x.example/a").text == (
        "The visible paragraph of the story, which readers actually see on the page."
    )


def test_tables_render_a_line_per_row_and_pre_keeps_its_lines() -> None:
    html = b"""<html><body><div class="story">
    <p>The final standings after the last race of the season, as published by the series
    organisers on Monday evening.</p>
    <table><tr><th>Pos.</th><th>Driver</th><th>Points</th></tr>
    <tr><td>1</td><td><p>Kyle Busch</p></td><td>5040</td></tr>
    <tr><td>2</td><td>Martin Truex Jr.</td><td>5035</td></tr></table>
    <pre>line one
line two</pre>
    </div></body></html>"""
    assert extract(html, "https://x.example/a").text.split("\n\n") == [
        "The final standings after the last race of the season, as published by the series "
        "organisers on Monday evening.",
        "Pos. Driver Points\n1 Kyle Busch 5040\n2 Martin Truex Jr. 5035",
        "line one\nline two",
    ]
