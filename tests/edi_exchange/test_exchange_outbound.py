"""Outbound over SFTP: our PO reaches the supplier, its answers and acknowledgements come back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from edi_exchange_env import Env
from sqlalchemy.orm import Session, sessionmaker

from connectors.edi import parse_file
from connectors.edi.edifact.samples import sample_purchase_order
from hub.edi.archive import LocalArchive
from hub.edi.exchange import open_connector, run_cycle
from hub.edi.outbound import OutboundExchange, queue_document
from hub.store import get_interchange, overdue_acknowledgements
from hub.store.edi_documents import iter_documents
from reference.edi_partner import SupplierSimulator


def _queue(sessions: sessionmaker[Session], profile, number: str) -> int:
    with sessions.begin() as session:
        return queue_document(session, profile, "purchase_order", sample_purchase_order(number)).id


@pytest.mark.parametrize("standard", ["x12", "edifact"])
def test_a_po_reaches_the_supplier_and_its_answers_come_back(
    env: Env, sessions: sessionmaker[Session], archive: LocalArchive, standard: str
) -> None:
    profile = env.profile(standard)
    _queue(sessions, profile, "PO-7001")
    _queue(sessions, profile, "PO-7002")
    with env.mailbox() as mailbox, open_connector(profile) as sftp:
        cycle = run_cycle(profile, sessions, archive=archive, sftp=sftp)
        sent = cycle.sent
        assert len(sent) == 2
        assert all(s.uploaded for s in sent)
        numbers = [s.control_number for s in sent]
        assert len(set(numbers)) == 2
        assert int(numbers[1]) == int(numbers[0]) + 1
        expected = "850" if standard == "x12" else "ORDERS"
        assert sorted(mailbox.list("outbox")) == sorted(s.filename for s in sent)
        (ic,) = parse_file(mailbox.get("outbox", sent[0].filename))
        assert ic.control_number.lstrip("0") == numbers[0].lstrip("0")
        assert [t.type for t in ic.transactions] == [expected]

        supplier = SupplierSimulator(mailbox, env.partner_identity(profile), behaviour="partial")
        answers = supplier.run_once()
        assert [a.po_number for a in answers] == ["PO-7001", "PO-7002"]
        assert set(answers[0].confirmed.values()) == {"changed"}

        back = run_cycle(profile, sessions, archive=archive, sftp=sftp)
        outcomes = sorted(r.outcome for r in back.received)
        assert outcomes.count("accepted") == 6
        assert outcomes.count("acknowledgement") == 2
        with sessions() as session:
            docs = list(iter_documents(session, partner=profile.id, direction="in"))
            kinds = sorted((d.doc_type, d.reference) for d in docs)
            assert ("purchase_order_ack", "PO-7001") in kinds
            assert ("shipment", "ASN-PO-7001") in kinds
            assert ("invoice", "INV-PO-7001") in kinds
            statuses = {get_interchange(session, s.interchange_id).ack_status for s in sent}
        assert statuses == {"accepted"}
        supplier.run_once()  # picks up our acknowledgements for its six documents
        assert len(supplier.acks_received) == 6


def test_a_rejecting_997_marks_our_interchange_rejected(
    env: Env, sessions: sessionmaker[Session], archive: LocalArchive
) -> None:
    profile = env.profile("x12")
    _queue(sessions, profile, "PO-7003")
    with env.mailbox() as mailbox, open_connector(profile) as sftp:
        (sent,) = OutboundExchange(profile, sessions, sftp, archive).run()
        (ic,) = parse_file(mailbox.take("outbox", sent.filename))
        group = ic.groups[0].control_number
        tx = ic.groups[0].transactions[0].control_number
        body = f"AK1*PO*{group}~AK2*850*{tx}~AK5*R*5~AK9*R*1*1*0~"
        text = (
            "ISA*00*          *00*          *ZZ*RETAILMART     *ZZ*HUBCORP        *"
            "240506*1200*U*00401*000000777*0*P*>~GS*FA*RETAILMART*HUBCORP*20240506*1200*777*X*004010~"
            f"ST*997*0777~{body}SE*6*0777~GE*1*777~IEA*1*000000777~"
        )
        mailbox.put("inbox", "997.edi", text.encode())
        cycle = run_cycle(profile, sessions, archive=archive, sftp=sftp)
    assert [r.outcome for r in cycle.received] == ["acknowledgement"]
    with sessions() as session:
        assert get_interchange(session, sent.interchange_id).ack_status == "rejected"


def test_an_unanswered_interchange_is_flagged_overdue(
    env: Env, sessions: sessionmaker[Session], archive: LocalArchive
) -> None:
    profile = env.profile("edifact")
    _queue(sessions, profile, "PO-7004")
    with open_connector(profile) as sftp:
        (sent,) = OutboundExchange(profile, sessions, sftp, archive).run()
    with sessions() as session:
        row = get_interchange(session, sent.interchange_id)
        assert row.ack_status == "pending"
        assert row.ack_due_at is not None
        assert abs(row.ack_due_at - row.created_at - timedelta(hours=24)) < timedelta(seconds=5)
        assert overdue_acknowledgements(session) == []
        later = datetime.now(UTC) + timedelta(hours=25)
        assert [r.id for r in overdue_acknowledgements(session, now=later)] == [row.id]


def test_a_document_the_partner_does_not_take_is_refused_when_queued(
    env: Env, sessions: sessionmaker[Session]
) -> None:
    from hub.edi.outbound import OutboundError

    profile = env.profile("x12", documents={"inbound": ["850"], "outbound": ["997"]})
    with sessions.begin() as session, pytest.raises(OutboundError, match="850 is not agreed"):
        queue_document(session, profile, "purchase_order", sample_purchase_order("PO-7005"))
