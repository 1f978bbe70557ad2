"""Tables the sync engine needs that the state store does not have yet.

PENDING MIGRATION: these belong in the state store's schema (hub/store/models.py and an
Alembic revision). Until then the engine creates them itself with their own MetaData
(`ensure_tables`), in the same database, so that they commit in the same transaction
as the store's xref, hashes and cursor rows. The column layout is the one to migrate.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Column, Index, MetaData, String, Table
from sqlalchemy.engine import Engine

from hub.store.columns import UTCDateTime

metadata: Final = MetaData()

# Normalised natural keys per canonical record: candidates for identity matching.
match_keys: Final = Table(
    "sync_match_keys",
    metadata,
    Column("entity", String(64), primary_key=True),
    Column("rule", String(64), primary_key=True),
    Column("value", String(255), primary_key=True),
    Column("canonical_id", String(64), primary_key=True),
    Index("ix_sync_match_keys_canonical_id", "entity", "canonical_id"),
)

# One lease per flow partition: who runs it and until when the claim holds.
leases: Final = Table(
    "sync_leases",
    metadata,
    Column("flow", String(128), primary_key=True),
    Column("partition", String(128), primary_key=True),
    Column("owner", String(128), nullable=False),
    Column("acquired_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)


def ensure_tables(engine: Engine) -> None:
    """Create the engine's own tables if missing (idempotent; a few catalogue reads)."""
    metadata.create_all(engine, checkfirst=True)
