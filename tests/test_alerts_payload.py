"""The alert as data: the contract's webhook JSON, the console line and the chat renderings."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from monitor.alerts import ConsoleChannel, build_alert_payload, new_alert_id
from monitor.alerts.webhook_formats import render_discord, render_slack, render_teams, renderer_for


def sample_payload(**overrides: Any) -> dict[str, Any]:
    """The contract's example alert; keyword arguments replace fields of the call."""
    fields: dict[str, Any] = {
        "alert_id": "3f1c0d2e9a8b4c7d8e6f5a4b3c2d1e0f",
        "created_at": datetime(2026, 11, 24, 9, 31, 2, 123456, tzinfo=UTC),
        "rule": "central-asia-border",
        "severity": "high",
        "source": "steppe-asia",
        "url": "https://example.org/asia/troops.html",
        "title": "Troops gather at the border",
        "summary": "Joint deployment announced.",
        "published": datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        "language": "en",
        "terms": ("troops", "CSTO"),
        "regions": ("Central Asia",),
        "snippets": ("…joint deployment of Russian troops along its border…",),
        "places": ("Dushanbe -> Tajikistan (capital)",),
    }
    fields.update(overrides)
    return build_alert_payload(**fields)


def test_payload_is_exactly_the_contract_json() -> None:
    assert sample_payload() == {
        "type": "alert",
        "id": "3f1c0d2e9a8b4c7d8e6f5a4b3c2d1e0f",
        "created_at": "2026-11-24T09:31:02Z",
        "rule": {"name": "central-asia-border", "severity": "high"},
        "article": {
            "url": "https://example.org/asia/troops.html",
            "title": "Troops gather at the border",
            "source": "steppe-asia",
            "published_at": "2026-11-24T09:30:00Z",
            "summary": "Joint deployment announced.",
            "language": "en",
        },
        "matched": {
            "terms": ["troops", "CSTO"],
            "regions": ["Central Asia"],
            "snippets": ["…joint deployment of Russian troops along its border…"],
            "places": ["Dushanbe -> Tajikistan (capital)"],
        },
    }


def test_payload_converts_times_to_utc_and_keeps_unknowns_null() -> None:
    almaty = timezone(timedelta(hours=5))
    payload = sample_payload(
        created_at=datetime(2026, 11, 24, 14, 31, 2, tzinfo=almaty), published=None, language=None
    )
    assert payload["created_at"] == "2026-11-24T09:31:02Z"
    assert payload["article"]["published_at"] is None
    assert payload["article"]["language"] is None
    assert "story" not in payload


def test_payload_names_the_story_when_known() -> None:
    assert sample_payload(story_id=42)["story"] == {"id": 42}


def test_payload_is_json_serialisable() -> None:
    assert json.loads(json.dumps(sample_payload(story_id=1))) == sample_payload(story_id=1)


def test_alert_ids_are_unique_hex() -> None:
    ids = {new_alert_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


async def test_console_prints_one_clean_line_per_alert() -> None:
    stream = io.StringIO()
    channel = ConsoleChannel("log", stream=stream)
    await channel.send("a1", sample_payload(title="Troops\r\nat\x1b[31m the\u2028border\u202e"))
    assert stream.getvalue() == (
        "ALERT high central-asia-border Troops at [31m the border "
        "https://example.org/asia/troops.html terms=troops,CSTO\n"
    )


async def test_console_defaults_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    await ConsoleChannel("log").send("a1", sample_payload())
    assert capsys.readouterr().out.startswith("ALERT high central-asia-border Troops gather")


def test_slack_rendering_escapes_markup_in_article_text() -> None:
    body = render_slack(sample_payload(title="<!channel> & <https://evil.example|click>"))
    text = body["blocks"][0]["text"]["text"]
    assert "<!channel>" not in body["text"]
    assert "<!channel>" not in text
    assert "&lt;!channel&gt; &amp;" in text
    assert "<https://example.org/asia/troops.html|" in text


def test_discord_rendering_never_pings_anyone() -> None:
    body = render_discord(sample_payload(title="@everyone look"))
    assert body["allowed_mentions"] == {"parse": []}
    assert body["embeds"][0]["url"] == "https://example.org/asia/troops.html"
    assert body["embeds"][0]["title"] == "@everyone look"


def test_teams_rendering_is_an_adaptive_card_with_a_link() -> None:
    body = render_teams(sample_payload())
    attachment = body["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["actions"][0]["url"] == "https://example.org/asia/troops.html"


def test_chat_renderings_do_not_link_non_web_urls() -> None:
    payload = sample_payload(url="javascript:alert(1)")
    assert "url" not in render_discord(payload)["embeds"][0]
    assert "actions" not in render_teams(payload)["attachments"][0]["content"]


def test_unknown_webhook_format_is_named() -> None:
    with pytest.raises(ValueError, match="'xml'"):
        renderer_for("xml")
