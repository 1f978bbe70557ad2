"""Inbound over SFTP: a partner's order becomes a canonical document and is acknowledged."""

from __future__ import annotations

import json
import os
import time

import pytest
from edi_exchange_env import Env
from sqlalchemy.orm import Session, sessionmaker

from connectors.edi import parse_file
from connectors.edi.edifact.samples import sample_order
from connectors.edi.x12.ack import read_997
from hub.edi.archive import LocalArchive
from hub.edi.exchange import open_connector
from hub.edi.inbound import InboundExchange
from hub.store.edi_documents import iter_documents
from hub.store.models import EdiInterchange
from reference.edi_partner import RetailCustomer


def _inbound(env: Env, sessions: sessionmaker[Session], archive: LocalArchive, standard: str):
    profile = env.profile(standard)
    sftp = open_connector(profile)
    return profile, sftp, InboundExchange(profile, sessions, sftp, archive)


@pytest.mark.parametrize("standard", ["x12", "edifact"])
def test_a_partners_order_becomes_a_pending_canonical_order_and_is_acknowledged(
    env: Env, sessions: sessionmaker[Session], archive: LocalArchive, standard: str
) -> None:
    profile, sftp, inbound = _inbound(env, sessions, archive, standard)
    with env.mailbox() as mailbox, sftp:
        customer = RetailCustomer(mailbox, env.partner_identity(profile))
        name = customer.send_order(sample_order("SO-5501"))

        results = inbound.run()

        assert [r.outcome for r in results] == ["accepted"]
        with sessions() as session:
            docs = list(iter_documents(session, partner=profile.id, direction="in"))
        assert [(d.doc_type, d.status, d.reference) for d in docs] == [
            ("order", "pending", "SO-5501")
        ]
        assert docs[0].canonical["channel"] == "edi"
        assert json.dumps(docs[0].canonical)  # stored as plain JSON
        assert (env.local("inbox") / "done" / name).exists()
        assert not list(env.local("inbox").glob("*.edi*"))

        received = customer.collect()
        assert [r.kinds for r in received] == [["997"]]
        assert received[0].ack_status == "A"
        assert customer.still_waiting() == {"SO-5501": ["810", "855", "856"]}


def test_the_997_names_the_group_it_acknowledges(
    env: Env, sessions: sessionmaker[Session], archive: LocalArchive
) -> None:
    profile, sftp, inbound = _inbound(env, sessions, archive, "x12")
    with env.mailbox() as mailbox, sftp:
        customer = RetailCustomer(
            mailbox, env.partner_identity(profile), acknowledge_documents=False
        )
        customer.send_order(sample_order("SO-5502"))
        inbound.run()
        (ack_name,) = mailbox.list("outbox")
        (ic,) = parse_file(mailbox.get("outbox", ack_name))
    sent_group = customer.sent["SO-5502"].lstrip("0")
    gack = read_997(ic.groups[0].transactions[0])
    assert (gack.control_number, gack.status) == (sent_group, "A")
    assert (ic.sender.strip(), ic.receiver.strip()) == ("HUBCORP", "RETAILMART")


def test_the_same_file_delivered_twice_is_processed_once_and_archived_once(
    env: Env, sessions: sessionmaker[Session], archive: LocalArchive
) -> None:
    profile, sftp, inbound = _inbound(env, sessions, archive, "x12")
    with env.mailbox() as mailbox, sftp:
        customer = RetailCustomer(mailbox, env.partner_identity(profile))
        name = customer.send_order(sample_order("SO-5503"))
        first = inbound.run()
        (first_ack,) = customer.collect()
        data = mailbox.get("inbox/done", name)
        customer.send_raw(name, data)  # the partner resends the very same file
        second = inbound.run()
        (second_ack,) = customer.collect()
        customer.send_raw("again-" + name, data)
        third = inbound.run()

    assert [r.outcome for r in first + second + third] == ["accepted", "duplicate", "duplicate"]
    with sessions() as session:
        docs = list(iter_documents(session, partner=profile.id))
        inbound_rows = session.query(EdiInterchange).filter_by(direction="in").count()
    assert len(docs) == 1
    assert inbound_rows == 1
    archived = list((archive.root / profile.id).glob("*/*/*.edi"))
    assert [p.name for p in archived if not p.name.endswith(".ack.edi")] == [
        f"{first[0].sha256}.edi"
    ]
    assert len(list(env.local("archive").glob("*.edi"))) == 1  # remote archive, once too
    # policy: a duplicate is acknowledged again with the acknowledgement first sent
    assert second[0].acks_uploaded == first[0].acks_uploaded
    assert second_ack.text == first_ack.text
    assert second_ack.ack_status == "A"
    assert sorted(p.name for p in (env.local("inbox") / "done").iterdir())[0].startswith("again-")


