"""Read the outbox: lease due alerts to a dispatcher, record each attempt, list alerts.

Alerts are written by `monitor.store.outbox`, in the transaction of the article (or
notice) that caused them.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, func, insert, or_, select, update
from sqlalchemy.orm import aliased

from monitor.store.dialects import lock_until_commit
from monitor.store.models import Alert, AlertAttempt, Article
from monitor.store.outbox import (
    DELIVERED,
    FOLD,
    FOLDED,
    NOTICE,
    PENDING,
    RETRYING,
    SENDING,
    SILENCEABLE,
    SILENCED,
    story_source_count,
)
from monitor.store.records import (
    AlertDelivery,
    AlertView,
    AttemptView,
)
from monitor.store.silences import active_silences, silenced_by

log = logging.getLogger(__name__)


def claim_due_alerts(
    connection: Connection,
    owner: str,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    batch_channels: Collection[str] = (),
) -> list[AlertDelivery]:
    """Lease up to `limit` due alerts, and 'sending' ones whose sender died (lease expired).

    Alerts of `batch_channels` (digest channels) are left to `claim_due_batch`, except
    notices, which are always sent on their own.
    """
    conditions = [_due_or_orphaned(now)]
    if batch_channels:
        conditions.append(or_(Alert.channel.not_in(list(batch_channels)), Alert.kind == NOTICE))
    return _claim(connection, owner, now=now, lease=lease, limit=limit, conditions=conditions)


def claim_due_batch(
    connection: Connection,
    channel: str,
    owner: str,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
) -> list[AlertDelivery]:
    """Lease every due alert of one digest channel (up to `limit`), to send as one message.

    Instances claim a channel's digest one at a time, so a period leaves as one message;
    each alert's story carries `sources`, for "also reported by N sources".
    """
    lock_until_commit(connection, f"digest:{channel}")
    conditions = [_due_or_orphaned(now), Alert.channel == channel, Alert.kind != NOTICE]
    claimed = _claim(connection, owner, now=now, lease=lease, limit=limit, conditions=conditions)
    return [_with_story_sources(connection, delivery) for delivery in claimed]


def _with_story_sources(connection: Connection, delivery: AlertDelivery) -> AlertDelivery:
    if delivery.story_id is None:
        return delivery
    story = delivery.payload.get("story")
    sources = story_source_count(connection, delivery.story_id)
    payload = {
        **delivery.payload,
        "story": {**(story if isinstance(story, dict) else {}), "sources": sources},
    }
    return replace(delivery, payload=payload)


def _due_or_orphaned(now: datetime) -> Any:
    due = and_(Alert.status.in_((PENDING, RETRYING)), Alert.next_attempt_at <= now)
    orphaned = and_(Alert.status == SENDING, Alert.lease_until <= now)
    return or_(due, orphaned)


def _claim(
    connection: Connection,
    owner: str,
    *,
    now: datetime,
    lease: timedelta,
    limit: int,
    conditions: Sequence[Any],
) -> list[AlertDelivery]:
    rows = connection.execute(
        select(Alert)
        .where(*conditions)
        .order_by(Alert.next_attempt_at, Alert.created_at, Alert.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite holds BEGIN IMMEDIATE
    ).all()
    if not rows:
        return []
    rows = _hold_silenced(connection, rows, now)
    for row in rows:
        if row.status == SENDING:
            log.warning("alert_lease_expired alert=%s owner=%s", row.id, row.lease_owner)
    if not rows:
        return []
    connection.execute(
        update(Alert)
        .where(Alert.id.in_([row.id for row in rows]))
        .values(status=SENDING, lease_owner=owner, lease_until=now + lease)
    )
    return [_to_delivery(connection, row) for row in rows]


def _hold_silenced(connection: Connection, rows: Sequence[Row[Any]], now: datetime) -> list[Any]:
    """Mark never-tried alerts that a silence now holds as silenced; return the others."""
    silences = active_silences(connection, now)
    if not silences:
        return list(rows)
    held = [
        row
        for row in rows
        if row.kind in SILENCEABLE
        and row.attempts == 0
        and silenced_by(silences, row.rule, row.story_id) is not None
    ]
    if held:
        connection.execute(
            update(Alert)
            .where(Alert.id.in_([row.id for row in held]))
            .values(status=SILENCED, next_attempt_at=None, lease_owner=None, lease_until=None)
        )
        for row in held:
            log.info("alert_silenced alert=%s rule=%s story=%s", row.id, row.rule, row.story_id)
    held_ids = {row.id for row in held}
    return [row for row in rows if row.id not in held_ids]


def _to_delivery(connection: Connection, row: Row[Any]) -> AlertDelivery:
    payload = row.payload
    if row.kind == FOLD:
        payload = {**payload, "count": folded_count(connection, row.rule, row.channel, payload)}
    return AlertDelivery(
        id=row.id,
        rule=row.rule,
        channel=row.channel,
        severity=row.severity,
        payload=payload,
        status=SENDING,
        attempts=row.attempts,
        created_at=row.created_at,
        first_attempt_at=row.first_attempt_at,
        kind=row.kind,
        story_id=row.story_id,
    )


def folded_count(connection: Connection, rule: str, channel: str, payload: dict[str, Any]) -> int:
    """How many alerts a fold row stands for: the folded ones of its rule, channel and window."""
    window = payload.get("window") or {}
    start = datetime.fromisoformat(str(window.get("start")))
    end = datetime.fromisoformat(str(window.get("end")))
    return (
        connection.scalar(
            select(func.count())
            .select_from(Alert)
            .where(
                Alert.rule == rule,
                Alert.channel == channel,
                Alert.status == FOLDED,
                Alert.created_at >= start,
                Alert.created_at < end,
            )
        )
        or 0
    )


def claim_for_replay(
    connection: Connection, alert_id: str, owner: str, *, now: datetime, lease: timedelta
) -> AlertDelivery:
    """Lease one alert to send again whatever its state; KeyError if unknown.

    ValueError while another dispatcher holds it. The retry deadline starts again now.
    """
    row = connection.execute(
        select(Alert).where(Alert.id == alert_id).with_for_update()
    ).one_or_none()
    if row is None:
        raise KeyError(alert_id)
    if row.status == SENDING and row.lease_until is not None and row.lease_until > now:
        raise ValueError(f"alert {alert_id} is being delivered right now")
    connection.execute(
        update(Alert)
        .where(Alert.id == alert_id)
        .values(
            status=SENDING,
            lease_owner=owner,
            lease_until=now + lease,
            first_attempt_at=now,
            next_attempt_at=now,
        )
    )
    return _to_delivery(connection, row)


def record_attempt(
    connection: Connection,
    alert_id: str,
    owner: str,
    *,
    now: datetime,
    outcome: str,
    error: str | None,
    next_attempt_at: datetime | None,
) -> bool:
    """Append the attempt to the history and move the alert to `outcome`; False if lease lost.

    Only the current lease holder records: after a lease expires another instance owns
    the alert, and its attempt is the one that counts.
    """
    attempts = connection.execute(
        select(Alert.attempts)
        .where(Alert.id == alert_id, Alert.status == SENDING, Alert.lease_owner == owner)
        .with_for_update()
    ).scalar_one_or_none()
    if attempts is None:
        log.warning("alert_lease_lost alert=%s owner=%s outcome=%s", alert_id, owner, outcome)
        return False
    number = attempts + 1
    connection.execute(
        insert(AlertAttempt).values(
            alert_id=alert_id, number=number, at=now, outcome=outcome, error=error
        )
    )
    connection.execute(
        update(Alert)
        .where(Alert.id == alert_id)
        .values(
            status=outcome,
            attempts=number,
            last_error=error if error is not None else Alert.last_error,
            first_attempt_at=func.coalesce(Alert.first_attempt_at, now),
            last_attempt_at=now,
            next_attempt_at=next_attempt_at,
            delivered_at=now if outcome == DELIVERED else None,
            lease_owner=None,
            lease_until=None,
        )
    )
    return True


def alert_attempts(connection: Connection, alert_id: str) -> list[AttemptView]:
    """Every recorded attempt of one alert, in order."""
    rows = connection.execute(
        select(
            AlertAttempt.alert_id,
            AlertAttempt.number,
            AlertAttempt.at,
            AlertAttempt.outcome,
            AlertAttempt.error,
        )
        .where(AlertAttempt.alert_id == alert_id)
        .order_by(AlertAttempt.number)
    ).all()
    return [AttemptView(**row._asdict()) for row in rows]


def recent_alerts(
    connection: Connection, limit: int, *, statuses: Collection[str] = ()
) -> list[AlertView]:
    """The newest alerts (of `statuses`, if given) with their delivery state and article.

    `other_sources` counts the other sources that reported the alert's story.
    """
    other = aliased(Article)
    other_sources = (
        select(func.count(func.distinct(other.source)))
        .where(other.story_id == Alert.story_id, other.source != Article.source)
        .correlate(Alert, Article)
        .scalar_subquery()
    )
    statement = (
        select(
            Alert.id,
            Alert.created_at,
            Alert.rule,
            Alert.channel,
            Alert.severity,
            Alert.kind,
            Alert.story_id,
            Alert.payload,
            Article.title,
            Article.url,
            Alert.status,
            Alert.attempts,
            Alert.last_attempt_at,
            Alert.last_error,
            Alert.next_attempt_at,
            other_sources.label("other_sources"),
        )
        .outerjoin(Article, Article.id == Alert.article_id)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
        .limit(limit)
    )
    if statuses:
        statement = statement.where(Alert.status.in_(list(statuses)))
    return [_to_view(row) for row in connection.execute(statement).all()]


def _to_view(row: Row[Any]) -> AlertView:
    values = row._asdict()
    payload = values.pop("payload") or {}
    if values["title"] is None:
        values["title"] = _title_without_article(values["kind"], payload)
    values["url"] = values["url"] or ""
    values["other_sources"] = values["other_sources"] or 0
    return AlertView(**values)


def _title_without_article(kind: str, payload: dict[str, Any]) -> str:
    if kind == FOLD:
        return f"more alerts for {payload.get('rule', {}).get('name', '')} (folded)"
    subject = payload.get("source") or payload.get("channel") or ""
    return f"{payload.get('event', kind)} {subject}".strip()
