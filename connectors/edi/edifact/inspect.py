"""Inspection: a JSON-able summary of an EDIFACT file, in the shape of core.inspect.

Same keys as `connectors.edi.core.inspect.inspect_file` (which X12 uses), but messages are
checked with the EDIFACT validation (DTM formats, CONTRL, subset warnings); with
``segments=True`` each transaction also lists its segments.
"""

from __future__ import annotations

from typing import Any

from connectors.edi.core.ack import transaction_status
from connectors.edi.core.errors import EdiError
from connectors.edi.core.model import Group, Interchange, Segment, Transaction
from connectors.edi.core.spec import spec_path
from connectors.edi.edifact.reader import parse_interchanges
from connectors.edi.edifact.validate import spec_version, validate_message


def inspect_text(text: str, *, segments: bool = False) -> dict[str, Any]:
    """Read, check and describe every interchange in ``text``; never raises for bad data.

    ``{"interchanges": [...], "errors": [...], "summary": {"interchanges", "groups",
    "transactions", "errors", "warnings", "valid"}}``; top-level ``errors`` holds the
    error that made the text unreadable, if any.
    """
    try:
        interchanges = parse_interchanges(text)
    except EdiError as exc:
        return _summary([], [exc])
    return _summary([describe_interchange(i, segments=segments) for i in interchanges], [])


def _summary(items: list[dict[str, Any]], file_errors: list[EdiError]) -> dict[str, Any]:
    problems: list[dict[str, Any]] = [e.to_dict() for e in file_errors]
    groups = transactions = 0
    for item in items:
        problems.extend(item["errors"])
        for group in item["groups"]:
            groups += 1
            problems.extend(group["errors"])
            for tx in group["transactions"]:
                transactions += 1
                problems.extend(tx["errors"])
        for tx in item["transactions"]:
            transactions += 1
            problems.extend(tx["errors"])
    warnings = sum(1 for p in problems if p["severity"] == "warning")
    errors = len(problems) - warnings
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


def describe_interchange(interchange: Interchange, *, segments: bool = False) -> dict[str, Any]:
    """One interchange as a JSON-able dict (validates its messages)."""
    decimal = interchange.separators.decimal
    return {
        "standard": interchange.standard,
        "sender_qualifier": interchange.sender_qualifier,
        "sender": interchange.sender,
        "receiver_qualifier": interchange.receiver_qualifier,
        "receiver": interchange.receiver,
        "control_number": interchange.control_number,
        "date": interchange.date,
        "time": interchange.time,
        "version": interchange.version,
        "test": interchange.test,
        "separators": interchange.separators.to_dict(),
        "span": list(interchange.span),
        "segment_count": interchange.segment_count,
        "errors": [e.to_dict() for e in interchange.errors],
        "groups": [_group(g, decimal, segments) for g in interchange.groups],
        "transactions": [_message(m, decimal, segments) for m in interchange.direct_transactions],
    }


def _group(group: Group, decimal: str, segments: bool) -> dict[str, Any]:
    return {
        "functional_id": group.functional_id,
        "control_number": group.control_number,
        "sender": group.sender,
        "receiver": group.receiver,
        "version": group.version,
        "date": group.date,
        "time": group.time,
        "position": group.header.position if group.header is not None else None,
        "transaction_count": len(group.transactions),
        "errors": [e.to_dict() for e in group.errors],
        "transactions": [_message(m, decimal, segments) for m in group.transactions],
    }


def _message(message: Transaction, decimal: str, segments: bool) -> dict[str, Any]:
    problems = [*message.errors, *validate_message(message, decimal)]
    version = spec_version(message)
    found = spec_path("edifact", version, message.type).is_file()
    out: dict[str, Any] = {
        "type": message.type,
        "control_number": message.control_number,
        "version": message.version,
        "position": message.header.position,
        "segment_count": len(message.segments) + (2 if message.trailer is not None else 1),
        "specification": f"edifact/{version}/{message.type}" if found else None,
        "status": transaction_status(problems),
        "errors": [e.to_dict() for e in problems],
    }
    if segments:
        out["segments"] = [_segment(s) for s in message.all_segments]
    return out


def _segment(segment: Segment) -> dict[str, Any]:
    return {
        "position": segment.position,
        "tag": segment.tag,
        "elements": [list(e) if isinstance(e, tuple) else e for e in segment.elements],
    }
