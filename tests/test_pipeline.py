"""What each kind of source and rule does through the whole daemon, on loopback.

One story each: a boolean query, a region rule, a listing page, a news sitemap,
a site that only advertises its feed, per-site extraction rules, a Russian page
in windows-1251, and a wire story republished by several sites.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.cli import main
from tests.support.http_server import HttpServer, Reply
from tests.support.news_world import (
    BORDER_TEXT,
    BORDER_TITLE,
    STORIES,
    Story,
    article_page,
    rss_feed,
    serve_news_world,
)
from tests.support.webhook_receiver import WebhookReceiver

HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as hook:
        yield hook


def run_world(tmp_path: Path, hook: WebhookReceiver, sources: str, rules: str) -> None:
    """Write a config with these sources and rules, run one cycle, expect success."""
    config = tmp_path / "rules.yaml"
    config.write_text(
        "version: 1\n"
        f"storage:\n  url: sqlite:///{tmp_path / 'monitor.db'}\n"
        "defaults:\n  allow_private_networks: true\n"
        f"sources:\n{textwrap.indent(textwrap.dedent(sources).strip(), '  ')}\n"
        f"channels:\n  hook:\n    type: webhook\n    url: {hook.url}\n"
        f"rules:\n{textwrap.indent(textwrap.dedent(rules).strip(), '  ')}\n"
    )
    assert main(["run", "--once", "--config", str(config), "--workers", "0"]) == 0


def alerted_titles(hook: WebhookReceiver) -> list[str]:
    return sorted(d.json["article"]["title"] for d in hook.deliveries)


def test_a_boolean_query_fires_with_its_terms_and_snippets(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    feed = serve_news_world(http_server)
    run_world(
        tmp_path,
        receiver,
        f"- name: steppe\n  url: {feed}",
        """
        - name: border
          query: '(border OR troops OR "cross-border" OR CSTO) AND NOT football
            AND Russia NEAR/5 talks'
        """,
    )
    [delivery] = receiver.deliveries
    matched = delivery.json["matched"]
    assert delivery.json["article"]["title"] == BORDER_TITLE
    assert {"CSTO", "cross-border"} <= set(matched["terms"])
    assert 1 <= len(matched["snippets"]) <= 3
    assert any("cross-border attacks" in snippet for snippet in matched["snippets"])


def test_a_region_rule_fires_on_places_not_words(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    dushanbe = Story(
        "dushanbe-water",
        "Officials in Dushanbe weigh new water deal",
        [
            "Officials in Dushanbe said on Tuesday that talks on a new water-sharing deal with "
            "neighbouring states would resume next month.",
            "The Tajik energy ministry said the Rogun dam would be central to the talks.",
        ],
        datetime(2026, 11, 24, 11, 0, tzinfo=UTC),
    )
    stories = [dushanbe, *STORIES[1:]]
    for story in stories:
        http_server.route(f"/news/{story.slug}?utm_source=rss", Reply(body=article_page(story)))
    feed = http_server.route("/feed.xml", Reply(body=rss_feed(http_server.base_url, stories)))
    run_world(
        tmp_path,
        receiver,
        f"- name: steppe\n  url: {feed}",
        '- name: central-asia\n  regions: ["Central Asia"]',
    )
    [delivery] = receiver.deliveries
    assert delivery.json["article"]["title"] == dushanbe.title
    assert delivery.json["matched"]["regions"] == ["Central Asia"]
    places = " ".join(delivery.json["matched"]["places"])
    assert "Dushanbe -> Tajikistan (capital)" in places


def test_a_listing_page_without_a_feed_becomes_articles(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    for story in STORIES:
        http_server.route(f"/world/2026/11/24/{story.slug}", Reply(body=article_page(story)))
    links = "".join(
        f'<li><a class="headline" href="/world/2026/11/24/{s.slug}">{s.title}</a></li>'
        for s in STORIES
    )
    listing = (
        "<html><body><nav><a href='/world/2026/11/24/nav-link-to-an-old-story'>"
        "An old story everyone linked to</a></nav>"
        f"<main><ul>{links}</ul></main></body></html>"
    ).encode()
    section = http_server.route("/world/", Reply(body=listing, headers=HTML))
    run_world(
        tmp_path,
        receiver,
        f"""
        - name: by-selector
          url: {section}
          kind: html
          links: "main a.headline[href]"
        - name: by-heuristic
          url: {section}?all
          kind: html
        """,
        "- name: border\n  keywords: [CSTO]",
    )
    # Both sources list the same pages: one article, one alert.
    assert alerted_titles(receiver) == [BORDER_TITLE]
    assert len(http_server.requests_for("/world/2026/11/24/tajik-border-talks")) == 1
    assert http_server.requests_for("/world/2026/11/24/nav-link-to-an-old-story") == []


def test_a_news_sitemap_lists_only_recent_articles(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    now = datetime.now(UTC)
    for story in STORIES:
        http_server.route(f"/a/{story.slug}", Reply(body=article_page(story)))
    entries = [
        (STORIES[0], now - timedelta(hours=2)),
        (STORIES[1], now - timedelta(hours=3)),
        (STORIES[2], now - timedelta(days=30)),  # too old to be news
    ]
    urls = "".join(
        f"<url><loc>{http_server.base_url}/a/{s.slug}</loc><news:news><news:publication>"
        "<news:name>Steppe</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>{when.isoformat()}</news:publication_date>"
        f"<news:title>{s.title}</news:title></news:news></url>"
        for s, when in entries
    )
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{urls}</urlset>"
    ).encode()
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{http_server.base_url}/news-sitemap.xml</loc>"
        f"<lastmod>{now.isoformat()}</lastmod></sitemap></sitemapindex>"
    ).encode()
    http_server.route("/news-sitemap.xml", Reply(body=sitemap))
    root = http_server.route("/sitemap.xml", Reply(body=index))
    run_world(
        tmp_path,
        receiver,
        f"- name: steppe\n  url: {root}\n  kind: sitemap",
        "- name: everything\n  query: 'the OR a OR in'",
    )
    assert alerted_titles(receiver) == sorted([STORIES[0].title, STORIES[1].title])
    assert http_server.requests_for(f"/a/{STORIES[2].slug}") == []


def test_auto_follows_the_feed_a_home_page_advertises(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    feed = serve_news_world(http_server)
    home = (
        '<html><head><link rel="alternate" type="application/rss+xml" '
        f'href="{feed}"></head><body><p>Welcome</p></body></html>'
    ).encode()
    site = http_server.route("/", Reply(body=home, headers=HTML))
    run_world(tmp_path, receiver, f"- name: steppe\n  url: {site}", "- name: b\n  keywords: [CSTO]")
    assert alerted_titles(receiver) == [BORDER_TITLE]


def test_per_site_rules_choose_the_body_and_drop_the_rest(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    page = (
        b"<html><body><div class='promo'><p>Subscribe now for CSTO coverage and analysis of "
        b"every border in the region, delivered to your inbox every morning.</p></div>"
        b"<div class='story'><h1>Water talks resume</h1><p>Negotiators met again on Tuesday "
        b"to discuss water sharing between upstream and downstream states in the valley.</p>"
        b"<div class='related'><p>Related: CSTO exercises near the border</p></div></div>"
        b"</body></html>"
    )
    story = Story("water-talks", "Water talks resume", ["Negotiators met."], datetime.now(UTC))
    http_server.route(f"/news/{story.slug}?utm_source=rss", Reply(body=page, headers=HTML))
    feed = http_server.route("/feed.xml", Reply(body=rss_feed(http_server.base_url, [story])))
    run_world(
        tmp_path,
        receiver,
        f"""
        - name: steppe
          url: {feed}
          extract:
            body: "div.story"
            drop: [".related"]
        """,
        "- name: b\n  query: 'title:water OR CSTO'\n- name: c\n  keywords: [CSTO]",
    )
    [delivery] = receiver.deliveries
    assert delivery.json["rule"]["name"] == "b"
    assert delivery.json["matched"]["terms"] == ["water"]


def test_a_russian_page_in_windows_1251_matches_russian_keywords(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    title = "Таджикистан и ОДКБ обсуждают охрану границы"
    page = (
        '<html><head><meta charset="utf-8"><title>' + title + "</title></head><body><article>"
        "<h1>" + title + "</h1><p>Душанбе ведёт переговоры с Россией и ОДКБ о размещении "
        "российских войск на таджикско-афганской границе протяжённостью 1344 километра.</p>"
        "<p>Переговоры начались после нападений на китайских рабочих.</p></article></body></html>"
    ).encode("windows-1251")
    story = Story("odkb", title, ["Переговоры."], datetime.now(UTC))
    http_server.route(
        f"/news/{story.slug}?utm_source=rss",
        Reply(body=page, headers={"Content-Type": "text/html; charset=utf-8"}),
    )
    feed = http_server.route("/feed.xml", Reply(body=rss_feed(http_server.base_url, [story])))
    run_world(
        tmp_path,
        receiver,
        f"- name: asia-plus\n  url: {feed}",
        '- name: odkb\n  keywords: ["российских войск", ОДКБ]\n  languages: [ru]',
    )
    [delivery] = receiver.deliveries
    assert delivery.json["article"]["title"] == title
    assert delivery.json["article"]["language"] == "ru"
    assert any("российских войск" in s for s in delivery.json["matched"]["snippets"])


def test_a_wire_story_republished_by_several_sites_alerts_once(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver, capsys
) -> None:
    headlines = [
        BORDER_TITLE,
        "Russia weighs sending troops to Tajik-Afghan frontier",
        "Dushanbe, Moscow discuss CSTO deployment on Afghan border",
    ]
    sources = []
    for number, headline in enumerate(headlines):
        copy = Story(f"copy-{number}", headline, BORDER_TEXT, datetime.now(UTC))
        site = f"/site{number}"
        http_server.route(
            f"{site}/news/{copy.slug}?utm_source=rss",
            Reply(body=article_page(copy, site=f"Site {number}")),
        )
        feed = rss_feed(http_server.base_url + site, [copy])
        url = http_server.route(f"{site}/feed.xml", Reply(body=feed))
        sources.append(f"- name: site{number}\n  url: {url}")
    run_world(
        tmp_path,
        receiver,
        "\n".join(sources),
        """
        - name: b
          keywords: [CSTO]
          on_update: {notify: true, min_sources: 3}
        """,
    )
    first, update = sorted(receiver.deliveries, key=lambda d: d.json["type"])
    assert first.json["type"] == "alert"
    assert first.json["article"]["title"] in headlines
    # The story grew to three sources: one follow-up, for the same story.
    assert update.json["type"] == "update"
    assert update.json["story"] == {"id": first.json["story"]["id"], "sources": 3}

    capsys.readouterr()
    assert main(["alerts", "--config", str(tmp_path / "rules.yaml")]) == 0
    assert "also reported by 2 sources" in capsys.readouterr().out  # two others


def test_article_pages_that_robots_txt_disallows_are_matched_on_their_summary(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    feed = serve_news_world(http_server)
    http_server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /news/\n"))
    run_world(tmp_path, receiver, f"- name: steppe\n  url: {feed}", "- name: b\n  keywords: [CSTO]")

    assert http_server.requests_for("/news/tajik-border-talks?utm_source=rss") == []
    [delivery] = receiver.deliveries  # the feed's summary names the CSTO
    assert delivery.json["article"]["title"] == BORDER_TITLE
