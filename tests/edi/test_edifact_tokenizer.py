"""EDIFACT tokenizer: service string advice, release characters, layouts, many interchanges."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.edi import EdiError, EdiSyntaxError, parse_file
from connectors.edi.core.errors import Code
from connectors.edi.core.model import Transaction
from connectors.edi.edifact import (
    SegmentWriter,
    generate_contrl,
    inspect_text,
    parse_interchanges,
    read_contrl,
    validate_interchange,
)
from connectors.edi.edifact.translate import (
    desadv_to_shipment,
    invoic_to_invoice,
    invrpt_to_stock,
    orders_to_order,
    orders_to_purchase_order,
    read_ordrsp,
)

FIXTURES = Path(__file__).parent / "fixtures" / "edifact"
READERS: dict[str, tuple[Callable[[Transaction], object], ...]] = {
    "ORDERS": (orders_to_order, orders_to_purchase_order),
    "ORDRSP": (read_ordrsp,),
    "DESADV": (desadv_to_shipment,),
    "INVOIC": (invoic_to_invoice,),
    "INVRPT": (invrpt_to_stock,),
    "CONTRL": (read_contrl,),
}

PLAIN = (
    "UNB+UNOC:3+SENDER:14+RECEIVER:14+240301:1030+REF1'"
    "UNH+1+ORDERS:D:96A:UN'BGM+220+PO1+9'DTM+137:20240301:102'UNT+4+1'UNZ+1+REF1'"
)


def tags_and_elements(text: str) -> list[tuple[str, tuple[object, ...]]]:
    [interchange] = parse_interchanges(text)
    out = [(interchange.header.tag, tuple(interchange.header.elements))]  # type: ignore[union-attr]
    for message in interchange.transactions:
        out.extend((s.tag, tuple(s.elements)) for s in message.all_segments)
    return out


def test_default_separators_without_una() -> None:
    [interchange] = parse_interchanges(PLAIN)
    assert interchange.errors == []
    assert interchange.separators.element == "+"
    assert interchange.separators.component == ":"
    assert interchange.separators.release == "?"
    [message] = interchange.transactions
    assert (message.type, message.version, message.control_number) == ("ORDERS", "D96A", "1")
    assert message.segments[1].elements == (("137", "20240301", "102"),)


@pytest.mark.parametrize("layout", ["", "\n", "\r\n"])
def test_line_breaks_after_terminators_are_layout(layout: str) -> None:
    text = PLAIN.replace("'", "'" + layout)
    assert tags_and_elements(text) == tags_and_elements(PLAIN)


def test_newline_as_segment_terminator() -> None:
    text = "UNA:+.? \n" + PLAIN.replace("'", "\n")
    assert tags_and_elements(text) == tags_and_elements(PLAIN)
    crlf = "UNA:+.? \n" + PLAIN.replace("'", "\r\n")
    assert tags_and_elements(crlf) == tags_and_elements(PLAIN)


def test_unusual_una_separators() -> None:
    odd = "UNA|*,# ~" + PLAIN.replace(":", "|").replace("+", "*").replace("'", "~")
    [interchange] = parse_interchanges(odd)
    assert interchange.separators.decimal == ","
    assert interchange.separators.release == "#"
    assert tags_and_elements(odd) == tags_and_elements(PLAIN)


def test_release_character_escapes_every_service_character() -> None:
    text = PLAIN.replace("BGM+220+PO1+9'", "BGM+220+A?+B?:C???'D?'+9'")
    [interchange] = parse_interchanges(text)
    bgm = interchange.transactions[0].segments[0]
    assert bgm.elements == ("220", "A+B:C?'D'", "9")


def test_release_before_ordinary_character_is_dropped() -> None:
    text = PLAIN.replace("PO1", "P?O1")
    assert parse_interchanges(text)[0].transactions[0].segments[0].get(2) == "PO1"


@given(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        max_size=40,
    )
)
@settings(max_examples=150, deadline=None)
def test_escaped_values_read_back_unchanged(value: str) -> None:
    writer = SegmentWriter()
    segment = writer.segment("FTX", ["AAI", None, None, [value or "x"]])
    text = PLAIN.replace("DTM+137:20240301:102'", segment + "DTM+137:20240301:102'").replace(
        "UNT+4+1", "UNT+5+1"
    )
    [interchange] = parse_interchanges(text)
    assert interchange.errors == []
    assert "".join(interchange.transactions[0].segments[1].components(4)) == (value or "x")


def test_several_interchanges_each_with_its_own_una() -> None:
    odd = "UNA|*,# ~" + PLAIN.replace(":", "|").replace("+", "*").replace("'", "~")
    text = PLAIN + "\n" + odd + "\r\n" + PLAIN.replace("REF1", "REF3")
    first, second, third = parse_interchanges(text)
    assert [i.control_number for i in (first, second, third)] == ["REF1", "REF1", "REF3"]
    assert second.separators.element == "*"
    # positions run on across interchanges (UNA is not a segment)
    assert first.header.position == 1  # type: ignore[union-attr]
    assert second.header.position == first.segment_count + 1  # type: ignore[union-attr]
    assert text[second.span[0] : second.span[1]].startswith("UNA|*")
    assert text[second.span[0] : second.span[1]].rstrip().endswith("UNZ*1*REF1~")


def test_core_detect_dispatches_edifact_to_this_reader() -> None:
    data = (FIXTURES / "valid_two_interchanges_crlf.edi").read_bytes()
    interchanges = parse_file(data)
    assert [i.standard for i in interchanges] == ["edifact", "edifact"]
    assert [i.control_number for i in interchanges] == ["ICR012", "ICR013"]


def test_missing_unz_before_next_interchange_ends_the_first() -> None:
    broken = PLAIN.replace("UNZ+1+REF1'", "")
    first, second = parse_interchanges(broken + PLAIN.replace("REF1", "REF2"))
    assert [e.code for e in first.errors] == [Code.INTERCHANGE_TRAILER_MISSING]
    assert second.errors == []
    assert second.control_number == "REF2"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", Code.NO_ENVELOPE),
        ("   \n", Code.NO_ENVELOPE),
        ("Hello world", Code.NO_ENVELOPE),
        ("UNA:+", Code.TRUNCATED),
        ("UNA:::? '" + PLAIN, Code.BAD_SEPARATORS),
        ("UNA:+x? '" + PLAIN, Code.BAD_SEPARATORS),
        (PLAIN + "garbage", Code.NO_ENVELOPE),
    ],
)
def test_untokenisable_input_raises_a_syntax_error(text: str, code: str) -> None:
    with pytest.raises(EdiSyntaxError) as info:
        parse_interchanges(text)
    assert info.value.code == code


def test_truncated_segment_is_reported_not_raised() -> None:
    [interchange] = parse_interchanges(PLAIN[: PLAIN.index("UNT")] + "UNT+4")
    codes = [e.code for e in interchange.errors]
    assert Code.TRUNCATED in codes
    assert Code.INTERCHANGE_TRAILER_MISSING in codes


def _exercise(text: str) -> None:
    """Everything a gateway does with inbound data; only EdiError may escape."""
    try:
        interchanges = parse_interchanges(text)
    except EdiError:
        return
    for interchange in interchanges:
        validate_interchange(interchange)
        generate_contrl(interchange, control_reference="9")
        for message in interchange.transactions:
            for translate in READERS.get(message.type, ()):
                with contextlib.suppress(EdiError):
                    translate(message)
    inspect_text(text)


EDI_ALPHABET = st.sampled_from([*list("UNABHZTGE+:'?*|~.,0123456789 \n\r"), "UNH+", "UNT+", "UNB+"])


@given(st.lists(EDI_ALPHABET, max_size=120).map("".join))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fuzz_random_edi_like_text(text: str) -> None:
    _exercise(text)
    _exercise("UNA:+.? '" + text)
    _exercise(PLAIN[:60] + text)


@given(
    st.sampled_from(sorted(p.name for p in FIXTURES.glob("*.edi"))),
    st.integers(min_value=0, max_value=4000),
    st.integers(min_value=0, max_value=40),
    st.text(max_size=6),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fuzz_mutated_fixtures(name: str, at: int, cut: int, insert: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    at = at % (len(text) + 1)
    _exercise(text[:at] + insert + text[at + cut :])
