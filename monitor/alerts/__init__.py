"""Alert delivery: channels (email, webhook, console), the retry policy and the dispatcher."""

from monitor.alerts.channels import build_channels
from monitor.alerts.console import ConsoleChannel
from monitor.alerts.delivery import Channel, DeliveryError
from monitor.alerts.dispatcher import Dispatcher, DispatchReport
from monitor.alerts.email import EmailChannel
from monitor.alerts.health import health_changes
from monitor.alerts.messages import build_notice_payload, message_for
from monitor.alerts.payload import build_alert_payload, format_utc, new_alert_id, update_payload
from monitor.alerts.periods import DigestSchedule, period_bounds, period_end, rate_window
from monitor.alerts.policy import (
    DispatchPolicy,
    channel_fingerprints,
    digest_schedules,
    policy_from_config,
)
from monitor.alerts.retry import RetryPolicy, decide_retry
from monitor.alerts.signing import signing_key, webhook_signature
from monitor.alerts.webhook import WebhookChannel

__all__ = [
    "Channel",
    "ConsoleChannel",
    "DeliveryError",
    "DigestSchedule",
    "DispatchPolicy",
    "DispatchReport",
    "Dispatcher",
    "EmailChannel",
    "RetryPolicy",
    "WebhookChannel",
    "build_alert_payload",
    "build_channels",
    "build_notice_payload",
    "channel_fingerprints",
    "decide_retry",
    "digest_schedules",
    "format_utc",
    "health_changes",
    "message_for",
    "new_alert_id",
    "period_bounds",
    "period_end",
    "policy_from_config",
    "rate_window",
    "signing_key",
    "update_payload",
    "webhook_signature",
]
