"""Source health: the pure decision, table-driven, and a silent source end to end."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.alerts.health import health_changes, silent_after, usual_interval
from monitor.app import App
from monitor.config import load_config
from monitor.store import SourceActivity, SourceHealthState, SourceState
from tests.support.databases import ManualClock
from tests.support.http_server import HttpServer, Reply
from tests.support.news_world import Story, article_page, rss_feed
from tests.support.webhook_receiver import WebhookReceiver

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)


def state(**changes: object) -> SourceState:
    healthy = SourceState(
        name="steppe",
        url="https://example.org/feed.xml",
        kind="feed",
        active=True,
        etag=None,
        last_modified=None,
        next_poll_at=NOW,
        last_polled_at=NOW - HOUR,
        last_success_at=NOW - HOUR,
        error_count=0,
        last_error_reason=None,
        last_error=None,
        lease_owner=None,
        lease_until=None,
    )
    return replace(healthy, **changes)  # type: ignore[arg-type]


def hourly(last: datetime, count: int = 10) -> SourceActivity:
    """A source that published every hour until `last`."""
    return SourceActivity("steppe", last, tuple(last - i * HOUR for i in range(count)))


FAILING = {
    "error_count": 3,
    "failing_since": NOW - 7 * HOUR,
    "last_error_reason": "http_5xx",
    "last_error": "HTTP 503",
}
CASES = [
    # (id, source, activity, notified state, expected (before, after) or None)
    ("healthy", state(), hourly(NOW - HOUR), None, None),
    ("failing long enough", state(**FAILING), hourly(NOW), None, (None, "failing")),
    (
        "failing not long enough",
        state(**{**FAILING, "failing_since": NOW - HOUR}),
        hourly(NOW),
        None,
        None,
    ),
    ("failing, already notified", state(**FAILING), hourly(NOW), "failing", None),
    ("recovered from failing", state(), hourly(NOW), "failing", ("failing", None)),
    # Hourly publisher: silent after max(24 h, 4 x 1 h) = 24 h.
    ("quiet 23 h", state(), hourly(NOW - 23 * HOUR), None, None),
    ("silent 25 h", state(), hourly(NOW - 25 * HOUR), None, (None, "silent")),
    ("silent, already notified", state(), hourly(NOW - 25 * HOUR), "silent", None),
    ("back from silence", state(), hourly(NOW - HOUR), "silent", ("silent", None)),
    ("too few articles to judge", state(), hourly(NOW - 99 * HOUR, count=3), None, None),
    ("removed source", state(active=False, **FAILING), hourly(NOW), None, None),
    (
        "silent, then failing",
        state(**FAILING),
        hourly(NOW - 99 * HOUR),
        "silent",
        ("silent", "failing"),
    ),
]


@pytest.mark.parametrize(
    ("source", "activity", "notified", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_health_changes(
    source: SourceState,
    activity: SourceActivity,
    notified: str | None,
    expected: tuple[str | None, str | None] | None,
) -> None:
    states = {}
    if notified is not None:
        states["steppe"] = SourceHealthState("steppe", notified, NOW - 30 * HOUR, NOW - 29 * HOUR)
    changes = health_changes(
        [source],
        {"steppe": activity},
        states,
        channel="desk",
        now=NOW,
        failing_after=6 * HOUR,
    )
    if expected is None:
        assert changes == []
        return
    [change] = changes
    assert (change.before, change.after) == expected
    assert change.notice.channel == "desk"
    event = f"source.{expected[1]}" if expected[1] else "source.recovered"
    assert change.notice.payload["event"] == event
    assert change.notice.payload["source"] == "steppe"
    if expected[1] == "failing":
        assert change.notice.payload["error"] == "http_5xx: HTTP 503"
        assert change.notice.payload["since"] == "2026-11-24T05:00:00Z"


def test_the_usual_interval_is_the_median_gap_and_silence_has_a_floor() -> None:
    daily = [NOW - i * 24 * HOUR for i in range(6)]
    assert usual_interval(daily) == 24 * HOUR
    assert silent_after(daily) == 4 * 24 * HOUR
    bursty = [NOW - i * timedelta(minutes=5) for i in range(10)]
    assert silent_after(bursty) == 24 * HOUR
    assert usual_interval(daily[:4]) is None


async def test_a_source_that_stops_publishing_raises_one_silent_notice(
    tmp_path: Path, http_server: HttpServer, webhook_receiver: WebhookReceiver
) -> None:
    start = datetime(2026, 11, 24, 12, tzinfo=UTC)
    stories = [
        Story(
            f"update-{i}",
            f"Hourly bulletin number {i}",
            [f"Bulletin {i} of the day."],
            start - i * HOUR,
        )
        for i in range(8)
    ]
    for story in stories:
        http_server.route(f"/news/{story.slug}?utm_source=rss", Reply(body=article_page(story)))
    feed = http_server.route("/feed.xml", Reply(body=rss_feed(http_server.base_url, stories)))
    path = tmp_path / "rules.yaml"
    path.write_text(
        "version: 1\n"
        f"storage:\n  url: sqlite:///{tmp_path / 'monitor.db'}\n"
        "defaults:\n  allow_private_networks: true\n"
        f"sources:\n  - name: bulletins\n    url: {feed}\n    kind: feed\n"
        f"channels:\n  ops:\n    type: webhook\n    url: {webhook_receiver.url}\n"
        "rules:\n  - name: r\n    keywords: [nothing-matches-this]\n"
        "health:\n  channel: ops\n"
    )
    clock = ManualClock(start)

    async with App(load_config(path), workers=0, clock=clock) as daemon:
        assert (await daemon.run_once()).notices == 0
        clock.advance(25 * HOUR)  # an hourly source, quiet for a day and more
        assert (await daemon.run_once()).notices == 1
        assert await daemon.check_source_health() == 0

    [notice] = [d.json for d in webhook_receiver.deliveries]
    assert notice["type"] == "notice"
    assert notice["event"] == "source.silent"
    assert notice["source"] == "bulletins"
    assert notice["since"] == "2026-11-24T12:00:00Z"
    assert notice["usual_interval"] == "3600s"
