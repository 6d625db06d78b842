"""Digest periods and throttle windows: pure, table-driven, across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.alerts.periods import DigestSchedule, period_bounds, period_end, rate_window
from monitor.alerts.policy import parse_rate


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


PERIODS = [
    # (digest, zone, moment, start, end)
    ("hourly", "UTC", utc(2026, 11, 24, 9, 30), utc(2026, 11, 24, 9), utc(2026, 11, 24, 10)),
    ("hourly", "UTC", utc(2026, 11, 24, 10), utc(2026, 11, 24, 10), utc(2026, 11, 24, 11)),
    # India is UTC+5:30: its hours start at :30 UTC.
    (
        "hourly",
        "Asia/Kolkata",
        utc(2026, 11, 24, 9, 10),
        utc(2026, 11, 24, 8, 30),
        utc(2026, 11, 24, 9, 30),
    ),
    # Europe/Paris falls back on 2026-10-25 at 03:00 CEST -> 02:00 CET: two local 02:xx hours.
    (
        "hourly",
        "Europe/Paris",
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 0),
        utc(2026, 10, 25, 1),
    ),
    (
        "hourly",
        "Europe/Paris",
        utc(2026, 10, 25, 1, 30),
        utc(2026, 10, 25, 1),
        utc(2026, 10, 25, 2),
    ),
    ("daily 08:00", "UTC", utc(2026, 11, 24, 9), utc(2026, 11, 24, 8), utc(2026, 11, 25, 8)),
    ("daily 08:00", "UTC", utc(2026, 11, 24, 7), utc(2026, 11, 23, 8), utc(2026, 11, 24, 8)),
    ("daily 08:00", "UTC", utc(2026, 11, 24, 8), utc(2026, 11, 24, 8), utc(2026, 11, 25, 8)),
    # 08:00 Paris is 07:00 UTC in winter, 06:00 UTC in summer.
    (
        "daily 08:00",
        "Europe/Paris",
        utc(2026, 11, 24, 9),
        utc(2026, 11, 24, 7),
        utc(2026, 11, 25, 7),
    ),
    (
        "daily 08:00",
        "Europe/Paris",
        utc(2026, 7, 1, 5),
        utc(2026, 6, 30, 6),
        utc(2026, 7, 1, 6),
    ),
    # Spring forward (2026-03-29): the period before is 23 hours long.
    (
        "daily 08:00",
        "Europe/Paris",
        utc(2026, 3, 29, 0),
        utc(2026, 3, 28, 7),
        utc(2026, 3, 29, 6),
    ),
    # Fall back (2026-10-25): 25 hours.
    (
        "daily 08:00",
        "Europe/Paris",
        utc(2026, 10, 25, 3),
        utc(2026, 10, 24, 6),
        utc(2026, 10, 25, 7),
    ),
    # 02:30 does not exist in Paris on 2026-03-29: taken with the winter offset (01:30 UTC).
    (
        "daily 02:30",
        "Europe/Paris",
        utc(2026, 3, 29, 0),
        utc(2026, 3, 28, 1, 30),
        utc(2026, 3, 29, 1, 30),
    ),
    # 02:30 happens twice in Paris on 2026-10-25: the first one (00:30 UTC) is the boundary.
    (
        "daily 02:30",
        "Europe/Paris",
        utc(2026, 10, 25, 0),
        utc(2026, 10, 24, 0, 30),
        utc(2026, 10, 25, 0, 30),
    ),
    (
        "daily 02:30",
        "Europe/Paris",
        utc(2026, 10, 25, 1, 0),
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
    ),
    # New York: 08:00 EST is 13:00 UTC.
    (
        "daily 08:00",
        "America/New_York",
        utc(2026, 11, 24, 12),
        utc(2026, 11, 23, 13),
        utc(2026, 11, 24, 13),
    ),
]


@pytest.mark.parametrize(
    ("digest", "zone", "moment", "start", "end"),
    PERIODS,
    ids=[f"{d}-{z}-{m:%m%dT%H%M}" for d, z, m, _s, _e in PERIODS],
)
def test_the_period_holding_a_moment(
    digest: str, zone: str, moment: datetime, start: datetime, end: datetime
) -> None:
    schedule = DigestSchedule(digest, zone)
    assert period_bounds(moment, schedule) == (start, end)
    assert period_end(moment, schedule) == end


def test_consecutive_daily_periods_tile_a_year_in_a_zone_with_dst() -> None:
    schedule = DigestSchedule("daily 08:00", "Europe/Paris")
    moment = utc(2026, 1, 1)
    seen = 0
    while moment < utc(2027, 1, 1):
        start, end = period_bounds(moment, schedule)
        assert start <= moment < end
        assert timedelta(hours=23) <= end - start <= timedelta(hours=25)
        moment = end
        seen += 1
    assert seen in (365, 366)


WINDOWS = [
    ("20/hour", utc(2026, 11, 24, 9, 59), utc(2026, 11, 24, 9), utc(2026, 11, 24, 10), 20),
    ("3/minute", utc(2026, 11, 24, 9, 0, 30), utc(2026, 11, 24, 9), utc(2026, 11, 24, 9, 1), 3),
    ("100/day", utc(2026, 11, 24, 23, 59), utc(2026, 11, 24), utc(2026, 11, 25), 100),
]


@pytest.mark.parametrize(("rate", "moment", "start", "end", "limit"), WINDOWS, ids=lambda v: str(v))
def test_throttle_windows_are_fixed_and_aligned_to_utc(
    rate: str, moment: datetime, start: datetime, end: datetime, limit: int
) -> None:
    parsed = parse_rate(rate)
    assert parsed.limit == limit
    assert rate_window(moment, parsed.window) == (start, end)


@pytest.mark.parametrize("rate", ["0/hour", "20", "20/week", "x/hour", "-1/day"])
def test_a_bad_rate_is_refused(rate: str) -> None:
    with pytest.raises(ValueError, match="bad rate"):
        parse_rate(rate)
