"""`hub sync`: run a flow once, show where every flow stands, release a dead run's lease."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from hub.flows.loader import FlowError
from hub.flows.workspace import DEFAULT_FLOWS, DEFAULT_MAPPINGS, DEFAULT_PROFILES, Workspace
from hub.redaction import redact

app = typer.Typer(help="Run flows and see their cursors, lag and last results.")

FlowsOption = typer.Option(
    DEFAULT_FLOWS, "--flows", envvar="HUB_FLOWS_DIR", help="Folder of flow files."
)
ProfilesOption = typer.Option(
    DEFAULT_PROFILES, "--profiles", envvar="HUB_PROFILES_DIR", help="Folder of system profiles."
)
MappingsOption = typer.Option(
    DEFAULT_MAPPINGS, "--mappings", envvar="HUB_MAPPINGS_DIR", help="Folder of mapping files."
)


def workspace(flows: Path, profiles: Path, mappings: Path) -> Workspace:
    """The workspace the command line options name."""
    return Workspace(flows=flows, profiles=profiles, mappings=mappings)


def fail(console: Console, message: str) -> typer.Exit:
    """Print a redacted error and return the exit to raise."""
    console.print(f"[red]error:[/] {redact(message)}", markup=True, highlight=False)
    return typer.Exit(code=1)


def when(moment: datetime | None) -> str:
    """A timestamp for a table cell."""
    return "-" if moment is None else moment.isoformat(timespec="seconds")


def lag_text(seconds: float | None) -> str:
    """A lag for a table cell, in the largest unit that fits."""
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.1f}h"


def counts_table(counts: Any) -> Table:
    """A two-column table of a run's counts."""
    table = Table()
    table.add_column("records")
    table.add_column("count", justify="right")
    for name in (
        "read",
        "mapped",
        "unchanged",
        "written",
        "dead_lettered",
        "filtered",
        "deleted",
        "skipped",
        "pending",
    ):
        table.add_row(name.replace("_", " "), str(getattr(counts, name)))
    return table


@app.command("run")
def run(
    flow_name: str = typer.Argument(
        ..., metavar="FLOW", help="Flow name, e.g. crm-to-erp-customers."
    ),
    full: bool = typer.Option(False, "--full", help="Read everything, not only changes."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Map and compare; write nothing."),
    index_only: bool = typer.Option(
        False,
        "--index-only",
        help="Read the source into xref and the match index only (before the reverse flow's"
        " first run).",
    ),
    partition: int = typer.Option(0, "--partition", help="Partition to run (0-based)."),
    flows: Path = FlowsOption,
    profiles: Path = ProfilesOption,
    mappings: Path = MappingsOption,
) -> None:
    """Run FLOW once and print what happened to its records."""
    from hub.flows.workspace import state_sessions
    from hub.sync import FlowLocked, RunOptions, run_flow
    from hub.sync import Progress as SyncProgress

    console = Console()
    space = workspace(flows, profiles, mappings)
    try:
        spec = space.flow(flow_name)
        built = space.build(spec)
    except (FlowError, ValueError, OSError) as exc:
        raise fail(console, str(exc)) from None
    except Exception as exc:  # connector configuration (missing secret, bad profile)
        raise fail(console, f"{type(exc).__name__}: {exc}") from None
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[read]} read, {task.fields[written]} written,"),
        TextColumn("{task.fields[dead]} dead-lettered"),
        TimeElapsedColumn(),
    )
    try:
        with state_sessions() as sessions, Progress(*columns, console=console) as bar:
            task = bar.add_task(flow_name, total=None, read=0, written=0, dead=0)

            def progress(step: SyncProgress) -> None:
                bar.update(
                    task,
                    read=step.read,
                    written=step.written,
                    dead=step.dead_lettered,
                    description=f"{flow_name} batch {step.batches}",
                )

            options = RunOptions(full=full, dry_run=dry_run, partition=partition, progress=progress)
            result = run_flow(sessions, built.context, options, index_only=index_only)
            bar.update(task, total=1, completed=1)
    except FlowLocked as exc:
        raise fail(console, f"flow {flow_name} is running elsewhere: {exc}") from None
    except Exception as exc:
        raise fail(console, f"{type(exc).__name__}: {exc}") from None
    finally:
        built.close()
    title = f"{flow_name}: {result.status}" + (" (dry run)" if dry_run else "")
    if result.run_id is not None:
        title += f", run {result.run_id}"
    console.print(title, highlight=False)
    console.print(counts_table(result.counts))
    if result.error:
        console.print(f"[yellow]{redact(result.error)}[/]", highlight=False)
    if result.status != "succeeded":
        raise typer.Exit(code=2)


@app.command("status")
def status(
    flows: Path = FlowsOption,
    profiles: Path = ProfilesOption,
    mappings: Path = MappingsOption,
) -> None:
    """Every flow's cursor, lag and last result."""
    from hub.flows.workspace import state_sessions
    from hub.sync import flow_status

    console = Console()
    try:
        specs = workspace(flows, profiles, mappings).all_flows()
    except FlowError as exc:
        raise fail(console, str(exc)) from None
    table = Table(title="Flows")
    for column in ("flow", "partition", "cursor", "lag", "last run", "finished", "written"):
        table.add_column(column)
    table.add_column("dead letters", justify="right")
    with state_sessions() as sessions, sessions() as session:
        rows = flow_status(session, specs.values())
    for row in rows:
        cursor = row.cursor.get("value") if isinstance(row.cursor, dict) else row.cursor
        table.add_row(
            row.flow,
            row.partition or "-",
            "-" if cursor is None else str(cursor),
            lag_text(row.lag_seconds),
            row.last_status or "never",
            when(row.last_finished_at),
            "-" if row.last_written is None else str(row.last_written),
            str(row.open_dead_letters),
        )
    console.print(table)


@app.command("unlock")
def unlock(
    flow_name: str = typer.Argument(..., metavar="FLOW", help="Flow whose lease to release."),
    partition: int | None = typer.Option(
        None, "--partition", help="Only this partition (0-based); default every lease of FLOW."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    flows: Path = FlowsOption,
) -> None:
    """Release FLOW's run lease, left behind by a run that died on another host."""
    from hub.flows.loader import load_flows
    from hub.flows.workspace import state_sessions
    from hub.sync.locks import leases_of
    from hub.sync.locks import unlock as release_leases

    console = Console()
    key: str | None = None
    if partition is not None:
        try:
            specs = load_flows(flows)
        except FlowError as exc:
            raise fail(console, str(exc)) from None
        spec = specs.get(flow_name)
        if spec is None:
            raise fail(console, f"no flow named {flow_name!r}")
        if not 0 <= partition < spec.partitions.count:
            raise fail(console, f"flow {flow_name} has {spec.partitions.count} partition(s)")
        key = spec.partition_key(partition)
    with state_sessions() as sessions:
        with sessions() as session:
            held = leases_of(session, flow_name, key)
        if not held:
            console.print(f"flow {flow_name}: no lease held", highlight=False)
            return
        table = Table(title=f"Leases of {flow_name}")
        for column in ("partition", "owner", "acquired", "expires"):
            table.add_column(column)
        for lease in held:
            table.add_row(
                lease.partition or "-", lease.owner, when(lease.acquired_at), when(lease.expires_at)
            )
        console.print(table)
        if not yes and not typer.confirm(
            "Release these leases? Only do so when their runs are no longer running."
        ):
            raise typer.Exit(code=1)
        with sessions.begin() as session:
            released = release_leases(session, flow_name, key)
    console.print(f"flow {flow_name}: released {len(released)} lease(s)", highlight=False)
