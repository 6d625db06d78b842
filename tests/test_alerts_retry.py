"""The one retry policy: when a failed delivery is tried again, and when it is given up."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from monitor.alerts import DeliveryError, RetryPolicy, decide_retry

T0 = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
RETRYABLE = DeliveryError("HTTP 503", retryable=True)
PERMANENT = DeliveryError("HTTP 400", retryable=False)
NO_JITTER = RetryPolicy(jitter=0.0)


def _retry_after(seconds: float) -> DeliveryError:
    return DeliveryError("HTTP 429", retryable=True, retry_after=seconds)


CASES = [
    # (id, attempts, elapsed since first attempt, error, policy, expected delay or None)
    ("permanent-error-gives-up", 1, timedelta(0), PERMANENT, NO_JITTER, None),
    ("first-retry-after-20s", 1, timedelta(0), RETRYABLE, NO_JITTER, timedelta(seconds=20)),
    ("second-doubles", 2, timedelta(seconds=20), RETRYABLE, NO_JITTER, timedelta(seconds=40)),
    ("capped-at-an-hour", 12, timedelta(hours=5), RETRYABLE, NO_JITTER, timedelta(hours=1)),
    ("deadline-reached-gives-up", 30, timedelta(hours=24), RETRYABLE, NO_JITTER, None),
    (
        "last-retry-moved-onto-deadline",
        30,
        timedelta(hours=23, minutes=50),
        RETRYABLE,
        NO_JITTER,
        timedelta(minutes=10),
    ),
    (
        "retry-after-longer-than-backoff-honoured",
        1,
        timedelta(0),
        _retry_after(120),
        NO_JITTER,
        timedelta(seconds=120),
    ),
    (
        "retry-after-shorter-than-backoff-keeps-backoff",
        3,
        timedelta(minutes=1),
        _retry_after(5),
        NO_JITTER,
        timedelta(seconds=80),
    ),
    (
        "huge-retry-after-capped",
        1,
        timedelta(0),
        _retry_after(10 * 86400),
        NO_JITTER,
        timedelta(hours=1),
    ),
    (
        "configurable-give-up",
        1,
        timedelta(hours=2),
        RETRYABLE,
        RetryPolicy(jitter=0.0, give_up_after=timedelta(hours=2)),
        None,
    ),
]


@pytest.mark.parametrize(
    ("attempts", "elapsed", "error", "policy", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_decide_retry(
    attempts: int,
    elapsed: timedelta,
    error: DeliveryError,
    policy: RetryPolicy,
    expected: timedelta | None,
) -> None:
    now = T0 + elapsed
    result = decide_retry(
        attempts=attempts,
        first_attempt_at=T0,
        now=now,
        error=error,
        policy=policy,
        rng=random.Random(1),
    )
    assert result == (None if expected is None else now + expected)


@pytest.mark.parametrize("seed", range(20))
def test_default_policy_first_retry_is_within_30_seconds(seed: int) -> None:
    result = decide_retry(
        attempts=1,
        first_attempt_at=T0,
        now=T0,
        error=RETRYABLE,
        policy=RetryPolicy(),
        rng=random.Random(seed),
    )
    assert result is not None
    assert T0 < result <= T0 + timedelta(seconds=30)


def test_default_policy_retries_for_a_day_at_most_an_hour_apart() -> None:
    rng = random.Random(7)
    now, attempts, gaps = T0, 1, []
    while (
        after := decide_retry(
            attempts=attempts,
            first_attempt_at=T0,
            now=now,
            error=RETRYABLE,
            policy=RetryPolicy(),
            rng=rng,
        )
    ) is not None:
        gaps.append(after - now)
        now, attempts = after, attempts + 1
    assert max(gaps) <= timedelta(hours=1)
    assert now == T0 + timedelta(hours=24)
    assert 20 < attempts < 40


@pytest.mark.parametrize(
    "kwargs",
    [
        {"first_retry": timedelta(0)},
        {"max_interval": timedelta(seconds=1)},
        {"jitter": 1.5},
        {"give_up_after": timedelta(seconds=-1)},
    ],
    ids=["zero-first", "cap-below-first", "jitter-too-big", "negative-give-up"],
)
def test_invalid_policy_is_rejected(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
