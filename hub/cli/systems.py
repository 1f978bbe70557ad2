"""`hub systems`: run and seed the built-in reference ERP, CRM, OMS, WMS, SRM and OA."""

from __future__ import annotations

import threading
import time

import typer
from rich.console import Console
from rich.table import Table

from hub.cli.signals import stop_on_signals
from hub.embedded import RunningSystem, parse_only, running_systems, seed_systems

app = typer.Typer(help="The built-in reference systems.", no_args_is_help=True)

OnlyOption = typer.Option(None, "--only", help="Comma-separated subset, e.g. crm,erp.")


def _names(only: str | None) -> list[str]:
    try:
        return parse_only(only)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--only") from exc


def systems_table(systems: list[RunningSystem]) -> Table:
    table = Table(title="Reference systems on loopback")
    for column in ("system", "url", "protocol", "auth", "demo credentials", "docs"):
        table.add_column(column)
    for s in systems:
        creds = ", ".join(f"{k}={v}" for k, v in s.spec.credentials.items())
        table.add_row(
            s.spec.name, s.base_url, s.spec.protocol, s.spec.auth, creds,
            s.base_url + s.spec.docs_path,
        )  # fmt: skip
    return table


@app.command("up")
def up(
    only: str | None = OnlyOption,
    seed: bool = typer.Option(True, help="Seed demo data into systems whose database is new."),
    seed_number: int = typer.Option(42, "--seed-number", help="Seed of the demo world."),
    port_offset: int = typer.Option(
        0, "--port-offset", help="Add this to every documented port (to run a second set)."
    ),
) -> None:
    """Start the reference systems on their fixed loopback ports until Ctrl-C."""
    from hub.settings import get_settings
    from reference.seed.world import World

    console = Console()
    stop_on_signals()
    started = time.monotonic()
    data_dir = get_settings().data_dir
    with running_systems(
        _names(only),
        data_dir,
        world=World(seed=seed_number),
        seed_new=seed,
        port_offset=port_offset,
    ) as systems:
        console.print(systems_table(systems))
        console.print(
            f"all {len(systems)} healthy in {time.monotonic() - started:.1f}s; press Ctrl-C to stop"
        )
        stop = threading.Event()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            console.print("stopping")


@app.command("seed")
def seed(
    size: str = typer.Option("demo", help="demo (about 200 customers) or bench (100,000)."),
    seed_number: int = typer.Option(42, "--seed", help="Seed of the generated world."),
    only: str | None = OnlyOption,
) -> None:
    """Load deterministic demo or bench data into the systems' databases."""
    from hub.settings import get_settings
    from reference.seed.world import SIZES, World

    if size not in SIZES:
        raise typer.BadParameter(f"size must be one of {', '.join(SIZES)}", param_hint="--size")
    console = Console()
    world = World(seed=seed_number, size=size)
    for name in _names(only):
        began = time.monotonic()
        seed_systems([name], get_settings().data_dir, world)
        console.print(
            f"seeded {name} ({size}, seed {seed_number}) in {time.monotonic() - began:.1f}s"
        )
