"""Build the stages from a Config; `run()` the daemon, `run_once()` one cycle.

The App owns the long-lived parts (store, fetcher, worker pool, story index,
channels) and the in-flight work, so that a reload or a shutdown knows what to
swap, wait for, or release.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from monitor import __version__
from monitor.alerts import (
    Dispatcher,
    DispatchReport,
    build_channels,
    channel_fingerprints,
    digest_schedules,
    health_changes,
    policy_from_config,
)
from monitor.alerts.health import RECENT
from monitor.clock import Clock, utc_now
from monitor.config import Config
from monitor.fetch import Fetcher, FetchLimits
from monitor.poll import Poller, PollReport
from monitor.scheduler import build_scheduler, sync_digest_jobs
from monitor.specs import rule_specs, source_specs
from monitor.store import SourceState, Store
from monitor.story_ledger import StoryLedger
from monitor.workers import AnalysisPool

log = logging.getLogger(__name__)

SOURCE_LEASE = timedelta(minutes=10)
MAX_POLLS_AT_ONCE = 8
SHUTDOWN_GRACE_S = 10.0
STORY_WINDOW = timedelta(hours=72)
# Short transactions, so that emptying a backlog (retention newly set) never holds up polls;
# 10 x 500 a tick is far more than any set of feeds brings in ten minutes.
FORGET_BATCH = 500
FORGET_BATCHES_PER_TICK = 10


@dataclass(frozen=True, slots=True)
class CycleReport:
    """What `run --once` did."""

    polls: tuple[PollReport, ...] = ()
    dispatch: DispatchReport | None = None
    notices: int = 0  # source-health notices queued


@dataclass
class _InFlight:
    """Work started by the daemon's ticks, so that shutdown can wait for it or release it."""

    tasks: dict[str, asyncio.Task[PollReport]] = field(default_factory=dict)
    background: set[asyncio.Task[None]] = field(default_factory=set)
    dispatching: bool = False
    dispatch_again: bool = False

    def track(self, task: asyncio.Task[None]) -> None:
        self.background.add(task)
        task.add_done_callback(self.background.discard)


