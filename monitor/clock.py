"""The daemon's one source of time, injected so that time-dependent decisions test exactly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime (never naive)."""
    return datetime.now(UTC)
