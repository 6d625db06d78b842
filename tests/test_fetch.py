"""Fetching against a real loopback server: what a source poller sees in each situation."""

from __future__ import annotations

import asyncio
import inspect
import socket
import ssl
import time
import tracemalloc
from datetime import UTC, datetime
from types import ModuleType

import httpcore
import httpx
import pytest

from monitor.fetch import (
    REASONS,
    Fetcher,
    FetchError,
    FetchLimits,
    FetchResult,
    is_public_address,
)
from monitor.fetch.errors import EXCEPTION_REASONS, parse_retry_after, reason_for_exception
from tests.support.http_server import (
    HttpServer,
    Reply,
    drip,
    gzip_body,
    gzip_bomb,
    http_server,
    redirect,
    repeated,
    server_threads,
)

__all__ = ["http_server"]  # the fixture, imported explicitly

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
LOOPBACK = FetchLimits(allow_private_networks=True, connect_timeout=2.0, total_timeout=5.0)


def fixed_clock() -> datetime:
    return NOW


async def fetch(url: str, limits: FetchLimits = LOOPBACK, **kwargs: str | None) -> FetchResult:
    async with Fetcher(limits, clock=fixed_clock) as fetcher:
        return await fetcher.fetch(url, **kwargs)


async def fetch_error(url: str, limits: FetchLimits = LOOPBACK) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetch(url, limits)
    return caught.value


async def test_a_page_comes_back_with_body_headers_and_validators(http_server: HttpServer) -> None:
    url = http_server.route(
        "/feed.xml",
        Reply(
            body=b"<rss/>",
            headers={"Content-Type": "application/rss+xml", "X-Thing": "1"},
            etag='"v1"',
            last_modified="Fri, 27 Nov 2026 10:00:00 GMT",
        ),
    )
    result = await fetch(url, accept="application/rss+xml")
    assert (result.status, result.body, result.not_modified) == (200, b"<rss/>", False)
    assert result.headers["content-type"] == "application/rss+xml"
    assert result.etag == '"v1"'
    assert result.last_modified == "Fri, 27 Nov 2026 10:00:00 GMT"
    assert result.final_url == url
    sent = http_server.requests_for("/feed.xml")[0].headers
    assert sent["user-agent"].startswith("monitor/")
    assert sent["accept"] == "application/rss+xml"


