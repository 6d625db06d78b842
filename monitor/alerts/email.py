"""Deliver an alert as one SMTP mail (text + HTML) and classify SMTP failures for the retrier.

Transport security: `implicit_tls` (smtps://) wraps the connection in TLS from the start.
Otherwise STARTTLS is used whenever the server offers it; when it does not, and `starttls`
is required (smtp://), the mail is refused unless the server is on a loopback address (a
local relay, where plaintext never leaves the machine).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import jinja2

from monitor.alerts.delivery import DeliveryError
from monitor.alerts.templates import RenderedAlert, make_template_environment, render_alert_mail
from monitor.clock import Clock, utc_now

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 30.0
# smtplib's timeout bounds each socket operation; this bounds the whole conversation, well
# inside the dispatcher's lease (a send starts at most a minute into a two-minute lease).
SMTP_TOTAL_TIMEOUT = 45.0


def is_loopback_host(host: str) -> bool:
    """Return True for localhost names and loopback addresses (where plaintext stays local)."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def message_id_for(alert_id: str, sender: str) -> str:
    """Return a Message-ID derived only from the alert id, so a re-sent duplicate shares it."""
    local = re.sub(r"[^A-Za-z0-9._-]", "", alert_id) or "alert"
    domain = re.sub(r"[^A-Za-z0-9.-]", "", sender.rpartition("@")[2]) or "monitor.invalid"
    return f"<alert.{local}@{domain}>"


def build_alert_message(
    *,
    alert_id: str,
    rendered: RenderedAlert,
    sender: str,
    recipients: Sequence[str],
    date: str,
) -> EmailMessage:
    """Return the multipart/alternative message; headers hold only sanitised one-line text."""
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = date
    message["Message-ID"] = message_id_for(alert_id, sender)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    _refuse_multiline_headers(message)
    return message


def _refuse_multiline_headers(message: EmailMessage) -> None:
    """Fail closed if any header decoded to more than one line (header injection attempt)."""
    for name, value in message.items():
        if "\r" in str(value) or "\n" in str(value):
            raise DeliveryError(f"refusing mail: header {name} spans lines", retryable=False)


class EmailChannel:
    """Send each alert as its own mail to fixed recipients through one SMTP server."""

    def __init__(
        self,
        name: str,
        *,
        host: str,
        port: int,
        username: str | None,
        password: str | None,
        implicit_tls: bool,
        starttls: bool,
        sender: str,
        recipients: Sequence[str],
        timeout: float = SMTP_TIMEOUT,
        total_timeout: float = SMTP_TOTAL_TIMEOUT,
        ssl_context: ssl.SSLContext | None = None,
        templates: jinja2.Environment | None = None,
        clock: Clock = utc_now,
    ) -> None:
        if not recipients:
            raise ValueError(f"email channel {name!r} has no recipients")
        self.name = name
        self._host = host
        self._port = port
        self._username = username
        self._password = password
        self._implicit_tls = implicit_tls
        self._starttls = starttls
        self._sender = sender
        self._recipients = tuple(recipients)
        self._timeout = timeout
        self._total_timeout = total_timeout
        self._ssl_context = ssl_context or ssl.create_default_context()
        self._templates = templates or make_template_environment()
        self._clock = clock
        self._where = f"{host}:{port}"

    def __repr__(self) -> str:
        return f"EmailChannel(name={self.name!r}, server={self._where!r})"

    async def send(self, alert_id: str, payload: Mapping[str, Any]) -> None:
        """Render and send one mail; raise DeliveryError (4xx/network retryable, 5xx not)."""
        rendered = render_alert_mail(self._templates, alert_id, payload)
        message = build_alert_message(
            alert_id=alert_id,
            rendered=rendered,
            sender=self._sender,
            recipients=self._recipients,
            date=format_datetime(self._clock()),
        )
        data = message.as_bytes(policy=policy.SMTP)
        try:
            async with asyncio.timeout(self._total_timeout):
                refused = await asyncio.to_thread(self._send_blocking, data)
        except TimeoutError:
            raise DeliveryError(f"timeout talking to SMTP {self._where}", retryable=True) from None
        if refused:
            log.warning(
                "email_recipients_refused channel=%s refused=%d accepted=%d",
                self.name,
                len(refused),
                len(self._recipients) - len(refused),
            )

    def _send_blocking(self, data: bytes) -> dict[str, tuple[int, bytes]]:
        try:
            return self._converse(data)
        except DeliveryError:
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            raise DeliveryError(
                f"SMTP {self._where} refused every recipient (codes {codes})",
                retryable=any(400 <= code < 500 for code in codes),
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise DeliveryError(
                f"SMTP {self._where} does not support a required extension (AUTH?)",
                retryable=False,
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"SMTP {exc.smtp_code} from {self._where}: {self._safe_text(exc.smtp_error)}",
                retryable=not 500 <= exc.smtp_code < 600,
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            # Disconnects, timeouts, refused connections and TLS failures: try again later.
            raise DeliveryError(
                f"network error ({type(exc).__name__}) talking to SMTP {self._where}",
                retryable=True,
            ) from None

    def _converse(self, data: bytes) -> dict[str, tuple[int, bytes]]:
        # gethostname: smtplib's default getfqdn() may block on a DNS lookup.
        helo = socket.gethostname()
        smtp: smtplib.SMTP
        if self._implicit_tls:
            smtp = smtplib.SMTP_SSL(
                self._host,
                self._port,
                local_hostname=helo,
                timeout=self._timeout,
                context=self._ssl_context,
            )
        else:
            smtp = smtplib.SMTP(self._host, self._port, local_hostname=helo, timeout=self._timeout)
        with smtp:
            smtp.ehlo()
            if not self._implicit_tls:
                self._secure_plain_connection(smtp)
            if self._username:
                smtp.login(self._username, self._password or "")
            # Envelope recipients come from config only, never from headers.
            return smtp.sendmail(self._sender, list(self._recipients), data)

    def _secure_plain_connection(self, smtp: smtplib.SMTP) -> None:
        if smtp.has_extn("starttls"):
            smtp.starttls(context=self._ssl_context)
            smtp.ehlo()
        elif self._starttls and not is_loopback_host(self._host):
            raise DeliveryError(
                f"SMTP {self._where} does not offer STARTTLS; refusing to send in plaintext",
                retryable=True,
            )

    def _safe_text(self, raw: bytes | str) -> str:
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        text = " ".join(text.split())[:200]
        if self._password:
            text = text.replace(self._password, "***")
        return text
