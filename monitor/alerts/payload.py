"""Build the contract's webhook JSON body for one alert: the single record every channel renders."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any


def new_alert_id() -> str:
    """Return a fresh alert id (uuid4 hex): the stable `webhook-id` and Message-ID seed."""
    return uuid.uuid4().hex


def format_utc(moment: datetime) -> str:
    """Format an aware datetime as the contract's `YYYY-MM-DDTHH:MM:SSZ` (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_alert_payload(
    *,
    alert_id: str,
    created_at: datetime,
    rule: str,
    severity: str,
    source: str,
    url: str,
    title: str,
    summary: str,
    published: datetime | None,
    language: str | None,
    terms: Iterable[str],
    regions: Iterable[str],
    snippets: Iterable[str],
    places: Iterable[str] = (),
    story_id: int | None = None,
) -> dict[str, Any]:
    """Return the webhook delivery contract's JSON object; `story` appears only when given.

    `matched.places` extends the contract: the places behind `matched.regions`, as
    "Dushanbe -> Tajikistan (capital)" lines, so a reader sees why a region matched.
    """
    payload: dict[str, Any] = {
        "type": "alert",
        "id": alert_id,
        "created_at": format_utc(created_at),
        "rule": {"name": rule, "severity": severity},
        "article": {
            "url": url,
            "title": title,
            "source": source,
            "published_at": format_utc(published) if published is not None else None,
            "summary": summary,
            "language": language,
        },
        "matched": {
            "terms": list(terms),
            "regions": list(regions),
            "snippets": list(snippets),
            "places": list(places),
        },
    }
    if story_id is not None:
        payload["story"] = {"id": story_id}
    return payload


def update_payload(alert_payload: dict[str, Any], *, alert_id: str, sources: int) -> dict[str, Any]:
    """The follow-up of an alert whose story grew: `"type": "update"`, `story.sources` = N.

    Every channel renders it as "story grew: N sources" before the article's title.
    """
    story = alert_payload.get("story")
    return {
        **alert_payload,
        "type": "update",
        "id": alert_id,
        "story": {**(story if isinstance(story, dict) else {}), "sources": sources},
    }
