"""The human summary ``monitor check`` prints: what the config will poll, match and alert on.

Every secret is masked: SMTP passwords, database passwords, and webhook URLs
beyond their host (Slack, Discord and Teams put the token in the path).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from monitor.config.durations import format_duration
from monitor.config.models import (
    Config,
    ConsoleChannel,
    EmailChannel,
    RuleConfig,
    SourceConfig,
    WebhookChannel,
)
from monitor.config.smtp import mask_smtp_url


def describe_config(config: Config) -> str:
    """Return a multi-line summary of ``config`` with every secret masked."""
    lines = [
        f"{_count(len(config.sources), 'source')}, {_count(len(config.channels), 'channel')}, "
        f"{_count(len(config.rules), 'rule')}, {_count(len(config.regions), 'custom region')}",
        f"storage: {_mask_database_url(config.storage.url)}, {_describe_retention(config)}",
        f"defaults: every {format_duration(config.defaults.interval)}, "
        f"full text {'on' if config.defaults.full_text else 'off'}, private networks "
        f"{'allowed' if config.defaults.allow_private_networks else 'refused'}",
        "sources:",
        *(f"  {_describe_source(config, source)}" for source in config.sources),
        "channels:",
        *(f"  {name}: {_describe_channel(channel)}" for name, channel in config.channels.items()),
        "rules:",
        *(f"  {_describe_rule(config, rule)}" for rule in config.rules),
    ]
    if config.health is not None:
        after = format_duration(config.health.failing_after)
        lines.append(f"health: notices to {config.health.channel}, failing after {after}")
    if config.regions:
        lines.append("regions:")
        lines += [f"  {name}: {', '.join(places)}" for name, places in config.regions.items()]
    return "\n".join(lines)


def _describe_retention(config: Config) -> str:
    retention = config.storage.retention
    if retention is None:
        return "articles kept for ever"
    return f"article text kept {format_duration(retention)}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _describe_source(config: Config, source: SourceConfig) -> str:
    interval = format_duration(source.effective_interval(config.defaults))
    extras = []
    if source.links:
        extras.append(f"links {source.links!r}")
    if source.extract is not None:
        extras.append("custom extraction")
    if not source.effective_full_text(config.defaults):
        extras.append("no full text")
    tail = f" ({', '.join(extras)})" if extras else ""
    return f"{source.name}: {source.kind}, every {interval}, {source.url}{tail}"


def _describe_channel(channel: EmailChannel | WebhookChannel | ConsoleChannel) -> str:
    if isinstance(channel, EmailChannel):
        settings = channel.smtp_settings
        tls = "TLS" if settings.implicit_tls else "STARTTLS" if settings.starttls else "no TLS"
        when = _when(channel)
        smtp = mask_smtp_url(channel.smtp.get_secret_value())
        return f"email to {', '.join(channel.to)} from {channel.sender} via {smtp} ({tls}), {when}"
    if isinstance(channel, WebhookChannel):
        parts = urlsplit(channel.url)
        signed = "signed" if channel.secret is not None else "unsigned"
        host = parts.netloc.rpartition("@")[2]
        return f"webhook {parts.scheme}://{host}/… ({channel.format}, {signed}){_digest(channel)}"
    return f"console{_digest(channel)}"


def _digest(channel: WebhookChannel | ConsoleChannel) -> str:
    return f", {_when(channel)}" if channel.digest else ""


def _when(channel: EmailChannel | WebhookChannel | ConsoleChannel) -> str:
    return f"digest {channel.digest} {channel.timezone}" if channel.digest else "immediately"


def _describe_rule(config: Config, rule: RuleConfig) -> str:
    matches = []
    if rule.query:
        matches.append(f"query {rule.query!r}")
    if rule.keywords:
        matches.append(f"keywords {', '.join(rule.keywords)}")
    if rule.regions:
        score = (
            f" (score >= {rule.region_min_score:g})" if rule.region_min_score is not None else ""
        )
        matches.append(f"regions {', '.join(rule.regions)}{score}")
    if rule.sources is not None:
        matches.append(f"only sources {', '.join(rule.sources)}")
    if rule.languages is not None:
        matches.append(f"only languages {', '.join(rule.languages)}")
    if rule.max_alerts:
        matches.append(f"at most {rule.max_alerts}")
    if rule.on_update.notify:
        matches.append(f"update at {rule.on_update.min_sources} sources")
    channels = ", ".join(config.channels_for(rule)) or "no channels"
    return f"{rule.name}: {rule.severity} -> {channels}; {'; '.join(matches)}"


def _mask_database_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "(unparsable URL hidden)"
