"""Sign webhook requests the Standard Webhooks way (https://www.standardwebhooks.com/).

`webhook-signature` is `v1,` + base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}")); a
secret written `whsec_<base64>` is the decoded key, any other secret its UTF-8 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

SECRET_PREFIX = "whsec_"  # noqa: S105 - a format marker, not a secret


def signing_key(secret: str) -> bytes:
    """Return the HMAC key a configured secret stands for; a bad `whsec_` value is a ValueError.

    The message never repeats the secret: it ends up in config errors and logs.
    """
    if not secret.startswith(SECRET_PREFIX):
        return secret.encode("utf-8")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error:
        raise ValueError("webhook secret starts with 'whsec_' but is not valid base64") from None
    if not key:
        raise ValueError("webhook secret 'whsec_' holds an empty key")
    return key


def webhook_signature(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """Return the `webhook-signature` header value for one request."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_headers(key: bytes, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Return the three Standard Webhooks headers for one attempt."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhook_signature(key, message_id, timestamp, body),
    }
