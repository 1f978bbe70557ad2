"""Inspection output: a JSON-able description of every interchange, message and problem."""

from __future__ import annotations

import json
from pathlib import Path

from connectors.edi.core.inspect import inspect_file
from connectors.edi.edifact import inspect_text

FIXTURES = Path(__file__).parent / "fixtures" / "edifact"


def test_inspection_of_a_valid_file() -> None:
    text = (FIXTURES / "valid_two_interchanges_crlf.edi").read_bytes().decode()
    report = inspect_text(text, segments=True)
    json.dumps(report)  # JSON-able as is
    assert report["summary"] == {
        "interchanges": 2,
        "groups": 0,
        "transactions": 2,
        "errors": 0,
        "warnings": 0,
        "valid": True,
    }
    first = report["interchanges"][0]
    assert (first["standard"], first["sender"], first["sender_qualifier"]) == (
        "edifact",
        "5401234000012",
        "14",
    )
    assert first["separators"]["suffix"] == "\r\n"
    [message] = first["transactions"]
    assert (message["type"], message["version"], message["status"]) == ("DESADV", "D96A", "A")
    assert message["specification"] == "edifact/D96A/DESADV"
    assert message["segments"][0] == {
        "position": 2,
        "tag": "UNH",
        "elements": ["M1", ["DESADV", "D", "96A", "UN"]],
    }


def test_same_shape_as_the_core_inspection() -> None:
    text = (FIXTURES / "valid_group.edi").read_text()
    ours, core = inspect_text(text), inspect_file(text)

    def keys(value: object) -> object:
        if isinstance(value, dict):
            return {k: keys(v) for k, v in value.items() if k != "errors"}
        if isinstance(value, list):
            return [keys(v) for v in value]
        return type(value).__name__

    assert keys(ours) == keys(core)


def test_inspection_reports_problems_with_positions() -> None:
    report = inspect_text((FIXTURES / "bad_unknown_segment.edi").read_text())
    assert report["summary"]["valid"] is False
    assert report["summary"]["errors"] == 1
    [error] = report["interchanges"][0]["transactions"][0]["errors"]
    assert error["code"] == "segment.unknown"
    assert error["segment_id"] == "ZZZ"
    assert error["tx_position"] == 10  # UNH=1 .. CUX=9, then ZZZ


def test_inspection_says_plainly_when_there_is_no_specification() -> None:
    report = inspect_text((FIXTURES / "orders_d01b_nospec.edi").read_text())
    assert report["summary"]["valid"] is True
    assert report["summary"]["warnings"] == 1
    [message] = report["interchanges"][0]["transactions"]
    assert message["specification"] is None
    [warning] = message["errors"]
    assert warning["message"] == "no specification for EDIFACT D01B ORDERS; envelope checks only"


def test_inspection_of_unreadable_input_returns_the_error() -> None:
    report = inspect_text("not edi at all")
    assert report["summary"]["valid"] is False
    assert report["interchanges"] == []
    assert report["errors"][0]["code"] == "syntax.no_envelope"
