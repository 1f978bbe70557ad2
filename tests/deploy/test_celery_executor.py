"""The CeleryExecutor path for real: PostgreSQL metadata, Redis broker, a Celery worker.

Slow (about a minute and a half): it migrates a fresh metadata database and starts the
api-server, scheduler, dag-processor and a worker as separate processes, as the
docker-compose deployment does, but on loopback and without containers.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import support_celery
from support_celery import celery_stack

DAGS_FOLDER = Path(__file__).parent / "dags"
DAG_ID = "hub_celery_smoke"


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(600)
def test_dag_runs_to_success_on_a_celery_worker(
    postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "hub-data"
    data_dir.mkdir()
    began = time.monotonic()
    with celery_stack(
        workdir=tmp_path,
        dags_folder=DAGS_FOLDER,
        database_url=postgres_url,
        redis_url=redis_url,
        extra_env={"HUB_DATA_DIR": str(data_dir), "HUB_LOG_LEVEL": "warning"},
    ) as stack:
        run_id = stack.run_dag(DAG_ID, timeout=240)
        tasks = stack.task_states(DAG_ID, run_id)
        listening = stack.listening_addresses()

    # Both tasks ran, on our private queue, i.e. through the Celery worker.
    assert tasks == {
        "read_settings": ("success", stack.queue),
        "write_report": ("success", stack.queue),
    }
    # The worker imported the hub, read its settings from the environment we gave, and the
    # first task's result reached the second through XCom.
    report = json.loads((data_dir / f"celery-smoke-{run_id}.json").read_text(encoding="utf-8"))
    assert report["data_dir"] == str(data_dir)
    assert report["log_level"] == "WARNING"
    # Nothing of the stack listens beyond loopback (no log server on 0.0.0.0:8793).
    assert listening, "expected at least the api-server to listen"
    assert {ip for ip, _, _ in listening} <= {"127.0.0.1"}, listening
    elapsed = time.monotonic() - began
    assert elapsed < 400, f"took {elapsed:.0f}s"


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
