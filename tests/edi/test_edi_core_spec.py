"""Spec files as data: loading, the validator engine and its regex fast path."""

from __future__ import annotations

import random

import pytest

from connectors.edi import parse_file
from connectors.edi.core.errors import Code, EdiError
from connectors.edi.core.fastpath import compiled
from connectors.edi.core.model import Segment, Transaction
from connectors.edi.core.spec import (
    Validator,
    available_specs,
    load_spec,
    parse_compact,
    validate,
)

DOCS = ["850", "855", "856", "810", "846", "997"]


@pytest.mark.parametrize("doc", DOCS)
def test_every_x12_document_has_a_loadable_spec(doc: str) -> None:
    spec = load_spec("x12", "004010", doc)
    assert spec is not None
    assert spec.structure[0].trigger == "ST"
    assert spec.structure[-1].trigger == "SE"
    assert ("004010", doc) in available_specs("x12")


def test_compact_element_form_is_parsed() -> None:
    got = parse_compact("353 M ID 2/2 codes=353 Transaction Set Purpose Code")
    assert got == {
        "ref": "353",
        "req": "M",
        "type": "ID",
        "min": 2,
        "max": 2,
        "codes": "353",
        "name": "Transaction Set Purpose Code",
    }
    with pytest.raises(ValueError, match="compact"):
        parse_compact("353 M ID")


def test_unknown_version_says_plainly_there_is_no_specification() -> None:
    header = Segment("ST", ["850", "0001"], 3)
    tx = Transaction("850", "0001", "004010VICS", header, [], Segment("SE", ["2", "0001"], 4))
    results = validate(tx, "x12")
    assert len(results) == 1
    assert results[0].is_warning
    assert results[0].code == Code.TX_NO_SPEC
    assert results[0].message == ("no specification for X12 004010VICS 850; envelope checks only")


def _tx(*segments: tuple[str, list[str]]) -> Transaction:
    segs = [Segment(tag, list(els), i) for i, (tag, els) in enumerate(segments, 1)]
    return Transaction("850", "0001", "004010", segs[0], segs[1:-1], segs[-1])


def _codes(errors: list[EdiError]) -> list[tuple[str, str | None, int | None]]:
    return [(e.code, e.segment_id, e.element) for e in errors]


def test_validator_reports_element_problems_with_positions() -> None:
    tx = _tx(
        ("ST", ["850", "0001"]),
        ("BEG", ["XX", "SA", "P" * 23, "", "20240230"]),
        ("PO1", ["1", "2", "EA", "1.2.3", "PE", "BP"]),
        ("SE", ["4", "0001"]),
    )
    errors = validate(tx, "x12")
    assert (Code.ELEMENT_BAD_CODE, "BEG", 1) in _codes(errors)
    assert (Code.ELEMENT_TOO_LONG, "BEG", 3) in _codes(errors)
    assert (Code.ELEMENT_BAD_DATE, "BEG", 5) in _codes(errors)
    assert (Code.ELEMENT_BAD_CHAR, "PO1", 4) in _codes(errors)
    assert (Code.ELEMENT_CONDITIONAL_MISSING, "PO1", 7) in _codes(errors)
    beg_err = next(e for e in errors if e.segment_id == "BEG")
    assert beg_err.tx_position == 2
    assert beg_err.position == 2


def test_validator_reports_structure_problems() -> None:
    tx = _tx(
        ("ST", ["850", "0001"]),
        ("CUR", ["BY", "USD"]),
        ("XYZ", ["1"]),
        ("BAK", ["00", "AD", "1", "20240101"]),
        ("SE", ["5", "0001"]),
    )
    codes = _codes(validate(tx, "x12"))
    assert (Code.SEGMENT_MISSING, "BEG", None) in codes
    assert (Code.SEGMENT_UNKNOWN, "XYZ", None) in codes
    assert (Code.SEGMENT_NOT_IN_TX, "BAK", None) in codes
    assert (Code.SEGMENT_MISSING, "PO1", None) in codes


def test_leap_day_is_a_date_only_in_leap_years() -> None:
    for day, ok in (("20240229", True), ("20230229", False)):
        tx = _tx(
            ("ST", ["850", "0001"]),
            ("BEG", ["00", "SA", "P1", "", day]),
            ("PO1", ["1", "2", "EA", "1", "PE", "BP", "X"]),
            ("TXI", ["VA", "", "0", "VD", "Z"]),
            ("SE", ["6", "0001"]),
        )
        assert (validate(tx, "x12") == []) is ok


def test_fast_path_never_accepts_what_the_walk_rejects(x12_fixture) -> None:
    """Mutate valid documents at random: a fast-path match must mean no errors."""
    rnd = random.Random(5)
    checked = 0
    for name in ("850.edi", "855.edi", "856.edi", "810.edi", "846.edi", "997.edi"):
        text = x12_fixture(name).decode()
        tx = parse_file(text)[0].transactions[0]
        raw = tx.raw_text
        assert raw is not None
        spec = load_spec("x12", tx.version, tx.type)
        assert spec is not None
        rx = compiled(spec, "*", ">", "~", ".")
        assert rx.fullmatch(raw), name
        for _ in range(150):
            i = rnd.randrange(len(raw))
            mutated = raw[:i] + rnd.choice("*~>0A9.- Z") + raw[i + 1 :]
            if not mutated.endswith("~"):
                continue
            segs = [s.split("*") for s in mutated[:-1].split("~")]
            built = [Segment(p[0], p[1:], n) for n, p in enumerate(segs, 1)]
            if rx.fullmatch(mutated):
                errors = Validator(spec).run(built)
                assert errors == [], (name, mutated[max(0, i - 20) : i + 20])
                checked += 1
    assert checked > 50
