"""The match index: normalised natural keys per canonical record, for identity matching."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.sync._dialect import insert_for
from hub.sync.tables import match_keys


def candidates(session: Session, entity: str, rule: str, values: Iterable[str]) -> set[str]:
    """Canonical ids whose key for `rule` is any of `values`."""
    wanted = sorted(set(values))
    if not wanted:
        return set()
    rows = session.execute(
        select(match_keys.c.canonical_id).where(
            match_keys.c.entity == entity,
            match_keys.c.rule == rule,
            match_keys.c.value.in_(wanted),
        )
    )
    return {row[0] for row in rows}


def replace_keys(
    session: Session, entity: str, canonical_id: str, keys: Mapping[str, Iterable[str]]
) -> None:
    """Make the index hold exactly `keys` (rule -> values) for one canonical record."""
    session.execute(
        delete(match_keys).where(
            match_keys.c.entity == entity, match_keys.c.canonical_id == canonical_id
        )
    )
    rows = [
        {"entity": entity, "rule": rule, "value": value[:255], "canonical_id": canonical_id}
        for rule, values in keys.items()
        for value in sorted(set(values))
    ]
    if rows:
        session.execute(insert_for(session, match_keys).values(rows).on_conflict_do_nothing())
