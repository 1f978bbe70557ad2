"""DAG parse benchmark: the flow DAGs file with N flow files, against an empty DAG file.

Run: python -m uv run python bench/dag_parse.py [flows]   (default 50)

Generates N synthetic flow files in a temporary folder (HUB_FLOWS_DIR), then times a
DagBag parse of ``dags/hub_flows.py``, of ``dags/hub_processes.py`` and of a file holding
one empty DAG, in this process with Airflow already imported. "first" includes importing
the hub modules the DAG file needs (what a fresh dag-processor child pays); "warm" is the
best of the repeats. The ratio is the flow file's time per DAG against the empty file.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
EMPTY_DAG = """\
from datetime import UTC, datetime

from airflow.sdk import DAG

with DAG("empty", schedule=None, start_date=datetime(2026, 1, 1, tzinfo=UTC)):
    pass
"""
SCHEDULES = ("*/5 * * * *", "*/15 * * * *", "@hourly", "@daily", "0 6 * * 1-5")


def write_flows(folder: Path, count: int) -> None:
    """``count`` valid flow files, variations of the CRM -> ERP customer flow."""
    template = yaml.safe_load((REPO / "flows" / "crm-to-erp-customers.yaml").read_text())
    for n in range(count):
        flow = {**template, "name": f"bench-flow-{n:04d}", "schedule": SCHEDULES[n % 5]}
        (folder / f"bench-flow-{n:04d}.yaml").write_text(yaml.safe_dump(flow), encoding="utf-8")


def timed(parse: Callable[[], int], repeats: int) -> tuple[float, float, int]:
    """(first, best of the rest, DAG count) of ``parse``."""
    times, dags = [], 0
    for _ in range(repeats + 1):
        began = time.perf_counter()
        dags = parse()
        times.append(time.perf_counter() - began)
    return times[0], min(times[1:]), dags


def bag_parser(folder: Path) -> Callable[[], int]:
    from airflow.dag_processing.dagbag import DagBag

    def parse() -> int:
        bag = DagBag(dag_folder=str(folder))
        if bag.import_errors:
            raise SystemExit(f"import errors: {bag.import_errors}")
        return len(bag.dags)

    return parse


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    work = Path(tempfile.mkdtemp(prefix="hub-bench-dags-"))
    try:
        os.environ.update(
            AIRFLOW_HOME=str(work / "airflow"),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            HUB_FLOWS_DIR=str(work / "flows"),
        )
        folders = {name: work / name for name in ("flows", "empty", "hub_flows", "processes")}
        for folder in folders.values():
            folder.mkdir()
        write_flows(folders["flows"], count)
        (folders["empty"] / "empty_dag.py").write_text(EMPTY_DAG, encoding="utf-8")
        shutil.copy(REPO / "dags" / "hub_flows.py", folders["hub_flows"])
        shutil.copy(REPO / "dags" / "hub_processes.py", folders["processes"])
        import airflow  # noqa: F401  (imported once, outside the timings)

        empty = timed(bag_parser(folders["empty"]), 5)
        flows = timed(bag_parser(folders["hub_flows"]), 3)
        processes = timed(bag_parser(folders["processes"]), 3)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"{'file':26}{'DAGs':>6}{'first s':>10}{'warm s':>10}{'warm s/DAG':>12}")
    for label, (first, warm, dags) in (
        ("empty DAG file", empty),
        (f"hub_flows.py ({count} flows)", flows),
        ("hub_processes.py", processes),
    ):
        print(f"{label:26}{dags:6d}{first:10.3f}{warm:10.3f}{warm / dags:12.4f}")
    per_flow = flows[1] / flows[2]
    print(f"flow DAG parse time / empty DAG file: {per_flow / empty[1]:.2f}")
    print(f"whole flows file (warm) / empty DAG file: {flows[1] / empty[1]:.1f}")


if __name__ == "__main__":
    main()
