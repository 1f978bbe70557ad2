"""`hub edi`: inspect, translate and acknowledge EDI files; run an exchange with a partner."""

from __future__ import annotations

import json
import sys
from itertools import count
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="EDI: inspect, translate, acknowledge files; exchange with partners.")

FileArg = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="An EDI file.")


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command("inspect")
def inspect(
    file: Path = FileArg,
    as_json: bool = typer.Option(False, "--json", help="Print the inspection as JSON."),
) -> None:
    """Interchanges, groups, transactions, control numbers and errors with positions."""
    from connectors.edi.core.inspect import inspect_file

    result = inspect_file(file.read_bytes())
    if as_json:
        _out(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _print_inspection(result)
    if not result["summary"]["valid"]:
        raise typer.Exit(1)


def _print_inspection(result: dict[str, Any]) -> None:
    console = Console()
    table = Table("interchange", "group", "transaction", "type", "status", "errors")
    for ic in result["interchanges"]:
        label = f"{ic['standard']} {ic['sender']}->{ic['receiver']} #{ic['control_number']}"
        txs = [(None, t) for t in ic["transactions"]]
        for group in ic["groups"]:
            txs += [(group["control_number"], t) for t in group["transactions"]]
        for gcn, tx in txs:
            table.add_row(
                label,
                gcn or "",
                tx["control_number"],
                tx["type"],
                tx.get("status") or "",
                str(len(tx["errors"])),
            )
    console.print(table)
    errors = _all_errors(result)
    for err in errors:
        where = f"segment {err.get('position')} {err.get('segment_id') or ''}".strip()
        if err.get("element"):
            where += f" element {err['element']}"
        console.print(f"[{err['severity']}] {where}: {err['code']}: {err['message']}", markup=False)
    summary = result["summary"]
    console.print(
        f"{summary['interchanges']} interchange(s), {summary['transactions']} transaction(s), "
        f"{summary['errors']} error(s), {summary['warnings']} warning(s): "
        + ("valid" if summary["valid"] else "INVALID"),
        markup=False,
    )


def _all_errors(result: dict[str, Any]) -> list[dict[str, Any]]:
    out = list(result["errors"])
    for ic in result["interchanges"]:
        out += ic["errors"]
        for group in ic["groups"]:
            out += group["errors"]
            for tx in group["transactions"]:
                out += tx["errors"]
        for tx in ic["transactions"]:
            out += tx["errors"]
    return out


@app.command("translate")
def translate(
    file: Path = FileArg,
    partner: str | None = typer.Option(None, help="Partner id whose code mappings to apply."),
) -> None:
    """Print each transaction as canonical JSON (or its translation error)."""
    from connectors.edi import EdiError, parse_file
    from hub.edi.documents import translate as translate_tx
    from hub.edi.partner import load_partner

    profile = load_partner(partner) if partner else None
    try:
        interchanges = parse_file(file.read_bytes())
    except EdiError as exc:
        _out(json.dumps({"error": exc.to_dict()}, indent=2))
        raise typer.Exit(1) from None
    documents = []
    failed = False
    for ic in interchanges:
        for tx in ic.transactions:
            item = translate_tx(tx, profile, ic.separators.decimal or ".")
            failed |= item.error is not None
            documents.append(
                {
                    "interchange": ic.control_number,
                    "type": item.edi_type,
                    "control_number": item.control_number,
                    "document_type": item.doc_type,
                    "document": item.canonical,
                    "error": item.error.to_dict() if item.error is not None else None,
                }
            )
    _out(json.dumps({"documents": documents}, indent=2, ensure_ascii=False))
    if failed:
        raise typer.Exit(1)


@app.command("ack")
def ack(file: Path = FileArg) -> None:
    """Print the 997 (and TA1) or CONTRL answering each interchange in the file."""
    from connectors.edi import EdiError, parse_file
    from connectors.edi.edifact import generate_contrl
    from connectors.edi.x12.ack import AckControlNumbers, acknowledge, write_acknowledgement

    try:
        interchanges = parse_file(file.read_bytes())
    except EdiError as exc:
        Console(stderr=True).print(f"not EDI: {exc}", markup=False)
        raise typer.Exit(1) from None
    numbers = count(1)
    for ic in interchanges:
        if ic.standard == "x12":
            result = acknowledge(ic)
            control = AckControlNumbers(
                str(next(numbers)).zfill(9),
                [str(next(numbers)) for _ in result.groups],
                [str(next(numbers)).zfill(4) for _ in result.groups],
            )
            _out(write_acknowledgement(ic, result, control))
        else:
            _out(generate_contrl(ic, control_reference=str(next(numbers))))


@app.command("exchange")
def exchange(
    partner: str = typer.Option(..., help="Partner id (a profile in partners/)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """One cycle: receive and acknowledge waiting files, send queued documents."""
    from hub.edi.exchange import run_cycle
    from hub.edi.partner import load_partner
    from hub.settings import get_settings, state_store_url
    from hub.store import make_engine, make_session_factory
    from hub.store.migrate import upgrade

    profile = load_partner(partner)
    url = state_store_url(get_settings())
    upgrade(url)
    engine = make_engine(url)
    try:
        result = run_cycle(profile, make_session_factory(engine))
    finally:
        engine.dispose()
    summary: dict[str, Any] = {
        "partner": result.partner,
        "received": [
            {"file": r.name, "outcome": r.outcome, "documents": len(r.document_ids),
             "moved_to": r.moved_to}
            for r in result.received
        ],
        "sent": [
            {"file": s.filename, "control_number": s.control_number, "type": s.edi_type}
            for s in result.sent
        ],
        "overdue_acknowledgements": [
            {"interchange": o.interchange_control_number, "due": o.ack_due_at.isoformat()
             if o.ack_due_at else None}
            for o in result.overdue
        ],
    }  # fmt: skip
    if as_json:
        _out(json.dumps(summary, indent=2))
        return
    console = Console()
    for r in summary["received"]:
        console.print(f"received {r['file']}: {r['outcome']} -> {r['moved_to']}", markup=False)
    for s in summary["sent"]:
        console.print(f"sent {s['file']} (control number {s['control_number']})", markup=False)
    for o in summary["overdue_acknowledgements"]:
        console.print(f"OVERDUE acknowledgement for {o['interchange']}", markup=False)
    console.print(
        f"{profile.id}: {len(result.received)} received, {len(result.sent)} sent, "
        f"{len(result.overdue)} acknowledgement(s) overdue",
        markup=False,
    )
