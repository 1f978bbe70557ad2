"""Leases: stale locks expire; a run whose lease was taken over commits nothing more."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sync_fakes import NOW, FakeSystem, clock_at, context, customer, make_flow

from hub.store import get_cursor, list_runs
from hub.sync import FlowLocked, LeaseLost, RunOptions, run_flow
from hub.sync.locks import acquire


def test_a_stale_lock_expires_and_the_next_run_takes_over(sessions):
    with sessions.begin() as session:
        acquire(session, "crm-to-erp-customers", "", "dead-worker", NOW, timedelta(minutes=10))
    ctx = context(make_flow(), FakeSystem("crm", [customer("a1", "A", 1)]), FakeSystem("erp"))

    with pytest.raises(FlowLocked, match="dead-worker"):
        run_flow(sessions, ctx, RunOptions(clock=clock_at(NOW + timedelta(minutes=5))))

    later = run_flow(sessions, ctx, RunOptions(clock=clock_at(NOW + timedelta(minutes=11))))
    assert later.status == "succeeded"


def test_a_run_that_lost_its_lease_does_not_commit(sessions):
    crm = FakeSystem("crm", [customer("a1", "A", 1)])
    ctx = context(make_flow(), crm, FakeSystem("erp"))
    moments = iter([NOW, NOW + timedelta(minutes=30), NOW + timedelta(minutes=30)])

    def steal() -> None:
        with sessions.begin() as session:
            acquire(
                session,
                "crm-to-erp-customers",
                "",
                "other",
                NOW + timedelta(minutes=20),
                timedelta(minutes=10),
            )

    with pytest.raises(LeaseLost):
        run_flow(
            sessions,
            ctx,
            RunOptions(
                clock=lambda: next(moments), after_write=steal, lease_ttl=timedelta(minutes=10)
            ),
        )

    with sessions() as session:
        assert get_cursor(session, "crm-to-erp-customers") is None
        assert list_runs(session)[0].status == "failed"


def test_partitions_split_the_records_and_run_side_by_side(sessions):
    records = [customer(f"a{i}", f"N{i}", 100 + i) for i in range(12)]
    flow = make_flow(partitions={"count": 3, "field": "id"})
    erp = FakeSystem("erp")
    results = []
    for partition in range(3):
        crm = FakeSystem("crm", records)
        results.append(run_flow(sessions, context(flow, crm, erp), RunOptions(partition=partition)))

    assert sorted(r["name"] for r in erp.records.values()) == sorted(r["name"] for r in records)
    assert erp.creates == 12
    assert [r.partition for r in results] == ["0/3", "1/3", "2/3"]
    assert all(0 < r.counts.written < 12 for r in results)
    with sessions() as session:
        assert all(get_cursor(session, flow.name, r.partition) for r in results)
