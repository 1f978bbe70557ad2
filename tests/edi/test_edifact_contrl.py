"""CONTRL: generated for inbound interchanges, mirrored envelopes, read back and matched."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.edi import EdiValidationError
from connectors.edi.core.model import Interchange, Segment
from connectors.edi.edifact import (
    ServiceChars,
    generate_contrl,
    match_contrl,
    parse_interchanges,
    read_contrl,
    validate_interchange,
)

FIXTURES = Path(__file__).parent / "fixtures" / "edifact"
WHEN = datetime(2024, 3, 2, 9, 15, tzinfo=UTC)


def inbound(name: str) -> Interchange:
    [interchange] = parse_interchanges((FIXTURES / name).read_text(encoding="utf-8"))
    return interchange


def contrl_for(interchange: Interchange, **kwargs: object) -> Interchange:
    text = generate_contrl(interchange, control_reference="CTL9", prepared=WHEN, **kwargs)  # type: ignore[arg-type]
    [answer] = parse_interchanges(text)
    return answer


def body(answer: Interchange) -> list[Segment]:
    return answer.transactions[0].segments


def test_contrl_envelope_mirrors_the_inbound_one() -> None:
    original = inbound("orders_d96a.edi")
    answer = contrl_for(original)
    assert (answer.sender, answer.sender_qualifier) == (
        original.receiver,
        original.receiver_qualifier,
    )
    assert (answer.receiver, answer.receiver_qualifier) == (
        original.sender,
        original.sender_qualifier,
    )
    assert answer.version == original.version == "UNOC:3"
    assert answer.control_number == "CTL9"
    assert (answer.date, answer.time) == ("240302", "0915")
    [message] = answer.transactions
    assert (message.type, message.version) == ("CONTRL", "D3")
    # the CONTRL itself is a valid message and a valid envelope
    assert answer.errors == []
    assert [r.errors for r in validate_interchange(answer)] == [[]]


def test_contrl_keeps_the_partners_separators() -> None:
    original = inbound("valid_unusual_una.edi")
    text = generate_contrl(original, control_reference="CTL1", prepared=WHEN)
    assert text.startswith("UNA|*,# ~UNB*UNOC|3*")
    assert "UCI*ICR010*" in text


def test_accepted_interchange_gets_uci_7() -> None:
    segments = body(contrl_for(inbound("invoic_d96a.edi")))
    [uci] = [x for x in segments if x.tag == "UCI"]
    assert uci.elements[:4] == ("ICR005", ("5401234000012", "14"), ("4001234000022", "14"), "7")
    assert [x.get(3) for x in segments if x.tag == "UCM"] == ["7"]
    assert not [x for x in segments if x.tag in ("UCS", "UCD")]


def test_rejected_message_lists_segment_and_element_errors() -> None:
    segments = body(contrl_for(inbound("bad_overlong_element.edi")))
    tags = [(x.tag, x.elements) for x in segments]
    assert ("UCI", ("ICR001", ("5401234000012", "14"), ("4001234000022", "14"), "4")) in tags
    assert ("UCM", ("M1", ("ORDERS", "D", "96A", "UN"), "4")) in tags
    # BGM is segment 2 of the message; element 2 is 39 "data element too long"
    ucs = tags.index(("UCS", ("2",)))
    assert tags[ucs + 1] == ("UCD", ("39", "2"))


def test_unknown_segment_and_bad_date_codes() -> None:
    unknown = [(x.tag, x.elements) for x in body(contrl_for(inbound("bad_unknown_segment.edi")))]
    assert any(t == "UCS" and e[1] == "15" for t, e in unknown)
    dated = [(x.tag, x.elements) for x in body(contrl_for(inbound("bad_bad_date.edi")))]
    assert ("UCD", ("12", ("1", "2"))) in dated


def test_envelope_error_rejects_the_interchange_with_its_code() -> None:
    segments = body(contrl_for(inbound("bad_unz_reference.edi")))
    [uci] = [x for x in segments if x.tag == "UCI"]
    assert uci.get(4) == "4"
    assert uci.get(5) == "28"
    assert uci.get(6) == "UNZ"
    assert uci.components(7) == ("2",)


def test_message_envelope_error_is_reported_on_the_ucm() -> None:
    segments = body(contrl_for(inbound("bad_unt_count.edi")))
    [ucm] = [x for x in segments if x.tag == "UCM"]
    assert (ucm.get(3), ucm.get(4), ucm.get(5)) == ("4", "29", "UNT")


def test_groups_are_answered_with_ucf() -> None:
    good = [(x.tag, x.get(1), x.get(4)) for x in body(contrl_for(inbound("valid_group.edi")))]
    assert ("UCF", "G1", "7") in good
    bad = body(contrl_for(inbound("bad_group_count.edi")))
    [ucf] = [x for x in bad if x.tag == "UCF"]
    assert ucf.get(4) == "4"
    assert ucf.get(5) == "29"


def test_read_contrl_and_match_it_to_what_we_sent() -> None:
    sent = parse_interchanges(
        (FIXTURES / "orders_d96a.edi")
        .read_text()
        .replace("UNZ+1+ICR001", "UNZ+2+ICR001")
        .replace("UNT+43+M1'\n", "UNT+43+M1'\n" + "UNH+M2+ORDERS:D:96A:UN'BGM+220+X+9'UNT+2+M2'\n")
    )[0]
    partner_view = generate_contrl(sent, control_reference="P1", prepared=WHEN)
    ack = read_contrl(parse_interchanges(partner_view)[0].transactions[0])
    assert ack.control_number == "ICR001"
    assert ack.status == "A"
    match = match_contrl(ack, sent)
    assert match.matched
    assert (match.accepted, match.rejected) == (["M1"], ["M2"])
    [m2] = [t for t in ack.transactions if t.control_number == "M2"]
    assert m2.segments
    assert m2.segments[0].code == "13"


def test_match_reports_a_contrl_for_another_interchange() -> None:
    sent = inbound("orders_d96a.edi")
    other = parse_interchanges(generate_contrl(inbound("invoic_d96a.edi"), control_reference="X"))[
        0
    ]
    match = match_contrl(read_contrl(other.transactions[0]), sent)
    assert not match.matched
    assert match.accepted == []
    assert match.rejected == []


def test_rejected_uci_rejects_every_message() -> None:
    sent = inbound("orders_d96a.edi")
    text = (
        "UNB+UNOC:3+B+A+240302:0915+5'UNH+1+CONTRL:D:3:UN'"
        "UCI+ICR001+5401234000012:14+4001234000022:14+4+28+UNZ'UNT+3+1'UNZ+1+5'"
    )
    ack = read_contrl(parse_interchanges(text)[0].transactions[0])
    match = match_contrl(ack, sent)
    assert ack.codes == ["28"]
    assert match.rejected == ["M1"]


def test_read_contrl_refuses_other_messages_and_bad_actions() -> None:
    with pytest.raises(EdiValidationError, match="not CONTRL"):
        read_contrl(inbound("orders_d96a.edi").transactions[0])
    text = "UNB+UNOC:3+B+A+240302:0915+5'UNH+1+CONTRL:D:3:UN'UCI+1+A+B+9'UNT+3+1'UNZ+1+5'"
    with pytest.raises(EdiValidationError, match="action '9'"):
        read_contrl(parse_interchanges(text)[0].transactions[0])


def test_contrl_written_with_explicit_separators() -> None:
    chars = ServiceChars(component="^", element="|", terminator="!")
    text = generate_contrl(inbound("orders_d96a.edi"), control_reference="7", chars=chars)
    assert text.startswith("UNA^|.? !\nUNB|UNOC^3|")
    assert parse_interchanges(text)[0].errors == []
