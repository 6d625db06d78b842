"""Discord webhook bodies: `content` plus embeds, markdown escaped, mentions disabled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.alerts.chat_fitting import (
    MAX_LINE_TEXT,
    Limits,
    chars,
    fields_of,
    fit_groups,
    is_web,
    shorten,
)
from monitor.alerts.messages import Message, more_alerts_line

# https://discord.com/developers/docs/resources/message#embed-object-embed-limits
DISCORD_CONTENT = 2000
DISCORD_EMBED_TOTAL = 6000
DISCORD_LIMITS = Limits(boxes=10, per_box=4096, total=DISCORD_EMBED_TOTAL, title_in_box=False)
DISCORD_LINK_TEXT = 100  # 6000 characters for a whole digest: shorter titles, more alerts


def _discord_escape(text: str) -> str:
    return "".join(f"\\{ch}" if ch in "\\*_~`|>[]()#<" else ch for ch in text)


def _discord_link(text: str, url: str | None) -> str:
    if url is None or not is_web(url):
        return shorten(text, MAX_LINE_TEXT, _discord_escape)
    target = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{shorten(text, DISCORD_LINK_TEXT, _discord_escape)}]({target})"


def render_discord(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return a Discord webhook body: short `content` plus one embed; no mentions ever ping."""
    f = fields_of(payload)
    fields = [
        {"name": name, "value": shorten(value or "-", limit, _discord_escape), "inline": inline}
        for name, value, limit, inline in (
            ("rule", f["rule"], 200, True),
            ("severity", f["severity"], 50, True),
            ("terms", f["terms"], 1024, False),
            ("regions", f["regions"], 1024, False),
        )
    ]
    embed: dict[str, Any] = {"title": shorten(f["title"], 256)}
    counted = len(embed["title"]) + sum(len(x["name"]) + len(x["value"]) for x in fields)
    if f["summary"]:
        room = min(4096, DISCORD_EMBED_TOTAL - counted)
        embed["description"] = shorten(f["summary"], room, _discord_escape)
    embed["fields"] = fields
    if is_web(f["url"]):
        embed["url"] = f["url"]
    if f["published_at"]:
        embed["timestamp"] = f["published_at"]
    headline = f"[{f['severity']}] {f['rule']}: {f['title']}"
    return {
        "content": shorten(headline, DISCORD_CONTENT, _discord_escape),
        "embeds": [embed],
        # Article text may contain @everyone or role mentions: never let it ping anyone.
        "allowed_mentions": {"parse": []},
    }


def discord_message(message: Message) -> dict[str, Any]:
    """A digest, fold or notice as a Discord body: embeds for each group, within 6000 characters."""
    groups = [
        (
            shorten(section.title, 256),
            [(f"• {_discord_link(line.text, line.url)}", line.alerts) for line in section.lines],
        )
        for section in message.sections
    ]
    boxes, left_out = fit_groups(groups, DISCORD_LIMITS, chars)
    embeds: list[dict[str, Any]] = []
    for box in boxes:
        embed = {"description": "\n".join(box.lines)}
        embeds.append(embed if box.title is None else {"title": box.title, **embed})
    if left_out:
        embeds.append({"description": more_alerts_line(left_out)})
    return {
        "content": shorten(message.headline, DISCORD_CONTENT, _discord_escape),
        "embeds": embeds,
        "allowed_mentions": {"parse": []},
    }
