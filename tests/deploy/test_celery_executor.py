"""The CeleryExecutor path for real: a flow's DAG on PostgreSQL metadata, Redis, a worker.

Slow (about two minutes): it migrates a fresh metadata database and starts the
api-server, scheduler, dag-processor and a Celery worker as separate processes, as the
docker-compose deployment does, but on loopback and without containers. The worker runs
the repository's ``flow_wms-to-oms-stock`` DAG against a seeded WMS and OMS that this test
serves on loopback, finding them only through AIRFLOW_CONN_WMS / AIRFLOW_CONN_OMS. The
stock asset the run publishes then makes the scheduler start ``allocate_on_stock_change``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import support_celery
import yaml
from support_celery import celery_stack

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"
FLOW = "wms-to-oms-stock"
DAG_ID = f"flow_{FLOW}"
ALLOCATION_DAG = "allocate_on_stock_change"


def connection(url: str, password: str, login: str | None = None) -> str:
    parts = urlsplit(url)
    conn = {"conn_type": "http", "host": parts.hostname, "port": parts.port, "schema": "http"}
    return json.dumps({**conn, "password": password, **({"login": login} if login else {})})


@pytest.fixture
def systems(tmp_path: Path) -> Iterator[dict[str, dict[str, str]]]:
    """A seeded WMS and OMS on loopback: each one's URL and demo credentials."""
    from reference.kit.server import serve
    from reference.registry import get_spec
    from reference.seed.world import World

    world = World(seed=42, size="demo")
    served = {}
    try:
        for name in ("wms", "oms"):
            url = f"sqlite:///{tmp_path / f'{name}.db'}"
            get_spec(name).seed(url, world)
            served[name] = serve(get_spec(name).create_app(url), name=name, port=0)
        yield {
            name: {"url": app.base_url, **get_spec(name).credentials}
            for name, app in served.items()
        }
    finally:
        for app in served.values():
            app.stop()


def wms_available(wms: dict[str, str]) -> dict[tuple[str, str], int]:
    found, page = {}, 1
    while True:
        body = requests.get(
            f"{wms['url']}/stock/summary",
            params={"page": page, "page_size": 500},
            auth=(wms["user"], wms["password"]),
            timeout=10,
        ).json()
        found |= {(r["whse"], r["item_code"]): int(r["available"]) for r in body["items"]}
        if page * 500 >= body["total_items"]:
            return found
        page += 1


def oms_available(oms: dict[str, str]) -> dict[tuple[str, str], int]:
    found, offset = {}, 0
    while True:
        page = requests.get(
            f"{oms['url']}/inventory",
            params={"offset": offset, "limit": 500},
            headers={"X-API-Key": oms["api_key"]},
            timeout=10,
        ).json()
        found |= {(r["warehouse"], r["item_sku"]): int(r["qty_available"]) for r in page}
        if len(page) < 500:
            return found
        offset += 500


