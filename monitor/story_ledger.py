"""Keep this instance's near-duplicate index in step with the articles every instance stores.

Several instances may share one database, each polling different sources: a copy
of a story stored by one must be found by the others, or a republished story would
alert once per instance. So the index is refilled from the database at start and
caught up with rows stored elsewhere before a story is chosen, under a lock that every
instance takes to choose (PostgreSQL); this instance's own articles go in at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from monitor.store import Store, StoryFingerprintRow
from monitor.stories import StoryFingerprint, StoryIndex

log = logging.getLogger(__name__)

# Now and then re-read this many ids behind the newest seen: on PostgreSQL an id can
# commit after a larger one, and such a late row must not be skipped for good.
ID_OVERLAP = 200
LOOK_BACK_EVERY_S = 30.0


class StoryLedger:
    """The story index of this process, shared by every poll, caught up with the database."""

    def __init__(self, store: Store, *, window: timedelta) -> None:
        self._store = store
        self._window = window
        self._index = StoryIndex(window=window)
        self._lock = threading.Lock()
        self._seen: dict[int, datetime] = {}
        self._newest = 0
        self._looked_back_at = float("-inf")

    def load(self, now: datetime) -> None:
        """Fill the index with the stories of the window, as stored by any instance."""
        with self._lock:
            self._add_rows(self._store.story_fingerprints_since(now - self._window))
            self._looked_back_at = time.monotonic()

    @contextmanager
    def choosing(self) -> Iterator[StoryIndex]:
        """The index, caught up and held, here and in every instance on the database:
        find a story and store the article inside."""
        with self._lock, self._store.choosing_stories():
            self._catch_up()
            yield self._index

    def remember(
        self, article_id: int, story_id: int, fp: StoryFingerprint, *, url_hash: str, at: datetime
    ) -> None:
        """Add an article this instance just stored (call inside `choosing`)."""
        self._index.add(story_id, fp, url_hash=url_hash, seen_at=at)
        self._seen[article_id] = at
        self._newest = max(self._newest, article_id)

    def expire(self, now: datetime) -> int:
        with self._lock:
            cutoff = now - self._window
            self._seen = {key: at for key, at in self._seen.items() if at >= cutoff}
            return self._index.expire(now)

    def _catch_up(self) -> None:
        """Read what other instances stored since the newest article seen here.

        The usual query returns the few rows stored since (by id, so it is cheap); every
        LOOK_BACK_EVERY_S it also reaches back ID_OVERLAP ids for rows committed late.
        """
        start = self._newest
        if time.monotonic() - self._looked_back_at >= LOOK_BACK_EVERY_S:
            self._looked_back_at = time.monotonic()
            start = max(0, self._newest - ID_OVERLAP)
        self._add_rows(self._store.story_fingerprints_after(start))

    def _add_rows(self, rows: list[StoryFingerprintRow]) -> None:
        for row in rows:
            if row.article_id in self._seen:
                continue
            try:
                fp = StoryFingerprint.from_bytes(row.fingerprint)
            except ValueError as error:
                # One unreadable row must not stop the daemon; that article just stops
                # counting as a possible duplicate.
                log.warning("story_fingerprint_skipped article=%d reason=%s", row.article_id, error)
                self._seen[row.article_id] = row.fetched_at
                continue
            self.remember(
                row.article_id, row.story_id, fp, url_hash=row.url_hash, at=row.fetched_at
            )
