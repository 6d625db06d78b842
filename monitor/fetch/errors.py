"""Classify every way a fetch can fail into one FetchError with a reason from a closed set.

Foreign exceptions (httpx, httpcore, the OS, ssl) are mapped here, at the
boundary, to the most specific reason, so that callers decide on data
(`reason`, `retryable`, `retry_after`) and never on library types. The tree:

    FetchError(reason)
      timeout             connect, read, write, pool or total deadline passed
      network             refused, reset, protocol violation, undecodable body
      dns                 the host name did not resolve
      tls                 handshake or certificate verification failed
      blocked_address     the host resolves to a private/loopback/... address
      too_large           the decompressed body passed the byte cap
      too_many_redirects  redirect limit passed, or a redirect loop
      invalid_url         not an http(s) URL, or unusable
      http_404 / http_410 / http_429 / http_4xx / http_5xx
"""

from __future__ import annotations

import socket
import ssl
import zlib
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpcore
import httpx

__all__ = [
    "EXCEPTION_REASONS",
    "REASONS",
    "BlockedAddressError",
    "FetchError",
    "error_for_exception",
    "error_for_status",
    "parse_retry_after",
    "reason_for_exception",
    "redact_url",
]

# reason -> retryable by default
REASONS: dict[str, bool] = {
    "timeout": True,
    "network": True,
    "dns": True,
    "tls": False,
    "blocked_address": False,
    "too_large": False,
    "too_many_redirects": False,
    "invalid_url": False,
    "http_4xx": False,
    "http_404": False,
    "http_410": False,
    "http_429": True,
    "http_5xx": True,
}


class FetchError(Exception):
    """A fetch that produced no usable response; `reason` says why, `retryable` what to do."""

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        url: str,
        retryable: bool | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown fetch failure reason {reason!r}")
        self.reason = reason
        self.url = redact_url(url)
        self.retryable = REASONS[reason] if retryable is None else retryable
        self.status = status
        self.retry_after = retry_after
        self.detail = message
        super().__init__(f"{self.url}: {message}")

    def describe(self) -> str:
        """One log-friendly line: stable keys first, the human message last."""
        parts = [f"reason={self.reason}", f"retryable={str(self.retryable).lower()}"]
        if self.status is not None:
            parts.append(f"status={self.status}")
        if self.retry_after is not None:
            parts.append(f"retry_after={self.retry_after:g}")
        parts.append(f"url={self.url}")
        parts.append(f"message={self.detail!r}")
        return " ".join(parts)


class BlockedAddressError(Exception):
    """Raised inside the transport when a host resolves to an address we refuse to reach."""

    def __init__(self, host: str, address: str) -> None:
        where = f"{host} is" if host == address else f"{host} resolves to {address},"
        super().__init__(f"{where} a non-public address (allow_private_networks is off)")
        self.host = host
        self.address = address


