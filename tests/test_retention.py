"""A daemon left running for months: old articles are emptied, and never alert again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from monitor.app import App
from monitor.config import load_config
from monitor.store.models import Article
from tests.support.databases import ManualClock
from tests.support.http_server import HttpServer, Reply
from tests.support.news_world import BORDER_TEXT, Story, article_page, rss_feed
from tests.support.webhook_receiver import WebhookReceiver

START = datetime(2026, 11, 24, 12, tzinfo=UTC)


async def test_an_article_past_retention_is_emptied_and_a_feed_still_listing_it_is_quiet(
    tmp_path: Path, http_server: HttpServer, webhook_receiver: WebhookReceiver
) -> None:
    story = Story("csto-talks", "Tajikistan in talks with the CSTO", BORDER_TEXT, START)
    http_server.route(f"/news/{story.slug}?utm_source=rss", Reply(body=article_page(story)))
    # No validators: the feed is read in full at every poll, the old entry with it.
    feed = http_server.route("/feed.xml", Reply(body=rss_feed(http_server.base_url, [story])))
    path = tmp_path / "rules.yaml"
    path.write_text(
        "version: 1\n"
        f"storage:\n  url: sqlite:///{tmp_path / 'monitor.db'}\n  retention: 30d\n"
        "defaults:\n  allow_private_networks: true\n"
        f"sources:\n  - name: steppe\n    url: {feed}\n    kind: feed\n"
        f"channels:\n  hook:\n    type: webhook\n    url: {webhook_receiver.url}\n"
        "rules:\n  - name: border\n    keywords: [CSTO]\n"
    )
    clock = ManualClock(START)

    async with App(load_config(path), workers=0, clock=clock) as daemon:
        first = await daemon.run_once()
        clock.advance(timedelta(days=29))
        await daemon.run_once()
        (kept,) = stored_texts(daemon)
        assert "CSTO" in kept  # kept for 30 days
        clock.advance(timedelta(days=2))
        await daemon.run_once()  # polls, then empties what is past retention
        later = await daemon.run_once()

        assert stored_texts(daemon) == [""]
    assert [poll.new_articles for poll in first.polls] == [1]
    assert [poll.new_articles for poll in later.polls] == [0]
    assert len(webhook_receiver.deliveries) == 1


def stored_texts(daemon: App) -> list[str]:
    with daemon.store.engine.connect() as connection:
        return list(connection.execute(select(Article.text)).scalars())
