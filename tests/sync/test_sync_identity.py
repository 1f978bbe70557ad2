"""Identity: xref first, then natural-key matching; ambiguity is dead-lettered, not guessed."""

from __future__ import annotations

import pytest
from sync_fakes import FakeSystem, context, customer, make_flow

from hub.flows import MatchRule
from hub.store import canonical_id_for, list_dead_letters, system_id_for
from hub.sync.keys import natural_keys, normalise


@pytest.mark.parametrize(
    ("raw", "how", "expected"),
    [
        (" de-123.456 789 ", "alnum", "de123456789"),
        ("DE123456789", "alnum", "de123456789"),
        ("  Jane.Doe@Example.COM ", "email", "jane.doe@example.com"),
        ("ACME   GmbH\t", "text", "acme gmbh"),
        (" - ", "alnum", None),
    ],
)
def test_natural_keys_are_normalised(raw, how, expected):
    assert normalise(raw, how) == expected


def test_composite_keys_need_every_part():
    rule = MatchRule(name="name_vat", fields=["legal_name", "tax_ids[*].value"], normalise="text")
    record = {"legal_name": "Acme", "tax_ids": [{"value": "DE 1"}, {"value": "AT 2"}]}

    assert natural_keys(record, rule) == {"acme\x1fde 1", "acme\x1fat 2"}
    assert natural_keys({"legal_name": "Acme"}, rule) == set()


def reverse(flow_name: str = "erp-to-crm-customers"):
    return make_flow(
        name=flow_name,
        source={"system": "erp", "entity": "customers"},
        target={"system": "crm", "entity": "accounts"},
    )


def test_a_dirty_duplicate_in_the_target_is_linked_not_created_again(sessions, run):
    from hub.sync import RunOptions, run_flow

    erp = FakeSystem("erp", [customer("e1", "ACME GmbH", 50, vat="DE123456789")])
    crm = FakeSystem("crm", [customer("c1", "Acme GmbH ", 100, vat=" de 123-456-789")])
    # Index the target's existing records first (the reverse flow, reading only).
    indexed = run_flow(sessions, context(reverse(), erp, crm), RunOptions(), index_only=True)
    assert indexed.status == "succeeded"
    assert crm.write_calls == []

    result = run(context(make_flow(), crm, erp))

    assert result.counts.written == 1
    assert list(erp.records) == ["e1"]
    assert (erp.creates, erp.updates) == (0, 1)
    assert erp.records["e1"]["name"] == "Acme GmbH "
    with sessions() as session:
        cid = canonical_id_for(session, "Customer", "crm", "c1")
        assert cid is not None
        assert cid == canonical_id_for(session, "Customer", "erp", "e1")
        assert system_id_for(session, "Customer", cid, "erp") == "e1"


def test_an_ambiguous_match_is_dead_lettered_never_guessed(sessions, run):
    from hub.sync import RunOptions, run_flow

    erp = FakeSystem(
        "erp",
        [customer("e1", "Acme", 50, vat="DE111"), customer("e2", "Acme Two", 60, vat="de 111")],
    )
    crm = FakeSystem("crm", [customer("c1", "Acme", 100, vat="DE-111")])
    run_flow(sessions, context(reverse(), erp, crm), RunOptions(), index_only=True)

    result = run(context(make_flow(), crm, erp))

    assert result.counts.dead_lettered == 1
    assert erp.written == 0
    with sessions() as session:
        (letter,) = list_dead_letters(session)
        assert canonical_id_for(session, "Customer", "crm", "c1") is None
    assert (letter.stage, letter.error_class) == ("identity", "AmbiguousMatch")
    assert "fits 2 records" in letter.message


def test_two_source_records_with_one_natural_key_do_not_both_create(sessions, run):
    crm = FakeSystem(
        "crm", [customer("c1", "Acme", 100, vat="DE111"), customer("c2", "ACME", 110, vat="de111")]
    )
    erp = FakeSystem("erp")

    result = run(context(make_flow(), crm, erp))

    assert erp.creates == 1
    assert result.counts.dead_lettered == 1
    with sessions() as session:
        (letter,) = list_dead_letters(session)
    assert letter.record_key == "c2"
    assert "duplicate in crm" in letter.message


def test_known_records_are_found_by_xref_even_when_their_key_changes(sessions, run):
    crm = FakeSystem("crm", [customer("c1", "Acme", 100, vat="DE111")])
    erp = FakeSystem("erp")
    ctx = context(make_flow(), crm, erp)
    run(ctx)
    crm.records["c1"].update(vat="DE999", updated_at="2026-01-01T01:00:00+00:00")

    run(ctx)

    assert (erp.creates, erp.updates) == (1, 1)
    assert erp.records["erp-1"]["vat"] == "DE999"
