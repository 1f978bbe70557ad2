"""EDI interchanges sent and received, for duplicate detection and acknowledgement tracking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from hub.store._dialect import upsert_insert
from hub.store.columns import utcnow
from hub.store.errors import DuplicateInterchangeError, NotFoundError
from hub.store.models import EdiInterchange

Direction = Literal["in", "out"]


def record_interchange(
    session: Session,
    *,
    partner: str,
    direction: Direction,
    standard: str,
    interchange_control_number: str,
    sender: str,
    receiver: str,
    sha256: str,
    status: str,
    group_control_number: str | None = None,
    transaction_control_numbers: Sequence[str] = (),
    filename: str | None = None,
    ack_status: str | None = None,
    ack_due_at: datetime | None = None,
) -> EdiInterchange:
    """Record an interchange; raises `DuplicateInterchangeError` if already recorded.

    A duplicate is the same content (sha256) or the same sender, receiver and
    interchange control number, for the same partner and direction.
    """
    now = utcnow()
    new_id = session.execute(
        upsert_insert(session, EdiInterchange)
        .values(
            partner=partner,
            direction=direction,
            standard=standard,
            interchange_control_number=interchange_control_number,
            group_control_number=group_control_number,
            transaction_control_numbers=list(transaction_control_numbers),
            sender=sender,
            receiver=receiver,
            sha256=sha256,
            filename=filename,
            status=status,
            ack_status=ack_status,
            ack_due_at=ack_due_at,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing()
        .returning(EdiInterchange.id)
    ).scalar_one_or_none()
    if new_id is None:
        existing = find_duplicate(
            session,
            partner=partner,
            direction=direction,
            sha256=sha256,
            sender=sender,
            receiver=receiver,
            interchange_control_number=interchange_control_number,
        )
        if existing is None:
            raise RuntimeError("interchange insert conflicted but no duplicate was found")
        raise DuplicateInterchangeError(
            partner=partner, direction=direction, existing_id=existing.id
        )
    return get_interchange(session, new_id)


def find_duplicate(
    session: Session,
    *,
    partner: str,
    direction: Direction,
    sha256: str | None = None,
    sender: str | None = None,
    receiver: str | None = None,
    interchange_control_number: str | None = None,
) -> EdiInterchange | None:
    """The recorded interchange with the same content or the same control number, if any."""
    matches = []
    if sha256 is not None:
        matches.append(EdiInterchange.sha256 == sha256)
    if sender is not None and receiver is not None and interchange_control_number is not None:
        matches.append(
            and_(
                EdiInterchange.sender == sender,
                EdiInterchange.receiver == receiver,
                EdiInterchange.interchange_control_number == interchange_control_number,
            )
        )
    if not matches:
        raise ValueError("give sha256, or sender, receiver and interchange_control_number")
    return (
        session.execute(
            select(EdiInterchange)
            .where(
                EdiInterchange.partner == partner,
                EdiInterchange.direction == direction,
                or_(*matches),
            )
            .order_by(EdiInterchange.id)
            .limit(1)
        )
        .scalars()
        .first()
    )


def get_interchange(session: Session, interchange_id: int) -> EdiInterchange:
    """One interchange by id; raises `NotFoundError`."""
    interchange = session.get(EdiInterchange, interchange_id)
    if interchange is None:
        raise NotFoundError(f"no EDI interchange {interchange_id}")
    return interchange


def find_by_group(
    session: Session, *, partner: str, direction: Direction, group_control_number: str
) -> EdiInterchange | None:
    """The latest interchange carrying a functional group, as an acknowledgement names it."""
    return (
        session.execute(
            select(EdiInterchange)
            .where(
                EdiInterchange.partner == partner,
                EdiInterchange.direction == direction,
                EdiInterchange.group_control_number == group_control_number,
            )
            .order_by(EdiInterchange.id.desc())
            .limit(1)
        )
        .scalars()
        .first()
    )


def update_interchange_status(
    session: Session,
    interchange_id: int,
    *,
    status: str | None = None,
    ack_status: str | None = None,
) -> EdiInterchange:
    """Change an interchange's status and/or acknowledgement status."""
    interchange = get_interchange(session, interchange_id)
    if status is not None:
        interchange.status = status
    if ack_status is not None:
        interchange.ack_status = ack_status
    interchange.updated_at = utcnow()
    session.flush()
    return interchange


def overdue_acknowledgements(
    session: Session,
    *,
    pending_status: str = "pending",
    now: datetime | None = None,
    limit: int = 100,
) -> list[EdiInterchange]:
    """Interchanges still awaiting an acknowledgement past their due time, oldest due first."""
    moment = now if now is not None else utcnow()
    return list(
        session.execute(
            select(EdiInterchange)
            .where(EdiInterchange.ack_status == pending_status, EdiInterchange.ack_due_at < moment)
            .order_by(EdiInterchange.ack_due_at, EdiInterchange.id)
            .limit(limit)
        ).scalars()
    )
