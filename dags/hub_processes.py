"""One DAG per business process (``process_<name>``), and allocation on stock changes.

Each step of a process is a task; steps that wait for a person or a partner are sensors
in reschedule mode. Tasks pass only the run key (the DAG run's logical date, else its run
id) through XCom. ``allocate_on_stock_change`` runs order to cash's allocation whenever
a stock flow publishes the ``hub://stock/available`` asset. See docs/airflow.md.
"""

from __future__ import annotations

from airflow.sdk import DAG

from hub.airflow.dag_factory import STOCK_AVAILABLE, DagSettings, process_dag
from hub.processes.registry import PROCESSES, get_process

# When each process runs by the clock; steps are idempotent, so an extra run is harmless.
SCHEDULES: dict[str, str] = {
    "order_to_cash": "*/15 * * * *",
    "procure_to_pay": "0 6 * * *",
    "approvals": "*/30 * * * *",
}


def build_dags() -> dict[str, DAG]:
    """The process DAGs and the stock-triggered allocation DAG, by DAG id."""
    settings = DagSettings.from_environ()
    built = [
        process_dag(get_process(name), schedule=SCHEDULES.get(name), settings=settings)
        for name in PROCESSES
    ]
    built.append(
        process_dag(
            get_process("order_to_cash"),
            dag_id="allocate_on_stock_change",
            schedule=[STOCK_AVAILABLE],
            steps=["allocate", "release_to_wms"],
            description="Allocate open orders and release them to the WMS when stock changes",
            settings=settings,
        )
    )
    return {d.dag_id: d for d in built}


globals().update(build_dags())
