"""Deleted source records follow the flow's delete policy."""

from __future__ import annotations

from sync_fakes import FakeSystem, WriteOnlySystem, at, context, customer, make_flow

from hub.store import canonical_id_for, list_dead_letters, system_id_for


def synced(policy, target=None):
    crm = FakeSystem("crm", [customer("a1", "Alpha", 100), customer("a2", "Bravo", 110)])
    erp = target or FakeSystem("erp")
    flow = make_flow(
        source={"system": "crm", "entity": "accounts", "deleted_field": "deleted"},
        delete_policy=policy,
    )
    return crm, erp, context(flow, crm, erp)


def delete_a1(crm):
    crm.records["a1"].update(deleted=True, updated_at=at(300))


def test_ignore_leaves_the_target_alone(run):
    crm, erp, ctx = synced({"action": "ignore"})
    run(ctx)
    delete_a1(crm)

    result = run(ctx)

    assert result.counts.skipped == 1
    assert len(erp.records) == 2
    assert erp.updates == 0


def test_deactivate_writes_the_configured_fields_to_the_linked_record(run):
    crm, erp, ctx = synced({"action": "deactivate", "set": {"status": "inactive"}})
    run(ctx)
    delete_a1(crm)

    run(ctx)

    assert erp.records["erp-1"]["status"] == "inactive"
    assert erp.records["erp-2"]["status"] == "active"
    assert erp.write_calls[-1] == [{"id": "erp-1", "status": "inactive"}]
    # A revived record is written again in full.
    crm.records["a1"].update(deleted=False, updated_at=at(400))
    run(ctx)
    assert erp.records["erp-1"]["status"] == "active"


def test_delete_removes_the_target_record_and_forgets_its_id(sessions, run):
    crm, erp, ctx = synced({"action": "delete"})
    run(ctx)
    delete_a1(crm)

    result = run(ctx)

    assert result.counts.deleted == 1
    assert erp.deleted == ["erp-1"]
    with sessions() as session:
        cid = canonical_id_for(session, "Customer", "crm", "a1")
        assert cid is not None
        assert system_id_for(session, "Customer", cid, "erp") is None


def test_delete_on_a_sink_that_cannot_delete_is_dead_lettered(sessions, run):
    crm, erp, ctx = synced({"action": "delete"}, target=WriteOnlySystem("erp"))
    run(ctx)
    delete_a1(crm)

    run(ctx)

    with sessions() as session:
        (letter,) = list_dead_letters(session)
    assert (letter.stage, letter.error_class) == ("delete", "CannotDelete")
    assert len(erp.records) == 2


def test_a_tombstone_for_a_record_never_synced_is_skipped(run):
    crm = FakeSystem("crm", [customer("a1", "Gone", 100, deleted=True)])
    erp = FakeSystem("erp")
    flow = make_flow(
        source={"system": "crm", "entity": "accounts", "deleted_field": "deleted"},
        delete_policy={"action": "delete"},
    )

    result = run(context(flow, crm, erp))

    assert result.counts.skipped == 1
    assert erp.write_calls == []
