"""INSERT .. ON CONFLICT for the engine's own tables, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.store.errors import UnsupportedDatabaseError


def insert_for(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` with ``on_conflict_do_*`` for the session's database."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise UnsupportedDatabaseError(f"no ON CONFLICT support for {name!r}")
