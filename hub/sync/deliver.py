"""Writing a batch's planned changes to the target, and reading back each outcome."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from connectors.base import Sink, WriteResult
from connectors.errors import FatalError
from hub.sync.errors import SyncError
from hub.sync.items import Item, Outcome
from hub.sync.protocols import Deleter

log = logging.getLogger(__name__)


class CannotDelete(SyncError):
    """The target's sink has no delete operation, but the flow's delete policy needs one."""


def deliver(sink: Sink, entity: str, items: Sequence[Item]) -> BaseException | None:
    """Write and delete what `items` plan; returns the error that stopped a whole call.

    Per record: success -> WRITTEN/DELETED; a fatal refusal -> dead letter; a retriable one
    (the connector already retried) -> PENDING, so the cursor stays before it.
    """
    writes = [item for item in items if item.outcome is Outcome.WRITE]
    deletes = [item for item in items if item.outcome is Outcome.DELETE]
    stopped: BaseException | None = None
    if writes:
        try:
            results = sink.write(
                entity,
                [item.out or {} for item in writes],
                idempotency_keys=[item.idempotency_key or "" for item in writes],
            )
        except Exception as exc:  # a failure of the whole call: nothing known written
            log.warning("write to %s failed for the whole batch: %s", entity, type(exc).__name__)
            results = []
            stopped = exc
        _apply(writes, results, Outcome.WRITTEN, "write")
    if deletes and stopped is None:
        if not isinstance(sink, Deleter):
            for item in deletes:
                item.dead("delete", CannotDelete(f"the sink for {entity} cannot delete records"))
        else:
            try:
                results = sink.delete(entity, [item.target_id or "" for item in deletes])
            except Exception as exc:
                results = []
                stopped = exc
            _apply(deletes, results, Outcome.DELETED, "delete")
    for item in (*writes, *deletes):
        if item.outcome in (Outcome.WRITE, Outcome.DELETE):
            item.outcome = Outcome.PENDING
    return stopped


def _apply(items: Sequence[Item], results: Sequence[WriteResult], ok: Outcome, stage: str) -> None:
    if results and len(results) != len(items):
        raise SyncError(f"the sink returned {len(results)} results for {len(items)} records")
    for item, result in zip(items, results, strict=False):
        if result.ok:
            item.outcome = ok
            if result.target_id is not None:
                item.target_id = str(result.target_id)
        elif isinstance(result.error, FatalError):
            item.dead(stage, result.error)
        else:
            item.outcome = Outcome.PENDING
            item.error = result.error
