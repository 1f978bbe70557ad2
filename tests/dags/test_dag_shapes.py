"""What the generated DAGs look like: schedules, retries, sensors, XCom, the stock asset."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from hub.airflow.callbacks import on_failure_callback
from hub.airflow.dag_factory import STOCK_AVAILABLE, DagSettings, flow_dag, process_dag
from hub.airflow.sensors import StepSensor
from hub.airflow.specs import flow_infos
from hub.processes.registry import PROCESSES, get_process

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"


@pytest.fixture(scope="module")
def dags(airflow_home: Path):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS)).dags


@pytest.mark.parametrize("path", sorted((REPO / "flows").glob("*.yaml")), ids=lambda p: p.stem)
def test_a_flow_dag_runs_on_the_flows_schedule_one_at_a_time_with_backoff(dags, path) -> None:
    flow = yaml.safe_load(path.read_text())
    dag = dags[f"flow_{flow['name']}"]

    assert dag.schedule == flow["schedule"]
    assert dag.max_active_runs == 1
    assert dag.catchup is False
    sync = dag.task_dict["sync"]
    assert sync.retries >= 1
    assert sync.retry_exponential_backoff > 1
    assert sync.max_retry_delay is not None
    assert sync.on_failure_callback == [on_failure_callback]


def test_stock_reaching_the_oms_publishes_the_asset_that_schedules_allocation(dags) -> None:
    stock = dags["flow_wms-to-oms-stock"]
    assert stock.task_dict["publish_stock"].outlets == [STOCK_AVAILABLE]
    assert stock.task_dict["publish_stock"].upstream_task_ids == {"sync"}
    assert "publish_stock" not in dags["flow_wms-to-erp-stock"].task_dict

    allocate = dags["allocate_on_stock_change"]
    assert list(allocate.timetable.asset_condition.objects) == [STOCK_AVAILABLE]
    assert allocate.task_ids == ["run_key", "allocate", "release_to_wms"]


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_a_process_dag_has_a_task_per_step_in_order_and_sensors_for_waiting_steps(
    dags, name: str
) -> None:
    process = get_process(name)
    dag = dags[f"process_{name}"]
    names = ["run_key", *(s.name for s in process.steps)]

    assert sorted(dag.task_ids) == sorted(names)
    for before, after in itertools.pairwise(names):
        assert dag.task_dict[after].upstream_task_ids == {before}
    for step in process.steps:
        task = dag.task_dict[step.name]
        assert isinstance(task, StepSensor) == step.waits
        if step.waits:
            assert task.mode == "reschedule"
            assert 0 < task.timeout < float("inf")
            assert task.retries >= 1


def test_partitions_become_one_sync_task_each(tmp_path: Path, airflow_home: Path) -> None:
    flow = yaml.safe_load((REPO / "flows" / "crm-to-erp-customers.yaml").read_text())
    flow["partitions"] = {"count": 3, "field": "accountId"}
    (tmp_path / "split.yaml").write_text(yaml.safe_dump(flow))
    (tmp_path / "broken.yaml").write_text("name: [not, a, name]\n")

    infos, problems = flow_infos(tmp_path)
    dag = flow_dag(infos[0])

    assert sorted(dag.task_ids) == ["sync_p0", "sync_p1", "sync_p2"]
    assert problems == ["broken.yaml: missing or invalid flow name"]


def test_dag_settings_come_from_the_environment() -> None:
    settings = DagSettings.from_environ(
        {"HUB_AIRFLOW_RETRIES": "5", "HUB_AIRFLOW_POKE_SECONDS": "2.5"}
    )
    assert settings.default_args()["retries"] == 5
    assert settings.poke_interval == 2.5
    assert settings.retry_delay == timedelta(seconds=30)


def test_an_unknown_step_is_refused(airflow_home: Path) -> None:
    with pytest.raises(ValueError, match="no_such_step"):
        process_dag(get_process("approvals"), dag_id="x", steps=["no_such_step"])
