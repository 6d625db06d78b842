"""User stories of the daemon, end to end, on loopback: HTTP sources, SMTP, webhooks, SQLite."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.app import App
from monitor.cli import main
from monitor.config import load_config
from monitor.fetch import FetchLimits
from tests.support.configs import world_config
from tests.support.http_server import HttpServer, Reply, gzip_bomb, redirect, repeated
from tests.support.news_world import (
    BORDER_TEXT,
    BORDER_TITLE,
    STORIES,
    Story,
    article_page,
    rss_feed,
    serve_news_world,
)
from tests.support.smtp_server import SmtpServer
from tests.support.waiting import wait_for
from tests.support.webhook_receiver import Reply as HookReply
from tests.support.webhook_receiver import WebhookReceiver

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
RULES = """
rules:
  - name: central-asia-border
    keywords: [CSTO, "Russian troops", "cross-border"]
    severity: high
"""


LATE_STORY = Story(
    "csto-exercises",
    "CSTO announces exercises near the Tajik-Afghan border",
    [p.replace("talks", "exercises") for p in BORDER_TEXT],
    datetime(2026, 11, 25, 6, 0, tzinfo=UTC),
)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as hook:
        yield hook


def write_config(
    tmp_path: Path,
    *,
    sources: dict[str, str],
    hook: WebhookReceiver | None = None,
    smtp: SmtpServer | None = None,
    rules: str = RULES,
) -> Path:
    """A rules.yaml for the loopback world, its webhook signed with HOOK_SECRET."""
    secret = "    secret: ${HOOK_SECRET}\n"
    return world_config(
        tmp_path, sources=sources, rules=rules, hook=hook, smtp=smtp, hook_extra=secret
    )


@pytest.fixture
def hook_secret_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)


def run_once(config: Path, *, workers: int = 0) -> int:
    return main(["run", "--once", "--config", str(config), "--workers", str(workers)])


@pytest.mark.usefixtures("hook_secret_env")
def test_a_matching_article_reaches_the_desk_once_by_webhook_and_email(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver, smtp_server: SmtpServer
) -> None:
    feed = serve_news_world(http_server)
    config = write_config(tmp_path, sources={"steppe": feed}, hook=receiver, smtp=smtp_server)

    # One analysis worker process, as the daemon runs by default.
    assert run_once(config, workers=1) == 0

    [delivery] = receiver.deliveries
    assert delivery.verified is True
    payload = delivery.json
    assert payload["type"] == "alert"
    assert payload["id"] == delivery.headers["webhook-id"]
    assert payload["rule"] == {"name": "central-asia-border", "severity": "high"}
    assert payload["article"]["title"] == BORDER_TITLE
    assert payload["article"]["source"] == "steppe"
    assert payload["article"]["url"].startswith(http_server.base_url + "/news/tajik-border-talks")
    assert payload["article"]["published_at"] == "2026-11-24T09:30:00Z"
    assert {t.casefold() for t in payload["matched"]["terms"]} >= {"csto", "russian troops"}
    assert any("Russian troops" in s for s in payload["matched"]["snippets"])
    assert isinstance(payload["story"]["id"], int)

    [mail] = smtp_server.mails
    assert mail.rcpt_tos == ("analyst@example.org",)
    assert mail.message["Subject"] == f"[monitor] high central-asia-border: {BORDER_TITLE}"

    # A second cycle finds nothing new (the feed answers 304) and sends nothing.
    assert run_once(config) == 0
    assert len(receiver.requests) == 1
    assert len(smtp_server.mails) == 1
    feed_requests = http_server.requests_for("/feed.xml")
    assert feed_requests[-1].headers.get("if-none-match") == '"feed-v1"'
    # Each article page was fetched once, over both cycles.
    assert len(http_server.requests_for("/news/tajik-border-talks?utm_source=rss")) == 1


@pytest.mark.usefixtures("hook_secret_env")
async def test_a_webhook_that_answers_503_once_is_retried_with_the_same_id(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    feed = serve_news_world(http_server)
    config = load_config(write_config(tmp_path, sources={"steppe": feed}, hook=receiver))
    receiver.reply_next(HookReply(status=503))
    now = [datetime.now(UTC)]  # the receiver checks signature timestamps against its clock

    async with App(config, workers=0, clock=lambda: now[0]) as app:
        report = await app.run_once()
        assert report.dispatch is not None
        assert (report.dispatch.delivered, report.dispatch.retried) == (0, 1)
        assert receiver.deliveries == []

        now[0] += timedelta(seconds=30)  # the first retry comes within 30 s
        retried = await app.dispatch_due()

    assert retried.delivered == 1
    first, second = receiver.requests
    assert first.status == 503
    assert second.status == 200
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert second.verified is True


def serve_broken_sources(server: HttpServer) -> dict[str, str]:
    """One source per way a source can fail, each answering on its own path."""
    windows_1251 = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Новости'
        "</title><item><title>Таджикистан и ОДКБ обсуждают границу</title>"
        f"<link>{server.base_url}/ru/1</link><description>Российские войска на границе"
        "</description></item></channel></rss>"
    ).encode("windows-1251")
    server.route("/ru/1", Reply(body=b"<html><body><p>ok</p></body></html>"))
    routes = {
        "bomb": Reply(
            body=gzip_bomb(2 * 1024**3),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"},
        ),
        "missing": Reply(status=404, body=b"not here"),
        "broken": Reply(status=500, body=b"oops"),
        "silent": Reply(hang=True),
        "loop": redirect("/loop.xml"),
        "invalid": Reply(body=b"<rss><channel><item><title>unclosed</channel>"),
        "cyrillic": Reply(body=windows_1251, headers={"Content-Type": "application/rss+xml"}),
        "huge": Reply(body=repeated(b"<p>" + b"x" * 1021 + b"</p>", 64 * 1024**2)),
        "entities": Reply(
            body=b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss version="2.0"><channel>'
            b"<title>&b;</title></channel></rss>"
        ),
    }
    return {name: server.route(f"/{name}.xml", reply) for name, reply in routes.items()}


@pytest.mark.usefixtures("hook_secret_env")
async def test_broken_sources_are_recorded_and_do_not_disturb_the_others(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    sources = {"steppe": serve_news_world(http_server), **serve_broken_sources(http_server)}
    config = load_config(write_config(tmp_path, sources=sources, hook=receiver))
    limits = FetchLimits(connect_timeout=2, total_timeout=3, allow_private_networks=True)

    async with App(config, workers=0, fetch_limits=limits) as app:
        report = await app.run_once()
        states = {s.name: s for s in app.store.list_sources()}

    outcome = {poll.source: (poll.status, poll.reason) for poll in report.polls}
    assert outcome["steppe"] == ("ok", None)
    assert outcome["cyrillic"][0] == "ok"
    assert outcome["bomb"] == ("failed", "too_large")
    assert outcome["huge"] == ("failed", "too_large")
    assert outcome["missing"] == ("failed", "http_404")
    assert outcome["broken"] == ("failed", "http_5xx")
    assert outcome["silent"] == ("failed", "timeout")
    assert outcome["loop"] == ("failed", "too_many_redirects")
    assert outcome["invalid"] == ("failed", "parse")
    assert outcome["entities"] == ("failed", "parse")
    for name in ("bomb", "missing", "broken", "silent", "loop", "invalid", "entities", "huge"):
        state = states[name]
        assert state.error_count == 1
        assert state.last_error_reason == outcome[name][1]
        assert state.last_error
        assert state.next_poll_at > datetime.now(UTC)  # backing off, not dropped
    assert len(receiver.deliveries) == 1


def alert_rows(db: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, status, attempts FROM alerts").fetchall()


def expire_delivery_leases(db: Path) -> None:
    """What two minutes of wall time would do to the lease of a crashed instance."""
    past = (datetime.now(UTC) - timedelta(minutes=3)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alerts SET lease_until = ? WHERE status = 'sending'", (past,))


def monitor_process(config: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "HOOK_SECRET": SECRET}
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", *args, "--config", str(config)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_delivery_in_flight_when_the_daemon_is_killed_is_delivered_after_restart(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    feed = serve_news_world(http_server)
    config = write_config(tmp_path, sources={"steppe": feed}, hook=receiver)
    receiver.reply_next(HookReply(hang=True))

    daemon = monitor_process(config, "run", "--once", "--workers", "0")
    try:
        wait_for(lambda: len(receiver.requests) == 1)  # the receiver holds it, unanswered
        daemon.send_signal(signal.SIGKILL)
        daemon.wait(timeout=10)
    finally:
        if daemon.poll() is None:
            daemon.kill()
        daemon.communicate()
    [(alert_id, status, _attempts)] = alert_rows(tmp_path / "monitor.db")
    assert status == "sending"

    expire_delivery_leases(tmp_path / "monitor.db")
    restarted = monitor_process(config, "run", "--once", "--workers", "0")
    _out, err = restarted.communicate(timeout=60)
    assert restarted.returncode == 0, err

    hung, delivered = receiver.requests
    assert hung.headers["webhook-id"] == delivered.headers["webhook-id"] == alert_id
    assert delivered.status == 200
    assert delivered.verified is True
    assert alert_rows(tmp_path / "monitor.db") == [(alert_id, "delivered", 1)]


def test_the_daemon_stops_cleanly_on_sigterm(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    feed = serve_news_world(http_server)
    config = write_config(tmp_path, sources={"steppe": feed}, hook=receiver)

    daemon = monitor_process(config, "run", "--workers", "0")
    try:
        wait_for(lambda: len(receiver.deliveries) == 1)
        daemon.send_signal(signal.SIGTERM)
        _out, err = daemon.communicate(timeout=15)
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.communicate()
    assert daemon.returncode == 0, err
    assert "daemon_stopped" in err
    assert SECRET not in err


def test_check_names_the_place_of_each_config_error(tmp_path: Path, capsys) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "version: 1\nsources:\n  - name: a\n    url: https://example.org/feed\n"
        "    intervall: 5m\nchannels:\n  log:\n    type: console\n"
        "rules:\n  - name: r\n    keywords: [x]\n    channels: [logg]\n"
    )
    assert main(["check", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:5:5" in err
    assert "did you mean 'interval'" in err
    assert "did you mean 'log'" in err


def test_check_summarises_a_valid_config_without_its_secrets(
    tmp_path: Path, receiver: WebhookReceiver, smtp_server: SmtpServer, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    config = write_config(
        tmp_path,
        sources={"steppe": "https://example.org/feed.xml"},
        hook=receiver,
        smtp=smtp_server,
    )
    assert main(["check", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "central-asia-border" in out
    assert "steppe" in out
    assert SECRET not in out


@pytest.mark.usefixtures("hook_secret_env")
def test_sources_and_alerts_commands_show_health_and_delivery(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver, capsys
) -> None:
    sources = {"steppe": serve_news_world(http_server)}
    sources["missing"] = http_server.route("/gone.xml", Reply(status=404))
    config = write_config(tmp_path, sources=sources, hook=receiver)
    assert run_once(config) == 0
    capsys.readouterr()

    assert main(["sources", "--config", str(config)]) == 0
    table = capsys.readouterr().out
    [missing_row] = [line for line in table.splitlines() if line.startswith("missing")]
    assert "failing" in missing_row
    assert "http_404" in missing_row
    [steppe_row] = [line for line in table.splitlines() if line.startswith("steppe")]
    assert " ok " in steppe_row

    assert main(["alerts", "--config", str(config)]) == 0
    alerts = capsys.readouterr().out
    assert "central-asia-border" in alerts
    assert "delivered" in alerts
    assert json.dumps(BORDER_TITLE)[1:20] in alerts


def log_of(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def test_sighup_reloads_rules_and_keeps_the_old_ones_when_the_new_file_is_wrong(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    stories = list(STORIES)
    http_server.route(
        "/feed.xml", lambda _request: Reply(body=rss_feed(http_server.base_url, stories))
    )
    for story in [*STORIES, LATE_STORY]:
        http_server.route(f"/news/{story.slug}?utm_source=rss", Reply(body=article_page(story)))
    feed = http_server.url("/feed.xml")
    quiet_rule = "rules:\n  - name: quiet\n    keywords: [zeppelin]\n"
    config = write_config(tmp_path, sources={"steppe": feed}, hook=receiver, rules=quiet_rule)
    stderr = tmp_path / "daemon.log"

    with stderr.open("w") as err_file:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "monitor.cli", "run", "--workers", "0", "--config", str(config)],
            env={**os.environ, "HOOK_SECRET": SECRET},
            stdout=subprocess.DEVNULL,
            stderr=err_file,
        )
        try:
            wait_for(lambda: "poll_ok source=steppe" in log_of(stderr))

            config.write_text(
                config.read_text().replace("[zeppelin]", "[zeppelin]\n    query: '('")
            )
            daemon.send_signal(signal.SIGHUP)
            wait_for(lambda: "config_reload_rejected" in log_of(stderr))

            stories.append(LATE_STORY)
            good = write_config(
                tmp_path,
                sources={"steppe": feed},
                hook=receiver,
                rules="rules:\n  - name: border\n    keywords: [CSTO]\n",
            )
            good.write_text(good.read_text().replace("interval: 5m", "interval: 1s"))
            daemon.send_signal(signal.SIGHUP)
            wait_for(lambda: len(receiver.deliveries) == 1)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=15)

    log = log_of(stderr)
    assert daemon.returncode == 0, log
    assert "config_reloaded" in log
    # The new rule fires on what is new; articles stored before the reload stay quiet.
    [delivery] = receiver.deliveries
    assert delivery.json["article"]["title"] == LATE_STORY.title


@pytest.mark.usefixtures("hook_secret_env")
async def test_a_page_that_breaks_a_stage_costs_only_itself(
    tmp_path: Path,
    http_server: HttpServer,
    receiver: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import monitor.analysis

    real_extract = monitor.analysis.extract

    def extract_failing_on_football(html: bytes, url: str, *args: object) -> object:
        if "pamir-cup" in url:  # fault injection: a stage that raises on one page
            raise RecursionError("maximum recursion depth exceeded")
        return real_extract(html, url, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(monitor.analysis, "extract", extract_failing_on_football)
    feed = serve_news_world(http_server)
    config = load_config(write_config(tmp_path, sources={"steppe": feed}, hook=receiver))

    async with App(config, workers=0) as app:
        report = await app.run_once()

    [poll] = report.polls
    assert (poll.status, poll.new_articles) == ("ok", 2)  # the other two were stored
    assert len(receiver.deliveries) == 1
    assert "article_analysis_failed source=steppe" in caplog.text
    assert "pamir-cup" in caplog.text


@pytest.mark.usefixtures("hook_secret_env")
def test_an_article_page_that_fails_for_now_is_fetched_at_the_next_poll(
    tmp_path: Path, http_server: HttpServer, receiver: WebhookReceiver
) -> None:
    fresh = Story("fresh-border", BORDER_TITLE, BORDER_TEXT, datetime.now(UTC))
    page = f"/news/{fresh.slug}?utm_source=rss"
    http_server.route(page, [Reply(status=503), Reply(body=article_page(fresh))])
    feed = http_server.route(
        "/feed.xml", Reply(body=rss_feed(http_server.base_url, [fresh]), etag='"v1"')
    )
    config = write_config(tmp_path, sources={"steppe": feed}, hook=receiver)

    assert run_once(config) == 0
    assert receiver.deliveries == []  # deferred, not stored on its summary

    # The feed has not changed, but the next poll must read it again, not accept a 304.
    assert run_once(config) == 0
    [delivery] = receiver.deliveries
    assert delivery.json["article"]["title"] == BORDER_TITLE
    assert len(http_server.requests_for(page)) == 2


def test_a_reader_that_stops_reading_gets_no_traceback(
    tmp_path: Path, receiver: WebhookReceiver, smtp_server: SmtpServer
) -> None:
    """`monitor check | head -1`: the pipe closes before the summary is written."""
    config = write_config(
        tmp_path,
        sources={"steppe": "https://example.org/feed.xml"},
        hook=receiver,
        smtp=smtp_server,
    )
    process = monitor_process(config, "check")
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
    assert process.returncode == 1
