"""Running a flow: read since the cursor, plan, write, then commit the state in one go.

Per batch: plan with a read-only look at the store (pipeline), write to the target
(deliver), then one transaction renews the lease and records xref, hashes, match keys,
dead letters and the cursor (commit). The cursor moves only past records that are
written, unchanged, filtered or dead-lettered; a record the target could not take yet
(retriable) stops the run with the cursor before it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import Batch
from hub.redaction import redact
from hub.store.cursors import get_cursor, set_cursor
from hub.store.models import Run
from hub.store.runs import finish_run, start_run
from hub.sync.commit import advance, cursor_value, done_prefix_end, record_batch
from hub.sync.context import Counts, FlowContext, Progress, RunOptions, RunResult
from hub.sync.cursor import Position, Window, plan_window, stored_position
from hub.sync.deliver import deliver
from hub.sync.errors import FlowIncomplete, LeaseLost, SyncError
from hub.sync.intents import close_settled, creates_of, open_for, resolve
from hub.sync.items import Item, Outcome
from hub.sync.locks import acquire, check_held, new_owner, release, renew
from hub.sync.pipeline import BatchPlanner

log = logging.getLogger(__name__)


def _order(item: Item) -> tuple[int, Any]:
    # Unreadable records (no position) first: they are dead letters and never block.
    return (0, None) if item.position is None else (1, item.position.key())


class _Run:
    """The state of one run while it goes through the batches."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        ctx: FlowContext,
        options: RunOptions,
        *,
        index_only: bool = False,
    ) -> None:
        self.sessions = sessions
        self.ctx = ctx
        self.flow = ctx.flow
        self.options = options
        self.index_only = index_only
        self.partition = self.flow.partition_key(options.partition)
        self.owner = options.owner or new_owner()
        self.started = options.clock()
        self.counts = Counts()
        self.batches = 0
        self.position: Position | None = None
        self.result = RunResult(
            flow=self.flow.name,
            partition=self.partition,
            run_id=None,
            status="running",
            dry_run=options.dry_run,
        )

    @property
    def writes(self) -> bool:
        return not self.options.dry_run

    # lifecycle ---------------------------------------------------------------------------

    def begin(self) -> None:
        if not self.writes:
            return
        with self.sessions.begin() as session:
            acquire(session, self.flow.name, self.partition, self.owner, self.started, self.ttl)
            # A run that died without finishing (killed process) is over: say so.
            session.execute(
                update(Run)
                .where(
                    Run.flow == self.flow.name,
                    Run.partition == self.partition,
                    Run.status == "running",
                )
                .values(status="failed", error="abandoned: the process ended mid-run")
            )
            self.result.run_id = start_run(session, self.flow.name, self.partition).id

    @property
    def ttl(self) -> timedelta:
        return self.options.lease_ttl

    def finish(self, status: str, error: BaseException | None) -> RunResult:
        result = self.result
        result.status = status
        result.counts = self.counts
        result.cursor = cursor_value(self.position, self.flow.source.cursor_field)
        if self.position is not None:
            lag = (self.options.clock() - self.position.at).total_seconds()
            result.lag_seconds = max(lag, 0.0)
        if error is not None:
            result.error = redact(f"{type(error).__qualname__}: {error}")
        if self.writes and result.run_id is not None:
            with self.sessions.begin() as session:
                finish_run(
                    session,
                    result.run_id,
                    status="succeeded" if status == "succeeded" else "failed",
                    counts=self.counts.for_store(),
                    lag_seconds=result.lag_seconds,
                    error=result.error,
                )
                if not isinstance(error, LeaseLost):
                    release(session, self.flow.name, self.partition, self.owner)
        return result

    # the work ----------------------------------------------------------------------------

    def execute(self) -> None:
        source = self.ctx.source
        if source is None:
            raise SyncError(f"flow {self.flow.name}: system {self.flow.source.system} cannot read")
        if self.ctx.sink is None and not self.index_only:
            raise SyncError(f"flow {self.flow.name}: system {self.flow.target.system} cannot write")
        if self.writes and not self.index_only and self.ctx.sink is not None:
            # Creates an earlier run sent but never recorded are found and linked first.
            resolve(
                self.sessions,
                self.ctx,
                self.partition,
                fence=self._renew,
                extra_margin=self._margin,
            )
        with self.sessions() as session:
            stored = get_cursor(session, self.flow.name, self.partition)
        self.position = stored_position(stored)
        full = self.options.full or self.flow.mode == "full" or self.index_only
        window = plan_window(
            stored,
            field=self.flow.source.cursor_field,
            run_started=self.started,
            lookback=timedelta(seconds=self.flow.lookback_seconds),
            skew_margin=timedelta(seconds=self.flow.skew_margin_seconds),
            full=full,
        )
        batches = source.read(
            self.flow.source.entity, since=window.since, batch_size=self.flow.batch_size
        )
        for batch in batches:
            above_cap = self.batch(batch, window)
            if above_cap:
                break

    def batch(self, batch: Batch, window: Window) -> bool:
        """Handle one batch; True when it reached records too new for this run."""
        items = sorted((self._item(record) for record in batch.records), key=_order)
        kept = [i for i in items if i.position is None or not window.above_cap(i.position)]
        above_cap = len(kept) < len(items)
        self.batches += 1
        self.counts.read += len(kept)
        with self.sessions() as session:
            planner = BatchPlanner(
                self.ctx, session, partition=self.options.partition, index_only=self.index_only
            )
            handled = [i for i in kept if planner.screen(i, window)]
            planner.plan(handled)
            session.rollback()
        stopped = None
        if self.writes and self.ctx.sink is not None:
            self._open_intents(kept)
            stopped = deliver(self.ctx.sink, self.flow.target.entity, kept)
        if self.options.after_write is not None:
            self.options.after_write()
        if self.writes:
            self._commit(kept)
        self._count(kept)
        self._progress()
        if stopped is not None:
            raise FlowIncomplete(f"the target refused the batch: {stopped}") from stopped
        pending = [i for i in kept if i.outcome is Outcome.PENDING]
        if pending:
            raise FlowIncomplete(
                f"{len(pending)} record(s) not written yet (retriable); the next run retries"
            )
        return above_cap

    def _item(self, record: dict[str, Any]) -> Item:
        return BatchPlanner.item_for_flow(self.flow, record)

    def _renew(self, session: Session) -> None:
        renew(session, self.flow.name, self.partition, self.owner, self.options.clock(), self.ttl)

    @property
    def _margin(self) -> timedelta:
        return timedelta(seconds=self.flow.skew_margin_seconds + self.flow.lookback_seconds)

    def _open_intents(self, items: Sequence[Item]) -> None:
        """Commit a write intent for each planned create before anything is sent."""
        creates = creates_of(items)
        if not creates:
            return
        with self.sessions.begin() as session:
            check_held(session, self.flow.name, self.partition, self.owner)
            # Stamped with the run's start: earlier than the write, so never too late.
            open_for(session, self.ctx, self.partition, creates, self.started)

    def _commit(self, items: Sequence[Item]) -> None:
        with self.sessions.begin() as session:
            self._renew(session)
            record_batch(session, self.ctx, items, self.result.run_id)
            close_settled(session, self.flow.name, self.partition, items)
            if self.index_only:
                return
            before = self.position
            self.position = advance(self.position, done_prefix_end(items))
            if self.position is not None and self.position is not before:
                set_cursor(
                    session,
                    self.flow.name,
                    cursor_value(self.position, self.flow.source.cursor_field),
                    self.partition,
                )

    def _count(self, items: Sequence[Item]) -> None:
        counts = self.counts
        for item in items:
            if item.source_hash is not None:
                counts.mapped += 1
            outcome = item.outcome
            if outcome is Outcome.UNCHANGED:
                counts.unchanged += 1
            elif outcome is Outcome.WRITTEN or (outcome is Outcome.WRITE and not self.writes):
                counts.written += 1
            elif outcome is Outcome.DELETED or (outcome is Outcome.DELETE and not self.writes):
                counts.deleted += 1
            elif outcome is Outcome.DEAD:
                counts.dead_lettered += 1
            elif outcome is Outcome.FILTERED:
                counts.filtered += 1
            elif outcome is Outcome.PENDING:
                counts.pending += 1
            elif outcome in (Outcome.SEEN, Outcome.OTHER_PARTITION, Outcome.IGNORED):
                counts.skipped += 1

    def _progress(self) -> None:
        if self.options.progress is not None:
            self.options.progress(
                Progress(
                    batches=self.batches,
                    read=self.counts.read,
                    written=self.counts.written + self.counts.deleted,
                    dead_lettered=self.counts.dead_lettered,
                )
            )


def run_flow(
    sessions: sessionmaker[Session],
    ctx: FlowContext,
    options: RunOptions | None = None,
    *,
    index_only: bool = False,
) -> RunResult:
    """Run a flow partition once; what a CLI ``hub sync run FLOW [--full] [--dry-run]`` calls.

    Returns the result with status ``succeeded`` or ``failed`` (records left for the next
    run, e.g. a target that is down); raises `FlowLocked` when another run holds the flow,
    and re-raises unexpected errors after recording the run as failed.
    ``index_only`` reads the source into xref and the match index without writing
    anything or moving the cursor: run it on the reverse flow first so that records
    already present in the target are linked instead of created again.
    """
    run = _Run(sessions, ctx, options or RunOptions(), index_only=index_only)
    run.begin()
    try:
        run.execute()
    except FlowIncomplete as exc:
        log.warning("flow %s stopped early: %s", ctx.flow.name, exc)
        return run.finish("failed", exc)
    except BaseException as exc:
        run.finish("failed", exc)
        raise
    return run.finish("succeeded", None)
