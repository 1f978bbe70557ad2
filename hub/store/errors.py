"""Errors the state store raises.

StoreError
 ├── UnsupportedDatabaseError   the URL names a database other than SQLite or PostgreSQL
 ├── XrefConflictError          a link would give a key a second identity
 ├── DuplicateInterchangeError  an EDI interchange was already recorded
 └── NotFoundError              a row asked for by id does not exist
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class of state store errors."""


class UnsupportedDatabaseError(StoreError):
    """The state store runs on SQLite or PostgreSQL only."""


class XrefConflictError(StoreError):
    """Linking would map a system id, or a canonical id, to a second partner."""

    def __init__(
        self,
        *,
        entity: str,
        canonical_id: str,
        system: str,
        system_id: str,
        existing_canonical_id: str | None = None,
        existing_system_id: str | None = None,
    ) -> None:
        self.entity = entity
        self.canonical_id = canonical_id
        self.system = system
        self.system_id = system_id
        self.existing_canonical_id = existing_canonical_id
        self.existing_system_id = existing_system_id
        if existing_canonical_id is not None:
            detail = f"{system} id {system_id!r} is already linked to {existing_canonical_id!r}"
        else:
            detail = f"{canonical_id!r} is already linked to {system} id {existing_system_id!r}"
        super().__init__(
            f"cannot link {entity} {canonical_id!r} to {system} id {system_id!r}: {detail}"
        )


class DuplicateInterchangeError(StoreError):
    """The interchange (same content, or same control number) is already recorded."""

    def __init__(self, *, partner: str, direction: str, existing_id: int) -> None:
        self.partner = partner
        self.direction = direction
        self.existing_id = existing_id
        super().__init__(
            f"interchange for partner {partner!r} ({direction}) already recorded as {existing_id}"
        )


class NotFoundError(StoreError):
    """No row with the given id."""
