"""Flaky target proof: ERP -> CRM through a proxy that fails about half of all writes.

30 % of writes get 503, some 429 + Retry-After: 1, some are held past the client's read
timeout before being forwarded (lost request) and some after (the write landed, the
answer is lost). Runs repeat until one succeeds; every ERP customer must then be in the
CRM exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_proxy import FaultProxy, Odds
from proof_support import Local, duplicates, records, start_local, tuned_profiles

FLOW = "erp-to-crm-customers"
READ_TIMEOUT = 0.4


@pytest.fixture
def land(tmp_path: Path) -> Iterator[tuple[Local, FaultProxy]]:
    local = start_local(tmp_path, ["crm", "erp"], count=120)
    proxy = FaultProxy(local.env["HUB_CRM_URL"], Odds(), hold_seconds=READ_TIMEOUT * 2).start()
    fast_retries = {
        "rate_limit": {"requests_per_second": 5000, "burst": 500},
        "timeouts": {"connect": 2, "read": READ_TIMEOUT},
        "retry": {"max_attempts": 6, "backoff_base": 0.02, "backoff_cap": 0.1, "jitter": 0},
    }
    local.profiles = tuned_profiles(tmp_path / "flaky-profiles", {"crm": fast_retries})
    direct = dict(local.env)
    local.env = local.env | {"HUB_CRM_URL": proxy.base_url}
    yield local, proxy
    local.env = direct
    proxy.stop()
    local.close()


def test_every_record_lands_exactly_once_through_503_429_and_timeouts(
    land: tuple[Local, FaultProxy],
):
    local, proxy = land
    erp_only = {c.number for c in local.world.customers() if c.in_erp and not c.in_crm}
    in_erp = {c.number for c in local.world.customers() if c.in_erp}
    accounts_before = len(list(records(local.hub, "crm", "accounts")))
    assert local.run("crm-to-erp-customers", index_only=True).status == "succeeded"

    results = []
    for _ in range(12):
        results.append(local.run(FLOW))
        if results[-1].status == "succeeded":
            break

    assert results[-1].status == "succeeded", [r.error for r in results]
    assert sum(r.counts.dead_lettered for r in results) == 0
    # The faults happened, and some writes landed while their answer was lost.
    assert proxy.fates("503")
    assert proxy.fates("429")
    assert proxy.fates("lost_request")
    landed_unanswered = [f for f in proxy.fates("lost_answer") if f.status and f.status < 300]
    assert landed_unanswered
    # A create whose answer was lost was retried with the same idempotency key.
    keys = {f.key for f in proxy.log if f.key}
    assert any(f.key in keys for f in landed_unanswered if f.method == "PUT")
    accounts = list(records(local.hub, "crm", "accounts"))
    numbers = [a.get("externalIds", {}).get("erp") for a in accounts]
    assert duplicates(iter(numbers)) == {}
    assert duplicates(a.get("taxNumber") for a in accounts) == {}
    assert len(accounts) - accounts_before == len(erp_only)
    assert in_erp <= set(numbers)
