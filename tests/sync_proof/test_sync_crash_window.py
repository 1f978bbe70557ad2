"""The crash window between a target write and the state commit, made deterministic.

`RunOptions.after_write` runs after the sink answered and before the batch's commit:
raising there is what a SIGKILL at that moment does. The ERP creates a customer for every
UpsertCustomers record without a CustomerNo and keeps no idempotency key; only the write
intents committed before the write let the next run find those customers (by tax id) and
update them instead of creating them again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from proof_support import Local, duplicates, records, start_local

FLOW = "crm-to-erp-customers"


class Crash(BaseException):
    """The process dies here (not an Exception: nothing may catch it)."""


def crash() -> None:
    raise Crash


@pytest.fixture
def land(tmp_path: Path) -> Iterator[Local]:
    local = start_local(tmp_path, ["crm", "erp"], count=40)
    yield local
    local.close()


def test_a_crash_after_the_write_and_before_the_commit_creates_nothing_twice(land: Local):
    erp_before = {c["CustomerNo"] for c in records(land.hub, "erp", "customers")}
    assert land.run("erp-to-crm-customers", index_only=True).status == "succeeded"

    with pytest.raises(Crash):
        land.run(FLOW, after_write=crash)
    created_by_crashed_run = [
        c for c in records(land.hub, "erp", "customers") if c["CustomerNo"] not in erp_before
    ]
    assert created_by_crashed_run  # the write landed before the "crash"
    assert land.run(FLOW).status == "succeeded"

    erp = list(records(land.hub, "erp", "customers"))
    assert duplicates(c.get("VatRegNo") for c in erp) == {}
    # The customers the crashed run created are the ones the retry linked and updated.
    created = [c for c in erp if c["CustomerNo"] not in erp_before]
    assert {c["CustomerNo"] for c in created} == {c["CustomerNo"] for c in created_by_crashed_run}
