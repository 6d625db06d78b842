"""Run the migrations on the connection the store hands over; there is no alembic.ini.

`monitor.store.engine.upgrade_schema` opens the transaction, takes the migration lock
and puts the connection in `config.attributes["connection"]`. For `alembic revision
--autogenerate` during development, pass `-x url=sqlite:///dev.db` instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from monitor.store.models import Base


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_from_command_line() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("pass the database with: alembic -x url=sqlite:///dev.db ...")
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


connection = context.config.attributes.get("connection")
if connection is None:
    run_from_command_line()
else:
    run_migrations(connection)
