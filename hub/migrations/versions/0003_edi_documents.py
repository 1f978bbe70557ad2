"""Add edi_documents: canonical documents received from or queued for EDI partners.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create edi_documents."""
    op.create_table(
        "edi_documents",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("interchange_id", ID, nullable=True),
        sa.Column("partner", sa.String(64), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("doc_type", sa.String(32), nullable=False),
        sa.Column("edi_type", sa.String(16), nullable=True),
        sa.Column("control_number", sa.String(35), nullable=True),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("canonical", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f("ck_edi_documents_direction")),
        sa.CheckConstraint(
            "status IN ('pending', 'processed', 'failed', 'sent')",
            name=op.f("ck_edi_documents_status"),
        ),
        sa.ForeignKeyConstraint(
            ["interchange_id"],
            ["edi_interchanges.id"],
            name=op.f("fk_edi_documents_interchange_id_edi_interchanges"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edi_documents")),
        sa.UniqueConstraint(
            "interchange_id", "control_number", name=op.f("uq_edi_documents_transaction")
        ),
    )
    op.create_index(
        "ix_edi_documents_queue", "edi_documents", ["partner", "direction", "status", "id"]
    )


def downgrade() -> None:
    """Drop edi_documents."""
    op.drop_index("ix_edi_documents_queue", table_name="edi_documents")
    op.drop_table("edi_documents")
