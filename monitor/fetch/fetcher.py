"""Fetch one URL politely and within bounds: conditional GET, caps, redirects, per-host limits.

Every fetch is bounded (connect and total timeouts, decompressed size, redirect
count, concurrent requests per host) and every failure comes out as a
FetchError whose reason is data the poller can store and act on.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import logging
import zlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType, TracebackType
from typing import Self

import httpcore
import httpx

from monitor import __version__
from monitor.clock import Clock, utc_now
from monitor.fetch.decoding import (
    ACCEPT_ENCODING,
    UnsupportedEncodingError,
    decoders_for,
    run_chain,
)
from monitor.fetch.errors import (
    BlockedAddressError,
    FetchError,
    error_for_exception,
    error_for_status,
    redact_url,
)
from monitor.fetch.guard import GuardedBackend, Resolver, resolve_host
from monitor.fetch.robots import RobotsCache

__all__ = ["FetchLimits", "FetchResult", "Fetcher"]

log = logging.getLogger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Everything a fetch can raise that is not ours, mapped by errors.reason_for_exception.
_FOREIGN_ERRORS = (
    BlockedAddressError,
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.CookieConflict,
    httpx.StreamError,
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.ProxyError,
    httpcore.UnsupportedProtocol,
    httpcore.ConnectionNotAvailable,
    OSError,
    UnicodeError,
    zlib.error,
)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """The bounds of every fetch (ARCHITECTURE.md, "Limits and failures")."""

    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024  # of the decompressed body
    max_redirects: int = 5
    per_host_concurrency: int = 2
    allow_private_networks: bool = False
    user_agent: str = f"monitor/{__version__} (+https://github.com/monitor-feeds/monitor)"

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "total_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"FetchLimits.{name} must be positive, got {getattr(self, name)}")
        for name in ("max_bytes", "per_host_concurrency"):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"FetchLimits.{name} must be at least 1, got {getattr(self, name)}"
                )
        if self.max_redirects < 0:
            raise ValueError(f"FetchLimits.max_redirects must be >= 0, got {self.max_redirects}")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A usable answer: 2xx with its body, or 304 (not_modified) with an empty one."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]  # lowercased names
    body: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool
    elapsed_s: float


@dataclass(frozen=True, slots=True)
class _Hop:
    """One request's outcome: a result, or where to go next."""

    result: FetchResult | None = None
    location: httpx.URL | None = None


