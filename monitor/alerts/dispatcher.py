"""Deliver the alerts that are due: claim them from the store, send, record every attempt.

At-least-once: an alert is claimed with a lease, sent, then its outcome recorded. A crash
between sending and recording repeats that one delivery after the lease expires; the
stable alert id (webhook-id, Message-ID) lets receivers drop the duplicate.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from monitor.alerts.delivery import Channel, DeliveryError
from monitor.alerts.messages import build_digest_payload, build_notice_payload
from monitor.alerts.payload import new_alert_id
from monitor.alerts.periods import DigestSchedule, period_bounds
from monitor.alerts.retry import RetryPolicy, decide_retry
from monitor.clock import Clock, utc_now
from monitor.store import ChannelStateView, Notice

log = logging.getLogger(__name__)


class ClaimedAlert(Protocol):
    """The fields of the store's `AlertDelivery` the dispatcher reads."""

    @property
    def id(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def attempts(self) -> int: ...
    @property
    def first_attempt_at(self) -> datetime | None: ...
    @property
    def created_at(self) -> datetime: ...


class DeliveryStore(Protocol):
    """The part of `monitor.store.Store` the dispatcher uses (synchronous; run in a thread)."""

    def claim_due_alerts(
        self, owner: str, *, lease: timedelta, limit: int, batch_channels: Sequence[str] = ()
    ) -> Sequence[ClaimedAlert]: ...
    def claim_due_batch(
        self, channel: str, owner: str, *, lease: timedelta, limit: int
    ) -> Sequence[ClaimedAlert]: ...
    def claim_for_replay(self, alert_id: str, owner: str, *, lease: timedelta) -> ClaimedAlert: ...
    def disabled_channels(self) -> Sequence[ChannelStateView]: ...
    def disable_channel(
        self, channel: str, *, reason: str, fingerprint: str | None, notices: Sequence[Notice]
    ) -> bool: ...
    def record_delivered(self, alert_id: str, owner: str) -> bool | None: ...
    def record_retry(
        self, alert_id: str, owner: str, *, error: str, next_attempt_at: datetime
    ) -> bool | None: ...
    def record_failed(self, alert_id: str, owner: str, *, error: str) -> bool | None: ...


@dataclass(frozen=True)
class DispatchReport:
    """What one `dispatch_due` did; `deferred` alerts were left for their lease to expire."""

    delivered: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0

    def __add__(self, other: DispatchReport) -> DispatchReport:
        return DispatchReport(
            self.delivered + other.delivered,
            self.retried + other.retried,
            self.failed + other.failed,
            self.deferred + other.deferred,
        )


_DELIVERED = DispatchReport(delivered=1)
_RETRIED = DispatchReport(retried=1)
_FAILED = DispatchReport(failed=1)
_DEFERRED = DispatchReport(deferred=1)


CHANNEL_DISABLED = "channel_disabled"
MAX_DIGEST = 1000


class Dispatcher:
    """Send due alerts through their channels, with one retry policy for all of them.

    A digest channel's due alerts are claimed together and sent as one message; a channel
    disabled after a 410 Gone fails its deliveries with reason `channel_disabled`.
    """

    def __init__(
        self,
        store: DeliveryStore,
        channels: Mapping[str, Channel],
        *,
        owner: str,
        clock: Clock = utc_now,
        policy: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen, safe to share
        lease: timedelta = timedelta(minutes=2),
        batch: int = 100,
        per_channel_concurrency: int = 4,
        max_rounds: int = 10,
        rng: random.Random | None = None,
        digests: Mapping[str, DigestSchedule] | None = None,
        fingerprints: Mapping[str, str] | None = None,
    ) -> None:
        if batch < 1 or per_channel_concurrency < 1 or max_rounds < 1:
            raise ValueError("batch, per_channel_concurrency and max_rounds must be positive")
        self._store = store
        self._channels = dict(channels)
        self._owner = owner
        self._clock = clock
        self._policy = policy
        self._lease = lease
        self._batch = batch
        self._per_channel_concurrency = per_channel_concurrency
        self._max_rounds = max_rounds
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._digests = {name: s for name, s in (digests or {}).items() if name in self._channels}
        self._fingerprints = dict(fingerprints or {})
        self._disabled: dict[str, str] = {}
        self._notices_queued = False

    async def dispatch_due(self) -> DispatchReport:
        """Deliver every due alert (in batches, a bounded number of rounds); return the tally."""
        states = await asyncio.to_thread(self._store.disabled_channels)
        self._disabled = {state.channel: state.reason for state in states}
        report = DispatchReport()
        for channel in self._digests:
            report += await self._dispatch_digest(channel)
        for _ in range(self._max_rounds):
            self._notices_queued = False
            claimed = await asyncio.to_thread(
                self._store.claim_due_alerts,
                self._owner,
                lease=self._lease,
                limit=self._batch,
                batch_channels=tuple(self._digests),
            )
            if not claimed:
                break
            report += await self._deliver_batch(claimed, claimed_at=self._clock())
            # Notices queued by this round (a channel was disabled) go out in the next one.
            if len(claimed) < self._batch and not self._notices_queued:
                break
        return report

    async def replay(self, alert_id: str) -> DispatchReport:
        """Send one alert again now, with the same id, and record the attempt.

        KeyError if there is no such alert; ValueError while it is being delivered.
        """
        states = await asyncio.to_thread(self._store.disabled_channels)
        self._disabled = {state.channel: state.reason for state in states}
        alert = await asyncio.to_thread(
            self._store.claim_for_replay, alert_id, self._owner, lease=self._lease
        )
        log.info("alert_replay alert=%s rule=%s channel=%s", alert.id, alert.rule, alert.channel)
        limit = asyncio.Semaphore(1)
        return await self._deliver_one(alert, limit, self._clock() + self._lease)

    async def _dispatch_digest(self, channel: str) -> DispatchReport:
        report = DispatchReport()
        for _ in range(self._max_rounds):
            claimed = await asyncio.to_thread(
                self._store.claim_due_batch,
                channel,
                self._owner,
                lease=self._lease,
                limit=MAX_DIGEST,
            )
            if not claimed:
                break
            report += await self._deliver_digest(channel, claimed)
            if len(claimed) < MAX_DIGEST:
                break
        return report

    async def _deliver_digest(self, name: str, claimed: Sequence[ClaimedAlert]) -> DispatchReport:
        """Send the claimed alerts of a digest channel as one message; record it on each."""
        channel = self._channels[name]
        if name in self._disabled:
            return await self._fail_disabled(claimed)
        schedule = self._digests[name]
        bounds = [period_bounds(alert.created_at, schedule) for alert in claimed]
        ordered = sorted(claimed, key=lambda a: (a.rule, a.created_at, a.id))
        payload = build_digest_payload(
            channel=name,
            start=min(start for start, _ in bounds),
            end=max(end for _, end in bounds),
            alerts=[alert.payload for alert in ordered],
            alert_ids=[alert.id for alert in claimed],
        )
        error = await _failure_of_send(channel, payload["id"], payload)
        if error is not None:
            return await self._record_group_failure(claimed, error)
        log.info(
            "digest_delivered digest=%s channel=%s alerts=%d", payload["id"], name, len(claimed)
        )
        total = DispatchReport()
        for alert in claimed:
            await self._record(self._store.record_delivered, alert.id, self._owner)
            total += _DELIVERED
        return total

    async def _record_group_failure(
        self, claimed: Sequence[ClaimedAlert], error: DeliveryError
    ) -> DispatchReport:
        """One retry decision for the whole digest, so its alerts stay together."""
        if error.gone:
            await self._disable(claimed[0].channel, error)
        attempt = max(alert.attempts for alert in claimed) + 1
        now = self._clock()
        firsts = [alert.first_attempt_at for alert in claimed if alert.first_attempt_at]
        next_attempt_at = decide_retry(
            attempts=attempt,
            first_attempt_at=min(firsts) if firsts else now,
            now=now,
            error=error,
            policy=self._policy,
            rng=self._rng,
        )
        total = DispatchReport()
        for alert in claimed:
            total += await self._record_outcome(alert, error, attempt, next_attempt_at)
        return total

    async def _fail_disabled(self, claimed: Sequence[ClaimedAlert]) -> DispatchReport:
        total = DispatchReport()
        for alert in claimed:
            reason = self._disabled.get(alert.channel, "")
            error = DeliveryError(f"{CHANNEL_DISABLED}: {reason}", retryable=False)
            total += await self._record_outcome(alert, error, alert.attempts + 1, None)
        return total

    async def _disable(self, name: str, error: DeliveryError) -> None:
        """Disable a gone channel (once across instances) and tell the other channels."""
        self._disabled[name] = error.message
        now = self._clock()
        notices = [
            Notice(
                id=(notice_id := new_alert_id()),
                event="channel.disabled",
                channel=other,
                severity="high",
                payload=build_notice_payload(
                    notice_id=notice_id,
                    event="channel.disabled",
                    created_at=now,
                    channel=name,
                    since=now,
                    error=error.message,
                    detail=f"re-enable with: monitor channels enable {name}",
                ),
            )
            for other in self._channels
            if other != name and other not in self._disabled
        ]
        try:
            disabled = await asyncio.to_thread(
                self._store.disable_channel,
                name,
                reason=error.message,
                fingerprint=self._fingerprints.get(name),
                notices=notices,
            )
        except Exception as exc:
            log.error("channel_disable_failed channel=%s reason=%s", name, type(exc).__name__)
            return
        if disabled:
            self._notices_queued = bool(notices)
            log.error(
                "channel_disabled channel=%s reason=%r notices=%d",
                name,
                error.message,
                len(notices),
            )

    async def _deliver_batch(
        self, claimed: Sequence[ClaimedAlert], *, claimed_at: datetime
    ) -> DispatchReport:
        # One semaphore per channel: a hanging webhook holds only its own slots.
        limits = {name: asyncio.Semaphore(self._per_channel_concurrency) for name in self._channels}
        # Stop starting sends well before the lease ends, so no other instance can claim
        # and send the same alert while this one is still sending it.
        start_by = claimed_at + self._lease / 2
        results = await asyncio.gather(
            *(self._deliver_one(alert, limits.get(alert.channel), start_by) for alert in claimed)
        )
        total = DispatchReport()
        for result in results:
            total += result
        return total

    async def _deliver_one(
        self, alert: ClaimedAlert, limit: asyncio.Semaphore | None, start_by: datetime
    ) -> DispatchReport:
        channel = self._channels.get(alert.channel)
        if channel is None or limit is None:
            error = DeliveryError(
                f"channel {alert.channel!r} is no longer configured", retryable=False
            )
            return await self._record_failure(alert, error)
        if alert.channel in self._disabled:
            return await self._fail_disabled([alert])
        async with limit:
            if self._clock() > start_by:
                log.info("alert_deferred alert=%s channel=%s", alert.id, alert.channel)
                return _DEFERRED
            error = await _failure_of_send(channel, alert.id, alert.payload)
            if error is not None:
                return await self._record_failure(alert, error)
        attempt = alert.attempts + 1
        log.info(
            "alert_delivered alert=%s rule=%s channel=%s attempt=%d",
            alert.id,
            alert.rule,
            alert.channel,
            attempt,
        )
        await self._record(self._store.record_delivered, alert.id, self._owner)
        return _DELIVERED

    async def _record_failure(self, alert: ClaimedAlert, error: DeliveryError) -> DispatchReport:
        if error.gone:
            await self._disable(alert.channel, error)
        attempt = alert.attempts + 1
        now = self._clock()
        next_attempt_at = decide_retry(
            attempts=attempt,
            first_attempt_at=alert.first_attempt_at or now,
            now=now,
            error=error,
            policy=self._policy,
            rng=self._rng,
        )
        return await self._record_outcome(alert, error, attempt, next_attempt_at)

    async def _record_outcome(
        self,
        alert: ClaimedAlert,
        error: DeliveryError,
        attempt: int,
        next_attempt_at: datetime | None,
    ) -> DispatchReport:
        if next_attempt_at is None:
            log.error(
                "alert_failed alert=%s rule=%s channel=%s attempt=%d reason=%r",
                alert.id,
                alert.rule,
                alert.channel,
                attempt,
                error.message,
            )
            await self._record(
                self._store.record_failed, alert.id, self._owner, error=error.message
            )
            return _FAILED
        log.warning(
            "alert_retry alert=%s rule=%s channel=%s attempt=%d reason=%r next_attempt_at=%s",
            alert.id,
            alert.rule,
            alert.channel,
            attempt,
            error.message,
            next_attempt_at.isoformat(),
        )
        await self._record(
            self._store.record_retry,
            alert.id,
            self._owner,
            error=error.message,
            next_attempt_at=next_attempt_at,
        )
        return _RETRIED

    async def _record(self, method: Any, alert_id: str, *args: Any, **kwargs: Any) -> None:
        """Write an outcome; if the store fails, the lease expiry will bring the alert back."""
        try:
            written = await asyncio.to_thread(method, alert_id, *args, **kwargs)
        except Exception as exc:
            log.error("alert_record_failed alert=%s reason=%s", alert_id, type(exc).__name__)
            return
        if written is False:
            # Our lease expired and another dispatcher took the alert over: its outcome wins.
            log.warning("alert_lease_lost alert=%s owner=%s", alert_id, self._owner)


async def _failure_of_send(
    channel: Channel, message_id: str, payload: Mapping[str, Any]
) -> DeliveryError | None:
    """Send one message; return why it failed, or None once delivered.

    A bug in a channel must not take the dispatcher down: any other exception counts
    as a retryable failure of this message.
    """
    try:
        await channel.send(message_id, payload)
    except DeliveryError as error:
        return error
    except Exception as exc:
        return DeliveryError(f"internal error in channel ({type(exc).__name__})", retryable=True)
    return None
