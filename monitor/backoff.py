"""Compute how long to wait before the next try after repeated failures.

One pure function serves both the source poller (a failing source waits longer
and longer, at most 6 hours) and the alert dispatcher (first retry within 30
seconds, at most an hour apart). Jitter spreads retries of many failures that
started together, so they do not hammer a recovering server in lockstep.
"""

from __future__ import annotations

import random
from datetime import timedelta

__all__ = ["exponential_backoff"]

_MAX_DOUBLINGS = 64  # 2**64 times any positive delay is past every sensible cap


def exponential_backoff(
    attempt: int,
    *,
    first: timedelta,
    cap: timedelta,
    jitter: float = 0.2,
    rng: random.Random | None = None,
) -> timedelta:
    """Return the wait before try `attempt` + 1: `first` doubled per attempt, jittered, capped.

    `attempt` counts failures so far, from 1 (0 is read as 1, for callers counting
    from zero). The result lies in
    [base * (1 - jitter), min(cap, base * (1 + jitter))] where
    base = min(cap, first * 2 ** (attempt - 1)); it is never above `cap`.
    """
    if attempt < 0:
        raise ValueError(f"attempt must be >= 0, got {attempt}")
    if first <= timedelta(0) or cap <= timedelta(0):
        raise ValueError(f"first and cap must be positive, got first={first} cap={cap}")
    if not 0.0 <= jitter < 1.0:
        raise ValueError(f"jitter must be in [0, 1), got {jitter}")
    cap_s = cap.total_seconds()
    doublings = min(max(attempt - 1, 0), _MAX_DOUBLINGS)
    base_s = min(cap_s, first.total_seconds() * 2.0**doublings)
    source = rng if rng is not None else random.Random()  # noqa: S311 - spreading retries, not secrets
    factor = 1.0 + source.uniform(-jitter, jitter)
    return timedelta(seconds=min(cap_s, max(0.0, base_s * factor)))
