"""997 and TA1 generation, and reading inbound 997s against what we sent."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.edi import parse_file
from connectors.edi.x12.ack import (
    AckControlNumbers,
    SentGroup,
    acknowledge,
    acknowledge_file,
    match_acks,
    read_997,
    read_ta1,
    write_acknowledgement,
)

WHEN = datetime(2024, 5, 7, 9, 0, tzinfo=UTC)
NUMBERS = AckControlNumbers("000000900", ["900"], ["0900"])


def _ack_text(data: bytes) -> tuple[str, list[str]]:
    (ic,) = parse_file(data)
    text = write_acknowledgement(ic, acknowledge(ic), NUMBERS, when=WHEN)
    (back,) = parse_file(text)
    assert back.errors == []
    return text, [s for s in text.split("~\n") if s]


def test_clean_850_gets_an_accepting_997_with_mirrored_envelope(x12_fixture) -> None:
    text, segs = _ack_text(x12_fixture("850.edi"))
    (ack,) = parse_file(text)
    assert (ack.sender, ack.receiver) == ("5551234567", "SHOPBUYER")
    assert (ack.sender_qualifier, ack.receiver_qualifier) == ("12", "ZZ")
    assert ack.control_number == "000000900"
    assert ack.version == "00401"
    assert segs[1].startswith("GS*FA*5551234567*SHOPBUYER*")
    assert segs[1].endswith("*900*X*004010")
    assert segs[3:8] == ["AK1*PO*101", "AK2*850*0001", "AK5*A", "AK9*A*1*1*1", "SE*6*0900"]
    assert not any(s.startswith("TA1") for s in segs)


def test_element_error_gives_ak3_ak4_and_rejection(x12_fixture) -> None:
    _, segs = _ack_text(x12_fixture("bad_element_too_long.edi"))
    assert "AK3*BEG*2**8" in segs
    assert "AK4*3*324*5*PO-111111111111111111111111111111" in segs
    assert "AK5*R*5" in segs
    assert "AK9*R*1*1*0" in segs


def test_segment_errors_map_to_ak3_codes(x12_fixture) -> None:
    _, segs = _ack_text(x12_fixture("bad_unknown_segment.edi"))
    assert "AK3*ZZZ*4**1" in segs
    _, segs = _ack_text(x12_fixture("bad_missing_mandatory.edi"))
    assert any(s.startswith("AK3*BEG*") and s.endswith("**3") for s in segs)


def test_envelope_count_error_is_an_ak5_code(x12_fixture) -> None:
    _, segs = _ack_text(x12_fixture("bad_se_count.edi"))
    assert "AK5*R*4" in segs
    _, segs = _ack_text(x12_fixture("bad_group_count.edi"))
    assert any(s.startswith("AK9*R*") and s.endswith("*5") for s in segs)


def test_interchange_envelope_error_gets_a_rejecting_ta1_only(x12_fixture) -> None:
    text, segs = _ack_text(x12_fixture("bad_control_numbers.edi"))
    assert "TA1*000000101*240506*1200*R*001" in segs
    assert not any(s.startswith("GS") for s in segs)
    (ack,) = parse_file(text)
    assert read_ta1(ack) == [("000000101", "R", "001")]


def test_truncated_interchange_is_rejected_with_ta1_023(x12_fixture) -> None:
    _, segs = _ack_text(x12_fixture("bad_truncated.edi"))
    assert "TA1*000000101*240506*1200*R*023" in segs


def test_no_specification_is_still_accepted(x12_fixture) -> None:
    _, segs = _ack_text(x12_fixture("850_vics.edi"))
    assert "AK5*A" in segs
    assert "AK9*A*1*1*1" in segs
    assert any(s.endswith("*X*004010VICS") for s in segs)


def test_inbound_997_matches_what_we_sent(x12_fixture) -> None:
    (ic,) = parse_file(x12_fixture("997.edi"))
    gack = read_997(ic.transactions[0])
    assert (gack.functional_id, gack.control_number, gack.status) == ("PO", "101", "P")
    rejected = gack.transactions[1]
    assert rejected.status == "R"
    assert rejected.codes == ["5"]
    assert rejected.segments[0].segment_id == "PO1"
    assert rejected.segments[0].elements[0].element == 2
    match = match_acks(
        [gack],
        [SentGroup("101", ["0001", "0002", "0003"]), SentGroup("102", ["0001"])],
    )
    assert match.accepted == [("101", "0001")]
    assert match.rejected == [("101", "0002")]
    assert ("101", "0003") in match.not_acknowledged
    assert ("102", "0001") in match.not_acknowledged
    assert match.group_status == {"101": "P"}


def test_group_level_acceptance_covers_unlisted_transactions() -> None:
    from connectors.edi.core.ack import GroupAck

    match = match_acks([GroupAck("IN", "000000007", "A")], [SentGroup("7", ["1", "2"])])
    assert match.accepted == [("7", "1"), ("7", "2")]


def test_our_997_reads_back_to_the_same_statuses(x12_fixture) -> None:
    text, _ = _ack_text(x12_fixture("bad_date.edi"))
    gack = read_997(parse_file(text)[0].transactions[0])
    assert gack.status == "R"
    (tx,) = gack.transactions
    assert (tx.control_number, tx.status) == ("0001", "R")
    assert tx.segments[0].segment_id == "DTM"
    assert tx.segments[0].elements[0].code == "8"


def test_acknowledge_file_answers_every_interchange(x12_fixture) -> None:
    counter = iter(range(1, 100))
    acks = acknowledge_file(
        x12_fixture("multi_interchange.edi"), lambda kind: str(next(counter)), when=WHEN
    )
    assert len(acks) == 2
    first, second = (parse_file(a)[0] for a in acks)
    assert first.control_number == "000000001"
    assert second.control_number == "000000004"
    assert read_997(first.transactions[0]).control_number == "101"
    assert read_997(second.transactions[0]).control_number == "102"
