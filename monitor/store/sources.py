"""Queries on `sources`: keep the table in step with the config, claim due sources, record polls."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select, update

from monitor.store.dialects import insert_ignoring_conflicts
from monitor.store.models import Source
from monitor.store.records import SourceSpec, SourceState

log = logging.getLogger(__name__)


def sync_sources(connection: Connection, specs: Sequence[SourceSpec], now: datetime) -> None:
    """Add new sources (due now), update changed ones keeping poll state, deactivate the rest."""
    existing = {row.name: row for row in connection.execute(select(Source)).all()}
    for spec in specs:
        row = existing.get(spec.name)
        if row is None:
            _add_source(connection, spec, now)
        else:
            _update_source(connection, row, spec, now)
    gone = set(existing) - {spec.name for spec in specs}
    if gone:
        connection.execute(
            update(Source).where(Source.name.in_(gone), Source.active).values(active=False)
        )


def _add_source(connection: Connection, spec: SourceSpec, now: datetime) -> None:
    # Another instance may add the same source at the same moment; theirs is as good as ours.
    statement = insert_ignoring_conflicts(connection, Source, ["name"]).values(
        name=spec.name,
        url=spec.url,
        kind=spec.kind,
        interval_seconds=_seconds(spec.interval),
        active=True,
        next_poll_at=now,
        error_count=0,
        created_at=now,
    )
    connection.execute(statement)
    log.info("source_added source=%s", spec.name)


def _update_source(connection: Connection, row: Row[Any], spec: SourceSpec, now: datetime) -> None:
    values: dict[str, object] = {}
    if not row.active:
        values["active"] = True
    if row.kind != spec.kind:
        values["kind"] = spec.kind
    interval = _seconds(spec.interval)
    if row.interval_seconds != interval:
        values["interval_seconds"] = interval
        # A shorter interval takes effect now, not after the old, longer wait.
        values["next_poll_at"] = min(row.next_poll_at, now + spec.interval)
    if row.url != spec.url:
        # Validators belong to the old URL (RFC 9110 8.8); a new URL is polled at once.
        values.update(url=spec.url, etag=None, last_modified=None, next_poll_at=now)
    if values:
        connection.execute(update(Source).where(Source.name == spec.name).values(**values))
        log.info("source_updated source=%s fields=%s", spec.name, ",".join(sorted(values)))


def _seconds(interval: timedelta) -> int:
    return max(1, round(interval.total_seconds()))


def claim_due_sources(
    connection: Connection,
    owner: str,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    force: bool,
) -> list[SourceState]:
    """Lease up to `limit` active sources that are due (or all, with `force`) and not leased."""
    free = or_(Source.lease_until.is_(None), Source.lease_until <= now)
    due = free if force else and_(free, Source.next_poll_at <= now)
    names = list(
        connection.scalars(
            select(Source.name)
            .where(Source.active, due)
            .order_by(Source.next_poll_at, Source.name)
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite holds BEGIN IMMEDIATE
        )
    )
    if not names:
        return []
    connection.execute(
        update(Source)
        .where(Source.name.in_(names))
        .values(lease_owner=owner, lease_until=now + lease)
    )
    rows = connection.execute(select(Source).where(Source.name.in_(names))).all()
    by_name = {row.name: row for row in rows}
    return [to_state(by_name[name]) for name in names]


def release_source(connection: Connection, name: str, owner: str) -> None:
    """Give a lease back early, leaving the schedule unchanged."""
    connection.execute(
        update(Source)
        .where(Source.name == name, Source.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )


def record_poll_success(
    connection: Connection,
    name: str,
    owner: str,
    *,
    now: datetime,
    etag: str | None,
    last_modified: str | None,
    next_poll_at: datetime,
) -> bool:
    """Store the new validators and schedule, clear the errors; False if the lease was lost."""
    return _record_poll(
        connection,
        name,
        owner,
        etag=etag,
        last_modified=last_modified,
        next_poll_at=next_poll_at,
        last_polled_at=now,
        last_success_at=now,
        error_count=0,
        last_error_reason=None,
        last_error=None,
        failing_since=None,
    )


def record_poll_failure(
    connection: Connection,
    name: str,
    owner: str,
    *,
    now: datetime,
    reason: str,
    message: str,
    next_poll_at: datetime,
) -> bool:
    """Count the failure and keep why it failed; False if the lease was lost."""
    return _record_poll(
        connection,
        name,
        owner,
        next_poll_at=next_poll_at,
        last_polled_at=now,
        error_count=Source.error_count + 1,
        last_error_reason=reason,
        last_error=message,
        failing_since=func.coalesce(Source.failing_since, now),
    )


def _record_poll(connection: Connection, name: str, owner: str, **values: object) -> bool:
    result = connection.execute(
        update(Source)
        .where(Source.name == name, Source.lease_owner == owner)
        .values(lease_owner=None, lease_until=None, **values)
    )
    if result.rowcount == 0:
        # Our lease expired and another instance polled it; its result stands.
        log.warning("source_lease_lost source=%s owner=%s", name, owner)
        return False
    return True


def list_sources(connection: Connection) -> list[SourceState]:
    """Every source, active or not, by name."""
    rows = connection.execute(select(Source).order_by(Source.name)).all()
    return [to_state(row) for row in rows]


def to_state(row: Row[Any]) -> SourceState:
    """Turn a `sources` row into the record callers see."""
    return SourceState(
        name=row.name,
        url=row.url,
        kind=row.kind,
        active=row.active,
        etag=row.etag,
        last_modified=row.last_modified,
        next_poll_at=row.next_poll_at,
        last_polled_at=row.last_polled_at,
        last_success_at=row.last_success_at,
        error_count=row.error_count,
        last_error_reason=row.last_error_reason,
        last_error=row.last_error,
        lease_owner=row.lease_owner,
        lease_until=row.lease_until,
        interval=timedelta(seconds=row.interval_seconds),
        failing_since=row.failing_since,
    )
