"""Add process_items: business items carried by the order-to-cash, procure-to-pay and
approval processes, with their stage.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create process_items."""
    op.create_table(
        "process_items",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("process", sa.String(64), nullable=False),
        sa.Column("item_key", sa.String(255), nullable=False),
        sa.Column("stage", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("run_key", sa.String(128), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_items")),
        sa.UniqueConstraint("process", "item_key", name="uq_process_items_key"),
    )
    op.create_index("ix_process_items_stage", "process_items", ["process", "stage"])


def downgrade() -> None:
    """Drop process_items."""
    op.drop_index("ix_process_items_stage", table_name="process_items")
    op.drop_table("process_items")
