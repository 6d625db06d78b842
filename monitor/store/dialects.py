"""The few statements whose SQL differs between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignoring_conflicts(
    connection: Connection, model: Any, conflict_columns: Sequence[str]
) -> Any:
    """INSERT ... ON CONFLICT (columns) DO NOTHING: a conflict on exactly these columns is skipped.

    Any other violation still raises, and on PostgreSQL the skipped conflict does not
    abort the surrounding transaction the way a caught IntegrityError would.
    """
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(model).on_conflict_do_nothing(index_elements=list(conflict_columns))


def lock_until_commit(connection: Connection, key: str) -> None:
    """Serialise transactions that use `key` until this one ends.

    PostgreSQL: a transaction-level advisory lock on the key's hash. SQLite needs none:
    every write transaction already holds the database's write lock (BEGIN IMMEDIATE).
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
