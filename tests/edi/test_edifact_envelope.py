"""Envelope checks and validation over the fixture corpus: every bad file is caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.edi import EdiSyntaxError
from connectors.edi.core.errors import Code
from connectors.edi.edifact import (
    acknowledge,
    generate_contrl,
    parse_interchanges,
    validate_interchange,
)

FIXTURES = Path(__file__).parent / "fixtures" / "edifact"

VALID = sorted(p.name for p in FIXTURES.glob("*.edi") if not p.name.startswith("bad_"))

# malformed file -> (a code that must be reported, the segment it points at)
MALFORMED = {
    "bad_truncated.edi": (Code.TRUNCATED, "QTY"),
    "bad_unt_count.edi": (Code.TX_COUNT_MISMATCH, "UNT"),
    "bad_unz_count.edi": (Code.INTERCHANGE_COUNT_MISMATCH, "UNZ"),
    "bad_unt_reference.edi": (Code.TX_CONTROL_MISMATCH, "UNT"),
    "bad_unz_reference.edi": (Code.INTERCHANGE_CONTROL_MISMATCH, "UNZ"),
    "bad_unknown_segment.edi": (Code.SEGMENT_UNKNOWN, "ZZZ"),
    "bad_overlong_element.edi": (Code.ELEMENT_TOO_LONG, "BGM"),
    "bad_bad_date.edi": (Code.ELEMENT_BAD_DATE, "DTM"),
    "bad_bad_unb_date.edi": (Code.INTERCHANGE_BAD_DATE, "UNB"),
    "bad_bad_code.edi": (Code.ELEMENT_BAD_CODE, "NAD"),
    "bad_bad_number.edi": (Code.ELEMENT_BAD_CHAR, "QTY"),
    "bad_missing_unz.edi": (Code.INTERCHANGE_TRAILER_MISSING, "UNZ"),
    "bad_missing_unt.edi": (Code.TX_TRAILER_MISSING, "UNT"),
    "bad_released_terminator.edi": (Code.TX_COUNT_MISMATCH, "UNT"),
    "bad_group_count.edi": (Code.GROUP_COUNT_MISMATCH, "UNE"),
    "bad_outside_message.edi": (Code.TX_OUTSIDE_ENVELOPE, "FTX"),
    "bad_mandatory_missing.edi": (Code.SEGMENT_MISSING, "BGM"),
    "bad_unsupported_syntax.edi": (Code.INTERCHANGE_BAD_VERSION, "UNB"),
}
UNREADABLE = {"bad_bad_una.edi": Code.BAD_SEPARATORS, "bad_not_edi.edi": Code.NO_ENVELOPE}


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def all_problems(name: str) -> list[tuple[str, str | None]]:
    out = []
    for interchange in parse_interchanges(read(name)):
        out += [(e.code, e.segment_id) for e in interchange.errors]
        out += [(e.code, e.segment_id) for g in interchange.groups for e in g.errors]
        for result in validate_interchange(interchange):
            out += [(e.code, e.segment_id) for e in result.errors if not e.is_warning]
    return out


def test_corpus_is_complete() -> None:
    bad = {p.name for p in FIXTURES.glob("bad_*.edi")}
    assert bad == set(MALFORMED) | set(UNREADABLE)


@pytest.mark.parametrize("name", VALID)
def test_valid_fixtures_have_no_errors_and_a_positive_contrl(name: str) -> None:
    assert all_problems(name) == []
    for interchange in parse_interchanges(read(name)):
        assert acknowledge(interchange).status == "A"
        contrl = generate_contrl(interchange, control_reference="77")
        [answer] = parse_interchanges(contrl)
        uci = answer.transactions[0].first("UCI")
        assert uci is not None
        assert uci.get(4) == "7"


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_fixture_is_reported_with_a_negative_contrl(name: str) -> None:
    code, segment = MALFORMED[name]
    assert (code, segment) in all_problems(name)
    for interchange in parse_interchanges(read(name)):
        ack = acknowledge(interchange)
        statuses = [t.status for t in ack.transactions] + [g.status for g in ack.groups]
        assert ack.status == "R" or "R" in statuses
        contrl = generate_contrl(interchange, control_reference="78")
        [answer] = parse_interchanges(contrl)
        body = answer.transactions[0].segments
        actions = [s.get(4) for s in body if s.tag in ("UCI", "UCF")]
        actions += [s.get(3) for s in body if s.tag == "UCM"]
        assert "4" in actions


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_fixture_raises_a_clear_syntax_error(name: str) -> None:
    with pytest.raises(EdiSyntaxError) as info:
        parse_interchanges(read(name))
    assert info.value.code == UNREADABLE[name]
    assert str(info.value)


def test_positions_point_at_the_offending_segment_and_element() -> None:
    text = read("bad_overlong_element.edi")
    [interchange] = parse_interchanges(text)
    [result] = validate_interchange(interchange)
    [error] = [e for e in result.errors if e.code == Code.ELEMENT_TOO_LONG]
    assert (error.tx_position, error.element, error.ref) == (2, 2, "1004")
    # the file position counts segments from UNB (=1), so the BGM is the third
    assert error.position == 3
    assert "too long" in error.message


def test_unz_counts_groups_when_groups_are_used() -> None:
    [interchange] = parse_interchanges(read("valid_group.edi"))
    assert len(interchange.groups) == 1
    assert interchange.errors == []
    assert interchange.groups[0].version == "D96A"
    broken = read("valid_group.edi").replace("UNZ+1+", "UNZ+2+")
    [bad] = parse_interchanges(broken)
    assert [e.code for e in bad.errors] == [Code.INTERCHANGE_COUNT_MISMATCH]


def test_other_versions_are_read_with_a_plain_no_specification_warning() -> None:
    for name, label in (
        ("orders_d01b_nospec.edi", "no specification for EDIFACT D01B ORDERS"),
        ("desadv_d97a_nospec.edi", "no specification for EDIFACT D97A DESADV"),
        ("eancom_ean008.edi", "no specification for the EAN008 subset of ORDERS"),
    ):
        [interchange] = parse_interchanges(read(name))
        [result] = validate_interchange(interchange)
        assert result.ok
        assert [e.severity for e in result.errors] == ["warning"]
        assert result.errors[0].message.startswith(label)
