"""A real HTTP/1.1 server on 127.0.0.1 in a background thread, scripted by tests.

Tests register routes (a reply, a sequence of replies, or a callable) and read
back what was requested. It serves conditional GET, gzip, gzip bombs, slow
drips, hanging connections, redirects and huge streamed bodies, and shuts down
in well under a second even with clients stuck mid-response. Usable from async
tests and from a daemon subprocess alike, since it runs on its own threads.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

__all__ = [
    "HttpServer",
    "RecordedRequest",
    "Reply",
    "drip",
    "gzip_body",
    "gzip_bomb",
    "http_server",
    "redirect",
    "repeated",
    "server_threads",
]

_THREAD_PREFIX = "test-http-server"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it; header names are lowercased."""

    method: str
    path: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Reply:
    """What to answer. `body` may be bytes or a factory of chunks (streamed, chunked).

    `etag` / `last_modified` make the server answer 304 to a matching
    If-None-Match / If-Modified-Since (RFC 9110 §13.1). `hang` accepts the
    request and never answers; `delay` waits before the status line.
    `chunk_delay` pauses between streamed chunks (a slow drip).
    """

    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0
    chunk_delay: float = 0.0
    hang: bool = False


Handler = Callable[[RecordedRequest], Reply]
Route = Reply | Sequence[Reply] | Handler


def redirect(location: str, status: int = 302) -> Reply:
    """A redirect to `location` (relative or absolute)."""
    return Reply(status=status, headers={"Location": location})


def gzip_body(data: bytes) -> bytes:
    """`data` gzip-compressed, to serve with Content-Encoding: gzip."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def gzip_bomb(decompressed_bytes: int, *, step: int = 1 << 20) -> Callable[[], Iterator[bytes]]:
    """A lazily compressed stream of zeros: about 1 KB on the wire per MB inflated.

    Nothing of the inflated size is ever held in memory: each MB of zeros is
    compressed as it is sent, so a multi-GB bomb costs the server nothing.
    """
    zeros = bytes(step)

    def chunks() -> Iterator[bytes]:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        remaining = decompressed_bytes
        while remaining > 0:
            piece = zeros if remaining >= step else zeros[:remaining]
            remaining -= len(piece)
            out = compressor.compress(piece)
            if out:
                yield out
        yield compressor.flush()

    return chunks


def repeated(chunk: bytes, total: int) -> Callable[[], Iterator[bytes]]:
    """A streamed body of `total` bytes made of `chunk`, never built whole."""

    def chunks() -> Iterator[bytes]:
        remaining = total
        while remaining > 0:
            piece = chunk[:remaining]
            remaining -= len(piece)
            yield piece

    return chunks


def drip(data: bytes, *, size: int = 1) -> Callable[[], Iterator[bytes]]:
    """`data` in `size`-byte chunks; pair with Reply.chunk_delay for a slow drip."""

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(data), size):
            yield data[start : start + size]

    return chunks


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self, owner: HttpServer) -> None:
        self.owner = owner
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        self.connection_threads: list[threading.Thread] = []
        super().__init__(("127.0.0.1", 0), _RequestHandler)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        with self.sockets_lock:
            self.open_sockets.add(request)
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"{_THREAD_PREFIX}-conn",
        )
        with self.sockets_lock:
            self.connection_threads = [t for t in self.connection_threads if t.is_alive()]
            self.connection_threads.append(thread)
        thread.start()

    def server_close(self) -> None:
        super().server_close()
        with self.sockets_lock:
            threads = list(self.connection_threads)
        for thread in threads:
            thread.join(timeout=5)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up mid-response are expected here; stay quiet."""

    def cut_all_connections(self) -> None:
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Tests read `HttpServer.requests` instead of stderr."""

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def _serve(self) -> None:
        owner = self.server.owner
        request = RecordedRequest(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        with owner.track_request(request):
            reply = owner.reply_for(request)
            if reply.hang:
                owner.stopping.wait()
                self.close_connection = True
                return
            if reply.delay and owner.stopping.wait(reply.delay):
                self.close_connection = True
                return
            try:
                self._send(reply, request)
            except (BrokenPipeError, ConnectionResetError, TimeoutError):
                self.close_connection = True

    def _send(self, reply: Reply, request: RecordedRequest) -> None:
        if _is_not_modified(reply, request.headers):
            self.send_response(304)
            self._send_validators(reply)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self._send_validators(reply)
        if isinstance(reply.body, bytes):
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.command == "HEAD":
            return
        stopping = self.server.owner.stopping
        for chunk in reply.body():
            if not chunk:
                continue
            self.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
            if reply.chunk_delay and stopping.wait(reply.chunk_delay):
                self.close_connection = True
                return
            if stopping.is_set():
                self.close_connection = True
                return
        self.wfile.write(b"0\r\n\r\n")

    def _send_validators(self, reply: Reply) -> None:
        if reply.etag is not None:
            self.send_header("ETag", reply.etag)
        if reply.last_modified is not None:
            self.send_header("Last-Modified", reply.last_modified)


def _is_not_modified(reply: Reply, headers: Mapping[str, str]) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins over If-Modified-Since when both are sent."""
    if reply.status != 200:
        return False
    if_none_match = headers.get("if-none-match")
    if reply.etag is not None and if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or reply.etag.removeprefix("W/") in tags
    if_modified_since = headers.get("if-modified-since")
    if reply.last_modified is not None and if_modified_since is not None:
        return if_modified_since == reply.last_modified
    return False


class HttpServer:
    """The scripted server: `route()` what to answer, `url()` to reach it, `requests` to check."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._routes: dict[str, Route] = {}
        self._positions: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{_THREAD_PREFIX}-accept",
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/", *, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, route: Route) -> str:
        """Answer requests for `path` (query string included if any); return its URL."""
        with self._lock:
            self._routes[path] = route
            self._positions[path] = 0
        return self.url(path)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> HttpServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release every client, hanging or not, and join every thread."""
        self.stopping.set()
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.cut_all_connections()
        self._server.server_close()

    def __enter__(self) -> HttpServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @contextlib.contextmanager
    def track_request(self, request: RecordedRequest) -> Iterator[None]:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1

    def reply_for(self, request: RecordedRequest) -> Reply:
        with self._lock:
            route = self._routes.get(request.path)
            if route is None:
                return Reply(status=404, body=b"not found")
            if isinstance(route, Reply):
                return route
            if isinstance(route, Sequence):
                position = self._positions[request.path]
                self._positions[request.path] = position + 1
                return route[min(position, len(route) - 1)]
        return route(request)


def server_threads() -> list[threading.Thread]:
    """Threads this module started that are still alive (teardown asserts none)."""
    return [t for t in threading.enumerate() if t.name.startswith(_THREAD_PREFIX) and t.is_alive()]


@pytest.fixture
def http_server() -> Iterator[HttpServer]:
    """A started server, stopped at teardown; fails the test if a server thread leaked."""
    server = HttpServer().start()
    try:
        yield server
    finally:
        server.stop()
        assert server_threads() == [], f"leaked server threads: {server_threads()}"
