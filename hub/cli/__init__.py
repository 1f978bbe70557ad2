"""The `hub` command line: one Typer app, one module per command group."""

from __future__ import annotations

import typer

from hub.cli import db, demo, dlq, edi, mapping, runs, schema, sync, systems, up

app = typer.Typer(
    name="hub",
    help="Integration hub: keeps ERP, CRM, OMS, WMS, SRM and OA consistent.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold credentials
)
app.add_typer(schema.app, name="schema")
app.add_typer(db.app, name="db")
app.add_typer(systems.app, name="systems")
app.add_typer(mapping.app, name="mapping")
app.add_typer(sync.app, name="sync")
app.add_typer(runs.app, name="runs")
app.add_typer(dlq.app, name="dlq")
app.add_typer(edi.app, name="edi")
app.command("demo")(demo.demo)
app.command("up")(up.up)

__all__ = ["app"]
