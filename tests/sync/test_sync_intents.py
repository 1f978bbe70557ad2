"""Write intents: a create that reached the target unrecorded is found, not sent twice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import func, select
from sync_fakes import NOW, FakeSystem, clock_at, context, customer, make_flow, retriable

from connectors.base import WriteResult
from hub.store.models import WriteIntent
from hub.store.xref import system_id_for
from hub.sync import RunOptions, run_flow
from hub.sync.pipeline import new_canonical_id
from hub.sync.targets import TargetReader


class Crash(BaseException):
    """The process dies here."""


def crash() -> None:
    raise Crash


class ForgetfulTarget(FakeSystem):
    """A target without idempotency keys (every record without an id is a new one) that
    can be read back; `lose_answers` makes it store writes and then time out."""

    def __init__(self) -> None:
        super().__init__("erp", clock=lambda: NOW.isoformat(timespec="microseconds"))
        self.lose_answers = False

    def write(
        self,
        entity: str,
        records: Sequence[dict[str, Any]],
        *,
        idempotency_keys: Sequence[str] | None = None,
    ) -> list[WriteResult]:
        results = super().write(entity, records)  # keys ignored: no idempotency
        if self.lose_answers:
            return [WriteResult.failure(retriable()) for _ in results]
        return results

    def reader(self, entity: str) -> TargetReader:
        return TargetReader(self, cursor_field="updated_at")

    def vats(self) -> list[str]:
        return sorted(str(r.get("vat")) for r in self.records.values())


def accounts() -> FakeSystem:
    return FakeSystem(
        "crm",
        [customer(f"a{i}", f"Account {i}", i, vat=f"DE{100 + i}") for i in range(5)],
    )


def open_count(sessions: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(WriteIntent)) or 0)


def test_a_crash_between_the_write_and_the_commit_creates_nothing_twice(sessions):
    crm, erp = accounts(), ForgetfulTarget()
    ctx = context(make_flow(), crm, erp)

    with pytest.raises(Crash):
        run_flow(sessions, ctx, RunOptions(clock=clock_at(NOW), after_write=crash))
    assert erp.creates == 5
    assert open_count(sessions) == 5

    again = run_flow(sessions, ctx, RunOptions(clock=clock_at(NOW)))

    assert again.status == "succeeded"
    assert erp.creates == 5
    assert erp.updates == 5  # the retry updated what the crashed run created
    assert erp.vats() == [f"DE{100 + i}" for i in range(5)]
    assert open_count(sessions) == 0
    with sessions() as session:
        cid = new_canonical_id("Customer", "crm", "a0")
        assert erp.records[system_id_for(session, "Customer", cid, "erp") or ""]["vat"] == "DE100"


def test_a_create_whose_answer_was_lost_is_linked_by_the_next_run(sessions):
    crm, erp = accounts(), ForgetfulTarget()
    ctx = context(make_flow(), crm, erp)
    erp.lose_answers = True

    first = run_flow(sessions, ctx, RunOptions(clock=clock_at(NOW)))
    assert first.status == "failed"  # pending: the target did not answer
    assert open_count(sessions) == 5

    erp.lose_answers = False
    second = run_flow(sessions, ctx, RunOptions(clock=clock_at(NOW)))

    assert second.status == "succeeded"
    assert erp.creates == 5
    assert erp.vats() == [f"DE{100 + i}" for i in range(5)]
    assert open_count(sessions) == 0


def test_a_create_that_never_landed_is_created_by_the_next_run(sessions):
    crm, erp = accounts(), ForgetfulTarget()
    ctx = context(make_flow(), crm, erp)
    erp.raise_on_write = retriable()

    assert run_flow(sessions, ctx, RunOptions(clock=clock_at(NOW))).status == "failed"
    assert erp.creates == 0

    erp.raise_on_write = None
    assert run_flow(sessions, ctx, RunOptions(clock=clock_at(NOW))).status == "succeeded"
    assert erp.creates == 5
    assert erp.updates == 0
    assert open_count(sessions) == 0


def test_a_run_that_goes_through_leaves_no_intent_open(sessions):
    crm, erp = accounts(), ForgetfulTarget()
    result = run_flow(sessions, context(make_flow(), crm, erp), RunOptions(clock=clock_at(NOW)))
    assert result.counts.written == 5
    assert open_count(sessions) == 0
