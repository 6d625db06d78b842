"""Deliver an alert by HTTP POST to a webhook, signed, and classify the answer for the retrier."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from monitor import __version__ as _monitor_version
from monitor.alerts.delivery import DeliveryError
from monitor.alerts.signing import signature_headers, signing_key
from monitor.alerts.webhook_formats import renderer_for
from monitor.clock import Clock, utc_now

USER_AGENT = f"monitor/{_monitor_version} (alert webhook)"
CONNECT_TIMEOUT = 10.0
TOTAL_TIMEOUT = 30.0


def redact_url(url: str) -> str:
    """Return scheme://host[:port] only: webhook URLs carry tokens in userinfo, query or path.

    Slack (/services/T…/B…/token) and Discord (/api/webhooks/id/token) put the secret
    in the path itself, so no part of it is safe to log.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Return Retry-After in seconds from delta-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def classify_response(response: httpx.Response, where: str, now: datetime) -> None:
    """Return on 2xx; otherwise raise the DeliveryError the contract assigns to the status."""
    status = response.status_code
    if 200 <= status < 300:
        return
    message = f"HTTP {status} from {where}"
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        raise DeliveryError(message, retryable=True, retry_after=retry_after)
    if status == 408 or status >= 500:
        retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        raise DeliveryError(message, retryable=True, retry_after=retry_after)
    if status == 410:
        raise DeliveryError(message, retryable=False, gone=True)
    # Other 4xx, and 1xx/3xx (redirects are not followed: a moved hook is a config error).
    raise DeliveryError(message, retryable=False)


class WebhookChannel:
    """POST each alert to one URL in the configured format, signed when a secret is set."""

    def __init__(
        self,
        name: str,
        url: str,
        secret: str | None,
        *,
        client: httpx.AsyncClient,
        format: str = "json",
        connect_timeout: float = CONNECT_TIMEOUT,
        total_timeout: float = TOTAL_TIMEOUT,
        clock: Clock = utc_now,
    ) -> None:
        self.name = name
        self._url = url
        self._where = redact_url(url)
        self._key = signing_key(secret) if secret else None
        self._render = renderer_for(format)
        self._client = client
        self._timeout = httpx.Timeout(total_timeout, connect=connect_timeout)
        self._total_timeout = total_timeout
        self._clock = clock

    def __repr__(self) -> str:
        return f"WebhookChannel(name={self.name!r}, url={self._where!r})"

    async def send(self, alert_id: str, payload: Mapping[str, Any]) -> None:
        """POST the rendered alert once; raise DeliveryError unless the answer is 2xx."""
        body = json.dumps(self._render(payload), ensure_ascii=False, separators=(",", ":"))
        content = body.encode("utf-8")
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if self._key is not None:
            # The timestamp is per attempt (receivers reject stale ones); the id is the alert's.
            timestamp = int(self._clock().timestamp())
            headers |= signature_headers(self._key, alert_id, timestamp, content)
        try:
            # Streamed and never read: the answer's status and headers are all we need, and
            # a receiver cannot make us buffer an arbitrarily large body.
            async with (
                asyncio.timeout(self._total_timeout),
                self._client.stream(
                    "POST",
                    self._url,
                    content=content,
                    headers=headers,
                    timeout=self._timeout,
                    follow_redirects=False,
                ) as response,
            ):
                pass
        except TimeoutError:
            raise DeliveryError(f"timeout posting to {self._where}", retryable=True) from None
        except httpx.TimeoutException as exc:
            raise DeliveryError(
                f"timeout ({type(exc).__name__}) posting to {self._where}", retryable=True
            ) from None
        except httpx.TransportError as exc:
            # str(exc) may echo the URL; the class name is enough to act on.
            raise DeliveryError(
                f"network error ({type(exc).__name__}) posting to {self._where}", retryable=True
            ) from None
        classify_response(response, self._where, self._clock())
