"""Xref for a whole batch at once: one IN query for lookups, one bulk insert for links."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.store._dialect import upsert_insert
from hub.store.columns import utcnow
from hub.store.errors import XrefConflictError
from hub.store.models import Xref

# Keeps the bound parameters per statement well under SQLite's limit.
CHUNK = 400


def chunks(values: Iterable[str], size: int = CHUNK) -> Iterator[list[str]]:
    """Sorted distinct values in lists of at most `size`."""
    iterator = iter(sorted(set(values)))
    while chunk := list(islice(iterator, size)):
        yield chunk


def canonical_ids(
    session: Session, entity: str, system: str, system_ids: Iterable[str]
) -> dict[str, str]:
    """The canonical id of each of a system's ids that xref knows (system id -> canonical)."""
    found: dict[str, str] = {}
    for chunk in chunks(system_ids):
        rows = session.execute(
            select(Xref.system_id, Xref.canonical_id).where(
                Xref.entity == entity, Xref.system == system, Xref.system_id.in_(chunk)
            )
        )
        found.update({system_id: canonical_id for system_id, canonical_id in rows})
    return found


def system_ids(
    session: Session, entity: str, system: str, canonical: Iterable[str]
) -> dict[str, str]:
    """The id `system` uses for each canonical id it has one for (canonical -> system id)."""
    found: dict[str, str] = {}
    for chunk in chunks(canonical):
        rows = session.execute(
            select(Xref.canonical_id, Xref.system_id).where(
                Xref.entity == entity, Xref.system == system, Xref.canonical_id.in_(chunk)
            )
        )
        found.update({canonical_id: system_id for canonical_id, system_id in rows})
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
