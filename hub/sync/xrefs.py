"""Xref for a whole batch at once: one IN query for lookups, one bulk insert for links."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from hub.store._dialect import upsert_insert
from hub.store.chunking import chunks
from hub.store.columns import utcnow
from hub.store.errors import XrefConflictError
from hub.store.models import Xref


def canonical_ids(
    session: Session, entity: str, system: str, system_ids: Iterable[str]
) -> dict[str, str]:
    """The canonical id of each of a system's ids that xref knows (system id -> canonical)."""
    return _pairs(session, entity, system, Xref.system_id, Xref.canonical_id, system_ids)


def system_ids(
    session: Session, entity: str, system: str, canonical: Iterable[str]
) -> dict[str, str]:
    """The id `system` uses for each canonical id it has one for (canonical -> system id)."""
    return _pairs(session, entity, system, Xref.canonical_id, Xref.system_id, canonical)


def _pairs(
    session: Session,
    entity: str,
    system: str,
    key: InstrumentedAttribute[str],
    value: InstrumentedAttribute[str],
    keys: Iterable[str],
) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in chunks(keys):
        rows = session.execute(
            select(key, value).where(Xref.entity == entity, Xref.system == system, key.in_(chunk))
        )
        found.update({k: v for k, v in rows})
    return found


def link_many(
    session: Session, entity: str, system: str, links: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], XrefConflictError]:
    """Link (canonical id, system id) pairs; the pairs that clash with other links, and why.

    Idempotent, like `hub.store.xref.link`: a pair linked already is fine. The first pair
    of the sequence wins a clash inside it.
    """
    if not links:
        return {}
    now = utcnow()
    unique = list(dict.fromkeys(links))
    rows = [
        {
            "entity": entity,
            "canonical_id": canonical_id,
            "system": system,
            "system_id": system_id,
            "created_at": now,
            "last_seen_at": now,
            "status": "active",
        }
        for canonical_id, system_id in unique
    ]
    # One statement, many parameter sets: SQLAlchemy sends them in multi-row batches.
    session.execute(upsert_insert(session, Xref).on_conflict_do_nothing(), rows)
    held = canonical_ids(session, entity, system, (sid for _, sid in unique))
    clashes: dict[tuple[str, str], XrefConflictError] = {}
    for canonical_id, system_id in unique:
        existing = held.get(system_id)
        if existing == canonical_id:
            continue
        if existing is not None:
            clashes[(canonical_id, system_id)] = XrefConflictError(
                entity=entity,
                canonical_id=canonical_id,
                system=system,
                system_id=system_id,
                existing_canonical_id=existing,
            )
    missing = [pair for pair in unique if pair[1] not in held]
    if missing:
        other = system_ids(session, entity, system, (cid for cid, _ in missing))
        for canonical_id, system_id in missing:
            clashes[(canonical_id, system_id)] = XrefConflictError(
                entity=entity,
                canonical_id=canonical_id,
                system=system,
                system_id=system_id,
                existing_system_id=other.get(canonical_id),
            )
    return clashes
