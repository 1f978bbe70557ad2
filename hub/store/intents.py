"""Write intents: creates sent to a target whose batch is not recorded yet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.store._dialect import upsert_insert
from hub.store.chunking import chunks
from hub.store.models import WriteIntent


@dataclass(frozen=True, slots=True)
class PlannedCreate:
    """One create about to be sent: which record, with which key, findable by which keys."""

    canonical_id: str
    idempotency_key: str
    keys: Mapping[str, Sequence[str]]


def add_intents(
    session: Session,
    *,
    flow: str,
    partition: str,
    entity: str,
    target_system: str,
    target_entity: str,
    creates: Sequence[PlannedCreate],
    now: datetime,
) -> None:
    """Open one intent per planned create; an open one for the same record keeps its age."""
    if not creates:
        return
    rows = [
        {
            "flow": flow,
            "partition": partition,
            "canonical_id": create.canonical_id,
            "entity": entity,
            "idempotency_key": create.idempotency_key,
            "target_system": target_system,
            "target_entity": target_entity,
            "keys": {rule: sorted(values) for rule, values in create.keys.items()},
            "created_at": now,
        }
        # A record read twice in one batch is one create: the last plan wins.
        for create in {create.canonical_id: create for create in creates}.values()
    ]
    statement = upsert_insert(session, WriteIntent)
    # One statement, many parameter sets: SQLAlchemy sends them in multi-row batches.
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[WriteIntent.flow, WriteIntent.partition, WriteIntent.canonical_id],
            set_={
                "idempotency_key": statement.excluded.idempotency_key,
                "keys": statement.excluded["keys"],
            },
        ),
        rows,
    )


def open_intents(session: Session, flow: str, partition: str) -> list[WriteIntent]:
    """The open intents of a flow partition, oldest first."""
    return list(
        session.scalars(
            select(WriteIntent)
            .where(WriteIntent.flow == flow, WriteIntent.partition == partition)
            .order_by(WriteIntent.created_at, WriteIntent.canonical_id)
        )
    )


def close_intents(
    session: Session, flow: str, partition: str, canonical_ids: Iterable[str]
) -> None:
    """Close (delete) the intents of these records."""
    for chunk in chunks(canonical_ids):
        session.execute(
            delete(WriteIntent).where(
                WriteIntent.flow == flow,
                WriteIntent.partition == partition,
                WriteIntent.canonical_id.in_(chunk),
            )
        )
