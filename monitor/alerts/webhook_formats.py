"""Render the contract's alert JSON into the body each webhook `format` expects.

`json` is the contract itself. Chat formats are summaries for humans; article text is
untrusted, so each is escaped for its platform's markup and mentions are disabled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

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
        "title": strip_control_characters(str(article.get("title") or "(untitled)")),
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


_RENDERERS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "json": _render_json,
    "slack": render_slack,
    "discord": render_discord,
    "teams": render_teams,
}


def renderer_for(webhook_format: str) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """Return the body renderer for a format; an unknown format is a ValueError naming it."""
    try:
        return _RENDERERS[webhook_format]
    except KeyError:
        known = ", ".join(WEBHOOK_FORMATS)
        raise ValueError(f"unknown webhook format {webhook_format!r} (one of {known})") from None
