"""The dispatch policy built from the config: digest schedules per channel, limits per rule.

Duck-typed on the config models like `channels.py`: a channel with `digest` (and
`timezone`) batches its alerts, a rule with `max_alerts` is throttled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from monitor.alerts.periods import DigestSchedule, period_end, rate_window
from monitor.store import RateWindow

RATE_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` alerts per `window` (a fixed window aligned to UTC)."""

    limit: int
    window: timedelta


def parse_rate(text: str) -> RateLimit:
    """Read `20/hour` (also `/minute`, `/day`); ValueError with the accepted forms otherwise."""
    count, _, unit = text.strip().partition("/")
    unit = unit.strip().lower()
    if not count.strip().isdigit() or unit not in RATE_UNITS or int(count) < 1:
        raise ValueError(
            f"bad rate {text!r}: use a positive count per minute, hour or day, e.g. 20/hour"
        )
    return RateLimit(int(count), RATE_UNITS[unit])


@dataclass(frozen=True)
class DispatchPolicy:
    """Implements the store's `AlertPolicy`: when an alert is due, and its rule's window."""

    digests: Mapping[str, DigestSchedule] = field(default_factory=dict)
    limits: Mapping[str, RateLimit] = field(default_factory=dict)

    def due_at(self, channel: str, moment: datetime) -> datetime:
        schedule = self.digests.get(channel)
        return moment if schedule is None else period_end(moment, schedule)

    def rate_window(self, rule: str, moment: datetime) -> RateWindow | None:
        limit = self.limits.get(rule)
        if limit is None:
            return None
        start, end = rate_window(moment, limit.window)
        return RateWindow(limit.limit, start, end)


def digest_schedules(channels: Mapping[str, Any]) -> dict[str, DigestSchedule]:
    """The digest schedule of every channel that has one."""
    return {
        name: DigestSchedule(config.digest, getattr(config, "timezone", "UTC") or "UTC")
        for name, config in channels.items()
        if getattr(config, "digest", None)
    }


def policy_from_config(config: Any) -> DispatchPolicy:
    """The policy of a `monitor.config.Config`."""
    limits = {
        rule.name: parse_rate(rule.max_alerts)
        for rule in config.rules
        if getattr(rule, "max_alerts", None)
    }
    return DispatchPolicy(digest_schedules(config.channels), limits)


def channel_fingerprint(config: Any) -> str:
    """A hash of where a channel delivers, so a changed target re-enables a disabled channel."""
    kind = getattr(config, "type", "")
    if kind == "webhook":
        target = str(config.url)
    elif kind == "email":
        smtp = config.smtp
        smtp = smtp.get_secret_value() if hasattr(smtp, "get_secret_value") else str(smtp)
        target = f"{smtp}|{','.join(map(str, config.to))}"
    else:
        target = kind
    return hashlib.sha256(f"{kind}|{target}".encode()).hexdigest()[:32]


def channel_fingerprints(channels: Mapping[str, Any]) -> dict[str, str]:
    return {name: channel_fingerprint(config) for name, config in channels.items()}
