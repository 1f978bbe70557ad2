"""Cursors, hashes, dead letters, runs and EDI interchanges round-trip through the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from hub import redaction
from hub.store import (
    DuplicateInterchangeError,
    EdiInterchange,
    NotFoundError,
    RunCounts,
    add_dead_letter,
    find_by_group,
    find_duplicate,
    finish_run,
    get_cursor,
    get_dead_letter,
    get_hashes,
    list_dead_letters,
    list_runs,
    mark_dead_letter,
    overdue_acknowledgements,
    record_interchange,
    set_cursor,
    set_hashes,
    start_run,
    update_interchange_status,
)


def test_cursor_keeps_a_composite_value_per_partition(sessions: sessionmaker[Session]) -> None:
    first = {"updated_at": "2026-11-21T10:00:00+00:00", "id": "C-9"}
    with sessions.begin() as session:
        assert get_cursor(session, "crm-customers") is None
        set_cursor(session, "crm-customers", first)
        set_cursor(session, "crm-customers", {"page": 3}, partition="eu")
    later = {"updated_at": "2026-11-21T11:00:00+00:00", "id": "C-2"}
    with sessions.begin() as session:
        set_cursor(session, "crm-customers", later)
    with sessions() as session:
        assert get_cursor(session, "crm-customers") == later
        assert get_cursor(session, "crm-customers", partition="eu") == {"page": 3}


def test_hashes_upsert_in_bulk_and_read_back_some(sessions: sessionmaker[Session]) -> None:
    written = {f"id-{n}": f"hash-{n}" for n in range(1200)}  # more than one chunk
    with sessions.begin() as session:
        set_hashes(session, "erp", "customer", written)
        set_hashes(session, "erp", "customer", {"id-7": "changed"})
        set_hashes(session, "crm", "customer", {"id-7": "crm-hash"})
    wanted = (f"id-{n}" for n in (0, 7, 1199, 5000))
    with sessions() as session:
        found = get_hashes(session, "erp", "customer", wanted)
        everything = get_hashes(session, "erp", "customer", list(written))
    assert found == {"id-0": "hash-0", "id-7": "changed", "id-1199": "hash-1199"}
    assert len(everything) == 1200


def test_dead_letter_lifecycle(sessions: sessionmaker[Session]) -> None:
    url = "https://svc:hunter2-dl@erp.example/soap"
    payload = {"id": "C-1", "credit_limit": Decimal("1000.10"), "nested": [1, {"a": None}]}
    with sessions.begin() as session:
        run = start_run(session, "crm-customers")
        letter = add_dead_letter(
            session,
            flow="crm-customers",
            stage="map",
            error=ValueError(f"bad country code from {url}"),
            payload=payload,
            record_key="C-1",
            run_id=run.id,
        )
        other = add_dead_letter(
            session, flow="crm-customers", stage="write", error="timeout", payload=None
        )
        again = add_dead_letter(
            session,
            flow="crm-customers",
            stage="map",
            error=ValueError("still bad"),
            payload=payload,
            record_key="C-1",
        )
    assert again.id == letter.id
    assert again.attempts == 2
    with sessions() as session:
        stored = get_dead_letter(session, letter.id)
        assert stored.payload == {
            "id": "C-1",
            "credit_limit": "1000.10",
            "nested": [1, {"a": None}],
        }
        assert stored.error_class == "ValueError"
        assert stored.message == "still bad"
        assert stored.created_at.tzinfo is not None
        first_page = list_dead_letters(session, flow="crm-customers", limit=1)
        second_page = list_dead_letters(session, flow="crm-customers", after_id=first_page[0].id)
        assert [d.id for d in first_page + second_page] == [letter.id, other.id]
    with sessions.begin() as session:
        failed = mark_dead_letter(session, letter.id, "open", error=RuntimeError(f"down: {url}"))
        assert failed.attempts == 3
        assert "hunter2-dl" not in failed.message
        mark_dead_letter(session, other.id, "discarded")
        mark_dead_letter(session, letter.id, "replayed")
    with sessions() as session:
        assert list_dead_letters(session) == []
        assert [d.id for d in list_dead_letters(session, status="replayed")] == [letter.id]
        with pytest.raises(NotFoundError):
            get_dead_letter(session, 999_999)


def test_dead_letter_message_is_redacted(sessions: sessionmaker[Session]) -> None:
    redaction.register_secret("s3cr3t-token-dl")
    with sessions.begin() as session:
        letter = add_dead_letter(
            session,
            flow="f",
            stage="read",
            error=PermissionError("token s3cr3t-token-dl rejected by https://u:pw@crm/x"),
            payload={"id": 1},
        )
    with sessions() as session:
        message = get_dead_letter(session, letter.id).message
    assert "s3cr3t-token-dl" not in message
    assert "pw@" not in message
    assert "rejected by https://***@crm/x" in message


def test_runs_record_counts_and_list_newest_first(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        first = start_run(session, "erp-products", partition="p1")
        second = start_run(session, "erp-products")
        start_run(session, "other-flow")
    counts = RunCounts(read=10, mapped=9, unchanged=3, written=5, dead_lettered=1)
    with sessions.begin() as session:
        finish_run(session, first.id, status="succeeded", counts=counts, lag_seconds=1.5)
        finish_run(
            session,
            second.id,
            status="failed",
            counts=RunCounts(read=1),
            error=ConnectionError("postgresql://hub:pa55word@db/hub refused"),
        )
    with sessions() as session:
        runs = list_runs(session, flow="erp-products")
        assert [r.id for r in runs] == [second.id, first.id]
        done = runs[1]
        assert (done.status, done.read_count, done.mapped_count, done.unchanged_count) == (
            "succeeded",
            10,
            9,
            3,
        )
        assert (done.written_count, done.dead_lettered_count, done.lag_seconds) == (5, 1, 1.5)
        assert done.finished_at is not None
        assert done.finished_at >= done.started_at
        assert runs[0].error == "ConnectionError: postgresql://***@db/hub refused"
        assert [r.id for r in list_runs(session, flow="erp-products", before_id=second.id)] == [
            first.id
        ]
        with pytest.raises(NotFoundError):
            finish_run(session, 999_999, status="failed", counts=RunCounts())


def interchange(session: Session, **changes: object) -> EdiInterchange:
    fields: dict[str, object] = {
        "partner": "acme",
        "direction": "in",
        "standard": "X12",
        "interchange_control_number": "000000101",
        "group_control_number": "101",
        "transaction_control_numbers": ["0001", "0002"],
        "sender": "ACME",
        "receiver": "HUB",
        "sha256": "a" * 64,
        "status": "received",
        "filename": "850_101.x12",
    }
    fields.update(changes)
    return record_interchange(session, **fields)


def test_interchanges_detect_duplicates(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        first = interchange(session)
    with sessions() as session, pytest.raises(DuplicateInterchangeError) as same_content:
        interchange(session, interchange_control_number="000000999")
    assert same_content.value.existing_id == first.id
    with sessions() as session, pytest.raises(DuplicateInterchangeError) as same_number:
        interchange(session, sha256="b" * 64)
    assert same_number.value.existing_id == first.id
    with sessions.begin() as session:
        outbound = interchange(session, direction="out", sender="HUB", receiver="ACME")
        other_partner = interchange(session, partner="globex")
    with sessions() as session:
        assert find_duplicate(session, partner="acme", direction="in", sha256="a" * 64).id == (
            first.id
        )
        assert find_duplicate(session, partner="acme", direction="in", sha256="c" * 64) is None
        stored = find_by_group(session, partner="acme", direction="out", group_control_number="101")
        assert stored is not None
        assert stored.id == outbound.id
        assert stored.transaction_control_numbers == ["0001", "0002"]
        assert other_partner.id not in (first.id, outbound.id)


def test_interchange_status_and_overdue_acknowledgements(sessions: sessionmaker[Session]) -> None:
    now = datetime.now(UTC)
    with sessions.begin() as session:
        late = interchange(
            session, direction="out", ack_status="pending", ack_due_at=now - timedelta(hours=1)
        )
        not_yet = interchange(
            session,
            direction="out",
            sha256="b" * 64,
            interchange_control_number="000000102",
            ack_status="pending",
            ack_due_at=now + timedelta(hours=1),
        )
    with sessions() as session:
        assert [i.id for i in overdue_acknowledgements(session)] == [late.id]
    with sessions.begin() as session:
        updated = update_interchange_status(session, late.id, status="sent", ack_status="accepted")
        assert (updated.status, updated.ack_status) == ("sent", "accepted")
    with sessions() as session:
        assert overdue_acknowledgements(session) == []
        later = now + timedelta(hours=2)
        assert [i.id for i in overdue_acknowledgements(session, now=later)] == [not_yet.id]
