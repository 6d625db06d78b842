"""Render the contract's alert JSON into the body each webhook `format` expects.

`json` is the contract itself. Chat formats are summaries for humans; article text is
untrusted, so each is escaped for its platform's markup and mentions are disabled. Each
service refuses a body over its documented limits, so every body is fitted to them: long
text is cut, and a digest that cannot list every alert lists what fits and ends with
"… and N more alerts" rather than dropping any silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from monitor.alerts.chat_discord import discord_message, render_discord
from monitor.alerts.chat_slack import render_slack, slack_message
from monitor.alerts.chat_teams import render_teams, teams_message
from monitor.alerts.messages import Message, message_for

WEBHOOK_FORMATS = ("json", "slack", "discord", "teams")
__all__ = ["WEBHOOK_FORMATS", "render_discord", "render_slack", "render_teams", "renderer_for"]


def _render_json(payload: Mapping[str, Any]) -> dict[str, Any]:
    return dict(payload)


Renderer = Callable[[Mapping[str, Any]], dict[str, Any]]


def _chat(alert: Renderer, summary: Callable[[Message], dict[str, Any]]) -> Renderer:
    """A chat renderer: alerts and updates one way, digests, folds and notices the other."""

    def render(payload: Mapping[str, Any]) -> dict[str, Any]:
        message = message_for(payload)
        return alert(payload) if message is None else summary(message)

    return render


_RENDERERS: dict[str, Renderer] = {
    "json": _render_json,
    "slack": _chat(render_slack, slack_message),
    "discord": _chat(render_discord, discord_message),
    "teams": _chat(render_teams, teams_message),
}


def renderer_for(webhook_format: str) -> Renderer:
    """Return the body renderer for a format; an unknown format is a ValueError naming it."""
    try:
        return _RENDERERS[webhook_format]
    except KeyError:
        known = ", ".join(WEBHOOK_FORMATS)
        raise ValueError(f"unknown webhook format {webhook_format!r} (one of {known})") from None
