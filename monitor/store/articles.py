"""Queries on articles, stories and matches: dedupe entries, save an article with its outbox."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import islice

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    delete,
    insert,
    null,
    or_,
    select,
    update,
)

from monitor.store.dialects import insert_ignoring_conflicts
from monitor.store.engine import reading
from monitor.store.models import Article, Match, Story
from monitor.store.outbox import UPDATE, insert_alerts, story_alerted, story_source_count
from monitor.store.policy import AlertPolicy
from monitor.store.records import (
    AlertRecord,
    ArticleRecord,
    MatchRecord,
    SavedArticle,
    StoredArticle,
    StoryFingerprintRow,
)

log = logging.getLogger(__name__)

# Stays well under SQLite's bound-parameter limit and keeps IN lists cheap to plan.
CHUNK = 500
PAGE = 200


def known_entries(
    connection: Connection, url_hashes: Collection[str], guids: Collection[str]
) -> tuple[set[str], set[str]]:
    """Which of these URL hashes and guids are already stored."""
    return (
        _stored_values(connection, Article.url_hash, url_hashes),
        _stored_values(connection, Article.guid, guids),
    )


def _stored_values(connection: Connection, column: object, values: Collection[str]) -> set[str]:
    found: set[str] = set()
    remaining = iter(set(values))
    while chunk := list(islice(remaining, CHUNK)):
        found.update(connection.scalars(select(column).where(column.in_(chunk))))  # type: ignore[attr-defined]
    return found


def save_article(
    connection: Connection,
    article: ArticleRecord,
    matches: Sequence[MatchRecord],
    alerts: Sequence[AlertRecord],
    now: datetime,
    policy: AlertPolicy,
) -> SavedArticle | None:
    """Write article, story, matches and alerts in the caller's transaction; None if a duplicate.

    The caller rolls the transaction back on None or on any exception, so that a
    half-written article never exists (the transactional outbox).
    """
    story_id = article.story_id
    if story_id is None:
        story_id = connection.execute(
            insert(Story).values(created_at=now).returning(Story.id)
        ).scalar_one()
    article_id = connection.execute(
        insert_ignoring_conflicts(connection, Article, ["url_hash"])
        .values(**_article_values(article, story_id))
        .returning(Article.id)
    ).scalar_one_or_none()
    if article_id is None:
        log.info("article_duplicate source=%s url=%s", article.source, article.url)
        return None
    if matches:
        connection.execute(insert(Match), [_match_values(m, article_id, now) for m in matches])
    due = [alert for alert in alerts if alert.kind != UPDATE]
    if article.story_id is not None:
        due += grown_story_updates(connection, alerts, story_id)
    alert_ids = insert_alerts(
        connection, due, story_id=story_id, article_id=article_id, now=now, policy=policy
    )
    return SavedArticle(article_id=article_id, story_id=story_id, alert_ids=alert_ids)


# What an article loses once past `storage.retention`, and its geo tags (set to SQL NULL).
_EMPTIED: dict[str, object] = {
    "text": "",
    "summary": "",
    "description": None,
    "authors": [],
    "fingerprint": None,
}
_EMPTIED_COLUMNS = frozenset({*_EMPTIED, "geo"})


def forget_bodies(connection: Connection, before: datetime, limit: int) -> int:
    """Empty the text, geo tags and fingerprint of up to `limit` articles fetched before `before`.

    The row stays, with its URL, guid and title: a feed that still lists the entry
    finds it known, and its alerts keep their article. Returns how many were emptied.

    PostgreSQL reuses the space of the old row versions (vacuum). SQLite would not:
    a row shrunk in place keeps its page, so on SQLite the rows are deleted and written
    back emptied, packed into few pages, and the pages freed are reused for new articles.
    """
    still_full = or_(Article.fingerprint.is_not(None), Article.text != "", Article.summary != "")
    old = select(Article.id).where(Article.fetched_at < before, still_full).limit(limit)
    ids = list(connection.execute(old).scalars())
    if not ids:
        return 0
    if connection.dialect.name == "sqlite":
        _rewrite_emptied(connection, ids)
    else:
        connection.execute(
            update(Article).where(Article.id.in_(ids)).values(**_EMPTIED, geo=null())
        )
    return len(ids)


def _rewrite_emptied(connection: Connection, ids: list[int]) -> None:
    kept = [column for column in Article.__table__.columns if column.name not in _EMPTIED_COLUMNS]
    rows = [
        dict(row._mapping) for row in connection.execute(select(*kept).where(Article.id.in_(ids)))
    ]
    # Matches and alerts point at these rows: checked at commit, when the rows are back.
    connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    connection.execute(delete(Article).where(Article.id.in_(ids)))
    connection.execute(insert(Article).values(**_EMPTIED, geo=null()), rows)


def _article_values(article: ArticleRecord, story_id: int) -> dict[str, object]:
    return {
        "story_id": story_id,
        "source": article.source,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "url_hash": article.url_hash,
        "guid": article.guid,
        "title": article.title,
        "text": article.text,
        "summary": article.summary,
        "published": article.published,
        "modified": article.modified,
        "authors": list(article.authors),
        "language": article.language,
        "site_name": article.site_name,
        "image": article.image,
        "description": article.description,
        "fetched_at": article.fetched_at,
        "geo": article.geo,
        "fingerprint": article.fingerprint,
    }


def _match_values(match: MatchRecord, article_id: int, now: datetime) -> dict[str, object]:
    return {
        "rule": match.rule,
        "article_id": article_id,
        "severity": match.severity,
        "terms": list(match.terms),
        "regions": list(match.regions),
        "snippets": list(match.snippets),
        "explanation": match.explanation,
        "created_at": now,
    }


def articles_since(engine: Engine, since: datetime) -> Iterator[StoredArticle]:
    """Articles fetched at or after `since`, oldest first.

    Read a page per short transaction (keyset on id), so that a slow consumer holds
    neither a connection nor a snapshot between pages.
    """
    after_id = 0
    while True:
        with reading(engine) as connection:
            rows = connection.execute(
                select(
                    Article.id,
                    Article.source,
                    Article.url,
                    Article.title,
                    Article.text,
                    Article.published,
                    Article.fetched_at,
                    Article.language,
                    Article.geo,
                )
                .where(Article.fetched_at >= since, Article.id > after_id)
                .order_by(Article.id)
                .limit(PAGE)
            ).all()
        for row in rows:
            yield StoredArticle(**row._asdict())
        if len(rows) < PAGE:
            return
        after_id = rows[-1].id


def story_fingerprints_since(connection: Connection, since: datetime) -> list[StoryFingerprintRow]:
    """Fingerprints of articles fetched since `since`, to refill the near-duplicate index."""
    return _fingerprint_rows(connection, Article.fetched_at >= since)


def story_fingerprints_after(
    connection: Connection, article_id: int, limit: int
) -> list[StoryFingerprintRow]:
    """Fingerprints of the articles stored after `article_id` (by any instance), oldest first."""
    return _fingerprint_rows(connection, Article.id > article_id, limit=limit)


def _fingerprint_rows(
    connection: Connection, condition: ColumnElement[bool], limit: int | None = None
) -> list[StoryFingerprintRow]:
    rows = connection.execute(
        select(
            Article.id, Article.story_id, Article.url_hash, Article.fingerprint, Article.fetched_at
        )
        .where(condition, Article.fingerprint.is_not(None))
        .order_by(Article.id)
        .limit(limit)
    ).all()
    return [
        StoryFingerprintRow(row.id, row.story_id, row.url_hash, row.fingerprint, row.fetched_at)
        for row in rows
    ]


def grown_story_updates(
    connection: Connection, alerts: Sequence[AlertRecord], story_id: int
) -> list[AlertRecord]:
    """The follow-ups whose story already alerted and now has enough distinct sources.

    Decided inside the article's transaction, so that the follow-up is written with
    the article that made the story grow, or not at all.
    """
    updates = [alert for alert in alerts if alert.kind == UPDATE]
    if not updates:
        return []
    sources = story_source_count(connection, story_id)
    return [
        replace(update, payload=with_source_count(update.payload, sources))
        for update in updates
        if sources >= update.min_story_sources
        and story_alerted(connection, update.rule, story_id, update.channel)
    ]


def with_source_count(payload: dict[str, object], sources: int) -> dict[str, object]:
    story = payload.get("story")
    return {**payload, "story": {**(story if isinstance(story, dict) else {}), "sources": sources}}
