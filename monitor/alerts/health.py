"""Decide which source-health notices are due: failing, silent, recovered; each sent once.

Pure: sources, their recent publishing and the states already notified in, changes out.

- failing: the source's polls have failed without a success for `failing_after`.
- silent: the source polls fine but brought no new article for `max(SILENT_FLOOR,
  SILENT_FACTOR x usual interval)`, where the usual interval is the median gap between
  the publishing times of its last `RECENT` articles (at least `MIN_ARTICLES` needed).
- recovered: a source notified as failing or silent is healthy again.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from monitor.alerts.messages import build_notice_payload
from monitor.alerts.payload import new_alert_id
from monitor.store import HealthChange, Notice, SourceActivity, SourceHealthState, SourceState

RECENT = 20
MIN_ARTICLES = 5
SILENT_FACTOR = 4
SILENT_FLOOR = timedelta(hours=24)
FAILING, SILENT = "failing", "silent"


def usual_interval(published: Sequence[datetime]) -> timedelta | None:
    """The median gap between consecutive publishing times, or None with too few articles."""
    if len(published) < MIN_ARTICLES:
        return None
    ordered = sorted(published)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(ordered)]
    return timedelta(seconds=statistics.median(gaps))


def silent_after(published: Sequence[datetime]) -> timedelta | None:
    """How long without a new article makes this source silent; None if unknown."""
    usual = usual_interval(published)
    return None if usual is None else max(SILENT_FLOOR, SILENT_FACTOR * usual)


def source_condition(
    source: SourceState,
    activity: SourceActivity | None,
    *,
    now: datetime,
    failing_after: timedelta,
) -> tuple[str | None, datetime | None] | None:
    """(state, since): "failing", "silent" or None (healthy); None when undecided yet."""
    if source.error_count:
        since = source.failing_since or source.last_success_at or source.last_polled_at
        if since is not None and now - since >= failing_after:
            return FAILING, since
        return None  # failing, but not for long enough: keep whatever was notified
    if activity is None or activity.last_article_at is None:
        return None, None
    limit = silent_after(activity.published)
    if limit is not None and now - activity.last_article_at >= limit:
        return SILENT, activity.last_article_at
    return None, None


def health_changes(
    sources: Sequence[SourceState],
    activity: Mapping[str, SourceActivity],
    notified: Mapping[str, SourceHealthState],
    *,
    channel: str,
    now: datetime,
    failing_after: timedelta,
) -> list[HealthChange]:
    """The changes of state to record, each with the notice for `channel`."""
    changes = []
    for source in sources:
        if not source.active:
            continue
        condition = source_condition(
            source, activity.get(source.name), now=now, failing_after=failing_after
        )
        if condition is None:
            continue
        state, since = condition
        before = notified.get(source.name)
        before_state = before.state if before is not None else None
        if state == before_state:
            continue
        if state is None:
            assert before is not None
            event, moment = "source.recovered", now
            fields: dict[str, object] = {"was": before_state, "since": before.since}
        else:
            event, moment = f"source.{state}", since or now
            fields = {"since": moment}
            if state == FAILING:
                fields["error"] = f"{source.last_error_reason}: {source.last_error or ''}"
            else:
                usual = usual_interval(activity[source.name].published)
                fields["usual_interval"] = f"{int(usual.total_seconds())}s" if usual else None
        changes.append(
            HealthChange(
                source=source.name,
                before=before_state,
                after=state,
                since=moment,
                notice=_notice(event, source.name, channel, now, fields),
            )
        )
    return changes


def _notice(
    event: str, source: str, channel: str, now: datetime, fields: dict[str, object]
) -> Notice:
    notice_id = new_alert_id()
    payload = build_notice_payload(
        notice_id=notice_id, event=event, created_at=now, source=source, **fields
    )
    severity = "info" if event == "source.recovered" else "high"
    return Notice(notice_id, event, channel, severity, payload)
