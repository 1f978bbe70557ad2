"""Tables of the state store, declared with SQLAlchemy 2 typed mappings."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from hub.store.columns import JSONText, UTCDateTime, utcnow

NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT ids on PostgreSQL; on SQLite only a column typed exactly INTEGER is the rowid.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base holding the state store's metadata."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Xref(Base):
    """One system's id for one canonical entity."""

    __tablename__ = "xref"
    __table_args__ = (
        UniqueConstraint("entity", "system", "system_id", name="uq_xref_system_id"),
        UniqueConstraint("entity", "canonical_id", "system", name="uq_xref_canonical_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(64))
    canonical_id: Mapped[str] = mapped_column(String(64))
    system: Mapped[str] = mapped_column(String(64))
    system_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="active")


class Cursor(Base):
    """How far a flow (partition) has read its source, e.g. a composite (updated_at, id)."""

    __tablename__ = "cursors"

    flow: Mapped[str] = mapped_column(String(128), primary_key=True)
    partition: Mapped[str] = mapped_column(String(128), primary_key=True, default="")
    value: Mapped[Any] = mapped_column(JSONText)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecordHash(Base):
    """Hash of what the hub last wrote for a record to a target system's entity."""

    __tablename__ = "record_hashes"

    system: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    canonical_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    hash: Mapped[str] = mapped_column(String(128))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Run(Base):
    """One execution of a flow (partition) and what it did."""

    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'succeeded', 'failed')", name="status"),
        Index("ix_runs_flow_started_at", "flow", "started_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    flow: Mapped[str] = mapped_column(String(128))
    partition: Mapped[str] = mapped_column(String(128), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")
    read_count: Mapped[int] = mapped_column(Integer, default=0)
    mapped_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    written_count: Mapped[int] = mapped_column(Integer, default=0)
    dead_lettered_count: Mapped[int] = mapped_column(Integer, default=0)
    lag_seconds: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)


class DeadLetter(Base):
    """A record that failed at some stage, kept with its original payload for replay."""

    __tablename__ = "dead_letters"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'replayed', 'discarded')", name="status"),
        Index("ix_dead_letters_flow_status", "flow", "status", "id"),
        Index("ix_dead_letters_run_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    flow: Mapped[str] = mapped_column(String(128))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(32))
    error_class: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    payload: Mapped[Any] = mapped_column(JSONText, nullable=True)
    record_key: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class EdiInterchange(Base):
    """An EDI interchange received from or sent to a trading partner."""

    __tablename__ = "edi_interchanges"
    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
        UniqueConstraint("partner", "direction", "sha256", name="uq_edi_interchanges_sha256"),
        UniqueConstraint(
            "partner",
            "direction",
            "sender",
            "receiver",
            "interchange_control_number",
            name="uq_edi_interchanges_control_number",
        ),
        Index("ix_edi_interchanges_group", "partner", "direction", "group_control_number"),
        Index("ix_edi_interchanges_ack_due", "ack_status", "ack_due_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    partner: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(3))
    standard: Mapped[str] = mapped_column(String(16))
    interchange_control_number: Mapped[str] = mapped_column(String(35))
    group_control_number: Mapped[str | None] = mapped_column(String(35))
    transaction_control_numbers: Mapped[list[str]] = mapped_column(JSONText, default=list)
    sender: Mapped[str] = mapped_column(String(35))
    receiver: Mapped[str] = mapped_column(String(35))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(24))
    ack_status: Mapped[str | None] = mapped_column(String(24))
    ack_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ControlSequence(Base):
    """The last control number issued to a partner at one envelope level."""

    __tablename__ = "control_sequences"
    __table_args__ = (
        CheckConstraint("level IN ('interchange', 'group', 'transaction')", name="level"),
        CheckConstraint("minimum <= maximum", name="bounds"),
    )

    partner: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    minimum: Mapped[int] = mapped_column(BigInteger)
    maximum: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MatchKey(Base):
    """A normalised natural key (tax id, email, GTIN...) of a canonical record.

    The sync engine looks candidates up here when a record has no xref yet, so that a
    dirty duplicate in another system is linked rather than created twice.
    """

    __tablename__ = "sync_match_keys"
    __table_args__ = (Index("ix_sync_match_keys_canonical_id", "entity", "canonical_id"),)

    entity: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255), primary_key=True)
    canonical_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class SyncLease(Base):
    """Who runs a flow partition and until when: a second concurrent run is refused."""

    __tablename__ = "sync_leases"

    flow: Mapped[str] = mapped_column(String(128), primary_key=True)
    partition: Mapped[str] = mapped_column(String(128), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WriteIntent(Base):
    """A create the sync engine is about to send to a target, kept until its batch commits.

    A run killed after the target took the create but before the batch was recorded
    leaves the row open; the next run reads the target for the record by its natural
    keys and links it, so the retry updates it instead of creating it again.
    """

    __tablename__ = "sync_write_intents"
    __table_args__ = (Index("ix_sync_write_intents_created_at", "flow", "partition", "created_at"),)

    flow: Mapped[str] = mapped_column(String(128), primary_key=True)
    partition: Mapped[str] = mapped_column(String(128), primary_key=True)
    canonical_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    target_system: Mapped[str] = mapped_column(String(64))
    target_entity: Mapped[str] = mapped_column(String(128))
    keys: Mapped[Any] = mapped_column(JSONText, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EdiDocument(Base):
    """A canonical document received from an EDI partner, or queued for sending to one."""

    __tablename__ = "edi_documents"
    __table_args__ = (
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
        CheckConstraint("status IN ('pending', 'processed', 'failed', 'sent')", name="status"),
        UniqueConstraint("interchange_id", "control_number", name="uq_edi_documents_transaction"),
        Index("ix_edi_documents_queue", "partner", "direction", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    interchange_id: Mapped[int | None] = mapped_column(
        ForeignKey("edi_interchanges.id", ondelete="RESTRICT")
    )
    partner: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(3))
    doc_type: Mapped[str] = mapped_column(String(32))
    edi_type: Mapped[str | None] = mapped_column(String(16))
    control_number: Mapped[str | None] = mapped_column(String(35))
    reference: Mapped[str | None] = mapped_column(String(64))
    canonical: Mapped[Any] = mapped_column(JSONText, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ProcessItem(Base):
    """One business item a process carries across systems, and how far it has come.

    A purchase requisition on its way to an approved, sent, confirmed, received and
    matched purchase order is one row; each step moves ``stage`` forward and keeps the
    ids it learned in ``data``, so a re-run step knows what is already done.
    """

    __tablename__ = "process_items"
    __table_args__ = (
        UniqueConstraint("process", "item_key", name="uq_process_items_key"),
        Index("ix_process_items_stage", "process", "stage"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    process: Mapped[str] = mapped_column(String(64))
    item_key: Mapped[str] = mapped_column(String(255))
    stage: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active")
    run_key: Mapped[str] = mapped_column(String(128))
    data: Mapped[Any] = mapped_column(JSONText, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
