"""`hub schema`: publish the canonical model as JSON Schema."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(help="Canonical model schemas.", no_args_is_help=True)


@app.command("export")
def export(
    directory: Path = typer.Argument(..., help="Folder to write one <Model>.schema.json into."),
) -> None:
    """Write one JSON Schema per canonical model."""
    from canonical.schema import export_schemas

    written = export_schemas(directory)
    console = Console()
    for path in written:
        console.print(f"wrote {path}")
    console.print(f"[bold]{len(written)}[/] schemas in {directory}")