def oms_allocated(oms: dict[str, str]) -> Counter[tuple[str, str]]:
    """Quantities the OMS has allocated to orders, per (warehouse, sku)."""
    found: Counter[tuple[str, str]] = Counter()
    offset = 0
    while True:
        page = requests.get(
            f"{oms['url']}/orders",
            params={"offset": offset, "limit": 500},
            headers={"X-API-Key": oms["api_key"]},
            timeout=10,
        ).json()
        for order in page:
            for line in order["lines"]:
                for alloc in line["allocations"]:
                    found[(alloc["warehouse"], line["item_sku"])] += alloc["qty"]
        if len(page) < 500:
            return found
        offset += 500


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(900)
def test_a_flow_dag_runs_to_success_on_a_celery_worker(
    postgres_url: str, redis_url: str, tmp_path: Path, systems: dict[str, dict[str, str]]
) -> None:
    from hub.store import migrate

    data_dir = tmp_path / "hub-data"
    data_dir.mkdir()
    # Only the flow under test, and unscheduled: unpausing must not start a scheduled run
    # that would sync the stock before ours (ours would then, rightly, publish nothing).
    flows = tmp_path / "flows"
    flows.mkdir()
    spec = yaml.safe_load((REPO / "flows" / f"{FLOW}.yaml").read_text(encoding="utf-8"))
    spec.pop("schedule", None)
    (flows / f"{FLOW}.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    store_url = f"sqlite:///{data_dir / 'hub.db'}"
    migrate.upgrade(store_url)
    wms, oms = systems["wms"], systems["oms"]
    # The WMS before anything runs (releasing allocated orders to it changes it later) and
    # what the OMS had allocated, so the allocation run's share can be told apart.
    available = wms_available(wms)
    allocated_before = oms_allocated(oms)
    with celery_stack(
        workdir=tmp_path,
        dags_folder=DAGS_FOLDER,
        database_url=postgres_url,
        redis_url=redis_url,
        extra_env={
            "HUB_DATA_DIR": str(data_dir),
            "HUB_DATABASE_URL": store_url,
            "HUB_FLOWS_DIR": str(flows),
            "HUB_LOG_LEVEL": "warning",
            "HUB_AIRFLOW_RETRIES": "0",
            "AIRFLOW_CONN_WMS": connection(wms["url"], wms["password"], wms["user"]),
            "AIRFLOW_CONN_OMS": connection(oms["url"], oms["api_key"]),
        },
    ) as stack:
        stack.wait_for_dag(ALLOCATION_DAG)
        stack.airflow("dags", "unpause", ALLOCATION_DAG)
        run_id = stack.run_dag(DAG_ID, timeout=300)
        tasks = stack.task_states(DAG_ID, run_id)
        allocation_run = stack.wait_for_asset_triggered_run(ALLOCATION_DAG, timeout=240)
        allocation_tasks = stack.task_states(ALLOCATION_DAG, allocation_run)
        listening = stack.listening_addresses()

    # Both tasks ran on our private queue, i.e. through the Celery worker.
    assert tasks == {
        "sync": ("success", stack.queue),
        "publish_stock": ("success", stack.queue),
    }
    # The business outcome, through the systems' APIs: the OMS promises what the WMS held,
    # less what the stock-triggered allocation then allocated to open orders.
    newly_allocated = oms_allocated(oms) - allocated_before
    atp = oms_available(oms)
    assert available
    assert newly_allocated, "the asset-triggered run should have allocated something"
    assert {key: atp.get(key) for key in available} == {
        key: qty - newly_allocated[key] for key, qty in available.items()
    }
    # The hub's run history has the run the task reported.
    from hub.store import make_engine, make_session_factory
    from hub.store.runs import list_runs

    engine = make_engine(store_url)
    try:
        with make_session_factory(engine)() as session:
            (hub_run,) = list_runs(session, flow=FLOW)
            assert (hub_run.status, hub_run.written_count) == ("succeeded", len(available))
    finally:
        engine.dispose()
    # The stock asset started the allocation DAG, whose steps ran on the worker too.
    assert allocation_tasks == {
        name: ("success", stack.queue) for name in ("run_key", "allocate", "release_to_wms")
    }
    # Nothing of the stack listens beyond loopback (no log server on 0.0.0.0:8793).
    assert listening, "expected at least the api-server to listen"
    assert {ip for ip, _, _ in listening} <= {"127.0.0.1"}, listening


def test_missing_celery_dependencies_skip_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(support_celery.REQUIRED_MODULES, "no_such_module_xyz", "no-such-dist")
    monkeypatch.delenv("HUB_REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-dist"):
        support_celery.require_celery_dependencies()


def test_missing_celery_dependencies_fail_when_services_are_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(support_celery.REQUIRED_MODULES, "no_such_module_xyz", "no-such-dist")
    monkeypatch.setenv("HUB_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match=r"no-such-dist.*HUB_REQUIRE_SERVICES"):
        support_celery.require_celery_dependencies()
