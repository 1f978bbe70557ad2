"""Add the sync engine's match index and run leases.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create sync_match_keys and sync_leases."""
    op.create_table(
        "sync_match_keys",
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("value", sa.String(255), nullable=False),
        sa.Column("canonical_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint(
            "entity", "rule", "value", "canonical_id", name=op.f("pk_sync_match_keys")
        ),
    )
    op.create_index(
        "ix_sync_match_keys_canonical_id", "sync_match_keys", ["entity", "canonical_id"]
    )
    op.create_table(
        "sync_leases",
        sa.Column("flow", sa.String(128), nullable=False),
        sa.Column("partition", sa.String(128), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("flow", "partition", name=op.f("pk_sync_leases")),
    )


def downgrade() -> None:
    """Drop the sync engine's tables."""
    op.drop_table("sync_leases")
    op.drop_index("ix_sync_match_keys_canonical_id", table_name="sync_match_keys")
    op.drop_table("sync_match_keys")