# The most specific reason for each foreign exception class; looked up along the MRO.
EXCEPTION_REASONS: dict[type[BaseException], str] = {
    # httpx
    httpx.HTTPError: "network",
    httpx.RequestError: "network",
    httpx.TransportError: "network",
    httpx.TimeoutException: "timeout",
    httpx.ConnectTimeout: "timeout",
    httpx.ReadTimeout: "timeout",
    httpx.WriteTimeout: "timeout",
    httpx.PoolTimeout: "timeout",
    httpx.NetworkError: "network",
    httpx.ConnectError: "network",
    httpx.ReadError: "network",
    httpx.WriteError: "network",
    httpx.CloseError: "network",
    httpx.ProtocolError: "network",
    httpx.LocalProtocolError: "network",
    httpx.RemoteProtocolError: "network",
    httpx.ProxyError: "network",
    httpx.UnsupportedProtocol: "invalid_url",
    httpx.DecodingError: "network",
    httpx.TooManyRedirects: "too_many_redirects",
    httpx.HTTPStatusError: "http_4xx",  # refined from the status by error_for_exception
    httpx.InvalidURL: "invalid_url",
    httpx.CookieConflict: "network",
    httpx.StreamError: "network",
    httpx.StreamConsumed: "network",
    httpx.StreamClosed: "network",
    httpx.ResponseNotRead: "network",
    httpx.RequestNotRead: "network",
    # httpcore (normally wrapped by httpx, mapped in case one slips through)
    httpcore.TimeoutException: "timeout",
    httpcore.ConnectTimeout: "timeout",
    httpcore.ReadTimeout: "timeout",
    httpcore.WriteTimeout: "timeout",
    httpcore.PoolTimeout: "timeout",
    httpcore.NetworkError: "network",
    httpcore.ConnectError: "network",
    httpcore.ReadError: "network",
    httpcore.WriteError: "network",
    httpcore.ProtocolError: "network",
    httpcore.LocalProtocolError: "network",
    httpcore.RemoteProtocolError: "network",
    httpcore.ProxyError: "network",
    httpcore.UnsupportedProtocol: "invalid_url",
    httpcore.ConnectionNotAvailable: "network",
    # ours and the OS
    BlockedAddressError: "blocked_address",
    TimeoutError: "timeout",
    socket.gaierror: "dns",
    ssl.SSLError: "tls",
    ssl.CertificateError: "tls",
    ConnectionError: "network",
    OSError: "network",
    UnicodeError: "invalid_url",  # a host name IDNA cannot encode
    zlib.error: "network",  # a corrupt gzip/deflate body
}

# Found anywhere in the cause chain, these say more than the wrapper around them.
_SPECIFIC_CAUSES: tuple[tuple[type[BaseException], str], ...] = (
    (BlockedAddressError, "blocked_address"),
    (ssl.SSLError, "tls"),
    (ssl.CertificateError, "tls"),
    (socket.gaierror, "dns"),
)


def reason_for_exception(exc: BaseException) -> str:
    """The most specific reason for `exc`, looking through `raise ... from` chains."""
    for link in _exception_chain(exc):
        for kind, reason in _SPECIFIC_CAUSES:
            if isinstance(link, kind):
                return reason
    for kind in type(exc).__mro__:
        if kind in EXCEPTION_REASONS:
            return EXCEPTION_REASONS[kind]
    return "network"


def error_for_exception(exc: BaseException, url: str, *, now: datetime) -> FetchError:
    """The FetchError for a foreign exception raised while fetching `url`."""
    if isinstance(exc, httpx.HTTPStatusError):
        return error_for_status(exc.response.status_code, exc.response.headers, url, now=now)
    reason = reason_for_exception(exc)
    message = str(exc) or type(exc).__name__
    return FetchError(reason, f"{reason}: {message}", url=url)


def error_for_status(status: int, headers: httpx.Headers, url: str, *, now: datetime) -> FetchError:
    """The FetchError for a final response that is neither 2xx, 304 nor a redirect."""
    retry_after = parse_retry_after(headers.get("retry-after"), now=now)
    message = f"HTTP {status}"
    if status == 404:
        return FetchError("http_404", message, url=url, status=status)
    if status == 410:
        return FetchError("http_410", message, url=url, status=status)
    if status == 429:
        return FetchError("http_429", message, url=url, status=status, retry_after=retry_after)
    if 500 <= status <= 599:
        return FetchError("http_5xx", message, url=url, status=status, retry_after=retry_after)
    if 400 <= status <= 499:
        # 408 Request Timeout is the server asking us to try again (RFC 9110 §15.5.9).
        return FetchError("http_4xx", message, url=url, status=status, retryable=status == 408)
    return FetchError("network", f"unexpected {message}", url=url, status=status)


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from Retry-After: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(min(int(value), 10**9))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def redact_url(url: str) -> str:
    """`url` without any user:password, so that errors and logs never carry credentials."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, tail = rest.partition("/")
    if "@" not in authority:
        return url
    return f"{scheme}://{authority.rpartition('@')[2]}{slash}{tail}"


def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
