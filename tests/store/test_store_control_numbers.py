"""EDI control numbers are issued in order per partner and level, and wrap at the maximum."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from hub.store import (
    EDIFACT_REFERENCE_MAX,
    X12_GS06_MAX,
    X12_ISA13_MAX,
    X12_ST02_MAX,
    ControlSequence,
    current_control_number,
    next_control_number,
)


def issue(sessions: sessionmaker[Session], partner: str, level: str, **bounds: int) -> int:
    with sessions.begin() as session:
        return next_control_number(session, partner, level, **bounds)


def test_numbers_count_up_per_partner_and_level(sessions: sessionmaker[Session]) -> None:
    assert [issue(sessions, "acme", "interchange") for _ in range(3)] == [1, 2, 3]
    assert issue(sessions, "acme", "group") == 1
    assert issue(sessions, "globex", "interchange") == 1
    assert issue(sessions, "acme", "interchange") == 4
    with sessions() as session:
        assert current_control_number(session, "acme", "interchange") == 4
        assert current_control_number(session, "acme", "transaction") is None


def test_numbers_wrap_to_minimum_after_maximum(sessions: sessionmaker[Session]) -> None:
    got = [issue(sessions, "acme", "transaction", minimum=1, maximum=3) for _ in range(7)]
    assert got == [1, 2, 3, 1, 2, 3, 1]
    got = [issue(sessions, "zeta", "group", minimum=10, maximum=11) for _ in range(3)]
    assert got == [10, 11, 10]


def test_default_maximum_is_the_x12_one(sessions: sessionmaker[Session]) -> None:
    issue(sessions, "acme", "transaction")
    issue(sessions, "acme", "interchange")
    with sessions.begin() as session:
        session.execute(update(ControlSequence).values(value=ControlSequence.maximum - 1))
    assert issue(sessions, "acme", "transaction") == X12_ST02_MAX
    assert issue(sessions, "acme", "transaction") == 1
    assert issue(sessions, "acme", "interchange") == X12_ISA13_MAX
    assert issue(sessions, "acme", "interchange") == 1


def test_edifact_maximum_fits_the_column(sessions: sessionmaker[Session]) -> None:
    bounds = {"minimum": EDIFACT_REFERENCE_MAX - 1, "maximum": EDIFACT_REFERENCE_MAX}
    got = [issue(sessions, "edi-eu", "interchange", **bounds) for _ in range(3)]
    assert got == [EDIFACT_REFERENCE_MAX - 1, EDIFACT_REFERENCE_MAX, EDIFACT_REFERENCE_MAX - 1]


def test_standard_maxima() -> None:
    assert (X12_ISA13_MAX, X12_GS06_MAX, X12_ST02_MAX) == (999_999_999, 999_999_999, 9_999)
    assert len(str(EDIFACT_REFERENCE_MAX)) == 14


def test_a_rolled_back_number_is_issued_again(sessions: sessionmaker[Session]) -> None:
    assert issue(sessions, "acme", "interchange") == 1
    with sessions() as session:
        assert next_control_number(session, "acme", "interchange") == 2
        session.rollback()
    assert issue(sessions, "acme", "interchange") == 2


def test_minimum_above_maximum_is_refused(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, pytest.raises(ValueError, match="exceeds"):
        next_control_number(session, "acme", "group", minimum=5, maximum=4)
