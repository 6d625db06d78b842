"""The Store: the daemon's only door to the database, one short transaction per call.

Every call reads the injected clock once and passes `now` into its queries (never the
database's own clock), so instances agree on time and tests can move it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from sqlalchemy import Engine

from monitor.clock import Clock, utc_now
from monitor.store import alerts as alert_queries
from monitor.store import articles as article_queries
from monitor.store import channels as channel_queries
from monitor.store import health as health_queries
from monitor.store import outbox as outbox_queries
from monitor.store import silences as silence_queries
from monitor.store import sources as source_queries
from monitor.store.engine import (
    create_store_engine,
    holding_lock,
    reading,
    upgrade_schema,
    writing,
)
from monitor.store.policy import AlertPolicy, Immediate
from monitor.store.records import (
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

STORY_CHOICE_LOCK = "monitor.story-choice"
# Choosing a story and storing an article takes milliseconds; an instance that holds the
# lock this long is stuck, and the waiting poll fails and is tried again at the next one.
STORY_CHOICE_WAIT = timedelta(seconds=30)


class _DuplicateArticle(Exception):
    """Raised inside the outbox transaction to roll back a story made for a lost race."""


class Store:
    """Sources, articles and the alert outbox, on SQLite or PostgreSQL.

    Thread-safe: the async app calls it through `asyncio.to_thread`.
    """

    def __init__(
        self, url: str, *, clock: Clock = utc_now, policy: AlertPolicy | None = None
    ) -> None:
        self._engine = create_store_engine(url)
        self._clock = clock
        self._policy: AlertPolicy = policy or Immediate()

    def set_dispatch_policy(self, policy: AlertPolicy) -> None:
        """Use `policy` (digests, rate limits) for the alerts written from now on (reload)."""
        self._policy = policy

    @property
    def engine(self) -> Engine:
        """The engine, for tests and diagnostics; callers use the methods."""
        return self._engine

    def upgrade(self) -> None:
        """Migrate the schema to the newest revision (the daemon does this at start)."""
        upgrade_schema(self._engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # sources

    def sync_sources(self, specs: Sequence[SourceSpec]) -> None:
        """Make `sources` match the config: add (due now), update keeping state, deactivate."""
        with writing(self._engine) as connection:
            source_queries.sync_sources(connection, specs, self._clock())

    def claim_due_sources(
        self, owner: str, *, lease: timedelta, limit: int, force: bool = False
    ) -> list[SourceState]:
        """Lease due active sources (all active with `force`) whose lease is free or expired."""
        with writing(self._engine) as connection:
            return source_queries.claim_due_sources(
                connection, owner, now=self._clock(), lease=lease, limit=limit, force=force
            )

    def release_source(self, name: str, owner: str) -> None:
        """Give a source's lease back without recording a poll."""
        with writing(self._engine) as connection:
            source_queries.release_source(connection, name, owner)

    def record_poll_success(
        self,
        name: str,
        owner: str,
        *,
        etag: str | None,
        last_modified: str | None,
        next_poll_at: datetime,
    ) -> bool:
        """Reset the error count, keep the validators, reschedule, release; False if lease lost."""
        with writing(self._engine) as connection:
            return source_queries.record_poll_success(
                connection,
                name,
                owner,
                now=self._clock(),
                etag=etag,
                last_modified=last_modified,
                next_poll_at=next_poll_at,
            )

    def record_poll_failure(
        self, name: str, owner: str, *, reason: str, message: str, next_poll_at: datetime
    ) -> bool:
        """Count the error, keep reason and message, reschedule, release; False if lease lost."""
        with writing(self._engine) as connection:
            return source_queries.record_poll_failure(
                connection,
                name,
                owner,
                now=self._clock(),
                reason=reason,
                message=message,
                next_poll_at=next_poll_at,
            )

    def list_sources(self) -> list[SourceState]:
        """Every source, active or not, by name."""
        with reading(self._engine) as connection:
            return source_queries.list_sources(connection)

    # articles

    def known_entries(
        self, url_hashes: Collection[str], guids: Collection[str]
    ) -> tuple[set[str], set[str]]:
        """The subsets of `url_hashes` and of `guids` already stored."""
        with reading(self._engine) as connection:
            return article_queries.known_entries(connection, url_hashes, guids)

    def save_article(
        self,
        article: ArticleRecord,
        matches: Sequence[MatchRecord],
        alerts: Sequence[AlertRecord],
    ) -> SavedArticle | None:
        """Write the article, its story, matches and alerts in one transaction (the outbox).

        None when the URL hash is already stored (another poll won the race); alerts
        that repeat a rule, story and channel are skipped; any other error writes nothing.
        """
        try:
            with writing(self._engine) as connection:
                saved = article_queries.save_article(
                    connection, article, matches, alerts, self._clock(), self._policy
                )
                if saved is None:
                    raise _DuplicateArticle
        except _DuplicateArticle:
            return None
        return saved

    def articles_since(self, since: datetime) -> Iterator[StoredArticle]:
        """Stored articles fetched at or after `since`, oldest first, read page by page."""
        return article_queries.articles_since(self._engine, since)

    def story_fingerprints_since(self, since: datetime) -> list[StoryFingerprintRow]:
        """Fingerprints of recent articles, to refill the near-duplicate index at start."""
        with reading(self._engine) as connection:
            return article_queries.story_fingerprints_since(connection, since)

    def forget_old_article_bodies(self, before: datetime, *, batch: int = 500) -> int:
        """Empty up to `batch` articles fetched before `before` (`storage.retention`)."""
        with writing(self._engine) as connection:
            return article_queries.forget_bodies(connection, before, batch)

    def choosing_stories(self) -> AbstractContextManager[None]:
        """Hold the story choice of every instance on this database (PostgreSQL) until exit.

        Between reading what other instances stored and storing an article in a story,
        no other instance may store one: two copies of a story arriving at two instances
        at once would otherwise each start a story, and alert twice.
        """
        return holding_lock(self._engine, STORY_CHOICE_LOCK, timeout=STORY_CHOICE_WAIT)

    def story_fingerprints_after(
        self, article_id: int, *, limit: int = 1000
    ) -> list[StoryFingerprintRow]:
        """Fingerprints of articles stored after `article_id`, by this or another instance."""
        with reading(self._engine) as connection:
            return article_queries.story_fingerprints_after(connection, article_id, limit)

    # alerts

    def claim_due_alerts(
        self,
        owner: str,
        *,
        lease: timedelta,
        limit: int,
        batch_channels: Collection[str] = (),
    ) -> list[AlertDelivery]:
        """Lease due pending/retrying alerts and crash orphans ('sending', lease expired).

        Alerts of `batch_channels` (digests) are left to `claim_due_batch`, notices excepted.
        """
        with writing(self._engine) as connection:
            return alert_queries.claim_due_alerts(
                connection,
                owner,
                now=self._clock(),
                lease=lease,
                limit=limit,
                batch_channels=batch_channels,
            )

    def claim_due_batch(
        self, channel: str, owner: str, *, lease: timedelta, limit: int
    ) -> list[AlertDelivery]:
        """Lease every due alert of one digest channel, to be sent together."""
        with writing(self._engine) as connection:
            return alert_queries.claim_due_batch(
                connection, channel, owner, now=self._clock(), lease=lease, limit=limit
            )

    def claim_for_replay(self, alert_id: str, owner: str, *, lease: timedelta) -> AlertDelivery:
        """Lease one alert to send again (same id), whatever its state.

        KeyError if there is no such alert; ValueError while it is being delivered.
        """
        with writing(self._engine) as connection:
            return alert_queries.claim_for_replay(
                connection, alert_id, owner, now=self._clock(), lease=lease
            )

    def record_delivered(self, alert_id: str, owner: str) -> bool:
        """Record a successful attempt; the alert is done. False if the lease was lost."""
        return self._record_attempt(alert_id, owner, "delivered", None, None)

    def record_retry(
        self, alert_id: str, owner: str, *, error: str, next_attempt_at: datetime
    ) -> bool:
        """Record a failed attempt, to try again at `next_attempt_at`. False if lease lost."""
        return self._record_attempt(alert_id, owner, "retrying", error, next_attempt_at)

    def record_failed(self, alert_id: str, owner: str, *, error: str) -> bool:
        """Record a failed attempt and give up on the alert. False if the lease was lost."""
        return self._record_attempt(alert_id, owner, "failed", error, None)

    def _record_attempt(
        self,
        alert_id: str,
        owner: str,
        outcome: str,
        error: str | None,
        next_attempt_at: datetime | None,
    ) -> bool:
        with writing(self._engine) as connection:
            return alert_queries.record_attempt(
                connection,
                alert_id,
                owner,
                now=self._clock(),
                outcome=outcome,
                error=error,
                next_attempt_at=next_attempt_at,
            )

    def recent_alerts(self, limit: int = 50) -> list[AlertView]:
        """The newest alerts first, with delivery state, for `monitor alerts`."""
        with reading(self._engine) as connection:
            return alert_queries.recent_alerts(connection, limit)

    def failed_alerts(self, limit: int = 50) -> list[AlertView]:
        """The newest alerts that gave up, with their last error (`monitor alerts --failed`)."""
        with reading(self._engine) as connection:
            return alert_queries.recent_alerts(connection, limit, statuses=("failed",))

    def story_source_count(self, story_id: int) -> int:
        """How many distinct sources published an article of the story."""
        with reading(self._engine) as connection:
            return outbox_queries.story_source_count(connection, story_id)

    def queue_notice(self, notice: Notice) -> str:
        """Put a notice (about the daemon itself) in the outbox, due now."""
        with writing(self._engine) as connection:
            return outbox_queries.insert_notice(connection, notice, now=self._clock())

    # silences

    def add_silence(
        self, target_kind: str, target: str, *, duration: timedelta, reason: str | None = None
    ) -> SilenceView:
        """Silence a rule ("rule", name) or a story ("story", id) for `duration` from now."""
        now = self._clock()
        with writing(self._engine) as connection:
            return silence_queries.add_silence(
                connection,
                target_kind=target_kind,
                target=target,
                reason=reason,
                now=now,
                ends_at=now + duration,
            )

    def end_silence(self, silence_id: int) -> bool:
        """End an active silence now; False if there is no such active silence."""
        with writing(self._engine) as connection:
            return silence_queries.end_silence(connection, silence_id, now=self._clock())

    def active_silences(self) -> list[SilenceView]:
        """The silences that hold now."""
        with reading(self._engine) as connection:
            return silence_queries.active_silences(connection, self._clock())

    # channels

    def disable_channel(
        self,
        channel: str,
        *,
        reason: str,
        fingerprint: str | None,
        notices: Sequence[Notice] = (),
    ) -> bool:
        """Disable a channel's deliveries and queue the notices; False if already disabled."""
        with writing(self._engine) as connection:
            return channel_queries.disable_channel(
                connection,
                channel,
                reason=reason,
                fingerprint=fingerprint,
                notices=notices,
                now=self._clock(),
            )

    def enable_channel(self, channel: str) -> bool:
        """Enable a disabled channel again; False if it was not disabled."""
        with writing(self._engine) as connection:
            return channel_queries.enable_channel(connection, channel)

    def enable_changed_channels(self, fingerprints: Mapping[str, str]) -> list[str]:
        """Enable the disabled channels whose target the config changed; return their names."""
        with writing(self._engine) as connection:
            return channel_queries.enable_changed_channels(connection, fingerprints)

    def disabled_channels(self) -> list[ChannelStateView]:
        """The channels whose deliveries are disabled."""
        with reading(self._engine) as connection:
            return channel_queries.disabled_channels(connection)

    # source health

    def source_activity(
        self, sources: Collection[str], *, recent: int = 20
    ) -> list[SourceActivity]:
        """Newest article and recent publishing times of each source."""
        with reading(self._engine) as connection:
            return health_queries.source_activity(connection, sources, recent=recent)

    def health_states(self) -> list[SourceHealthState]:
        """Sources in a notified bad state (failing or silent)."""
        with reading(self._engine) as connection:
            return health_queries.health_states(connection)

    def apply_health_changes(self, changes: Sequence[HealthChange]) -> list[HealthChange]:
        """Record health changes with their notices, each once across instances."""
        with writing(self._engine) as connection:
            return health_queries.apply_health_changes(connection, changes, now=self._clock())

    def alert_attempts(self, alert_id: str) -> list[AttemptView]:
        """The attempt history of one alert, first attempt first."""
        with reading(self._engine) as connection:
            return alert_queries.alert_attempts(connection, alert_id)
