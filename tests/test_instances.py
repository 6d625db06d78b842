"""Several instances on one database: a story one of them stored is known to the others."""

from __future__ import annotations

from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

from monitor.app import App
from monitor.config import load_config
from tests.support.http_server import HttpServer, RecordedRequest, Reply
from tests.support.news_world import BORDER_TEXT, Story, article_page, rss_feed
from tests.support.webhook_receiver import WebhookReceiver

HEADLINES = [
    "Tajikistan in talks with Russia on troops for Afghan border",
    "Russia weighs sending troops to Tajik-Afghan frontier",
]


def write_config(tmp_path: Path, database_url: str, feeds: list[str], hook: str) -> Path:
    """The rules.yaml every instance runs: the same sources, database and channel."""
    sources = "".join(f"  - name: site{n}\n    url: {feed}\n" for n, feed in enumerate(feeds))
    path = tmp_path / "rules.yaml"
    path.write_text(
        f"version: 1\nstorage:\n  url: {database_url}\n"
        "defaults:\n  allow_private_networks: true\n"
        f"sources:\n{sources}"
        f"channels:\n  hook:\n    type: webhook\n    url: {hook}\n"
        "rules:\n  - name: border\n    keywords: [CSTO]\n"
    )
    return path


async def test_a_copy_seen_by_another_instance_does_not_alert_again(
    tmp_path: Path, database_url: str, http_server: HttpServer, webhook_receiver: WebhookReceiver
) -> None:
    copies = [
        Story(f"copy-{number}", headline, BORDER_TEXT, datetime.now(UTC))
        for number, headline in enumerate(HEADLINES)
    ]
    published: dict[int, list[Story]] = {0: [copies[0]], 1: []}  # site1 publishes later
    feeds = []
    for number, copy in enumerate(copies):
        site = f"/site{number}"
        http_server.route(f"{site}/news/{copy.slug}?utm_source=rss", Reply(body=article_page(copy)))

        def feed(_request: RecordedRequest, number: int = number, site: str = site) -> Reply:
            return Reply(body=rss_feed(http_server.base_url + site, published[number]))

        feeds.append(http_server.route(f"{site}/feed.xml", feed))
    config = load_config(write_config(tmp_path, database_url, feeds, webhook_receiver.url))

    async with AsyncExitStack() as stack:
        # Both instances are up before either stores anything: the second must learn of
        # the first one's article from the database, not from what it loaded at start.
        first = await stack.enter_async_context(App(config, workers=0))
        second = await stack.enter_async_context(App(config, workers=0))
        await first.run_once()
        published[1].append(copies[1])
        report = await second.run_once()

    assert {poll.source: poll.new_articles for poll in report.polls} == {"site0": 0, "site1": 1}
    [delivery] = webhook_receiver.deliveries
    assert delivery.json["article"]["title"] == HEADLINES[0]
