"""Email delivery through a real SMTP server: one safe multipart mail per alert."""

from __future__ import annotations

import email
import socket
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.alerts import DeliveryError, EmailChannel
from monitor.alerts.email import build_alert_message, is_loopback_host
from monitor.alerts.templates import make_template_environment, render_alert_mail
from tests.support.smtp_server import Certificate, SmtpServer, make_self_signed_certificate
from tests.test_alerts_payload import sample_payload

ALERT_ID = "3f1c0d2e9a8b4c7d8e6f5a4b3c2d1e0f"
SENDER = "monitor@example.org"
RECIPIENTS = ["analyst@example.org", "desk@example.org"]
EXPECTED_HEADERS = {
    "subject",
    "from",
    "to",
    "date",
    "message-id",
    "auto-submitted",
    "mime-version",
    "content-type",
}


@pytest.fixture
def server() -> Any:
    with SmtpServer() as smtp:
        yield smtp


def mail_channel(server: SmtpServer, **overrides: Any) -> EmailChannel:
    settings: dict[str, Any] = {
        "host": server.host,
        "port": server.port,
        "username": None,
        "password": None,
        "implicit_tls": False,
        "starttls": True,
        "sender": SENDER,
        "recipients": RECIPIENTS,
        "timeout": 10,
        "clock": lambda: datetime(2026, 11, 24, 9, 31, tzinfo=UTC),
    }
    settings.update(overrides)
    return EmailChannel("desk-mail", **settings)


def parts(message: EmailMessage) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }


async def test_alert_arrives_as_one_multipart_mail_to_the_configured_recipients(
    server: SmtpServer,
) -> None:
    await mail_channel(server).send(ALERT_ID, sample_payload())
    [mail] = server.mails
    assert mail.mail_from == SENDER
    assert mail.rcpt_tos == tuple(RECIPIENTS)
    message = mail.message
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "[monitor] high central-asia-border: Troops gather at the border"
    assert message["Message-ID"] == f"<alert.{ALERT_ID}@example.org>"
    assert message["Auto-Submitted"] == "auto-generated"
    bodies = parts(message)
    assert set(bodies) == {"text/plain", "text/html"}
    assert "https://example.org/asia/troops.html" in bodies["text/plain"]
    assert "Matched terms: troops, CSTO" in bodies["text/plain"]
    assert 'href="https://example.org/asia/troops.html"' in bodies["text/html"]


async def test_a_resent_alert_keeps_its_message_id(server: SmtpServer) -> None:
    channel = mail_channel(server)
    await channel.send(ALERT_ID, sample_payload())
    await channel.send(ALERT_ID, sample_payload())
    first, second = server.mails
    assert first.message["Message-ID"] == second.message["Message-ID"]


async def test_article_markup_is_escaped_in_the_html_part(server: SmtpServer) -> None:
    payload = sample_payload(
        title="<script>alert(1)</script>",
        summary='<img src=x onerror="steal()">',
        url="javascript:alert(2)",
    )
    await mail_channel(server).send(ALERT_ID, payload)
    html = parts(server.mails[0].message)["text/html"]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html
    assert 'href="javascript:' not in html


INJECTIONS = [
    "x\nBcc: evil@example.org",
    "x\r\nCc: evil@example.org",
    "x\rBcc: evil@example.org",
    "x\u2028Bcc: evil@example.org",
    "x\x85Bcc: evil@example.org",
    "=?utf-8?q?x=0ABcc:_evil@example.org?=",
    "=?utf-8?b?eApCY2M6IGV2aWxAZXhhbXBsZS5vcmc=?=",
    "=?utf-8?Q?x=0D=0ACc:_evil@example.org?= tail",
]


@pytest.mark.parametrize(
    "title",
    INJECTIONS,
    ids=["lf", "crlf", "cr", "u2028", "nel", "rfc2047-q", "rfc2047-b", "rfc2047-q-crlf"],
)
async def test_a_hostile_title_injects_no_header_and_no_recipient(
    server: SmtpServer, title: str
) -> None:
    await mail_channel(server).send(ALERT_ID, sample_payload(title=title, rule="r"))
    [mail] = server.mails
    assert mail.rcpt_tos == tuple(RECIPIENTS)
    assert set(mail.header_names) == EXPECTED_HEADERS
    assert mail.header_names.count("subject") == 1
    carriers = [name for name, value in mail.message.items() if "evil@" in str(value)]
    assert carriers in ([], ["Subject"])
    subject = mail.message["Subject"]
    assert "\n" not in subject
    assert "\r" not in subject
    assert subject.startswith("[monitor] high r: ")


async def test_a_long_title_is_cut_in_the_subject(server: SmtpServer) -> None:
    await mail_channel(server).send(ALERT_ID, sample_payload(title="Grenze " * 100))
    subject = server.mails[0].message["Subject"]
    assert len(subject) <= 250
    assert subject.endswith("…")


