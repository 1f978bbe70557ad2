"""Helpers for the dag.test() tests in this folder (no tests here).

Importing this module first points Airflow at a private home with the repository's
dags/ folder; it must happen before anything imports airflow, which is why every
test_dag_* module imports it before any hub.airflow or airflow module.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
# Fast sensors and no retries in tests: a failure shows at once instead of after back-off.
TEST_SETTINGS = {
    "HUB_AIRFLOW_RETRIES": "0",
    "HUB_AIRFLOW_POKE_SECONDS": "1",
    "HUB_AIRFLOW_SENSOR_TIMEOUT": "120",
}
# dag.test() builds Airflow's in-process Execution API, whose svcs dependency imports
# starlette.testclient; this starlette warns there (it wants httpx2). Not our code.
IN_PROCESS_API_WARNING = pytest.mark.filterwarnings(
    "ignore:Using `httpx` with `starlette.testclient` is deprecated"
)


def airflow_test_env() -> str:
    """A private AIRFLOW_HOME for this process (shared with tests/dags/conftest.py)."""
    home = os.environ.get("HUB_TEST_AIRFLOW_HOME")
    if home is None:
        if "airflow" in sys.modules:
            raise RuntimeError("airflow was imported before the DAG tests configured it")
        home = tempfile.mkdtemp(prefix="hub-airflow-")
        atexit.register(shutil.rmtree, home, ignore_errors=True)
        os.environ["HUB_TEST_AIRFLOW_HOME"] = home
    os.environ["AIRFLOW_HOME"] = home
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
    os.environ.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", None)
    return home


airflow_test_env()


def migrate_airflow_db() -> None:
    """Create the metadata DB once per process (~5 s), checked to be the private one."""
    if os.environ.get("HUB_TEST_AIRFLOW_DB_READY") == "1":
        return
    from airflow import settings
    from airflow.utils.db import resetdb

    assert Path(settings.AIRFLOW_HOME) == Path(os.environ["HUB_TEST_AIRFLOW_HOME"])
    assert Path(settings.DAGS_FOLDER) == DAGS
    resetdb()
    os.environ["HUB_TEST_AIRFLOW_DB_READY"] = "1"


def connection_env(environ: dict[str, str]) -> dict[str, str]:
    """AIRFLOW_CONN_<SYSTEM> JSON connections for a landscape's URLs and demo credentials."""
    creds = {
        "crm": ("HUB_CRM_CLIENT_ID", "HUB_CRM_CLIENT_SECRET"),
        "erp": ("HUB_ERP_USER", "HUB_ERP_PASSWORD"),
        "oms": (None, "HUB_OMS_API_KEY"),
        "wms": ("HUB_WMS_USER", "HUB_WMS_PASSWORD"),
        "srm": (None, "HUB_SRM_API_KEY"),
        "oa": (None, "HUB_OA_TOKEN"),
    }
    found = {}
    for system, (login, password) in creds.items():
        url = environ.get(f"HUB_{system.upper()}_URL")
        if url is None:
            continue
        parts = urlsplit(url)
        conn: dict[str, Any] = {
            "conn_type": "http",
            "host": parts.hostname,
            "port": parts.port,
            "schema": parts.scheme,
            "password": environ[password],
        }
        if login:
            conn["login"] = environ[login]
        found[f"AIRFLOW_CONN_{system.upper()}"] = json.dumps(conn)
    return found


def hub_env(landscape: Any) -> dict[str, str]:
    """What a worker of the hub has: connections, state store, data dir, test settings.

    The HUB_ URL and credential variables are deliberately absent: the tasks must get
    them from the Airflow connections.
    """
    return {
        **connection_env(landscape.environ),
        "HUB_DATABASE_URL": landscape.store_url,
        "HUB_DATA_DIR": str(landscape.folder / "hub-data"),
        **TEST_SETTINGS,
    }


def load_dag(dag_id: str) -> Any:
    """The DAG as the DAGs folder defines it (parsed now, with the current environment)."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}, bag.import_errors
    return bag.dags[dag_id]


def run_dag(
    dag_id: str, conf: dict[str, Any] | None = None, logical_date: Any = None
) -> tuple[Any, dict[str, str]]:
    """dag.test() one run (again, for a logical date run before); run and task states."""
    migrate_airflow_db()
    dag = load_dag(dag_id)
    run = (
        dag.test(run_conf=conf)
        if logical_date is None
        else dag.test(run_conf=conf, logical_date=logical_date)
    )
    states = {ti.task_id: str(ti.state) for ti in run.get_task_instances()}
    return run, states


def xcom(run: Any, task_id: str) -> Any:
    """The return value a task of ``run`` pushed."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = (
            session.query(XComModel)
            .filter_by(dag_id=run.dag_id, run_id=run.run_id, task_id=task_id, key="return_value")
            .one_or_none()
        )
        return None if row is None else XComModel.deserialize_value(row)
