"""Waits between retries grow, stay capped, and start small enough for alerts to feel prompt."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.backoff import exponential_backoff

SOURCE_FIRST, SOURCE_CAP = timedelta(minutes=15), timedelta(hours=6)
ALERT_FIRST, ALERT_CAP = timedelta(seconds=20), timedelta(hours=1)

firsts = st.integers(min_value=1, max_value=3600).map(lambda s: timedelta(seconds=s))
caps = st.integers(min_value=1, max_value=86400).map(lambda s: timedelta(seconds=s))
jitters = st.floats(min_value=0.0, max_value=0.9)
attempts = st.integers(min_value=1, max_value=10_000)


def upper_bound(attempt: int, first: timedelta, cap: timedelta, jitter: float) -> timedelta:
    return exponential_backoff(attempt, first=first, cap=cap, jitter=jitter, rng=_AlwaysMax())


class _AlwaysMax(random.Random):
    """Jitter at its upper edge: the bound a caller can rely on."""

    def uniform(self, a: float, b: float) -> float:
        return b


@given(attempts, firsts, caps, jitters, st.integers())
def test_never_above_the_cap(
    attempt: int, first: timedelta, cap: timedelta, jitter: float, seed: int
) -> None:
    wait = exponential_backoff(
        attempt, first=first, cap=cap, jitter=jitter, rng=random.Random(seed)
    )
    assert timedelta(0) <= wait <= cap


@given(attempts, firsts, caps, jitters)
def test_the_bound_never_decreases(
    attempt: int, first: timedelta, cap: timedelta, jitter: float
) -> None:
    assert upper_bound(attempt, first, cap, jitter) <= upper_bound(attempt + 1, first, cap, jitter)


@given(firsts, caps, jitters, st.integers())
def test_first_attempt_waits_about_first(
    first: timedelta, cap: timedelta, jitter: float, seed: int
) -> None:
    wait = exponential_backoff(1, first=first, cap=cap, jitter=jitter, rng=random.Random(seed))
    assert wait <= first * (1 + jitter) + timedelta(microseconds=1)
    assert wait >= min(cap, first) * (1 - jitter) - timedelta(microseconds=1)


def test_failing_source_reaches_six_hours_and_stays_there() -> None:
    rng = random.Random(7)
    waits = [
        exponential_backoff(n, first=SOURCE_FIRST, cap=SOURCE_CAP, rng=rng) for n in range(1, 40)
    ]
    assert waits[0] <= timedelta(minutes=18)
    assert max(waits) <= timedelta(hours=6)
    assert all(w >= timedelta(hours=6) * 0.8 for w in waits[10:])


def test_alert_retries_start_within_30_seconds_and_cap_at_an_hour() -> None:
    rng = random.Random(3)
    assert exponential_backoff(1, first=ALERT_FIRST, cap=ALERT_CAP, rng=rng) <= timedelta(
        seconds=30
    )
    assert exponential_backoff(500, first=ALERT_FIRST, cap=ALERT_CAP, rng=rng) <= timedelta(hours=1)


def test_attempt_zero_is_the_first_attempt() -> None:
    zeroth = exponential_backoff(0, first=ALERT_FIRST, cap=ALERT_CAP, jitter=0.0)
    assert zeroth == exponential_backoff(1, first=ALERT_FIRST, cap=ALERT_CAP, jitter=0.0)


def test_without_jitter_it_doubles() -> None:
    waits = [
        exponential_backoff(n, first=timedelta(seconds=1), cap=timedelta(seconds=10), jitter=0)
        for n in range(1, 6)
    ]
    assert waits == [timedelta(seconds=s) for s in (1, 2, 4, 8, 10)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"attempt": -1, "first": timedelta(seconds=1), "cap": timedelta(seconds=1)},
        {"attempt": 1, "first": timedelta(0), "cap": timedelta(seconds=1)},
        {"attempt": 1, "first": timedelta(seconds=1), "cap": timedelta(seconds=-1)},
        {"attempt": 1, "first": timedelta(seconds=1), "cap": timedelta(seconds=1), "jitter": 1.5},
    ],
    ids=["negative-attempt", "zero-first", "negative-cap", "jitter-over-1"],
)
def test_nonsense_arguments_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must be"):
        exponential_backoff(**kwargs)  # type: ignore[arg-type]
