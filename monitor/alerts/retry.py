"""Decide when a failed delivery is tried again, or that it never will be: the one retry policy.

Channels only say whether a failure is retryable (and maybe Retry-After); this pure
function owns the rest, so every case is an exact table-driven test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.alerts.delivery import DeliveryError
from monitor.backoff import exponential_backoff


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter from `first_retry` to `max_interval`, for `give_up_after`.

    The defaults follow the delivery contract: first retry within 30 s (20 s ± 20 %), at most
    an hour between tries, give up 24 hours after the first attempt. A server's Retry-After
    is honoured up to `max_retry_after`, so a hostile or broken answer cannot park an alert.
    """

    first_retry: timedelta = timedelta(seconds=20)
    max_interval: timedelta = timedelta(hours=1)
    give_up_after: timedelta = timedelta(hours=24)
    jitter: float = 0.2
    max_retry_after: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.first_retry <= timedelta(0):
            raise ValueError(f"first_retry must be positive, got {self.first_retry}")
        if self.max_interval < self.first_retry:
            raise ValueError(
                f"max_interval ({self.max_interval}) must be at least first_retry "
                f"({self.first_retry})"
            )
        if self.give_up_after < timedelta(0):
            raise ValueError(f"give_up_after must not be negative, got {self.give_up_after}")
        if not 0 <= self.jitter < 1:
            raise ValueError(f"jitter must be in [0, 1), got {self.jitter}")
        if self.max_retry_after < timedelta(0):
            raise ValueError(f"max_retry_after must not be negative, got {self.max_retry_after}")


def decide_retry(
    *,
    attempts: int,
    first_attempt_at: datetime,
    now: datetime,
    error: DeliveryError,
    policy: RetryPolicy,
    rng: random.Random | None = None,
) -> datetime | None:
    """Return when to try again after the `attempts`-th failed attempt, or None to give up.

    Gives up on a permanent error or once `give_up_after` has passed since the first
    attempt; a retry that would fall after that deadline is moved onto it, so the last
    try happens at the deadline rather than never.
    """
    if not error.retryable:
        return None
    deadline = first_attempt_at + policy.give_up_after
    if now >= deadline:
        return None
    delay = exponential_backoff(
        max(1, attempts),
        first=policy.first_retry,
        cap=policy.max_interval,
        jitter=policy.jitter,
        rng=rng,
    )
    delay = max(timedelta(0), min(delay, policy.max_interval))
    if error.retry_after is not None:
        asked = timedelta(seconds=max(0.0, error.retry_after))
        delay = max(delay, min(asked, policy.max_retry_after))
    return min(now + delay, deadline)
