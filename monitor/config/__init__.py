"""Read and validate rules.yaml into typed, immutable objects; errors name file:line:col.

Public API::

    load_config(path, env=None) -> Config        raises ConfigError
    describe_config(config) -> str               the `monitor check` summary
"""

from __future__ import annotations

from monitor.config.durations import format_duration, parse_duration
from monitor.config.errors import ConfigError, ConfigProblem
from monitor.config.load import DATABASE_URL_VARIABLE, load_config
from monitor.config.models import (
    CHANNEL_TYPES,
    DEFAULT_DATABASE_URL,
    SEVERITIES,
    SOURCE_KINDS,
    WEBHOOK_FORMATS,
    Channel,
    Config,
    ConsoleChannel,
    Defaults,
    EmailChannel,
    ExtractConfig,
    HealthConfig,
    OnUpdateConfig,
    RuleConfig,
    Severity,
    SourceConfig,
    StorageConfig,
    WebhookChannel,
)
from monitor.config.smtp import SmtpSettings, parse_smtp_url
from monitor.config.summary import describe_config

__all__ = [
    "CHANNEL_TYPES",
    "DATABASE_URL_VARIABLE",
    "DEFAULT_DATABASE_URL",
    "SEVERITIES",
    "SOURCE_KINDS",
    "WEBHOOK_FORMATS",
    "Channel",
    "Config",
    "ConfigError",
    "ConfigProblem",
    "ConsoleChannel",
    "Defaults",
    "EmailChannel",
    "ExtractConfig",
    "HealthConfig",
    "OnUpdateConfig",
    "RuleConfig",
    "Severity",
    "SmtpSettings",
    "SourceConfig",
    "StorageConfig",
    "WebhookChannel",
    "describe_config",
    "format_duration",
    "load_config",
    "parse_duration",
    "parse_smtp_url",
]
