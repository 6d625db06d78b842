"""Render the contract's alert JSON into the body each webhook `format` expects.

`json` is the contract itself. Chat formats are summaries for humans; article text is
untrusted, so each is escaped for its platform's markup and mentions are disabled. Each
service refuses a body over its documented limits, so every body is fitted to them: long
text is cut, and a digest that cannot list every alert lists what fits and ends with
"… and N more alerts" rather than dropping any silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from monitor.alerts.messages import Line, Message, alert_title, message_for, more_alerts_line
from monitor.alerts.sanitize import strip_control_characters

WEBHOOK_FORMATS = ("json", "slack", "discord", "teams")
MAX_LINK_TEXT = 200  # characters of a title shown as a link's text
MAX_LINK_URL = 1000  # a longer URL is left out rather than crowd out other alerts
MAX_LINE_TEXT = 500  # characters of a line without a link (a notice's error, say)


def _as_is(text: str) -> str:
    return text


def _shorten(text: str, limit: int, escape: Callable[[str], str] = _as_is) -> str:
    """`escape(text)` in at most `limit` characters, cut between escapes and marked with `…`.

    Services count the characters they receive, so the limit applies after escaping
    (`<` is four characters in Slack); cutting the raw text keeps entities whole.
    """
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    kept: list[str] = []
    used = 1  # the ellipsis
    for char in text:
        piece = escape(char)
        if used + len(piece) > limit:
            break
        kept.append(piece)
        used += len(piece)
    return "".join(kept).rstrip() + "…"


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


def _is_web(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url) <= MAX_LINK_URL


# --- Fitting many lines into a service's limits ------------------------------------------------


@dataclass(frozen=True)
class _Limits:
    """What one service lets a summary message hold, in its own unit of cost."""

    boxes: int  # containers the lines may fill (Slack sections, Discord embeds, Teams blocks)
    per_box: int  # cost one container's text may reach
    total: int  # cost all the lines and titles together may reach
    title_in_box: bool = True  # whether a group's title counts against its container
    overhead: int = 0  # cost of opening a container, counted in the total

    def making_room(self, boxes: int, cost: int) -> _Limits:
        return replace(self, boxes=self.boxes - boxes, total=self.total - cost)


@dataclass(frozen=True)
class _Box:
    """One container of lines; `title` is None when it continues the group before it."""

    title: str | None
    lines: tuple[str, ...]


_Group = tuple[str, Sequence[tuple[str, int]]]  # a title and its (line, alerts it reports)


def _pack(
    groups: Sequence[_Group], limits: _Limits, cost: Callable[[str], int]
) -> tuple[list[_Box], int]:
    """Fill containers in order until a line does not fit; count the alerts of the rest."""
    boxes: list[tuple[str | None, list[str]]] = []
    used = box_used = left_out = 0
    full = False
    for title, lines in groups:
        opened = False
        for text, alerts in lines:
            need = cost(text)
            if full:
                left_out += alerts
            elif opened and box_used + need <= limits.per_box and used + need <= limits.total:
                boxes[-1][1].append(text)
                box_used += need
                used += need
            else:
                head = None if opened else title
                head_cost = cost(head) if head is not None else 0
                in_box = need + (head_cost if limits.title_in_box else 0)
                in_total = need + head_cost + limits.overhead
                if (
                    len(boxes) < limits.boxes
                    and in_box <= limits.per_box
                    and used + in_total <= limits.total
                ):
                    boxes.append((head, [text]))
                    box_used, used, opened = in_box, used + in_total, True
                else:
                    full = True
                    left_out += alerts
    return [_Box(title, tuple(lines)) for title, lines in boxes], left_out


def _fit_groups(
    groups: Sequence[_Group], limits: _Limits, cost: Callable[[str], int]
) -> tuple[list[_Box], int]:
    """As many lines as the limits hold; when some must go, room is kept for the "more" line."""
    boxes, left_out = _pack(groups, limits, cost)
    if left_out:
        more = cost(more_alerts_line(10**9)) + limits.overhead
        boxes, left_out = _pack(groups, limits.making_room(1, more), cost)
    return boxes, left_out


def _chars(text: str) -> int:
    return len(text) + 1  # and the newline that joins it to the next


# --- Slack -----------------------------------------------------------------------------------


def _slack_escape(text: str) -> str:
    # https://api.slack.com/reference/surfaces/formatting#escaping
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link_target(url: str) -> str:
    return url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")


def _slack_link(text: str, url: str | None) -> str:
    if url is None or not _is_web(url):
        return _shorten(text, MAX_LINE_TEXT, _slack_escape)
    return f"<{_slack_link_target(url)}|{_shorten(text, MAX_LINK_TEXT, _slack_escape)}>"


def _slack_section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def render_slack(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return a Slack incoming-webhook body: fallback `text` plus Block Kit `blocks`."""
    f = _fields(payload)
    headline = f"[{f['severity']}] {f['rule']}: {f['title']}"
    details = (
        f"*{_shorten(f['severity'], 50, _slack_escape)}* · "
        f"rule *{_shorten(f['rule'], 200, _slack_escape)}* · {_slack_link(f['title'], f['url'])}"
    )
    blocks = [_slack_section(details)]
    if f["summary"]:
        blocks.append(_slack_section(_shorten(f["summary"], SLACK_SECTION, _slack_escape)))
    if f["terms"] or f["regions"]:
        why = f"terms: {f['terms']}  regions: {f['regions']}"
        blocks.append(_slack_section(_shorten(why, SLACK_SECTION, _slack_escape)))
    return {"text": _shorten(headline, 300, _slack_escape), "blocks": blocks}


