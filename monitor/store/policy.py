"""What the outbox asks of the dispatch policy when it writes an alert: when due, what limit.

The policy itself (digest periods, rate limits) is built from the config outside the
store; the store only needs these answers, inside the outbox transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class RateWindow:
    """A rule's throttle window around one moment: at most `limit` alerts in [start, end)."""

    limit: int
    start: datetime
    end: datetime


class AlertPolicy(Protocol):
    """Answers the store needs to write an alert."""

    def due_at(self, channel: str, moment: datetime) -> datetime:
        """When an alert created at `moment` for `channel` is to be sent (a digest's period end)."""
        ...

    def rate_window(self, rule: str, moment: datetime) -> RateWindow | None:
        """The throttle window of `rule` at `moment`, or None when the rule is not throttled."""
        ...


class Immediate:
    """The policy without digests or limits: every alert is due when it is written."""

    def due_at(self, channel: str, moment: datetime) -> datetime:
        return moment

    def rate_window(self, rule: str, moment: datetime) -> RateWindow | None:
        return None
