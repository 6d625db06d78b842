"""Two instances sharing one database never take the same work and never write an article twice."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import func, select

from monitor.store import AlertRecord, SourceSpec, Store
from monitor.store.models import Article, Story
from tests.support import databases
from tests.support.databases import ManualClock
from tests.test_store import MATCH, article

# Fixtures from tests/support/databases.py: every test runs on SQLite and PostgreSQL.
database_url = databases.database_url
make_store = databases.make_store

LEASE = timedelta(minutes=2)
INSTANCES = 2
T = TypeVar("T")


def run_together(tasks: list[Callable[[], T]]) -> list[T]:
    """Run each task in its own thread, all released at the same moment."""
    start = threading.Barrier(len(tasks), timeout=30)

    def after_start(task: Callable[[], T]) -> T:
        start.wait()
        return task()

    with ThreadPoolExecutor(len(tasks)) as pool:
        futures = [pool.submit(after_start, task) for task in tasks]
        return [future.result(timeout=60) for future in futures]


def drain(claim: Callable[[], list[str]]) -> Callable[[], list[str]]:
    """Claim in small batches until nothing is left; return everything claimed."""

    def run() -> list[str]:
        claimed: list[str] = []
        while batch := claim():
            claimed.extend(batch)
        return claimed

    return run


def test_two_instances_never_claim_the_same_source(make_store) -> None:
    clock = ManualClock()
    stores: list[Store] = [make_store(clock=clock) for _ in range(INSTANCES)]
    names = [f"source-{n:02}" for n in range(40)]
    stores[0].sync_sources(
        [SourceSpec(n, f"https://example.org/{n}", "feed", timedelta(minutes=5)) for n in names]
    )

    def claimer(store: Store, owner: str) -> Callable[[], list[str]]:
        return drain(lambda: [s.name for s in store.claim_due_sources(owner, lease=LEASE, limit=3)])

    results = run_together([claimer(s, f"instance-{i}") for i, s in enumerate(stores)])

    everything = [name for claimed in results for name in claimed]
    assert sorted(everything) == names  # each source claimed exactly once
    owners = {s.name: s.lease_owner for s in stores[0].list_sources()}
    for i, claimed in enumerate(results):
        assert all(owners[name] == f"instance-{i}" for name in claimed)


def test_two_instances_never_claim_the_same_alert(make_store) -> None:
    clock = ManualClock()
    stores: list[Store] = [make_store(clock=clock) for _ in range(INSTANCES)]
    alert_ids: list[str] = []
    for n in range(30):
        alert = AlertRecord(uuid.uuid4().hex, MATCH.rule, "desk-hook", "high", {"n": n})
        saved = stores[0].save_article(article(n), [MATCH], [alert])
        assert saved is not None
        alert_ids.extend(saved.alert_ids)

    def claimer(store: Store, owner: str) -> Callable[[], list[str]]:
        return drain(lambda: [a.id for a in store.claim_due_alerts(owner, lease=LEASE, limit=2)])

    results = run_together([claimer(s, f"instance-{i}") for i, s in enumerate(stores)])

    everything = [alert_id for claimed in results for alert_id in claimed]
    assert sorted(everything) == sorted(alert_ids)


def test_the_same_article_saved_by_two_instances_at_once_is_stored_once(make_store) -> None:
    clock = ManualClock()
    stores: list[Store] = [make_store(clock=clock) for _ in range(INSTANCES)]

    def saver(store: Store) -> Callable[[], object]:
        alert = AlertRecord(uuid.uuid4().hex, MATCH.rule, "desk-hook", "high", {})
        return lambda: store.save_article(article(1), [MATCH], [alert])

    results = run_together([saver(s) for s in stores])

    assert sum(result is not None for result in results) == 1
    with stores[0].engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Article)) == 1
        assert connection.scalar(select(func.count()).select_from(Story)) == 1
    assert len(stores[0].recent_alerts()) == 1


def test_instances_starting_together_both_migrate_safely(database_url: str) -> None:
    stores = [Store(database_url) for _ in range(INSTANCES)]
    try:
        run_together([store.upgrade for store in stores])
        assert stores[1].list_sources() == []
    finally:
        for store in stores:
            store.close()
