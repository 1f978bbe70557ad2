"""Hashes of what the hub last wrote to each target, to skip unchanged records and echoes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.store._dialect import upsert_insert
from hub.store.chunking import chunks
from hub.store.columns import utcnow
from hub.store.models import RecordHash


def get_hashes(
    session: Session, system: str, entity: str, canonical_ids: Iterable[str]
) -> dict[str, str]:
    """Last written hash per canonical id, for the ids that have one."""
    found: dict[str, str] = {}
    for chunk in chunks(canonical_ids):
        rows = session.execute(
            select(RecordHash.canonical_id, RecordHash.hash).where(
                RecordHash.system == system,
                RecordHash.entity == entity,
                RecordHash.canonical_id.in_(chunk),
            )
        )
        found.update({canonical_id: digest for canonical_id, digest in rows})
    return found


def set_hashes(session: Session, system: str, entity: str, hashes: Mapping[str, str]) -> None:
    """Record the hashes just written to `system`'s `entity`, keyed by canonical id.

    One statement executed over all rows (executemany), rather than a multi-row VALUES
    statement per chunk: it is compiled once, and a sync batch's commit is a hot path.
    """
    if not hashes:
        return
    now = utcnow()
    rows = [
        {"system": system, "entity": entity, "canonical_id": cid, "hash": digest, "written_at": now}
        for cid, digest in hashes.items()
    ]
    statement = upsert_insert(session, RecordHash)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[RecordHash.system, RecordHash.entity, RecordHash.canonical_id],
            set_={"hash": statement.excluded.hash, "written_at": statement.excluded.written_at},
        ),
        rows,
    )
