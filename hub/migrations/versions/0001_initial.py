"""Create the state store: xref, cursors, hashes, runs, dead letters, EDI tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here rather than imported, so this revision never changes with the models.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create every table of the first schema."""
    op.create_table(
        "xref",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("canonical_id", sa.String(64), nullable=False),
        sa.Column("system", sa.String(64), nullable=False),
        sa.Column("system_id", sa.String(255), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("last_seen_at", _utc(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_xref")),
        sa.UniqueConstraint("entity", "system", "system_id", name="uq_xref_system_id"),
        sa.UniqueConstraint("entity", "canonical_id", "system", name="uq_xref_canonical_id"),
    )
    op.create_table(
        "cursors",
        sa.Column("flow", sa.String(128), nullable=False),
        sa.Column("partition", sa.String(128), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("flow", "partition", name=op.f("pk_cursors")),
    )
    op.create_table(
        "record_hashes",
        sa.Column("system", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("canonical_id", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(128), nullable=False),
        sa.Column("written_at", _utc(), nullable=False),
        sa.PrimaryKeyConstraint("system", "entity", "canonical_id", name=op.f("pk_record_hashes")),
    )
    op.create_table(
        "runs",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("flow", sa.String(128), nullable=False),
        sa.Column("partition", sa.String(128), nullable=False),
        sa.Column("started_at", _utc(), nullable=False),
        sa.Column("finished_at", _utc(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("read_count", sa.Integer(), nullable=False),
        sa.Column("mapped_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("written_count", sa.Integer(), nullable=False),
        sa.Column("dead_lettered_count", sa.Integer(), nullable=False),
        sa.Column("lag_seconds", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'succeeded', 'failed')", name=op.f("ck_runs_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    op.create_index("ix_runs_flow_started_at", "runs", ["flow", "started_at"])
    op.create_table(
        "dead_letters",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("flow", sa.String(128), nullable=False),
        sa.Column("run_id", ID, nullable=True),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("error_class", sa.String(255), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("record_key", sa.String(255), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'replayed', 'discarded')", name=op.f("ck_dead_letters_status")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["runs.id"],
            name=op.f("fk_dead_letters_run_id_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dead_letters")),
    )
    op.create_index("ix_dead_letters_flow_status", "dead_letters", ["flow", "status", "id"])
    op.create_index("ix_dead_letters_run_id", "dead_letters", ["run_id"])
    op.create_table(
        "edi_interchanges",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("partner", sa.String(64), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("standard", sa.String(16), nullable=False),
        sa.Column("interchange_control_number", sa.String(35), nullable=False),
        sa.Column("group_control_number", sa.String(35), nullable=True),
        sa.Column("transaction_control_numbers", sa.Text(), nullable=False),
        sa.Column("sender", sa.String(35), nullable=False),
        sa.Column("receiver", sa.String(35), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("ack_status", sa.String(24), nullable=True),
        sa.Column("ack_due_at", _utc(), nullable=True),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.CheckConstraint(
            "direction IN ('in', 'out')", name=op.f("ck_edi_interchanges_direction")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edi_interchanges")),
        sa.UniqueConstraint("partner", "direction", "sha256", name="uq_edi_interchanges_sha256"),
        sa.UniqueConstraint(
            "partner",
            "direction",
            "sender",
            "receiver",
            "interchange_control_number",
            name="uq_edi_interchanges_control_number",
        ),
    )
    op.create_index(
        "ix_edi_interchanges_group",
        "edi_interchanges",
        ["partner", "direction", "group_control_number"],
    )
    op.create_index("ix_edi_interchanges_ack_due", "edi_interchanges", ["ack_status", "ack_due_at"])
    op.create_table(
        "control_sequences",
        sa.Column("partner", sa.String(64), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("minimum", sa.BigInteger(), nullable=False),
        sa.Column("maximum", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _utc(), nullable=False),
        sa.CheckConstraint(
            "level IN ('interchange', 'group', 'transaction')",
            name=op.f("ck_control_sequences_level"),
        ),
        sa.CheckConstraint("minimum <= maximum", name=op.f("ck_control_sequences_bounds")),
        sa.PrimaryKeyConstraint("partner", "level", name=op.f("pk_control_sequences")),
    )


def downgrade() -> None:
    """Drop every table of the first schema."""
    op.drop_table("control_sequences")
    op.drop_index("ix_edi_interchanges_ack_due", table_name="edi_interchanges")
    op.drop_index("ix_edi_interchanges_group", table_name="edi_interchanges")
    op.drop_table("edi_interchanges")
    op.drop_index("ix_dead_letters_run_id", table_name="dead_letters")
    op.drop_index("ix_dead_letters_flow_status", table_name="dead_letters")
    op.drop_table("dead_letters")
    op.drop_index("ix_runs_flow_started_at", table_name="runs")
    op.drop_table("runs")
    op.drop_table("record_hashes")
    op.drop_table("cursors")
    op.drop_table("xref")
