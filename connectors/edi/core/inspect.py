"""Inspection: a JSON-able summary of an EDI file with envelope and validation results."""

from __future__ import annotations

from typing import Any

from connectors.edi.core.ack import transaction_status
from connectors.edi.core.errors import EdiError
from connectors.edi.core.model import Group, Interchange, Transaction
from connectors.edi.core.spec import spec_path, validate


def inspect_file(data: bytes | str, *, validate_content: bool = True) -> dict[str, Any]:
    """Interchanges, groups, transactions, control numbers and every error with positions.

    Never raises for bad EDI: a file that cannot be read gives ``"errors"`` at top level.
    """
    from connectors.edi.core.detect import parse_file

    try:
        interchanges = parse_file(data)
    except EdiError as exc:
        return _summary([], [exc])
    return _summary([_interchange(ic, validate_content) for ic in interchanges], [])


def _summary(items: list[dict[str, Any]], file_errors: list[EdiError]) -> dict[str, Any]:
    errors = len(file_errors)
    warnings = 0
    groups = transactions = 0

    def count(errs: list[dict[str, Any]]) -> None:
        nonlocal errors, warnings
        for e in errs:
            if e["severity"] == "warning":
                warnings += 1
            else:
                errors += 1

    for ic in items:
        count(ic["errors"])
        for g in ic["groups"]:
            groups += 1
            count(g["errors"])
            for t in g["transactions"]:
                transactions += 1
                count(t["errors"])
        for t in ic["transactions"]:
            transactions += 1
            count(t["errors"])
    return {
        "interchanges": items,
        "errors": [e.to_dict() for e in file_errors],
        "summary": {
            "interchanges": len(items),
            "groups": groups,
            "transactions": transactions,
            "errors": errors,
            "warnings": warnings,
            "valid": errors == 0,
        },
    }


def _interchange(ic: Interchange, check: bool) -> dict[str, Any]:
    return {
        "standard": ic.standard,
        "sender_qualifier": ic.sender_qualifier,
        "sender": ic.sender,
        "receiver_qualifier": ic.receiver_qualifier,
        "receiver": ic.receiver,
        "control_number": ic.control_number,
        "date": ic.date,
        "time": ic.time,
        "version": ic.version,
        "test": ic.test,
        "separators": ic.separators.to_dict(),
        "span": list(ic.span),
        "segment_count": ic.segment_count,
        "errors": [e.to_dict() for e in ic.errors],
        "groups": [_group(g, ic, check) for g in ic.groups],
        "transactions": [_transaction(t, ic, check) for t in ic.direct_transactions],
    }


def _group(g: Group, ic: Interchange, check: bool) -> dict[str, Any]:
    return {
        "functional_id": g.functional_id,
        "control_number": g.control_number,
        "sender": g.sender,
        "receiver": g.receiver,
        "version": g.version,
        "date": g.date,
        "time": g.time,
        "position": g.header.position if g.header is not None else None,
        "transaction_count": len(g.transactions),
        "errors": [e.to_dict() for e in g.errors],
        "transactions": [_transaction(t, ic, check) for t in g.transactions],
    }


def _transaction(t: Transaction, ic: Interchange, check: bool) -> dict[str, Any]:
    errors: list[EdiError] = list(t.errors)
    if check:
        errors.extend(validate(t, ic.standard, decimal=ic.separators.decimal))
    path = spec_path(ic.standard, t.version, t.type)
    return {
        "type": t.type,
        "control_number": t.control_number,
        "version": t.version,
        "position": t.header.position,
        "segment_count": len(t.segments) + (2 if t.trailer is not None else 1),
        "specification": f"{ic.standard}/{t.version}/{t.type}" if path.is_file() else None,
        "status": transaction_status(errors),
        "errors": [e.to_dict() for e in errors],
    }
