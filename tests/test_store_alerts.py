"""The alert outbox: leased to one dispatcher at a time, every attempt recorded, none lost."""

from __future__ import annotations

from datetime import timedelta

from monitor.store import Store
from tests.support import databases
from tests.support.databases import ManualClock
from tests.test_store import LEASE, MATCH, alert, article

# Fixtures from tests/support/databases.py: every test runs on SQLite and PostgreSQL.
database_url = databases.database_url
make_store = databases.make_store


def saved_alerts(store: Store, *channels: str) -> tuple[str, ...]:
    saved = store.save_article(article(), [MATCH], [alert(c) for c in channels])
    assert saved is not None
    return saved.alert_ids


def test_claim_due_alerts_leases_pending_ones_once(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    (alert_id,) = saved_alerts(store, "desk-hook")
    (delivery,) = store.claim_due_alerts("one", lease=LEASE, limit=10)
    assert (delivery.id, delivery.status, delivery.attempts) == (alert_id, "sending", 0)
    assert delivery.payload["type"] == "alert"
    assert delivery.created_at == clock.now
    assert delivery.first_attempt_at is None
    assert store.claim_due_alerts("two", lease=LEASE, limit=10) == []  # live lease
    clock.advance(LEASE - timedelta(seconds=1))
    assert store.claim_due_alerts("two", lease=LEASE, limit=10) == []


def test_an_alert_left_sending_by_a_crash_is_delivered_after_the_lease_expires(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    (alert_id,) = saved_alerts(store, "desk-hook")
    store.claim_due_alerts("crashed", lease=LEASE, limit=10)
    clock.advance(LEASE)
    (orphan,) = store.claim_due_alerts("survivor", lease=LEASE, limit=10)
    assert orphan.id == alert_id
    assert not store.record_delivered(alert_id, "crashed")  # the crashed owner lost it
    assert store.record_delivered(alert_id, "survivor")
    (view,) = store.recent_alerts()
    assert (view.status, view.attempts) == ("delivered", 1)
    assert [a.outcome for a in store.alert_attempts(alert_id)] == ["delivered"]


def test_retry_waits_for_next_attempt_at_and_every_attempt_is_recorded(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    (alert_id,) = saved_alerts(store, "desk-hook")
    first_try = clock.now
    store.claim_due_alerts("me", lease=LEASE, limit=10)
    assert store.record_retry(
        alert_id, "me", error="HTTP 503", next_attempt_at=clock.now + timedelta(seconds=30)
    )
    (view,) = store.recent_alerts()
    assert (view.status, view.attempts, view.last_error) == ("retrying", 1, "HTTP 503")
    assert view.next_attempt_at == clock.now + timedelta(seconds=30)

    clock.advance(timedelta(seconds=29))
    assert store.claim_due_alerts("me", lease=LEASE, limit=10) == []
    clock.advance(timedelta(seconds=1))
    (again,) = store.claim_due_alerts("me", lease=LEASE, limit=10)
    assert (again.attempts, again.first_attempt_at) == (1, first_try)
    store.record_failed(alert_id, "me", error="HTTP 410")
    assert store.claim_due_alerts("me", lease=LEASE, limit=10) == []

    (view,) = store.recent_alerts()
    assert (view.status, view.attempts, view.last_error) == ("failed", 2, "HTTP 410")
    assert view.last_attempt_at == clock.now
    assert view.next_attempt_at is None
    history = [(a.number, a.at, a.outcome, a.error) for a in store.alert_attempts(alert_id)]
    assert history == [
        (1, first_try, "retrying", "HTTP 503"),
        (2, clock.now, "failed", "HTTP 410"),
    ]


def test_delivered_and_failed_alerts_are_never_claimed_again(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    delivered, failed = saved_alerts(store, "desk-hook", "desk-mail")
    store.claim_due_alerts("me", lease=LEASE, limit=10)
    store.record_delivered(delivered, "me")
    store.record_failed(failed, "me", error="HTTP 404")
    clock.advance(timedelta(days=2))
    assert store.claim_due_alerts("me", lease=LEASE, limit=10) == []


def test_claim_due_alerts_respects_the_limit_oldest_first(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    ids = []
    for n in range(3):
        saved = store.save_article(article(n), [MATCH], [alert()])
        assert saved is not None
        ids.extend(saved.alert_ids)
        clock.advance(timedelta(seconds=1))
    assert [d.id for d in store.claim_due_alerts("me", lease=LEASE, limit=2)] == ids[:2]
    assert [d.id for d in store.claim_due_alerts("me", lease=LEASE, limit=2)] == ids[2:]


def test_recent_alerts_lists_the_newest_first_up_to_the_limit(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    ids = []
    for n in range(3):
        saved = store.save_article(article(n), [MATCH], [alert()])
        assert saved is not None
        ids.extend(saved.alert_ids)
        clock.advance(timedelta(minutes=1))
    assert [v.id for v in store.recent_alerts(limit=2)] == [ids[2], ids[1]]
    assert [v.title for v in store.recent_alerts()] == [
        "Troops at the border 2",
        "Troops at the border 1",
        "Troops at the border 0",
    ]
