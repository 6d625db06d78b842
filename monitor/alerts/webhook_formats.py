"""Render the contract's alert JSON into the body each webhook `format` expects.

`json` is the contract itself. Chat formats are summaries for humans; article text is
untrusted, so each is escaped for its platform's markup and mentions are disabled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from monitor.alerts.messages import Message, alert_title, message_for
from monitor.alerts.sanitize import strip_control_characters

WEBHOOK_FORMATS = ("json", "slack", "discord", "teams")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fields(payload: Mapping[str, Any]) -> dict[str, str]:
    """Pull the human-facing strings out of the payload, one line each where it matters."""
    rule = payload.get("rule") or {}
    article = payload.get("article") or {}
    matched = payload.get("matched") or {}
    return {
        "rule": strip_control_characters(str(rule.get("name", ""))),
        "severity": strip_control_characters(str(rule.get("severity", ""))),
        "title": alert_title(payload),
        "url": strip_control_characters(str(article.get("url", ""))),
        "source": strip_control_characters(str(article.get("source", ""))),
        "summary": str(article.get("summary") or "").strip(),
        "published_at": str(article.get("published_at") or ""),
        "terms": ", ".join(strip_control_characters(str(t)) for t in matched.get("terms", [])),
        "regions": ", ".join(strip_control_characters(str(r)) for r in matched.get("regions", [])),
    }


def _slack_escape(text: str) -> str:
    # https://api.slack.com/reference/surfaces/formatting#escaping
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link_target(url: str) -> str:
    return url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")


def render_slack(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return a Slack incoming-webhook body: fallback `text` plus Block Kit `blocks`."""
    f = _fields(payload)
    headline = f"[{f['severity']}] {f['rule']}: {f['title']}"
    link = f"<{_slack_link_target(f['url'])}|{_slack_escape(_shorten(f['title'], 200))}>"
    details = f"*{_slack_escape(f['severity'])}* · rule *{_slack_escape(f['rule'])}* · {link}"
    lines = [details]
    if f["summary"]:
        lines.append(_slack_escape(_shorten(f["summary"], 2000)))
    if f["terms"] or f["regions"]:
        lines.append(_slack_escape(f"terms: {f['terms']}  regions: {f['regions']}"))
    return {
        "text": _slack_escape(_shorten(headline, 300)),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}}],
    }


def render_discord(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return a Discord webhook body: short `content` plus one embed; no mentions ever ping."""
    f = _fields(payload)
    embed: dict[str, Any] = {
        "title": _shorten(f["title"], 256),
        "description": _shorten(f["summary"], 4096),
        "fields": [
            {"name": "rule", "value": _shorten(f["rule"] or "-", 1024), "inline": True},
            {"name": "severity", "value": _shorten(f["severity"] or "-", 1024), "inline": True},
            {"name": "terms", "value": _shorten(f["terms"] or "-", 1024), "inline": False},
            {"name": "regions", "value": _shorten(f["regions"] or "-", 1024), "inline": False},
        ],
    }
    if f["url"].startswith(("http://", "https://")):
        embed["url"] = f["url"]
    if f["published_at"]:
        embed["timestamp"] = f["published_at"]
    return {
        "content": _shorten(f"[{f['severity']}] {f['rule']}: {f['title']}", 2000),
        "embeds": [embed],
        # Article text may contain @everyone or role mentions: never let it ping anyone.
        "allowed_mentions": {"parse": []},
    }


def render_teams(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return a Teams (Workflows) webhook body: one Adaptive Card in `attachments`."""
    f = _fields(payload)
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": _shorten(f"[{f['severity']}] {f['rule']}", 300),
            "weight": "Bolder",
            "wrap": True,
        },
        {"type": "TextBlock", "text": _shorten(f["title"], 500), "size": "Medium", "wrap": True},
    ]
    if f["summary"]:
        body.append({"type": "TextBlock", "text": _shorten(f["summary"], 2000), "wrap": True})
    body.append(
        {
            "type": "FactSet",
            "facts": [
                {"title": "source", "value": f["source"] or "-"},
                {"title": "terms", "value": f["terms"] or "-"},
                {"title": "regions", "value": f["regions"] or "-"},
            ],
        }
    )
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if f["url"].startswith(("http://", "https://")):
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open article", "url": f["url"]}]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def _render_json(payload: Mapping[str, Any]) -> dict[str, Any]:
    return dict(payload)


def slack_message(message: Message) -> dict[str, Any]:
    """A digest, fold or notice as a Slack body: the headline and one section per group."""

    def link(text: str, url: str) -> str:
        return f"<{_slack_link_target(url)}|{_slack_escape(_shorten(text, 200))}>"

    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _shorten(message.headline, 150)}}
    ]
    for section in message.sections:
        lines = [f"*{_slack_escape(section.title)}*"]
        lines += [
            f"• {link(line.text, line.url) if line.url else _slack_escape(line.text)}"
            for line in section.lines
        ]
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": _shorten("\n".join(lines), 3000)},
            }
        )
    return {"text": _slack_escape(_shorten(message.headline, 300)), "blocks": blocks[:50]}


def _discord_escape(text: str) -> str:
    return "".join(f"\\{ch}" if ch in "\\*_~`|>[]()" else ch for ch in text)


def discord_message(message: Message) -> dict[str, Any]:
    """A digest, fold or notice as a Discord body: one embed per group (at most ten)."""
    embeds = []
    for section in message.sections[:10]:
        lines = [
            f"• [{_discord_escape(_shorten(line.text, 200))}]({line.url})"
            if line.url
            else f"• {_discord_escape(line.text)}"
            for line in section.lines
        ]
        embeds.append(
            {"title": _shorten(section.title, 256), "description": _shorten("\n".join(lines), 4096)}
        )
    return {
        "content": _shorten(message.headline, 2000),
        "embeds": embeds,
        "allowed_mentions": {"parse": []},
    }


def teams_message(message: Message) -> dict[str, Any]:
    """A digest, fold or notice as a Teams Adaptive Card: headline, then each group."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": _shorten(message.headline, 300),
            "weight": "Bolder",
            "wrap": True,
        }
    ]
    for section in message.sections:
        body.append({"type": "TextBlock", "text": _shorten(section.title, 300), "wrap": True})
        lines = [
            f"- [{_shorten(line.text, 200)}]({line.url})" if line.url else f"- {line.text}"
            for line in section.lines
        ]
        body.append({"type": "TextBlock", "text": _shorten("\n".join(lines), 5000), "wrap": True})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


Renderer = Callable[[Mapping[str, Any]], dict[str, Any]]


def _chat(alert: Renderer, summary: Callable[[Message], dict[str, Any]]) -> Renderer:
    """A chat renderer: alerts and updates one way, digests, folds and notices the other."""

    def render(payload: Mapping[str, Any]) -> dict[str, Any]:
        message = message_for(payload)
        return alert(payload) if message is None else summary(message)

    return render


_RENDERERS: dict[str, Renderer] = {
    "json": _render_json,
    "slack": _chat(render_slack, slack_message),
    "discord": _chat(render_discord, discord_message),
    "teams": _chat(render_teams, teams_message),
}


def renderer_for(webhook_format: str) -> Renderer:
    """Return the body renderer for a format; an unknown format is a ValueError naming it."""
    try:
        return _RENDERERS[webhook_format]
    except KeyError:
        known = ", ".join(WEBHOOK_FORMATS)
        raise ValueError(f"unknown webhook format {webhook_format!r} (one of {known})") from None
