"""A two-task DAG that proves a Celery worker can import and run the hub.

Test-only: `tests/deploy/test_celery_executor.py` runs it through a real CeleryExecutor.
The first task reads the hub's settings inside the worker and hands them on by XCom (so
through the Execution API); the second writes them to a file the test reads back.
"""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path

from airflow.sdk import dag, get_current_context, task

from hub.settings import get_settings

DAG_ID = "hub_celery_smoke"


@dag(
    dag_id=DAG_ID,
    schedule=None,
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    tags=["test", "deploy"],
)
def hub_celery_smoke() -> None:
    """Read hub settings in one task, write them out in another."""

    @task
    def read_settings() -> dict[str, str]:
        settings = get_settings()
        return {
            "data_dir": str(settings.data_dir),
            "log_level": settings.log_level,
            "host": socket.gethostname(),
        }

    @task
    def write_report(found: dict[str, str]) -> str:
        run_id = get_current_context()["run_id"]
        path = Path(found["data_dir"]) / f"celery-smoke-{run_id}.json"
        path.write_text(json.dumps(found, sort_keys=True), encoding="utf-8")
        return str(path)

    write_report(read_settings())


hub_celery_smoke()
