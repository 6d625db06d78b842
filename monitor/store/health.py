"""Queries for source health: recent publishing of each source and the notified bad states."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from monitor.store.models import Article, SourceHealth
from monitor.store.outbox import insert_notice
from monitor.store.records import HealthChange, SourceActivity, SourceHealthState


def source_activity(
    connection: Connection, sources: Collection[str], *, recent: int
) -> list[SourceActivity]:
    """For each source: its newest article's fetch time and the publishing times of the last few.

    A publishing time is the article's `published` date, or its fetch time without one.
    """
    activity = []
    for source in sorted(sources):
        last = connection.scalar(
            select(func.max(Article.fetched_at)).where(Article.source == source)
        )
        moments = connection.scalars(
            select(func.coalesce(Article.published, Article.fetched_at))
            .where(Article.source == source)
            .order_by(Article.fetched_at.desc(), Article.id.desc())
            .limit(recent)
        ).all()
        activity.append(SourceActivity(source, last, tuple(_aware(m) for m in moments)))
    return activity


def _aware(moment: datetime | str) -> datetime:
    """coalesce() loses the column type on SQLite: parse the stored text back into UTC."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def health_states(connection: Connection) -> list[SourceHealthState]:
    """Every source in a notified bad state."""
    rows = connection.execute(select(SourceHealth).order_by(SourceHealth.source)).all()
    return [SourceHealthState(r.source, r.state, r.since, r.notified_at) for r in rows]


def apply_health_changes(
    connection: Connection, changes: Sequence[HealthChange], *, now: datetime
) -> list[HealthChange]:
    """Record each change whose `before` still holds, with its notice; return those applied."""
    applied = []
    for change in changes:
        if _swap_state(connection, change, now):
            insert_notice(connection, change.notice, now=now)
            applied.append(change)
    return applied


def _swap_state(connection: Connection, change: HealthChange, now: datetime) -> bool:
    """Compare-and-set of one source's state, so that concurrent instances notify once."""
    row = SourceHealth.source == change.source
    if change.before is None:
        if connection.scalar(select(SourceHealth.source).where(row)) is not None:
            return False
        connection.execute(
            insert(SourceHealth).values(
                source=change.source, state=change.after, since=change.since, notified_at=now
            )
        )
        return True
    matches = row & (SourceHealth.state == change.before)
    if change.after is None:
        return connection.execute(delete(SourceHealth).where(matches)).rowcount > 0
    result = connection.execute(
        update(SourceHealth)
        .where(matches)
        .values(state=change.after, since=change.since, notified_at=now)
    )
    return result.rowcount > 0
