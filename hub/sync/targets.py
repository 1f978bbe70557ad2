"""Reading a flow's target back: what it changed since a moment, through the sink's client.

The engine needs this only to find creates a crashed run sent but never recorded (write
intents). A sink that can say how to read its target implements `ReadsBack`; the
connectors' own REST and SOAP sinks are read through a source on the same client.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from connectors.base import Cursor, Record, Source
from connectors.profile import Profile
from connectors.rest.client import RestClient
from connectors.rest.source import RestSource
from connectors.soap.client import SoapClient
from connectors.soap.source import SoapSource


@dataclass(frozen=True)
class TargetReader:
    """A source over the target system and, when it reads incrementally, its cursor form."""

    source: Source
    cursor_field: str | None = None
    epoch_ms: bool = False

    def changed_since(self, entity: str, moment: datetime | None) -> Iterator[Record]:
        """The entity's records changed at or after `moment` (everything when None)."""
        since: Cursor | None = None
        if moment is not None and self.cursor_field is not None:
            at = moment.astimezone(UTC)
            value: Any = int(at.timestamp() * 1000) if self.epoch_ms else at.isoformat()
            since = {"field": self.cursor_field, "value": value, "id": None}
        for batch in self.source.read(entity, since=since):
            yield from batch.records


@runtime_checkable
class ReadsBack(Protocol):
    """A sink (e.g. an adapter around another) that knows how to read its target back."""

    def reader(self, entity: str) -> TargetReader | None:
        """A reader of the target entity, or None when the target cannot be read."""
        ...


def target_reader(sink: object, entity: str) -> TargetReader | None:
    """How to read `entity` back from the target behind `sink`, or None."""
    if isinstance(sink, ReadsBack):
        return sink.reader(entity)
    profile = getattr(sink, "profile", None)
    client = getattr(sink, "client", None)
    if not isinstance(profile, Profile):
        return None
    spec = profile.entities.get(entity)
    if spec is None or not spec.readable:
        return None
    source: Source
    if isinstance(client, SoapClient):
        if not spec.operation:
            return None
        source = SoapSource(profile, client)
    elif isinstance(client, RestClient):
        source = RestSource(profile, client)
    else:
        return None
    incremental = spec.incremental
    if incremental is None:
        return TargetReader(source)
    return TargetReader(source, incremental.cursor_field, incremental.format == "epoch_ms")
