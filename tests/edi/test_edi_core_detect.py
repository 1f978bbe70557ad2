"""parse_file detection, multiple interchanges and the inspection JSON."""

from __future__ import annotations

import json

import pytest

from connectors.edi import EdiSyntaxError, parse_file
from connectors.edi.core.inspect import inspect_file


def test_bytes_and_text_give_the_same_interchanges(x12_fixture) -> None:
    data = x12_fixture("850.edi")
    a, b = parse_file(data), parse_file(data.decode())
    assert [i.control_number for i in a] == [i.control_number for i in b] == ["000000101"]
    assert a[0].span == (0, len(data))


def test_several_interchanges_in_one_file_are_all_read(x12_fixture) -> None:
    data = x12_fixture("multi_interchange.edi")
    ics = parse_file(b"\r\n  " + data)
    assert [ic.control_number for ic in ics] == ["000000101", "000000103"]
    assert [t.type for ic in ics for t in ic.transactions] == ["850", "810"]
    # segment positions keep counting across interchanges
    assert ics[1].header is not None
    assert ics[1].header.position == ics[0].segment_count + 1
    assert ics[0].span[1] <= ics[1].span[0]


@pytest.mark.parametrize("data", [b"", b"   \n", b"Hello world", b"<xml/>"])
def test_not_edi_is_a_clear_syntax_error(data: bytes) -> None:
    with pytest.raises(EdiSyntaxError):
        parse_file(data)


def test_inspect_gives_json_with_positions(x12_fixture) -> None:
    report = inspect_file(x12_fixture("bad_element_too_long.edi"))
    json.dumps(report)  # JSON-able
    ic = report["interchanges"][0]
    assert ic["standard"] == "x12"
    assert ic["control_number"] == "000000101"
    tx = ic["groups"][0]["transactions"][0]
    assert tx["type"] == "850"
    assert tx["control_number"] == "0001"
    assert tx["specification"] == "x12/004010/850"
    assert tx["status"] == "R"
    err = tx["errors"][0]
    assert err["code"] == "element.too_long"
    assert (err["segment_id"], err["element"], err["tx_position"]) == ("BEG", 3, 2)
    assert err["position"] == 4
    assert report["summary"]["valid"] is False


def test_inspect_of_a_version_without_spec_is_valid_with_a_warning(x12_fixture) -> None:
    report = inspect_file(x12_fixture("850_vics.edi"))
    tx = report["interchanges"][0]["groups"][0]["transactions"][0]
    assert tx["specification"] is None
    assert tx["errors"][0]["message"].startswith("no specification for X12 004010VICS 850")
    assert report["summary"] == {
        "interchanges": 1,
        "groups": 1,
        "transactions": 1,
        "errors": 0,
        "warnings": 1,
        "valid": True,
    }


def test_inspect_never_raises_on_garbage() -> None:
    report = inspect_file(b"ISA*garbage")
    assert report["interchanges"] == []
    assert report["errors"][0]["kind"] == "EdiSyntaxError"
    assert report["summary"]["valid"] is False
