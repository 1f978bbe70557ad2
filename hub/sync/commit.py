"""Recording a batch in the state store: xref, hashes, match keys, dead letters, cursor.

Everything here runs in one transaction that the caller commits after the target write,
so a crash before the commit leaves the store as it was, and the re-run's writes carry
the same idempotency keys and target ids (no duplicates).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.redaction import redact
from hub.store.dead_letters import add_dead_letter, mark_dead_letter
from hub.store.errors import XrefConflictError
from hub.store.hashes import set_hashes
from hub.store.models import DeadLetter, RecordHash, Xref
from hub.store.xref import link
from hub.sync.context import FlowContext
from hub.sync.cursor import Position
from hub.sync.items import Item, Outcome
from hub.sync.matchindex import replace_keys

log = logging.getLogger(__name__)

_KNOWN = (Outcome.UNCHANGED, Outcome.WRITTEN, Outcome.INDEXED)


def record_batch(
    session: Session, ctx: FlowContext, items: Sequence[Item], run_id: int | None
) -> None:
    """Write the state a delivered batch leaves behind (the caller commits)."""
    flow, entity = ctx.flow, ctx.entity
    source_hashes: dict[str, str] = {}
    target_hashes: dict[str, str] = {}
    for item in items:
        linked = item.outcome in _KNOWN and not item.tombstone
        if linked and _link_or_dead(session, ctx, item):
            assert item.canonical_id is not None
            assert item.source_hash is not None
            source_hashes[item.canonical_id] = item.source_hash
            replace_keys(session, entity, item.canonical_id, item.keys)
        if item.outcome is Outcome.WRITTEN:
            assert item.canonical_id is not None
            assert item.target_hash is not None
            target_hashes[item.canonical_id] = item.target_hash
        elif item.outcome is Outcome.DELETED:
            _forget_target(session, ctx, item)
        if item.outcome is Outcome.DEAD:
            _dead_letter(session, ctx, item, run_id)
        elif item.outcome.done and item.source_id is not None:
            _settle_dead_letters(session, flow.name, item, run_id)
    set_hashes(session, flow.source.system, entity, source_hashes)
    set_hashes(session, flow.target.system, entity, target_hashes)


def _link_or_dead(session: Session, ctx: FlowContext, item: Item) -> bool:
    flow, entity = ctx.flow, ctx.entity
    assert item.canonical_id is not None
    assert item.source_id is not None
    try:
        if not item.source_linked:
            link(session, entity, item.canonical_id, flow.source.system, item.source_id)
        if item.outcome is Outcome.WRITTEN and not item.target_linked and item.target_id:
            link(session, entity, item.canonical_id, flow.target.system, item.target_id)
    except XrefConflictError as exc:
        # Another writer linked one side differently meanwhile: a person has to decide.
        item.dead("commit", exc)
        return False
    return True


def _forget_target(session: Session, ctx: FlowContext, item: Item) -> None:
    """After a delete, the target id no longer names anything; a revival creates anew."""
    entity, system = ctx.entity, ctx.flow.target.system
    session.execute(
        delete(Xref).where(
            Xref.entity == entity, Xref.canonical_id == item.canonical_id, Xref.system == system
        )
    )
    session.execute(
        delete(RecordHash).where(
            RecordHash.system == system,
            RecordHash.entity == entity,
            RecordHash.canonical_id == item.canonical_id,
        )
    )


def _dead_letter(session: Session, ctx: FlowContext, item: Item, run_id: int | None) -> None:
    error: BaseException | str = item.error if item.error is not None else "unknown failure"
    if item.replay_of is not None:
        letter = mark_dead_letter(session, item.replay_of, "open", error=error)
        letter.stage = item.stage or letter.stage
        letter.run_id = run_id if run_id is not None else letter.run_id
        return
    add_dead_letter(
        session,
        flow=ctx.flow.name,
        stage=item.stage or "unknown",
        error=error,
        payload=item.native,
        record_key=item.source_id,
        run_id=run_id,
    )


def _settle_dead_letters(session: Session, flow: str, item: Item, run_id: int | None) -> None:
    """Close open letters of a record that has now gone through, so no replay regresses it."""
    if item.replay_of is not None:
        mark_dead_letter(session, item.replay_of, "replayed")
        return
    letters = session.execute(
        select(DeadLetter).where(
            DeadLetter.flow == flow,
            DeadLetter.record_key == item.source_id,
            DeadLetter.status == "open",
        )
    ).scalars()
    for letter in letters:
        letter.status = "discarded"
        letter.message = redact(f"{letter.message} [superseded by a newer version in run {run_id}]")


def done_prefix_end(items: Sequence[Item]) -> Position | None:
    """The position of the last item before the first unfinished one (items sorted)."""
    last: Position | None = None
    for item in items:
        if not item.outcome.done:
            break
        if item.position is not None:
            last = item.position
    return last


def advance(stored: Position | None, reached: Position | None) -> Position | None:
    """The new cursor position: never behind the stored one (look-back re-reads are older)."""
    if reached is None:
        return stored
    if stored is None or reached.key() > stored.key():
        return reached
    return stored


def cursor_value(position: Position | None, field: str) -> dict[str, Any] | None:
    """The JSON cursor for a position."""
    return None if position is None else position.as_cursor(field)
