"""Durations as people write them in rules.yaml: ``30s``, ``15m``, ``2h``, ``1d``, ``1h30m``."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def parse_duration(text: str) -> timedelta:
    """Return the timedelta of ``text`` (units d, h, m, s, largest first); ValueError otherwise."""
    cleaned = text.strip()
    match = _DURATION.fullmatch(cleaned)
    if not cleaned or match is None:
        raise ValueError(
            f"bad duration {text!r}: use a number and a unit, largest first, "
            "e.g. 30s, 15m, 2h, 1d or 1h30m"
        )
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def format_duration(value: timedelta) -> str:
    """Write ``value`` the way parse_duration reads it (whole seconds; ``0s`` for zero)."""
    remaining = int(value.total_seconds())
    if remaining < 0:
        raise ValueError("a duration cannot be negative")
    parts = []
    for unit, seconds in _UNITS:
        count, remaining = divmod(remaining, seconds)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
