"""The database schema as typed SQLAlchemy models; migrations/ must produce exactly this."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names, so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Store UTC and always hand back an aware UTC datetime.

    SQLite has no time zones: a stored aware datetime comes back naive. So every value
    is converted to UTC on the way in (a naive one is a bug upstream and is refused),
    stored naive on SQLite (text that sorts in time order), and tagged UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the store needs aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it as a class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


class Source(Base):
    """Poll state of one configured source (name from rules.yaml)."""

    __tablename__ = "sources"
    __table_args__ = (Index("ix_sources_due", "active", "next_poll_at"),)

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    interval_seconds: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    next_poll_at: Mapped[datetime]
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    error_count: Mapped[int] = mapped_column(Integer)
    last_error_reason: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    failing_since: Mapped[datetime | None]


class Story(Base):
    """One event told by one or more near-duplicate articles; alerts are per story."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime]


class Article(Base):
    """One stored article: extracted text, metadata, geo tags and story fingerprint."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("url_hash"),
        Index("ix_articles_guid", "guid"),
        Index("ix_articles_fetched_at", "fetched_at"),
        Index("ix_articles_story_id", "story_id"),
        Index("ix_articles_source_fetched_at", "source", "fetched_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id"))
    source: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text)
    url_hash: Mapped[str] = mapped_column(String(128))
    guid: Mapped[str | None] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    published: Mapped[datetime | None]
    modified: Mapped[datetime | None]
    authors: Mapped[list[str]]
    language: Mapped[str | None] = mapped_column(String(16))
    site_name: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime]
    geo: Mapped[dict[str, Any] | None]
    fingerprint: Mapped[bytes | None] = mapped_column(LargeBinary)


class Match(Base):
    """Why a rule fired on an article: terms, regions, snippets and the explanation."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("rule", "article_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule: Mapped[str] = mapped_column(String(200))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    severity: Mapped[str] = mapped_column(String(16))
    terms: Mapped[list[str]]
    regions: Mapped[list[str]]
    snippets: Mapped[list[str]]
    explanation: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class Alert(Base):
    """The outbox: one delivery to one channel, with its lease.

    `kind` is "alert" (a story matched a rule), "update" (the story grew), "fold" (the
    "N more alerts" summary of a throttled rule) or "notice" (source health, a disabled
    channel); folds and notices have no story or article.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("rule", "story_id", "channel", "kind"),
        Index("ix_alerts_due", "status", "next_attempt_at"),
        Index("ix_alerts_lease", "status", "lease_until"),
        Index("ix_alerts_created_at", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str] = mapped_column(String(200))
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    channel: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), server_default="alert")
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    first_attempt_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    payload: Mapped[dict[str, Any]]


class AlertAttempt(Base):
    """History: one row per delivery attempt of an alert and how it ended."""

    __tablename__ = "alert_attempts"
    __table_args__ = (UniqueConstraint("alert_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"))
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)


class Silence(Base):
    """A silence: alerts of a rule, or of a story, are recorded but not sent until `ends_at`."""

    __tablename__ = "silences"
    __table_args__ = (Index("ix_silences_ends_at", "ends_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    ends_at: Mapped[datetime]


class ChannelState(Base):
    """A channel whose deliveries are disabled (a webhook answered 410 Gone), shared by instances.

    `fingerprint` identifies the channel's target when it was disabled, so a changed URL
    in the config re-enables it.
    """

    __tablename__ = "channel_state"

    channel: Mapped[str] = mapped_column(String(200), primary_key=True)
    disabled_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str | None] = mapped_column(String(64))


class SourceHealth(Base):
    """A source in a notified bad state (failing or silent), so each notice is sent once."""

    __tablename__ = "source_health"

    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    since: Mapped[datetime]
    notified_at: Mapped[datetime]
