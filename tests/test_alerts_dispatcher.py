"""The dispatcher end to end: alerts in the real store, delivered to real loopback servers."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from monitor.alerts import (
    Channel,
    ConsoleChannel,
    Dispatcher,
    DispatchReport,
    EmailChannel,
    WebhookChannel,
    build_alert_payload,
)
from monitor.store import AlertRecord, MatchRecord, Store
from tests.support import databases
from tests.support.databases import ManualClock
from tests.support.records import an_article
from tests.support.smtp_server import SmtpServer
from tests.support.webhook_receiver import Reply, WebhookReceiver

# Fixtures from tests/support/databases.py: every test runs on SQLite and PostgreSQL.
database_url = databases.database_url
make_store = databases.make_store

SECRET = "whsec_ZGlzcGF0Y2hlci10ZXN0LXNpZ25pbmcta2V5"
SMTP_PASSWORD = "smtp-pa55word-xyz"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 24, 9, 30, tzinfo=UTC))


@pytest.fixture
def store(make_store: Any, clock: ManualClock) -> Store:
    return make_store(clock=clock)


@pytest.fixture
def receiver(clock: ManualClock) -> Iterator[WebhookReceiver]:
    # The receiver checks timestamps against the same (manual) time as the sender.
    with WebhookReceiver(secret=SECRET, clock=lambda: clock().timestamp()) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def save_alerts(store: Store, clock: ManualClock, channels: Sequence[str]) -> list[str]:
    """Store one new article that fired rule 'border' on each of `channels`; return alert ids."""
    article = an_article(clock())
    match = MatchRecord("border", "high", ("troops",), ("Central Asia",), (), {})
    alerts = []
    for channel in channels:
        alert_id = f"alert{article.url_hash}{channel.replace('-', '')}"
        payload = build_alert_payload(
            alert_id=alert_id,
            created_at=clock(),
            rule="border",
            severity="high",
            source=article.source,
            url=article.url,
            title=article.title,
            summary=article.summary,
            published=article.published,
            language="en",
            terms=match.terms,
            regions=match.regions,
            snippets=match.snippets,
        )
        alerts.append(AlertRecord(alert_id, "border", channel, "high", payload))
    saved = store.save_article(article, [match], alerts)
    assert saved is not None
    return list(saved.alert_ids)


def webhook(receiver: WebhookReceiver, http: httpx.AsyncClient, clock: ManualClock) -> Channel:
    return WebhookChannel(
        "desk-hook", receiver.url, SECRET, client=http, clock=clock, total_timeout=0.5
    )


def mail(server: SmtpServer, clock: ManualClock, password: str | None = None) -> Channel:
    return EmailChannel(
        "desk-mail",
        host=server.host,
        port=server.port,
        username="monitor" if password else None,
        password=password,
        implicit_tls=False,
        starttls=True,
        sender="monitor@example.org",
        recipients=["analyst@example.org"],
        timeout=5,
        clock=clock,
    )


def dispatcher(store: Store, clock: ManualClock, **channels: Channel) -> Dispatcher:
    named = {channel.name: channel for channel in channels.values()}
    return Dispatcher(store, named, owner="test-instance", clock=clock)


def state(store: Store, alert_id: str) -> Any:
    [view] = [a for a in store.recent_alerts(100) if a.id == alert_id]
    return view


async def test_a_503_is_retried_and_then_delivered_with_the_same_webhook_id(
    store: Store, clock: ManualClock, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    [alert_id] = save_alerts(store, clock, ["desk-hook"])
    receiver.reply_next(Reply(503))
    run = dispatcher(store, clock, hook=webhook(receiver, http, clock))

    assert await run.dispatch_due() == DispatchReport(retried=1)
    assert state(store, alert_id).status == "retrying"
    assert await run.dispatch_due() == DispatchReport()  # not due yet

    clock.advance(timedelta(seconds=30))
    assert await run.dispatch_due() == DispatchReport(delivered=1)

    first, second = receiver.requests
    assert (first.status, second.status) == (503, 200)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == alert_id
    assert first.verified is True
    assert second.verified is True
    assert [a.outcome for a in store.alert_attempts(alert_id)] == ["retrying", "delivered"]
    assert state(store, alert_id).status == "delivered"


async def test_a_400_fails_at_once_and_is_never_tried_again(
    store: Store, clock: ManualClock, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    [alert_id] = save_alerts(store, clock, ["desk-hook"])
    receiver.reply_next(Reply(400))
    run = dispatcher(store, clock, hook=webhook(receiver, http, clock))

    assert await run.dispatch_due() == DispatchReport(failed=1)
    clock.advance(timedelta(hours=2))
    assert await run.dispatch_due() == DispatchReport()
    view = state(store, alert_id)
    assert view.status == "failed"
    assert "HTTP 400" in view.last_error
    assert len(receiver.requests) == 1


async def test_429_retry_after_is_respected(
    store: Store, clock: ManualClock, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    save_alerts(store, clock, ["desk-hook"])
    receiver.reply_next(Reply(429, headers={"Retry-After": "120"}))
    run = dispatcher(store, clock, hook=webhook(receiver, http, clock))

    assert await run.dispatch_due() == DispatchReport(retried=1)
    clock.advance(timedelta(seconds=90))
    assert await run.dispatch_due() == DispatchReport()
    clock.advance(timedelta(seconds=30))
    assert await run.dispatch_due() == DispatchReport(delivered=1)
    assert len(receiver.requests) == 2


async def test_a_timeout_is_retried(
    store: Store, clock: ManualClock, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    [alert_id] = save_alerts(store, clock, ["desk-hook"])
    receiver.reply_next(Reply(hang=True))
    run = dispatcher(store, clock, hook=webhook(receiver, http, clock))

    assert await run.dispatch_due() == DispatchReport(retried=1)
    assert "timeout" in state(store, alert_id).last_error
    clock.advance(timedelta(seconds=30))
    assert await run.dispatch_due() == DispatchReport(delivered=1)


@pytest.mark.parametrize(
    ("reply", "expected", "status"),
    [
        ("451 4.3.0 Try again later", DispatchReport(retried=1), "retrying"),
        ("550 5.7.1 Rejected", DispatchReport(failed=1), "failed"),
    ],
    ids=["451-retried", "550-failed"],
)
async def test_smtp_answers_decide_retry(
    store: Store, clock: ManualClock, reply: str, expected: DispatchReport, status: str
) -> None:
    [alert_id] = save_alerts(store, clock, ["desk-mail"])
    with SmtpServer() as server:
        server.reply_next(reply)
        run = dispatcher(store, clock, mail=mail(server, clock))
        assert await run.dispatch_due() == expected
    view = state(store, alert_id)
    assert view.status == status
    assert reply[:3] in view.last_error


async def test_one_failing_channel_does_not_hold_up_another(
    store: Store, clock: ManualClock, receiver: WebhookReceiver, http: httpx.AsyncClient
) -> None:
    hook_id, mail_id, console_id = save_alerts(store, clock, ["desk-hook", "desk-mail", "log"])
    receiver.reply_next(Reply(hang=True))
    printed = io.StringIO()
    with SmtpServer() as server:
        run = dispatcher(
            store,
            clock,
            hook=webhook(receiver, http, clock),
            mail=mail(server, clock),
            log=ConsoleChannel("log", stream=printed),
        )
        assert await run.dispatch_due() == DispatchReport(delivered=2, retried=1)
        assert len(server.mails) == 1
    assert printed.getvalue().startswith("ALERT high border Troops at the border")
    assert state(store, hook_id).status == "retrying"
    assert state(store, mail_id).status == "delivered"
    assert state(store, console_id).status == "delivered"


async def test_an_alert_for_a_removed_channel_fails_clearly(
    store: Store, clock: ManualClock
) -> None:
    [alert_id] = save_alerts(store, clock, ["old-hook"])
    run = dispatcher(store, clock, log=ConsoleChannel("log", stream=io.StringIO()))
    assert await run.dispatch_due() == DispatchReport(failed=1)
    assert "'old-hook' is no longer configured" in state(store, alert_id).last_error


async def test_every_attempt_is_logged_as_one_event_line(
    store: Store,
    clock: ManualClock,
    receiver: WebhookReceiver,
    http: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    [alert_id] = save_alerts(store, clock, ["desk-hook"])
    receiver.reply_next(Reply(503))
    run = dispatcher(store, clock, hook=webhook(receiver, http, clock))
    with caplog.at_level(logging.INFO, logger="monitor.alerts"):
        await run.dispatch_due()
        clock.advance(timedelta(seconds=30))
        await run.dispatch_due()
    lines = [r.getMessage() for r in caplog.records if r.name == "monitor.alerts.dispatcher"]
    assert lines[0].startswith(
        f"alert_retry alert={alert_id} rule=border channel=desk-hook attempt=1 reason='HTTP 503"
    )
    assert "next_attempt_at=2026-11-24T09:30:" in lines[0]
    assert lines[1] == f"alert_delivered alert={alert_id} rule=border channel=desk-hook attempt=2"
    assert all("\n" not in line for line in lines)


async def test_no_secret_reaches_a_log_record_or_a_stored_error(
    store: Store, clock: ManualClock, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    ids = save_alerts(store, clock, ["desk-hook", "desk-mail"])
    token_url_suffix = "?token=url-token-123"
    with (
        WebhookReceiver(secret="a-different-secret") as receiver,
        SmtpServer(credentials=("monitor", "right-password")) as server,
    ):
        hook = WebhookChannel(
            "desk-hook", receiver.url + token_url_suffix, SECRET, client=http, clock=clock
        )
        run = dispatcher(store, clock, hook=hook, mail=mail(server, clock, SMTP_PASSWORD))
        with caplog.at_level(logging.DEBUG):
            assert await run.dispatch_due() == DispatchReport(failed=2)
    # httpx logs request URLs at INFO: the app keeps that logger at WARNING (STYLE.md).
    ours = [r for r in caplog.records if r.name.startswith("monitor")]
    recorded = [r.getMessage() for r in ours] + [
        str(state(store, alert_id).last_error) for alert_id in ids
    ]
    assert len(recorded) >= 4
    for secret in (SECRET, SECRET.removeprefix("whsec_"), SMTP_PASSWORD, "url-token-123"):
        assert not [line for line in recorded if secret in line], secret


class CrashingChannel:
    """Injects what no real server can: a bug inside a channel."""

    name = "desk-hook"

    async def send(self, alert_id: str, payload: Mapping[str, Any]) -> None:
        raise RuntimeError("secret-bearing detail that must not be stored")


class SlowChannel:
    """Takes so long (in manual time) that later sends would outlive the lease."""

    name = "log"

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.sent: list[str] = []

    async def send(self, alert_id: str, payload: Mapping[str, Any]) -> None:
        self.sent.append(alert_id)
        self.clock.advance(timedelta(minutes=1, seconds=1))


async def test_a_crashing_channel_is_recorded_and_retried(store: Store, clock: ManualClock) -> None:
    [alert_id] = save_alerts(store, clock, ["desk-hook"])
    run = dispatcher(store, clock, hook=CrashingChannel())
    assert await run.dispatch_due() == DispatchReport(retried=1)
    error = state(store, alert_id).last_error
    assert error == "internal error in channel (RuntimeError)"


async def test_sends_that_would_outlive_the_lease_are_left_for_later(
    store: Store, clock: ManualClock
) -> None:
    save_alerts(store, clock, ["log"])
    save_alerts(store, clock, ["log"])
    slow = SlowChannel(clock)
    run = Dispatcher(store, {"log": slow}, owner="a", clock=clock, per_channel_concurrency=1)
    assert await run.dispatch_due() == DispatchReport(delivered=1, deferred=1)
    clock.advance(timedelta(minutes=2))  # the deferred alert's lease expires
    assert await run.dispatch_due() == DispatchReport(delivered=1)
    assert len(set(slow.sent)) == 2
