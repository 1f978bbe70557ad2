"""`hub demo`: the end-to-end demonstration on embedded defaults."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

# Capabilities still being built, in the order the roadmap takes them; the demo names them
# so that nobody mistakes what it shows for the whole product.
STILL_TO_COME = [
    "connectors (REST, SOAP, SFTP), system profiles and the mapping language",
    "EDI with trading partners: X12 and EDIFACT over SFTP",
    "the sync engine: flows, identity, change detection, dead letters",
    "Airflow DAGs for order to cash, procure to pay and approvals",
]


def demo(
    report: Path | None = typer.Option(None, "--report", help="Write a JSON report here."),
    seed_number: int = typer.Option(42, "--seed", help="Seed of the demo world."),
) -> None:
    """Run the end-to-end demo on embedded defaults (SQLite, loopback)."""
    from canonical.schema import export_schemas
    from hub.embedded import parse_only, running_systems, seed_systems
    from hub.redaction import redact
    from hub.settings import get_settings, state_store_url
    from hub.store.migrate import current, upgrade
    from reference.seed.world import World

    console = Console()
    began = time.monotonic()
    settings = get_settings()
    result: dict[str, Any] = {"steps": {}, "still_to_come": STILL_TO_COME}

    url = state_store_url(settings)
    upgrade(url)
    result["steps"]["state_store"] = {"url": redact(url), "revision": current(url)}
    console.print(f"[green]state store[/] {redact(url)} at revision {current(url)}")

    schema_dir = settings.data_dir / "schemas"
    written = export_schemas(schema_dir)
    result["steps"]["schemas"] = {"directory": str(schema_dir), "count": len(written)}
    console.print(f"[green]schemas[/] {len(written)} canonical models exported to {schema_dir}")

    demo_dir = settings.data_dir / "demo"
    shutil.rmtree(demo_dir, ignore_errors=True)
    world = World(seed=seed_number, size="demo")
    names = parse_only(None)
    seed_systems(names, demo_dir, world)
    with running_systems(
        names, demo_dir, world=world, seed_new=False, fixed_ports=False
    ) as systems:
        table = Table(title="Reference systems (seeded demo data, healthy)")
        for column in ("system", "url", "protocol"):
            table.add_column(column)
        for s in systems:
            table.add_row(s.spec.name, s.base_url, s.spec.protocol)
        console.print(table)
        result["steps"]["reference_systems"] = {
            s.spec.name: {"healthy": True, "protocol": s.spec.protocol} for s in systems
        }

    console.print("[yellow]still to come:[/]")
    for item in STILL_TO_COME:
        console.print(f"  - {item}")
    result["seconds"] = round(time.monotonic() - began, 2)
    result["status"] = "ok"
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(result, indent=2))
        console.print(f"report written to {report}")
    console.print(f"[bold green]demo finished[/] in {result['seconds']}s")