async def test_unchanged_feed_answers_304_when_validators_are_sent(
    http_server: HttpServer,
) -> None:
    stamp = "Fri, 27 Nov 2026 10:00:00 GMT"
    url = http_server.route("/feed.xml", Reply(body=b"<rss/>", etag='"v1"', last_modified=stamp))
    first = await fetch(url)
    again = await fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified
    assert again.status == 304
    assert again.body == b""
    assert again.etag == '"v1"'
    sent = http_server.requests_for("/feed.xml")[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Fri, 27 Nov 2026 10:00:00 GMT"


async def test_last_modified_alone_also_gives_304(http_server: HttpServer) -> None:
    stamp = "Fri, 27 Nov 2026 10:00:00 GMT"
    url = http_server.route("/f", Reply(body=b"x", last_modified=stamp))
    result = await fetch(url, last_modified=stamp)
    assert result.not_modified
    assert result.last_modified == stamp


async def test_gzip_body_is_decompressed(http_server: HttpServer) -> None:
    text = "Новости дня. " * 1000
    url = http_server.route(
        "/gz", Reply(body=gzip_body(text.encode()), headers={"Content-Encoding": "gzip"})
    )
    result = await fetch(url)
    assert result.body.decode() == text
    assert "gzip" in http_server.requests_for("/gz")[0].headers["accept-encoding"]


async def test_gzip_bomb_stops_at_the_cap_with_bounded_memory(http_server: HttpServer) -> None:
    url = http_server.route(
        "/bomb", Reply(body=gzip_bomb(8 * 1024**3), headers={"Content-Encoding": "gzip"})
    )
    limits = FetchLimits(allow_private_networks=True, max_bytes=5 * 1024 * 1024)
    tracemalloc.start()
    try:
        error = await fetch_error(url, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.reason == "too_large"
    assert not error.retryable
    assert peak < 30 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


async def test_huge_streamed_page_is_too_large(http_server: HttpServer) -> None:
    url = http_server.route("/huge", Reply(body=repeated(b"a" * 65536, 50 * 1024 * 1024)))
    limits = FetchLimits(allow_private_networks=True, max_bytes=1024 * 1024)
    error = await fetch_error(url, limits)
    assert error.reason == "too_large"


async def test_declared_length_over_the_cap_is_refused_before_reading(
    http_server: HttpServer,
) -> None:
    url = http_server.route("/big", Reply(body=b"b" * 300_000))
    limits = FetchLimits(allow_private_networks=True, max_bytes=100_000)
    assert (await fetch_error(url, limits)).reason == "too_large"


async def test_body_exactly_at_the_cap_is_accepted(http_server: HttpServer) -> None:
    url = http_server.route("/exact", Reply(body=repeated(b"c" * 1000, 100_000)))
    limits = FetchLimits(allow_private_networks=True, max_bytes=100_000)
    assert len((await fetch(url, limits)).body) == 100_000


async def test_server_that_never_answers_times_out_within_the_total(
    http_server: HttpServer,
) -> None:
    url = http_server.route("/hang", Reply(hang=True))
    limits = FetchLimits(allow_private_networks=True, connect_timeout=0.5, total_timeout=0.5)
    loop = asyncio.get_running_loop()
    started = loop.time()
    error = await fetch_error(url, limits)
    assert error.reason == "timeout"
    assert error.retryable
    assert loop.time() - started < 2.0


def test_server_releases_hanging_clients_at_once_on_stop() -> None:
    server = HttpServer().start()
    server.route("/hang", Reply(hang=True))
    server.route("/drip", Reply(body=drip(b"x" * 1000), chunk_delay=10.0))
    clients = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(2)]
    try:
        for client, path in zip(clients, ("/hang", "/drip"), strict=True):
            client.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        clients[1].recv(1)  # the drip has started
        started = time.perf_counter()
        server.stop()
        assert time.perf_counter() - started < 1.0
        assert server_threads() == []
    finally:
        for client in clients:
            client.close()


async def test_slow_drip_times_out_within_the_total(http_server: HttpServer) -> None:
    # Each byte arrives well within any read timeout; only the total bound can stop it.
    url = http_server.route("/drip", Reply(body=drip(b"x" * 200), chunk_delay=0.05))
    limits = FetchLimits(allow_private_networks=True, total_timeout=0.6)
    loop = asyncio.get_running_loop()
    started = loop.time()
    error = await fetch_error(url, limits)
    assert error.reason == "timeout"
    assert loop.time() - started < 2.0


@pytest.mark.parametrize(
    ("status", "headers", "reason", "retryable", "retry_after"),
    [
        (404, {}, "http_404", False, None),
        (410, {}, "http_410", False, None),
        (403, {}, "http_4xx", False, None),
        (408, {}, "http_4xx", True, None),
        (500, {}, "http_5xx", True, None),
        (429, {"Retry-After": "120"}, "http_429", True, 120.0),
        (503, {"Retry-After": "Sat, 28 Nov 2026 12:05:00 GMT"}, "http_5xx", True, 300.0),
    ],
    ids=["404", "410", "403", "408", "500", "429-seconds", "503-http-date"],
)
async def test_error_statuses_carry_reason_and_retry_policy(
    http_server: HttpServer,
    status: int,
    headers: dict[str, str],
    reason: str,
    retryable: bool,
    retry_after: float | None,
) -> None:
    url = http_server.route("/s", Reply(status=status, headers=headers, body=b"no"))
    error = await fetch_error(url)
    assert (error.reason, error.retryable, error.status) == (reason, retryable, status)
    assert error.retry_after == retry_after
    assert url in str(error)


async def test_unavailable_then_recovered_source(http_server: HttpServer) -> None:
    url = http_server.route(
        "/flaky",
        [Reply(status=503, headers={"Retry-After": "5"}), Reply(body=b"<rss/>")],
    )
    error = await fetch_error(url)
    assert (error.reason, error.retry_after) == ("http_5xx", 5.0)
    assert (await fetch(url)).body == b"<rss/>"


async def test_redirect_chain_is_followed_to_the_final_url(http_server: HttpServer) -> None:
    http_server.route("/old", redirect("/older", 301))
    http_server.route("/older", redirect(http_server.url("/new"), 308))
    final = http_server.route("/new", Reply(body=b"here"))
    result = await fetch(http_server.url("/old"), etag='"e"')
    assert (result.body, result.final_url, result.url) == (b"here", final, http_server.url("/old"))
    assert http_server.requests_for("/new")[0].headers["if-none-match"] == '"e"'


async def test_redirect_loop_is_reported(http_server: HttpServer) -> None:
    http_server.route("/a", redirect("/b"))
    http_server.route("/b", redirect("/a"))
    error = await fetch_error(http_server.url("/a"))
    assert error.reason == "too_many_redirects"
    assert len(http_server.requests) == 2


async def test_more_redirects_than_the_limit(http_server: HttpServer) -> None:
    for hop in range(4):
        http_server.route(f"/r{hop}", redirect(f"/r{hop + 1}"))
    http_server.route("/r4", Reply(body=b"end"))
    limits = FetchLimits(allow_private_networks=True, max_redirects=3)
    error = await fetch_error(http_server.url("/r0"), limits)
    assert error.reason == "too_many_redirects"
    assert http_server.requests_for("/r4") == []


async def test_redirect_to_a_non_http_scheme_is_refused(http_server: HttpServer) -> None:
    url = http_server.route("/evil", redirect("file:///etc/passwd"))
    assert (await fetch_error(url)).reason == "invalid_url"


async def test_every_redirect_hop_goes_through_the_address_guard(
    http_server: HttpServer,
) -> None:
    # The guard lives in the connection itself, so a redirect to another host is
    # resolved and checked again; here both hops are recorded by the resolver.
    resolved: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        resolved.append(host)
        return ["127.0.0.1"]

    http_server.route("/go", redirect(http_server.url("/inside", host="localhost")))
    http_server.route("/inside", Reply(body=b"inside"))
    async with Fetcher(LOOPBACK, resolver=resolver) as fetcher:
        result = await fetcher.fetch(http_server.url("/go"))
    assert result.body == b"inside"
    assert resolved == ["127.0.0.1", "localhost"]


async def test_per_host_concurrency_never_exceeds_two(http_server: HttpServer) -> None:
    url = http_server.route("/slow", Reply(body=b"ok", delay=0.15))
    async with Fetcher(LOOPBACK) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(url) for _ in range(6)))
    assert [r.body for r in results] == [b"ok"] * 6
    assert http_server.max_in_flight == 2


