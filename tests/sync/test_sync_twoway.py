"""Two-way flows: no echo writes, and each system keeps the fields it owns."""

from __future__ import annotations

from sync_fakes import FakeSystem, at, context, customer, make_flow

OWNERSHIP = {"crm": ["tier"], "erp": ["credit_limit"]}


def pair(**extra):
    forward = make_flow(**extra)
    backward = make_flow(
        name="erp-to-crm-customers",
        source={"system": "erp", "entity": "customers"},
        target={"system": "crm", "entity": "accounts"},
        **extra,
    )
    return forward, backward


def test_a_to_b_then_b_to_a_writes_nothing_back(run):
    crm = FakeSystem("crm", [customer("c1", "Acme", 100, vat="DE1"), customer("c2", "Beta", 110)])
    erp = FakeSystem("erp")
    forward, backward = pair()

    assert run(context(forward, crm, erp)).counts.written == 2
    back = run(context(backward, erp, crm))

    assert back.counts.read == 2  # ERP's records changed (they were just written) ...
    assert back.counts.unchanged == 2  # ... but they say what CRM already holds
    assert crm.write_calls == []
    assert run(context(forward, crm, erp)).counts.written == 0


def test_a_real_change_in_b_flows_back_once_and_stops(run):
    crm = FakeSystem("crm", [customer("c1", "Acme", 100)])
    erp = FakeSystem("erp", clock=lambda: at(1000))
    forward, backward = pair()
    run(context(forward, crm, erp))
    erp.records["erp-1"].update(name="Acme Corp", updated_at=at(2000))

    assert run(context(backward, erp, crm)).counts.written == 1
    assert crm.records["c1"]["name"] == "Acme Corp"
    assert run(context(forward, crm, erp)).counts.written == 0
    assert run(context(backward, erp, crm)).counts.written == 0


def test_the_target_keeps_its_own_fields_and_source_owned_fields_overwrite(sessions, run):
    from hub.sync import RunOptions, run_flow

    crm = FakeSystem("crm", [customer("c1", "Acme", 100, vat="DE1", tier="gold", credit="999")])
    erp = FakeSystem(
        "erp",
        [customer("e1", "Acme", 50, vat="DE1", tier="bronze", credit="5000")],
        clock=lambda: at(1000),
    )
    forward, backward = pair(ownership=OWNERSHIP)
    run_flow(sessions, context(backward, erp, crm), RunOptions(), index_only=True)

    run(context(forward, crm, erp))

    assert list(erp.records) == ["e1"]
    assert erp.records["e1"]["tier"] == "gold"  # CRM owns tier: its value overwrites
    assert erp.records["e1"]["credit"] == "5000"  # ERP owns credit_limit: it keeps its own
    assert all("credit" not in record for call in erp.write_calls for record in call)

    back = run(context(backward, erp, crm))

    assert back.counts.written == 1
    assert crm.records["c1"]["credit"] == "5000"  # ERP's owned field reaches CRM
    assert crm.records["c1"]["tier"] == "gold"
    assert all("tier" not in record for call in crm.write_calls for record in call)
    # And it settles: neither side has anything left to send.
    assert run(context(forward, crm, erp)).counts.written == 0
    assert run(context(backward, erp, crm)).counts.written == 0
