"""Webhook delivery against a real receiver: signed JSON in, and each answer classified."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from monitor.alerts import DeliveryError, WebhookChannel
from monitor.alerts.webhook import parse_retry_after, redact_url
from tests.support.webhook_receiver import Reply, WebhookReceiver
from tests.test_alerts_payload import sample_payload

SECRET = "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seQ=="
ALERT_ID = "3f1c0d2e9a8b4c7d8e6f5a4b3c2d1e0f"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as server:
        yield server


@pytest.fixture
def unsigned_receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as server:
        yield server


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as http:
        yield http


def hook(
    url: str, client: httpx.AsyncClient, *, secret: str | None = SECRET, **kw: object
) -> WebhookChannel:
    return WebhookChannel("desk-hook", url, secret, client=client, **kw)  # type: ignore[arg-type]


async def test_signed_json_delivery_is_accepted_by_a_standard_webhooks_receiver(
    receiver: WebhookReceiver, client: httpx.AsyncClient
) -> None:
    await hook(receiver.url, client).send(ALERT_ID, sample_payload())
    [request] = receiver.deliveries
    assert request.verified is True
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("monitor/")
    assert request.headers["webhook-id"] == ALERT_ID
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    assert request.json == sample_payload()


async def test_plain_secret_is_accepted_by_a_receiver_with_the_same_secret(
    client: httpx.AsyncClient,
) -> None:
    with WebhookReceiver(secret="just a passphrase") as receiver:
        await hook(receiver.url, client, secret="just a passphrase").send(
            ALERT_ID, sample_payload()
        )
        assert receiver.deliveries[0].verified is True


async def test_without_secret_no_signature_headers_are_sent(
    unsigned_receiver: WebhookReceiver, client: httpx.AsyncClient
) -> None:
    await hook(unsigned_receiver.url, client, secret=None).send(ALERT_ID, sample_payload())
    [request] = unsigned_receiver.deliveries
    assert not {"webhook-id", "webhook-signature", "webhook-timestamp"} & set(request.headers)


async def test_wrong_secret_is_rejected_by_the_receiver_and_not_retried(
    receiver: WebhookReceiver, client: httpx.AsyncClient
) -> None:
    with pytest.raises(DeliveryError) as caught:
        await hook(receiver.url, client, secret="wrong").send(ALERT_ID, sample_payload())
    assert caught.value.retryable is False
    assert receiver.requests[0].status == 401


async def test_receiver_rejects_a_stale_timestamp(client: httpx.AsyncClient) -> None:
    with WebhookReceiver(secret=SECRET, clock=lambda: time.time() + 301) as receiver:
        with pytest.raises(DeliveryError):
            await hook(receiver.url, client).send(ALERT_ID, sample_payload())
        assert receiver.requests[0].status == 401


@pytest.mark.parametrize(
    ("status", "retryable"),
    [(500, True), (502, True), (503, True), (408, True), (400, False), (404, False), (410, False)],
    ids=lambda v: str(v),
)
async def test_answer_decides_whether_to_retry(
    receiver: WebhookReceiver, client: httpx.AsyncClient, status: int, retryable: bool
) -> None:
    receiver.reply_next(Reply(status))
    with pytest.raises(DeliveryError) as caught:
        await hook(receiver.url, client).send(ALERT_ID, sample_payload())
    assert caught.value.retryable is retryable
    assert f"HTTP {status}" in caught.value.message


async def test_429_passes_retry_after_seconds_on(
    receiver: WebhookReceiver, client: httpx.AsyncClient
) -> None:
    receiver.reply_next(Reply(429, headers={"Retry-After": "120"}))
    with pytest.raises(DeliveryError) as caught:
        await hook(receiver.url, client).send(ALERT_ID, sample_payload())
    assert caught.value.retryable is True
    assert caught.value.retry_after == 120


async def test_429_passes_retry_after_http_date_on(
    unsigned_receiver: WebhookReceiver, client: httpx.AsyncClient
) -> None:
    unsigned_receiver.reply_next(
        Reply(429, headers={"Retry-After": "Sun, 29 Nov 2026 10:00:00 GMT"})
    )
    clock = lambda: datetime(2026, 11, 29, 9, 58, 30, tzinfo=UTC)  # noqa: E731
    channel = hook(unsigned_receiver.url, client, secret=None, clock=clock)
    with pytest.raises(DeliveryError) as caught:
        await channel.send(ALERT_ID, sample_payload())
    assert caught.value.retry_after == 90


async def test_redirect_is_not_followed_and_fails(
    receiver: WebhookReceiver, client: httpx.AsyncClient
) -> None:
    receiver.reply_next(Reply(302, headers={"Location": receiver.url + "/elsewhere"}))
    with pytest.raises(DeliveryError) as caught:
        await hook(receiver.url, client).send(ALERT_ID, sample_payload())
    assert caught.value.retryable is False
    assert len(receiver.requests) == 1


async def test_a_hanging_receiver_times_out_retryably(
    receiver: WebhookReceiver, client: httpx.AsyncClient
) -> None:
    receiver.reply_next(Reply(hang=True))
    channel = hook(receiver.url, client, total_timeout=0.5)
    with pytest.raises(DeliveryError) as caught:
        await channel.send(ALERT_ID, sample_payload())
    assert caught.value.retryable is True
    assert "timeout" in caught.value.message


async def test_connection_refused_is_retryable(client: httpx.AsyncClient) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the request: nobody listens
    with pytest.raises(DeliveryError) as caught:
        await hook(f"http://127.0.0.1:{port}/hook", client).send(ALERT_ID, sample_payload())
    assert caught.value.retryable is True


async def test_errors_name_neither_the_secret_nor_the_url_token(
    receiver: WebhookReceiver, client: httpx.AsyncClient
) -> None:
    receiver.reply_next(Reply(500))
    url = receiver.url.replace("http://", "http://user:pw-token@")
    url = url.replace("/hook", "/hook/path-token") + "?token=sekrit-token"
    with pytest.raises(DeliveryError) as caught:
        await hook(url, client).send(ALERT_ID, sample_payload())
    text = f"{caught.value} {caught.value!r}"
    for secret in (SECRET, "sekrit-token", "pw-token", "path-token"):
        assert secret not in text
    assert receiver.url.removesuffix("/hook") in text


@pytest.mark.parametrize("fmt", ["slack", "discord", "teams"])
async def test_chat_formats_post_their_own_json(
    receiver: WebhookReceiver, client: httpx.AsyncClient, fmt: str
) -> None:
    await hook(receiver.url, client, format=fmt).send(ALERT_ID, sample_payload())
    body = receiver.deliveries[0].json
    assert {"slack": "blocks", "discord": "embeds", "teams": "attachments"}[fmt] in body
    assert "Troops gather at the border" in json.dumps(body)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Tue, 24 Nov 2026 09:31:00 GMT", 60.0),
        ("Tue, 24 Nov 2026 09:00:00 GMT", 0.0),
        ("soon", None),
        ("-5", None),
        (None, None),
    ],
    ids=["seconds", "zero", "http-date", "past-date", "garbage", "negative", "absent"],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, datetime(2026, 11, 24, 9, 30, tzinfo=UTC)) == expected


def test_redacted_url_keeps_scheme_host_and_path_only() -> None:
    assert redact_url("https://u:p@hooks.example.org:8443/a/b?token=x#f") == (
        "https://hooks.example.org:8443"
    )
    slack = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"
    assert "XXXX" not in redact_url(slack)
