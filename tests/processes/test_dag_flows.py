"""A flow DAG end to end with dag.test(): WMS stock into OMS available-to-promise.

The reference systems run on loopback; the task gets their URLs and credentials only
from AIRFLOW_CONN_* connections, and the outcome is read back through the systems' APIs.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from test_dag_support import IN_PROCESS_API_WARNING, hub_env, migrate_airflow_db, run_dag, xcom

pytestmark = [pytest.mark.timeout(180), IN_PROCESS_API_WARNING]


def wms_summary(landscape: Any) -> dict[tuple[str, str], int]:
    env = landscape.environ
    auth = (env["HUB_WMS_USER"], env["HUB_WMS_PASSWORD"])
    found, page = {}, 1
    while True:
        body = requests.get(
            f"{landscape.url('wms')}/stock/summary",
            params={"page": page, "page_size": 500},
            auth=auth,
            timeout=10,
        ).json()
        for row in body["items"]:
            found[(row["whse"], row["item_code"])] = int(row["available"])
        if page * 500 >= body["total_items"]:
            return found
        page += 1


def oms_atp(landscape: Any) -> dict[tuple[str, str], int]:
    headers = {"X-API-Key": landscape.environ["HUB_OMS_API_KEY"]}
    found, offset = {}, 0
    while True:
        page = requests.get(
            f"{landscape.url('oms')}/inventory",
            params={"offset": offset, "limit": 500},
            headers=headers,
            timeout=10,
        ).json()
        for row in page:
            found[(row["warehouse"], row["item_sku"])] = int(row["qty_available"])
        if len(page) < 500:
            return found
        offset += 500


def stock_events() -> int:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        return (
            session.query(AssetEvent)
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .filter(AssetModel.uri == "hub://stock/available")
            .count()
        )


def test_the_stock_flow_dag_fills_oms_atp_and_publishes_the_stock_asset(
    landscape: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in hub_env(landscape).items():
        monkeypatch.setenv(name, value)
    migrate_airflow_db()
    before = stock_events()

    run, states = run_dag("flow_wms-to-oms-stock")

    assert str(run.state) == "success", states
    assert states == {"sync": "success", "publish_stock": "success"}
    wms, atp = wms_summary(landscape), oms_atp(landscape)
    assert wms
    assert {key: atp.get(key) for key in wms} == wms  # every WMS row, same quantity
    run_id = xcom(run, "sync")
    with landscape.sessions() as session:
        from hub.store.models import Run

        hub_run = session.get(Run, run_id)
        assert hub_run.flow == "wms-to-oms-stock"
        assert hub_run.status == "succeeded"
        assert hub_run.written_count == len(wms)
    assert xcom(run, "publish_stock") == len(wms)
    assert stock_events() == before + 1

    # Nothing changed since: the sync writes nothing, so no asset event wakes allocation.
    again, states = run_dag("flow_wms-to-oms-stock")
    assert str(again.state) == "success", states
    assert states == {"sync": "success", "publish_stock": "skipped"}
    assert stock_events() == before + 1
