"""The dispatcher's digests and 410 Gone against the real store (every backend) and receiver."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from monitor.alerts import (
    ConsoleChannel,
    DigestSchedule,
    Dispatcher,
    DispatchPolicy,
    WebhookChannel,
)
from monitor.store import AlertRecord, MatchRecord, Store
from tests.support import databases
from tests.support.databases import ManualClock
from tests.support.records import an_article
from tests.support.webhook_receiver import Reply, WebhookReceiver

database_url = databases.database_url
make_store = databases.make_store

HOURLY = {"desk-hook": DigestSchedule("hourly")}
MATCH = MatchRecord("border", "high", ("troops",), (), (), {})


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 24, 9, 30, tzinfo=UTC))


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def save(store: Store, clock: ManualClock, channels: tuple[str, ...] = ("desk-hook",)) -> None:
    article = an_article(clock(), source="steppe")
    alerts = [
        AlertRecord(
            uuid.uuid4().hex,
            "border",
            channel,
            "high",
            {
                "type": "alert",
                "rule": {"name": "border", "severity": "high"},
                "article": {"title": article.title},
            },
        )
        for channel in channels
    ]
    assert store.save_article(article, [MATCH], alerts) is not None


def dispatcher(store: Store, clock: ManualClock, *channels: Any) -> Dispatcher:
    return Dispatcher(store, {c.name: c for c in channels}, owner="me", clock=clock, digests=HOURLY)


async def test_a_failed_digest_is_retried_whole_and_each_alert_records_both_attempts(
    make_store: Any, clock: ManualClock, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    store: Store = make_store(clock=clock, policy=DispatchPolicy(HOURLY))
    for _ in range(3):
        save(store, clock)
    hook = WebhookChannel("desk-hook", receiver.url, None, client=http, clock=clock)
    receiver.reply_next(Reply(status=503))
    clock.now = datetime(2026, 11, 24, 10, tzinfo=UTC)

    first = await dispatcher(store, clock, hook).dispatch_due()
    assert (first.retried, first.delivered) == (3, 0)
    clock.advance(timedelta(seconds=30))
    second = await dispatcher(store, clock, hook).dispatch_due()
    assert second.delivered == 3

    failed, delivered = receiver.requests
    assert failed.json["id"] == delivered.json["id"]  # the same digest, the same id
    assert len(delivered.json["alerts"]) == 3
    for view in store.recent_alerts():
        assert (view.status, view.attempts) == ("delivered", 2)


async def test_a_gone_digest_channel_is_disabled_and_the_others_are_told(
    make_store: Any, clock: ManualClock, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    store: Store = make_store(clock=clock, policy=DispatchPolicy(HOURLY))
    save(store, clock)
    hook = WebhookChannel("desk-hook", receiver.url, None, client=http, clock=clock)
    out = io.StringIO()
    log = ConsoleChannel("log", stream=out)
    receiver.reply_next(Reply(status=410))
    clock.now = datetime(2026, 11, 24, 10, tzinfo=UTC)

    report = await dispatcher(store, clock, hook, log).dispatch_due()

    assert report.failed == 1
    assert out.getvalue() == "NOTICE channel desk-hook disabled\n"
    [state] = store.disabled_channels()
    assert state.channel == "desk-hook"
    assert "HTTP 410" in state.reason

    # Later alerts for the channel fail at once, without a request.
    save(store, clock)
    clock.advance(timedelta(hours=1))
    later = await dispatcher(store, clock, hook, log).dispatch_due()
    assert later.failed == 1
    assert len(receiver.requests) == 1
    errors = [v.last_error for v in store.failed_alerts()]
    assert any(e and e.startswith("channel_disabled") for e in errors)
