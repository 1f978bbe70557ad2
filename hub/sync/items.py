"""One record's way through a run: what was decided for it, and what became of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from hub.sync.cursor import Position


class Outcome(Enum):
    """Where a record ended up; `done` ones let the cursor move past them."""

    SEEN = "seen"  # at or before the stored cursor: read already
    OTHER_PARTITION = "other_partition"
    FILTERED = "filtered"  # a mapping filter turned it away on purpose
    IGNORED = "ignored"  # a tombstone with nothing to do
    INDEXED = "indexed"  # index-only run: identity and keys recorded, nothing written
    UNCHANGED = "unchanged"
    WRITE = "write"  # to be written
    DELETE = "delete"  # to be deleted in the target
    WRITTEN = "written"
    DELETED = "deleted"
    DEAD = "dead"  # dead-lettered
    PENDING = "pending"  # not written (retriable failure): the cursor stops before it

    @property
    def done(self) -> bool:
        """True when the record needs nothing more from this flow."""
        return self not in (Outcome.WRITE, Outcome.DELETE, Outcome.PENDING)


@dataclass
class Item:
    """A native record and the engine's decisions about it."""

    native: dict[str, Any]
    position: Position | None = None
    source_id: str | None = None
    canonical_id: str | None = None
    source_linked: bool = False
    keys: dict[str, set[str]] = field(default_factory=dict)
    source_hash: str | None = None
    target_hash: str | None = None
    target_id: str | None = None
    target_linked: bool = False
    out: dict[str, Any] | None = None
    idempotency_key: str | None = None
    tombstone: bool = False
    outcome: Outcome = Outcome.PENDING
    stage: str | None = None
    error: BaseException | None = None
    replay_of: int | None = None
    intent: bool = False  # a write intent is open for this create until the batch commits

    def dead(self, stage: str, error: BaseException) -> None:
        """Mark the record for the dead-letter queue."""
        self.outcome = Outcome.DEAD
        self.stage = stage
        self.error = error
