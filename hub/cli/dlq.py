"""`hub dlq`: list, show, replay and discard dead letters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, cast

import typer
from rich.console import Console
from rich.table import Table

from hub.cli.sync import FlowsOption, MappingsOption, ProfilesOption, fail, when, workspace
from hub.flows.loader import FlowError
from hub.redaction import redact

if TYPE_CHECKING:
    from hub.store.dead_letters import DeadLetterStatus

app = typer.Typer(help="Dead letters: records that failed, kept for replay.", no_args_is_help=True)

STATUSES = ("open", "replayed", "discarded", "all")


@app.command("list")
def list_(
    flow: str | None = typer.Option(None, "--flow", help="Only letters of this flow."),
    run_id: int | None = typer.Option(None, "--run", help="Only letters of this run."),
    error_class: str | None = typer.Option(None, "--error-class", help="e.g. ClientError."),
    status: str = typer.Option("open", "--status", help="open, replayed, discarded or all."),
    after: int = typer.Option(0, "--after", help="Start after this letter id (paging)."),
    limit: int = typer.Option(100, "--limit", min=1, max=10_000),
) -> None:
    """Dead letters in id order (open ones unless --status says otherwise)."""
    from hub.flows.workspace import state_sessions
    from hub.sync import list_letters

    console = Console()
    if status not in STATUSES:
        raise fail(console, f"--status must be one of {', '.join(STATUSES)}")
    table = Table(title="Dead letters")
    for column in ("id", "flow", "run", "record", "stage", "error", "status", "tries", "at"):
        table.add_column(column)
    table.add_column("message", overflow="fold")
    with state_sessions() as sessions, sessions() as session:
        letters = list_letters(
            session,
            flow=flow,
            status=None if status == "all" else cast("DeadLetterStatus", status),
            run_id=run_id,
            error_class=error_class,
            after_id=after,
            limit=limit,
        )
        for letter in letters:
            table.add_row(
                str(letter.id),
                letter.flow,
                "-" if letter.run_id is None else str(letter.run_id),
                letter.record_key or "-",
                letter.stage,
                letter.error_class,
                letter.status,
                str(letter.attempts),
                when(letter.created_at),
                redact(letter.message),
            )
    console.print(table)


@app.command("show")
def show(letter_id: int = typer.Argument(..., metavar="ID", help="Dead letter id.")) -> None:
    """One dead letter with its original payload (as JSON)."""
    from hub.flows.workspace import state_sessions
    from hub.store import NotFoundError
    from hub.sync import show_letter

    console = Console()
    with state_sessions() as sessions, sessions() as session:
        try:
            letter = show_letter(session, letter_id)
        except NotFoundError:
            raise fail(console, f"no dead letter {letter_id}") from None
        document = {
            "id": letter.id,
            "flow": letter.flow,
            "run_id": letter.run_id,
            "record_key": letter.record_key,
            "stage": letter.stage,
            "error_class": letter.error_class,
            "message": letter.message,
            "status": letter.status,
            "attempts": letter.attempts,
            "created_at": when(letter.created_at),
            "updated_at": when(letter.updated_at),
            "payload": letter.payload,
        }
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    console.print(redact(text), highlight=False, markup=False)


@app.command("replay")
def replay(
    flow_name: str = typer.Argument(..., metavar="FLOW", help="Flow whose letters to replay."),
    ids: list[int] = typer.Option([], "--id", help="Letter id (repeat for several)."),
    run_id: int | None = typer.Option(None, "--run", help="Every open letter of this run."),
    error_class: str | None = typer.Option(
        None, "--error-class", help="Every open letter with this error class."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Map and compare; write nothing."),
    flows: Path = FlowsOption,
    profiles: Path = ProfilesOption,
    mappings: Path = MappingsOption,
) -> None:
    """Replay open letters of FLOW through the current mappings and target."""
    from hub.flows.workspace import state_sessions
    from hub.sync import FlowLocked, RunOptions, replay_letters

    console = Console()
    if not ids and run_id is None and error_class is None:
        raise fail(console, "choose letters with --id, --run or --error-class")
    space = workspace(flows, profiles, mappings)
    try:
        built = space.build(space.flow(flow_name))
    except FlowError as exc:
        raise fail(console, str(exc)) from None
    except Exception as exc:
        raise fail(console, f"{type(exc).__name__}: {exc}") from None
    try:
        with state_sessions() as sessions:
            result = replay_letters(
                sessions,
                built.context,
                ids=ids or None,
                run_id=run_id,
                error_class=error_class,
                options=RunOptions(dry_run=dry_run),
            )
    except FlowLocked as exc:
        raise fail(console, f"flow {flow_name} is being replayed elsewhere: {exc}") from None
    finally:
        built.close()
    table = Table(title=f"Replay of {flow_name}" + (" (dry run)" if dry_run else ""))
    table.add_column("outcome")
    table.add_column("letters", justify="right")
    table.add_column("ids", overflow="fold")
    for name, chosen in (
        ("replayed", result.replayed),
        ("failed again", result.failed),
        ("skipped (not open)", result.skipped),
    ):
        table.add_row(name, str(len(chosen)), ", ".join(map(str, chosen)) or "-")
    console.print(table)
    if result.failed:
        raise typer.Exit(code=2)


@app.command("discard")
def discard(
    ids: list[int] = typer.Argument(..., metavar="ID...", help="Letter ids to discard."),
) -> None:
    """Mark open letters discarded: they will not be replayed."""
    from hub.flows.workspace import state_sessions
    from hub.store import NotFoundError
    from hub.sync import discard_letters

    console = Console()
    with state_sessions() as sessions, sessions.begin() as session:
        try:
            changed = discard_letters(session, ids)
        except NotFoundError as exc:
            raise fail(console, str(exc)) from None
    console.print(f"discarded {changed} of {len(ids)} letter(s)")
