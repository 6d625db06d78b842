"""Plain-text tables for `monitor sources`, `alerts`, `silences` and `channels`."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from monitor.dryrun import RuleTrial
from monitor.rules import Document, Explanation, QuerySyntaxError, RuleSpec, render_explanation
from monitor.store import AlertView, ChannelStateView, SilenceView, SourceState

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
    header = ("CREATED", "ID", "RULE", "CHANNEL", "STATUS", "ATTEMPTS", "TITLE", "LAST ERROR")
    rows = [
        (
            when(a.created_at),
            a.id,
            a.rule,
            a.channel,
            a.status,
            str(a.attempts),
            cell(a.title) + also_reported(a),
            cell(a.last_error or ""),
        )
        for a in alerts
    ]
    return table(header, rows) if rows else "no alerts yet"


def also_reported(alert: AlertView) -> str:
    """` (also reported by N sources)` when other sources carried the alert's story."""
    if not alert.other_sources:
        return ""
    plural = "" if alert.other_sources == 1 else "s"
    return f" (also reported by {alert.other_sources} source{plural})"


def failed_alerts_table(alerts: Sequence[AlertView]) -> str:
    """Alerts that gave up, newest first, with the error that ended them."""
    header = ("CREATED", "ID", "RULE", "CHANNEL", "ATTEMPTS", "LAST ATTEMPT", "LAST ERROR")
    rows = [
        (
            when(a.created_at),
            a.id,
            a.rule,
            a.channel,
            str(a.attempts),
            when(a.last_attempt_at),
            cell(a.last_error or ""),
        )
        for a in alerts
    ]
    return table(header, rows) if rows else "no failed alerts"


def silences_table(silences: Sequence[SilenceView]) -> str:
    """The silences that hold now, the soonest to end first."""
    header = ("ID", "TARGET", "UNTIL", "SINCE", "REASON")
    rows = [
        (str(s.id), s.label, when(s.ends_at), when(s.created_at), cell(s.reason or ""))
        for s in silences
    ]
    return table(header, rows) if rows else "no active silences"


def channels_table(channels: Mapping[str, Any], disabled: Sequence[ChannelStateView]) -> str:
    """Each configured channel: type, when it sends, and whether deliveries are disabled."""
    states = {state.channel: state for state in disabled}
    header = ("CHANNEL", "TYPE", "SENDS", "STATE", "SINCE", "REASON")
    rows = []
    for name, config in channels.items():
        digest = getattr(config, "digest", None)
        sends = f"digest {digest} {config.timezone}" if digest else "immediately"
        state = states.get(name)
        rows.append(
            (
                name,
                str(getattr(config, "type", "")),
                sends,
                "disabled" if state else "enabled",
                when(state.disabled_at) if state else "-",
                cell(state.reason) if state else "",
            )
        )
    return table(header, rows) if rows else "no channels configured"


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


def trial_report(trial: RuleTrial) -> str:
    """What `test-rule` prints: each article the rule would fire on, why, and alerts a day."""
    lines = []
    for hit in trial.fired:
        article, match = hit.article, hit.match
        lines.append(
            f"{when(article.published or article.fetched_at)}  [{article.source}]  "
            f"{cell(article.title)}"
        )
        lines.append(f"    {article.url}")
        if match.terms:
            lines.append(f"    terms: {', '.join(match.terms)}")
        if match.regions:
            lines.append(f"    regions: {', '.join(match.regions)}")
        lines += [f"    place: {place}" for place in match.places]
        lines += [f"    «{snippet}»" for snippet in match.snippets[:1]]
    if trial.per_day:
        lines.append("")
        lines.append("alerts a day:")
        lines += [f"  {day.isoformat()}  {count}" for day, count in trial.per_day]
    lines.append("")
    lines.append(
        f"rule {trial.rule}: {len(trial.fired)} of {trial.scanned} stored articles would fire"
    )
    return "\n".join(lines)


def page_report(document: Document, explanations: Sequence[Explanation]) -> str:
    """What `match` prints: what was extracted, then every rule's verdict and why."""
    places = ", ".join(
        f"{place.name} ({place.code}{', focus' if place.focus else ''})"
        for place in document.places
    )
    lines = [
        f"title: {cell(document.title)}",
        f"language: {document.language or 'unknown'}",
        f"text: {len(document.text.split())} words",
        f"places: {places or 'none'}",
        "",
    ]
    lines += [render_explanation(explanation) for explanation in explanations]
    return "\n".join(lines)


def query_error_message(query: str, error: QuerySyntaxError) -> str:
    """The query, a caret under the problem, and what is wrong."""
    return f"query: {query}\n       {' ' * error.column}^ {error.message}"


def unknown_rule_message(name: str | None, specs: Sequence[RuleSpec]) -> str:
    names = [spec.name for spec in specs]
    close = difflib.get_close_matches(name or "", names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    known = ", ".join(names) or "none"
    return f"unknown rule {name!r}{hint}; rules: {known}"
