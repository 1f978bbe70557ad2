"""Dialect-specific INSERT with ON CONFLICT, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hub.store.errors import UnsupportedDatabaseError
from hub.store.models import Base


def upsert_insert(session: Session, model: type[Base]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `model` with ``on_conflict_do_*`` for the session's database."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(model)
    if name == "sqlite":
        return sqlite.insert(model)
    raise UnsupportedDatabaseError(f"no ON CONFLICT support for {name!r}")
