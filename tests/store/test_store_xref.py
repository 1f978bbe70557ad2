"""The xref table gives each system record exactly one canonical identity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy.exc
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from hub.store import (
    Xref,
    XrefConflictError,
    canonical_id_for,
    link,
    mark_seen,
    populate_or_lookup,
    system_id_for,
    system_ids_for,
)

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def test_populate_or_lookup_creates_once_then_finds(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        first = populate_or_lookup(session, "customer", "crm", "C-1")
    with sessions.begin() as session:
        again = populate_or_lookup(session, "customer", "crm", "C-1")
        other_key = populate_or_lookup(session, "customer", "crm", "C-2")
        other_system = populate_or_lookup(session, "customer", "erp", "C-1")
        other_entity = populate_or_lookup(session, "product", "crm", "C-1")
    assert again == first
    assert len({first, other_key, other_system, other_entity}) == 4
    with sessions() as session:
        assert canonical_id_for(session, "customer", "crm", "C-1") == first
        assert system_id_for(session, "customer", first, "crm") == "C-1"
        assert canonical_id_for(session, "customer", "crm", "missing") is None
        assert system_id_for(session, "customer", first, "erp") is None


def test_link_adds_a_system_and_is_idempotent(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        canonical = populate_or_lookup(session, "customer", "crm", "C-1")
        link(session, "customer", canonical, "erp", "100042")
        link(session, "customer", canonical, "erp", "100042")
    with sessions() as session:
        assert system_ids_for(session, "customer", canonical) == {"crm": "C-1", "erp": "100042"}
        assert canonical_id_for(session, "customer", "erp", "100042") == canonical


def test_link_refuses_a_system_id_already_linked_elsewhere(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        first = populate_or_lookup(session, "customer", "erp", "100042")
    with sessions() as session, pytest.raises(XrefConflictError) as caught:
        link(session, "customer", "other-canonical", "erp", "100042")
    error = caught.value
    assert error.existing_canonical_id == first
    assert "100042" in str(error)
    assert first in str(error)
    assert "other-canonical" in str(error)


def test_link_refuses_a_second_id_in_the_same_system(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        canonical = populate_or_lookup(session, "customer", "crm", "C-1")
        link(session, "customer", canonical, "erp", "100042")
    with sessions() as session, pytest.raises(XrefConflictError) as caught:
        link(session, "customer", canonical, "erp", "100043")
    assert caught.value.existing_system_id == "100042"
    assert "100043" in str(caught.value)
    assert "100042" in str(caught.value)


@pytest.mark.parametrize(
    ("second", "why"),
    [
        ({"canonical_id": "b" * 32, "system_id": "S-1"}, "same system id, other canonical"),
        ({"canonical_id": "a" * 32, "system_id": "S-2"}, "same canonical, other system id"),
    ],
)
def test_database_enforces_uniqueness_both_ways(
    sessions: sessionmaker[Session], second: dict[str, str], why: str
) -> None:
    with sessions.begin() as session:
        session.add(Xref(entity="customer", canonical_id="a" * 32, system="crm", system_id="S-1"))
    with sessions() as session:
        session.add(Xref(entity="customer", system="crm", **second))
        with pytest.raises(sqlalchemy.exc.IntegrityError):
            session.commit()


def test_mark_seen_touches_only_the_named_ids(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for system_id in ("A", "B", "C"):
            populate_or_lookup(session, "customer", "crm", system_id)
        session.flush()
        session.execute(update(Xref).values(last_seen_at=LONG_AGO))
    with sessions.begin() as session:
        assert mark_seen(session, "customer", "crm", ["A", "C", "missing"]) == 2
        assert mark_seen(session, "customer", "crm", []) == 0
    with sessions() as session:
        after = {row.system_id: row.last_seen_at for row in session.query(Xref)}
    assert after["A"] > LONG_AGO
    assert after["C"] > LONG_AGO
    assert after["B"] == LONG_AGO
