"""Decide whether robots.txt lets us fetch an article page (RFC 9309), one fetch per site a day.

Feeds are published to be polled, so only article pages are checked. Rules
follow RFC 9309: the group for our product token (else `*`), longest matching
path pattern wins, `allow` wins a tie, `*` and `$` are wildcards; a missing
robots.txt (4xx) allows everything, an unreachable one (5xx, network) allows
nothing until it is retried (§2.3.1.3, §2.3.1.4).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from monitor.clock import Clock, utc_now
from monitor.fetch.errors import FetchError

__all__ = ["RobotsCache", "RobotsRules", "parse_robots"]

PARSE_LIMIT = 500 * 1024  # RFC 9309 §2.5: at least 500 KiB must be parsed
ALLOW_ALL_TTL = timedelta(hours=24)  # RFC 9309 §2.4: cache no longer than 24 hours
UNREACHABLE_TTL = timedelta(hours=1)
MAX_SITES = 10_000

FetchText = Callable[[str], Awaitable[bytes]]


@dataclass(frozen=True, slots=True)
class _Rule:
    allow: bool
    pattern: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """The rules of one site that apply to us; no rules means everything is allowed."""

    rules: tuple[_Rule, ...] = ()
    disallow_all: bool = False

    def allows(self, url: str) -> bool:
        """True when the longest matching rule allows the URL's path (and query)."""
        if self.disallow_all:
            return False
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if path == "/robots.txt":
            return True
        best: _Rule | None = None
        for rule in self.rules:
            if rule.regex.match(path) and (
                best is None
                or len(rule.pattern) > len(best.pattern)
                or (len(rule.pattern) == len(best.pattern) and rule.allow)
            ):
                best = rule
        return best is None or best.allow


def parse_robots(text: str, product: str) -> RobotsRules:
    """The rules for `product` (case-insensitive), else for `*`, merged across groups."""
    product = product.lower()
    groups: list[tuple[list[str], list[_Rule]]] = []
    reading_agents = False
    for raw_line in text[:PARSE_LIMIT].splitlines():
        key, sep, value = raw_line.split("#", 1)[0].partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if not reading_agents:
                groups.append(([], []))
                reading_agents = True
            groups[-1][0].append(value.lower())
        elif key in ("allow", "disallow") and groups:
            reading_agents = False
            if value:  # an empty pattern matches nothing (RFC 9309 §2.2.2)
                groups[-1][1].append(_rule(key == "allow", value))
        else:
            reading_agents = False
    ours = [rules for agents, rules in groups if product in agents]
    if not ours:
        ours = [rules for agents, rules in groups if "*" in agents]
    return RobotsRules(rules=tuple(rule for rules in ours for rule in rules))


def _rule(allow: bool, pattern: str) -> _Rule:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(piece) for piece in body.split("*"))
    return _Rule(allow, pattern, re.compile(regex + (r"\Z" if anchored else "")))


class RobotsCache:
    """robots.txt per site (scheme, host, port), fetched once per TTL, one fetch at a time."""

    def __init__(self, fetch_text: FetchText, product: str, *, clock: Clock = utc_now) -> None:
        self._fetch_text = fetch_text
        self._product = product
        self._clock = clock
        self._sites: dict[str, tuple[RobotsRules, datetime]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allows(self, url: str) -> bool:
        """Whether the site's robots.txt lets us fetch `url`."""
        site = _site_of(url)
        if site is None:
            return True  # not an http(s) URL: the fetch itself will refuse it
        lock = self._locks.setdefault(site, asyncio.Lock())
        async with lock:
            cached = self._sites.get(site)
            if cached is None or cached[1] <= self._clock():
                cached = await self._load(site)
                self._remember(site, cached)
        return cached[0].allows(url)

    async def _load(self, site: str) -> tuple[RobotsRules, datetime]:
        now = self._clock()
        try:
            body = await self._fetch_text(f"{site}/robots.txt")
        except FetchError as error:
            if error.reason.startswith("http_4") and error.reason != "http_429":
                return RobotsRules(), now + ALLOW_ALL_TTL  # unavailable: no restrictions
            return RobotsRules(disallow_all=True), now + UNREACHABLE_TTL
        text = body[:PARSE_LIMIT].decode("utf-8", "replace")
        return parse_robots(text, self._product), now + ALLOW_ALL_TTL

    def _remember(self, site: str, entry: tuple[RobotsRules, datetime]) -> None:
        if site not in self._sites and len(self._sites) >= MAX_SITES:
            oldest = next(iter(self._sites))
            del self._sites[oldest]
            self._locks.pop(oldest, None)
        self._sites[site] = entry


def _site_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port else "")
