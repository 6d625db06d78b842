"""A real HTTP webhook receiver on 127.0.0.1 that verifies Standard Webhooks signatures.

Its verifier is written from the spec (https://www.standardwebhooks.com/), independently of
`monitor.alerts.signing`, so a bug there cannot hide itself. Script answers with
`receiver.reply_next(Reply(503), Reply(200))`; `Reply(hang=True)` never answers until the
receiver closes. Every request is recorded, accepted or not. An optional `validate` callable
(body -> problems) makes it answer 400 with the problems, as a chat service refuses a body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

TOLERANCE_SECONDS = 5 * 60


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    hang: bool = False


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as received, and what the receiver answered."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    status: int
    verified: bool | None  # None when the receiver has no secret
    problems: tuple[str, ...] = ()  # what `validate` found wrong with the body

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def key_from_secret(secret: str) -> bytes:
    """The spec: `whsec_` + base64 key, else (our contract) the secret's UTF-8 bytes."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_") :])
    return secret.encode("utf-8")


def verify_standard_webhook(secret: str, headers: dict[str, str], body: bytes, now: float) -> bool:
    """Check webhook-id/-timestamp/-signature: a v1 HMAC match and a timestamp within 5 min."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures or not timestamp.isdigit():
        return False
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    to_sign = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(
        hmac.new(key_from_secret(secret), to_sign, hashlib.sha256).digest()
    ).decode()
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = {name.lower(): value for name, value in self.headers.items()}
        owner = self.server.owner
        reply = owner._next_reply()
        verified = None
        if owner.secret is not None:
            verified = verify_standard_webhook(owner.secret, headers, body, owner.clock())
            if not verified:
                reply = Reply(401, body=b"bad signature")
        problems = tuple(owner.validate(body)) if owner.validate is not None else ()
        if problems and reply.status != 401:
            reply = Reply(400, body="\n".join(problems).encode("utf-8"))
        owner._record(
            ReceivedRequest("POST", self.path, headers, body, reply.status, verified, problems)
        )
        if reply.hang:
            owner._release.wait(timeout=30)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: WebhookReceiver

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up on a hanging reply is expected, not an error."""


class WebhookReceiver:
    """Threaded HTTP server on 127.0.0.1; `url` is where to POST."""

    def __init__(
        self,
        *,
        secret: str | None = None,
        clock: Callable[[], float] = time.time,
        validate: Callable[[bytes], list[str]] | None = None,
    ) -> None:
        self.secret = secret
        self.clock = clock
        self.validate = validate
        self._replies: deque[Reply] = deque()
        self._requests: list[ReceivedRequest] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}/hook"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def reply_next(self, *replies: Reply) -> None:
        """Answer the next requests with these, in order; afterwards 200."""
        with self._lock:
            self._replies.extend(replies)

    @property
    def requests(self) -> list[ReceivedRequest]:
        """Every request received, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def deliveries(self) -> list[ReceivedRequest]:
        """Requests answered 2xx: what a user would count as delivered."""
        return [r for r in self.requests if 200 <= r.status < 300]

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._replies.popleft() if self._replies else Reply()

    def _record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self._requests.append(request)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """An unsigned-mode receiver (no secret): records and answers as scripted."""
    with WebhookReceiver() as receiver:
        yield receiver
