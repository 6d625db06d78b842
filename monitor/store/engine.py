"""Open the database: one engine per Store, transactions that lock as SQLite and PostgreSQL need.

SQLite: WAL (readers never block the writer), a busy timeout (writers queue instead of
failing), foreign keys on, and SQLAlchemy emits BEGIN itself, because the sqlite3
driver's legacy mode starts no transaction at SELECT, which would make a claim's
read-then-update race. Write transactions use BEGIN IMMEDIATE, which takes the write
lock up front; a deferred transaction that upgrades to a write can fail with
SQLITE_BUSY without waiting (https://www.sqlite.org/isolation.html).
PostgreSQL: psycopg 3, pings pooled connections, bounds connect and statement time.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url

BUSY_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 10
STATEMENT_TIMEOUT_MS = 60_000
MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant works; it only has to be the same for every instance migrating one database.
MIGRATION_LOCK_KEY = 0x6D6F6E69746F72  # "monitor"

_BEGIN_MODE = "monitor_sqlite_begin"


def normalise_url(url: str | URL) -> URL:
    """Parse a database URL, send `postgresql://` and `postgres://` to psycopg 3, refuse others."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgres":
        backend = "postgresql"
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return parsed.set(drivername="sqlite")  # the stdlib sqlite3 driver
    raise ValueError(f"unsupported database {parsed.drivername!r}: use sqlite:// or postgresql://")


def create_store_engine(url: str | URL) -> Engine:
    """Create the engine for `url` with the pragmas, timeouts and BEGIN handling described above."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(parsed)
    return _create_postgresql_engine(parsed)


def _create_sqlite_engine(url: URL) -> Engine:
    if url.database in (None, "", ":memory:"):
        # Each pooled connection would get its own empty memory database.
        raise ValueError("the store needs a SQLite file: sqlite:///path/to/monitor.db")
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver must not emit BEGIN; we do
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough in WAL mode, much faster
    finally:
        cursor.close()


def _switch_to_wal(cursor: Any) -> None:
    """Turn on WAL (persistent in the file), waiting out a concurrent switch.

    Two instances opening a new database at once race to convert it, and the loser
    gets "database is locked" at once: SQLite does not call the busy handler there.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _begin_sqlite_transaction(connection: Connection) -> None:
    mode = connection.get_execution_options().get(_BEGIN_MODE, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _create_postgresql_engine(url: URL) -> Engine:
    return create_engine(
        url,
        pool_pre_ping=True,  # a daemon outlives server restarts and idle-connection reapers
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c TimeZone=UTC",
        },
    )


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: BEGIN IMMEDIATE on SQLite, committed on success."""
    with engine.connect() as connection:
        connection = connection.execution_options(**{_BEGIN_MODE: "IMMEDIATE"})
        with connection.begin():
            yield connection


@contextmanager
def holding_lock(engine: Engine, key: str, *, timeout: timedelta) -> Iterator[None]:
    """Hold a lock named `key` across instances until exit, whatever the caller's transactions.

    PostgreSQL: a session advisory lock on a connection of its own, waited for at most
    `timeout` (then the database's LockNotAvailable error). If the unlock fails the
    connection is dropped, which ends its session and so frees the lock. SQLite: nothing,
    as one database file serves one instance.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    wait = f"{int(timeout.total_seconds() * 1000)}ms"
    with engine.connect() as connection:
        with connection.begin():  # lock_timeout for this wait only
            connection.execute(
                text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": wait}
            )
            connection.execute(text("SELECT pg_advisory_lock(hashtext(:key))"), {"key": key})
        try:
            yield
        finally:
            try:
                with connection.begin():
                    connection.execute(
                        text("SELECT pg_advisory_unlock(hashtext(:key))"), {"key": key}
                    )
            except Exception:
                connection.invalidate()
                raise


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction: one consistent snapshot, no write lock."""
    with engine.connect() as connection, connection.begin():
        yield connection


def upgrade_schema(engine: Engine) -> None:
    """Migrate to the newest revision; concurrent instances take turns, later ones do nothing."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    with writing(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
