"""X12 generation: caller-chosen separators and control numbers, correct envelopes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.edi import EdiError, parse_file
from connectors.edi.core.model import Separators
from connectors.edi.x12.writer import (
    OutboundGroup,
    OutboundTransaction,
    format_segment,
    generate_interchange,
)

WHEN = datetime(2024, 2, 3, 4, 5, tzinfo=UTC)


def _generate(seps: Separators, **kwargs: object) -> str:
    groups = [
        OutboundGroup(
            "17",
            [
                OutboundTransaction("846", "0101", [("BIA", ["00", "MB", "R1", "20240203"])]),
                OutboundTransaction("846", "0102", [("BIA", ["00", "MB", "R2", "20240203"])]),
            ],
        ),
        OutboundGroup("18", [OutboundTransaction("997", "5", [("AK1", ["PO", "1"])])]),
    ]
    return generate_interchange(
        groups,
        sender_qualifier="ZZ",
        sender="ME",
        receiver_qualifier="01",
        receiver="123456789",
        control_number="4242",
        separators=seps,
        when=WHEN,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    "seps",
    [
        Separators("*", ">", "~", None, None, ".", "\n"),
        Separators("|", "^", "\n", None, None, ".", ""),
        Separators("!", ":", "'", "^", None, ".", "\r\n"),
    ],
)
def test_generated_interchange_has_correct_envelopes(seps: Separators) -> None:
    version = "00501" if seps.repetition else "00401"
    text = _generate(seps, version=version, test=True)
    isa = text.split(seps.segment)[0]
    assert len(isa) == 105
    assert isa[3] == seps.element
    (ic,) = parse_file(text)
    assert ic.errors == []
    assert ic.test
    assert ic.separators.element == seps.element
    assert ic.separators.segment == seps.segment
    assert ic.control_number == "000004242"
    assert [g.control_number for g in ic.groups] == ["17", "18"]
    assert [g.functional_id for g in ic.groups] == ["IB", "FA"]
    assert [t.control_number for t in ic.transactions] == ["0101", "0102", "5"]
    assert all(g.errors == [] for g in ic.groups)
    assert all(t.errors == [] for t in ic.transactions)
    assert ic.header is not None
    assert ic.header.get(9) == "240203"


def test_values_holding_a_separator_are_refused() -> None:
    seps = Separators("*", ">", "~", None, None, ".", "")
    with pytest.raises(EdiError, match="separator"):
        format_segment("N1", ["ST", "A*B"], seps)
    with pytest.raises(EdiError):
        format_segment("N1", [("A", "B~C")], seps)


def test_trailing_empty_elements_are_dropped() -> None:
    seps = Separators("*", ">", "~", None, None, ".", "")
    assert format_segment("N1", ["ST", "", "", ""], seps) == "N1*ST~"
    assert format_segment("CTP", ["", "BAS", ("EA", "")], seps) == "CTP**BAS*EA~"


def test_bad_control_numbers_are_refused() -> None:
    seps = Separators("*", ">", "~", None, None, ".", "")
    with pytest.raises(EdiError):
        generate_interchange(
            [],
            sender_qualifier="ZZ",
            sender="ME",
            receiver_qualifier="ZZ",
            receiver="YOU",
            control_number="12AB",
            separators=seps,
        )
