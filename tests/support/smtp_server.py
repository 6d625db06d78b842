"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records every envelope and can be told to fail.

Use the `smtp_server` fixture, or `with SmtpServer() as server:`. `server.reply_next(...)`
queues replies for the next DATA commands (e.g. "451 4.3.0 try later", "550 5.7.1 no").
`server.mails` holds what arrived: envelope (mail_from, rcpt_tos), raw bytes, parsed message,
the AUTH login and whether TLS was on. `make_self_signed_certificate(dir)` gives a server
certificate (openssl CLI) for `SmtpServer(starttls_context=...)` or `implicit_tls_context`.
"""

from __future__ import annotations

import email
import socket
import ssl
import subprocess
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class ReceivedMail:
    """One accepted message: the SMTP envelope and the raw bytes as received."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes
    auth_user: str | None = None
    tls: bool = False

    @property
    def message(self) -> EmailMessage:
        """The content parsed with the modern email policy."""
        parsed = email.message_from_bytes(self.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def header_names(self) -> list[str]:
        """Header field names in order, lower-cased (repeated names appear repeatedly)."""
        return [name.lower() for name in self.message]


@dataclass
class _Recorder:
    """The aiosmtpd handler: scripted replies first, otherwise record and accept."""

    mails: list[ReceivedMail] = field(default_factory=list)
    replies: deque[str] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.replies:
                return self.replies.popleft()
            login = session.auth_data
            user = login.login.decode() if isinstance(login, LoginPassword) else None
            self.mails.append(
                ReceivedMail(
                    mail_from=envelope.mail_from,
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    content=bytes(envelope.original_content or envelope.content),
                    auth_user=user,
                    tls=server.transport.get_extra_info("ssl_object") is not None,
                )
            )
        return "250 2.0.0 Message accepted for delivery"


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    """aiosmtpd in its own thread; plaintext unless given TLS, AUTH when credentials are given.

    `starttls_context` offers STARTTLS with that server context; `implicit_tls_context`
    speaks TLS from the first byte (smtps). `host` may be any local address.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        credentials: tuple[str, str] | None = None,
        starttls_context: ssl.SSLContext | None = None,
        implicit_tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self._recorder = _Recorder()
        self._credentials = credentials
        self.port = _free_port(host)
        kwargs: dict[str, Any] = {}
        if credentials is not None:
            kwargs |= {"authenticator": self._authenticate, "auth_require_tls": False}
        if starttls_context is not None:
            kwargs["tls_context"] = starttls_context
        if implicit_tls_context is not None:
            kwargs["ssl_context"] = implicit_tls_context
        self._controller = Controller(
            self._recorder, hostname=host, port=self.port, ready_timeout=10, **kwargs
        )

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if (
            isinstance(auth_data, LoginPassword)
            and self._credentials is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == self._credentials
        ):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()

    @property
    def mails(self) -> list[ReceivedMail]:
        """Messages accepted so far, oldest first."""
        with self._recorder.lock:
            return list(self._recorder.mails)

    def reply_next(self, *replies: str) -> None:
        """Answer the next DATA commands with these replies (e.g. '451 4.3.0 later') in order."""
        with self._recorder.lock:
            self._recorder.replies.extend(replies)


@dataclass(frozen=True)
class Certificate:
    """A self-signed server certificate for 127.0.0.1 and localhost."""

    certfile: Path
    keyfile: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certfile, self.keyfile)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts exactly this certificate."""
        return ssl.create_default_context(cafile=str(self.certfile))


def make_self_signed_certificate(directory: Path) -> Certificate:
    """Create a one-day EC certificate with openssl (the CLI: no extra Python dependency)."""
    certfile, keyfile = directory / "server.crt", directory / "server.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec",
            "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", str(keyfile), "-out", str(certfile),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    return Certificate(certfile, keyfile)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A fresh recording SMTP server on 127.0.0.1, stopped after the test."""
    with SmtpServer() as server:
        yield server
