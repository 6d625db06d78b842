"""Persistence for monitor: sources, articles, stories, matches and the alert outbox.

Only this package talks SQL. SQLite (default) and PostgreSQL; the schema is migrated
by Alembic revisions shipped inside the package (`Store.upgrade()`).
"""

from monitor.store.records import (
    ALERT_STATUSES,
    AlertDelivery,
    AlertRecord,
    AlertView,
    ArticleRecord,
    AttemptView,
    MatchRecord,
    SavedArticle,
    SourceSpec,
    SourceState,
    StoredArticle,
    StoryFingerprintRow,
)
from monitor.store.store import Store

__all__ = [
    "ALERT_STATUSES",
    "AlertDelivery",
    "AlertRecord",
    "AlertView",
    "ArticleRecord",
    "AttemptView",
    "MatchRecord",
    "SavedArticle",
    "SourceSpec",
    "SourceState",
    "Store",
    "StoredArticle",
    "StoryFingerprintRow",
]
