"""Queries on silences: add, end and list them, and tell whether one holds an alert."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from monitor.store.models import Silence
from monitor.store.records import SilenceView

RULE, STORY = "rule", "story"


def add_silence(
    connection: Connection,
    *,
    target_kind: str,
    target: str,
    reason: str | None,
    now: datetime,
    ends_at: datetime,
) -> SilenceView:
    """Store a new silence and return it with its id."""
    if target_kind not in (RULE, STORY):
        raise ValueError(f"a silence targets a rule or a story, not {target_kind!r}")
    silence_id = connection.execute(
        insert(Silence)
        .values(
            target_kind=target_kind, target=target, reason=reason, created_at=now, ends_at=ends_at
        )
        .returning(Silence.id)
    ).scalar_one()
    return SilenceView(silence_id, target_kind, target, reason, now, ends_at)


def end_silence(connection: Connection, silence_id: int, *, now: datetime) -> bool:
    """End an active silence now (kept as history); False if there is no such active silence."""
    result = connection.execute(
        update(Silence).where(Silence.id == silence_id, Silence.ends_at > now).values(ends_at=now)
    )
    return result.rowcount > 0


def active_silences(connection: Connection, now: datetime) -> list[SilenceView]:
    """Silences that hold at `now`, the soonest to end first."""
    rows = connection.execute(
        select(Silence).where(Silence.ends_at > now).order_by(Silence.ends_at, Silence.id)
    ).all()
    return [
        SilenceView(row.id, row.target_kind, row.target, row.reason, row.created_at, row.ends_at)
        for row in rows
    ]


def silenced_by(
    silences: Sequence[SilenceView], rule: str, story_id: int | None
) -> SilenceView | None:
    """The first silence that holds an alert of `rule` about story `story_id`, if any."""
    for silence in silences:
        if silence.target_kind == RULE and silence.target == rule:
            return silence
        if silence.target_kind == STORY and silence.target == str(story_id):
            return silence
    return None
