"""Timestamps come back timezone-aware UTC from both databases; naive ones are refused."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy.exc
from sqlalchemy.orm import Session, sessionmaker

from hub.store import Run


def test_aware_datetimes_round_trip_as_utc(sessions: sessionmaker[Session]) -> None:
    berlin_noon = datetime(2026, 6, 1, 12, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    with sessions.begin() as session:
        run = Run(flow="f", started_at=berlin_noon)
        session.add(run)
    with sessions() as session:
        stored = session.get(Run, run.id)
        assert stored is not None
        assert stored.started_at == berlin_noon
        assert stored.started_at.utcoffset() == timedelta(0)
        assert stored.started_at.hour == 10
        assert stored.started_at.microsecond == 123456


def test_naive_datetimes_are_refused(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        session.add(Run(flow="f", started_at=datetime(2026, 6, 1, 12, 0)))
        with pytest.raises(sqlalchemy.exc.StatementError, match="naive datetime"):
            session.flush()
