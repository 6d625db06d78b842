"""Slack incoming-webhook bodies: `text` plus Block Kit `blocks`, escaped for mrkdwn."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.alerts.chat_fitting import (
    MAX_LINE_TEXT,
    MAX_LINK_TEXT,
    Box,
    Limits,
    chars,
    fields_of,
    fit_groups,
    inert_markdown,
    is_web,
    shorten,
)
from monitor.alerts.messages import Message, more_alerts_line

# Slack escapes only &, < and > (https://api.slack.com/reference/surfaces/formatting#escaping);
# its emphasis, strike and code marks have no escape, so they are made inert instead.
_SLACK_MARKDOWN = frozenset("*_~`")


def _slack_entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_escape(text: str) -> str:
    """Escape text that comes from articles or the config: shown as written, never formatted."""
    return inert_markdown(_slack_entities(text), _SLACK_MARKDOWN)


def _slack_link_target(url: str) -> str:
    return url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")


def _slack_link(text: str, url: str | None) -> str:
    if url is None or not is_web(url):
        return shorten(text, MAX_LINE_TEXT, _slack_escape)
    return f"<{_slack_link_target(url)}|{shorten(text, MAX_LINK_TEXT, _slack_escape)}>"


def _slack_section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def render_slack(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return a Slack incoming-webhook body: fallback `text` plus Block Kit `blocks`."""
    f = fields_of(payload)
    headline = f"[{f['severity']}] {f['rule']}: {f['title']}"
    details = (
        f"*{shorten(f['severity'], 50, _slack_escape)}* · "
        f"rule *{shorten(f['rule'], 200, _slack_escape)}* · {_slack_link(f['title'], f['url'])}"
    )
    blocks = [_slack_section(details)]
    if f["summary"]:
        blocks.append(_slack_section(shorten(f["summary"], SLACK_SECTION, _slack_escape)))
    if f["terms"] or f["regions"]:
        why = f"terms: {f['terms']}  regions: {f['regions']}"
        blocks.append(_slack_section(shorten(why, SLACK_SECTION, _slack_escape)))
    return {"text": shorten(headline, 300, _slack_escape), "blocks": blocks}


# Block Kit: 50 blocks a message, 3000 characters a section, 150 a header
# (https://api.slack.com/reference/block-kit/blocks); 40,000 characters is the most Slack keeps of
# a message's text (https://api.slack.com/methods/chat.postMessage#truncating), a sane whole.
SLACK_SECTION = 3000
SLACK_LIMITS = Limits(boxes=50 - 1, per_box=SLACK_SECTION, total=40_000)


def slack_message(message: Message) -> dict[str, Any]:
    """A digest, fold or notice as a Slack body: the headline and sections for each group."""
    groups = [
        (
            f"*{shorten(section.title, 200, _slack_escape)}*",
            [(f"• {_slack_link(line.text, line.url)}", line.alerts) for line in section.lines],
        )
        for section in message.sections
    ]
    boxes, left_out = fit_groups(groups, SLACK_LIMITS, chars)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": shorten(message.headline, 150)}}
    ]
    blocks += [_slack_section("\n".join(_titled(box))) for box in boxes]
    if left_out:
        blocks.append(_slack_section(_slack_entities(more_alerts_line(left_out))))
    return {"text": shorten(message.headline, 300, _slack_escape), "blocks": blocks}


def _titled(box: Box) -> list[str]:
    return [box.title, *box.lines] if box.title is not None else list(box.lines)
