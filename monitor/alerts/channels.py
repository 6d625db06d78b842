"""Build the delivery channels from the config's channel models, read by attribute name.

Duck-typed on purpose: `alerts/` needs only a few attributes of each config model, and
stays testable without the config module.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any

import httpx

from monitor.alerts.console import ConsoleChannel
from monitor.alerts.delivery import Channel, DeliveryError
from monitor.alerts.email import EmailChannel
from monitor.alerts.webhook import WebhookChannel
from monitor.clock import Clock, utc_now

__all__ = ["Channel", "DeliveryError", "build_channels"]


def secret_value(value: object) -> str | None:
    """Return the plain string of a pydantic SecretStr, a str, or None."""
    if value is None:
        return None
    getter = getattr(value, "get_secret_value", None)
    return str(getter()) if callable(getter) else str(value)


def smtp_settings_of(config: Any) -> Any:
    """Return the parsed SMTP settings of an email channel config (`smtp_settings`, or itself).

    The settings object needs host, port, username, password (str or SecretStr),
    implicit_tls and starttls: what `monitor.config` parses out of the `smtp:` URL.
    """
    settings = getattr(config, "smtp_settings", None)
    if settings is None and getattr(config, "host", None) is not None:
        settings = config
    if settings is None:
        raise ValueError("email channel has no parsed SMTP settings (smtp_settings)")
    return settings


def build_channels(
    configs: Mapping[str, object],
    *,
    http_client: httpx.AsyncClient,
    clock: Clock = utc_now,
    ssl_context: ssl.SSLContext | None = None,
) -> dict[str, Channel]:
    """Return one channel per configured name; an unusable config is a ValueError naming it."""
    channels: dict[str, Channel] = {}
    for name, config in configs.items():
        try:
            channels[name] = _build_channel(name, config, http_client, clock, ssl_context)
        except ValueError as exc:
            raise ValueError(f"channel {name!r}: {exc}") from None
    return channels


def _build_channel(
    name: str,
    config: Any,
    http_client: httpx.AsyncClient,
    clock: Clock,
    ssl_context: ssl.SSLContext | None,
) -> Channel:
    kind = getattr(config, "type", None)
    if kind == "console":
        return ConsoleChannel(name)
    if kind == "webhook":
        return WebhookChannel(
            name,
            str(config.url),
            secret_value(getattr(config, "secret", None)) or None,
            client=http_client,
            format=getattr(config, "format", "json") or "json",
            clock=clock,
        )
    if kind == "email":
        smtp = smtp_settings_of(config)
        recipients = [str(address) for address in config.to]
        return EmailChannel(
            name,
            host=smtp.host,
            port=int(smtp.port),
            username=smtp.username,
            password=secret_value(smtp.password),
            implicit_tls=bool(smtp.implicit_tls),
            starttls=bool(smtp.starttls),
            sender=str(config.sender),
            recipients=recipients,
            ssl_context=ssl_context,
            clock=clock,
        )
    raise ValueError(f"unknown channel type {kind!r} (email, webhook or console)")
