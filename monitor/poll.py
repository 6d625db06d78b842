"""The poll step: the one place that knows the order of the stages for one source.

fetch -> read entries -> keep the new ones -> fetch and analyse each article ->
assign its story -> store article, matches and alerts in one transaction.
A source's failure becomes data on its row (reason, message, backoff); it never
raises out of here.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import timedelta

from monitor.analysis import Analysis, AnalysisJob
from monitor.backoff import exponential_backoff
from monitor.clock import Clock
from monitor.config import Config, SourceConfig
from monitor.extract import ExtractRules
from monitor.fetch import Fetcher, FetchError
from monitor.outbox import alert_records, article_record, match_records
from monitor.sources import Entry, SourceParseError
from monitor.sources.reader import read_entries
from monitor.store import SourceState, Store
from monitor.stories import StoryFingerprint
from monitor.story_ledger import StoryLedger
from monitor.urls import canonicalize_url, url_hash
from monitor.workers import AnalysisPool

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
MAX_NEW_ENTRIES_PER_POLL = 200
ARTICLES_AT_ONCE = 4
STALE_ENTRY_AGE = timedelta(hours=24)
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one poll of one source did, for logs and `run --once`."""

    source: str
    status: str  # ok | not_modified | failed | removed
    new_articles: int = 0
    alerts: int = 0
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class NewEntry:
    entry: Entry
    canonical_url: str
    url_hash: str


