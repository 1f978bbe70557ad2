"""Order to cash and approvals as Airflow DAGs, end to end with dag.test().

The reference systems run on loopback with their actors; the tasks learn the systems'
URLs and credentials only from AIRFLOW_CONN_* connections. Outcomes are read back
through each system's API, as the process tests do.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from test_dag_support import IN_PROCESS_API_WARNING, hub_env, run_dag, xcom
from test_process_approvals import crm_request, erp_credit, eur_accounts, get, request_limit
from test_process_order_to_cash import CUSTOMER, Api, atp, erp_call, web_order

from hub.store.dead_letters import list_dead_letters
from reference.actors.approvers import approver_team
from reference.actors.warehouse import WarehouseStaff

pytestmark = [pytest.mark.timeout(240), IN_PROCESS_API_WARNING]


@pytest.fixture
def airflow_env(landscape: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in hub_env(landscape).items():
        monkeypatch.setenv(name, value)
    return


def test_order_to_cash_dag_ships_and_invoices_a_web_order(
    landscape: Any, airflow_env: None, start_actor: Any
) -> None:
    api = Api(landscape)
    stock = atp(api)
    sku = max((s for s in stock if not s.startswith("CMP")), key=lambda s: stock[s])
    ref = "WEB-DAG-O2C-1"
    api.post("oms", "/orders", web_order(ref, sku, 2))
    env = landscape.environ
    start_actor(
        WarehouseStaff(
            landscape.url("wms"), env["HUB_WMS_USER"], env["HUB_WMS_PASSWORD"], interval=0.1
        )
    )
    conf = {"options": {"o2c.order_refs": [ref], "o2c.edi_exchange": False}}

    run, states = run_dag("process_order_to_cash", conf)

    assert str(run.state) == "success", states
    assert set(states.values()) == {"success"}
    # Only the run key travels through XCom, from the first task to the last.
    assert xcom(run, "run_key") == run.logical_date.isoformat()
    assert xcom(run, "reconcile_acks") == xcom(run, "run_key")
    order = api.get("oms", f"/orders/by-ref/WEB/{ref}")
    assert order["status"] == "INVOICED"
    assert order["invoice_number"]
    shipments = api.get("wms", "/shipments", order_ref=ref)["items"]
    assert shipments
    assert all(s["status"] == "SHIPPED" for s in shipments)
    sales_order = erp_call(landscape, "GetSalesOrder", ExternalRef=ref)
    assert (sales_order["CustomerNo"], sales_order["Status"]) == (CUSTOMER, "INVOICED")
    invoice = erp_call(landscape, "GetInvoice", InvoiceNo=order["invoice_number"])
    assert invoice["SalesOrderNo"] == sales_order["SalesOrderNo"]
    account = api.get("crm", f"/accounts/by-external-id/erp/{CUSTOMER}")
    history = api.get("crm", f"/accounts/{account['accountId']}/orders")["items"]
    assert [h["orderNumber"] for h in history].count(ref) == 1

    # The same logical date again (a cleared run): same run key, nothing created twice.
    again, states = run_dag("process_order_to_cash", conf, logical_date=run.logical_date)
    assert str(again.state) == "success", states
    assert api.get("wms", "/shipments", order_ref=ref)["items"] == shipments
    history = api.get("crm", f"/accounts/{account['accountId']}/orders")["items"]
    assert [h["orderNumber"] for h in history].count(ref) == 1
    with landscape.sessions() as session:
        assert list(list_dead_letters(session)) == []


def test_approvals_dag_applies_an_approved_credit_limit_and_rejects_another(
    landscape: Any, airflow_env: None, start_actor: Any
) -> None:
    ctx = landscape.context("dag-approvals-check")
    team = approver_team(landscape.url("oa"), landscape.world, interval=0.05)
    finance = team.by_user("fin.okafor").policy.limit_for("credit_limit")
    accounts = eur_accounts(ctx, linked=True, skip=set())
    good, big = next(accounts), next(accounts)
    good_erp, big_erp = good["externalIds"]["erp"], big["externalIds"]["erp"]
    big_before = Decimal(str(erp_credit(ctx, big_erp)["CreditLimit"]))
    wanted = Decimal(str(erp_credit(ctx, good_erp)["CreditLimit"])) + Decimal("2500.00")
    assert wanted <= finance
    approved = request_limit(ctx, good["accountId"], wanted)
    rejected = request_limit(ctx, big["accountId"], finance + Decimal("1000.00"))
    start_actor(team)

    run, states = run_dag("process_approvals")

    assert str(run.state) == "success", states
    assert Decimal(str(erp_credit(ctx, good_erp)["CreditLimit"])) == wanted
    assert crm_request(ctx, approved["requestId"])["status"] == "approved"
    crm = ctx.systems.rest("crm")
    assert Decimal(get(crm, f"/accounts/{good['accountId']}")["creditLimit"]) == wanted
    decided = crm_request(ctx, rejected["requestId"])
    assert decided["status"] == "rejected"
    assert str(finance) in decided["decisionNote"]
    assert Decimal(str(erp_credit(ctx, big_erp)["CreditLimit"])) == big_before
