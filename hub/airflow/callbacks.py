"""Failure callbacks: a task that failed for good is logged and kept as a dead letter.

The dead letter (flow ``airflow:<dag_id>``, stage ``airflow_task``) names the DAG run and
task and carries the redacted error, so ``hub dlq list`` shows failed DAG runs next to
failed records. A callback never raises: reporting a failure must not hide it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hub.redaction import redact

log = logging.getLogger(__name__)

STAGE = "airflow_task"


def failure_record(context: Mapping[str, Any]) -> dict[str, Any]:
    """What the dead letter keeps about the failed task (ids and times, no data)."""
    ti = context.get("ti") or context.get("task_instance")
    logical = context.get("logical_date")
    return {
        "dag_id": getattr(ti, "dag_id", None) or getattr(context.get("dag"), "dag_id", None),
        "task_id": getattr(ti, "task_id", None),
        "run_id": context.get("run_id") or getattr(ti, "run_id", None),
        "try_number": getattr(ti, "try_number", None),
        "map_index": getattr(ti, "map_index", None),
        "logical_date": logical.isoformat() if isinstance(logical, datetime) else None,
    }


def describe(error: object) -> str:
    """``Class: message`` of the failure, secrets removed."""
    if isinstance(error, BaseException):
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    else:
        text = str(error) if error is not None else "task failed"
    return redact(text)


def record_failure(context: Mapping[str, Any]) -> int | None:
    """Log the failure and keep it as a dead letter; its id, or None if it could not."""
    record = failure_record(context)
    error = context.get("exception")
    message = describe(error)
    log.error(
        "task %s.%s failed in run %s (try %s): %s",
        record["dag_id"],
        record["task_id"],
        record["run_id"],
        record["try_number"],
        message,
    )
    try:
        from hub.flows.workspace import state_sessions
        from hub.store.dead_letters import add_dead_letter

        with state_sessions() as sessions, sessions.begin() as session:
            letter = add_dead_letter(
                session,
                flow=f"airflow:{record['dag_id']}"[:128],
                stage=STAGE,
                error=error if isinstance(error, BaseException) else message,
                payload=record,
                record_key=f"{record['run_id']}/{record['task_id']}"[:255],
            )
            return letter.id
    except Exception as exc:  # the state store may be the reason the task failed
        log.error("could not record the failure as a dead letter: %s", describe(exc))
        return None


def on_failure_callback(context: Mapping[str, Any]) -> None:
    """Airflow's ``on_failure_callback``: runs once a task has used up its retries."""
    record_failure(context)
