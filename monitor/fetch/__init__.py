"""Fetch a source or an article with conditional GET, within bounds, and classify failures.

The only module that talks HTTP for sources: `Fetcher` (client and policy),
`FetchLimits`, `FetchResult`, `FetchError` whose reason is a closed set, and
`Fetcher.robots_allows` for article pages.
"""

from monitor.fetch.errors import REASONS, FetchError, parse_retry_after
from monitor.fetch.fetcher import Fetcher, FetchLimits, FetchResult
from monitor.fetch.guard import is_public_address
from monitor.fetch.robots import RobotsRules, parse_robots

__all__ = [
    "REASONS",
    "FetchError",
    "FetchLimits",
    "FetchResult",
    "Fetcher",
    "RobotsRules",
    "is_public_address",
    "parse_retry_after",
    "parse_robots",
]
