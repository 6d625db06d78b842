"""Several instances on one database: a story one of them stored is known to the others."""

from __future__ import annotations

import threading
from contextlib import AsyncExitStack, closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from monitor.app import App
from monitor.config import load_config
from monitor.store import Store
from monitor.store.engine import holding_lock
from monitor.store.store import STORY_CHOICE_LOCK
from monitor.stories import fingerprint
from monitor.story_ledger import StoryLedger
from tests.support.http_server import HttpServer, RecordedRequest, Reply
from tests.support.news_world import BORDER_TEXT, Story, article_page, rss_feed
from tests.support.records import an_article
from tests.support.waiting import wait_for
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


def waiting_for_a_lock(store: Store) -> bool:
    with store.engine.connect() as connection:
        waiting = connection.execute(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        ).scalar_one()
    return waiting > 0


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_two_instances_storing_copies_at_once_put_them_in_one_story(database_url: str) -> None:
    """The second instance waits while the first chooses and stores, then joins its story."""
    now = datetime.now(UTC)
    story = fingerprint(HEADLINES[0], "\n\n".join(BORDER_TEXT))
    with closing(Store(database_url)) as first_store, closing(Store(database_url)) as second_store:
        first_store.upgrade()
        first, second = (
            StoryLedger(s, window=timedelta(hours=48)) for s in (first_store, second_store)
        )
        for ledger in (first, second):
            ledger.load(now)
        joined: list[int] = []

        def second_instance() -> None:
            with second.choosing() as index:
                found = index.find(story, url_hash="hash-second", now=now)
                record = an_article(
                    now, url_hash="hash-second", story_id=found, fingerprint=story.to_bytes()
                )
                saved = second_store.save_article(record, [], [])
                assert saved is not None
                joined.append(saved.story_id)

        with first.choosing() as index:
            assert index.find(story, url_hash="hash-first", now=now) is None  # a new story
            thread = threading.Thread(target=second_instance)
            thread.start()
            wait_for(
                lambda: waiting_for_a_lock(first_store),
                what="the second instance to wait for the lock",
                timeout=10,
            )
            record = an_article(now, url_hash="hash-first", fingerprint=story.to_bytes())
            saved = first_store.save_article(record, [], [])
            assert saved is not None
            first.remember(saved.article_id, saved.story_id, story, url_hash="hash-first", at=now)
        thread.join(timeout=30)

    assert joined == [saved.story_id]


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_an_instance_stuck_choosing_makes_the_others_give_up_rather_than_hang(
    database_url: str,
) -> None:
    with closing(Store(database_url)) as stuck, closing(Store(database_url)) as other:
        stuck.upgrade()
        too_short = timedelta(seconds=0.1)
        with (
            stuck.choosing_stories(),
            pytest.raises(OperationalError, match="lock timeout"),
            holding_lock(other.engine, STORY_CHOICE_LOCK, timeout=too_short),
        ):
            pytest.fail("took a lock that another instance holds")
        with other.choosing_stories():  # freed with the stuck one's exit
            assert not waiting_for_a_lock(other)
