"""What ``hub sync status`` and ``hub runs`` show: cursors, lag and the last results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.flows.model import FlowSpec
from hub.store.cursors import get_cursor
from hub.store.models import DeadLetter, Run
from hub.store.runs import list_runs
from hub.sync.context import utcnow
from hub.sync.cursor import stored_position


@dataclass(frozen=True, slots=True)
class PartitionStatus:
    """One flow partition: where its cursor is, how far behind, and how its last run went."""

    flow: str
    partition: str
    cursor: object
    lag_seconds: float | None
    last_status: str | None
    last_finished_at: datetime | None
    last_written: int | None
    last_dead_lettered: int | None
    open_dead_letters: int


def flow_status(
    session: Session, flows: Iterable[FlowSpec], *, now: datetime | None = None
) -> list[PartitionStatus]:
    """Status of every partition of every flow given."""
    moment = now or utcnow()
    rows: list[PartitionStatus] = []
    for flow in flows:
        open_letters = session.execute(
            select(func.count())
            .select_from(DeadLetter)
            .where(DeadLetter.flow == flow.name, DeadLetter.status == "open")
        ).scalar_one()
        for index in range(flow.partitions.count):
            partition = flow.partition_key(index)
            cursor = get_cursor(session, flow.name, partition)
            position = stored_position(cursor)
            last = session.execute(
                select(Run)
                .where(Run.flow == flow.name, Run.partition == partition)
                .order_by(Run.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            rows.append(
                PartitionStatus(
                    flow=flow.name,
                    partition=partition,
                    cursor=cursor,
                    lag_seconds=None
                    if position is None
                    else max((moment - position.at).total_seconds(), 0.0),
                    last_status=None if last is None else last.status,
                    last_finished_at=None if last is None else last.finished_at,
                    last_written=None if last is None else last.written_count,
                    last_dead_lettered=None if last is None else last.dead_lettered_count,
                    open_dead_letters=int(open_letters),
                )
            )
    return rows


def recent_runs(session: Session, *, flow: str | None = None, limit: int = 50) -> list[Run]:
    """Run history, newest first (``hub runs``)."""
    return list_runs(session, flow=flow, limit=limit)
