"""Kill proof: a 10,000-account CRM -> ERP sync SIGKILLed 20 times, then run to completion.

The systems run in a process of their own (tests/sync_proof/systems.py), so only the
`hub sync run` process dies. Afterwards every CRM account must have exactly one ERP
customer: by the state store's xref and by the ERP's own data (tax ids). Set
HUB_PROOF_KILL_CUSTOMERS to run it smaller (default 11,400 customers = 10,002 accounts).
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from proof_support import (
    FAST,
    Hub,
    Systems,
    duplicates,
    make_hub,
    records,
    start_systems,
    timed,
    tuned_flows,
    tuned_profiles,
)
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from systems import CountedWorld

from hub.store import make_engine, make_session_factory
from hub.store.models import Xref

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1200),
]

CUSTOMERS = int(os.environ.get("HUB_PROOF_KILL_CUSTOMERS", "11400"))
KILLS = 20
FLOW = "crm-to-erp-customers"
# The largest batches the ERP profile allows (UpsertCustomers takes at most 500).
BATCHES = {FLOW: {"batch_size": 500}, "erp-to-crm-customers": {"batch_size": 500}}


@pytest.fixture(scope="module")
def systems(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Systems]:
    served = start_systems(tmp_path_factory.mktemp("kill-systems"), CUSTOMERS)
    yield served
    served.stop()


def accounts_without_erp_twin(hub: Hub) -> int:
    """CRM accounts whose canonical customer has no ERP id in xref."""
    engine = make_engine(hub.db_url)
    try:
        with make_session_factory(engine)() as session:
            erp = aliased(Xref)
            query = (
                select(func.count())
                .select_from(Xref)
                .outerjoin(
                    erp,
                    (erp.canonical_id == Xref.canonical_id)
                    & (erp.entity == Xref.entity)
                    & (erp.system == "erp"),
                )
                .where(Xref.system == "crm", erp.id.is_(None))
            )
            return int(session.scalar(query) or 0)
    finally:
        engine.dispose()


def test_a_sync_killed_20_times_then_finished_lands_every_account_exactly_once(
    systems: Systems, tmp_path: Path
):
    began = time.monotonic()
    world = CountedWorld(seed=42, count=CUSTOMERS)
    flags = [(c.in_crm, c.in_erp, c.tax_id) for c in world.customers()]
    crm_total = sum(1 for in_crm, _, _ in flags if in_crm)
    crm_only = {tax for in_crm, in_erp, tax in flags if in_crm and not in_erp}
    profiles = tuned_profiles(tmp_path / "profiles", {"crm": FAST, "erp": FAST})
    flows = tuned_flows(tmp_path / "flows", BATCHES)
    hub = make_hub(tmp_path / "hub", systems, profiles, flows)
    erp_before = {c["CustomerNo"]: c for c in records(hub, "erp", "customers")}

    indexed = hub.run("sync", "run", "erp-to-crm-customers", "--index-only")
    assert indexed.returncode == 0, indexed.stdout[-2000:]
    # How long one uninterrupted run takes, and what a process needs before it works:
    # measured on a dry run (it reads, maps and compares everything but writes nothing)
    # and on the bare start of the command line.
    _, startup = timed(hub.run, "sync", "status")
    dry, duration = timed(hub.run, "sync", "run", FLOW, "--dry-run")
    assert dry.returncode == 0, dry.stdout[-2000:]
    # A real run also writes and reads the ERP before each update: about twice its dry run
    # (measured: 27 s dry, 55 s real for 10,002 accounts). A killed run's work is kept up
    # to its last commit, so the kill moments are drawn to cover one run's duration between
    # them, and to fall during start-up now and then.
    run_estimate = 2 * duration
    rng = random.Random(20261121)
    delays = [rng.uniform(0.2, startup + 2 * run_estimate / KILLS) for _ in range(KILLS)]
    for delay in delays:
        process = hub.start("sync", "run", FLOW)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        # No waiting out the lease: the killed process's lease is taken over at once.

    final = hub.run("sync", "run", FLOW)
    assert final.returncode == 0, final.stdout[-3000:] + final.stderr[-3000:]
    erp_after = list(records(hub, "erp", "customers"))
    elapsed = time.monotonic() - began
    sys.stdout.write(
        f"\nkill proof: {crm_total} accounts, {KILLS} kills (delays {min(delays):.1f}-"
        f"{max(delays):.1f}s, start-up {startup:.1f}s, dry run {duration:.1f}s),"
        f" {elapsed:.0f}s in all\n"
    )

    # The ERP's own data: one customer per tax id, the new ones exactly the CRM-only.
    twice = duplicates(c.get("VatRegNo") for c in erp_after)
    extra = sum(twice.values()) - len(twice)
    assert not twice, f"{len(twice)} accounts created more than once ({extra} extra customers)"
    assert len({c["CustomerNo"] for c in erp_after}) == len(erp_after)
    created = [c for c in erp_after if c["CustomerNo"] not in erp_before]
    assert len(created) == len(crm_only)
    assert {c.get("VatRegNo") for c in created} == crm_only
    # The state store: every account linked to exactly one ERP customer, nothing open.
    crm_rows, crm_ids = hub.xref_counts("Customer", "crm")
    erp_rows, erp_ids = hub.xref_counts("Customer", "erp")
    assert crm_rows == crm_ids == crm_total
    assert erp_rows == erp_ids == len(erp_after)
    assert accounts_without_erp_twin(hub) == 0
    assert hub.open_letters(FLOW) == []
