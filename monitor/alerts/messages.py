"""Human wording of the outbox messages that are not one alert: digests, updates, folds, notices.

One place decides the words, so email, chat formats and the console say the same thing.
Every string comes out one line, without control characters (payload text is untrusted).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.alerts.payload import format_utc
from monitor.alerts.sanitize import strip_control_characters


@dataclass(frozen=True)
class Line:
    """One line of a message, with the link it stands for (only http(s) links are kept).

    `alerts` is how many alerts the line reports (a fold reports all it folded), so a
    channel that must leave lines out can say how many alerts it left out.
    """

    text: str
    url: str | None = None
    alerts: int = 1


@dataclass(frozen=True)
class Section:
    """A titled group of lines (a digest's rule, a notice's details)."""

    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Message:
    """A message in words: the headline (email subject, chat title) and its sections."""

    headline: str
    sections: tuple[Section, ...]


def _clean(value: object) -> str:
    return " ".join(strip_control_characters(str(value or "")).split())


def _web(url: object) -> str | None:
    text = _clean(url)
    return text if text.lower().startswith(("http://", "https://")) else None


def payload_type(payload: Mapping[str, Any]) -> str:
    return str(payload.get("type") or "alert")


def story_sources(payload: Mapping[str, Any]) -> int:
    story = payload.get("story") or {}
    try:
        return int(story.get("sources") or 0)
    except (TypeError, ValueError):
        return 0


def alert_title(payload: Mapping[str, Any]) -> str:
    """An alert's title; an update's is prefixed `story grew: N sources`."""
    title = _clean((payload.get("article") or {}).get("title")) or "(untitled)"
    if payload_type(payload) == "update":
        return f"story grew: {story_sources(payload)} sources: {title}"
    return title


def item_line(payload: Mapping[str, Any]) -> Line:
    """One alert, update or fold as a line of a digest."""
    kind = payload_type(payload)
    if kind == "folded":
        return Line(fold_headline(payload), alerts=max(1, fold_count(payload)))
    article = payload.get("article") or {}
    severity = _clean((payload.get("rule") or {}).get("severity"))
    source = _clean(article.get("source"))
    text = f"[{severity}] {alert_title(payload)}" + (f" ({source})" if source else "")
    others = story_sources(payload) - 1
    if kind == "alert" and others > 0:
        text += f", also reported by {others} source{'' if others == 1 else 's'}"
    return Line(text, _web(article.get("url")))


def fold_count(payload: Mapping[str, Any]) -> int:
    try:
        return int(payload.get("count") or 0)
    except (TypeError, ValueError):
        return 0


def fold_headline(payload: Mapping[str, Any]) -> str:
    rule = _clean((payload.get("rule") or {}).get("name"))
    return f"{fold_count(payload)} more alerts for {rule}"


def more_alerts_line(count: int) -> str:
    """The last line of a message that a service's size limits kept from listing every alert."""
    return f"… and {count} more alert{'' if count == 1 else 's'} (see `monitor alerts`)"


def fold_message(payload: Mapping[str, Any]) -> Message:
    window = payload.get("window") or {}
    detail = (
        f"rule over its limit of {payload.get('limit')} alerts between "
        f"{_clean(window.get('start'))} and {_clean(window.get('end'))}; "
        "they are listed by `monitor alerts`"
    )
    return Message(fold_headline(payload), (Section("throttled", (Line(detail),)),))


NOTICE_HEADLINES = {
    "source.failing": "source {source} is failing",
    "source.silent": "source {source} is silent",
    "source.recovered": "source {source} recovered",
    "channel.disabled": "channel {channel} disabled",
}


def notice_message(payload: Mapping[str, Any]) -> Message:
    """A notice about a source or a channel: headline and its details."""
    event = _clean(payload.get("event"))
    template = NOTICE_HEADLINES.get(event, event + " {source}{channel}")
    headline = template.format(
        source=_clean(payload.get("source")), channel=_clean(payload.get("channel"))
    )
    details = [
        Line(f"{key}: {_clean(payload.get(key))}")
        for key in ("event", "source", "channel", "since", "error", "usual_interval", "detail")
        if payload.get(key)
    ]
    return Message(headline, (Section("details", tuple(details)),))


def digest_groups(payload: Mapping[str, Any]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """A digest's items grouped by rule, rules in order of first appearance."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for item in payload.get("alerts") or []:
        rule = _clean((item.get("rule") or {}).get("name"))
        groups.setdefault(rule, []).append(item)
    return list(groups.items())


def digest_count(payload: Mapping[str, Any]) -> int:
    """How many alerts a digest reports: a fold counts as the alerts it folded."""
    total = 0
    for item in payload.get("alerts") or []:
        total += int(item.get("count") or 0) if payload_type(item) == "folded" else 1
    return total


def digest_message(payload: Mapping[str, Any]) -> Message:
    """`<n> alerts for <rule or channel>`, then one section per rule."""
    groups = digest_groups(payload)
    subject = groups[0][0] if len(groups) == 1 else _clean(payload.get("channel"))
    count = digest_count(payload)
    headline = f"{count} alert{'' if count == 1 else 's'} for {subject}"
    sections = tuple(
        Section(f"{rule} ({len(items)})", tuple(item_line(item) for item in items))
        for rule, items in groups
    )
    return Message(headline, sections)


def message_for(payload: Mapping[str, Any]) -> Message | None:
    """The wording of a digest, fold or notice; None for an alert or update (rendered as one)."""
    kind = payload_type(payload)
    if kind == "digest":
        return digest_message(payload)
    if kind == "folded":
        return fold_message(payload)
    if kind == "notice":
        return notice_message(payload)
    return None


def build_digest_payload(
    *,
    channel: str,
    start: datetime,
    end: datetime,
    alerts: Sequence[Mapping[str, Any]],
    alert_ids: Iterable[str],
) -> dict[str, Any]:
    """The JSON of one digest: `{"type": "digest", "channel", "period", "alerts"}` plus its id."""
    return {
        "type": "digest",
        "id": digest_id(channel, alert_ids),
        "channel": channel,
        "period": {"start": format_utc(start), "end": format_utc(end)},
        "alerts": [dict(alert) for alert in alerts],
    }


def digest_id(channel: str, alert_ids: Iterable[str]) -> str:
    """Stable for the same alerts, so a retried digest keeps its webhook-id and Message-ID."""
    key = "\x00".join([channel, *sorted(alert_ids)]).encode()
    return "digest" + hashlib.sha256(key).hexdigest()[:26]


def build_notice_payload(
    *, notice_id: str, event: str, created_at: datetime, **fields: Any
) -> dict[str, Any]:
    """`{"type": "notice", "event": ..., ...}`; datetimes among the fields become UTC text."""
    payload: dict[str, Any] = {
        "type": "notice",
        "id": notice_id,
        "event": event,
        "created_at": format_utc(created_at),
    }
    for key, value in fields.items():
        payload[key] = format_utc(value) if isinstance(value, datetime) else value
    return payload
