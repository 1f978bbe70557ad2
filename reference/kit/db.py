"""Database plumbing for the reference systems: each owns its own database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def default_url(system: str) -> str:
    """SQLite file for ``system`` under REF_DATA_DIR (default ./.hub/reference)."""
    override = os.environ.get(f"REF_{system.upper()}_DATABASE_URL")
    if override:
        return override
    root = Path(os.environ.get("REF_DATA_DIR", Path(".hub") / "reference"))
    root.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{root / f'{system}.db'}"


def make_engine(url: str) -> Engine:
    """An engine tuned for a small server: WAL and a busy timeout on SQLite."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=True
        )

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
