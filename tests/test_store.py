"""The store keeps poll state, dedupes articles, and never loses or doubles an alert."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from monitor.store import (
    AlertRecord,
    ArticleRecord,
    MatchRecord,
    SourceSpec,
    Store,
)
from monitor.store.engine import normalise_url
from monitor.store.models import Alert, Article, Base, Match, Story
from tests.support import databases
from tests.support.databases import ManualClock

# Fixtures from tests/support/databases.py: every test runs on SQLite and PostgreSQL.
database_url = databases.database_url
make_store = databases.make_store

LEASE = timedelta(minutes=2)
TABLES = {"sources", "stories", "articles", "matches", "alerts", "alert_attempts"}


def spec(name: str = "steppe-asia", interval: timedelta = timedelta(minutes=5)) -> SourceSpec:
    return SourceSpec(
        name=name, url=f"https://example.org/{name}.xml", kind="feed", interval=interval
    )


def article(n: int = 1, **changes: object) -> ArticleRecord:
    record = ArticleRecord(
        source="steppe-asia",
        url=f"https://example.org/news/{n}?utm_source=x",
        canonical_url=f"https://example.org/news/{n}",
        url_hash=f"hash-{n}",
        guid=f"guid-{n}",
        title=f"Troops at the border {n}",
        text="Joint deployment of Russian troops along its border.",
        summary="Troops deployed.",
        published=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        modified=None,
        authors=("A. Writer",),
        language="en",
        site_name="Example",
        image=None,
        description=None,
        fetched_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        geo={"countries": ["KZ"], "regions": ["Central Asia"]},
        fingerprint=b"\x01\x02\x03",
    )
    return replace(record, **changes)  # type: ignore[arg-type]


MATCH = MatchRecord(
    rule="central-asia-border",
    severity="high",
    terms=("troops",),
    regions=("Central Asia",),
    snippets=("…Russian troops along its border…",),
    explanation={"query": "troops", "hit": True},
)


def alert(channel: str = "desk-hook", rule: str = "central-asia-border") -> AlertRecord:
    return AlertRecord(
        id=uuid.uuid4().hex,
        rule=rule,
        channel=channel,
        severity="high",
        payload={"type": "alert", "rule": {"name": rule}, "article": {"title": "t"}},
    )


def count(store: Store, model: type[Base]) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model)) or 0


# schema


def test_upgrade_creates_the_schema_the_models_describe_and_is_idempotent(make_store) -> None:
    store = make_store()
    store.upgrade()  # a second start migrates nothing and breaks nothing
    with store.engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) >= TABLES
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == "0002"
        assert compare_metadata(context, Base.metadata) == []


def test_postgres_urls_are_sent_to_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"
    with pytest.raises(ValueError, match="unsupported database"):
        normalise_url("mysql://u@h/db")


def test_times_come_back_aware_utc_and_naive_times_are_refused(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    store.sync_sources([spec()])
    (state,) = store.list_sources()
    assert state.next_poll_at == clock.now
    assert state.next_poll_at.tzinfo is UTC
    with pytest.raises(Exception, match="naive datetime"):
        store.save_article(article(fetched_at=datetime(2026, 11, 24, 9, 30)), [], [])
    assert count(store, Article) == 0


OFFSETS = st.timedeltas(min_value=-timedelta(hours=23), max_value=timedelta(hours=23))
AWARE_TIMES = st.datetimes(
    min_value=datetime(1000, 1, 2),
    max_value=datetime(9998, 12, 30),
    timezones=st.one_of(st.timezones(), st.builds(timezone, OFFSETS)),
)


def test_any_aware_time_comes_back_as_the_same_instant_in_utc(make_store) -> None:
    store = make_store(clock=ManualClock())

    @settings(max_examples=40, deadline=None)
    @given(published=AWARE_TIMES)
    def round_trip(published: datetime) -> None:
        saved = store.save_article(article(uuid.uuid4().int, published=published), [], [])
        assert saved is not None
        stored = {a.id: a for a in store.articles_since(datetime(2026, 11, 1, tzinfo=UTC))}
        back = stored[saved.article_id].published
        assert back == published.astimezone(UTC)
        assert back is not None
        assert back.tzinfo is UTC

    round_trip()


# sources


def test_sync_sources_adds_updates_and_deactivates_keeping_poll_state(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    store.sync_sources([spec("a"), spec("b")])
    claimed = store.claim_due_sources("me", lease=LEASE, limit=10)
    assert {s.name for s in claimed} == {"a", "b"}
    store.record_poll_success(
        "a",
        "me",
        etag='"v1"',
        last_modified="Mon, 23 Nov 2026 10:00:00 GMT",
        next_poll_at=clock.now + timedelta(minutes=5),
    )
    store.record_poll_failure(
        "b", "me", reason="http_5xx", message="503", next_poll_at=clock.now + timedelta(hours=1)
    )

    # a: new kind and a shorter interval; b: dropped from the config; c: new.
    clock.advance(timedelta(minutes=1))
    store.sync_sources([replace(spec("a"), kind="html", interval=timedelta(minutes=2)), spec("c")])
    by_name = {s.name: s for s in store.list_sources()}
    assert by_name["a"].kind == "html"
    assert by_name["a"].etag == '"v1"'  # poll state kept
    assert by_name["a"].interval == timedelta(minutes=2)
    assert by_name["a"].next_poll_at == clock.now + timedelta(minutes=2)  # shorter wait applies
    assert not by_name["b"].active
    assert by_name["b"].error_count == 1  # kept, not deleted
    assert by_name["c"].active
    assert by_name["c"].next_poll_at == clock.now  # a new source is due at once

    # b comes back; a changes URL, so its validators no longer apply.
    store.sync_sources([replace(spec("a"), url="https://example.org/moved.xml"), spec("b")])
    by_name = {s.name: s for s in store.list_sources()}
    assert by_name["b"].active
    assert by_name["b"].error_count == 1
    assert by_name["a"].url == "https://example.org/moved.xml"
    assert (by_name["a"].etag, by_name["a"].last_modified) == (None, None)
    assert by_name["a"].next_poll_at == clock.now


def test_inactive_sources_are_never_claimed(make_store) -> None:
    store = make_store(clock=ManualClock())
    store.sync_sources([spec("a"), spec("b")])
    store.sync_sources([spec("a")])
    assert [s.name for s in store.claim_due_sources("me", lease=LEASE, limit=10, force=True)] == [
        "a"
    ]


def test_claim_honours_next_poll_at_force_and_leases(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    store.sync_sources([spec("a")])
    (claimed,) = store.claim_due_sources("one", lease=LEASE, limit=10)
    assert (claimed.lease_owner, claimed.lease_until) == ("one", clock.now + LEASE)
    assert store.claim_due_sources("two", lease=LEASE, limit=10) == []  # leased
    assert store.claim_due_sources("two", lease=LEASE, limit=10, force=True) == []  # even forced

    store.record_poll_success(
        "a", "one", etag=None, last_modified=None, next_poll_at=clock.now + timedelta(minutes=5)
    )
    assert store.claim_due_sources("two", lease=LEASE, limit=10) == []  # not due yet
    assert [s.name for s in store.claim_due_sources("two", lease=LEASE, limit=10, force=True)] == [
        "a"
    ]
    store.release_source("a", "two")
    clock.advance(timedelta(minutes=5))
    assert [s.name for s in store.claim_due_sources("two", lease=LEASE, limit=10)] == ["a"]


def test_a_dead_instances_source_is_picked_up_after_its_lease_expires(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    store.sync_sources([spec("a")])
    store.claim_due_sources("dead", lease=LEASE, limit=10)
    clock.advance(LEASE - timedelta(seconds=1))
    assert store.claim_due_sources("alive", lease=LEASE, limit=10) == []
    clock.advance(timedelta(seconds=1))
    (claimed,) = store.claim_due_sources("alive", lease=LEASE, limit=10)
    assert claimed.lease_owner == "alive"
    # The dead instance wakes up late: its result no longer counts.
    assert not store.record_poll_success(
        "a", "dead", etag="x", last_modified=None, next_poll_at=clock.now
    )
    assert store.list_sources()[0].lease_owner == "alive"


def test_claim_takes_the_most_overdue_first_up_to_the_limit(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    store.sync_sources([spec("a"), spec("b"), spec("c")])
    store.claim_due_sources("me", lease=LEASE, limit=10)
    due = {"a": 3, "b": 1, "c": 2}
    for name, minutes in due.items():
        store.record_poll_success(
            name,
            "me",
            etag=None,
            last_modified=None,
            next_poll_at=clock.now + timedelta(minutes=minutes),
        )
    clock.advance(timedelta(minutes=10))
    assert [s.name for s in store.claim_due_sources("me", lease=LEASE, limit=2)] == ["b", "c"]


def test_poll_failure_counts_and_keeps_the_message_and_success_resets(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    store.sync_sources([spec("a")])
    for n in (1, 2):
        store.claim_due_sources("me", lease=LEASE, limit=1, force=True)
        store.record_poll_failure(
            "a",
            "me",
            reason="timeout",
            message=f"read timed out ({n})",
            next_poll_at=clock.now + timedelta(minutes=n),
        )
    (state,) = store.list_sources()
    assert (state.error_count, state.last_error_reason, state.last_error) == (
        2,
        "timeout",
        "read timed out (2)",
    )
    assert state.next_poll_at == clock.now + timedelta(minutes=2)
    assert state.last_polled_at == clock.now
    assert state.last_success_at is None
    assert state.lease_owner is None

    clock.advance(timedelta(minutes=2))
    store.claim_due_sources("me", lease=LEASE, limit=1)
    store.record_poll_success(
        "a", "me", etag='"e"', last_modified="lm", next_poll_at=clock.now + timedelta(minutes=5)
    )
    (state,) = store.list_sources()
    assert (state.error_count, state.last_error_reason, state.last_error) == (0, None, None)
    assert (state.etag, state.last_modified) == ('"e"', "lm")
    assert state.last_success_at == clock.now
    assert (state.lease_owner, state.lease_until) == (None, None)


# articles and the outbox


def test_save_article_writes_article_story_matches_and_pending_alerts(make_store) -> None:
    clock = ManualClock()
    store = make_store(clock=clock)
    hook, mail = alert("desk-hook"), alert("desk-mail")
    saved = store.save_article(article(), [MATCH], [hook, mail])
    assert saved is not None
    assert saved.alert_ids == (hook.id, mail.id)
    assert (count(store, Story), count(store, Article), count(store, Match)) == (1, 1, 1)
    views = {v.id: v for v in store.recent_alerts()}
    assert views[hook.id].status == "pending"
    assert views[hook.id].next_attempt_at == clock.now
    assert views[hook.id].title == "Troops at the border 1"
    assert views[hook.id].url == "https://example.org/news/1?utm_source=x"

    (stored,) = store.articles_since(datetime(2026, 11, 24, tzinfo=UTC))
    assert stored.id == saved.article_id
    assert stored.geo == {"countries": ["KZ"], "regions": ["Central Asia"]}
    assert stored.published == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    [row] = store.story_fingerprints_since(datetime(2026, 11, 24, tzinfo=UTC))
    assert store.story_fingerprints_after(saved.article_id - 1) == [row]
    assert store.story_fingerprints_after(saved.article_id) == []
    assert (row.article_id, row.story_id, row.url_hash, row.fingerprint) == (
        saved.article_id,
        saved.story_id,
        "hash-1",
        b"\x01\x02\x03",
    )
    assert row.fetched_at == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def test_save_article_returns_none_for_a_url_already_stored(make_store) -> None:
    store = make_store(clock=ManualClock())
    assert store.save_article(article(), [MATCH], [alert()]) is not None
    assert store.save_article(article(guid="other"), [MATCH], [alert()]) is None
    # The lost race left nothing behind: no second story, match or alert.
    assert (count(store, Story), count(store, Match), count(store, Alert)) == (1, 1, 1)


def test_a_second_article_of_a_story_does_not_alert_the_same_rule_and_channel_again(
    make_store,
) -> None:
    store = make_store(clock=ManualClock())
    first = store.save_article(article(1), [MATCH], [alert("desk-hook")])
    assert first is not None
    mail = alert("desk-mail")
    second = store.save_article(
        article(2, story_id=first.story_id), [MATCH], [alert("desk-hook"), mail]
    )
    assert second is not None
    assert second.story_id == first.story_id
    assert second.alert_ids == (mail.id,)  # desk-hook already alerted for this story
    assert count(store, Alert) == 2


def test_save_article_is_atomic_when_an_alert_fails_to_insert(make_store) -> None:
    store = make_store(clock=ManualClock())
    first = store.save_article(article(1), [MATCH], [alert()])
    assert first is not None
    # The same alert id again (a caller bug) violates the primary key after the
    # story, the article and its match have been written in the transaction.
    reused = replace(alert("desk-mail"), id=first.alert_ids[0])
    with pytest.raises(IntegrityError):
        store.save_article(article(2), [MATCH], [alert("other"), reused])
    assert (count(store, Story), count(store, Article), count(store, Match)) == (1, 1, 1)
    assert count(store, Alert) == 1
    assert store.known_entries({"hash-2"}, {"guid-2"}) == (set(), set())


def test_known_entries_tells_which_urls_and_guids_are_stored(make_store) -> None:
    store = make_store(clock=ManualClock())
    store.save_article(article(1), [], [])
    store.save_article(article(2, guid=None), [], [])
    hashes = {f"hash-{n}" for n in range(1, 1200)}  # more than one chunk
    assert store.known_entries(hashes, {"guid-1", "guid-2", "guid-9"}) == (
        {"hash-1", "hash-2"},
        {"guid-1"},
    )
    assert store.known_entries([], []) == (set(), set())


def test_articles_since_reads_every_page_from_the_given_time(make_store) -> None:
    store = make_store(clock=ManualClock())
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(450):  # more than two pages
        store.save_article(article(n, fetched_at=start + timedelta(hours=n)), [], [])
    since = start + timedelta(hours=10)
    urls = [a.url for a in store.articles_since(since)]
    assert urls == [article(n).url for n in range(10, 450)]
    assert all(a.fetched_at >= since for a in store.articles_since(since))


def test_articles_past_retention_are_emptied_but_stay_known(make_store) -> None:
    store = make_store()
    fetched = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    old = [
        article(n, fetched_at=fetched, fingerprint=b"fp", geo={"countries": []}) for n in (1, 2, 3)
    ]
    recent = article(4, fetched_at=fetched + timedelta(days=30), fingerprint=b"fp")
    matched = store.save_article(old[0], [MATCH], [alert()])
    assert matched is not None
    for record in [*old[1:], recent]:
        assert store.save_article(record, [], []) is not None

    cutoff = fetched + timedelta(days=1)
    assert store.forget_old_article_bodies(cutoff, batch=2) == 2  # a batch at a time
    assert store.forget_old_article_bodies(cutoff, batch=2) == 1
    assert store.forget_old_article_bodies(cutoff, batch=2) == 0

    with store.engine.connect() as connection:
        rows = {row.url_hash: row for row in connection.execute(select(Article))}
    for n in (1, 2, 3):
        emptied = rows[f"hash-{n}"]
        assert (emptied.text, emptied.summary, emptied.fingerprint, emptied.geo) == (
            "",
            "",
            None,
            None,
        )
        assert emptied.title == f"Troops at the border {n}"
    assert rows["hash-4"].text == recent.text
    assert rows["hash-4"].fingerprint == b"fp"
    # The match and the alert of an emptied article still point at it.
    assert rows["hash-1"].id == matched.article_id
    with store.engine.connect() as connection:
        assert connection.execute(select(Match.article_id)).scalars().all() == [matched.article_id]
        assert connection.execute(select(Alert.article_id)).scalars().all() == [matched.article_id]
    # A feed that still lists an emptied entry finds it known: it is not stored or alerted again.
    assert store.known_entries({"hash-1"}, {"guid-1"}) == ({"hash-1"}, {"guid-1"})


def test_an_emptied_article_frees_its_space_for_new_ones_on_sqlite(tmp_path) -> None:
    """Left running for months, the SQLite file grows by the small rows, not by the text."""
    path = tmp_path / "monitor.db"
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    sizes = []
    try:
        for month in range(3):
            fetched = start + timedelta(days=30 * month)
            for n in range(300):
                record = article(1000 * month + n, fetched_at=fetched, text="word " * 600)
                assert store.save_article(record, [], []) is not None
            while store.forget_old_article_bodies(fetched - timedelta(days=10)):
                pass
            with store.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            sizes.append(path.stat().st_size)
    finally:
        store.close()
    first_month, _, third_month = sizes
    # The third month's 300 articles fit mostly in the pages the first month's text left.
    assert third_month - sizes[1] < 0.3 * first_month
