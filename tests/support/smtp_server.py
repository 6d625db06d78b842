"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records every envelope and can be told to fail.

Use the `smtp_server` fixture, or `with SmtpServer() as server:`. `server.reply_next(...)`
queues replies for the next DATA commands (e.g. "451 4.3.0 try later", "550 5.7.1 no").
"""

from __future__ import annotations

import email
import socket
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
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
                )
            )
        return "250 2.0.0 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    """aiosmtpd in its own thread on 127.0.0.1; plaintext, AUTH allowed when credentials given."""

    host = "127.0.0.1"

    def __init__(self, *, credentials: tuple[str, str] | None = None) -> None:
        self._recorder = _Recorder()
        self._credentials = credentials
        self.port = _free_port()
        kwargs: dict[str, Any] = {}
        if credentials is not None:
            kwargs = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(
            self._recorder, hostname=self.host, port=self.port, ready_timeout=10, **kwargs
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


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A fresh recording SMTP server on 127.0.0.1, stopped after the test."""
    with SmtpServer() as server:
        yield server
