"""X12 tokenizer and envelope checks, on the valid fixtures and the malformed corpus."""

from __future__ import annotations

import pytest

from connectors.edi import EdiError, EdiSyntaxError, parse_file
from connectors.edi.core.errors import Code
from connectors.edi.core.spec import validate
from connectors.edi.x12.ack import acknowledge

VALID = [
    "850.edi",
    "855.edi",
    "856.edi",
    "810.edi",
    "846.edi",
    "997.edi",
    "850_newline_terminator.edi",
    "850_crlf.edi",
    "850_one_line.edi",
]


@pytest.mark.parametrize("name", VALID)
def test_valid_fixtures_have_no_errors(name: str, x12_fixture) -> None:
    (ic,) = parse_file(x12_fixture(name))
    assert ic.errors == []
    assert ic.groups
    assert all(g.errors == [] for g in ic.groups)
    for tx in ic.transactions:
        assert tx.errors == []
        assert validate(tx, "x12") == []
        assert tx.trailer is not None
        assert tx.trailer.get(1) == str(len(tx.segments) + 2)


def test_separators_come_from_the_isa(x12_fixture) -> None:
    (nl,) = parse_file(x12_fixture("850_newline_terminator.edi"))
    assert (nl.separators.element, nl.separators.component, nl.separators.segment) == (
        "|",
        "^",
        "\n",
    )
    (crlf,) = parse_file(x12_fixture("850_crlf.edi"))
    assert crlf.separators.segment == "~"
    assert crlf.separators.suffix == "\r\n"
    (v5,) = parse_file(x12_fixture("850_005010.edi"))
    assert v5.separators.repetition == "^"
    assert v5.version == "00501"


def test_same_document_reads_the_same_whatever_the_separators(x12_fixture) -> None:
    def body(name: str) -> list[tuple[str, list[object]]]:
        tx = parse_file(x12_fixture(name))[0].transactions[0]
        return [(s.tag, list(s.elements)) for s in tx.segments]

    reference = body("850.edi")
    for name in ("850_newline_terminator.edi", "850_crlf.edi", "850_one_line.edi"):
        assert body(name) == reference


def test_version_without_spec_is_read_and_envelope_checked(x12_fixture) -> None:
    for name in ("850_vics.edi", "850_005010.edi"):
        (ic,) = parse_file(x12_fixture(name))
        tx = ic.transactions[0]
        assert tx.errors == []
        assert tx.first("BEG") is not None
        (warning,) = validate(tx, "x12")
        assert warning.is_warning
        assert "no specification for X12" in warning.message
        assert acknowledge(ic).groups[0].status == "A"


def test_segment_positions_are_file_and_transaction_based(x12_fixture) -> None:
    (ic,) = parse_file(x12_fixture("850.edi"))
    tx = ic.transactions[0]
    assert ic.header is not None
    assert ic.header.position == 1
    assert tx.header.position == 3
    assert tx.segments[0].tag == "BEG"
    assert tx.segments[0].position == 4
    assert ic.trailer is not None
    assert ic.trailer.position == ic.segment_count


# name -> (level, expected machine code)
MALFORMED = {
    "bad_truncated.edi": ("interchange", Code.INTERCHANGE_TRAILER_MISSING),
    "bad_se_count.edi": ("transaction", Code.TX_COUNT_MISMATCH),
    "bad_control_numbers.edi": ("transaction", Code.TX_CONTROL_MISMATCH),
    "bad_group_count.edi": ("group", Code.GROUP_COUNT_MISMATCH),
    "bad_isa_date.edi": ("interchange", Code.INTERCHANGE_BAD_DATE),
    "bad_missing_se.edi": ("transaction", Code.TX_TRAILER_MISSING),
    "bad_missing_ge.edi": ("group", Code.GROUP_TRAILER_MISSING),
    "bad_st_outside_group.edi": ("transaction", Code.TX_OUTSIDE_ENVELOPE),
    "bad_unknown_segment.edi": ("content", Code.SEGMENT_UNKNOWN),
    "bad_element_too_long.edi": ("content", Code.ELEMENT_TOO_LONG),
    "bad_date.edi": ("content", Code.ELEMENT_BAD_DATE),
    "bad_code.edi": ("content", Code.ELEMENT_BAD_CODE),
    "bad_missing_mandatory.edi": ("content", Code.SEGMENT_MISSING),
    "bad_out_of_order.edi": ("content", Code.SEGMENT_OUT_OF_ORDER),
    "bad_mandatory_element.edi": ("content", Code.ELEMENT_MISSING),
    "bad_paired_elements.edi": ("content", Code.ELEMENT_CONDITIONAL_MISSING),
    "bad_amount.edi": ("content", Code.ELEMENT_BAD_CHAR),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_give_clear_errors(name: str, x12_fixture) -> None:
    level, code = MALFORMED[name]
    (ic,) = parse_file(x12_fixture(name))
    found: list[EdiError] = list(ic.errors)
    for group in ic.groups:
        found += group.errors
    for tx in ic.transactions:
        found += tx.errors
        if level == "content":
            found += validate(tx, "x12")
    assert code in [e.code for e in found], [e.message for e in found]
    err = next(e for e in found if e.code == code)
    assert err.position is not None
    assert err.message


def test_control_number_mismatches_are_reported_at_every_level(x12_fixture) -> None:
    (ic,) = parse_file(x12_fixture("bad_control_numbers.edi"))
    assert Code.INTERCHANGE_CONTROL_MISMATCH in [e.code for e in ic.errors]
    assert Code.GROUP_CONTROL_MISMATCH in [e.code for e in ic.groups[0].errors]


@pytest.mark.parametrize("name", ["bad_isa_truncated.edi", "bad_not_edi.edi"])
def test_unreadable_files_raise_syntax_errors(name: str, x12_fixture) -> None:
    with pytest.raises(EdiSyntaxError) as info:
        parse_file(x12_fixture(name))
    assert info.value.code in (Code.TRUNCATED, Code.NO_ENVELOPE, Code.BAD_SEPARATORS)
