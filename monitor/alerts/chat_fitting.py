"""Fit human summaries of alerts into a chat service's limits, never dropping one silently.

Each service refuses a body over its documented limits, so long text is cut after
escaping, and a digest that cannot list every alert lists what fits and ends with
"… and N more alerts".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from monitor.alerts.messages import alert_title, more_alerts_line
from monitor.alerts.sanitize import strip_control_characters

MAX_LINK_TEXT = 200  # characters of a title shown as a link's text
MAX_LINK_URL = 1000  # a longer URL is left out rather than crowd out other alerts
MAX_LINE_TEXT = 500  # characters of a line without a link (a notice's error, say)


def as_is(text: str) -> str:
    return text


ZERO_WIDTH_SPACE = "\u200b"


def inert_markdown(text: str, characters: frozenset[str]) -> str:
    """`text` with a zero-width space after each of `characters` (a service's markdown).

    For services that render markdown in message text and document no escape for
    it: the text reads the same, but article text can no longer pair up into
    emphasis or make a link of its own ("](" never appears).
    """
    return "".join(ch + ZERO_WIDTH_SPACE if ch in characters else ch for ch in text)


def shorten(text: str, limit: int, escape: Callable[[str], str] = as_is) -> str:
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


def fields_of(payload: Mapping[str, Any]) -> dict[str, str]:
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


def is_web(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url) <= MAX_LINK_URL


# --- Fitting many lines into a service's limits ------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What one service lets a summary message hold, in its own unit of cost."""

    boxes: int  # containers the lines may fill (Slack sections, Discord embeds, Teams blocks)
    per_box: int  # cost one container's text may reach
    total: int  # cost all the lines and titles together may reach
    title_in_box: bool = True  # whether a group's title counts against its container
    overhead: int = 0  # cost of opening a container, counted in the total

    def making_room(self, boxes: int, cost: int) -> Limits:
        return replace(self, boxes=self.boxes - boxes, total=self.total - cost)


@dataclass(frozen=True)
class Box:
    """One container of lines; `title` is None when it continues the group before it."""

    title: str | None
    lines: tuple[str, ...]


Group = tuple[str, Sequence[tuple[str, int]]]  # a title and its (line, alerts it reports)


def pack(
    groups: Sequence[Group], limits: Limits, cost: Callable[[str], int]
) -> tuple[list[Box], int]:
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
    return [Box(title, tuple(lines)) for title, lines in boxes], left_out


def fit_groups(
    groups: Sequence[Group], limits: Limits, cost: Callable[[str], int]
) -> tuple[list[Box], int]:
    """As many lines as the limits hold; when some must go, room is kept for the "more" line."""
    boxes, left_out = pack(groups, limits, cost)
    if left_out:
        more = cost(more_alerts_line(10**9)) + limits.overhead
        boxes, left_out = pack(groups, limits.making_room(1, more), cost)
    return boxes, left_out


def chars(text: str) -> int:
    return len(text) + 1  # and the newline that joins it to the next
