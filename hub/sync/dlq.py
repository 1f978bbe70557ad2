"""Dead letters of flows: list, show, discard and replay (``hub dlq list|show|replay|discard``).

A replay runs the stored original payload through the *current* mappings and target, so
a replay after a mapping fix lands. A letter that fails again stays open with one more
attempt; one that lands (or turns out unchanged) is marked replayed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hub.store.dead_letters import DeadLetterStatus, get_dead_letter, mark_dead_letter
from hub.store.models import DeadLetter
from hub.sync.commit import record_batch
from hub.sync.context import FlowContext, RunOptions
from hub.sync.deliver import deliver
from hub.sync.intents import close_settled, creates_of, open_for, resolve
from hub.sync.items import Item, Outcome
from hub.sync.locks import acquire, check_held, new_owner, release, renew
from hub.sync.pipeline import BatchPlanner

REPLAY_PARTITION = "dlq-replay"


def list_letters(
    session: Session,
    *,
    flow: str | None = None,
    status: DeadLetterStatus | None = "open",
    run_id: int | None = None,
    error_class: str | None = None,
    after_id: int = 0,
    limit: int = 100,
) -> list[DeadLetter]:
    """One page of dead letters in id order, filtered; pass the last id as `after_id`."""
    query = select(DeadLetter).where(DeadLetter.id > after_id)
    if flow is not None:
        query = query.where(DeadLetter.flow == flow)
    if status is not None:
        query = query.where(DeadLetter.status == status)
    if run_id is not None:
        query = query.where(DeadLetter.run_id == run_id)
    if error_class is not None:
        query = query.where(DeadLetter.error_class == error_class)
    return list(session.execute(query.order_by(DeadLetter.id).limit(limit)).scalars())


def show_letter(session: Session, letter_id: int) -> DeadLetter:
    """One dead letter with its payload; raises `hub.store.NotFoundError`."""
    return get_dead_letter(session, letter_id)


def discard_letters(session: Session, letter_ids: Sequence[int]) -> int:
    """Mark open letters discarded (the caller commits); returns how many changed."""
    changed = 0
    for letter_id in letter_ids:
        if get_dead_letter(session, letter_id).status == "open":
            mark_dead_letter(session, letter_id, "discarded")
            changed += 1
    return changed


@dataclass
class ReplayResult:
    """What a replay did, letter by letter."""

    replayed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def select_letters(
    session: Session,
    flow: str,
    *,
    ids: Sequence[int] | None = None,
    run_id: int | None = None,
    error_class: str | None = None,
) -> list[int]:
    """Ids of open letters of `flow` chosen by id list, by run, or by error class."""
    query = select(DeadLetter.id).where(DeadLetter.flow == flow, DeadLetter.status == "open")
    if ids is not None:
        query = query.where(DeadLetter.id.in_(list(ids)))
    if run_id is not None:
        query = query.where(DeadLetter.run_id == run_id)
    if error_class is not None:
        query = query.where(DeadLetter.error_class == error_class)
    return list(session.execute(query.order_by(DeadLetter.id)).scalars())


def replay_letters(
    sessions: sessionmaker[Session],
    ctx: FlowContext,
    *,
    ids: Sequence[int] | None = None,
    run_id: int | None = None,
    error_class: str | None = None,
    options: RunOptions | None = None,
    chunk: int = 100,
) -> ReplayResult:
    """Replay open dead letters of the context's flow, chosen by ids, run or error class."""
    opts = options or RunOptions()
    flow = ctx.flow
    owner = opts.owner or new_owner()
    result = ReplayResult()
    with sessions.begin() as session:
        began = opts.clock()
        acquire(session, flow.name, REPLAY_PARTITION, owner, began, opts.lease_ttl)
        chosen = select_letters(session, flow.name, ids=ids, run_id=run_id, error_class=error_class)
    if ids is not None:
        result.skipped = sorted(set(ids) - set(chosen))
    try:
        if not opts.dry_run and ctx.sink is not None and chosen:

            def fence(session: Session) -> None:
                renew(session, flow.name, REPLAY_PARTITION, owner, opts.clock(), opts.lease_ttl)

            resolve(sessions, ctx, REPLAY_PARTITION, fence=fence)
        for start in range(0, len(chosen), chunk):
            _replay_chunk(sessions, ctx, chosen[start : start + chunk], owner, opts, result, began)
    finally:
        with sessions.begin() as session:
            release(session, flow.name, REPLAY_PARTITION, owner)
    return result


def _replay_chunk(
    sessions: sessionmaker[Session],
    ctx: FlowContext,
    letter_ids: Sequence[int],
    owner: str,
    opts: RunOptions,
    result: ReplayResult,
    began: datetime,
) -> None:
    flow = ctx.flow
    with sessions() as session:
        items: list[Item] = []
        for letter_id in letter_ids:
            letter = get_dead_letter(session, letter_id)
            payload = letter.payload if isinstance(letter.payload, dict) else {}
            item = BatchPlanner.item_for_flow(flow, payload)
            item.replay_of = letter_id
            items.append(item)
        BatchPlanner(ctx, session).plan(items)
        session.rollback()
    if opts.dry_run:
        return
    if ctx.sink is not None:
        creates = creates_of(items)
        if creates:
            with sessions.begin() as session:
                check_held(session, flow.name, REPLAY_PARTITION, owner)
                open_for(session, ctx, REPLAY_PARTITION, creates, began)
        deliver(ctx.sink, flow.target.entity, items)
    with sessions.begin() as session:
        renew(session, flow.name, REPLAY_PARTITION, owner, opts.clock(), opts.lease_ttl)
        record_batch(session, ctx, items, None)
        close_settled(session, flow.name, REPLAY_PARTITION, items)
        for item in items:
            assert item.replay_of is not None
            if item.outcome is Outcome.PENDING:
                mark_dead_letter(
                    session, item.replay_of, "open", error=item.error or "not written yet"
                )
                result.failed.append(item.replay_of)
            elif item.outcome is Outcome.DEAD:
                result.failed.append(item.replay_of)
            else:
                result.replayed.append(item.replay_of)
