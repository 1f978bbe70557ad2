"""The demo through Airflow: the hub's DAGs run one by one with ``dag.test()``.

Airflow reads its configuration when first imported, so :func:`airflow_environ` is put
into ``os.environ`` before anything imports it: AIRFLOW_HOME under the landscape's data
folder, no example DAGs, the repository's dags/ as the DAGs folder, and the landscape's
``HUB_*`` variables for the tasks. The metadata database is migrated once per data folder.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hub.flows.workspace import PROJECT_ROOT
from hub.landscape.core import Landscape
from hub.landscape.report import FlowOutcome, ProcessOutcome
from hub.redaction import redact

log = logging.getLogger(__name__)

DAGS_DIR = PROJECT_ROOT / "dags"


def dags_available(folder: Path = DAGS_DIR) -> bool:
    """True when the hub's DAG files are there and Airflow is installed."""
    has_files = (folder / "hub_flows.py").exists() and (folder / "hub_processes.py").exists()
    return has_files and importlib.util.find_spec("airflow") is not None


def airflow_environ(
    data_dir: Path, hub_environ: Mapping[str, str], *, wait_timeout: float = 60.0
) -> dict[str, str]:
    """The variables Airflow and the DAGs' tasks need for a demo under ``data_dir``."""
    home = data_dir / "airflow"
    return {
        **hub_environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        # The demo waits for people and partners in seconds, and a failure is shown, not retried.
        "HUB_AIRFLOW_POKE_SECONDS": "0.5",
        "HUB_AIRFLOW_RETRIES": "0",
        "HUB_AIRFLOW_SENSOR_TIMEOUT": str(int(wait_timeout)),
    }


def migrate_metadata(environ: Mapping[str, str]) -> None:
    """``airflow db migrate`` in a child process (output kept in AIRFLOW_HOME/migrate.log)."""
    home = Path(environ["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    with (home / "migrate.log").open("wb") as out:
        subprocess.run(
            [sys.executable, "-m", "airflow", "db", "migrate"],
            env={**os.environ, **environ},
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=300,
        )


def load_dags(folder: Path = DAGS_DIR) -> dict[str, Any]:
    """Every DAG the files of ``folder`` define, by DAG id (imported from their paths)."""
    from airflow.sdk import DAG

    dags: dict[str, Any] = {}
    for path in sorted(folder.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"hub_demo_dags_{path.stem}", path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        dags.update({v.dag_id: v for v in vars(module).values() if isinstance(v, DAG)})
    return dags


@contextmanager
def recording_steps() -> Iterator[dict[tuple[str, str], dict[str, int]]]:
    """Sum each process step's counts while DAG tasks run in this process.

    A sensor pokes its step many times and each poke counts what moved since the last,
    so the counts are summed; ``waiting`` is the latest poke's.
    """
    import hub.airflow.runtime as runtime

    seen: dict[tuple[str, str], dict[str, int]] = {}
    original = runtime.run_step

    def run_step(
        process_name: str,
        step_name: str,
        run_key: str,
        options: Mapping[str, Any] | None = None,
    ) -> dict[str, int]:
        counts = original(process_name, step_name, run_key, options)
        total = seen.setdefault((process_name, step_name), {})
        for key, value in counts.items():
            if key != "waiting":
                total[key] = total.get(key, 0) + int(value)
        total["waiting"] = int(counts.get("waiting", 0))
        return counts

    runtime.run_step = run_step
    try:
        yield seen
    finally:
        runtime.run_step = original


class AirflowRunner:
    """Runs the flow and process DAGs of dags/ with ``dag.test()`` against the landscape."""

    def __init__(self, landscape: Landscape, listener: Any, *, wait_timeout: float = 60.0):
        self.landscape = landscape
        self.listener = listener
        environ = airflow_environ(landscape.data_dir, landscape.environ, wait_timeout=wait_timeout)
        os.environ.update(environ)
        migrate_metadata(environ)
        root = logging.getLogger()
        handlers, level, show = list(root.handlers), root.level, warnings.showwarning
        from hub.airflow.dag_factory import flow_dag_id, process_dag_id

        self._flow_id = flow_dag_id
        self._process_id = process_dag_id
        self.dags = load_dags()
        # Importing Airflow replaces the root handlers with its console one; the demo's
        # screen is for progress, so the log goes back to where the caller sent it.
        root.handlers[:] = handlers
        root.setLevel(level)
        warnings.showwarning = show

    def _test(self, dag_id: str) -> str:
        dag = self.dags.get(dag_id)
        if dag is None:
            raise LookupError(f"no DAG {dag_id} in {DAGS_DIR}")
        state = getattr(dag.test(), "state", "unknown")
        return str(getattr(state, "value", state))

    def flow(self, flow: str) -> FlowOutcome:
        """One flow DAG run; the counts come from the hub's run history."""
        from hub.store.runs import list_runs

        outcome = FlowOutcome(flow, flow, index_only=False)
        began = time.monotonic()
        with self.landscape.sessions() as session:
            before = max((r.id for r in list_runs(session, flow=flow, limit=1)), default=0)
        try:
            state = self._test(self._flow_id(flow))
        except Exception as exc:
            state, outcome.error = "failed", redact(f"{type(exc).__name__}: {exc}")
        with self.landscape.sessions() as session:
            runs = [r for r in list_runs(session, flow=flow, limit=50) if r.id > before]
        outcome.counts = {
            "read": sum(r.read_count for r in runs),
            "mapped": sum(r.mapped_count for r in runs),
            "unchanged": sum(r.unchanged_count for r in runs),
            "written": sum(r.written_count for r in runs),
            "dead_lettered": sum(r.dead_lettered_count for r in runs),
        }
        ok = state == "success" and runs and all(r.status == "succeeded" for r in runs)
        outcome.status = "succeeded" if ok else "failed"
        if not ok and outcome.error is None:
            errors = [r.error for r in runs if r.error]
            outcome.error = redact(errors[0]) if errors else f"DAG run ended {state}"
        outcome.seconds = round(time.monotonic() - began, 2)
        return outcome

    def process(self, name: str) -> ProcessOutcome:
        """One process DAG run; the counts are those its step tasks returned."""
        outcome = ProcessOutcome(name, run_key="the DAG run's logical date")
        began = time.monotonic()
        with recording_steps() as seen:
            try:
                state = self._test(self._process_id(name))
            except Exception as exc:
                state, outcome.error = "failed", redact(f"{type(exc).__name__}: {exc}")
        for (process, step), counts in seen.items():
            if process != name:
                continue
            outcome.steps[step] = dict(counts)
            for key, value in counts.items():
                if key != "waiting":
                    outcome.counts[key] = outcome.counts.get(key, 0) + int(value)
        outcome.status = "succeeded" if state == "success" else "failed"
        if outcome.status == "failed" and outcome.error is None:
            outcome.error = f"DAG run ended {state}"
        outcome.seconds = round(time.monotonic() - began, 2)
        return outcome
