"""The OA engine's tables: definitions, users and tokens, instances, tasks, callbacks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from reference.kit.coltypes import DecimalText, UTCDateTime, utcnow


class Base(DeclarativeBase):
    """All OA tables."""


class ProcessDefinition(Base):
    """A workflow as data: sequential approval steps, each with an optional amount floor."""

    __tablename__ = "process_definition"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[int] = mapped_column(default=1)
    currency: Mapped[str] = mapped_column(sa.String(3))
    # [{"id": ..., "name": ..., "role": ..., "amountAbove": "5000.00" | None}, ...]
    steps: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)


class User(Base):
    """An approver (or the integration user) known to the engine."""

    __tablename__ = "oa_user"

    user_id: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str] = mapped_column(sa.String(200))


class AccessToken(Base):
    """A personal access token, kept only as its SHA-256 digest."""

    __tablename__ = "access_token"

    token_sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("oa_user.user_id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProcessInstance(Base):
    """One running or finished approval, unique per definition and business key."""

    __tablename__ = "process_instance"
    __table_args__ = (
        sa.UniqueConstraint("definition_key", "business_key"),
        sa.Index("ix_instance_updated", "updated_at", "id"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    definition_key: Mapped[str] = mapped_column(sa.ForeignKey("process_definition.key"))
    business_key: Mapped[str] = mapped_column(sa.String(100), index=True)
    status: Mapped[str] = mapped_column(sa.String(12))
    amount: Mapped[Decimal] = mapped_column(DecimalText())
    currency: Mapped[str] = mapped_column(sa.String(3))
    requester: Mapped[str] = mapped_column(sa.String(100))
    variables: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    # The step ids this instance must pass, fixed at start from the amount.
    route: Mapped[list[str]] = mapped_column(sa.JSON)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Task(Base):
    """A user task: one step of one instance, assigned to one approver."""

    __tablename__ = "task"
    __table_args__ = (sa.Index("ix_task_assignee_status", "assignee", "status"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    step_index: Mapped[int]
    step_id: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))
    assignee: Mapped[str] = mapped_column(sa.String(60))
    status: Mapped[str] = mapped_column(sa.String(12), default="CREATED")
    decision: Mapped[str | None] = mapped_column(sa.String(10))
    comment: Mapped[str | None] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Callback(Base):
    """A URL to notify when an instance of a definition (or one instance) completes."""

    __tablename__ = "callback"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    definition_key: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    instance_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    url: Mapped[str] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CallbackDelivery(Base):
    """One completion event for one callback URL, and how its delivery went."""

    __tablename__ = "callback_delivery"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    callback_id: Mapped[str] = mapped_column(sa.ForeignKey("callback.id"))
    instance_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    url: Mapped[str] = mapped_column(sa.String(1000))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(12), default="PENDING")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
