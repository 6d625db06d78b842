"""Dispatch policy end to end through the App and CLI: digests, throttling, silences, replay,
410 Gone, source health; loopback HTTP sources, SMTP server and webhook receiver, SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from monitor.app import App
from monitor.cli import main
from monitor.config import Config, load_config
from tests.support.configs import world_config
from tests.support.databases import ManualClock
from tests.support.http_server import HttpServer, Reply
from tests.support.news_world import BORDER_TITLE, serve_news_world
from tests.support.smtp_server import SmtpServer
from tests.support.webhook_receiver import Reply as HookReply
from tests.support.webhook_receiver import WebhookReceiver

START = datetime(2026, 11, 24, 9, 40, tzinfo=UTC)
# The news world has three articles: border talks, a football cup and cotton prices.
THREE_RULES = """
rules:
  - name: border
    keywords: [CSTO]
    severity: high
  - name: sport
    keywords: [Pamir]
  - name: markets
    keywords: [Cotton]
"""


# The loopback world with the three rules; a test may bring its own.
write_config = partial(world_config, rules=THREE_RULES)


def app(config: Config, clock: ManualClock) -> App:
    return App(config, workers=0, clock=clock)


async def test_an_hourly_digest_sends_every_alert_of_the_hour_once_grouped_by_rule(
    tmp_path: Path,
    http_server: HttpServer,
    webhook_receiver: WebhookReceiver,
    smtp_server: SmtpServer,
) -> None:
    feed = serve_news_world(http_server)
    path = write_config(
        tmp_path,
        sources={"steppe": feed},
        hook=webhook_receiver,
        smtp=smtp_server,
        hook_extra="    digest: hourly\n",
        mail_extra="    digest: daily 08:00\n    timezone: Europe/Paris\n",
    )
    config = load_config(path)
    clock = ManualClock(START)
    async with app(config, clock) as daemon:
        report = await daemon.run_once()
        assert sum(p.alerts for p in report.polls) == 6  # three rules, two channels
        assert webhook_receiver.requests == []
        assert smtp_server.mails == []
        clock.advance(timedelta(minutes=19))
        await daemon.dispatch_due()
        assert webhook_receiver.requests == []  # 09:59: the hour is not over

        clock.now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
        await daemon.dispatch_due()

    [digest] = webhook_receiver.deliveries
    body = digest.json
    assert body["type"] == "digest"
    assert body["channel"] == "desk-hook"
    assert body["period"] == {"start": "2026-11-24T09:00:00Z", "end": "2026-11-24T10:00:00Z"}
    assert [a["rule"]["name"] for a in body["alerts"]] == ["border", "markets", "sport"]
    assert all(a["type"] == "alert" for a in body["alerts"])
    assert body["id"].startswith("digest")
    assert smtp_server.mails == []  # the mail digest waits for 08:00 Paris time

    # The daemon is down at 08:00 Paris (07:00 UTC); the digest leaves at the next start.
    clock.now = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
    async with app(config, clock) as daemon:
        await daemon.run_once()
    [mail] = smtp_server.mails
    assert mail.message["Subject"] == "[monitor] 3 alerts for desk-mail"
    text = mail.message.get_body(("plain",)).get_content()
    assert BORDER_TITLE in text
    assert "border (1)" in text
    assert "sport (1)" in text
    assert len(webhook_receiver.deliveries) == 1  # nothing sent twice


async def test_a_digest_renders_in_each_chat_format(
    tmp_path: Path, http_server: HttpServer, webhook_receiver: WebhookReceiver
) -> None:
    feed = serve_news_world(http_server)
    for chat, check in (
        ("slack", lambda b: b["blocks"][0]["type"] == "header" and "3 alerts" in b["text"]),
        ("discord", lambda b: "3 alerts" in b["content"] and len(b["embeds"]) == 3),
        ("teams", lambda b: b["attachments"][0]["content"]["type"] == "AdaptiveCard"),
    ):
        directory = tmp_path / chat
        directory.mkdir()
        path = write_config(
            directory,
            sources={"steppe": feed},
            hook=webhook_receiver,
            hook_extra=f"    format: {chat}\n    digest: hourly\n",
        )
        clock = ManualClock(START)
        async with app(load_config(path), clock) as daemon:
            await daemon.run_once()
            clock.advance(timedelta(hours=1))
            await daemon.dispatch_due()
        assert check(webhook_receiver.deliveries[-1].json), chat
    assert len(webhook_receiver.deliveries) == 3


async def test_a_throttled_rule_folds_the_alerts_over_its_limit_into_one_message(
    tmp_path: Path, http_server: HttpServer, webhook_receiver: WebhookReceiver, capsys
) -> None:
    feed = serve_news_world(http_server)
    rules = """
    rules:
      - name: desk
        keywords: [CSTO, Pamir, Cotton]
        max_alerts: 1/hour
    """
    path = write_config(tmp_path, sources={"steppe": feed}, hook=webhook_receiver, rules=rules)
    clock = ManualClock(START)
    async with app(load_config(path), clock) as daemon:
        await daemon.run_once()
        assert len(webhook_receiver.deliveries) == 1
        clock.now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
        await daemon.dispatch_due()
        statuses = sorted(a.status for a in daemon.store.recent_alerts() if a.kind == "alert")

    assert statuses == ["delivered", "folded", "folded"]
    first, fold = webhook_receiver.deliveries
    assert first.json["type"] == "alert"
    assert fold.json["type"] == "folded"
    assert fold.json["count"] == 2
    assert fold.json["rule"]["name"] == "desk"
    assert fold.json["window"] == {"start": "2026-11-24T09:00:00Z", "end": "2026-11-24T10:00:00Z"}

    assert main(["alerts", "--config", str(path)]) == 0
    assert capsys.readouterr().out.count("folded") >= 2  # recorded, never dropped silently


async def test_a_silence_holds_a_rules_alerts_until_it_is_lifted(
    tmp_path: Path, http_server: HttpServer, webhook_receiver: WebhookReceiver, capsys
) -> None:
    feed = serve_news_world(http_server)
    path = write_config(tmp_path, sources={"steppe": feed}, hook=webhook_receiver)
    assert (
        main(["silence", "border", "--for", "2h", "--reason", "exercise", "--config", str(path)])
        == 0
    )
    assert main(["silence", "bordr", "--for", "2h", "--config", str(path)]) == 2
    assert "did you mean 'border'" in capsys.readouterr().err

    assert main(["silences", "--config", str(path)]) == 0
    listed = capsys.readouterr().out
    assert "border" in listed
    assert "exercise" in listed

    async with app(load_config(path), ManualClock(datetime.now(UTC))) as daemon:
        await daemon.run_once()
        by_rule = {a.rule: a.status for a in daemon.store.recent_alerts()}
    assert by_rule == {"border": "silenced", "sport": "delivered", "markets": "delivered"}
    assert {d.json["rule"]["name"] for d in webhook_receiver.deliveries} == {"sport", "markets"}

    [silence_id] = [line.split()[0] for line in listed.splitlines()[1:]]
    assert main(["unsilence", silence_id, "--config", str(path)]) == 0
    assert main(["silences", "--config", str(path)]) == 0
    assert "no active silences" in capsys.readouterr().out


def test_replay_resends_an_alert_with_the_same_id_and_failed_alerts_are_listed(
    tmp_path: Path, http_server: HttpServer, webhook_receiver: WebhookReceiver, capsys
) -> None:
    feed = serve_news_world(http_server)
    rules = "rules:\n  - name: border\n    keywords: [CSTO]\n"
    path = write_config(tmp_path, sources={"steppe": feed}, hook=webhook_receiver, rules=rules)
    webhook_receiver.reply_next(HookReply(status=400))
    assert main(["run", "--once", "--workers", "0", "--config", str(path)]) == 0
    capsys.readouterr()

    assert main(["alerts", "--failed", "--config", str(path)]) == 0
    failed = capsys.readouterr().out
    assert "HTTP 400" in failed
    alert_id = failed.splitlines()[1].split()[2]

    assert main(["alerts", "replay", alert_id, "--config", str(path)]) == 0
    assert f"alert {alert_id}: delivered" in capsys.readouterr().out
    rejected, delivered = webhook_receiver.requests
    assert rejected.json["id"] == delivered.json["id"] == alert_id
    assert main(["alerts", "--failed", "--config", str(path)]) == 0
    assert "no failed alerts" in capsys.readouterr().out
    assert main(["alerts", "replay", "nope", "--config", str(path)]) == 1


def test_a_webhook_that_is_gone_is_disabled_and_the_other_channels_are_told(
    tmp_path: Path,
    http_server: HttpServer,
    webhook_receiver: WebhookReceiver,
    smtp_server: SmtpServer,
    capsys,
) -> None:
    feed = serve_news_world(http_server)
    rules = "rules:\n  - name: border\n    keywords: [CSTO]\n    channels: [desk-hook]\n"
    path = write_config(
        tmp_path, sources={"steppe": feed}, hook=webhook_receiver, smtp=smtp_server, rules=rules
    )
    webhook_receiver.reply_next(HookReply(status=410))
    assert main(["run", "--once", "--workers", "0", "--config", str(path)]) == 0
    err = capsys.readouterr().err
    assert "channel_disabled channel=desk-hook" in err

    [notice] = smtp_server.mails
    assert notice.message["Subject"] == "[monitor] channel desk-hook disabled"
    assert main(["channels", "--config", str(path)]) == 0
    [row] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("desk-hook")]
    assert "disabled" in row
    assert "HTTP 410" in row

    assert main(["channels", "enable", "desk-hook", "--config", str(path)]) == 0
    assert "desk-hook: enabled" in capsys.readouterr().out
    assert main(["channels", "--config", str(path)]) == 0
    [row] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("desk-hook")]
    assert "enabled" in row


async def test_deliveries_to_a_disabled_channel_fail_and_a_new_url_enables_it(
    tmp_path: Path, http_server: HttpServer, webhook_receiver: WebhookReceiver
) -> None:
    feed = serve_news_world(http_server)
    path = write_config(tmp_path, sources={"steppe": feed}, hook=webhook_receiver)
    clock = ManualClock(datetime.now(UTC))
    async with app(load_config(path), clock) as daemon:
        daemon.store.disable_channel("desk-hook", reason="HTTP 410", fingerprint="old")
        await daemon.run_once()
        statuses = {a.status for a in daemon.store.recent_alerts()}
        errors = {a.last_error for a in daemon.store.recent_alerts()}
    assert webhook_receiver.requests == []
    assert statuses == {"failed"}
    assert all(error and error.startswith("channel_disabled") for error in errors)

    # The config now names a different URL for the channel: it is enabled at start.
    path.write_text(path.read_text().replace(webhook_receiver.url, webhook_receiver.url + "/new"))
    async with app(load_config(path), clock) as daemon:
        assert daemon.store.disabled_channels() == []


async def test_a_source_failing_too_long_raises_one_notice_and_one_on_recovery(
    tmp_path: Path, http_server: HttpServer, webhook_receiver: WebhookReceiver
) -> None:
    feed = serve_news_world(http_server)
    broken = http_server.route("/broken.xml", Reply(status=500, body=b"oops"))
    path = write_config(
        tmp_path,
        sources={"steppe": feed, "broken": broken},
        hook=webhook_receiver,
        rules="rules:\n  - name: border\n    keywords: [CSTO]\n",
        extra="health:\n  channel: desk-hook\n  failing_after: 1h\n",
    )
    clock = ManualClock(datetime.now(UTC))
    async with app(load_config(path), clock) as daemon:
        # `run --once` checks source health as the daemon's housekeeping does, and delivers.
        assert (await daemon.run_once()).notices == 0  # failing, but not for an hour yet
        clock.advance(timedelta(hours=2))
        assert (await daemon.run_once()).notices == 1
        assert await daemon.check_source_health() == 0  # once
        assert (await daemon.run_once()).notices == 0

        http_server.route(
            "/broken.xml", Reply(body=b'<rss version="2.0"><channel></channel></rss>')
        )
        clock.advance(timedelta(hours=7))
        assert (await daemon.run_once()).notices == 1

    notices = [d.json for d in webhook_receiver.deliveries if d.json["type"] == "notice"]
    assert [n["event"] for n in notices] == ["source.failing", "source.recovered"]
    failing = notices[0]
    assert failing["source"] == "broken"
    assert "http_5xx" in failing["error"]
    assert failing["since"]


async def test_health_names_a_real_channel(tmp_path: Path, capsys) -> None:
    path = write_config(
        tmp_path,
        sources={"steppe": "https://example.org/feed.xml"},
        rules="rules:\n  - name: r\n    keywords: [x]\n",
        extra="health:\n  channel: desk-hok\n",
    )
    path.write_text(
        path.read_text().replace("channels:\n", "channels:\n  desk-hook:\n    type: console\n")
    )
    assert main(["check", "--config", str(path)]) == 2
    assert "unknown channel 'desk-hok' (did you mean 'desk-hook'?)" in capsys.readouterr().err
