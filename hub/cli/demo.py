"""`hub demo`: the whole hub end to end on an embedded landscape, with a report."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from hub.landscape.report import PROCESS_KEYS, DemoReport


@contextmanager
def log_to_file(path: Path) -> Iterator[None]:
    """Send the hub's log records to ``path`` while the demo runs (the screen shows progress)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()


class Display:
    """A spinner per flow and process, a line for each one finished."""

    def __init__(self, console: Console, progress: Progress) -> None:
        self.console = console
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, event: Any) -> None:
        key = f"{event.kind}:{event.name}"
        if event.kind in ("flow", "process") and event.status == "running":
            self.tasks[key] = self.progress.add_task(f"{event.kind} {event.name}", total=None)
            return
        if event.kind == "step":
            process = event.name.split(".", 1)[0]
            task = self.tasks.get(f"process:{process}")
            if task is not None:
                self.progress.update(task, description=f"process {event.name}")
            return
        task = self.tasks.pop(key, None)
        if task is not None:
            self.progress.remove_task(task)
        colour = "green" if event.status in ("succeeded", "done") else "red"
        if event.status == "stopped":
            colour = "yellow"
        detail = f" [dim]{event.detail}[/]" if event.detail else ""
        self.console.print(
            f"[{colour}]{event.status:>9}[/] {event.kind} [bold]{event.name}[/]{detail}",
            highlight=False,
        )


def summary_tables(report: DemoReport) -> list[Table]:
    """The flows table, the processes table (business counts) and the exchange totals."""
    flows = Table(title="Master-data flows")
    for column in ("flow", "status", "read", "written", "unchanged", "dead letters", "s"):
        flows.add_column(column, justify="left" if column in ("flow", "status") else "right")
    for f in report.flows:
        c = f.counts
        flows.add_row(
            f.name,
            f.status,
            *(str(c.get(k, 0)) for k in ("read", "written", "unchanged", "dead_lettered")),
            f"{f.seconds:.1f}",
        )
    processes = Table(title="Processes")
    processes.add_column("count")
    for p in report.processes:
        processes.add_column(p.name, justify="right")
    processes.add_column("total", justify="right")
    totals = report.totals()
    processes.add_row("status", *(p.status for p in report.processes), "")
    for key in PROCESS_KEYS:
        values = [str(p.summary()[key]) for p in report.processes]
        processes.add_row(key.replace("_", " "), *values, str(totals.get(key, 0)))
    exchange = Table(title="EDI exchange and dead letters (state store)")
    exchange.add_column("what")
    exchange.add_column("count", justify="right")
    for key in ("interchanges_in", "interchanges_out", "dead_letters_open"):
        exchange.add_row(key.replace("_", " "), str(totals.get(key, 0)))
    return [flows, processes, exchange]


def demo(
    report_path: Path | None = typer.Option(None, "--report", help="Write a JSON report here."),
    seed_number: int = typer.Option(42, "--seed", help="Seed of the demo world."),
    airflow: bool | None = typer.Option(
        None,
        "--airflow/--no-airflow",
        help="Run the DAGs with dag.test() (default: when dags/ and Airflow are there), "
        "or call run_flow / run_process directly.",
    ),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Where the landscape lives (default: HUB_DATA_DIR/demo)."
    ),
    retail_orders: int = typer.Option(3, "--retail-orders", help="Orders each retailer sends."),
    wait_timeout: float = typer.Option(
        60.0, "--wait-timeout", help="Seconds a process waits for people and partners."
    ),
    only: str | None = typer.Option(
        None, "--only", help="Comma list of flows and processes to run (default: all)."
    ),
    stop_system: list[str] = typer.Option(
        [], "--stop-system", hidden=True, help="Stop this system before the processes (drill)."
    ),
) -> None:
    """Start everything embedded, run every flow and process, print and write a report."""
    from hub.landscape import embedded_landscape
    from hub.landscape.airflow import dags_available
    from hub.landscape.demo import DemoOptions, run_demo
    from hub.settings import get_settings
    from reference.seed.world import World

    console = Console()
    folder = (data_dir or get_settings().data_dir / "demo").resolve()
    use_airflow = dags_available() if airflow is None else airflow
    if use_airflow and not dags_available():
        console.print("[red]error:[/] --airflow needs dags/hub_*.py and apache-airflow")
        raise typer.Exit(code=2)
    options = DemoOptions(
        retail_orders=retail_orders,
        wait_timeout=wait_timeout,
        only=frozenset(n.strip() for n in only.split(",") if n.strip()) if only else None,
        stop_before_processes=tuple(stop_system),
    )
    console.print(
        f"[bold]hub demo[/] seed {seed_number}, "
        f"{'Airflow dag.test()' if use_airflow else 'direct run_flow / run_process'}, "
        f"data in {folder} (log: demo.log)"
    )
    world = World(seed=seed_number, size="demo")
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with (
        log_to_file(folder / "demo.log"),
        Progress(*columns, console=console, transient=True) as progress,
    ):
        display = Display(console, progress)
        starting = progress.add_task("starting the landscape", total=None)
        with embedded_landscape(folder, world=world) as landscape:
            progress.remove_task(starting)
            sftp = landscape.sftp.port if landscape.sftp else "-"
            console.print(
                f"[green]{'up':>9}[/] six systems, SFTP port {sftp}, "
                f"{len(landscape.mailboxes)} partners, {len(landscape.actors)} actors",
                highlight=False,
            )
            report = run_demo(
                landscape, seed=seed_number, options=options, airflow=use_airflow, listener=display
            )
    for table in summary_tables(report):
        console.print(table)
    data = report.as_json()
    if report_path is not None:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        console.print(f"report written to {report_path}")
    if data["failed"]:
        console.print(
            f"[bold red]demo failed[/] in {data['seconds']}s: {', '.join(data['failed'])}"
        )
        errors = [(f.name, f.error) for f in report.flows if f.status != "succeeded"]
        errors += [(p.name, p.error) for p in report.processes if p.status != "succeeded"]
        for name, error in errors:
            console.print(f"  {name}: {error or 'failed'}", highlight=False, markup=False)
        raise typer.Exit(code=1)
    console.print(f"[bold green]demo finished[/] in {data['seconds']}s")