@given(title=st.text(max_size=300), rule=st.text(max_size=40))
def test_no_title_or_rule_text_can_add_a_header(title: str, rule: str) -> None:
    payload = sample_payload(title=title, rule=rule)
    rendered = render_alert_mail(make_template_environment(), ALERT_ID, payload)
    message = build_alert_message(
        alert_id=ALERT_ID,
        rendered=rendered,
        sender=SENDER,
        recipients=RECIPIENTS,
        date="Tue, 24 Nov 2026 09:31:00 +0000",
    )
    parsed = email.message_from_bytes(message.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert {name.lower() for name in parsed} == EXPECTED_HEADERS
    assert len(parsed.keys()) == len(EXPECTED_HEADERS)
    assert parsed["To"] == ", ".join(RECIPIENTS)
    assert "\n" not in parsed["Subject"]


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [("451 4.3.0 Try again later", True), ("550 5.7.1 Rejected", False)],
    ids=["451-retried", "550-failed"],
)
async def test_smtp_reply_code_decides_whether_to_retry(
    server: SmtpServer, reply: str, retryable: bool
) -> None:
    server.reply_next(reply)
    with pytest.raises(DeliveryError) as caught:
        await mail_channel(server).send(ALERT_ID, sample_payload())
    assert caught.value.retryable is retryable
    assert reply[:3] in caught.value.message
    assert server.mails == []


async def test_unreachable_server_is_retryable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    channel = EmailChannel(
        "desk-mail",
        host="127.0.0.1",
        port=port,
        username=None,
        password=None,
        implicit_tls=False,
        starttls=True,
        sender=SENDER,
        recipients=RECIPIENTS,
        timeout=5,
    )
    with pytest.raises(DeliveryError) as caught:
        await channel.send(ALERT_ID, sample_payload())
    assert caught.value.retryable is True


async def test_login_when_a_username_is_configured() -> None:
    with SmtpServer(credentials=("monitor", "s3cret-pass")) as server:
        await mail_channel(server, username="monitor", password="s3cret-pass").send(
            ALERT_ID, sample_payload()
        )
        assert server.mails[0].auth_user == "monitor"


async def test_a_wrong_password_fails_without_naming_it() -> None:
    with SmtpServer(credentials=("monitor", "s3cret-pass")) as server:
        channel = mail_channel(server, username="monitor", password="wrong-pass-42")
        with pytest.raises(DeliveryError) as caught:
            await channel.send(ALERT_ID, sample_payload())
    assert caught.value.retryable is False
    assert "535" in caught.value.message
    assert "wrong-pass-42" not in f"{caught.value} {caught.value!r} {channel!r}"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("mail.example.org", False),
        ("10.0.0.5", False),
    ],
)
def test_plaintext_is_tolerated_only_to_loopback(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_self_signed_certificate(tmp_path_factory.mktemp("tls"))


async def test_starttls_is_used_when_the_server_offers_it(certificate: Certificate) -> None:
    with SmtpServer(starttls_context=certificate.server_context()) as server:
        channel = mail_channel(server, ssl_context=certificate.client_context())
        await channel.send(ALERT_ID, sample_payload())
        assert server.mails[0].tls is True


async def test_an_untrusted_certificate_fails_retryably_and_never_falls_back_to_plaintext(
    certificate: Certificate,
) -> None:
    with SmtpServer(starttls_context=certificate.server_context()) as server:
        with pytest.raises(DeliveryError) as caught:
            await mail_channel(server).send(ALERT_ID, sample_payload())
        assert server.mails == []
    assert caught.value.retryable is True
    assert "SSLCertVerificationError" in caught.value.message


async def test_implicit_tls_for_smtps(certificate: Certificate) -> None:
    with SmtpServer(implicit_tls_context=certificate.server_context()) as server:
        channel = mail_channel(
            server, implicit_tls=True, starttls=False, ssl_context=certificate.client_context()
        )
        await channel.send(ALERT_ID, sample_payload())
        assert server.mails[0].tls is True


def non_loopback_address() -> str | None:
    """This machine's own non-loopback IPv4 address, if it has one (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 9))
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if is_loopback_host(address) or address == "0.0.0.0" else address


@pytest.mark.parametrize(
    ("starttls", "delivered"), [(True, False), (False, True)], ids=["required", "opted-out"]
)
async def test_plaintext_beyond_loopback_needs_starttls_false(
    starttls: bool, delivered: bool
) -> None:
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to listen on")
    with SmtpServer(host=address) as server:
        channel = mail_channel(server, starttls=starttls)
        if delivered:
            await channel.send(ALERT_ID, sample_payload())
        else:
            with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
                await channel.send(ALERT_ID, sample_payload())
        assert len(server.mails) == int(delivered)
