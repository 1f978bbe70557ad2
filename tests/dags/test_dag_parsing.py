"""The DAG files parse into the expected DAGs, cheaply and without touching the outside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
GUARD = Path(__file__).with_name("parse_guard.py")


def expected_dag_ids(flows: Path) -> set[str]:
    names = {yaml.safe_load(p.read_text())["name"] for p in flows.glob("*.yaml")}
    from hub.processes.registry import PROCESSES

    return (
        {f"flow_{n}" for n in names}
        | {f"process_{n}" for n in PROCESSES}
        | {"allocate_on_stock_change"}
    )


def parse_in_fresh_interpreter(folder: Path, **env: str) -> dict:
    result = subprocess.run(
        [sys.executable, str(GUARD), str(folder)],
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def bag(airflow_home: Path):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_the_dags_folder_imports_without_errors_into_one_dag_per_flow_and_process(bag) -> None:
    assert bag.import_errors == {}
    assert set(bag.dag_ids) == expected_dag_ids(REPO / "flows")


def test_parsing_looks_up_no_connection_opens_no_socket_and_runs_no_sql() -> None:
    # Connections that a careless DAG file would read are there to be found.
    found = parse_in_fresh_interpreter(
        DAGS,
        AIRFLOW_CONN_CRM='{"conn_type": "http", "host": "crm.invalid", "password": "s3cret"}',
        HUB_DATABASE_URL="postgresql+psycopg2://hub:pw@db.invalid:5432/hub",
    )

    assert found["violations"] == []
    assert found["import_errors"] == {}
    assert set(found["dag_ids"]) == expected_dag_ids(REPO / "flows")


def test_the_guard_catches_dag_files_that_look_up_connect_or_query(tmp_path: Path) -> None:
    (tmp_path / "careless_dag.py").write_text(
        "from datetime import datetime, UTC\n"
        "from airflow.sdk import DAG, BaseHook\n"
        "import socket\n"
        "BaseHook.get_connection('crm')\n"
        "with DAG('careless', schedule=None, start_date=datetime(2026, 1, 1, tzinfo=UTC)):\n"
        "    pass\n"
    )
    (tmp_path / "chatty_dag.py").write_text(
        "from datetime import datetime, UTC\n"
        "import socket\n"
        "from airflow.sdk import DAG\n"
        "socket.create_connection(('127.0.0.1', 9))\n"
        "with DAG('chatty', schedule=None, start_date=datetime(2026, 1, 1, tzinfo=UTC)):\n"
        "    pass\n"
    )

    (tmp_path / "querying_dag.py").write_text(
        "from datetime import datetime, UTC\n"
        "import sqlalchemy\n"
        "from airflow.sdk import DAG\n"
        "sqlalchemy.create_engine('sqlite://')\n"
        "with DAG('querying', schedule=None, start_date=datetime(2026, 1, 1, tzinfo=UTC)):\n"
        "    pass\n"
    )

    found = parse_in_fresh_interpreter(tmp_path)

    assert sorted(found["violations"]) == [
        "BaseHook.get_connection",
        "socket.create_connection",
        "sqlalchemy.create_engine",
    ]
    assert sorted(Path(p).name for p in found["import_errors"]) == [
        "careless_dag.py",
        "chatty_dag.py",
        "querying_dag.py",
    ]
