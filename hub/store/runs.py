"""Run history: one row per flow execution with its counts, lag and outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.redaction import redact
from hub.store.columns import utcnow
from hub.store.errors import NotFoundError
from hub.store.models import Run

RunStatus = Literal["running", "succeeded", "failed"]


@dataclass(frozen=True, slots=True)
class RunCounts:
    """How many records a run read, mapped, skipped as unchanged, wrote and dead-lettered."""

    read: int = 0
    mapped: int = 0
    unchanged: int = 0
    written: int = 0
    dead_lettered: int = 0


def start_run(session: Session, flow: str, partition: str = "") -> Run:
    """Record that a run started; its id is set on return."""
    run = Run(flow=flow, partition=partition, status="running", started_at=utcnow())
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    run_id: int,
    *,
    status: Literal["succeeded", "failed"],
    counts: RunCounts,
    lag_seconds: float | None = None,
    error: BaseException | str | None = None,
) -> Run:
    """Record how a run ended; the error text is redacted before it is stored."""
    run = session.get(Run, run_id)
    if run is None:
        raise NotFoundError(f"no run {run_id}")
    run.status = status
    run.finished_at = utcnow()
    run.read_count = counts.read
    run.mapped_count = counts.mapped
    run.unchanged_count = counts.unchanged
    run.written_count = counts.written
    run.dead_lettered_count = counts.dead_lettered
    run.lag_seconds = lag_seconds
    if error is not None:
        text = f"{type(error).__qualname__}: {error}" if isinstance(error, BaseException) else error
        run.error = redact(text)
    session.flush()
    return run


def list_runs(
    session: Session,
    *,
    flow: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[Run]:
    """One page of runs, newest first; pass the last id seen as `before_id` for more."""
    query = select(Run)
    if flow is not None:
        query = query.where(Run.flow == flow)
    if before_id is not None:
        query = query.where(Run.id < before_id)
    return list(session.execute(query.order_by(Run.id.desc()).limit(limit)).scalars())
