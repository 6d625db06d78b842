"""The store's dispatch-policy queries on every backend: kinds, silences, story sources, health."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from monitor.alerts import DigestSchedule, DispatchPolicy
from monitor.alerts.policy import parse_rate
from monitor.store import AlertRecord, ArticleRecord, MatchRecord, Notice, Store
from tests.support import databases
from tests.support.databases import ManualClock
from tests.support.records import an_article

database_url = databases.database_url
make_store = databases.make_store

MATCH = MatchRecord("border", "high", ("troops",), (), (), {})


def article(clock: ManualClock, source: str, story_id: int | None = None) -> ArticleRecord:
    return an_article(clock(), source=source, story_id=story_id)


def alert(channel: str = "desk-hook", kind: str = "alert") -> AlertRecord:
    return AlertRecord(uuid.uuid4().hex, "border", channel, "high", {"type": kind}, kind=kind)


def test_an_update_is_a_second_alert_of_the_same_story_and_sources_are_counted(
    make_store: Any,
) -> None:
    clock = ManualClock()
    store: Store = make_store(clock=clock)
    first = store.save_article(article(clock, "a"), [MATCH], [alert()])
    assert first is not None
    again = store.save_article(article(clock, "b", first.story_id), [MATCH], [alert()])
    update = store.save_article(
        article(clock, "b", first.story_id), [MATCH], [alert(kind="update")]
    )
    assert again is not None
    assert again.alert_ids == ()
    assert update is not None
    assert len(update.alert_ids) == 1
    assert store.story_source_count(first.story_id) == 2
    views = {v.kind: v for v in store.recent_alerts()}
    assert views["alert"].other_sources == 1


def test_digest_alerts_wait_for_their_period_and_are_claimed_together(make_store: Any) -> None:
    clock = ManualClock()  # 09:30 UTC
    store: Store = make_store(clock=clock)
    store.set_dispatch_policy(DispatchPolicy({"desk-hook": DigestSchedule("hourly")}))
    for _ in range(3):
        store.save_article(article(clock, "a"), [MATCH], [alert(), alert("desk-mail")])
    claimed = store.claim_due_alerts("me", lease=timedelta(minutes=2), limit=10)
    assert {c.channel for c in claimed} == {"desk-mail"}
    assert store.claim_due_batch("desk-hook", "me", lease=timedelta(minutes=2), limit=10) == []
    clock.advance(timedelta(minutes=30))
    batch = store.claim_due_batch("desk-hook", "me", lease=timedelta(minutes=2), limit=10)
    assert len(batch) == 3


def test_alerts_over_the_limit_are_folded_into_one_row_per_window(make_store: Any) -> None:
    clock = ManualClock()
    store: Store = make_store(clock=clock)
    store.set_dispatch_policy(DispatchPolicy(limits={"border": parse_rate("2/hour")}))
    for _ in range(5):
        store.save_article(article(clock, "a"), [MATCH], [alert()])
    statuses = sorted(v.status for v in store.recent_alerts() if v.kind == "alert")
    assert statuses == ["folded", "folded", "folded", "pending", "pending"]
    clock.advance(timedelta(minutes=30))  # 10:00, the window's end
    claimed = store.claim_due_alerts("me", lease=timedelta(minutes=2), limit=10)
    [fold] = [c for c in claimed if c.kind == "fold"]
    assert fold.payload["count"] == 3


def test_a_silence_holds_new_alerts_and_due_ones_until_it_ends(make_store: Any) -> None:
    clock = ManualClock()
    store: Store = make_store(clock=clock)
    saved = store.save_article(article(clock, "a"), [MATCH], [alert()])
    assert saved is not None
    silence = store.add_silence("story", str(saved.story_id), duration=timedelta(hours=1))
    assert store.claim_due_alerts("me", lease=timedelta(minutes=2), limit=10) == []
    assert [v.status for v in store.recent_alerts()] == ["silenced"]
    assert [s.label for s in store.active_silences()] == [f"story:{saved.story_id}"]
    assert store.end_silence(silence.id) is True
    assert store.end_silence(silence.id) is False
    assert store.active_silences() == []


def test_a_channel_is_disabled_once_with_its_notices(make_store: Any) -> None:
    clock = ManualClock()
    store: Store = make_store(clock=clock)
    notice = Notice(uuid.uuid4().hex, "channel.disabled", "desk-mail", "high", {"type": "notice"})
    assert store.disable_channel("desk-hook", reason="HTTP 410", fingerprint="f1", notices=[notice])
    assert not store.disable_channel("desk-hook", reason="again", fingerprint="f1", notices=[])
    [claimed] = store.claim_due_alerts("me", lease=timedelta(minutes=2), limit=10)
    assert claimed.kind == "notice"
    assert store.enable_changed_channels({"desk-hook": "f1"}) == []
    assert store.enable_changed_channels({"desk-hook": "f2"}) == ["desk-hook"]
    assert store.disabled_channels() == []


def test_a_digest_claim_says_how_many_sources_reported_each_story(make_store: Any) -> None:
    clock = ManualClock()
    store: Store = make_store(clock=clock)
    store.set_dispatch_policy(DispatchPolicy({"desk-hook": DigestSchedule("hourly")}))
    first = store.save_article(article(clock, "a"), [MATCH], [alert()])
    assert first is not None
    store.save_article(article(clock, "b", first.story_id), [MATCH], [alert()])
    store.save_article(article(clock, "c", first.story_id), [MATCH], [alert()])
    clock.advance(timedelta(hours=1))
    [claimed] = store.claim_due_batch("desk-hook", "me", lease=timedelta(minutes=2), limit=10)
    assert claimed.payload["story"] == {"id": first.story_id, "sources": 3}
