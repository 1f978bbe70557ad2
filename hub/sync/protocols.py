"""What the engine needs from a compiled mapping, and the optional delete side of a sink.

`mappings.compiler.CompiledMapping` satisfies both mapping protocols. A mapping may
return `mappings.results.Rejected` to filter a record out on purpose, and raises on a
record it cannot map (the engine dead-letters it, whatever the exception class).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from connectors.base import WriteResult
from mappings.results import Rejected

__all__ = ["Deleter", "InboundMapping", "OutboundMapping", "Rejected"]


class InboundMapping(Protocol):
    """Maps a native record of the source to a dict for the canonical model."""

    def to_canonical(self, native: dict[str, Any]) -> dict[str, Any] | Rejected:
        """The canonical dict, or Rejected when a filter turns the record away."""
        ...


class OutboundMapping(Protocol):
    """Maps a canonical record to a native record of the target."""

    def to_native(self, canonical: Mapping[str, Any]) -> dict[str, Any] | Rejected:
        """The native record, or Rejected when a filter turns the record away."""
        ...


@runtime_checkable
class Deleter(Protocol):
    """A sink that can delete records by target id (needed by delete_policy: delete)."""

    def delete(self, entity: str, target_ids: Sequence[str]) -> list[WriteResult]:
        """Delete records; one result per id, in order."""
        ...
