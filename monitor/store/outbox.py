"""Write the outbox: alert rows (with the dispatch policy applied) and notices.

The dispatch policy is applied where an alert is written, inside the outbox transaction:
a silenced alert is stored as `silenced`, an alert over its rule's limit as `folded` (with
one "N more alerts" row per rule, channel and window), and an alert for a digest channel
becomes due at the end of its period.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select

from monitor.store.dialects import insert_ignoring_conflicts, lock_until_commit
from monitor.store.models import Alert, Article
from monitor.store.policy import AlertPolicy, RateWindow
from monitor.store.records import (
    ALERT_KINDS,
    ALERT_STATUSES,
    AlertRecord,
    Notice,
)
from monitor.store.silences import active_silences, silenced_by

log = logging.getLogger(__name__)

PENDING, SENDING, RETRYING, DELIVERED, FAILED, SILENCED, FOLDED = ALERT_STATUSES
ALERT, UPDATE, FOLD, NOTICE = ALERT_KINDS
# Kinds a silence holds: notices about the daemon itself are never silenced.
SILENCEABLE = (ALERT, UPDATE)
UNIQUE_ALERT = ["rule", "story_id", "channel", "kind"]


def with_story(payload: dict[str, Any], story_id: int) -> dict[str, Any]:
    """The payload naming its story: known only here when the article starts a new story."""
    story = payload.get("story")
    return {**payload, "story": {**(story if isinstance(story, dict) else {}), "id": story_id}}


def insert_alerts(
    connection: Connection,
    alerts: Sequence[AlertRecord],
    *,
    story_id: int,
    article_id: int,
    now: datetime,
    policy: AlertPolicy,
) -> tuple[str, ...]:
    """Insert alerts per the policy; skip any that repeat a rule, story, channel and kind."""
    inserted: list[str] = []
    silences = active_silences(connection, now) if alerts else []
    # Instances count a throttled rule's alerts one at a time, so the limit holds across
    # them; the locks are taken in one order so that two transactions never deadlock.
    throttled = {
        f"throttle:{alert.rule}:{alert.channel}"
        for alert in alerts
        if alert.kind == ALERT and policy.rate_window(alert.rule, now) is not None
    }
    for key in sorted(throttled):
        lock_until_commit(connection, key)
    for alert in alerts:
        status, due = _initial_state(connection, alert, story_id, now, policy, silences)
        statement = (
            insert_ignoring_conflicts(connection, Alert, UNIQUE_ALERT)
            .values(
                **outbox_row(
                    alert.id,
                    alert.rule,
                    alert.channel,
                    alert.kind,
                    alert.severity,
                    with_story(alert.payload, story_id),
                    status=status,
                    due=due,
                    now=now,
                    story_id=story_id,
                    article_id=article_id,
                )
            )
            .returning(Alert.id)
        )
        alert_id = connection.execute(statement).scalar_one_or_none()
        if alert_id is None:
            log.info(
                "alert_duplicate rule=%s story=%s channel=%s", alert.rule, story_id, alert.channel
            )
            continue
        inserted.append(alert_id)
        if status == SILENCED:
            log.info("alert_silenced alert=%s rule=%s story=%s", alert_id, alert.rule, story_id)
        elif status == FOLDED:
            log.info(
                "alert_folded alert=%s rule=%s channel=%s", alert_id, alert.rule, alert.channel
            )
    return tuple(inserted)


def _initial_state(
    connection: Connection,
    alert: AlertRecord,
    story_id: int,
    now: datetime,
    policy: AlertPolicy,
    silences: Sequence[Any],
) -> tuple[str, datetime | None]:
    """Status and due time of a new alert: silenced, folded, or pending until due."""
    if alert.kind in SILENCEABLE and silenced_by(silences, alert.rule, story_id) is not None:
        return SILENCED, None
    window = policy.rate_window(alert.rule, now) if alert.kind == ALERT else None
    if window is not None and _sent_in_window(connection, alert, window) >= window.limit:
        _ensure_fold(connection, alert, window, policy, now)
        return FOLDED, None
    return PENDING, policy.due_at(alert.channel, now)


def _sent_in_window(connection: Connection, alert: AlertRecord, window: RateWindow) -> int:
    """Alerts of the rule on the channel in the window that count against its limit."""
    return (
        connection.scalar(
            select(func.count())
            .select_from(Alert)
            .where(
                Alert.rule == alert.rule,
                Alert.channel == alert.channel,
                Alert.kind == ALERT,
                Alert.status.not_in((SILENCED, FOLDED)),
                Alert.created_at >= window.start,
                Alert.created_at < window.end,
            )
        )
        or 0
    )


def fold_id(rule: str, channel: str, window_start: datetime) -> str:
    """The id of the one "N more alerts" message of a rule, channel and window."""
    key = f"{rule}\x00{channel}\x00{window_start.isoformat()}".encode()
    return "fold" + hashlib.sha256(key).hexdigest()[:28]


def _ensure_fold(
    connection: Connection,
    alert: AlertRecord,
    window: RateWindow,
    policy: AlertPolicy,
    now: datetime,
) -> None:
    """Create the window's "N more alerts" row once; it is due when the window ends."""
    ident = fold_id(alert.rule, alert.channel, window.start)
    due = max(window.end, policy.due_at(alert.channel, window.end - timedelta(microseconds=1)))
    payload = {
        "type": "folded",
        "id": ident,
        "rule": {"name": alert.rule, "severity": alert.severity},
        "channel": alert.channel,
        "window": {"start": _iso(window.start), "end": _iso(window.end)},
        "limit": window.limit,
        "count": 0,
    }
    connection.execute(
        insert_ignoring_conflicts(connection, Alert, ["id"]).values(
            **outbox_row(
                ident, alert.rule, alert.channel, FOLD, alert.severity, payload, due=due, now=now
            )
        )
    )


def outbox_row(
    ident: str,
    rule: str,
    channel: str,
    kind: str,
    severity: str,
    payload: dict[str, Any],
    *,
    due: datetime,
    now: datetime,
    status: str = PENDING,
    story_id: int | None = None,
    article_id: int | None = None,
) -> dict[str, Any]:
    """A new outbox row, not yet tried; folds and notices are about no story or article."""
    return {
        "id": ident,
        "rule": rule,
        "story_id": story_id,
        "article_id": article_id,
        "channel": channel,
        "kind": kind,
        "severity": severity,
        "status": status,
        "attempts": 0,
        "next_attempt_at": due,
        "created_at": now,
        "payload": payload,
    }


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def insert_notice(connection: Connection, notice: Notice, *, now: datetime) -> str:
    """Put a notice in the outbox, due now."""
    row = outbox_row(
        notice.id,
        notice.event,
        notice.channel,
        NOTICE,
        notice.severity,
        notice.payload,
        due=now,
        now=now,
    )
    connection.execute(insert(Alert).values(**row))
    log.info("notice_queued notice=%s event=%s channel=%s", notice.id, notice.event, notice.channel)
    return notice.id


def story_alerted(connection: Connection, rule: str, story_id: int, channel: str) -> bool:
    """Whether the story's first alert for this rule and channel was written (in any state)."""
    found = connection.scalar(
        select(Alert.id).where(
            Alert.rule == rule,
            Alert.story_id == story_id,
            Alert.channel == channel,
            Alert.kind == ALERT,
        )
    )
    return found is not None


def story_source_count(connection: Connection, story_id: int) -> int:
    """How many distinct sources published an article of the story."""
    return (
        connection.scalar(
            select(func.count(func.distinct(Article.source))).where(Article.story_id == story_id)
        )
        or 0
    )
