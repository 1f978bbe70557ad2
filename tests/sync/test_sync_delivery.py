"""Delivery: poison records, target refusals, crashes between write and commit, dry runs."""

from __future__ import annotations

import pytest
from sync_fakes import FakeSystem, at, context, customer, fatal, make_flow

from hub.store import get_cursor, list_dead_letters, list_runs
from hub.store.hashes import get_hashes
from hub.sync import FlowLocked, RunOptions, run_flow


def test_poison_records_are_dead_lettered_and_the_rest_of_the_batch_lands(sessions, run):
    crm = FakeSystem(
        "crm",
        [
            customer("a1", "Alpha", 100),
            customer("a2", "Poison", 110, poison=True),
            customer("a3", "", 120),  # legal_name must not be empty: fails validation
            customer("a4", "Delta", 130),
        ],
    )
    erp = FakeSystem("erp")

    result = run(context(make_flow(), crm, erp))

    assert result.status == "succeeded"
    assert sorted(r["name"] for r in erp.records.values()) == ["Alpha", "Delta"]
    assert (result.counts.read, result.counts.written, result.counts.dead_lettered) == (4, 2, 2)
    with sessions() as session:
        letters = {d.record_key: d for d in list_dead_letters(session)}
        assert get_cursor(session, "crm-to-erp-customers")["id"] == "a4"
    assert letters["a2"].stage == "map"
    assert letters["a2"].error_class == "ValueError"
    assert letters["a2"].payload["name"] == "Poison"
    assert letters["a2"].run_id == result.run_id
    assert letters["a3"].stage == "validate"
    assert "legal_name" in letters["a3"].message


def test_a_fatal_refusal_by_the_target_is_dead_lettered_and_others_land(sessions, run):
    crm = FakeSystem(
        "crm", [customer("a1", "Alpha", 100), customer("a2", "Bad", 110), customer("a3", "C", 120)]
    )
    erp = FakeSystem("erp")
    erp.fail = lambda r: fatal("name refused; token=abcdef123") if r["name"] == "Bad" else None

    result = run(context(make_flow(), crm, erp))

    assert result.status == "succeeded"
    assert sorted(r["name"] for r in erp.records.values()) == ["Alpha", "C"]
    with sessions() as session:
        (letter,) = list_dead_letters(session)
        assert get_cursor(session, "crm-to-erp-customers")["id"] == "a3"
    assert (letter.stage, letter.error_class, letter.record_key) == ("write", "ClientError", "a2")
    assert "abcdef123" not in letter.message


def test_a_target_failing_the_whole_batch_does_not_advance_the_cursor(sessions, run):
    crm = FakeSystem("crm", [customer("a1", "Alpha", 100), customer("a2", "Bravo", 110)])
    erp = FakeSystem("erp")
    ctx = context(make_flow(batch_size=1), crm, erp)
    run(ctx)
    crm.records["a2"]["tier"] = "gold"
    crm.records["a2"]["updated_at"] = at(300)
    crm.records["a3"] = customer("a3", "Charlie", 400)
    erp.raise_on_write = fatal("authentication refused")

    result = run(ctx)

    assert result.status == "failed"
    assert "authentication refused" in (result.error or "")
    with sessions() as session:
        assert get_cursor(session, "crm-to-erp-customers")["id"] == "a2"
        assert get_cursor(session, "crm-to-erp-customers")["value"] == at(110)
        assert list_dead_letters(session) == []
        assert list_runs(session)[0].status == "failed"

    erp.raise_on_write = None
    assert run(ctx).counts.written == 2
    assert erp.records["erp-2"]["tier"] == "gold"


class Crash(BaseException):
    """Stands for the process dying between the target write and the state commit."""


def test_a_crash_between_write_and_commit_then_a_rerun_duplicates_nothing(sessions, run):
    crm = FakeSystem("crm", [customer("a1", "Alpha", 100), customer("a2", "Bravo", 110)])
    erp = FakeSystem("erp")
    ctx = context(make_flow(), crm, erp)

    def crash() -> None:
        raise Crash

    with pytest.raises(Crash):
        run(ctx, after_write=crash)
    assert erp.creates == 2
    with sessions() as session:
        assert get_cursor(session, "crm-to-erp-customers") is None
        assert list_runs(session)[0].status == "failed"

    again = run(ctx)

    assert again.status == "succeeded"
    assert erp.creates == 2
    assert len(erp.records) == 2
    assert run(ctx).counts.written == 0
    # Later changes go to the same target records, as updates.
    crm.records["a1"].update(tier="gold", updated_at=at(500))
    run(ctx)
    assert (erp.creates, erp.updates, len(erp.records)) == (2, 1, 2)


def test_a_dry_run_maps_and_validates_but_writes_and_commits_nothing(sessions, run):
    crm = FakeSystem(
        "crm", [customer("a1", "Alpha", 100), customer("a2", "Poison", 110, poison=True)]
    )
    erp = FakeSystem("erp")

    result = run(context(make_flow(), crm, erp), dry_run=True)

    assert result.dry_run
    assert (result.counts.written, result.counts.dead_lettered) == (1, 1)
    assert erp.write_calls == []
    with sessions() as session:
        assert get_cursor(session, "crm-to-erp-customers") is None
        assert list_dead_letters(session) == []
        assert list_runs(session) == []
        assert get_hashes(session, "erp", "Customer", ["x"]) == {}


def test_progress_is_reported_after_each_batch(run):
    crm = FakeSystem("crm", [customer(f"a{i}", f"N{i}", 100 + i) for i in range(5)])
    seen = []

    run(context(make_flow(batch_size=2), crm, FakeSystem("erp")), progress=seen.append)

    assert [(p.batches, p.read, p.written) for p in seen] == [(1, 2, 2), (2, 4, 4), (3, 5, 5)]


def test_run_history_keeps_counts_and_lag(sessions, run):
    crm = FakeSystem("crm", [customer("a1", "Alpha", 100), customer("a2", "P", 110, poison=True)])
    result = run(context(make_flow(), crm, FakeSystem("erp")))

    with sessions() as session:
        (row,) = list_runs(session, flow="crm-to-erp-customers")
    assert (row.status, row.read_count, row.mapped_count, row.written_count) == (
        "succeeded",
        2,
        1,
        1,
    )
    assert row.dead_lettered_count == 1
    assert row.lag_seconds == pytest.approx(result.lag_seconds)
    assert row.lag_seconds > 0


def test_a_second_concurrent_run_is_refused(sessions):
    crm = FakeSystem("crm", [customer("a1", "Alpha", 100)])
    erp = FakeSystem("erp")
    ctx = context(make_flow(), crm, erp)
    inner: list[BaseException] = []

    def second_run() -> None:
        try:
            run_flow(sessions, ctx)
        except FlowLocked as exc:
            inner.append(exc)

    run_flow(sessions, ctx, RunOptions(after_write=second_run))

    assert len(inner) == 1
    assert "already running" in str(inner[0])
    assert erp.creates == 1
