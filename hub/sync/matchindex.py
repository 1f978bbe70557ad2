"""The match index: normalised natural keys per canonical record, for identity matching."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.store.chunking import chunks
from hub.sync._dialect import insert_for
from hub.sync.tables import match_keys


def candidates(session: Session, entity: str, rule: str, values: Iterable[str]) -> set[str]:
    """Canonical ids whose key for `rule` is any of `values`."""
    return {
        cid for found in candidates_by_key(session, entity, rule, values).values() for cid in found
    }


def candidates_by_key(
    session: Session, entity: str, rule: str, values: Iterable[str]
) -> dict[str, set[str]]:
    """For each of `values` that the index holds for `rule`, the canonical ids holding it."""
    found: dict[str, set[str]] = {}
    for chunk in chunks(values):
        rows = session.execute(
            select(match_keys.c.value, match_keys.c.canonical_id).where(
                match_keys.c.entity == entity,
                match_keys.c.rule == rule,
                match_keys.c.value.in_(chunk),
            )
        )
        for value, canonical_id in rows:
            found.setdefault(value, set()).add(canonical_id)
    return found


def replace_keys(
    session: Session, entity: str, canonical_id: str, keys: Mapping[str, Iterable[str]]
) -> None:
    """Make the index hold exactly `keys` (rule -> values) for one canonical record."""
    replace_many(session, entity, {canonical_id: keys})


def replace_many(
    session: Session, entity: str, keys: Mapping[str, Mapping[str, Iterable[str]]]
) -> None:
    """Make the index hold exactly `keys[cid]` (rule -> values) for each canonical id."""
    for chunk in chunks(keys):
        session.execute(
            delete(match_keys).where(
                match_keys.c.entity == entity, match_keys.c.canonical_id.in_(chunk)
            )
        )
    rows = list(
        {
            (rule, value[:255], canonical_id): {
                "entity": entity,
                "rule": rule,
                "value": value[:255],
                "canonical_id": canonical_id,
            }
            for canonical_id, by_rule in keys.items()
            for rule, values in by_rule.items()
            for value in sorted(set(values))
        }.values()
    )
    if rows:
        session.execute(insert_for(session, match_keys).on_conflict_do_nothing(), rows)
