"""Persistence for monitor: sources, articles, stories, matches and the alert outbox.

Only this package talks SQL. SQLite (default) and PostgreSQL; the schema is migrated
by Alembic revisions shipped inside the package (`Store.upgrade()`).
"""

from monitor.store.policy import AlertPolicy, Immediate, RateWindow
from monitor.store.records import (
    ALERT_KINDS,
    ALERT_STATUSES,
    AlertDelivery,
    AlertRecord,
    AlertView,
    ArticleRecord,
    AttemptView,
    ChannelStateView,
    HealthChange,
    MatchRecord,
    Notice,
    SavedArticle,
    SilenceView,
    SourceActivity,
    SourceHealthState,
    SourceSpec,
    SourceState,
    StoredArticle,
    StoryFingerprintRow,
)
from monitor.store.store import Store

__all__ = [
    "ALERT_KINDS",
    "ALERT_STATUSES",
    "AlertDelivery",
    "AlertPolicy",
    "AlertRecord",
    "AlertView",
    "ArticleRecord",
    "AttemptView",
    "ChannelStateView",
    "HealthChange",
    "Immediate",
    "MatchRecord",
    "Notice",
    "RateWindow",
    "SavedArticle",
    "SilenceView",
    "SourceActivity",
    "SourceHealthState",
    "SourceSpec",
    "SourceState",
    "Store",
    "StoredArticle",
    "StoryFingerprintRow",
]
