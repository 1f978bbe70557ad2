"""Incremental reads: ties on updated_at, look-back, the clock-skew cap, full re-reads."""

from __future__ import annotations

from datetime import timedelta

from sync_fakes import NOW, FakeSystem, at, clock_at, context, customer, make_flow, retriable

from hub.store import get_cursor


def test_ties_on_updated_at_are_neither_lost_nor_repeated_across_a_stop(sessions, run):
    same = 100
    crm = FakeSystem(
        "crm",
        [
            customer("a1", "Alpha", 50),
            customer("a2", "Bravo", same),
            customer("a3", "Charlie", same),
            customer("a4", "Delta", same),
            customer("a5", "Echo", 200),
        ],
    )
    erp = FakeSystem("erp")
    erp.fail = lambda r: retriable() if r["name"] == "Charlie" else None
    ctx = context(make_flow(batch_size=2), crm, erp)

    first = run(ctx)

    assert first.status == "failed"
    # Delta shared Charlie's batch and landed; the cursor still stops before Charlie.
    assert sorted(r["name"] for r in erp.records.values()) == ["Alpha", "Bravo", "Delta"]
    with sessions() as session:
        assert get_cursor(session, "crm-to-erp-customers") == {
            "field": "updated_at",
            "value": at(same),
            "id": "a2",
        }

    erp.fail = lambda r: None
    second = run(ctx)

    assert second.status == "succeeded"
    names = sorted(r["name"] for r in erp.records.values())
    assert names == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert second.counts.unchanged == 1  # Delta, re-read but already written
    assert (erp.creates, erp.updates) == (5, 0)
    assert run(ctx).counts.written == 0


def test_look_back_picks_up_a_late_record_and_skips_the_ones_already_written(sessions, run):
    crm = FakeSystem("crm", [customer("a1", "Alpha", 100), customer("a2", "Bravo", 200)])
    erp = FakeSystem("erp")
    ctx = context(make_flow(lookback_seconds=300), crm, erp)
    assert run(ctx).counts.written == 2

    # Committed late by the source: its timestamp is older than the stored cursor.
    crm.records["a3"] = customer("a3", "Late", 150)
    again = run(ctx)

    assert again.counts.written == 1
    assert again.counts.unchanged == 2
    assert erp.creates == 3
    assert crm.reads[-1] == {"field": "updated_at", "value": at(200 - 300), "id": None}
    with sessions() as session:
        assert get_cursor(session, "crm-to-erp-customers")["id"] == "a2"


def test_without_look_back_the_boundary_is_read_exclusively(run):
    crm = FakeSystem("crm", [customer("a1", "Alpha", 100), customer("a2", "Bravo", 100)])
    erp = FakeSystem("erp")
    ctx = context(make_flow(), crm, erp)
    run(ctx)

    again = run(ctx)

    assert crm.reads[-1] == {"field": "updated_at", "value": at(100), "id": "a2"}
    assert again.counts.read == 0
    assert erp.write_calls[-1:] == erp.write_calls[:1]  # no second write call


def test_records_newer_than_run_start_minus_skew_wait_for_the_next_run(sessions, run):
    started = NOW
    fresh = (started - timedelta(seconds=2)).isoformat()
    crm = FakeSystem(
        "crm",
        [customer("a1", "Alpha", 100), {"id": "a2", "name": "Fresh", "updated_at": fresh}],
    )
    erp = FakeSystem("erp")
    ctx = context(make_flow(skew_margin_seconds=5), crm, erp)

    first = run(ctx, clock=clock_at(started))

    assert [r["name"] for r in erp.records.values()] == ["Alpha"]
    assert first.counts.read == 1
    with sessions() as session:
        assert get_cursor(session, "crm-to-erp-customers")["id"] == "a1"

    later = run(ctx, clock=clock_at(started + timedelta(seconds=10)))

    assert later.counts.written == 1
    assert sorted(r["name"] for r in erp.records.values()) == ["Alpha", "Fresh"]


def test_full_mode_rereads_everything_but_writes_only_changes(run):
    crm = FakeSystem("crm", [customer("a1", "Alpha", 100), customer("a2", "Bravo", 200)])
    erp = FakeSystem("erp")
    ctx = context(make_flow(), crm, erp)
    run(ctx)
    crm.records["a1"]["tier"] = "gold"

    full = run(ctx, full=True)

    assert crm.reads[-1] is None
    assert full.counts.read == 2
    assert full.counts.unchanged == 1
    assert full.counts.written == 1
    assert erp.updates == 1
    assert erp.creates == 2


def test_a_changed_timestamp_alone_is_not_a_change(run):
    crm = FakeSystem("crm", [customer("a1", "Alpha", 100)])
    erp = FakeSystem("erp")
    ctx = context(make_flow(), crm, erp)
    run(ctx)
    crm.records["a1"]["updated_at"] = at(500)

    again = run(ctx)

    assert again.counts.read == 1
    assert again.counts.unchanged == 1
    assert erp.written == 1
