"""One DAG per flow file (``flow_<name>``), built from the YAML alone.

Parsing reads the flow files (HUB_FLOWS_DIR, else the repository's flows/) and nothing
else: no database, network or connection lookups. Each DAG's task runs the flow through
the hub's sync engine and returns the hub run id; see docs/airflow.md.
"""

from __future__ import annotations

import logging

from airflow.sdk import DAG

from hub.airflow.dag_factory import DagSettings, flow_dag
from hub.airflow.specs import flow_infos, flows_dir

log = logging.getLogger(__name__)


def build_dags() -> dict[str, DAG]:
    """A DAG for every readable flow file, by DAG id; unreadable files are logged."""
    infos, problems = flow_infos(flows_dir())
    for problem in problems:
        log.error("flow file skipped: %s", problem)
    settings = DagSettings.from_environ()
    return {built.dag_id: built for built in (flow_dag(info, settings) for info in infos)}


globals().update(build_dags())
