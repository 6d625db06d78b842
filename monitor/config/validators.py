"""Checks of single values (names, URLs, addresses, selectors, zones) used by the config models.

Each raises ValueError with a message meant for the person editing rules.yaml;
the models turn them into problems located at the value.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from datetime import time, timedelta
from difflib import get_close_matches
from urllib.parse import urlsplit

import soupsieve

from monitor.config.durations import parse_duration
from monitor.config.languages import ISO_639_1
from monitor.extract import selector_error

_NAME = re.compile(r"[A-Za-z0-9_-]+")
_EMAIL = re.compile(
    r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w](?:[\w-]*[\w])?(?:\.[\w](?:[\w-]*[\w])?)*",
    re.UNICODE,
)
_DAILY = re.compile(r"daily\s+([01]\d|2[0-3]):([0-5]\d)")
_RATE = re.compile(r"([1-9]\d*)\s*/\s*(minute|hour|day)")
_DATABASE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://.*", re.DOTALL)


def suggestion(word: str, choices: Iterable[str]) -> str:
    """Return `` (did you mean 'x'?)`` for the nearest of ``choices``, or an empty string."""
    close = get_close_matches(word, sorted(choices), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_name(value: str) -> str:
    """Names are referenced from other places (rules name channels), so keep them plain."""
    if not _NAME.fullmatch(value):
        raise ValueError(f"bad name {value!r}: use only letters, digits, '-' and '_'")
    return value


def check_duration(value: object) -> timedelta:
    """Accept ``15m``-style text (or a timedelta); a bare number has no unit, so refuse it."""
    if isinstance(value, timedelta):
        duration = value
    elif isinstance(value, str):
        duration = parse_duration(value)
    else:
        raise ValueError("a duration is text with a unit, e.g. 30s, 15m, 2h, 1d")
    if duration <= timedelta(0):
        raise ValueError("a duration must be longer than zero")
    return duration


def check_http_url(value: str) -> str:
    """Sources and webhooks are reached over HTTP(S) only; the URL itself is never quoted back."""
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValueError("bad URL: cannot parse it (check the host and port)") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("bad URL: it must start with http:// or https://")
    if not parts.hostname:
        raise ValueError("bad URL: it has no host")
    return value.strip()


def check_email(value: str) -> str:
    """Catch typos in addresses at load time instead of at the first alert."""
    address = value.strip()
    if not _EMAIL.fullmatch(address):
        raise ValueError(f"bad email address {address!r}")
    return address


def check_selector(value: str) -> str:
    """Compile a CSS selector now, so a typo fails `monitor check`, not every poll."""
    try:
        soupsieve.compile(value)
    except soupsieve.SelectorSyntaxError as error:
        reason = str(error).splitlines()[0]
        raise ValueError(f"invalid CSS selector {value!r}: {reason}") from None
    return value


def check_extract_selector(value: str) -> str:
    """Extraction selectors run on lxml (cssselect), whose CSS dialect is not soupsieve's."""
    reason = selector_error(value)
    if reason is not None:
        raise ValueError(f"invalid CSS selector {value!r}: {reason}")
    return value


def check_digest(value: str) -> str:
    """A digest batches alerts ``hourly`` or ``daily HH:MM`` (24-hour clock)."""
    text = " ".join(value.split())
    if text != "hourly" and not _DAILY.fullmatch(text):
        raise ValueError(f"bad digest {value!r}: use 'hourly' or 'daily HH:MM', e.g. 'daily 08:00'")
    return text


def check_rate(value: str) -> str:
    """A throttle limit is ``<count>/<minute|hour|day>``, e.g. ``20/hour``."""
    match = _RATE.fullmatch(value.strip().lower())
    if match is None:
        raise ValueError(
            f"bad rate {value!r}: use a positive count per minute, hour or day, e.g. 20/hour"
        )
    return f"{match.group(1)}/{match.group(2)}"


def digest_time(value: str) -> time | None:
    """Return the time of day of a ``daily HH:MM`` digest, None for ``hourly``."""
    match = _DAILY.fullmatch(value)
    return time(int(match.group(1)), int(match.group(2))) if match else None


def check_timezone(value: str) -> str:
    """Refuse a zone the system database does not know, suggesting the closest one."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        hint = suggestion(value, zoneinfo.available_timezones())
        raise ValueError(f"unknown timezone {value!r}{hint}") from None
    return value


def check_language(value: str) -> str:
    """Languages are compared with the detector's ISO 639-1 codes, so accept only those."""
    code = value.strip().lower()
    if code not in ISO_639_1:
        raise ValueError(
            f"unknown language code {value!r}{suggestion(code, ISO_639_1)}: "
            "use ISO 639-1, e.g. en, ru, fa"
        )
    return code


def check_not_blank(value: str) -> str:
    """An empty query or keyword would match nothing (or everything); refuse it."""
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def check_database_url(value: str) -> str:
    """Only the shape is checked here (the URL may hold a password, so it is never quoted)."""
    if not _DATABASE_URL.fullmatch(value.strip()):
        raise ValueError(
            "bad database URL: expected e.g. sqlite:///monitor.db or "
            "postgresql+psycopg://user@host/db"
        )
    return value.strip()
