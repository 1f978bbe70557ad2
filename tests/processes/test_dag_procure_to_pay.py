"""Procure to pay as an Airflow DAG, end to end with dag.test().

Same world as the process test (tests/processes/test_process_procure_to_pay.py, whose
fixtures and checks this reuses): approvers, warehouse staff and two EDI suppliers on an
embedded SFTP server. The DAG's sensors wait for them in reschedule mode; the tasks get
the systems only through AIRFLOW_CONN_* connections and the partners from
HUB_PARTNERS_DIR.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from test_dag_support import IN_PROCESS_API_WARNING, hub_env, run_dag
from test_process_procure_to_pay import (  # noqa: F401  (edi, world_suppliers: fixtures)
    BEHAVIOURS,
    MANAGER_LIMIT,
    THRESHOLD,
    _check_edi_po,
    _erp,
    _items,
    _one,
    _srm,
    _supplier,
    _vendor_no,
    edi,
    world_suppliers,
)

from reference.actors.approvers import approver_team
from reference.actors.warehouse import WarehouseStaff

pytestmark = [pytest.mark.timeout(300), IN_PROCESS_API_WARNING]


def test_procure_to_pay_dag_orders_receives_matches_and_scores(
    landscape: Any,
    start_actor: Any,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    mail = request.getfixturevalue("edi")
    suppliers = request.getfixturevalue("world_suppliers")
    for name, value in hub_env(landscape).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HUB_PARTNERS_DIR", str(mail.partners))
    ctx = landscape.context("dag-p2p-check", partners=mail.partners)
    refs = {key: s.number for key, s in suppliers.items()}
    vendors = {key: _vendor_no(ctx, ref) for key, ref in refs.items()}
    srm_ids = {v["buyer_ref"]: v["vendor_id"] for v in _srm(ctx, "/vendors", limit=500)["data"]}
    cards_before = {
        key: _srm(ctx, f"/vendors/{srm_ids[ref]}/scorecard")["current"] for key, ref in refs.items()
    }
    start_actor(
        approver_team(
            landscape.url("oa"),
            landscape.world,
            role_limits={"manager": MANAGER_LIMIT},
            interval=0.1,
        )
    )
    wms = landscape.credentials("wms")
    start_actor(
        WarehouseStaff(landscape.url("wms"), wms["user"], wms["password"], ship=False, interval=0.1)
    )
    for partner_id in BEHAVIOURS:
        start_actor(_supplier(mail, partner_id))
    options = {"vendors": sorted(vendors.values()), "approval_threshold": str(THRESHOLD)}

    run, states = run_dag("process_procure_to_pay", {"options": options})

    assert str(run.state) == "success", states
    items = _items(landscape)
    assert {i.data["vendor_no"] for i in items} == set(vendors.values())
    checked = 0
    for item in items:
        data = item.data
        if Decimal(data["amount"]) > MANAGER_LIMIT or data["vendor_no"] == vendors["portal"]:
            continue  # rejected in OA, or a portal supplier: no EDI documents to check
        po = _one(_erp(ctx, "GetPurchaseOrder", ExternalRef=item.item_key), "PurchaseOrder")
        srm_po = _srm(ctx, f"/purchase-orders/{po['PurchaseOrderNo']}")
        _check_edi_po(ctx, item, po, srm_po, full=data["vendor_no"] == vendors["GLOBEX-SUPPLY"])
        checked += 1
    assert checked, "expected purchase orders to EDI suppliers"
    for partner_id in BEHAVIOURS:
        received = [i for i in items if i.data["vendor_no"] == vendors[partner_id]]
        received = [i for i in received if i.data.get("gr_no")]
        card = _srm(ctx, f"/vendors/{srm_ids[refs[partner_id]]}/scorecard")["current"]
        before = cards_before[partner_id]["deliveries"] if cards_before[partner_id] else 0
        assert received
        assert card["deliveries"] == before + len(received)
