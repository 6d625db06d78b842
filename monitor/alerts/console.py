"""Print each alert as one line on stdout: the channel for trying rules out and for journald."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, TextIO

from monitor.alerts.messages import alert_title, message_for
from monitor.alerts.sanitize import strip_control_characters


def console_line(payload: Mapping[str, Any]) -> str:
    """Return `ALERT <severity> <rule> <title> <url> terms=a,b`, one line, no control characters.

    An update starts with UPDATE; a digest, fold or notice is its headline, then (for a
    digest) one indented line per alert.
    """
    message = message_for(payload)
    if message is not None:
        kind = str(payload.get("type", "")).upper()
        lines = [f"{kind} {strip_control_characters(message.headline)}"]
        if kind == "DIGEST":
            lines += [
                "  " + strip_control_characters(f"{line.text} {line.url or ''}")
                for section in message.sections
                for line in section.lines
            ]
        return "\n".join(lines)
    rule = payload.get("rule") or {}
    article = payload.get("article") or {}
    terms = ",".join(str(t) for t in (payload.get("matched") or {}).get("terms", []))
    parts = [
        "UPDATE" if payload.get("type") == "update" else "ALERT",
        str(rule.get("severity", "")),
        str(rule.get("name", "")),
        alert_title(payload),
        str(article.get("url", "")),
        f"terms={terms}",
    ]
    return " ".join(strip_control_characters(part) for part in parts)


class ConsoleChannel:
    """Write alerts to a text stream (stdout unless given); never fails retryably."""

    def __init__(self, name: str, *, stream: TextIO | None = None) -> None:
        self.name = name
        self._stream = stream

    async def send(self, alert_id: str, payload: Mapping[str, Any]) -> None:
        """Print the alert's line; stdout is looked up per call so redirection is honoured."""
        stream = self._stream if self._stream is not None else sys.stdout
        stream.write(console_line(payload) + "\n")
        stream.flush()
