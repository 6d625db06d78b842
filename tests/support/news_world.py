"""A small news world for end-to-end tests: feeds and article pages on the loopback server.

The articles are written for the tests: one reports Tajikistan's talks with Russia
and the CSTO about troops on its border with Afghanistan (the Central Asia desk's
story), the others are about unrelated things, so a rule must pick exactly one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from xml.sax.saxutils import escape as xml_escape

from tests.support.http_server import HttpServer, Reply

BORDER_TITLE = "Tajikistan in talks with Russia on troops for Afghan border"
BORDER_TEXT = [
    "Tajikistan is in talks with Russia and the Collective Security Treaty Organization "
    "(CSTO) about deploying Russian troops along its 1,344-km border with Afghanistan, "
    "officials in Dushanbe said on Monday.",
    "The talks follow cross-border attacks that killed several Chinese workers at a mining "
    "site in the Khatlon region last month, according to the interior ministry.",
    "A joint deployment of Russian troops along its border would be the largest since the "
    "1990s, when Russian border guards patrolled the frontier.",
    "The CSTO secretariat declined to comment on the details of the negotiations.",
]
FOOTBALL_TITLE = "Late goal lifts Pamir to cup victory"
FOOTBALL_TEXT = [
    "A header in stoppage time gave Pamir a 2-1 win in the cup final on Saturday, "
    "sending thousands of supporters into the streets to celebrate.",
    "The coach praised his players' patience after a goalless first half.",
]
MARKET_TITLE = "Cotton prices rise on strong Asian demand"
MARKET_TEXT = [
    "Cotton futures rose for a third day as buyers in Asia increased orders ahead of the "
    "spring season, traders said.",
]


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    paragraphs: list[str]
    published: datetime


STORIES = [
    Story(
        "tajik-border-talks", BORDER_TITLE, BORDER_TEXT, datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    ),
    Story("pamir-cup", FOOTBALL_TITLE, FOOTBALL_TEXT, datetime(2026, 11, 24, 8, 0, tzinfo=UTC)),
    Story("cotton-prices", MARKET_TITLE, MARKET_TEXT, datetime(2026, 11, 24, 7, 15, tzinfo=UTC)),
]


def article_page(story: Story, *, site: str = "Steppe News") -> bytes:
    """A realistic article page: navigation, a most-read list, the body, a footer."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(story.title)} | {escape(site)}</title>
<meta property="og:title" content="{escape(story.title)}">
<meta property="article:published_time" content="{story.published.isoformat()}">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{escape(story.title)}</h1>
<p class="byline">By Staff Reporter</p>
{body}
</article></main>
<aside><h2>Most read</h2><ul><li><a href="/x">Markets close higher</a></li></ul></aside>
<footer>&copy; {escape(site)}</footer>
</body></html>""".encode()


def rss_feed(base_url: str, stories: list[Story], *, title: str = "Steppe News") -> bytes:
    items = "\n".join(
        f"""<item><title>{xml_escape(s.title)}</title>
<link>{base_url}/news/{s.slug}?utm_source=rss</link>
<guid isPermaLink="false">steppe-{s.slug}</guid>
<pubDate>{format_datetime(s.published)}</pubDate>
<description>{xml_escape(s.paragraphs[0])}</description></item>"""
        for s in stories
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{xml_escape(title)}</title>
<link>{base_url}/</link><description>News</description>
{items}
</channel></rss>""".encode()


def serve_news_world(server: HttpServer, *, prefix: str = "") -> str:
    """Serve the feed and every article page; returns the feed URL."""
    base = server.base_url + prefix
    for story in STORIES:
        server.route(
            f"{prefix}/news/{story.slug}?utm_source=rss",
            Reply(body=article_page(story), headers={"Content-Type": "text/html; charset=utf-8"}),
        )
    return server.route(
        f"{prefix}/feed.xml",
        Reply(
            body=rss_feed(base, STORIES),
            headers={"Content-Type": "application/rss+xml"},
            etag='"feed-v1"',
        ),
    )
