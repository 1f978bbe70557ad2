"""Typed results of mapping records: mapped, rejected by a filter, or failed.

``position`` is the record's place in its batch (``index`` is a tuple method).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from mappings.errors import RecordError

Direction = Literal["inbound", "outbound"]


# Named tuples: immutable, typed, and cheap to create by the hundred thousand.
class Rejected(NamedTuple):
    """A record a filter turned away on purpose: not an error, but never silent."""

    key: str | None
    filter: str
    reason: str
    direction: Direction
    position: int | None = None


class Mapped(NamedTuple):
    """A record mapped successfully: a dict, or a model instance when validated."""

    position: int
    key: str | None
    record: Any


class Failed(NamedTuple):
    """A record that could not be mapped; ``error`` names file, rule, key and field."""

    position: int
    key: str | None
    error: RecordError


@dataclass(slots=True)
class BatchResult:
    """Everything one batch produced, in input order within each list."""

    mapped: list[Mapped] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many records the batch held."""
        return len(self.mapped) + len(self.rejected) + len(self.failed)