async def test_different_hosts_do_not_share_a_slot(http_server: HttpServer) -> None:
    limits = FetchLimits(allow_private_networks=True, per_host_concurrency=1)
    http_server.route("/slow", Reply(body=b"ok", delay=0.2))
    urls = [http_server.url("/slow"), http_server.url("/slow", host="localhost")]
    async with Fetcher(limits) as fetcher:
        await asyncio.gather(*(fetcher.fetch(u) for u in urls))
    assert http_server.max_in_flight == 2


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_loopback_is_refused_by_default(http_server: HttpServer, host: str) -> None:
    url = http_server.route("/x", Reply(body=b"x"))
    error = await fetch_error(http_server.url("/x", host=host), FetchLimits())
    assert (error.reason, error.retryable) == ("blocked_address", False)
    assert http_server.requests == []
    assert (await fetch(url)).body == b"x"  # and allowed when private networks are


async def test_a_name_with_any_private_address_is_refused(http_server: HttpServer) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]

    async with Fetcher(FetchLimits(), resolver=resolver) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch("http://feeds.example.org/rss")
    assert caught.value.reason == "blocked_address"
    assert "10.0.0.7" in str(caught.value)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("127.1.2.3", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("100.127.255.254", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("239.255.255.250", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("192.0.2.1", False),
        ("198.18.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fe80::1%1", False),
        ("fc00::1", False),
        ("fd12:3456::1", False),
        ("fec0::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("::127.0.0.1", False),
        ("64:ff9b::a00:1", False),
        ("64:ff9b::5db8:d822", True),
        ("2002:7f00:1::", False),
        ("2001:db8::1", False),
        ("not-an-ip", False),
    ],
)
def test_address_check_table(address: str, public: bool) -> None:
    assert is_public_address(address) is public


async def test_unresolvable_host_is_dns() -> None:
    error = await fetch_error("http://nonexistent.invalid/feed", FetchLimits(connect_timeout=2.0))
    assert (error.reason, error.retryable) == ("dns", True)


async def test_refused_connection_is_network() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = await fetch_error(f"http://127.0.0.1:{port}/")
    assert (error.reason, error.retryable) == ("network", True)


@pytest.mark.parametrize(
    "url", ["ftp://example.org/feed", "not a url", "http://", "file:///etc/passwd", "http://[::1"]
)
async def test_unusable_urls_are_invalid_url(url: str) -> None:
    assert (await fetch_error(url)).reason == "invalid_url"


async def test_credentials_never_appear_in_errors(http_server: HttpServer) -> None:
    http_server.route("/private", Reply(status=401))
    url = f"http://reader:hunter2@127.0.0.1:{http_server.port}/private"
    error = await fetch_error(url)
    assert "hunter2" not in str(error)
    assert "hunter2" not in error.describe()
    assert error.reason == "http_4xx"


def _exception_classes(module: ModuleType) -> list[type[BaseException]]:
    return [
        value
        for _, value in inspect.getmembers(module, inspect.isclass)
        if issubclass(value, BaseException) and value.__module__.startswith(module.__name__)
    ]


@pytest.mark.parametrize("module", [httpx, httpcore], ids=["httpx", "httpcore"])
def test_every_library_exception_has_its_own_reason(module: ModuleType) -> None:
    classes = _exception_classes(module)
    assert classes, "no exception classes found: the enumeration is broken"
    unmapped = [c.__name__ for c in classes if c not in EXCEPTION_REASONS]
    assert unmapped == []
    assert set(EXCEPTION_REASONS.values()) <= set(REASONS)


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (httpx.ConnectError("boom"), "network"),
        (httpx.ReadTimeout("slow"), "timeout"),
        (httpx.RemoteProtocolError("bad"), "network"),
        (httpx.UnsupportedProtocol("gopher"), "invalid_url"),
        (socket.gaierror(-2, "Name or service not known"), "dns"),
        (ssl.SSLCertVerificationError("certificate verify failed"), "tls"),
        (ConnectionRefusedError(111, "refused"), "network"),
        (TimeoutError(), "timeout"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else value,
)
def test_foreign_exceptions_map_to_reasons(exc: BaseException, reason: str) -> None:
    assert reason_for_exception(exc) == reason


def test_the_cause_chain_gives_the_most_specific_reason() -> None:
    # httpx wraps httpcore, which wraps the ssl error: the root cause decides.
    root = ssl.SSLCertVerificationError("certificate verify failed")
    middle = httpcore.ConnectError(str(root))
    middle.__cause__ = root
    outer = httpx.ConnectError(str(middle))
    outer.__cause__ = middle
    assert reason_for_exception(outer) == "tls"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Sat, 28 Nov 2026 12:01:00 GMT", 60.0),
        ("Sat, 28 Nov 2026 11:00:00 GMT", 0.0),
        ("soon", None),
        ("-5", None),
        (None, None),
    ],
)
def test_retry_after_values(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


@pytest.mark.parametrize(
    "bad",
    [
        {"total_timeout": 0},
        {"connect_timeout": -1.0},
        {"max_bytes": 0},
        {"per_host_concurrency": 0},
        {"max_redirects": -1},
    ],
    ids=lambda bad: next(iter(bad)),
)
def test_nonsense_limits_are_refused_naming_the_field(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        FetchLimits(**bad)  # type: ignore[arg-type]


async def test_describe_is_one_line_of_stable_keys(http_server: HttpServer) -> None:
    url = http_server.route("/busy", Reply(status=429, headers={"Retry-After": "30"}))
    line = (await fetch_error(url)).describe()
    assert "\n" not in line
    assert line.startswith("reason=http_429 retryable=true status=429 retry_after=30 url=")
