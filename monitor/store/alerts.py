"""Queries on the outbox: insert alerts, lease due ones to a dispatcher, record each attempt."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, func, insert, or_, select, update

from monitor.store.dialects import insert_ignoring_conflicts
from monitor.store.models import Alert, AlertAttempt, Article
from monitor.store.records import AlertDelivery, AlertRecord, AlertView, AttemptView

log = logging.getLogger(__name__)

PENDING, SENDING, RETRYING, DELIVERED, FAILED = (
    "pending",
    "sending",
    "retrying",
    "delivered",
    "failed",
)


def with_story(payload: dict[str, Any], story_id: int) -> dict[str, Any]:
    """The payload naming its story: known only here when the article starts a new story."""
    return {**payload, "story": {"id": story_id}}


def insert_alerts(
    connection: Connection,
    alerts: Sequence[AlertRecord],
    *,
    story_id: int,
    article_id: int,
    now: datetime,
) -> tuple[str, ...]:
    """Insert pending alerts, due now; skip any that repeat a rule, story and channel."""
    inserted: list[str] = []
    for alert in alerts:
        statement = (
            insert_ignoring_conflicts(connection, Alert, ["rule", "story_id", "channel"])
            .values(
                id=alert.id,
                rule=alert.rule,
                story_id=story_id,
                article_id=article_id,
                channel=alert.channel,
                severity=alert.severity,
                status=PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                payload=with_story(alert.payload, story_id),
            )
            .returning(Alert.id)
        )
        alert_id = connection.execute(statement).scalar_one_or_none()
        if alert_id is None:
            log.info(
                "alert_duplicate rule=%s story=%s channel=%s", alert.rule, story_id, alert.channel
            )
        else:
            inserted.append(alert_id)
    return tuple(inserted)


def claim_due_alerts(
    connection: Connection, owner: str, *, now: datetime, lease: timedelta, limit: int
) -> list[AlertDelivery]:
    """Lease up to `limit` due alerts, and 'sending' ones whose sender died (lease expired)."""
    due = and_(Alert.status.in_((PENDING, RETRYING)), Alert.next_attempt_at <= now)
    orphaned = and_(Alert.status == SENDING, Alert.lease_until <= now)
    rows = connection.execute(
        select(Alert)
        .where(or_(due, orphaned))
        .order_by(Alert.next_attempt_at, Alert.created_at, Alert.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite holds BEGIN IMMEDIATE
    ).all()
    if not rows:
        return []
    for row in rows:
        if row.status == SENDING:
            log.warning("alert_lease_expired alert=%s owner=%s", row.id, row.lease_owner)
    connection.execute(
        update(Alert)
        .where(Alert.id.in_([row.id for row in rows]))
        .values(status=SENDING, lease_owner=owner, lease_until=now + lease)
    )
    return [_to_delivery(row) for row in rows]


def _to_delivery(row: Row[Any]) -> AlertDelivery:
    return AlertDelivery(
        id=row.id,
        rule=row.rule,
        channel=row.channel,
        severity=row.severity,
        payload=row.payload,
        status=SENDING,
        attempts=row.attempts,
        created_at=row.created_at,
        first_attempt_at=row.first_attempt_at,
    )


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


def recent_alerts(connection: Connection, limit: int) -> list[AlertView]:
    """The newest alerts with their delivery state and the article they are about."""
    rows = connection.execute(
        select(
            Alert.id,
            Alert.created_at,
            Alert.rule,
            Alert.channel,
            Alert.severity,
            Article.title,
            Article.url,
            Alert.status,
            Alert.attempts,
            Alert.last_attempt_at,
            Alert.last_error,
            Alert.next_attempt_at,
        )
        .join(Article, Article.id == Alert.article_id)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
        .limit(limit)
    ).all()
    return [AlertView(**row._asdict()) for row in rows]
