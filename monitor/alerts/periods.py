"""Digest periods: when the period holding a moment starts and ends, in the channel's time zone.

Pure functions of an aware moment and a schedule. Boundaries are computed as local wall
times and converted to UTC with zoneinfo, so they follow DST: a `daily 08:00` digest in
Europe/Paris is sent at 07:00 UTC in winter and 06:00 UTC in summer, and a day of 23 or
25 hours is still one period. A daily time that falls in a spring-forward gap is taken
with the offset before the change (02:30 becomes 03:30 local that day); one that occurs
twice on the fall-back day is the first occurrence, so each day has exactly one boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DAILY = re.compile(r"daily\s+(\d{1,2}):(\d{2})")


@dataclass(frozen=True)
class DigestSchedule:
    """A channel's digest: `hourly` or `daily HH:MM`, in an IANA time zone."""

    digest: str
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # raises for an unknown zone
        if self.digest != "hourly" and daily_time(self.digest) is None:
            raise ValueError(f"bad digest {self.digest!r}: use 'hourly' or 'daily HH:MM'")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def daily_time(digest: str) -> time | None:
    """The local time of a `daily HH:MM` digest; None for anything else."""
    match = _DAILY.fullmatch(" ".join(digest.split()))
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def period_bounds(moment: datetime, schedule: DigestSchedule) -> tuple[datetime, datetime]:
    """The digest period [start, end) holding `moment`, both aware UTC."""
    if moment.tzinfo is None:
        raise ValueError("period_bounds needs an aware datetime")
    at = daily_time(schedule.digest)
    if at is None:
        return _hour_bounds(moment, schedule.zone)
    return _day_bounds(moment, at, schedule.zone)


def period_end(moment: datetime, schedule: DigestSchedule) -> datetime:
    """When the digest holding an alert created at `moment` is due (aware UTC)."""
    return period_bounds(moment, schedule)[1]


def _hour_bounds(moment: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    # Floor in local time (zones with a half-hour offset have their hours at :30 UTC);
    # `fold` survives replace(), so the repeated hour of a fall-back day stays distinct.
    local = moment.astimezone(zone)
    start = local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    return start, start + timedelta(hours=1)


def _day_bounds(moment: datetime, at: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    today = moment.astimezone(zone).date()
    boundaries = [_occurrence(today + timedelta(days=offset), at, zone) for offset in (-1, 0, 1)]
    start = max(b for b in boundaries if b <= moment)
    end = min(b for b in boundaries if b > moment)
    return start, end


def _occurrence(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant of local time `at` on `day` (first occurrence; a gap time shifts forward)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def rate_window(moment: datetime, length: timedelta) -> tuple[datetime, datetime]:
    """The fixed throttle window [start, end) of `length` holding `moment`, aligned to UTC.

    Windows are aligned to the Unix epoch (minutes, hours and days start on the UTC
    clock), so every instance computes the same window without sharing state.
    """
    seconds = int(length.total_seconds())
    if seconds <= 0:
        raise ValueError("a throttle window must be longer than zero")
    epoch = int(moment.timestamp())
    start = datetime.fromtimestamp(epoch - epoch % seconds, UTC)
    return start, start + length
