"""Real databases for tests: a fresh SQLite file or PostgreSQL database per test.

Use from any test module by binding the fixtures at module level (an assignment,
not a bare import, so that ruff does not read the test arguments as redefinitions)::

    from tests.support import databases
    from tests.support.databases import ManualClock

    database_url = databases.database_url
    make_store = databases.make_store

    def test_something(make_store) -> None:          # runs once per backend
        store = make_store(clock=ManualClock())      # migrated, closed at teardown
        ...

`database_url` is parametrized over `sqlite` (a file in tmp_path) and `postgresql`.
The PostgreSQL case runs only when MONITOR_TEST_POSTGRES_URL names a server
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) and is skipped otherwise; each
test gets its own database, created on that server and dropped afterwards.

At teardown `database_url` fails the test if any connection to its database is still
open (a Store or engine that was never closed). `make_store` builds migrated Stores on
that URL and closes them at teardown, failing if a connection was still checked out.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from monitor.store import Store

POSTGRES_ENV = "MONITOR_TEST_POSTGRES_URL"
LEAK_GRACE_S = 2.0
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


class ManualClock:
    """A clock that stands still until the test moves it; aware UTC like `utc_now`."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 24, 9, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward by `delta` and return the new now."""
        self.now += delta
        return self.now


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL of an empty database, once per backend; checked for leaks at teardown."""
    if request.param == "sqlite":
        yield from _sqlite_database(tmp_path / "monitor.db")
    else:
        yield from _postgresql_database()


def _sqlite_database(path: Path) -> Iterator[str]:
    yield f"sqlite:///{path}"
    leaked = _open_file_handles(path)
    if leaked:
        pytest.fail(f"{leaked} connection(s) to {path.name} left open: close the Store")


def _open_file_handles(path: Path) -> int:
    """How many of this process's file descriptors point at the database or its WAL files."""
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():  # not Linux: no cheap way to tell
        return 0
    names = {str(path), f"{path}-wal", f"{path}-shm"}
    count = 0
    for fd in fd_dir.iterdir():
        try:
            count += str(fd.readlink()) in names
        except OSError:
            continue  # closed while we looked
    return count


def _postgresql_database() -> Iterator[str]:
    server_url = os.environ.get(POSTGRES_ENV)
    if not server_url:
        pytest.skip(f"set {POSTGRES_ENV} to a PostgreSQL URL to run the PostgreSQL tests")
    server = make_url(server_url)
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"monitor_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(admin_dsn, autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
            leaked = _open_sessions(admin, name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if leaked:
        pytest.fail(f"{leaked} connection(s) to {name} left open: close the Store")


def _open_sessions(admin: psycopg.Connection[Any], name: str) -> int:
    """Sessions still connected to database `name`, once closed ones have had time to exit.

    A server backend leaves pg_stat_activity shortly after its client hangs up, so a
    closed connection may linger for a moment; a leaked one stays.
    """
    deadline = time.monotonic() + LEAK_GRACE_S
    while True:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)
        ).fetchone()
        sessions = row[0] if row else 0
        if sessions == 0 or time.monotonic() > deadline:
            return sessions
        time.sleep(0.02)


StoreFactory = Callable[..., Store]


@pytest.fixture
def make_store(database_url: str) -> Iterator[StoreFactory]:
    """Build Stores on `database_url`, migrated; `make_store(clock=ManualClock())`."""
    stores: list[Store] = []

    def build(**kwargs: object) -> Store:
        store = Store(database_url, **kwargs)  # type: ignore[arg-type]
        stores.append(store)
        store.upgrade()
        return store

    yield build
    busy = sum(store.engine.pool.checkedout() for store in stores)  # type: ignore[attr-defined]
    for store in stores:
        store.close()
    if busy:
        pytest.fail(f"{busy} connection(s) still checked out of the Store's pool")
