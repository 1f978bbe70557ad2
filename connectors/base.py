"""The contracts every connector keeps: sources yield batches, sinks report per record.

* A `Source` streams an entity as `Batch` objects; each carries the cursor *after* that
  batch, so the caller can commit it once the batch is safely written elsewhere. A source
  never holds a whole data set in memory: it reads page by page.
* A `Sink` writes a sequence of records and returns one `WriteResult` per record, in the
  order given. A record the target rejects is reported, never raised, so one bad record
  does not stop the others; only a failure that affects every record (auth, config) raises.

Both are `typing.Protocol` classes: any object with the right methods is a connector.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from connectors.errors import ConnectorError

Record = dict[str, Any]
Cursor = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Batch:
    """Native records read from one entity, and the cursor to resume after them.

    ``cursor`` is a JSON-serialisable dict, or None when the entity has no incremental
    cursor (a full read) or nothing newer than ``since`` was seen.
    """

    records: list[Record]
    cursor: Cursor | None = None

    def __len__(self) -> int:
        return len(self.records)


@dataclass(frozen=True, slots=True)
class WriteResult:
    """The outcome of writing one record: the target's id, or the error it raised."""

    ok: bool
    target_id: str | None = None
    error: ConnectorError | None = None

    @classmethod
    def success(cls, target_id: str | None) -> WriteResult:
        """A record the target accepted."""
        return cls(ok=True, target_id=target_id)

    @classmethod
    def failure(cls, error: ConnectorError) -> WriteResult:
        """A record the target refused, with the reason."""
        return cls(ok=False, error=error)


@runtime_checkable
class Source(Protocol):
    """Reads an entity in batches, incrementally from a cursor."""

    def read(
        self, entity: str, *, since: Cursor | None = None, batch_size: int | None = None
    ) -> Iterator[Batch]:
        """Yield batches of at most ``batch_size`` records newer than ``since``."""
        ...


@runtime_checkable
class Sink(Protocol):
    """Writes records to an entity and reports the outcome of each one."""

    def write(
        self,
        entity: str,
        records: Sequence[Record],
        *,
        idempotency_keys: Sequence[str] | None = None,
    ) -> list[WriteResult]:
        """Write ``records``; return one result per record, in order."""
        ...


@dataclass
class Connector:
    """A configured system: its source and sink (either may be None) and how to close it."""

    system: str
    source: Source | None
    sink: Sink | None
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Release sessions and connections."""
        for closer in self.closers:
            closer()

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Batch", "Connector", "Cursor", "Record", "Sink", "Source", "WriteResult"]
