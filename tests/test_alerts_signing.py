"""Webhook signatures a Standard Webhooks receiver accepts, for whsec_ and plain secrets."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from monitor.alerts.signing import signature_headers, signing_key, webhook_signature


def test_whsec_secret_matches_the_standard_webhooks_published_example() -> None:
    # The example from the Standard Webhooks specification's README.
    key = signing_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    signature = webhook_signature(
        key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_plain_secret_signs_with_its_utf8_bytes() -> None:
    body = '{"title":"Grenze – Truppen"}'.encode()
    expected = base64.b64encode(
        hmac.new("pässwörd".encode(), b"abc123.1700000000." + body, hashlib.sha256).digest()
    ).decode()
    assert webhook_signature(signing_key("pässwörd"), "abc123", 1700000000, body) == (
        "v1," + expected
    )


def test_headers_carry_id_timestamp_and_signature() -> None:
    headers = signature_headers(b"k", "alert-1", 1700000000, b"{}")
    assert headers["webhook-id"] == "alert-1"
    assert headers["webhook-timestamp"] == "1700000000"
    assert headers["webhook-signature"].startswith("v1,")


@pytest.mark.parametrize(
    "secret", ["whsec_s3cr3t*value!", "whsec_"], ids=["bad-base64", "empty-key"]
)
def test_unusable_whsec_secret_is_rejected_without_echoing_it(secret: str) -> None:
    with pytest.raises(ValueError) as caught:
        signing_key(secret)
    assert "s3cr3t" not in str(caught.value)
