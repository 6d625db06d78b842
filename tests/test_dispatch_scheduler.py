"""Digest cron jobs fire exactly at the period boundaries the outbox uses, DST included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.alerts.periods import DigestSchedule, period_end
from monitor.scheduler import build_scheduler, digest_trigger, sync_digest_jobs

MOMENTS = [
    datetime(2026, 3, 28, 12, tzinfo=UTC),  # the day before Europe's spring forward
    datetime(2026, 10, 24, 12, tzinfo=UTC),  # the day before fall back
    datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
]
SCHEDULES = [
    DigestSchedule("hourly"),
    DigestSchedule("hourly", "Asia/Kolkata"),
    DigestSchedule("daily 08:00", "Europe/Paris"),
    DigestSchedule("daily 08:00", "America/New_York"),
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: f"{s.digest}-{s.timezone}")
@pytest.mark.parametrize("moment", MOMENTS, ids=lambda m: m.strftime("%m%d"))
def test_the_cron_fires_at_each_period_end(schedule: DigestSchedule, moment: datetime) -> None:
    trigger = digest_trigger(schedule)
    previous, now = None, moment
    for _ in range(3):  # three boundaries in a row, across the DST change
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        # The cron's next fire time is the first boundary at or after `now`.
        assert fire.astimezone(UTC) == period_end(now - timedelta(microseconds=1), schedule)
        previous, now = fire, fire.astimezone(UTC) + timedelta(seconds=1)


async def test_each_digest_channel_gets_its_own_cron_job() -> None:
    async def tick() -> None:
        return None

    scheduler = build_scheduler(
        poll=tick,
        dispatch=tick,
        housekeeping=tick,
        digests={"desk-mail": DigestSchedule("daily 08:00", "Europe/Paris")},
    )
    job = scheduler.get_job("digest:desk-mail")
    assert job is not None
    fire = job.trigger.get_next_fire_time(None, datetime(2026, 11, 24, 9, tzinfo=UTC))
    assert fire.astimezone(UTC) - datetime(2026, 11, 25, 7, tzinfo=UTC) == timedelta(0)


async def test_digest_jobs_follow_a_reloaded_config() -> None:
    async def tick() -> None:
        return None

    scheduler = build_scheduler(
        poll=tick, dispatch=tick, housekeeping=tick, digests={"a": DigestSchedule("hourly")}
    )
    sync_digest_jobs(scheduler, {"b": DigestSchedule("daily 08:00")}, tick)
    ids = {job.id for job in scheduler.get_jobs()}
    assert ids == {"poll", "dispatch", "housekeeping", "digest:b"}
