"""robots.txt (RFC 9309): which article pages we may fetch, checked once per site."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.fetch import Fetcher, FetchLimits, parse_robots
from tests.support.http_server import HttpServer, Reply, http_server

__all__ = ["http_server"]  # the fixture, imported explicitly

ROBOTS = """
# news site
User-agent: *
Disallow: /private/
Allow: /private/press/

User-agent: Monitor
User-agent: other-bot
Disallow: /members
Allow: /members/free$
Disallow: /*.pdf$
Disallow: /search?

User-agent: monitor
Disallow: /drafts/
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/news/1", True),
        ("/members", False),
        ("/members/area", False),
        ("/members/free", True),
        ("/members/free/more", False),
        ("/files/report.pdf", False),
        ("/files/report.pdf?x=1", True),
        ("/search?q=border", False),
        ("/drafts/x", False),
        ("/private/x", True),  # our own groups replace the `*` group
        ("/robots.txt", True),
    ],
)
def test_rules_for_our_product_token(path: str, allowed: bool) -> None:
    rules = parse_robots(ROBOTS, "monitor")
    assert rules.allows(f"https://news.example.org{path}") is allowed


@pytest.mark.parametrize(
    ("path", "allowed"),
    [("/private/x", False), ("/private/press/release", True), ("/members", True)],
)
def test_star_group_when_we_are_not_named(path: str, allowed: bool) -> None:
    rules = parse_robots(ROBOTS, "somebot")
    assert rules.allows(f"https://news.example.org{path}") is allowed


def test_allow_wins_a_tie_and_empty_disallow_allows_everything() -> None:
    tie = parse_robots("User-agent: *\nDisallow: /page\nAllow: /page\n", "monitor")
    assert tie.allows("https://x.example/page")
    empty = parse_robots("User-agent: *\nDisallow:\n", "monitor")
    assert empty.allows("https://x.example/anything")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_robots_txt_is_fetched_once_per_site_per_day(http_server: HttpServer) -> None:
    http_server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n"))
    clock = Clock()
    limits = FetchLimits(allow_private_networks=True)
    async with Fetcher(limits, clock=clock) as fetcher:
        assert await fetcher.robots_allows(http_server.url("/news/1"))
        assert not await fetcher.robots_allows(http_server.url("/private/2"))
        assert len(http_server.requests_for("/robots.txt")) == 1
        clock.now += timedelta(hours=25)
        assert await fetcher.robots_allows(http_server.url("/news/3"))
    assert len(http_server.requests_for("/robots.txt")) == 2


@pytest.mark.parametrize(
    ("reply", "allowed"),
    [(Reply(status=404), True), (Reply(status=410), True), (Reply(status=503), False)],
    ids=["missing", "gone", "unreachable"],
)
async def test_missing_robots_allows_and_unreachable_disallows(
    http_server: HttpServer, reply: Reply, allowed: bool
) -> None:
    http_server.route("/robots.txt", reply)
    async with Fetcher(FetchLimits(allow_private_networks=True)) as fetcher:
        assert await fetcher.robots_allows(http_server.url("/article")) is allowed
