"""SMTP server URLs: ``smtp://[user[:password]@]host[:port]`` (STARTTLS) or ``smtps://`` (TLS).

The URL carries the password, so no message here ever repeats any part of it
but the scheme.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import SecretStr

_DEFAULT_PORTS = {"smtp": 587, "smtps": 465}  # RFC 6409 submission; RFC 8314 implicit TLS
_FORMAT = "smtp://[user[:password]@]host[:port] or smtps://..."


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to submit mail; ``password`` stays a SecretStr until the login itself."""

    host: str
    port: int
    username: str | None
    password: SecretStr | None
    implicit_tls: bool
    starttls: bool


def parse_smtp_url(url: str) -> SmtpSettings:
    """Return the settings in ``url``; ValueError (never quoting the URL) when it is malformed.

    ``smtp://`` requires STARTTLS unless ``?starttls=false`` is appended, which
    is meant for a relay on the local machine or in tests.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError(f"bad SMTP URL: expected {_FORMAT} with a numeric port") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        shown = f"scheme {scheme!r}" if scheme.isalnum() else "no scheme"
        raise ValueError(f"bad SMTP URL: {shown}; expected {_FORMAT}")
    if not parts.hostname:
        raise ValueError(f"bad SMTP URL: no host; expected {_FORMAT}")
    if parts.path not in ("", "/") or parts.fragment:
        raise ValueError(
            f"bad SMTP URL: unexpected path; expected {_FORMAT} "
            "(percent-encode '/', '?', '#' and '@' in the password)"
        )
    starttls = scheme == "smtp" and _starttls_wanted(parts.query)
    password = unquote(parts.password) if parts.password is not None else None
    return SmtpSettings(
        host=parts.hostname,
        port=port or _DEFAULT_PORTS[scheme],
        username=unquote(parts.username) if parts.username else None,
        password=SecretStr(password) if password is not None else None,
        implicit_tls=scheme == "smtps",
        starttls=starttls,
    )


def mask_smtp_url(url: str) -> str:
    """Return ``url`` rewritten for display: the password replaced by ``***``."""
    settings = parse_smtp_url(url)
    scheme = "smtps" if settings.implicit_tls else "smtp"
    user = ""
    if settings.username is not None:
        user = settings.username + (":***" if settings.password is not None else "") + "@"
    suffix = "" if settings.starttls or settings.implicit_tls else "?starttls=false"
    return f"{scheme}://{user}{settings.host}:{settings.port}{suffix}"


def _starttls_wanted(query: str) -> bool:
    options = dict(parse_qsl(query, keep_blank_values=True))
    unknown = sorted(set(options) - {"starttls"})
    if unknown:
        raise ValueError("bad SMTP URL: unknown query option (only 'starttls' is allowed)")
    value = options.get("starttls", "true").lower()
    if value not in ("true", "false"):
        raise ValueError("bad SMTP URL: starttls must be true or false")
    return value == "true"
