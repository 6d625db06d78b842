"""APScheduler jobs of the daemon: poll tick, dispatch tick, digest crons and housekeeping.

The ticks only call into the app; what a tick does lives there. Each job runs at
most once at a time and coalesces missed runs, so a slow cycle never piles up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.alerts.periods import DigestSchedule, daily_time

Tick = Callable[[], Awaitable[object]]

POLL_TICK = timedelta(seconds=15)
DISPATCH_TICK = timedelta(seconds=5)
HOUSEKEEPING_TICK = timedelta(minutes=10)


def build_scheduler(
    *,
    poll: Tick,
    dispatch: Tick,
    housekeeping: Tick,
    poll_every: timedelta = POLL_TICK,
    dispatch_every: timedelta = DISPATCH_TICK,
    housekeeping_every: timedelta = HOUSEKEEPING_TICK,
    digests: Mapping[str, DigestSchedule] | None = None,
) -> AsyncIOScheduler:
    """A scheduler (not yet started) with the daemon's recurring jobs.

    Each digest channel gets a cron job at its period boundaries that wakes the
    dispatcher, so a digest leaves on the minute; the alerts are due in the store
    anyway, so a boundary missed while the daemon was down is sent at the next start.
    """
    scheduler = AsyncIOScheduler(
        timezone="UTC",
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 60},
    )
    now = datetime.now(UTC)
    scheduler.add_job(
        poll, interval_trigger(poll_every), id="poll", name="poll tick", next_run_time=now
    )
    scheduler.add_job(
        dispatch,
        interval_trigger(dispatch_every),
        id="dispatch",
        name="dispatch tick",
        next_run_time=now,
    )
    scheduler.add_job(
        housekeeping,
        interval_trigger(housekeeping_every),
        id="housekeeping",
        name="housekeeping",
    )
    sync_digest_jobs(scheduler, digests or {}, dispatch)
    return scheduler


def sync_digest_jobs(
    scheduler: AsyncIOScheduler, digests: Mapping[str, DigestSchedule], dispatch: Tick
) -> None:
    """Make the digest cron jobs match `digests` (at start and on reload)."""
    wanted = {f"digest:{channel}": schedule for channel, schedule in digests.items()}
    for job in scheduler.get_jobs():
        if job.id.startswith("digest:") and job.id not in wanted:
            job.remove()
    for job_id, schedule in wanted.items():
        scheduler.add_job(
            dispatch,
            digest_trigger(schedule),
            id=job_id,
            name=job_id.replace(":", " ", 1),
            replace_existing=True,
        )


def digest_trigger(schedule: DigestSchedule) -> CronTrigger:
    """A cron trigger at the digest's period boundaries, in its time zone."""
    at = daily_time(schedule.digest)
    if at is None:
        return CronTrigger(minute=0, second=0, timezone=schedule.zone)
    return CronTrigger(hour=at.hour, minute=at.minute, second=0, timezone=schedule.zone)


def interval_trigger(every: timedelta) -> IntervalTrigger:
    return IntervalTrigger(seconds=every.total_seconds(), timezone="UTC")
