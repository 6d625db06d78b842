"""Plain-text tables for `monitor sources` and `monitor alerts`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from monitor.store import AlertView, SourceState

MAX_CELL = 60


def sources_table(sources: Sequence[SourceState]) -> str:
    """Source health: last poll, status, error count, last error, next poll."""
    header = ("SOURCE", "LAST POLL", "STATUS", "ERRORS", "LAST ERROR", "NEXT POLL")
    rows = [
        (
            s.name,
            when(s.last_polled_at),
            source_status(s),
            str(s.error_count),
            cell(last_error(s)),
            when(s.next_poll_at) if s.active else "-",
        )
        for s in sources
    ]
    return table(header, rows) if rows else "no sources yet"


def source_status(source: SourceState) -> str:
    if not source.active:
        return "removed"
    if source.error_count:
        return "failing"
    if source.last_polled_at is None:
        return "new"
    return "ok"


def last_error(source: SourceState) -> str:
    if source.last_error_reason is None:
        return ""
    return f"{source.last_error_reason}: {source.last_error or ''}"


def alerts_table(alerts: Sequence[AlertView]) -> str:
    """Recent alerts, newest first, with their delivery state and attempts."""
    header = ("CREATED", "RULE", "CHANNEL", "STATUS", "ATTEMPTS", "TITLE", "LAST ERROR")
    rows = [
        (
            when(a.created_at),
            a.rule,
            a.channel,
            a.status,
            str(a.attempts),
            cell(a.title),
            cell(a.last_error or ""),
        )
        for a in alerts
    ]
    return table(header, rows) if rows else "no alerts yet"


def when(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    return moment.strftime("%Y-%m-%d %H:%M:%SZ")


def cell(text: str) -> str:
    """One line, control characters out, long text cut, so a row stays a row."""
    flat = "".join(ch if ch.isprintable() else " " for ch in text)
    flat = " ".join(flat.split())
    if len(flat) > MAX_CELL:
        return flat[: MAX_CELL - 1] + "…"
    return flat


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)
