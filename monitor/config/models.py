"""The typed, immutable shape of rules.yaml (pydantic v2: frozen, unknown keys forbidden).

Single values are checked here, where pydantic can locate them; checks that
span the file (duplicate names, rules naming channels and sources, queries and
regions) live in ``checks``.
"""

from __future__ import annotations

import base64
import binascii
from datetime import time, timedelta
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    SecretStr,
    ValidationInfo,
    field_validator,
)

from monitor.config.smtp import SmtpSettings, parse_smtp_url
from monitor.config.validators import (
    check_database_url,
    check_digest,
    check_duration,
    check_email,
    check_extract_selector,
    check_http_url,
    check_language,
    check_name,
    check_not_blank,
    check_rate,
    check_selector,
    check_timezone,
    digest_time,
)

DEFAULT_DATABASE_URL = "sqlite:///monitor.db"
SEVERITIES = ("info", "low", "medium", "high", "critical")
SOURCE_KINDS = ("auto", "feed", "html", "sitemap")
WEBHOOK_FORMATS = ("json", "slack", "discord", "teams")

Name = Annotated[str, AfterValidator(check_name)]
Duration = Annotated[timedelta, PlainValidator(check_duration)]
HttpUrl = Annotated[str, AfterValidator(check_http_url)]
EmailAddress = Annotated[str, AfterValidator(check_email)]
Selector = Annotated[str, AfterValidator(check_selector)]
ExtractSelector = Annotated[str, AfterValidator(check_extract_selector)]
NonBlank = Annotated[str, AfterValidator(check_not_blank)]
Language = Annotated[str, AfterValidator(check_language)]
Severity = Literal["info", "low", "medium", "high", "critical"]


def _one_or_many(value: object) -> object:
    """``to: a@example.org`` is read as a list of one, as people tend to write it."""
    return [value] if isinstance(value, str) else value


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, hide_input_in_errors=True
    )


# Stories are recognised over three days of fingerprints and `monitor test-rule` reads a
# week of text back: article bodies are kept at least this long.
SHORTEST_RETENTION = timedelta(days=7)