def test_a_malformed_file_is_quarantined_with_a_report_and_a_negative_ack(
    env: Env, sessions: sessionmaker[Session], archive: LocalArchive
) -> None:
    profile, sftp, inbound = _inbound(env, sessions, archive, "x12")
    with env.mailbox() as mailbox, sftp:
        customer = RetailCustomer(
            mailbox, env.partner_identity(profile), acknowledge_documents=False
        )
        customer.send_order(sample_order("SO-5504"))
        (name,) = mailbox.list("inbox")
        good = mailbox.take("inbox", name).decode()
        broken = good.replace("SE*", "SE*9", 1)  # wrong segment count in SE01
        customer.send_raw("broken.edi", broken.encode())

        (result,) = inbound.run()

        assert result.outcome == "rejected"
        assert (env.local("inbox") / "error" / "broken.edi").exists()
        report = (env.local("inbox") / "error" / "broken.edi.report.txt").read_text()
        assert "verdict:   rejected" in report
        assert "SE" in report
        assert "segment" in report
        assert result.report is not None
        assert result.report.read_text() == report
        with sessions() as session:
            assert list(iter_documents(session, partner=profile.id)) == []
        (received,) = customer.collect()
    assert received.kinds == ["997"]
    assert received.ack_status == "R"


def test_an_unreadable_file_is_quarantined_and_the_partner_told_in_words(
    env: Env, sessions: sessionmaker[Session], archive: LocalArchive
) -> None:
    profile, sftp, inbound = _inbound(env, sessions, archive, "x12")
    with env.mailbox() as mailbox, sftp:
        RetailCustomer(mailbox, env.partner_identity(profile)).send_raw("junk.edi", b"hello\n")
        (result,) = inbound.run()
        assert result.outcome == "unreadable"
        assert (env.local("inbox") / "error" / "junk.edi.report.txt").exists()
        assert mailbox.list("outbox") == ["junk.edi.rejected.txt"]
        assert "verdict:   unreadable" in mailbox.get("outbox", "junk.edi.rejected.txt").decode()


def test_a_file_whose_worker_died_mid_receipt_is_received_on_a_later_run(
    env: Env, sessions: sessionmaker[Session], archive: LocalArchive
) -> None:
    profile, sftp, inbound = _inbound(env, sessions, archive, "x12")
    with env.mailbox() as mailbox, sftp:
        customer = RetailCustomer(mailbox, env.partner_identity(profile))
        name = customer.send_order(sample_order("SO-5601"))
        # A worker claimed the file and died before finishing it.
        assert sftp.claim(name) is not None
        assert inbound.run() == []  # a fresh claim belongs to a live worker: left alone
        claimed = env.local("inbox") / f"{name}.processing"
        long_ago = time.time() - (profile.sftp.stale_claim_minutes + 5) * 60
        os.utime(claimed, (long_ago, long_ago))

        results = inbound.run()

        assert [(r.name, r.outcome) for r in results] == [(name, "accepted")]
        assert not claimed.exists()
        assert (env.local("inbox") / "done" / name).exists()
        with sessions() as session:
            docs = list(iter_documents(session, partner=profile.id, direction="in"))
        assert [d.reference for d in docs] == ["SO-5601"]
        assert [r.ack_status for r in customer.collect()] == ["A"]
