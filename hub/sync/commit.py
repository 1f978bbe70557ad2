"""Recording a batch in the state store: xref, hashes, match keys, dead letters, cursor.

Everything here runs in one transaction that the caller commits after the target write,
so a crash before the commit leaves the store as it was, and the re-run's writes carry
the same idempotency keys and target ids; creates a target took without an idempotency
key are found again through their write intents (`hub.sync.intents`). The batch's rows
are written in bulk: one insert per kind, not one query per record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.redaction import redact
from hub.store.chunking import chunks
from hub.store.dead_letters import add_dead_letter, mark_dead_letter
from hub.store.hashes import set_hashes
from hub.store.models import DeadLetter, RecordHash, Xref
from hub.sync.context import FlowContext
from hub.sync.cursor import Position
from hub.sync.items import Item, Outcome
from hub.sync.matchindex import replace_many
from hub.sync.xrefs import link_many

log = logging.getLogger(__name__)

_KNOWN = (Outcome.UNCHANGED, Outcome.WRITTEN, Outcome.INDEXED)


def record_batch(
    session: Session, ctx: FlowContext, items: Sequence[Item], run_id: int | None
) -> None:
    """Write the state a delivered batch leaves behind (the caller commits)."""
    flow, entity = ctx.flow, ctx.entity
    linked = [item for item in items if item.outcome in _KNOWN and not item.tombstone]
    _link(session, ctx, linked)
    source_hashes: dict[str, str] = {}
    keys: dict[str, dict[str, set[str]]] = {}
    for item in linked:
        if item.outcome is Outcome.DEAD:
            continue  # its link clashed with another
        assert item.canonical_id is not None
        assert item.source_hash is not None
        source_hashes[item.canonical_id] = item.source_hash
        keys[item.canonical_id] = item.keys
    replace_many(session, entity, keys)
    target_hashes: dict[str, str] = {}
    for item in items:
        if item.outcome is Outcome.WRITTEN:
            assert item.canonical_id is not None
            assert item.target_hash is not None
            target_hashes[item.canonical_id] = item.target_hash
        elif item.outcome is Outcome.DELETED:
            _forget_target(session, ctx, item)
    _settle_dead_letters(session, flow.name, items, run_id)
    for item in items:
        if item.outcome is Outcome.DEAD:
            _dead_letter(session, ctx, item, run_id)
    set_hashes(session, flow.source.system, entity, source_hashes)
    set_hashes(session, flow.target.system, entity, target_hashes)


def _link(session: Session, ctx: FlowContext, items: Sequence[Item]) -> None:
    """Link the batch's source ids, then its new target ids; a clash dead-letters the record."""
    flow, entity = ctx.flow, ctx.entity
    sources = [item for item in items if not item.source_linked]
    _link_side(session, entity, flow.source.system, sources, lambda item: item.source_id)
    targets = [
        item
        for item in items
        if item.outcome is Outcome.WRITTEN and not item.target_linked and item.target_id
    ]
    _link_side(session, entity, flow.target.system, targets, lambda item: item.target_id)


def _link_side(
    session: Session,
    entity: str,
    system: str,
    items: Sequence[Item],
    system_id: Callable[[Item], str | None],
) -> None:
    pairs: list[tuple[Item, tuple[str, str]]] = []
    for item in items:
        sid = system_id(item)
        assert item.canonical_id is not None
        assert sid is not None
        pairs.append((item, (item.canonical_id, sid)))
    clashes = link_many(session, entity, system, [pair for _, pair in pairs])
    for item, pair in pairs:
        clash = clashes.get(pair)
        if clash is not None:
            # Another writer linked one side differently meanwhile: a person has to decide.
            item.dead("commit", clash)


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


def _settle_dead_letters(
    session: Session, flow: str, items: Sequence[Item], run_id: int | None
) -> None:
    """Close open letters of records that have now gone through, so no replay regresses them."""
    through = [
        item
        for item in items
        if item.outcome.done and item.outcome is not Outcome.DEAD and item.source_id is not None
    ]
    for item in through:
        if item.replay_of is not None:
            mark_dead_letter(session, item.replay_of, "replayed")
    keys = [item.source_id for item in through if item.replay_of is None and item.source_id]
    for chunk in chunks(keys):
        letters = session.execute(
            select(DeadLetter).where(
                DeadLetter.flow == flow,
                DeadLetter.record_key.in_(chunk),
                DeadLetter.status == "open",
            )
        ).scalars()
        for letter in letters:
            letter.status = "discarded"
            letter.message = redact(
                f"{letter.message} [superseded by a newer version in run {run_id}]"
            )


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
