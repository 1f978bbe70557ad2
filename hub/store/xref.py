"""Cross-reference of ids: which id each system uses for one canonical entity."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hub.store._dialect import upsert_insert
from hub.store.columns import utcnow
from hub.store.errors import XrefConflictError
from hub.store.models import Xref


def new_canonical_id() -> str:
    """A fresh canonical id (uuid4, hex)."""
    return uuid.uuid4().hex


def populate_or_lookup(session: Session, entity: str, system: str, system_id: str) -> str:
    """Return the canonical id of a system's record, creating one if it has none yet.

    Atomic under concurrency: INSERT .. ON CONFLICT DO NOTHING, then read back whichever
    row won, so every caller gets the same canonical id for the same key.
    """
    now = utcnow()
    session.execute(
        upsert_insert(session, Xref)
        .values(
            entity=entity,
            canonical_id=new_canonical_id(),
            system=system,
            system_id=system_id,
            created_at=now,
            last_seen_at=now,
            status="active",
        )
        .on_conflict_do_nothing()
    )
    canonical_id = canonical_id_for(session, entity, system, system_id)
    if canonical_id is None:  # only if the only conflict was a (vanishingly) reused uuid
        raise RuntimeError(
            f"xref row for {entity} {system} {system_id!r} neither inserted nor found"
        )
    return canonical_id


def link(session: Session, entity: str, canonical_id: str, system: str, system_id: str) -> None:
    """Record that `system` knows canonical entity `canonical_id` as `system_id`.

    Idempotent; raises `XrefConflictError` if either side is already linked elsewhere.
    """
    now = utcnow()
    session.execute(
        upsert_insert(session, Xref)
        .values(
            entity=entity,
            canonical_id=canonical_id,
            system=system,
            system_id=system_id,
            created_at=now,
            last_seen_at=now,
            status="active",
        )
        .on_conflict_do_nothing()
    )
    existing = canonical_id_for(session, entity, system, system_id)
    if existing == canonical_id:
        return
    if existing is not None:
        raise XrefConflictError(
            entity=entity,
            canonical_id=canonical_id,
            system=system,
            system_id=system_id,
            existing_canonical_id=existing,
        )
    raise XrefConflictError(
        entity=entity,
        canonical_id=canonical_id,
        system=system,
        system_id=system_id,
        existing_system_id=system_id_for(session, entity, canonical_id, system),
    )


def canonical_id_for(session: Session, entity: str, system: str, system_id: str) -> str | None:
    """The canonical id a system's record is linked to, or None."""
    return session.execute(
        select(Xref.canonical_id).where(
            Xref.entity == entity, Xref.system == system, Xref.system_id == system_id
        )
    ).scalar_one_or_none()


def system_id_for(session: Session, entity: str, canonical_id: str, system: str) -> str | None:
    """The id `system` uses for a canonical entity, or None."""
    return session.execute(
        select(Xref.system_id).where(
            Xref.entity == entity, Xref.canonical_id == canonical_id, Xref.system == system
        )
    ).scalar_one_or_none()


def system_ids_for(session: Session, entity: str, canonical_id: str) -> dict[str, str]:
    """Every system's id for a canonical entity, keyed by system."""
    rows = session.execute(
        select(Xref.system, Xref.system_id).where(
            Xref.entity == entity, Xref.canonical_id == canonical_id
        )
    )
    return {system: system_id for system, system_id in rows}


def mark_seen(session: Session, entity: str, system: str, system_ids: Iterable[str]) -> int:
    """Set last_seen_at to now for some of a system's ids; returns how many rows changed."""
    ids = list(system_ids)
    if not ids:
        return 0
    result = session.execute(
        update(Xref)
        .where(Xref.entity == entity, Xref.system == system, Xref.system_id.in_(ids))
        .values(last_seen_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
