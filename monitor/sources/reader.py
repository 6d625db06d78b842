"""Turn a fetched source body into entries according to the source's kind.

`auto` detects the kind from the body; an HTML page that advertises a feed with
`<link rel="alternate">` is read through that feed, and a sitemap index is followed
one level down, a bounded number of child sitemaps.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from monitor.fetch import FetchError, FetchResult
from monitor.sources import Entry
from monitor.sources.detect import detect_kind, find_feed_links
from monitor.sources.feed import parse_feed
from monitor.sources.html import parse_listing
from monitor.sources.sitemap import parse_sitemap

log = logging.getLogger(__name__)

MAX_CHILD_SITEMAPS = 5


class SourceLike(Protocol):
    name: str
    kind: str
    links: str | None


class FetcherLike(Protocol):
    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult: ...


async def read_entries(
    source: SourceLike, result: FetchResult, fetcher: FetcherLike, *, now: datetime
) -> list[Entry]:
    """Entries of the source, raising SourceParseError or FetchError when it cannot be read."""
    kind = source.kind
    if kind == "auto":
        kind = detect_kind(result.body, result.headers)
        if kind == "html" and not source.links:
            feed_links = find_feed_links(result.body, result.final_url)
            if feed_links:
                log.debug("feed_discovered source=%s feed=%s", source.name, feed_links[0])
                feed = await fetcher.fetch(feed_links[0])
                return parse_feed(feed.body, feed.final_url, feed.headers)
    if kind == "feed":
        return parse_feed(result.body, result.final_url, result.headers)
    if kind == "sitemap":
        return await read_sitemap(source, result, fetcher, now=now)
    return parse_listing(result.body, result.final_url, result.headers, links_selector=source.links)


async def read_sitemap(
    source: SourceLike, result: FetchResult, fetcher: FetcherLike, *, now: datetime
) -> list[Entry]:
    """A sitemap's recent entries, and those of the first few child sitemaps of an index."""
    sitemap = parse_sitemap(result.body, result.final_url, result.headers, now=now)
    entries = list(sitemap.entries)
    for child_url in sitemap.child_sitemaps[:MAX_CHILD_SITEMAPS]:
        try:
            child = await fetcher.fetch(child_url)
        except FetchError as error:
            log.warning(
                "sitemap_child_failed source=%s url=%s reason=%s",
                source.name,
                child_url,
                error.reason,
            )
            continue
        entries.extend(parse_sitemap(child.body, child.final_url, child.headers, now=now).entries)
    return entries