# Block Kit: 50 blocks a message, 3000 characters a section, 150 a header
# (https://api.slack.com/reference/block-kit/blocks); 40,000 characters is the most Slack keeps of
# a message's text (https://api.slack.com/methods/chat.postMessage#truncating), a sane whole.
SLACK_SECTION = 3000
SLACK_LIMITS = _Limits(boxes=50 - 1, per_box=SLACK_SECTION, total=40_000)


def slack_message(message: Message) -> dict[str, Any]:
    """A digest, fold or notice as a Slack body: the headline and sections for each group."""
    groups = [
        (
            f"*{_shorten(section.title, 200, _slack_escape)}*",
            [(f"• {_slack_link(line.text, line.url)}", line.alerts) for line in section.lines],
        )
        for section in message.sections
    ]
    boxes, left_out = _fit_groups(groups, SLACK_LIMITS, _chars)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _shorten(message.headline, 150)}}
    ]
    blocks += [_slack_section("\n".join(_titled(box))) for box in boxes]
    if left_out:
        blocks.append(_slack_section(_slack_escape(more_alerts_line(left_out))))
    return {"text": _shorten(message.headline, 300, _slack_escape), "blocks": blocks}


def _titled(box: _Box) -> list[str]:
    return [box.title, *box.lines] if box.title is not None else list(box.lines)


# --- Discord ---------------------------------------------------------------------------------

# https://discord.com/developers/docs/resources/message#embed-object-embed-limits
DISCORD_CONTENT = 2000
DISCORD_EMBED_TOTAL = 6000
DISCORD_LIMITS = _Limits(boxes=10, per_box=4096, total=DISCORD_EMBED_TOTAL, title_in_box=False)
DISCORD_LINK_TEXT = 100  # 6000 characters for a whole digest: shorter titles, more alerts


def _discord_escape(text: str) -> str:
    return "".join(f"\\{ch}" if ch in "\\*_~`|>[]()#<" else ch for ch in text)


def _discord_link(text: str, url: str | None) -> str:
    if url is None or not _is_web(url):
        return _shorten(text, MAX_LINE_TEXT, _discord_escape)
    target = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{_shorten(text, DISCORD_LINK_TEXT, _discord_escape)}]({target})"