class Fetcher:
    """An HTTP client for sources and articles; use as `async with Fetcher(limits) as f`."""

    def __init__(
        self,
        limits: FetchLimits | None = None,
        *,
        clock: Clock = utc_now,
        resolver: Resolver = resolve_host,
    ) -> None:
        self.limits = limits if limits is not None else FetchLimits()
        self._clock = clock
        self._resolver = resolver
        self._client: httpx.AsyncClient | None = None
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._robots = RobotsCache(
            self._robots_txt, self.limits.user_agent.split("/")[0], clock=clock
        )

    async def __aenter__(self) -> Self:
        self._client = self._build_client()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """GET `url`, following redirects; raise FetchError for anything but 2xx or 304.

        `etag` / `last_modified` are the validators of the previous answer; they
        are sent as If-None-Match / If-Modified-Since (RFC 9110 §13.1.2, §13.1.3)
        and a 304 comes back as `not_modified=True` with an empty body.
        """
        if self._client is None:
            raise RuntimeError("Fetcher used outside `async with`")
        loop = asyncio.get_running_loop()
        started = loop.time()
        headers = _request_headers(etag=etag, last_modified=last_modified, accept=accept)
        target = _parse_target(url, url)
        seen = {str(target)}
        budget = self.limits.total_timeout
        try:
            for _ in range(self.limits.max_redirects + 1):
                hop_started = loop.time()
                hop = await self._request_once(url, target, headers, budget, started)
                budget -= loop.time() - hop_started
                if hop.result is not None:
                    result = _with_sent_validators(hop.result, etag, last_modified)
                    log.debug(
                        "fetch_done url=%s final_url=%s status=%d bytes=%d elapsed_s=%.3f",
                        redact_url(url),
                        redact_url(result.final_url),
                        result.status,
                        len(result.body),
                        result.elapsed_s,
                    )
                    return result
                assert hop.location is not None
                target = hop.location
                if str(target) in seen:
                    raise FetchError("too_many_redirects", f"redirect loop at {target}", url=url)
                seen.add(str(target))
            raise FetchError(
                "too_many_redirects",
                f"more than {self.limits.max_redirects} redirects",
                url=url,
            )
        except FetchError as exc:
            log.debug("fetch_failed %s", exc.describe())
            raise

    async def robots_allows(self, url: str) -> bool:
        """Whether the site's robots.txt lets us fetch `url`; ask before fetching article pages.

        robots.txt is fetched through `fetch` (same limits and address guard) and
        kept per site for up to a day (RFC 9309 §2.4).
        """
        allowed = await self._robots.allows(url)
        if not allowed:
            log.debug("robots_disallowed url=%s", redact_url(url))
        return allowed

    async def _robots_txt(self, url: str) -> bytes:
        return (await self.fetch(url, accept="text/plain")).body

    async def _request_once(
        self,
        url: str,
        target: httpx.URL,
        headers: dict[str, str],
        budget: float,
        started: float,
    ) -> _Hop:
        """One GET within the remaining time budget, holding a per-host slot throughout."""
        assert self._client is not None
        if budget <= 0:
            raise _timeout_error(url, self.limits.total_timeout)
        async with self._host_slot(target.host):
            try:
                async with asyncio.timeout(budget):
                    return await self._exchange(url, target, headers, started)
            except TimeoutError as exc:
                raise _timeout_error(url, self.limits.total_timeout) from exc
            except FetchError:
                raise
            except UnsupportedEncodingError as exc:
                raise FetchError("network", str(exc), url=url, retryable=False) from exc
            except _FOREIGN_ERRORS as exc:
                raise error_for_exception(exc, url, now=self._clock()) from exc

    async def _exchange(
        self, url: str, target: httpx.URL, headers: dict[str, str], started: float
    ) -> _Hop:
        assert self._client is not None
        async with self._client.stream("GET", target, headers=headers) as response:
            status = response.status_code
            if status in _REDIRECTS and "location" in response.headers:
                return _Hop(location=_parse_target(response.headers["location"], url, target))
            if status == 304:
                return _Hop(result=self._result(url, response, b"", started))
            if not 200 <= status <= 299:
                raise error_for_status(status, response.headers, url, now=self._clock())
            body = await self._read_capped(url, response)
            return _Hop(result=self._result(url, response, body, started))

    async def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        """The decoded body, refused as too_large as soon as it passes the cap."""
        cap = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        encoding = response.headers.get("content-encoding", "")
        if not encoding and declared.isdigit() and int(declared) > cap:
            raise _too_large(url, cap)
        decoders = decoders_for(encoding)
        body = bytearray()
        async for raw in response.aiter_raw():
            for piece in run_chain(raw, decoders):
                body += piece
                if len(body) > cap:
                    raise _too_large(url, cap)
        for piece in run_chain(b"", decoders, final=True):
            body += piece
            if len(body) > cap:
                raise _too_large(url, cap)
        return bytes(body)

    def _result(
        self, url: str, response: httpx.Response, body: bytes, started: float
    ) -> FetchResult:
        headers = _lowercased(response.headers)
        return FetchResult(
            url=url,
            final_url=str(response.url),
            status=response.status_code,
            headers=headers,
            body=body,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            not_modified=response.status_code == 304,
            elapsed_s=asyncio.get_running_loop().time() - started,
        )

    @contextlib.asynccontextmanager
    async def _host_slot(self, host: str) -> AsyncIterator[None]:
        slot = self._host_slots.get(host)
        if slot is None:
            slot = self._host_slots[host] = asyncio.Semaphore(self.limits.per_host_concurrency)
        async with slot:
            yield

    def _build_client(self) -> httpx.AsyncClient:
        limits = self.limits
        return httpx.AsyncClient(
            transport=_GuardedTransport(
                allow_private_networks=limits.allow_private_networks, resolver=self._resolver
            ),
            timeout=httpx.Timeout(limits.total_timeout, connect=limits.connect_timeout),
            follow_redirects=False,  # followed by hand, so that every hop is checked
            trust_env=False,  # a proxy from the environment would bypass the address guard
            cookies=_no_cookies(),
            headers={"User-Agent": limits.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a connection pool whose network backend is the address guard."""

    def __init__(self, *, allow_private_networks: bool, resolver: Resolver) -> None:
        super().__init__(trust_env=False)
        # httpx has no public hook for the network backend, so the pool is rebuilt with ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(
                allow_private_networks=allow_private_networks, resolver=resolver
            ),
        )


def _no_cookies() -> http.cookiejar.CookieJar:
    """A jar that keeps nothing: one source's cookies must not follow us to another."""
    return http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def _request_headers(
    *, etag: str | None, last_modified: str | None, accept: str | None
) -> dict[str, str]:
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if accept:
        headers["Accept"] = accept
    return headers


def _parse_target(location: str, url: str, base: httpx.URL | None = None) -> httpx.URL:
    """An absolute http(s) URL without fragment, or FetchError(invalid_url)."""
    try:
        target = base.join(location) if base is not None else httpx.URL(location)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        raise FetchError("invalid_url", f"invalid URL {location!r}: {exc}", url=url) from exc
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError("invalid_url", f"not an http(s) URL: {location!r}", url=url)
    return target.copy_with(fragment=None)


def _lowercased(headers: httpx.Headers) -> Mapping[str, str]:
    merged: dict[str, str] = {}
    for name, value in headers.multi_items():
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return MappingProxyType(merged)


def _with_sent_validators(
    result: FetchResult, etag: str | None, last_modified: str | None
) -> FetchResult:
    """A 304 need not repeat the validators; the ones we sent stay current (RFC 9110 §15.4.5)."""
    if not result.not_modified:
        return result
    return FetchResult(
        url=result.url,
        final_url=result.final_url,
        status=result.status,
        headers=result.headers,
        body=result.body,
        etag=result.etag or etag,
        last_modified=result.last_modified or last_modified,
        not_modified=True,
        elapsed_s=result.elapsed_s,
    )


def _timeout_error(url: str, total: float) -> FetchError:
    return FetchError("timeout", f"timeout: no complete answer within {total:g}s", url=url)


def _too_large(url: str, cap: int) -> FetchError:
    return FetchError("too_large", f"body larger than {cap} bytes (decompressed)", url=url)
