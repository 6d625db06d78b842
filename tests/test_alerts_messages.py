"""How digests, folds, notices and updates read in every channel: email, chat formats, console."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from monitor.alerts import build_alert_payload, build_notice_payload, update_payload
from monitor.alerts.console import console_line
from monitor.alerts.messages import build_digest_payload
from monitor.alerts.templates import make_template_environment, render_alert_mail
from monitor.alerts.webhook_formats import renderer_for

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)


def alert(rule: str, title: str, severity: str = "high") -> dict[str, Any]:
    return build_alert_payload(
        alert_id=f"id-{rule}-{len(title)}",
        created_at=NOW,
        rule=rule,
        severity=severity,
        source="steppe",
        url="https://example.org/a",
        title=title,
        summary="",
        published=NOW,
        language="en",
        terms=["CSTO"],
        regions=[],
        snippets=[],
        story_id=7,
    )


def digest(*alerts: dict[str, Any]) -> dict[str, Any]:
    return build_digest_payload(
        channel="desk",
        start=datetime(2026, 11, 24, 9, tzinfo=UTC),
        end=NOW,
        alerts=alerts,
        alert_ids=[a["id"] for a in alerts],
    )


HOSTILE = "<script>alert(1)</script>\r\nBcc: victim@example.org"
FOLD = {
    "type": "folded",
    "id": "fold1",
    "rule": {"name": "border", "severity": "high"},
    "channel": "desk",
    "window": {"start": "2026-11-24T09:00:00Z", "end": "2026-11-24T10:00:00Z"},
    "limit": 20,
    "count": 7,
}
NOTICE = build_notice_payload(
    notice_id="n1",
    event="source.failing",
    created_at=NOW,
    source="steppe",
    since=datetime(2026, 11, 24, 3, tzinfo=UTC),
    error="http_5xx: HTTP 503",
)
MAIL_SUBJECTS = [
    (
        "one rule",
        digest(alert("border", "a"), alert("border", "b")),
        "[monitor] 2 alerts for border",
    ),
    ("two rules", digest(alert("border", "a"), alert("sport", "b")), "[monitor] 2 alerts for desk"),
    ("with a fold", digest(alert("border", "a"), FOLD), "[monitor] 8 alerts for border"),
    ("fold", FOLD, "[monitor] 7 more alerts for border"),
    ("notice", NOTICE, "[monitor] source steppe is failing"),
    (
        "update",
        update_payload(alert("border", "Talks"), alert_id="u1", sources=4),
        "[monitor] high border: story grew: 4 sources: Talks",
    ),
]


@pytest.mark.parametrize(
    ("payload", "subject"), [c[1:] for c in MAIL_SUBJECTS], ids=[c[0] for c in MAIL_SUBJECTS]
)
def test_mail_subjects(payload: dict[str, Any], subject: str) -> None:
    rendered = render_alert_mail(make_template_environment(), "x", payload)
    assert rendered.subject == subject


def test_a_digest_mail_groups_by_rule_and_escapes_article_text() -> None:
    payload = digest(alert("border", HOSTILE), alert("sport", "Cup final"))
    rendered = render_alert_mail(make_template_environment(), payload["id"], payload)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "\nBcc:" not in rendered.text
    assert "border (1)" in rendered.text
    assert "sport (1)" in rendered.text
    assert '<a href="https://example.org/a">' in rendered.html


def test_the_notice_mail_says_what_failed_and_since_when() -> None:
    rendered = render_alert_mail(make_template_environment(), "n1", NOTICE)
    assert "since: 2026-11-24T03:00:00Z" in rendered.text
    assert "error: http_5xx: HTTP 503" in rendered.text


@pytest.mark.parametrize(
    "payload", [digest(alert("border", "a"), FOLD), FOLD, NOTICE], ids=["digest", "fold", "notice"]
)
def test_json_webhooks_get_the_payload_itself(payload: dict[str, Any]) -> None:
    assert renderer_for("json")(payload) == payload


def test_chat_formats_render_digests_folds_notices_and_updates() -> None:
    body = digest(alert("border", "Talks *bold* @everyone"), alert("sport", "Cup"))
    slack = renderer_for("slack")(body)
    assert slack["text"] == "2 alerts for desk"
    assert [b["type"] for b in slack["blocks"]] == ["header", "section", "section"]
    discord = renderer_for("discord")(body)
    assert discord["allowed_mentions"] == {"parse": []}
    assert "\\*bold\\*" in discord["embeds"][0]["description"]
    teams = renderer_for("teams")(NOTICE)
    card = teams["attachments"][0]["content"]
    assert card["body"][0]["text"] == "source steppe is failing"
    assert renderer_for("slack")(FOLD)["text"] == "7 more alerts for border"
    update = update_payload(alert("border", "Talks"), alert_id="u1", sources=3)
    assert "story grew: 3 sources" in renderer_for("discord")(update)["content"]
    assert "story grew: 3 sources" in renderer_for("slack")(update)["text"]


def test_console_lines() -> None:
    assert console_line(NOTICE) == "NOTICE source steppe is failing"
    assert console_line(FOLD) == "FOLDED 7 more alerts for border"
    update = update_payload(alert("border", "Talks"), alert_id="u1", sources=3)
    assert console_line(update).startswith("UPDATE high border story grew: 3 sources: Talks")
    lines = console_line(digest(alert("border", HOSTILE))).splitlines()
    assert lines[0] == "DIGEST 1 alert for border"
    assert len(lines) == 2


def test_a_digest_line_says_when_other_sources_reported_the_story() -> None:
    item = alert("border", "Talks")
    item["story"]["sources"] = 3
    rendered = render_alert_mail(make_template_environment(), "d", digest(item))
    assert "Talks (steppe), also reported by 2 sources" in rendered.text
