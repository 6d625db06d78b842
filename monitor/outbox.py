"""Build the records one new article writes in its transaction: article, matches, alerts.

The alert payload is made here, once, when the alert is created: every channel
renders from it and every retry sends the same thing (the transactional outbox).
"""

from __future__ import annotations

from datetime import datetime

from monitor.alerts import build_alert_payload, new_alert_id, update_payload
from monitor.analysis import Analysis
from monitor.config import Config, RuleConfig
from monitor.rules import RuleMatch
from monitor.sources import Entry
from monitor.store import AlertRecord, ArticleRecord, MatchRecord


def article_record(
    *,
    source: str,
    entry: Entry,
    canonical_url: str,
    url_hash: str,
    analysis: Analysis,
    story_id: int | None,
    now: datetime,
) -> ArticleRecord:
    """The article row: what was extracted, where it came from, its places and story."""
    article = analysis.article
    return ArticleRecord(
        source=source,
        url=entry.url,
        canonical_url=article.canonical_url or canonical_url,
        url_hash=url_hash,
        guid=entry.guid,
        title=article.title,
        text=article.text,
        summary=analysis.summary,
        published=article.published,
        modified=article.modified,
        authors=article.authors,
        language=article.language,
        site_name=article.site_name,
        image=article.image,
        description=article.description,
        fetched_at=now,
        geo=analysis.geo,
        story_id=story_id,
        fingerprint=analysis.fingerprint,
    )


def match_records(config: Config, matches: tuple[RuleMatch, ...]) -> list[MatchRecord]:
    """One row per matched rule, keeping why it matched."""
    severity = {rule.name: rule.severity for rule in config.rules}
    return [
        MatchRecord(
            rule=match.rule,
            severity=severity[match.rule],
            terms=match.terms,
            regions=match.regions,
            snippets=match.snippets,
            explanation=explanation_of(match),
        )
        for match in matches
    ]


def alert_records(
    config: Config, *, source: str, analysis: Analysis, story_id: int | None, now: datetime
) -> list[AlertRecord]:
    """One alert per matched rule and channel; the store adds the story id it assigns.

    When the article joins a known story and the rule asks for `on_update`, a
    follow-up goes along; the store writes it only if the story already alerted and
    has grown to the rule's number of sources.
    """
    records = []
    rules = {rule.name: rule for rule in config.rules}
    for match in analysis.matches:
        rule = rules[match.rule]
        for channel in config.channels_for(rule):
            alert_id = new_alert_id()
            payload = build_alert_payload(
                alert_id=alert_id,
                created_at=now,
                rule=rule.name,
                severity=rule.severity,
                source=source,
                url=analysis.article.url,
                title=analysis.article.title,
                summary=analysis.summary,
                published=analysis.article.published,
                language=analysis.article.language,
                terms=match.terms,
                regions=match.regions,
                snippets=match.snippets,
                places=match.places,
            )
            records.append(AlertRecord(alert_id, rule.name, channel, rule.severity, payload))
            if story_id is not None and rule.on_update.notify:
                records.append(follow_up(rule, channel, payload))
    return records


def follow_up(rule: RuleConfig, channel: str, payload: dict) -> AlertRecord:
    """The "story grew" alert that goes with an alert, should its story have grown enough."""
    alert_id = new_alert_id()
    return AlertRecord(
        alert_id,
        rule.name,
        channel,
        rule.severity,
        update_payload(payload, alert_id=alert_id, sources=0),
        kind="update",
        min_story_sources=rule.on_update.min_sources,
    )


def explanation_of(match: RuleMatch) -> dict:
    """The JSON form of why a rule matched, stored with the match."""
    return {
        "terms": list(match.terms),
        "regions": list(match.regions),
        "places": list(match.places),
        "hits": [{"term": h.term, "field": h.field, "position": h.position} for h in match.hits],
    }