def render_discord(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return a Discord webhook body: short `content` plus one embed; no mentions ever ping."""
    f = _fields(payload)
    fields = [
        {"name": name, "value": _shorten(value or "-", limit, _discord_escape), "inline": inline}
        for name, value, limit, inline in (
            ("rule", f["rule"], 200, True),
            ("severity", f["severity"], 50, True),
            ("terms", f["terms"], 1024, False),
            ("regions", f["regions"], 1024, False),
        )
    ]
    embed: dict[str, Any] = {"title": _shorten(f["title"], 256)}
    counted = len(embed["title"]) + sum(len(x["name"]) + len(x["value"]) for x in fields)
    if f["summary"]:
        room = min(4096, DISCORD_EMBED_TOTAL - counted)
        embed["description"] = _shorten(f["summary"], room, _discord_escape)
    embed["fields"] = fields
    if _is_web(f["url"]):
        embed["url"] = f["url"]
    if f["published_at"]:
        embed["timestamp"] = f["published_at"]
    headline = f"[{f['severity']}] {f['rule']}: {f['title']}"
    return {
        "content": _shorten(headline, DISCORD_CONTENT, _discord_escape),
        "embeds": [embed],
        # Article text may contain @everyone or role mentions: never let it ping anyone.
        "allowed_mentions": {"parse": []},
    }


def discord_message(message: Message) -> dict[str, Any]:
    """A digest, fold or notice as a Discord body: embeds for each group, within 6000 characters."""
    groups = [
        (
            _shorten(section.title, 256),
            [(f"• {_discord_link(line.text, line.url)}", line.alerts) for line in section.lines],
        )
        for section in message.sections
    ]
    boxes, left_out = _fit_groups(groups, DISCORD_LIMITS, _chars)
    embeds: list[dict[str, Any]] = []
    for box in boxes:
        embed = {"description": "\n".join(box.lines)}
        embeds.append(embed if box.title is None else {"title": box.title, **embed})
    if left_out:
        embeds.append({"description": more_alerts_line(left_out)})
    return {
        "content": _shorten(message.headline, DISCORD_CONTENT, _discord_escape),
        "embeds": embeds,
        "allowed_mentions": {"parse": []},
    }


# --- Microsoft Teams -------------------------------------------------------------------------

# Teams refuses a message over 28 KB (learn.microsoft.com, "Create an Incoming Webhook"); some
# tenants refuse less in practice, so bodies are kept well below it.
TEAMS_BUDGET_BYTES = 20_000
_TEXT_BLOCK_OVERHEAD = 100  # bytes of a TextBlock's keys, generously


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
    f = _fields(payload)
    body: list[dict[str, Any]] = [
        _text_block(_shorten(f"[{f['severity']}] {f['rule']}", 300), weight="Bolder"),
        _text_block(_shorten(f["title"], 500), size="Medium"),
    ]
    if f["summary"]:
        body.append(_text_block(_shorten(f["summary"], 2000)))
    facts = [("source", f["source"]), ("terms", f["terms"]), ("regions", f["regions"])]
    body.append(
        {
            "type": "FactSet",
            "facts": [{"title": k, "value": _shorten(v or "-", 500)} for k, v in facts],
        }
    )
    card = _teams_card(body)
    if _is_web(f["url"]):
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open article", "url": f["url"]}]
    return _teams_body(card)


def _teams_line(line: Line) -> str:
    if line.url is None or not _is_web(line.url):
        return f"- {_shorten(line.text, MAX_LINE_TEXT)}"
    target = line.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"- [{_shorten(line.text, MAX_LINK_TEXT)}]({target})"


def teams_message(message: Message) -> dict[str, Any]:
    """A digest, fold or notice as a Teams Adaptive Card: headline, then each group."""
    body = [_text_block(_shorten(message.headline, 300), weight="Bolder")]
    room = TEAMS_BUDGET_BYTES - _json_bytes(_teams_body(_teams_card(body)))
    limits = _Limits(
        boxes=1000,
        per_box=room,
        total=room,
        title_in_box=False,
        overhead=2 * _TEXT_BLOCK_OVERHEAD,
    )
    groups = [
        (_shorten(section.title, 300), [(_teams_line(line), line.alerts) for line in section.lines])
        for section in message.sections
    ]
    boxes, left_out = _fit_groups(groups, limits, _json_bytes)
    for box in boxes:
        if box.title is not None:
            body.append(_text_block(box.title))
        body.append(_text_block("\n".join(box.lines)))
    if left_out:
        body.append(_text_block(more_alerts_line(left_out), isSubtle=True))
    return _teams_body(_teams_card(body))


def _render_json(payload: Mapping[str, Any]) -> dict[str, Any]:
    return dict(payload)


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
