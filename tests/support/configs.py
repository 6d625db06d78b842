"""The rules.yaml of the loopback world: its feeds, the channels a test brings, and rules."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.support.smtp_server import SmtpServer
from tests.support.webhook_receiver import WebhookReceiver


def world_config(
    tmp_path: Path,
    *,
    sources: dict[str, str],
    rules: str,
    hook: WebhookReceiver | None = None,
    smtp: SmtpServer | None = None,
    hook_extra: str = "",
    mail_extra: str = "",
    extra: str = "",
) -> Path:
    """Write a rules.yaml with the channels that are given (a console log when none)."""
    source_lines = "".join(
        f"  - name: {name}\n    url: {url}\n    kind: feed\n    interval: 5m\n"
        for name, url in sources.items()
    )
    channels = ""
    if hook is not None:
        channels += f"  desk-hook:\n    type: webhook\n    url: {hook.url}\n{hook_extra}"
    if smtp is not None:
        channels += (
            "  desk-mail:\n    type: email\n    to: [analyst@example.org]\n"
            f"    from: monitor@example.org\n    smtp: smtp://{smtp.host}:{smtp.port}\n"
            f"{mail_extra}"
        )
    if not channels:
        channels = "  log:\n    type: console\n"
    path = tmp_path / "rules.yaml"
    path.write_text(
        "version: 1\n"
        f"storage:\n  url: sqlite:///{tmp_path / 'monitor.db'}\n"
        "defaults:\n  interval: 15m\n  allow_private_networks: true\n"
        f"sources:\n{source_lines}channels:\n{channels}{textwrap.dedent(rules)}{extra}"
    )
    return path
