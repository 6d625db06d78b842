"""Alert delivery: channels (email, webhook, console), the retry policy and the dispatcher."""

from monitor.alerts.channels import build_channels
from monitor.alerts.console import ConsoleChannel
from monitor.alerts.delivery import Channel, DeliveryError
from monitor.alerts.dispatcher import Dispatcher, DispatchReport
from monitor.alerts.email import EmailChannel
from monitor.alerts.payload import build_alert_payload, format_utc, new_alert_id
from monitor.alerts.retry import RetryPolicy, decide_retry
from monitor.alerts.signing import signing_key, webhook_signature
from monitor.alerts.webhook import WebhookChannel

__all__ = [
    "Channel",
    "ConsoleChannel",
    "DeliveryError",
    "DispatchReport",
    "Dispatcher",
    "EmailChannel",
    "RetryPolicy",
    "WebhookChannel",
    "build_alert_payload",
    "build_channels",
    "decide_retry",
    "format_utc",
    "new_alert_id",
    "signing_key",
    "webhook_signature",
]
