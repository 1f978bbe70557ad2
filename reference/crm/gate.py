"""One writer at a time, each stamped with a strictly increasing lastModified.

Paging by (lastModified, id) is only stable under concurrent inserts if no record can
commit with a lastModified below one a reader has already passed. Taking the timestamp
and committing under one lock makes commit order equal timestamp order, so a new record
always sorts after every record that was visible before it. This holds for one server
process; several processes would need the database to hand out the sequence instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.crm.models import RECORD_MODELS

TICK = timedelta(microseconds=1)


class WriteGate:
    """Serialises writes and hands out their timestamps."""

    def __init__(self, last: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._last = last

    @classmethod
    def from_database(cls, session: Session) -> WriteGate:
        """A gate that continues after the newest lastModified already stored."""
        newest: datetime | None = None
        for model in RECORD_MODELS:
            value = session.scalar(sa.select(sa.func.max(model.last_modified)))
            if value is not None and (newest is None or value > newest):
                newest = value
        return cls(newest)

    def _tick(self) -> datetime:
        now = datetime.now(UTC)
        if self._last is not None and now <= self._last:
            now = self._last + TICK
        self._last = now
        return now

    @contextmanager
    def write(self, session: Session) -> Iterator[datetime]:
        """Hold the lock for one transaction; yields its timestamp, commits on success."""
        with self._lock:
            now = self._tick()
            try:
                yield now
                session.commit()
            except BaseException:
                session.rollback()
                raise
