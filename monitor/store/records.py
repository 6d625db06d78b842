"""The plain records that cross the store's boundary, so no caller ever touches a model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

ALERT_STATUSES = (
    "pending",
    "sending",
    "retrying",
    "delivered",
    "failed",
    "silenced",
    "folded",
)
ALERT_KINDS = ("alert", "update", "fold", "notice")


@dataclass(frozen=True)
class SourceSpec:
    """What the config says about a source; `sync_sources` makes the table agree with it."""

    name: str
    url: str
    kind: str
    interval: timedelta


@dataclass(frozen=True)
class SourceState:
    """A row of `sources`: the poll state the daemon keeps between cycles and restarts."""

    name: str
    url: str
    kind: str
    active: bool
    etag: str | None
    last_modified: str | None
    next_poll_at: datetime
    last_polled_at: datetime | None
    last_success_at: datetime | None
    error_count: int
    last_error_reason: str | None
    last_error: str | None
    lease_owner: str | None
    lease_until: datetime | None
    interval: timedelta | None = None
    failing_since: datetime | None = None


@dataclass(frozen=True)
class ArticleRecord:
    """What the pipeline hands over for one new article."""

    source: str
    url: str
    canonical_url: str
    url_hash: str
    guid: str | None
    title: str
    text: str
    summary: str
    published: datetime | None
    modified: datetime | None
    authors: tuple[str, ...]
    language: str | None
    site_name: str | None
    image: str | None
    description: str | None
    fetched_at: datetime
    geo: dict[str, Any] | None = None
    story_id: int | None = None
    fingerprint: bytes | None = None


@dataclass(frozen=True)
class MatchRecord:
    """One rule that matched an article, with the evidence shown to the user."""

    rule: str
    severity: str
    terms: tuple[str, ...]
    regions: tuple[str, ...]
    snippets: tuple[str, ...]
    explanation: dict[str, Any]


@dataclass(frozen=True)
class AlertRecord:
    """One alert to deliver; `id` is made by the caller and stays stable across retries.

    `kind` "update" is the follow-up sent when a story that alerted grows (on_update);
    it is unique per rule, story and channel like the first alert, and is written only
    when the story already alerted on that rule and channel and has at least
    `min_story_sources` distinct sources once the article is stored.
    """

    id: str
    rule: str
    channel: str
    severity: str
    payload: dict[str, Any]
    kind: str = "alert"
    min_story_sources: int = 0


@dataclass(frozen=True)
class SavedArticle:
    """What `save_article` wrote; `alert_ids` holds only the alerts actually inserted."""

    article_id: int
    story_id: int
    alert_ids: tuple[str, ...]


@dataclass(frozen=True)
class AlertDelivery:
    """A claimed alert, handed to the dispatcher while its lease lasts."""

    id: str
    rule: str
    channel: str
    severity: str
    payload: dict[str, Any]
    status: str
    attempts: int
    created_at: datetime
    first_attempt_at: datetime | None
    kind: str = "alert"
    story_id: int | None = None


@dataclass(frozen=True)
class AlertView:
    """An alert with its delivery state, for `monitor alerts`."""

    id: str
    created_at: datetime
    rule: str
    channel: str
    severity: str
    title: str
    url: str
    status: str
    attempts: int
    last_attempt_at: datetime | None
    last_error: str | None
    next_attempt_at: datetime | None
    kind: str = "alert"
    story_id: int | None = None
    other_sources: int = 0


@dataclass(frozen=True)
class StoredArticle:
    """A stored article, as `monitor test-rule` replays it through a rule."""

    id: int
    source: str
    url: str
    title: str
    text: str
    published: datetime | None
    fetched_at: datetime
    language: str | None
    geo: dict[str, Any] | None


@dataclass(frozen=True)
class StoryFingerprintRow:
    """A stored article's story fingerprint, to keep a near-duplicate index in step."""

    article_id: int
    story_id: int
    url_hash: str
    fingerprint: bytes
    fetched_at: datetime


@dataclass(frozen=True)
class AttemptView:
    """One delivery attempt of an alert and how it ended (delivered, retrying or failed)."""

    alert_id: str
    number: int
    at: datetime
    outcome: str
    error: str | None


@dataclass(frozen=True)
class Notice:
    """A message about the daemon itself (source health, a disabled channel) for one channel."""

    id: str
    event: str
    channel: str
    severity: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class SilenceView:
    """A silence: `target_kind` "rule" (target is a rule name) or "story" (a story id)."""

    id: int
    target_kind: str
    target: str
    reason: str | None
    created_at: datetime
    ends_at: datetime

    @property
    def label(self) -> str:
        """How the user names the target on the command line: `rule` or `story:<id>`."""
        return f"story:{self.target}" if self.target_kind == "story" else self.target


@dataclass(frozen=True)
class ChannelStateView:
    """A channel whose deliveries are disabled, since when and why."""

    channel: str
    disabled_at: datetime
    reason: str
    fingerprint: str | None


@dataclass(frozen=True)
class SourceActivity:
    """When a source last brought a new article, and its recent publishing times (newest first)."""

    source: str
    last_article_at: datetime | None
    published: tuple[datetime, ...]


@dataclass(frozen=True)
class SourceHealthState:
    """A source's notified bad state: "failing" or "silent", since when."""

    source: str
    state: str
    since: datetime
    notified_at: datetime


@dataclass(frozen=True)
class HealthChange:
    """A change of a source's health to record, with the notice that announces it.

    `before` is the state the decision was made on (None: healthy); the store applies the
    change only if the row still says so, so two instances never notify twice. `after`
    None means the source recovered.
    """

    source: str
    before: str | None
    after: str | None
    since: datetime
    notice: Notice
