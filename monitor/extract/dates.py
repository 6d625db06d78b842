"""Read the many ways pages write a date into aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|-|$|\.)"
    r"|/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/"
)
_ISO_LIKE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?",
    re.IGNORECASE,
)
_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)


def parse_date(value: object) -> datetime | None:
    """Parse an ISO 8601, RFC 2822 or Unix-seconds date; naive ones are taken as UTC."""
    if isinstance(value, int | float):
        return _from_timestamp(float(value))
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit() and len(text) in (10, 13):
        return _from_timestamp(int(text) / (1000 if len(text) == 13 else 1))
    return _plausible(_iso(text) or _rfc2822(text))


def date_in_url(url: str) -> datetime | None:
    """Return the date a URL path spells (/2024/05/17/, /2024-05-17-, /20240517/), if any."""
    match = _URL_DATE.search(url)
    if not match:
        return None
    parts = [g for g in match.groups() if g is not None]
    try:
        return _plausible(datetime(int(parts[0]), int(parts[1]), int(parts[2]), tzinfo=UTC))
    except ValueError:
        return None


def _iso(text: str) -> datetime | None:
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        parsed = _iso_prefix(text)
    if parsed is None:
        return None
    return _as_utc(parsed)


def _iso_prefix(text: str) -> datetime | None:
    match = _ISO_LIKE.search(text)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    iso = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    if hour:
        iso += f"T{int(hour):02d}:{minute}:{second or '00'}"
        if zone and zone.upper() not in ("Z", "UTC", "GMT"):
            iso += zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def _rfc2822(text: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return _as_utc(parsed) if parsed else None


def _from_timestamp(seconds: float) -> datetime | None:
    try:
        return _plausible(datetime.fromtimestamp(seconds, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _plausible(value: datetime | None) -> datetime | None:
    """Reject dates before the web's news era (placeholder zeros, epoch defaults)."""
    if value is None or value < _EARLIEST:
        return None
    return value
