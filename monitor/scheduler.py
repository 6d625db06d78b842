"""APScheduler jobs of the daemon: poll tick, dispatch tick and housekeeping.

The ticks only call into the app; what a tick does lives there. Each job runs at
most once at a time and coalesces missed runs, so a slow cycle never piles up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

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
) -> AsyncIOScheduler:
    """A scheduler (not yet started) with the daemon's three recurring jobs."""
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
    return scheduler


def interval_trigger(every: timedelta) -> IntervalTrigger:
    return IntervalTrigger(seconds=every.total_seconds(), timezone="UTC")
