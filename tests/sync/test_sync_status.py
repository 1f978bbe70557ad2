"""What `hub sync status` and `hub runs` report."""

from __future__ import annotations

from datetime import timedelta

from sync_fakes import NOW, FakeSystem, at, context, customer, make_flow

from hub.sync import flow_status, recent_runs
from hub.sync.cursor import parse_timestamp


def test_status_shows_cursor_lag_last_result_and_open_letters(sessions, run):
    flow = make_flow()
    idle = make_flow(name="idle-flow", partitions={"count": 2})
    crm = FakeSystem("crm", [customer("a1", "A", 100), customer("a2", "P", 200, poison=True)])
    run(context(flow, crm, FakeSystem("erp")))

    with sessions() as session:
        rows = flow_status(session, [flow, idle], now=NOW + timedelta(seconds=60))
        runs = recent_runs(session)

    main, *idle_rows = rows
    assert main.cursor["id"] == "a2"
    assert (
        main.lag_seconds == (NOW + timedelta(seconds=60) - parse_timestamp(at(200))).total_seconds()
    )
    assert (main.last_status, main.last_written, main.open_dead_letters) == ("succeeded", 1, 1)
    assert [(r.partition, r.cursor, r.last_status) for r in idle_rows] == [
        ("0/2", None, None),
        ("1/2", None, None),
    ]
    assert [r.flow for r in runs] == ["crm-to-erp-customers"]
