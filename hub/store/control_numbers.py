"""Per-partner EDI control numbers: atomic, without gaps or repeats, wrapping at a maximum."""

from __future__ import annotations

from typing import Final, Literal

from sqlalchemy import case, update
from sqlalchemy.orm import Session

from hub.store._dialect import upsert_insert
from hub.store.columns import utcnow
from hub.store.models import ControlSequence

Level = Literal["interchange", "group", "transaction"]

X12_ISA13_MAX: Final = 999_999_999  # interchange control number, N0 9/9
X12_GS06_MAX: Final = 999_999_999  # group control number, N0 1/9
X12_ST02_MAX: Final = 9_999  # transaction set control number, by the usual 4-digit habit
EDIFACT_REFERENCE_MAX: Final = 99_999_999_999_999  # UNB 0020, UNG 0048, UNH 0062: an..14

X12_MAXIMA: Final[dict[Level, int]] = {
    "interchange": X12_ISA13_MAX,
    "group": X12_GS06_MAX,
    "transaction": X12_ST02_MAX,
}


def next_control_number(
    session: Session,
    partner: str,
    level: Level,
    *,
    minimum: int = 1,
    maximum: int | None = None,
) -> int:
    """Issue the next control number for `partner` at `level`, after `maximum` `minimum` again.

    Runs in the caller's transaction and holds the sequence row's lock until it ends
    (PostgreSQL row lock; SQLite's single writer), so commit soon after. Issue the number
    in the transaction that records the interchange and a failure leaves no gap.
    `maximum` defaults to the X12 maximum of the level.
    """
    top = X12_MAXIMA[level] if maximum is None else maximum
    if not minimum <= top:
        raise ValueError(f"minimum {minimum} exceeds maximum {top}")
    issued = _advance(session, partner, level, minimum, top)
    if issued is not None:
        return issued
    inserted = session.execute(
        upsert_insert(session, ControlSequence)
        .values(
            partner=partner,
            level=level,
            value=minimum,
            minimum=minimum,
            maximum=top,
            updated_at=utcnow(),
        )
        .on_conflict_do_nothing()
        .returning(ControlSequence.value)
    ).scalar_one_or_none()
    if inserted is not None:
        return inserted
    # Someone else created the row meanwhile; its insert has committed, so advance it.
    issued = _advance(session, partner, level, minimum, top)
    if issued is None:
        raise RuntimeError(f"control sequence {partner}/{level} vanished while in use")
    return issued


def _advance(session: Session, partner: str, level: str, minimum: int, maximum: int) -> int | None:
    seq = ControlSequence
    wraps = (seq.value >= maximum) | (seq.value < minimum)
    return session.execute(
        update(seq)
        .where(seq.partner == partner, seq.level == level)
        .values(
            value=case((wraps, minimum), else_=seq.value + 1),
            minimum=minimum,
            maximum=maximum,
            updated_at=utcnow(),
        )
        .returning(seq.value)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def current_control_number(session: Session, partner: str, level: Level) -> int | None:
    """The last number issued for `partner` at `level`, or None if none was."""
    row = session.get(ControlSequence, (partner, level))
    return None if row is None else row.value
