"""Business items carried by a process from step to step (see `ProcessItem`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hub.store._dialect import upsert_insert
from hub.store.models import ProcessItem


def track_item(
    session: Session,
    process: str,
    item_key: str,
    *,
    stage: str,
    run_key: str,
    data: Mapping[str, Any] | None = None,
) -> tuple[ProcessItem, bool]:
    """The item under ``item_key``, created at ``stage`` if new; returns (item, created).

    Atomic under concurrency: two steps discovering the same item create it once.
    """
    stmt = (
        upsert_insert(session, ProcessItem)
        .values(
            process=process,
            item_key=item_key,
            stage=stage,
            status="active",
            run_key=run_key,
            data=dict(data or {}),
        )
        .on_conflict_do_nothing(index_elements=["process", "item_key"])
    )
    result = session.execute(stmt)
    created = int(result.rowcount) == 1  # type: ignore[attr-defined]
    item = get_item(session, process, item_key)
    if item is None:  # pragma: no cover - the insert or an earlier row guarantees one
        raise LookupError(f"process item {process}/{item_key} neither created nor found")
    return item, created


def get_item(session: Session, process: str, item_key: str) -> ProcessItem | None:
    return session.scalars(
        sa.select(ProcessItem).where(
            ProcessItem.process == process, ProcessItem.item_key == item_key
        )
    ).one_or_none()


def items_at(
    session: Session,
    process: str,
    stages: str | Sequence[str],
    *,
    status: str | None = "active",
    limit: int = 500,
) -> list[ProcessItem]:
    """Items of ``process`` at one of ``stages``, oldest first, at most ``limit``."""
    wanted = [stages] if isinstance(stages, str) else list(stages)
    query = sa.select(ProcessItem).where(
        ProcessItem.process == process, ProcessItem.stage.in_(wanted)
    )
    if status is not None:
        query = query.where(ProcessItem.status == status)
    return list(session.scalars(query.order_by(ProcessItem.id).limit(limit)))


def advance(
    item: ProcessItem,
    stage: str,
    *,
    status: str | None = None,
    **data: Any,
) -> None:
    """Move ``item`` to ``stage``, merging ``data`` into what it already knows."""
    item.stage = stage
    if status is not None:
        item.status = status
    if data:
        item.data = {**(item.data or {}), **data}
