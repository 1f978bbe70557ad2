"""What the DAGs' tasks do when they run: a flow partition, a process step, a run key.

Imported inside tasks only, so parsing a DAG file never loads the sync engine, the
connectors or the state store. Every function builds its own connectors and sessions
and closes them; tasks hand each other run keys and run ids, never records.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from hub.airflow.connections import task_environ
from hub.airflow.specs import flows_dir
from hub.flows.workspace import DEFAULT_MAPPINGS, DEFAULT_PROFILES, Workspace
from hub.redaction import redact

log = logging.getLogger(__name__)

RUN_KEY_LIMIT = 128  # process_items.run_key


class FlowRunFailed(RuntimeError):
    """A flow run ended ``failed`` (records left for later): the task fails and retries."""


def run_key_of(context: Mapping[str, Any]) -> str:
    """The DAG run's logical date (ISO, UTC), else its run id: the process's run key.

    The same logical date always gives the same key, so a cleared or re-run DAG run
    repeats its steps idempotently; manual runs without a logical date use the run id.
    """
    logical = context.get("logical_date")
    if isinstance(logical, datetime):
        return logical.isoformat()[:RUN_KEY_LIMIT]
    return str(context["run_id"])[:RUN_KEY_LIMIT]


def run_conf(context: Mapping[str, Any]) -> dict[str, Any]:
    """The DAG run's conf (``dag_run.conf``), empty when there is none."""
    dag_run = context.get("dag_run")
    conf = getattr(dag_run, "conf", None)
    return dict(conf) if isinstance(conf, Mapping) else {}


def _dir(environ: Mapping[str, str], name: str, default: Path) -> Path:
    value = environ.get(name)
    return Path(value) if value else default


def workspace(environ: Mapping[str, str]) -> Workspace:
    """Flows, profiles and mappings folders (HUB_*_DIR) with the task's environment."""
    return Workspace(
        flows=flows_dir(environ),
        profiles=_dir(environ, "HUB_PROFILES_DIR", DEFAULT_PROFILES),
        mappings=_dir(environ, "HUB_MAPPINGS_DIR", DEFAULT_MAPPINGS),
        environ=environ,
    )


def sync_flow(
    flow_name: str, *, partition: int = 0, full: bool = False, owner: str | None = None
) -> int | None:
    """Run one partition of a flow once; the hub run id (history row) on success."""
    from hub.flows.workspace import state_sessions
    from hub.sync import RunOptions, run_flow

    environ = task_environ()
    space = workspace(environ)
    built = space.build(space.flow(flow_name))
    try:
        with state_sessions() as sessions:
            options = RunOptions(full=full, partition=partition, owner=owner)
            result = run_flow(sessions, built.context, options)
    finally:
        built.close()
    counts = result.counts
    log.info(
        "flow %s partition %s: %s, run %s, read %s, written %s, dead-lettered %s",
        flow_name,
        partition,
        result.status,
        result.run_id,
        counts.read,
        counts.written,
        counts.dead_lettered,
    )
    if result.status != "succeeded":
        raise FlowRunFailed(
            f"flow {flow_name} run {result.run_id} {result.status}: {redact(result.error or '')}"
        )
    return result.run_id


def written_by(run_ids: list[int | None]) -> int:
    """Records written (and deleted) by these hub runs, read from the run history."""
    from hub.flows.workspace import state_sessions
    from hub.store.models import Run

    ids = [run_id for run_id in run_ids if run_id is not None]
    if not ids:
        return 0
    with state_sessions() as sessions, sessions() as session:
        return sum(
            run.written_count for run_id in ids if (run := session.get(Run, run_id)) is not None
        )


def run_step(
    process_name: str, step_name: str, run_key: str, options: Mapping[str, Any] | None = None
) -> dict[str, int]:
    """Run one step of a process for ``run_key``; its counts (``waiting`` for sensors)."""
    from hub.flows.workspace import state_sessions
    from hub.processes.framework import process_context
    from hub.processes.registry import get_process
    from hub.settings import get_settings

    step = get_process(process_name).step(step_name)
    environ = task_environ()
    partners = environ.get("HUB_PARTNERS_DIR")
    extra: dict[str, Any] = {"partners": Path(partners)} if partners else {}
    with (
        state_sessions() as sessions,
        process_context(
            sessions,
            run_key=run_key,
            profiles=_dir(environ, "HUB_PROFILES_DIR", DEFAULT_PROFILES),
            mappings=_dir(environ, "HUB_MAPPINGS_DIR", DEFAULT_MAPPINGS),
            environ=environ,
            data_dir=get_settings().data_dir,
            options=dict(options or {}),
            **extra,
        ) as ctx,
    ):
        counts = dict(step.run(ctx).counts)
    log.info("%s.%s (run key %s): %s", process_name, step_name, run_key, counts)
    return counts
