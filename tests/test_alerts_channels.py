"""Channels built from rules.yaml's channel models deliver where the config says."""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import httpx
import pytest

from monitor.alerts import ConsoleChannel, EmailChannel, WebhookChannel, build_channels
from monitor.config.models import ConsoleChannel as ConsoleConfig
from monitor.config.models import EmailChannel as EmailConfig
from monitor.config.models import WebhookChannel as WebhookConfig
from tests.support.smtp_server import SmtpServer
from tests.support.webhook_receiver import WebhookReceiver
from tests.test_alerts_payload import sample_payload

SECRET = "whsec_Y2hhbm5lbHMtdGVzdC1rZXk="


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


async def test_channels_from_config_models_deliver(http: httpx.AsyncClient) -> None:
    with SmtpServer() as smtp, WebhookReceiver(secret=SECRET) as receiver:
        configs = {
            "desk-mail": EmailConfig.model_validate(
                {
                    "type": "email",
                    "to": ["analyst@example.org"],
                    "from": "monitor@example.org",
                    "smtp": f"smtp://{smtp.host}:{smtp.port}",
                }
            ),
            "desk-hook": WebhookConfig.model_validate(
                {"type": "webhook", "url": receiver.url, "secret": SECRET, "format": "json"}
            ),
            "log": ConsoleConfig.model_validate({"type": "console"}),
        }
        channels = build_channels(configs, http_client=http)
        assert isinstance(channels["desk-mail"], EmailChannel)
        assert isinstance(channels["desk-hook"], WebhookChannel)
        assert isinstance(channels["log"], ConsoleChannel)
        for channel in channels.values():
            await channel.send("a1", sample_payload())
        assert smtp.mails[0].rcpt_tos == ("analyst@example.org",)
        assert receiver.deliveries[0].verified is True


async def test_channel_reprs_hide_passwords_secrets_and_url_tokens(
    http: httpx.AsyncClient,
) -> None:
    configs = {
        "mail": SimpleNamespace(
            type="email",
            to=["a@example.org"],
            sender="m@example.org",
            smtp_settings=SimpleNamespace(
                host="mail.example.org",
                port=587,
                username="u",
                password="pw-secret-1",
                implicit_tls=False,
                starttls=True,
            ),
        ),
        "hook": SimpleNamespace(
            type="webhook", url="https://h.example.org/x?token=tok-secret-2", secret="s-3"
        ),
    }
    channels = build_channels(configs, http_client=http)
    shown = repr(channels)
    for secret in ("pw-secret-1", "tok-secret-2", "s-3"):
        assert secret not in shown


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (SimpleNamespace(type="pager"), "channel 'x': unknown channel type 'pager'"),
        (
            SimpleNamespace(
                type="webhook", url="https://h.example.org/", secret=None, format="xml"
            ),
            "channel 'x': unknown webhook format 'xml'",
        ),
        (
            SimpleNamespace(type="webhook", url="https://h.example.org/", secret="whsec_!!"),
            "channel 'x': webhook secret starts with 'whsec_' but is not valid base64",
        ),
    ],
    ids=["unknown-type", "unknown-format", "bad-whsec"],
)
async def test_unusable_channel_config_is_an_error_naming_the_channel(
    http: httpx.AsyncClient, config: object, message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        build_channels({"x": config}, http_client=http)
    assert str(caught.value).startswith(message)
