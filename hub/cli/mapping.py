"""`hub mapping`: run the mapping files' worked examples and preview one record."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

app = typer.Typer(help="Mapping files: worked examples and previews.", no_args_is_help=True)


def default_root() -> Path:
    """The repository's mapping folder (beside the mapping engine)."""
    import mappings

    return Path(mappings.__file__).resolve().parent


def _shown(mapping_file: str, target: Path) -> str:
    """The mapping's path relative to the folder tested, which keeps the table narrow."""
    base = target if target.is_dir() else target.parent
    try:
        return str(Path(mapping_file).resolve().relative_to(base.resolve()))
    except ValueError:
        return mapping_file


@app.command("test")
def run_tests(
    path: Path | None = typer.Argument(
        None,
        help="A mapping file or a folder of them; default: the repository's mappings/.",
        show_default=False,
    ),
) -> None:
    """Run every worked example (native -> canonical -> native); exit 1 on any failure."""
    from mappings import run_examples

    target = path if path is not None else default_root()
    console = Console()
    if not target.exists():
        Console(stderr=True).print(f"[red]no such file or folder:[/] {target}")
        raise typer.Exit(1)
    results = run_examples(target)
    if not results:
        Console(stderr=True).print(f"[yellow]no worked examples found under[/] {target}")
        raise typer.Exit(1)
    table = Table(title=f"Mapping examples under {target}")
    table.add_column("mapping")
    table.add_column("example")
    table.add_column("direction")
    table.add_column("result")
    for result in results:
        verdict = Text("PASS", style="green") if result.ok else Text("FAIL", style="bold red")
        table.add_row(_shown(result.mapping, target), result.example, result.direction, verdict)
    console.print(table)
    failures = [result for result in results if not result.ok]
    for result in failures:
        shown = _shown(result.mapping, target)
        console.rule(f"{shown} {result.example} {result.direction}", style="red")
        # Diffs and errors are printed as plain text: rich markup in them must not render.
        console.print(Text(result.error or result.diff or "failed without detail"), soft_wrap=True)
    passed = len(results) - len(failures)
    console.print(f"[bold]{passed} passed, {len(failures)} failed[/]")
    if failures:
        raise typer.Exit(1)


@app.command("preview")
def preview_record(
    system: str = typer.Argument(..., help="System folder, e.g. oms."),
    entity: str = typer.Argument(..., help="Mapping file name without .yaml, e.g. order."),
    record: Path = typer.Argument(..., help="A JSON file holding one native record."),
    root: Path | None = typer.Option(
        None, "--root", help="Folder of mapping files; default: the repository's mappings/."
    ),
    xref: Path | None = typer.Option(
        None,
        "--xref",
        help="JSON list of {entity, canonical_id, system, system_id} rows for lookups.",
    ),
) -> None:
    """Map one native record and print the canonical result as JSON; exit 1 on errors.

    A record a filter rejects counts as an error here: it has no canonical form.
    """
    from mappings import InMemoryXrefResolver, MappingError, mapping_path, preview

    errors = Console(stderr=True)
    try:
        mapping_file = mapping_path(root if root is not None else default_root(), system, entity)
    except MappingError as exc:
        errors.print(Text(str(exc)), soft_wrap=True)
        raise typer.Exit(1) from None
    resolver = None
    if xref is not None:
        try:
            rows = json.loads(xref.read_text(encoding="utf-8"))
            resolver = InMemoryXrefResolver(
                (row["entity"], row["canonical_id"], row["system"], row["system_id"])
                for row in rows
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            errors.print(Text(f"{xref}: not a list of xref rows ({exc})"), soft_wrap=True)
            raise typer.Exit(1) from None
    if not record.is_file():
        errors.print(Text(f"{record}: no such file"), soft_wrap=True)
        raise typer.Exit(1)
    result = preview(mapping_file, record, resolver=resolver)
    if result.rejected is not None:
        errors.print(Text(f"{record}: rejected by filter {result.rejected}"), soft_wrap=True)
        raise typer.Exit(1)
    if result.errors or result.canonical is None:
        for message in result.errors or ["no canonical record"]:
            errors.print(Text(f"{record}: {message}"), soft_wrap=True)
        raise typer.Exit(1)
    typer.echo(json.dumps(result.canonical, indent=2, ensure_ascii=False))