class StorageConfig(_Model):
    """Where articles and alerts are kept; MONITOR_DATABASE_URL overrides ``url`` at load.

    ``retention`` bounds the database of a daemon left running for months: the text,
    geo tags and fingerprint of older articles are dropped (None keeps them for ever).
    """

    url: Annotated[str, AfterValidator(check_database_url)] = DEFAULT_DATABASE_URL
    retention: Duration | None = timedelta(days=90)

    @field_validator("retention")
    @classmethod
    def _long_enough(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value < SHORTEST_RETENTION:
            raise ValueError(
                "keep articles at least 7d: stories need three days of them and "
                "test-rule reads back a week"
            )
        return value


class Defaults(_Model):
    """Per-source settings used when a source does not set its own."""

    interval: Duration = timedelta(minutes=15)
    full_text: bool = True
    allow_private_networks: bool = False


class ExtractConfig(_Model):
    """CSS selectors that override automatic main-text extraction for one source."""

    body: ExtractSelector | None = None
    drop: list[ExtractSelector] = Field(default_factory=list)


class SourceConfig(_Model):
    """One polled source: a feed, an HTML listing page or a sitemap."""

    name: Name
    url: HttpUrl
    kind: Literal["auto", "feed", "html", "sitemap"] = "auto"
    interval: Duration | None = None
    links: Selector | None = None
    extract: ExtractConfig | None = None
    full_text: bool | None = None

    @field_validator("links")
    @classmethod
    def _links_need_a_page(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A feed or sitemap lists its entries itself; a selector there is a misunderstanding.
        if value is not None and info.data.get("kind") in ("feed", "sitemap"):
            raise ValueError("'links' applies only to sources of kind html or auto")
        return value

    def effective_interval(self, defaults: Defaults) -> timedelta:
        """Return how often to poll this source: its own interval, else the default."""
        return self.interval if self.interval is not None else defaults.interval

    def effective_full_text(self, defaults: Defaults) -> bool:
        """Return whether to fetch each new article's page: its own setting, else the default."""
        return self.full_text if self.full_text is not None else defaults.full_text


class _Batchable(_Model):
    """A channel that may batch its alerts: ``digest: hourly | daily HH:MM`` in ``timezone``."""

    digest: Annotated[str, AfterValidator(check_digest)] | None = None
    timezone: Annotated[str, AfterValidator(check_timezone)] = "UTC"

    @property
    def digest_time(self) -> time | None:
        """The local time of day of a ``daily HH:MM`` digest (in ``timezone``), else None."""
        return digest_time(self.digest) if self.digest else None


class EmailChannel(_Batchable):
    """Alerts by email, one message each or batched in a digest."""

    type: Literal["email"]
    to: Annotated[list[EmailAddress], BeforeValidator(_one_or_many), Field(min_length=1)]
    sender: EmailAddress = Field(alias="from")
    smtp: SecretStr

    @field_validator("smtp")
    @classmethod
    def _smtp_url_parses(cls, value: SecretStr) -> SecretStr:
        parse_smtp_url(value.get_secret_value())
        return value

    @property
    def smtp_settings(self) -> SmtpSettings:
        """The SMTP server, port, login and TLS mode parsed from ``smtp``."""
        return parse_smtp_url(self.smtp.get_secret_value())


class WebhookChannel(_Batchable):
    """Alerts POSTed to a URL, signed per Standard Webhooks when ``secret`` is set."""

    type: Literal["webhook"]
    url: HttpUrl = Field(repr=False)  # Slack, Discord and Teams URLs carry their token
    secret: SecretStr | None = None
    format: Literal["json", "slack", "discord", "teams"] = "json"

    @field_validator("secret")
    @classmethod
    def _whsec_secret_is_base64(cls, value: SecretStr | None) -> SecretStr | None:
        # Standard Webhooks: a "whsec_" secret is the base64 of the signing key.
        if value is None:
            return value
        text = value.get_secret_value()
        if not text:
            raise ValueError("webhook secret must not be empty (omit the key for no signing)")
        if text.startswith("whsec_"):
            try:
                base64.b64decode(text.removeprefix("whsec_"), validate=True)
            except (binascii.Error, ValueError):
                raise ValueError(
                    "a secret starting with 'whsec_' must be base64 after it"
                ) from None
        return value


class ConsoleChannel(_Batchable):
    """Alerts written to standard output: for trying rules out, needs no secret."""

    type: Literal["console"]


Channel = Annotated[EmailChannel | WebhookChannel | ConsoleChannel, Field(discriminator="type")]
CHANNEL_TYPES = ("email", "webhook", "console")


class OnUpdateConfig(_Model):
    """Send a follow-up when a story that alerted reaches ``min_sources`` sources (default off)."""

    notify: bool = False
    min_sources: Annotated[int, Field(ge=2)] = 3


class RuleConfig(_Model):
    """What to alert on; the matching parts it has (query, keywords, regions) must all hold."""

    name: Name
    query: NonBlank | None = None
    keywords: list[NonBlank] = Field(default_factory=list)
    regions: list[NonBlank] = Field(default_factory=list)
    sources: list[str] | None = None
    languages: list[Language] | None = None
    severity: Severity = "medium"
    channels: list[str] | None = None
    region_min_score: Annotated[float, Field(ge=0.0)] | None = None
    max_alerts: Annotated[str, AfterValidator(check_rate)] | None = None
    on_update: OnUpdateConfig = Field(default_factory=lambda: OnUpdateConfig())


class HealthConfig(_Model):
    """Source health notices: where to send them, and how long a source may fail first."""

    channel: Name
    failing_after: Duration = timedelta(hours=6)


class Config(_Model):
    """A whole validated rules.yaml."""

    version: Literal[1]
    storage: StorageConfig = Field(default_factory=StorageConfig)
    defaults: Defaults = Field(default_factory=Defaults)
    sources: list[SourceConfig] = Field(default_factory=list)
    channels: dict[Name, Channel] = Field(default_factory=dict)
    rules: list[RuleConfig] = Field(default_factory=list)
    regions: dict[NonBlank, list[NonBlank]] = Field(default_factory=dict)
    health: HealthConfig | None = None

    def channels_for(self, rule: RuleConfig) -> list[str]:
        """Return the names of the channels ``rule`` alerts on: its own list, else every one."""
        return list(rule.channels) if rule.channels is not None else list(self.channels)

    def source(self, name: str) -> SourceConfig:
        """Return the source called ``name``; KeyError if there is none."""
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)

    def rule(self, name: str) -> RuleConfig:
        """Return the rule called ``name``; KeyError if there is none."""
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)
