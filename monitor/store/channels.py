"""Queries on channel_state: disable a channel (410 Gone) with its notices, enable it again."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, select

from monitor.store.dialects import insert_ignoring_conflicts
from monitor.store.models import ChannelState
from monitor.store.outbox import insert_notice
from monitor.store.records import ChannelStateView, Notice

log = logging.getLogger(__name__)


def disable_channel(
    connection: Connection,
    channel: str,
    *,
    reason: str,
    fingerprint: str | None,
    notices: Sequence[Notice],
    now: datetime,
) -> bool:
    """Disable `channel` and queue its notices; False (and no notices) if already disabled."""
    inserted = connection.execute(
        insert_ignoring_conflicts(connection, ChannelState, ["channel"])
        .values(channel=channel, disabled_at=now, reason=reason, fingerprint=fingerprint)
        .returning(ChannelState.channel)
    ).scalar_one_or_none()
    if inserted is None:
        return False
    for notice in notices:
        insert_notice(connection, notice, now=now)
    return True


def enable_channel(connection: Connection, channel: str) -> bool:
    """Enable a disabled channel; False if it was not disabled."""
    result = connection.execute(delete(ChannelState).where(ChannelState.channel == channel))
    return result.rowcount > 0


def enable_changed_channels(connection: Connection, fingerprints: Mapping[str, str]) -> list[str]:
    """Enable every disabled channel whose target (fingerprint) the config has since changed."""
    rows = connection.execute(select(ChannelState)).all()
    changed = [
        row.channel
        for row in rows
        if row.channel in fingerprints and row.fingerprint != fingerprints[row.channel]
    ]
    if changed:
        connection.execute(delete(ChannelState).where(ChannelState.channel.in_(changed)))
    return changed


def disabled_channels(connection: Connection) -> list[ChannelStateView]:
    """Every disabled channel, by name."""
    rows = connection.execute(select(ChannelState).order_by(ChannelState.channel)).all()
    return [ChannelStateView(r.channel, r.disabled_at, r.reason, r.fingerprint) for r in rows]
