"""The WMS database: one engine, read sessions and serialised write sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from reference.kit.db import make_engine
from reference.wms.models import Base

_BEGIN_OPTION = "wms_sqlite_begin"


class Database:
    """Owns the engine; write transactions on SQLite take the write lock when they begin.

    Stock checks read a balance and then write the movement. On SQLite a deferred
    transaction that read before another writer committed fails on its first write
    (busy snapshot), so write sessions start with BEGIN IMMEDIATE and queue on the lock
    instead; reads stay deferred and never block.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        if self.is_sqlite:
            _take_over_sqlite_begin(self.engine)
        write_engine = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(write_engine, expire_on_commit=False)

    def create_all(self) -> None:
        Base.metadata.create_all(self.engine)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction committed on success and rolled back on any error."""
        with self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _take_over_sqlite_begin(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _no_driver_begin(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")
