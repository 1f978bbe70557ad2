"""Source cursors: how far each flow partition has read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.store._dialect import upsert_insert
from hub.store.columns import utcnow
from hub.store.models import Cursor


def get_cursor(session: Session, flow: str, partition: str = "") -> Any:
    """The stored cursor value (JSON-shaped, e.g. ``{"updated_at": ..., "id": ...}``) or None."""
    return session.execute(
        select(Cursor.value).where(Cursor.flow == flow, Cursor.partition == partition)
    ).scalar_one_or_none()


def set_cursor(session: Session, flow: str, value: Any, partition: str = "") -> None:
    """Store a cursor value; datetimes and Decimals in it are kept as ISO/decimal strings."""
    now = utcnow()
    statement = upsert_insert(session, Cursor).values(
        flow=flow, partition=partition, value=value, updated_at=now
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[Cursor.flow, Cursor.partition],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        )
    )