class Poller:
    """Polls claimed sources through every stage and records the outcome on the source row."""

    def __init__(
        self,
        *,
        config: Config,
        store: Store,
        fetcher: Fetcher,
        pool: AnalysisPool,
        stories: StoryLedger,
        owner: str,
        clock: Clock,
        rng: random.Random | None = None,
    ) -> None:
        self._config = config
        self._store = store
        self._fetcher = fetcher
        self._pool = pool
        self._stories = stories
        self._owner = owner
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._sources = {source.name: source for source in config.sources}

    async def poll(self, state: SourceState) -> PollReport:
        """Poll one claimed source; every outcome is written to its row and the lease freed."""
        source = self._sources.get(state.name)
        if source is None:
            await asyncio.to_thread(self._store.release_source, state.name, self._owner)
            return PollReport(state.name, "removed")
        try:
            return await self._poll_source(source, state)
        except FetchError as error:
            return await self._record_failure(source, state, error.reason, str(error), error)
        except SourceParseError as error:
            return await self._record_failure(source, state, "parse", str(error), None)

    async def _poll_source(self, source: SourceConfig, state: SourceState) -> PollReport:
        result = await self._fetcher.fetch(
            source.url, etag=state.etag, last_modified=state.last_modified
        )
        if result.not_modified:
            await self._record_success(source, state.etag, state.last_modified)
            log.info("poll_not_modified source=%s", source.name)
            return PollReport(source.name, "not_modified")
        entries = await read_entries(source, result, self._fetcher, now=self._clock())
        unseen = await self._new_entries(entries)
        fresh = unseen[:MAX_NEW_ENTRIES_PER_POLL]
        saved = await self._process_entries(source, fresh)
        if len(fresh) < len(unseen) or None in saved:
            # Entries were left for the next poll: forget the validators so that it reads
            # the whole source again instead of being told "304 Not Modified".
            await self._record_success(source, None, None)
        else:
            await self._record_success(source, result.etag, result.last_modified)
        articles = sum(1 for alerts in saved if alerts is not None)
        alerts = sum(alerts or 0 for alerts in saved)
        log.info(
            "poll_ok source=%s entries=%d new=%d articles=%d alerts=%d",
            source.name,
            len(entries),
            len(fresh),
            articles,
            alerts,
        )
        return PollReport(source.name, "ok", new_articles=articles, alerts=alerts)

    async def _new_entries(self, entries: list[Entry]) -> list[NewEntry]:
        """Entries whose canonical URL and guid were never stored, once each, in source order."""
        candidates: dict[str, NewEntry] = {}
        for entry in entries:
            canonical = canonicalize_url(entry.url)
            key = url_hash(canonical)
            candidates.setdefault(key, NewEntry(entry, canonical, key))
        guids = [c.entry.guid for c in candidates.values() if c.entry.guid]
        known_hashes, known_guids = await asyncio.to_thread(
            self._store.known_entries, list(candidates), guids
        )
        return [
            c
            for key, c in candidates.items()
            if key not in known_hashes and (c.entry.guid is None or c.entry.guid not in known_guids)
        ]

    async def _process_entries(
        self, source: SourceConfig, fresh: list[NewEntry]
    ) -> list[int | None]:
        limit = asyncio.Semaphore(ARTICLES_AT_ONCE)

        async def process(item: NewEntry) -> int | None:
            async with limit:
                return await self._process_entry(source, item)

        return await asyncio.gather(*(process(item) for item in fresh))

    async def _process_entry(self, source: SourceConfig, item: NewEntry) -> int | None:
        """Analyse and store one new entry; the alerts created, or None when it was not stored
        (deferred, failed, or stored meanwhile by another poll) and may need another look."""
        job = await self._job_for(source, item)
        if job is None:
            return None
        try:
            analysis = await self._pool.analyse(job)
        except Exception:
            # A page that breaks a stage must not cost the source its other articles;
            # it is tried again at the next poll.
            log.exception("article_analysis_failed source=%s url=%s", source.name, item.entry.url)
            return None
        return await asyncio.to_thread(self._store_analysis, source, item, analysis)

    async def _job_for(self, source: SourceConfig, item: NewEntry) -> AnalysisJob | None:
        """Fetch the article page when full text is on; a retryable failure waits for next poll."""
        extract_rules = extract_rules_of(source)
        if not self._full_text(source):
            return AnalysisJob(source.name, item.entry, extract_rules=extract_rules)
        if not await self._fetcher.robots_allows(item.entry.url):
            log.info(
                "article_fetch_disallowed source=%s url=%s by=robots.txt using=summary",
                source.name,
                item.entry.url,
            )
            return AnalysisJob(source.name, item.entry, extract_rules=extract_rules)
        try:
            page = await self._fetcher.fetch(item.entry.url, accept=PAGE_ACCEPT)
        except FetchError as error:
            if error.retryable and not self._is_stale(item.entry):
                log.warning(
                    "article_fetch_deferred source=%s url=%s reason=%s",
                    source.name,
                    item.entry.url,
                    error.reason,
                )
                return None
            log.warning(
                "article_fetch_failed source=%s url=%s reason=%s using=summary",
                source.name,
                item.entry.url,
                error.reason,
            )
            return AnalysisJob(source.name, item.entry, extract_rules=extract_rules)
        return AnalysisJob(
            source.name,
            item.entry,
            page=page.body,
            page_url=page.final_url,
            headers=dict(page.headers),
            extract_rules=extract_rules,
        )

    def _store_analysis(
        self, source: SourceConfig, item: NewEntry, analysis: Analysis
    ) -> int | None:
        """Assign the story, then write article, matches and alerts in one transaction.

        The story is chosen and the article stored while the story index is held: two
        copies of a story arriving at once from two sources must not both start one.
        """
        story_fp = StoryFingerprint.from_bytes(analysis.fingerprint)
        with self._stories.choosing() as index:
            now = self._clock()
            story_id = index.find(story_fp, url_hash=item.url_hash, now=now)
            record = article_record(
                source=source.name,
                entry=item.entry,
                canonical_url=item.canonical_url,
                url_hash=item.url_hash,
                analysis=analysis,
                story_id=story_id,
                now=now,
            )
            matches = match_records(self._config, analysis.matches)
            alerts = alert_records(
                self._config, source=source.name, analysis=analysis, story_id=story_id, now=now
            )
            saved = self._store.save_article(record, matches, alerts)
            if saved is None:
                return None
            self._stories.remember(
                saved.article_id, saved.story_id, story_fp, url_hash=item.url_hash, at=now
            )
        for match in analysis.matches:
            log.info(
                "rule_matched rule=%s source=%s url=%s story=%d terms=%s",
                match.rule,
                source.name,
                item.entry.url,
                saved.story_id,
                ",".join(match.terms),
            )
        return len(saved.alert_ids)

    def _full_text(self, source: SourceConfig) -> bool:
        return source.effective_full_text(self._config.defaults)

    def _is_stale(self, entry: Entry) -> bool:
        return entry.published is not None and entry.published < self._clock() - STALE_ENTRY_AGE

    async def _record_success(
        self, source: SourceConfig, etag: str | None, last_modified: str | None
    ) -> None:
        next_poll_at = self._clock() + self._jittered(
            source.effective_interval(self._config.defaults)
        )
        await asyncio.to_thread(
            self._store.record_poll_success,
            source.name,
            self._owner,
            etag=etag,
            last_modified=last_modified,
            next_poll_at=next_poll_at,
        )

    async def _record_failure(
        self,
        source: SourceConfig,
        state: SourceState,
        reason: str,
        message: str,
        error: FetchError | None,
    ) -> PollReport:
        delay = self._failure_delay(source, state.error_count + 1, error)
        next_poll_at = self._clock() + delay
        log.warning(
            "poll_failed source=%s reason=%s errors=%d next_poll_in=%ds message=%s",
            source.name,
            reason,
            state.error_count + 1,
            int(delay.total_seconds()),
            message,
        )
        await asyncio.to_thread(
            self._store.record_poll_failure,
            source.name,
            self._owner,
            reason=reason,
            message=message,
            next_poll_at=next_poll_at,
        )
        return PollReport(source.name, "failed", reason=reason)

    def _failure_delay(
        self, source: SourceConfig, errors: int, error: FetchError | None
    ) -> timedelta:
        """Back off exponentially from the source's interval, capped at six hours."""
        interval = source.effective_interval(self._config.defaults)
        cap = max(MAX_BACKOFF, interval)
        delay = exponential_backoff(errors, first=interval, cap=cap, rng=self._rng)
        if error is not None and error.retry_after is not None:
            delay = max(delay, min(timedelta(seconds=error.retry_after), cap))
        return delay

    def _jittered(self, interval: timedelta) -> timedelta:
        """Up to 5% jitter so that sources with one interval do not all poll at once."""
        return interval * (1 + self._rng.uniform(0, 0.05))


def extract_rules_of(source: SourceConfig) -> ExtractRules | None:
    if source.extract is None:
        return None
    return ExtractRules(body=source.extract.body, drop=tuple(source.extract.drop))
