"""DAGs built from flow files and processes, with the hub's retry and failure policy.

Only the DAG files import this module, and building a DAG here never opens a connector,
a socket or the state store: the task bodies import `hub.airflow.runtime` when they run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import DAG, Asset, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

from hub.airflow.callbacks import on_failure_callback
from hub.airflow.sensors import StepSensor
from hub.airflow.specs import FlowInfo

if TYPE_CHECKING:  # the processes themselves are imported by the DAG file that needs them
    from hub.processes.framework import Process, Step

START_DATE = datetime(2026, 1, 1, tzinfo=UTC)
# Published when stock reaches the order system's available-to-promise; the allocation
# DAG is scheduled on it, so new stock is allocated without waiting for a clock.
STOCK_AVAILABLE = Asset(name="stock_available", uri="hub://stock/available")


@dataclass(frozen=True)
class DagSettings:
    """Retry, timeout and sensor policy shared by every hub DAG."""

    retries: int = 3
    retry_delay: timedelta = timedelta(seconds=30)
    backoff: float = 2.0  # each retry waits twice as long as the one before
    max_retry_delay: timedelta = timedelta(minutes=15)
    execution_timeout: timedelta = timedelta(hours=1)
    poke_interval: float = 60.0
    sensor_timeout: float = 6 * 3600.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> DagSettings:
        """The defaults, overridden by HUB_AIRFLOW_RETRIES, _RETRY_DELAY, _POKE_SECONDS and
        _SENSOR_TIMEOUT (seconds); read from the environment, never from a connection."""
        env = os.environ if environ is None else environ
        default = cls()
        return cls(
            retries=int(env.get("HUB_AIRFLOW_RETRIES", default.retries)),
            retry_delay=timedelta(
                seconds=float(
                    env.get("HUB_AIRFLOW_RETRY_DELAY", default.retry_delay.total_seconds())
                )
            ),
            poke_interval=float(env.get("HUB_AIRFLOW_POKE_SECONDS", default.poke_interval)),
            sensor_timeout=float(env.get("HUB_AIRFLOW_SENSOR_TIMEOUT", default.sensor_timeout)),
        )

    def default_args(self) -> dict[str, Any]:
        """Task defaults: retries with exponential back-off and the failure callback."""
        return {
            "owner": "hub",
            "retries": self.retries,
            "retry_delay": self.retry_delay,
            "retry_exponential_backoff": self.backoff,
            "max_retry_delay": self.max_retry_delay,
            "execution_timeout": self.execution_timeout,
            "on_failure_callback": on_failure_callback,
        }


def flow_dag_id(flow_name: str) -> str:
    """``flow_<flow name>``, e.g. ``flow_crm-to-erp-customers``."""
    return f"flow_{flow_name}"


def process_dag_id(process_name: str) -> str:
    """``process_<process name>``, e.g. ``process_order_to_cash``."""
    return f"process_{process_name}"


def publishes_stock(info: FlowInfo) -> bool:
    """True for flows that change the order system's available-to-promise stock."""
    return info.canonical == "StockLevel" and info.target == "oms"


def _sync_task(flow_name: str, partition: int, partitions: int) -> Any:
    task_id = "sync" if partitions == 1 else f"sync_p{partition}"

    @task(task_id=task_id, doc_md=f"Run flow {flow_name}, partition {partition}, once.")
    def sync() -> int | None:
        from hub.airflow.runtime import run_conf, sync_flow

        context = get_current_context()
        return sync_flow(
            flow_name,
            partition=partition,
            full=bool(run_conf(context).get("full", False)),
            owner=f"airflow:{context['dag'].dag_id}/{context['run_id']}",
        )

    return sync()


@task(task_id="publish_stock", outlets=[STOCK_AVAILABLE])
def publish_stock(run_ids: list[int | None]) -> int:
    """Emit the stock asset event when the sync wrote anything; skip (no event) otherwise."""
    from hub.airflow.runtime import written_by

    written = written_by(run_ids)
    if written == 0:
        raise AirflowSkipException("no stock level changed")
    context = get_current_context()
    extra: dict[str, Any] = {"written": written, "runs": [r for r in run_ids if r is not None]}
    context["outlet_events"][STOCK_AVAILABLE].extra = extra
    return written


def flow_dag(info: FlowInfo, settings: DagSettings | None = None) -> DAG:
    """One DAG for one flow file: a sync task per partition, returning hub run ids."""
    policy = settings or DagSettings.from_environ()
    tags = ["hub", "flow", *(s for s in (info.source, info.target) if s)]

    @dag(
        dag_id=flow_dag_id(info.name),
        description=info.description or f"Flow {info.name}",
        schedule=info.schedule,
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=policy.default_args(),
        tags=sorted(set(tags)),
        doc_md=f"Runs flow `{info.name}` ({info.path.name}) with the hub's sync engine.",
    )
    def build() -> None:
        run_ids = [_sync_task(info.name, p, info.partitions) for p in range(info.partitions)]
        if publishes_stock(info):
            publish_stock(run_ids)

    return build()


@task(task_id="run_key")
def run_key() -> str:
    """The DAG run's run key (logical date or run id), handed to every step."""
    from hub.airflow.runtime import run_key_of

    return run_key_of(get_current_context())


def _step_task(process: str, step: Step, policy: DagSettings) -> Any:
    doc = step.doc or step.name
    if step.waits:
        return lambda key: (
            StepSensor(
                task_id=step.name,
                doc_md=doc,
                process=process,
                step=step.name,
                run_key=key,
                mode="reschedule",  # frees the worker slot between pokes
                poke_interval=policy.poke_interval,
                timeout=policy.sensor_timeout,
            ).output
        )

    @task(task_id=step.name, doc_md=doc)
    def act(key: str) -> str:
        from hub.airflow.runtime import run_conf, run_step

        run_step(process, step.name, key, run_conf(get_current_context()).get("options"))
        return key

    return act


def process_dag(
    process: Process,
    *,
    dag_id: str | None = None,
    schedule: str | Sequence[Asset] | None = None,
    steps: Sequence[str] | None = None,
    description: str | None = None,
    settings: DagSettings | None = None,
) -> DAG:
    """One DAG for a process: a task per step in order, sensors for the waiting steps.

    ``steps`` picks a subset (in the process's order); ``schedule`` may be a cron, a
    preset or a list of Assets. Every task passes the run key on through XCom.
    """
    policy = settings or DagSettings.from_environ()
    chosen = [s for s in process.steps if steps is None or s.name in steps]
    if steps is not None and len(chosen) != len(steps):
        unknown = sorted(set(steps) - {s.name for s in chosen})
        raise ValueError(f"process {process.name} has no step(s) {unknown}")

    @dag(
        dag_id=dag_id or process_dag_id(process.name),
        description=description or process.title,
        schedule=list(schedule)
        if isinstance(schedule, Sequence) and not isinstance(schedule, str)
        else schedule,
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=policy.default_args(),
        tags=["hub", "process", process.name],
        doc_md=f"Process `{process.name}`: {process.title}. Steps: "
        + ", ".join(s.name for s in chosen),
    )
    def build() -> None:
        key: Any = run_key()
        for step in chosen:
            key = _step_task(process.name, step, policy)(key)

    return build()
