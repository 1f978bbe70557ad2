"""Dead letters: records that failed, kept with their original payload until replayed."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.redaction import redact
from hub.store.columns import utcnow
from hub.store.errors import NotFoundError
from hub.store.models import DeadLetter

DeadLetterStatus = Literal["open", "replayed", "discarded"]


def _describe(error: BaseException | str) -> tuple[str, str]:
    if isinstance(error, BaseException):
        return type(error).__qualname__, redact(str(error))
    return "Error", redact(error)


def add_dead_letter(
    session: Session,
    *,
    flow: str,
    stage: str,
    error: BaseException | str,
    payload: Any,
    record_key: str | None = None,
    run_id: int | None = None,
) -> DeadLetter:
    """Keep a failed record; an open one for the same flow and key counts another attempt.

    The message is redacted before it is stored.
    """
    error_class, message = _describe(error)
    letter = None
    if record_key is not None:
        letter = session.execute(
            select(DeadLetter)
            .where(
                DeadLetter.flow == flow,
                DeadLetter.record_key == record_key,
                DeadLetter.status == "open",
            )
            .order_by(DeadLetter.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    if letter is None:
        letter = DeadLetter(flow=flow, record_key=record_key, attempts=0, status="open")
        session.add(letter)
    letter.run_id = run_id
    letter.stage = stage
    letter.error_class = error_class
    letter.message = message
    letter.payload = payload
    letter.attempts += 1
    letter.updated_at = utcnow()
    session.flush()
    return letter


def list_dead_letters(
    session: Session,
    *,
    flow: str | None = None,
    status: DeadLetterStatus | None = "open",
    after_id: int = 0,
    limit: int = 100,
) -> list[DeadLetter]:
    """One page of dead letters in id order; pass the last id seen as `after_id` for more."""
    query = select(DeadLetter).where(DeadLetter.id > after_id)
    if flow is not None:
        query = query.where(DeadLetter.flow == flow)
    if status is not None:
        query = query.where(DeadLetter.status == status)
    return list(session.execute(query.order_by(DeadLetter.id).limit(limit)).scalars())


def get_dead_letter(session: Session, dead_letter_id: int) -> DeadLetter:
    """One dead letter by id; raises `NotFoundError`."""
    letter = session.get(DeadLetter, dead_letter_id)
    if letter is None:
        raise NotFoundError(f"no dead letter {dead_letter_id}")
    return letter


def mark_dead_letter(
    session: Session,
    dead_letter_id: int,
    status: DeadLetterStatus,
    *,
    error: BaseException | str | None = None,
) -> DeadLetter:
    """Set a dead letter's status; with `error` it records a failed replay attempt too."""
    letter = get_dead_letter(session, dead_letter_id)
    letter.status = status
    if error is not None:
        letter.error_class, letter.message = _describe(error)
        letter.attempts += 1
    letter.updated_at = utcnow()
    session.flush()
    return letter
