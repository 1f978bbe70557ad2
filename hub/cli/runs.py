"""`hub runs`: the run history of flows, newest first."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from hub.cli.sync import lag_text, when
from hub.redaction import redact

app = typer.Typer(help="Run history of flows.", invoke_without_command=True)


@app.callback()
def runs(
    flow: str | None = typer.Option(None, "--flow", help="Only the runs of this flow."),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000, help="How many runs."),
) -> None:
    """Recent runs, newest first: status, counts and the error of a failed run."""
    from hub.flows.workspace import state_sessions
    from hub.sync import recent_runs

    table = Table(title="Runs" if flow is None else f"Runs of {flow}")
    for column in ("id", "flow", "partition", "status", "started", "finished"):
        table.add_column(column)
    for column in ("read", "unchanged", "written", "dead"):
        table.add_column(column, justify="right")
    table.add_column("lag")
    table.add_column("error")
    with state_sessions() as sessions, sessions() as session:
        for run in recent_runs(session, flow=flow, limit=limit):
            table.add_row(
                str(run.id),
                run.flow,
                run.partition or "-",
                run.status,
                when(run.started_at),
                when(run.finished_at),
                str(run.read_count),
                str(run.unchanged_count),
                str(run.written_count),
                str(run.dead_lettered_count),
                lag_text(run.lag_seconds),
                redact(run.error or ""),
            )
    Console().print(table)
