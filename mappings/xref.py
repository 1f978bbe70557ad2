"""The resolver protocol lookups use to translate ids through the xref table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable


@runtime_checkable
class XrefResolver(Protocol):
    """Translates between a system's ids and canonical (hub) ids of one entity type."""

    def canonical_id(self, entity: str, system: str, system_id: str) -> str | None:
        """The hub id for ``system_id`` in ``system``, or None when unknown."""
        ...

    def system_id(self, entity: str, canonical_id: str, system: str) -> str | None:
        """The id ``system`` knows ``canonical_id`` by, or None when unknown."""
        ...


class InMemoryXrefResolver:
    """A resolver over rows held in memory: for tests, examples and previews."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str]] = ()) -> None:
        self._to_canonical: dict[tuple[str, str, str], str] = {}
        self._to_system: dict[tuple[str, str, str], str] = {}
        for entity, canonical_id, system, system_id in rows:
            self.add(entity, canonical_id, system, system_id)

    def add(self, entity: str, canonical_id: str, system: str, system_id: str) -> None:
        """Record that ``system_id`` in ``system`` is ``canonical_id``."""
        self._to_canonical[(entity, system, system_id)] = canonical_id
        self._to_system[(entity, canonical_id, system)] = system_id

    def canonical_id(self, entity: str, system: str, system_id: str) -> str | None:
        """The hub id for ``system_id`` in ``system``, or None when unknown."""
        return self._to_canonical.get((entity, system, system_id))

    def system_id(self, entity: str, canonical_id: str, system: str) -> str | None:
        """The id ``system`` knows ``canonical_id`` by, or None when unknown."""
        return self._to_system.get((entity, canonical_id, system))