def new_owner_id() -> str:
    """Who holds a lease: unique per process, readable in the database."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class App:
    """The daemon's parts, built from one Config, and the cycles that use them."""

    def __init__(
        self,
        config: Config,
        *,
        clock: Clock = utc_now,
        workers: int | None = None,
        owner: str | None = None,
        fetch_limits: FetchLimits | None = None,
    ) -> None:
        self._config = config
        self._fetch_limits = fetch_limits or FetchLimits(
            allow_private_networks=config.defaults.allow_private_networks
        )
        self._clock = clock
        self._workers = default_workers() if workers is None else workers
        self.owner = owner or new_owner_id()
        self.store = Store(config.storage.url, clock=clock)
        self._fetcher: Fetcher | None = None
        self._delivery_client: httpx.AsyncClient | None = None
        self._pool: AnalysisPool | None = None
        self._poller: Poller | None = None
        self._dispatcher: Dispatcher | None = None
        self._stories = StoryLedger(self.store, window=STORY_WINDOW)
        self._in_flight = _InFlight()
        self._reload_requested: Config | None = None
        self._scheduler: AsyncIOScheduler | None = None

    async def __aenter__(self) -> App:
        await asyncio.to_thread(self.store.upgrade)
        await asyncio.to_thread(self.store.sync_sources, source_specs(self._config))
        await asyncio.to_thread(self._stories.load, self._clock())
        self._fetcher = Fetcher(self._fetch_limits, clock=self._clock)
        await self._fetcher.__aenter__()
        self._delivery_client = delivery_client()
        await self._enable_changed_channels(self._config)
        self._build_stages(self._config)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            await asyncio.to_thread(self._pool.close)
        if self._fetcher is not None:
            await self._fetcher.__aexit__(None, None, None)
        if self._delivery_client is not None:
            await self._delivery_client.aclose()
        await asyncio.to_thread(self.store.close)

    def _build_stages(self, config: Config) -> None:
        """(Re)build everything that depends on the rules and channels of a config."""
        assert self._fetcher is not None
        old_pool = self._pool
        # Places are tagged for every article, not only for rules with regions, so that
        # `test-rule` can try a region rule on the articles stored before it existed.
        self._pool = AnalysisPool(rule_specs(config), workers=self._workers)
        if old_pool is not None:
            self._retire_pool(old_pool)
        self._poller = Poller(
            config=config,
            store=self.store,
            fetcher=self._fetcher,
            pool=self._pool,
            stories=self._stories,
            owner=self.owner,
            clock=self._clock,
        )
        assert self._delivery_client is not None
        channels = build_channels(
            config.channels, http_client=self._delivery_client, clock=self._clock
        )
        self.store.set_dispatch_policy(policy_from_config(config))
        self._dispatcher = Dispatcher(
            self.store,
            channels,
            owner=self.owner,
            clock=self._clock,
            digests=digest_schedules(config.channels),
            fingerprints=channel_fingerprints(config.channels),
        )
        self._config = config

    def _retire_pool(self, pool: AnalysisPool) -> None:
        """Close a replaced pool once the polls that may still use it are done."""
        polls = list(self._in_flight.tasks.values())

        async def retire() -> None:
            if polls:
                await asyncio.wait(polls)
            await asyncio.to_thread(pool.close)

        self._in_flight.track(asyncio.get_running_loop().create_task(retire()))

    async def _enable_changed_channels(self, config: Config) -> None:
        """A disabled channel whose target the config changed is given another chance."""
        fingerprints = channel_fingerprints(config.channels)
        for name in await asyncio.to_thread(self.store.enable_changed_channels, fingerprints):
            log.info("channel_enabled channel=%s reason=config_changed", name)

    async def reload(self, config: Config) -> None:
        """Switch to a new, already validated config; polls in flight finish on the old one."""
        await asyncio.to_thread(self.store.sync_sources, source_specs(config))
        await self._enable_changed_channels(config)
        self._build_stages(config)
        if self._scheduler is not None:
            sync_digest_jobs(
                self._scheduler, digest_schedules(config.channels), self._dispatch_quietly
            )
        log.info(
            "config_reloaded sources=%d rules=%d channels=%d",
            len(config.sources),
            len(config.rules),
            len(config.channels),
        )

    async def run_once(self) -> CycleReport:
        """Poll every source now, process what is new, deliver the alerts that are due.

        The daemon's housekeeping runs too (story expiry, source-health notices), so
        that `run --once` from a timer is the daemon one cycle at a time.
        """
        states = await asyncio.to_thread(
            self.store.claim_due_sources,
            self.owner,
            lease=SOURCE_LEASE,
            limit=len(self._config.sources) or 1,
            force=True,
        )
        polls = await self._poll_all(states)
        notices = await self.housekeeping_tick()
        dispatch = await self.dispatch_due()
        return CycleReport(polls=tuple(polls), dispatch=dispatch, notices=notices)

    async def _poll_all(self, states: Sequence[SourceState]) -> list[PollReport]:
        limit = asyncio.Semaphore(MAX_POLLS_AT_ONCE)

        async def poll(state: SourceState) -> PollReport:
            async with limit:
                return await self._poll(state)

        return list(await asyncio.gather(*(poll(state) for state in states)))

    async def _poll(self, state: SourceState) -> PollReport:
        assert self._poller is not None
        try:
            return await self._poller.poll(state)
        except Exception:
            # A bug in one stage must not stop the daemon; the lease makes the source due
            # again when it expires.
            log.exception("poll_crashed source=%s", state.name)
            return PollReport(state.name, "failed", reason="internal")

    async def dispatch_due(self) -> DispatchReport:
        """Deliver every alert that is due now."""
        assert self._dispatcher is not None
        return await self._dispatcher.dispatch_due()

    async def poll_tick(self) -> None:
        """Claim due sources up to the free poll slots and start polling them."""
        await self._apply_pending_reload()
        free = MAX_POLLS_AT_ONCE - len(self._in_flight.tasks)
        if free <= 0:
            return
        states = await asyncio.to_thread(
            self.store.claim_due_sources, self.owner, lease=SOURCE_LEASE, limit=free
        )
        for state in states:
            task = asyncio.create_task(self._poll(state), name=f"poll:{state.name}")
            self._in_flight.tasks[state.name] = task
            task.add_done_callback(lambda _t, name=state.name: self._poll_finished(name))

    def _poll_finished(self, name: str) -> None:
        self._in_flight.tasks.pop(name, None)
        # Deliver what the poll produced now rather than at the next dispatch tick.
        self._in_flight.track(asyncio.get_running_loop().create_task(self._dispatch_quietly()))

    async def _dispatch_quietly(self) -> None:
        """Dispatch, coalescing requests that arrive while a dispatch is running."""
        if self._in_flight.dispatching:
            self._in_flight.dispatch_again = True
            return
        self._in_flight.dispatching = True
        try:
            while True:
                self._in_flight.dispatch_again = False
                try:
                    await self.dispatch_due()
                except Exception:
                    log.exception("dispatch_crashed")
                if not self._in_flight.dispatch_again:
                    return
        finally:
            self._in_flight.dispatching = False

    async def replay(self, alert_id: str) -> DispatchReport:
        """Send one stored alert again now, with the same id (`monitor alerts replay`)."""
        assert self._dispatcher is not None
        return await self._dispatcher.replay(alert_id)

    async def housekeeping_tick(self) -> int:
        """Expire old stories, empty articles past their retention, queue source-health
        notices; return how many notices."""
        expired = await asyncio.to_thread(self._stories.expire, self._clock())
        log.debug("housekeeping stories_expired=%d", expired)
        try:
            await self.forget_old_articles()
        except Exception:
            log.exception("retention_crashed")
        try:
            return await self.check_source_health()
        except Exception:
            log.exception("health_check_crashed")
            return 0

    async def forget_old_articles(self) -> int:
        """Empty the articles older than `storage.retention`, a bounded number per tick."""
        retention = self._config.storage.retention
        if retention is None:
            return 0
        before = self._clock() - retention
        total = 0
        for _ in range(FORGET_BATCHES_PER_TICK):
            emptied = await asyncio.to_thread(
                self.store.forget_old_article_bodies, before, batch=FORGET_BATCH
            )
            total += emptied
            if emptied < FORGET_BATCH:
                break
        if total:
            log.info("articles_emptied count=%d fetched_before=%s", total, before.isoformat())
        return total

    async def check_source_health(self) -> int:
        """Queue the due source-health notices (`health:` in the config); return how many."""
        health = self._config.health
        if health is None:
            return 0
        sources = [s for s in await asyncio.to_thread(self.store.list_sources) if s.active]
        activity = await asyncio.to_thread(
            self.store.source_activity, [s.name for s in sources], recent=RECENT
        )
        notified = await asyncio.to_thread(self.store.health_states)
        changes = health_changes(
            sources,
            {a.source: a for a in activity},
            {state.source: state for state in notified},
            channel=health.channel,
            now=self._clock(),
            failing_after=health.failing_after,
        )
        applied = (
            await asyncio.to_thread(self.store.apply_health_changes, changes) if changes else []
        )
        for change in applied:
            log.warning(
                "source_health source=%s state=%s was=%s",
                change.source,
                change.after or "ok",
                change.before or "ok",
            )
        if applied:
            await self._dispatch_quietly()
        return len(applied)

    def request_reload(self, config: Config) -> None:
        """Reload at a poll tick run now (signal handlers must not await).

        The tick applies the new config before it claims sources, so a source added or
        made more frequent by the reload is polled at once.
        """
        self._reload_requested = config
        if self._scheduler is not None:
            self._scheduler.modify_job("poll", next_run_time=datetime.now(UTC))

    async def _apply_pending_reload(self) -> None:
        config, self._reload_requested = self._reload_requested, None
        if config is not None:
            await self.reload(config)

    async def run(self, stop: asyncio.Event) -> None:
        """Run the scheduler until `stop` is set, then wind down within the grace period."""
        scheduler = build_scheduler(
            poll=self.poll_tick,
            dispatch=self._dispatch_quietly,
            housekeeping=self.housekeeping_tick,
            digests=digest_schedules(self._config.channels),
        )
        scheduler.start()
        self._scheduler = scheduler
        log.info(
            "daemon_started owner=%s sources=%d rules=%d",
            self.owner,
            len(self._config.sources),
            len(self._config.rules),
        )
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            self._scheduler = None
            await self._wind_down()

    async def _wind_down(self) -> None:
        """Finish the work in flight within the grace period; release what is left."""
        polls = dict(self._in_flight.tasks)
        waiting = set(polls.values()) | set(self._in_flight.background)
        if waiting:
            _done, pending = await asyncio.wait(waiting, timeout=SHUTDOWN_GRACE_S)
            for task in pending:
                task.cancel()
            for name, task in polls.items():
                if task in pending:
                    await asyncio.to_thread(self.store.release_source, name, self.owner)
                    log.warning("poll_released source=%s reason=shutdown", name)
            # A delivery cut off here stays claimed until its lease ends, then is retried.
            await asyncio.gather(*pending, return_exceptions=True)
        log.info("daemon_stopped owner=%s", self.owner)


def delivery_client() -> httpx.AsyncClient:
    """The HTTP client of webhook channels: bounded, and never following redirects.

    Webhook targets are the user's own configuration, so unlike sources they may be
    on a private network.
    """
    return httpx.AsyncClient(
        timeout=httpx.Timeout(30.0, connect=10.0),
        follow_redirects=False,
        headers={"User-Agent": f"monitor/{__version__}"},
    )


def default_workers() -> int:
    """One analysis worker per core, leaving the event loop a core when there are several."""
    cores = os.cpu_count() or 1
    return max(1, cores - 1)
