"""What a run works with (flow, connectors, mappings) and what it reports back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from canonical.schema import MODELS
from connectors.base import Sink, Source
from hub.flows.model import FlowSpec
from hub.store.runs import RunCounts
from hub.sync.protocols import InboundMapping, OutboundMapping


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class FlowContext:
    """A flow with its connectors and compiled mappings, ready to run."""

    flow: FlowSpec
    source: Source | None
    sink: Sink | None
    inbound: InboundMapping
    outbound: OutboundMapping

    @property
    def model(self) -> type[BaseModel]:
        """The canonical model records are validated against."""
        return MODELS[self.flow.canonical]

    @property
    def entity(self) -> str:
        """The entity name used in xref, hashes and the match index (the canonical model)."""
        return self.flow.canonical


@dataclass(frozen=True, slots=True)
class Progress:
    """Running totals handed to the progress callback after each batch."""

    batches: int
    read: int
    written: int
    dead_lettered: int


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class RunOptions:
    """How to run: full re-read, dry run, which partition, and the seams tests use."""

    full: bool = False
    dry_run: bool = False
    partition: int = 0
    progress: ProgressCallback | None = None
    lease_ttl: timedelta = timedelta(minutes=10)
    clock: Callable[[], datetime] = utcnow
    owner: str | None = None
    # Test seam: called after the target write, before the state commit (crash tests).
    after_write: Callable[[], None] | None = None


@dataclass
class Counts:
    """What happened to the records of a run."""

    read: int = 0
    mapped: int = 0
    unchanged: int = 0
    written: int = 0
    dead_lettered: int = 0
    filtered: int = 0
    deleted: int = 0
    skipped: int = 0
    pending: int = 0

    def for_store(self) -> RunCounts:
        """The counts the run history keeps."""
        return RunCounts(
            read=self.read,
            mapped=self.mapped,
            unchanged=self.unchanged,
            written=self.written + self.deleted,
            dead_lettered=self.dead_lettered,
        )


@dataclass
class RunResult:
    """The outcome of one run (or dry run) of a flow partition."""

    flow: str
    partition: str
    run_id: int | None
    status: str
    counts: Counts = field(default_factory=Counts)
    cursor: Any = None
    lag_seconds: float | None = None
    error: str | None = None
    dry_run: bool = False
