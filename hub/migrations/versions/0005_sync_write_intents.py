"""Add sync_write_intents: creates the sync engine sent but has not recorded yet.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create sync_write_intents."""
    op.create_table(
        "sync_write_intents",
        sa.Column("flow", sa.String(128), nullable=False),
        sa.Column("partition", sa.String(128), nullable=False),
        sa.Column("canonical_id", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("target_system", sa.String(64), nullable=False),
        sa.Column("target_entity", sa.String(128), nullable=False),
        sa.Column("keys", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "flow", "partition", "canonical_id", name=op.f("pk_sync_write_intents")
        ),
    )
    op.create_index(
        "ix_sync_write_intents_created_at",
        "sync_write_intents",
        ["flow", "partition", "created_at"],
    )


def downgrade() -> None:
    """Drop sync_write_intents."""
    op.drop_index("ix_sync_write_intents_created_at", table_name="sync_write_intents")
    op.drop_table("sync_write_intents")
