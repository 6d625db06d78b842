"""Slack, Discord and Teams accept every message monitor sends them, however hostile or large.

Each body goes through the real `WebhookChannel` to a loopback receiver that refuses, with
400, what the service's incoming webhook refuses (tests/support/chat_receivers.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.alerts import DeliveryError, WebhookChannel, build_alert_payload, update_payload
from monitor.alerts.messages import build_digest_payload, build_notice_payload
from monitor.alerts.webhook_formats import renderer_for
from tests.support.chat_receivers import (
    VALIDATORS,
    chat_receiver,
    discord_problems,
    slack_problems,
    teams_problems,
)

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
CHATS = ["slack", "discord", "teams"]
HOSTILE = (
    "@everyone <!channel> <@123456789> *bold* _it_ ~x~ `code` [click](https://evil.example) "
    "<script>&amp;</script> | > # \\ \u202e\r\n"
)
LONG_HOSTILE = (HOSTILE * 200)[:10_000]


def alert(
    rule: str = "border",
    title: str = "Troops gather",
    *,
    summary: str = "",
    url: str = "https://example.org/a",
    n: int = 0,
) -> dict[str, Any]:
    return build_alert_payload(
        alert_id=f"id-{rule}-{n}",
        created_at=NOW,
        rule=rule,
        severity="high",
        source="steppe",
        url=url,
        title=title,
        summary=summary,
        published=NOW,
        language="en",
        terms=["CSTO", "troops"],
        regions=["Central Asia"],
        snippets=["joint deployment"],
        story_id=n,
    )


def digest(alerts: list[dict[str, Any]]) -> dict[str, Any]:
    return build_digest_payload(
        channel="desk",
        start=datetime(2026, 11, 24, 9, tzinfo=UTC),
        end=NOW,
        alerts=alerts,
        alert_ids=[a["id"] for a in alerts],
    )


def fold(count: int = 7, rule: str = "border") -> dict[str, Any]:
    return {
        "type": "folded",
        "id": f"fold-{rule}",
        "rule": {"name": rule, "severity": "high"},
        "channel": "desk",
        "window": {"start": "2026-11-24T09:00:00Z", "end": "2026-11-24T10:00:00Z"},
        "limit": 20,
        "count": count,
    }


def big_digest(rules: int = 15, per_rule: int = 8) -> dict[str, Any]:
    return digest(
        [
            alert(
                f"rule-{r}",
                f"Story {r}.{i}: " + "Long headline about the border " * 12 + HOSTILE,
                url=f"https://news.example.org/{r}/{i}/" + "a" * 120,
                n=r * 100 + i,
            )
            for r in range(rules)
            for i in range(per_rule)
        ]
    )


HOSTILE_ALERT = alert(title=LONG_HOSTILE, summary=LONG_HOSTILE, url="https://example.org/a?b=<c>|d")
NOTICE = build_notice_payload(
    notice_id="n1",
    event="source.failing",
    created_at=NOW,
    source="steppe",
    since=datetime(2026, 11, 24, 3, tzinfo=UTC),
    error=LONG_HOSTILE,
)
MESSAGES = {
    "hostile-alert": HOSTILE_ALERT,
    "hostile-update": update_payload(HOSTILE_ALERT, alert_id="u1", sources=4),
    "big-digest": big_digest(),
    "digest-one-rule-120": big_digest(rules=1, per_rule=120),
    "digest-with-folds": digest([alert(n=1), fold(40), alert("sport", LONG_HOSTILE, n=2)]),
    "fold": fold(),
    "notice": NOTICE,
    "small-digest": digest([alert(n=1), alert("sport", n=2)]),
}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as http:
        yield http


@pytest.mark.parametrize("name", list(MESSAGES))
@pytest.mark.parametrize("chat", CHATS)
async def test_each_service_accepts_every_message(
    client: httpx.AsyncClient, chat: str, name: str
) -> None:
    with chat_receiver(chat) as receiver:
        hook = WebhookChannel("desk-hook", receiver.url, None, client=client, format=chat)
        try:
            await hook.send("id1", MESSAGES[name])
        except DeliveryError:
            pytest.fail(f"{chat} refused {name}: {receiver.requests[-1].problems}")
        [request] = receiver.deliveries
        assert request.problems == ()


def shown_lines(chat: str, body: dict[str, Any]) -> list[str]:
    """The digest lines a reader sees, each one alert."""
    if chat == "slack":
        texts = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    elif chat == "discord":
        texts = [e.get("description", "") for e in body["embeds"]]
    else:
        texts = [b["text"] for b in body["attachments"][0]["content"]["body"]]
    return [line for text in texts for line in text.split("\n") if line.startswith(("• ", "- "))]


def more_count(chat: str, body: dict[str, Any]) -> int:
    found = re.findall(
        r"… and (\d+) more alerts? \(see `monitor alerts`\)", json.dumps(body, ensure_ascii=False)
    )
    return int(found[-1]) if found else 0


@pytest.mark.parametrize("chat", CHATS)
@pytest.mark.parametrize(("rules", "per_rule"), [(15, 8), (1, 120), (60, 1), (40, 10)])
def test_every_alert_of_a_digest_is_listed_or_counted_in_the_more_line(
    chat: str, rules: int, per_rule: int
) -> None:
    body = renderer_for(chat)(big_digest(rules, per_rule))
    shown, more = len(shown_lines(chat, body)), more_count(chat, body)
    assert shown > 0
    assert shown + more == rules * per_rule
    if rules * per_rule == 400:  # too many for any of the three services
        assert more > 0
    assert VALIDATORS[chat](json.dumps(body, ensure_ascii=False).encode()) == []


@pytest.mark.parametrize("chat", CHATS)
def test_a_digest_that_fits_shows_every_alert_and_no_more_line(chat: str) -> None:
    body = renderer_for(chat)(big_digest(3, 2))
    assert len(shown_lines(chat, body)) == 6
    assert more_count(chat, body) == 0
    assert "more alert" not in json.dumps(body)


def test_a_folded_item_left_out_of_a_digest_counts_as_the_alerts_it_folded() -> None:
    items = big_digest(15, 8)["alerts"] + [fold(500, rule="late")]
    body = renderer_for("discord")(digest(items))
    assert len(shown_lines("discord", body)) + more_count("discord", body) == 120 + 500


@pytest.mark.parametrize("chat", CHATS)
def test_article_text_cannot_mention_everyone_or_inject_links(chat: str) -> None:
    if chat == "slack":
        body = renderer_for(chat)(HOSTILE_ALERT)
        assert "<!channel>" not in json.dumps(body)
        sections = [block["text"]["text"] for block in body["blocks"]]
        assert not any(mark in text for text in sections for mark in ("*bold*", "_it_", "`code`"))
        assert "*bold* _it_ ~x~ `code`" in sections[1].replace("\u200b", "")
    if chat == "discord":
        body = renderer_for(chat)(HOSTILE_ALERT)
        assert body["allowed_mentions"] == {"parse": []}
        assert "[click](https://evil.example)" not in body["embeds"][0]["description"]
    if chat == "teams":
        texts = teams_texts(renderer_for(chat)(HOSTILE_ALERT))
        assert not any(MARKDOWN_LINK.search(text) or "*bold*" in text for text in texts)
        # The text still reads the same: only invisible spaces were added.
        assert "[click](https://evil.example)" in texts[1].replace("\u200b", "")


MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(")


def teams_texts(body: dict[str, Any]) -> list[str]:
    """Every text a Teams card shows: text blocks, then the values of its facts."""
    items = body["attachments"][0]["content"]["body"]
    texts = [item["text"] for item in items if item["type"] == "TextBlock"]
    return texts + [fact["value"] for item in items for fact in item.get("facts", [])]


def test_a_teams_digest_links_each_alert_with_its_title_as_written() -> None:
    items = [alert(title="Border [update] *live*", url="https://example.org/a")]
    body = renderer_for("teams")(digest(items))
    (line,) = shown_lines("teams", body)
    link = MARKDOWN_LINK.search(line)
    assert link is not None
    assert line.endswith("](https://example.org/a)")
    assert link.group(0).replace("\u200b", "") == "[(high) Border (update) *live* (steppe)]("


printable = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12_000
)


@settings(max_examples=40, deadline=None)
@given(title=printable, summary=printable, count=st.integers(0, 60))
def test_any_article_text_renders_to_an_accepted_body(title: str, summary: str, count: int) -> None:
    payloads = [
        alert(title=title, summary=summary),
        digest([alert(f"r{i % 7}", title, summary=summary, n=i) for i in range(count + 1)]),
        build_notice_payload(
            notice_id="n", event="source.silent", created_at=NOW, source=title, detail=summary
        ),
    ]
    for chat in CHATS:
        for payload in payloads:
            body = json.dumps(renderer_for(chat)(payload), ensure_ascii=False).encode()
            assert VALIDATORS[chat](body) == [], (chat, payload["type"])


# --- The validators themselves: each accepts a good body and refuses what the service refuses.


def encoded(value: object) -> bytes:
    return json.dumps(value).encode()


SLACK_OK = {
    "text": "3 alerts",
    "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "3 alerts"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "*border*"}},
        {"type": "divider"},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "why"}]},
        {"type": "section", "fields": [{"type": "plain_text", "text": "x"}] * 10},
    ],
}


def slack_with(**changes: Any) -> dict[str, Any]:
    return {**SLACK_OK, **changes}


def section(text: str, kind: str = "mrkdwn") -> dict[str, Any]:
    return {"type": "section", "text": {"type": kind, "text": text}}


SLACK_BAD = {
    "not-json": b"{",
    "empty": encoded({}),
    "51-blocks": encoded(slack_with(blocks=[section("x")] * 51)),
    "unknown-block": encoded(slack_with(blocks=[{"type": "banner"}])),
    "section-3001": encoded(slack_with(blocks=[section("x" * 3001)])),
    "section-empty-text": encoded(slack_with(blocks=[section("")])),
    "bad-text-type": encoded(slack_with(blocks=[section("x", kind="html")])),
    "header-151": encoded(
        slack_with(blocks=[{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}])
    ),
    "header-mrkdwn": encoded(
        slack_with(blocks=[{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}])
    ),
    "11-fields": encoded(
        slack_with(blocks=[{"type": "section", "fields": [{"type": "mrkdwn", "text": "x"}] * 11}])
    ),
    "field-2001": encoded(
        slack_with(blocks=[{"type": "section", "fields": [{"type": "mrkdwn", "text": "x" * 2001}]}])
    ),
    "section-without-text": encoded(slack_with(blocks=[{"type": "section"}])),
    "text-40001": encoded({"text": "x" * 40_001}),
}


def test_slack_validator_accepts_a_good_body() -> None:
    assert slack_problems(encoded(SLACK_OK)) == []
    assert slack_problems(encoded({"text": "plain text only"})) == []


@pytest.mark.parametrize("body", list(SLACK_BAD.values()), ids=list(SLACK_BAD))
def test_slack_validator_refuses(body: bytes) -> None:
    assert slack_problems(body)


def embed(**fields: Any) -> dict[str, Any]:
    return {"title": "t", "description": "d", **fields}


DISCORD_OK = {
    "content": "3 alerts",
    "embeds": [
        embed(
            fields=[{"name": "rule", "value": "border", "inline": True}] * 25,
            footer={"text": "f"},
            author={"name": "a"},
            url="https://example.org",
            timestamp="2026-11-24T10:00:00Z",
        )
    ]
    * 2,
    "allowed_mentions": {"parse": []},
}


def discord_with(**changes: Any) -> bytes:
    return encoded({**DISCORD_OK, **changes})


DISCORD_BAD = {
    "not-json": b"[",
    "empty": encoded({}),
    "content-2001": discord_with(content="x" * 2001),
    "11-embeds": discord_with(embeds=[embed()] * 11),
    "title-257": discord_with(embeds=[embed(title="x" * 257)]),
    "description-4097": discord_with(embeds=[embed(description="x" * 4097)]),
    "26-fields": discord_with(embeds=[embed(fields=[{"name": "n", "value": "v"}] * 26)]),
    "field-name-257": discord_with(embeds=[embed(fields=[{"name": "n" * 257, "value": "v"}])]),
    "field-value-1025": discord_with(embeds=[embed(fields=[{"name": "n", "value": "v" * 1025}])]),
    "field-value-empty": discord_with(embeds=[embed(fields=[{"name": "n", "value": ""}])]),
    "footer-2049": discord_with(embeds=[embed(footer={"text": "x" * 2049})]),
    "author-257": discord_with(embeds=[embed(author={"name": "x" * 257})]),
    "total-6001": discord_with(embeds=[embed(title="", description="x" * 3001)] * 2),
    "bad-url": discord_with(embeds=[embed(url="javascript:alert(1)")]),
    "mentions-unknown-kind": discord_with(allowed_mentions={"parse": ["here"]}),
    "mentions-exclusive": discord_with(allowed_mentions={"parse": ["users"], "users": ["1"]}),
    "mentions-101-roles": discord_with(allowed_mentions={"roles": ["1"] * 101}),
}


def test_discord_validator_accepts_a_good_body() -> None:
    assert discord_problems(encoded(DISCORD_OK)) == []
    assert discord_problems(encoded({"content": "hello"})) == []
    exactly_6000 = [embed(title="", description="x" * 3000)] * 2
    assert discord_problems(discord_with(embeds=exactly_6000)) == []


@pytest.mark.parametrize("body", list(DISCORD_BAD.values()), ids=list(DISCORD_BAD))
def test_discord_validator_refuses(body: bytes) -> None:
    assert discord_problems(body)


def teams_card(body: list[Any], **card: Any) -> dict[str, Any]:
    content = {"type": "AdaptiveCard", "version": "1.4", "body": body, **card}
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": content}
        ],
    }


TEAMS_OK = teams_card(
    [
        {"type": "TextBlock", "text": "3 alerts", "wrap": True},
        {"type": "FactSet", "facts": [{"title": "rule", "value": "border"}]},
        {"type": "Container", "items": [{"type": "TextBlock", "text": "x"}]},
        {"type": "ColumnSet", "columns": [{"type": "Column", "items": []}]},
    ],
    actions=[{"type": "Action.OpenUrl", "title": "Open", "url": "https://example.org"}],
)
TEAMS_BAD = {
    "not-json": b"nope",
    "not-a-message": encoded({**TEAMS_OK, "type": "card"}),
    "no-attachments": encoded({"type": "message", "attachments": []}),
    "wrong-content-type": encoded(
        {"type": "message", "attachments": [{"contentType": "text/html", "content": {}}]}
    ),
    "not-adaptive": encoded(teams_card([], type="MessageCard")),
    "version-2.0": encoded(teams_card([], version="2.0")),
    "unknown-element": encoded(teams_card([{"type": "Marquee", "text": "x"}])),
    "textblock-number": encoded(teams_card([{"type": "TextBlock", "text": 5}])),
    "fact-not-string": encoded(teams_card([{"type": "FactSet", "facts": [{"title": "t"}]}])),
    "nested-unknown": encoded(teams_card([{"type": "Container", "items": [{"type": "Blink"}]}])),
    "unknown-action": encoded(teams_card([], actions=[{"type": "Action.Launch"}])),
    "over-28kb": encoded(teams_card([{"type": "TextBlock", "text": "x" * 28_000}])),
}


def test_teams_validator_accepts_a_good_body() -> None:
    assert teams_problems(encoded(TEAMS_OK)) == []


@pytest.mark.parametrize("body", list(TEAMS_BAD.values()), ids=list(TEAMS_BAD))
def test_teams_validator_refuses(body: bytes) -> None:
    assert teams_problems(body)


async def test_a_refused_body_is_a_permanent_failure_that_names_the_status(
    client: httpx.AsyncClient,
) -> None:
    with chat_receiver("slack") as receiver:
        hook = WebhookChannel("desk-hook", receiver.url, None, client=client, format="json")
        with pytest.raises(DeliveryError) as caught:
            await hook.send("id1", {"type": "alert"})  # contract JSON is not a Slack message
        assert caught.value.retryable is False
        assert "HTTP 400" in caught.value.message
        [request] = receiver.requests
        assert request.status == 400
        assert "no_text" in request.problems[0]
