"""Microsoft Teams bodies: an Adaptive Card in a message attachment, within 28 KB."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from monitor.alerts.chat_fitting import (
    MAX_LINE_TEXT,
    MAX_LINK_TEXT,
    Limits,
    fields_of,
    fit_groups,
    inert_markdown,
    is_web,
    shorten,
)
from monitor.alerts.messages import Line, Message, more_alerts_line

# Teams refuses a message over 28 KB (learn.microsoft.com, "Create an Incoming Webhook"); some
# tenants refuse less in practice, so bodies are kept well below it.
TEAMS_BUDGET_BYTES = 20_000
_TEXT_BLOCK_OVERHEAD = 100  # bytes of a TextBlock's keys, generously


# Teams renders a TextBlock's markdown (emphasis, lists, links) and documents no escape, so
# article text could show "[Reset your password](https://evil.example)" as a link.
_TEAMS_MARKDOWN = frozenset("*_~`[]#>")


def _teams_escape(text: str) -> str:
    return inert_markdown(text, _TEAMS_MARKDOWN)


def _text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _teams_body(card: dict[str, Any]) -> dict[str, Any]:
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


def _teams_card(body: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }


def _json_bytes(value: object) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def render_teams(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return a Teams (Workflows) webhook body: one Adaptive Card in `attachments`."""
    f = fields_of(payload)
    body: list[dict[str, Any]] = [
        _text_block(shorten(f"[{f['severity']}] {f['rule']}", 300, _teams_escape), weight="Bolder"),
        _text_block(shorten(f["title"], 500, _teams_escape), size="Medium"),
    ]
    if f["summary"]:
        body.append(_text_block(shorten(f["summary"], 2000, _teams_escape)))
    facts = [("source", f["source"]), ("terms", f["terms"]), ("regions", f["regions"])]
    body.append(
        {
            "type": "FactSet",
            "facts": [
                {"title": k, "value": shorten(v or "-", 500, _teams_escape)} for k, v in facts
            ],
        }
    )
    card = _teams_card(body)
    if is_web(f["url"]):
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open article", "url": f["url"]}]
    return _teams_body(card)


def _teams_line(line: Line) -> str:
    if line.url is None or not is_web(line.url):
        return f"- {shorten(line.text, MAX_LINE_TEXT, _teams_escape)}"
    target = line.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    # A bracket in the text of our own link would end it early: shown as a parenthesis instead.
    text = line.text.replace("[", "(").replace("]", ")")
    return f"- [{shorten(text, MAX_LINK_TEXT, _teams_escape)}]({target})"


def teams_message(message: Message) -> dict[str, Any]:
    """A digest, fold or notice as a Teams Adaptive Card: headline, then each group."""
    body = [_text_block(shorten(message.headline, 300, _teams_escape), weight="Bolder")]
    room = TEAMS_BUDGET_BYTES - _json_bytes(_teams_body(_teams_card(body)))
    limits = Limits(
        boxes=1000,
        per_box=room,
        total=room,
        title_in_box=False,
        overhead=2 * _TEXT_BLOCK_OVERHEAD,
    )
    groups = [
        (
            shorten(section.title, 300, _teams_escape),
            [(_teams_line(line), line.alerts) for line in section.lines],
        )
        for section in message.sections
    ]
    boxes, left_out = fit_groups(groups, limits, _json_bytes)
    for box in boxes:
        if box.title is not None:
            body.append(_text_block(box.title))
        body.append(_text_block("\n".join(box.lines)))
    if left_out:
        body.append(_text_block(more_alerts_line(left_out), isSubtle=True))
    return _teams_body(_teams_card(body))
