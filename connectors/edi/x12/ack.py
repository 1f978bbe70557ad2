"""X12 acknowledgements: 997 and TA1 generation, inbound 997 parsing and matching."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from connectors.edi.core.ack import (
    ACCEPTED,
    ACCEPTED_WITH_ERRORS,
    REJECTED,
    AckResult,
    ElementError,
    GroupAck,
    SegmentError,
    TransactionAck,
    build_transaction_ack,
    group_status,
)
from connectors.edi.core.errors import Code, EdiError, EdiValidationError
from connectors.edi.core.model import Element, Interchange, Separators, Transaction
from connectors.edi.core.spec import validate
from connectors.edi.x12.writer import OutboundGroup, OutboundTransaction, generate_interchange

AK3_CODES = {
    Code.SEGMENT_UNKNOWN: "1",
    Code.SEGMENT_UNEXPECTED: "2",
    Code.SEGMENT_MISSING: "3",
    Code.LOOP_TOO_MANY: "4",
    Code.SEGMENT_TOO_MANY: "5",
    Code.SEGMENT_NOT_IN_TX: "6",
    Code.SEGMENT_OUT_OF_ORDER: "7",
}
AK4_CODES = {
    Code.ELEMENT_MISSING: "1",
    Code.ELEMENT_CONDITIONAL_MISSING: "2",
    Code.ELEMENT_TOO_MANY: "3",
    Code.ELEMENT_TOO_SHORT: "4",
    Code.ELEMENT_TOO_LONG: "5",
    Code.ELEMENT_BAD_CHAR: "6",
    Code.ELEMENT_BAD_CODE: "7",
    Code.ELEMENT_BAD_DATE: "8",
    Code.ELEMENT_BAD_TIME: "9",
    Code.ELEMENT_EXCLUSION: "10",
    Code.ELEMENT_TOO_MANY_REPEATS: "12",
    Code.COMPONENT_TOO_MANY: "13",
}
AK5_CODES = {
    Code.TX_NOT_SUPPORTED: "1",
    Code.TX_TRAILER_MISSING: "2",
    Code.TX_CONTROL_MISMATCH: "3",
    Code.TX_COUNT_MISMATCH: "4",
    Code.TX_OUTSIDE_ENVELOPE: "6",
}
AK9_CODES = {
    Code.GROUP_NOT_SUPPORTED: "1",
    Code.GROUP_VERSION_NOT_SUPPORTED: "2",
    Code.GROUP_TRAILER_MISSING: "3",
    Code.GROUP_CONTROL_MISMATCH: "4",
    Code.GROUP_COUNT_MISMATCH: "5",
    Code.GROUP_HEADER: "6",
}
TA1_CODES = {
    Code.INTERCHANGE_CONTROL_MISMATCH: "001",
    Code.INTERCHANGE_BAD_DATE: "014",
    Code.INTERCHANGE_BAD_TIME: "015",
    Code.INTERCHANGE_BAD_VERSION: "017",
    Code.INTERCHANGE_BAD_CONTROL: "018",
    Code.INTERCHANGE_COUNT_MISMATCH: "021",
    Code.INTERCHANGE_TRAILER_MISSING: "023",
}
# ISA element -> TA1 note code for a bad header field
TA1_ISA_ELEMENT = {
    1: "010", 2: "011", 3: "012", 4: "013", 5: "005", 6: "006", 7: "007", 8: "008",
    9: "014", 10: "015", 11: "016", 12: "017", 13: "018", 14: "019", 15: "020", 16: "027",
}  # fmt: skip


def ta1_code(err: EdiError) -> str:
    """TA1 note code (I18) for an interchange-level error."""
    if err.code == Code.INTERCHANGE_HEADER and err.element in TA1_ISA_ELEMENT:
        return TA1_ISA_ELEMENT[err.element]
    return TA1_CODES.get(err.code, "024")


def acknowledge(ic: Interchange) -> AckResult:
    """Validate an inbound X12 interchange and decide A / E / R for every level."""
    ic_errors = [e for e in ic.errors if not e.is_warning]
    result = AckResult(
        control_number=ic.control_number,
        status=REJECTED if ic_errors else ACCEPTED,
        codes=[ta1_code(e) for e in ic_errors],
    )
    for group in ic.groups:
        tx_acks = [transaction_ack(tx) for tx in group.transactions]
        gack = GroupAck(
            functional_id=group.functional_id,
            control_number=group.control_number,
            status=group_status((t.status for t in tx_acks), group.errors),
            version=group.version,
            transactions=tx_acks,
            codes=[AK9_CODES.get(e.code, "6") for e in group.errors if not e.is_warning],
            received=len(tx_acks),
            accepted=sum(1 for t in tx_acks if t.status != REJECTED),
        )
        result.groups.append(gack)
    result.transactions = [transaction_ack(tx) for tx in ic.direct_transactions]
    return result


def transaction_ack(tx: Transaction) -> TransactionAck:
    """Envelope and specification checks of one transaction, as a TransactionAck."""
    errors: list[EdiError] = list(tx.errors)
    if not any(e.code == Code.TX_TRAILER_MISSING for e in errors):
        errors.extend(validate(tx, "x12"))
    return build_transaction_ack(tx.type, tx.control_number, errors)


def _ak5_codes(ack: TransactionAck) -> list[str]:
    codes = [AK5_CODES[c] for c in ack.codes if c in AK5_CODES]
    if ack.segments and "5" not in codes:
        codes.append("5")
    if ack.status == REJECTED and not codes:
        codes.append("5")
    return sorted(set(codes), key=int)[:5]


def ack_segments(gack: GroupAck) -> list[tuple[str, Sequence[Element]]]:
    """The body of one 997 (AK1 .. AK9) for a group acknowledgement."""
    body: list[tuple[str, Sequence[Element]]] = [("AK1", [gack.functional_id, gack.control_number])]
    for t in gack.transactions:
        body.append(("AK2", [t.type, t.control_number]))
        for seg in t.segments[:99]:
            code = AK3_CODES.get(seg.code or "", "8" if seg.elements else "2")
            body.append(("AK3", [seg.segment_id, str(seg.position), "", code]))
            for el in seg.elements[:99]:
                pos: Element = (
                    (str(el.element), str(el.component)) if el.component else str(el.element)
                )
                bad = _safe_copy(el.value)
                ref = el.ref if el.ref and el.ref.isdigit() else ""
                body.append(("AK4", [pos, ref, AK4_CODES.get(el.code, "6"), bad]))
        body.append(("AK5", [t.status, *_ak5_codes(t)]))
    n = len(gack.transactions)
    codes = sorted(set(gack.codes), key=int)[:5]
    body.append(("AK9", [gack.status, str(n), str(gack.received), str(gack.accepted), *codes]))
    return body


def _safe_copy(value: str | None) -> str:
    # the copy of bad data must not break the 997 itself
    if not value:
        return ""
    return "".join(ch for ch in value[:99] if ch.isalnum() or ch in " .-/")


@dataclass(slots=True)
class AckControlNumbers:
    """Control numbers for the acknowledgement interchange, allocated by the caller."""

    interchange: str
    groups: Sequence[str] = ()  # one per acknowledged group
    transactions: Sequence[str] = ()  # one per acknowledged group (one 997 each)


def write_acknowledgement(
    ic: Interchange,
    result: AckResult,
    numbers: AckControlNumbers,
    *,
    separators: Separators | None = None,
    when: datetime | None = None,
    include_ta1: bool | None = None,
) -> str:
    """997s (one per group) and, when needed, a TA1, in an envelope mirroring ``ic``.

    A TA1 is added when the interchange has envelope errors or ISA14 asked for one
    (``include_ta1`` overrides). A rejected interchange gets only the TA1.
    """
    seps = separators or ic.separators
    want_ta1 = include_ta1
    if want_ta1 is None:
        want_ta1 = result.status != ACCEPTED or (ic.header is not None and ic.header.get(14) == "1")
    service: list[tuple[str, Sequence[Element]]] = []
    if want_ta1:
        note = result.codes[0] if result.codes else "000"
        status = ACCEPTED if result.status == ACCEPTED else REJECTED
        if result.status == ACCEPTED_WITH_ERRORS:
            status = ACCEPTED_WITH_ERRORS
        service.append(("TA1", [ic.control_number.zfill(9)[-9:], ic.date, ic.time, status, note]))
    groups: list[OutboundGroup] = []
    if result.status != REJECTED:
        if len(numbers.groups) < len(result.groups) or len(numbers.transactions) < len(
            result.groups
        ):
            raise EdiError(
                "one group and one transaction control number is needed per acknowledged group",
                code=Code.INTERCHANGE_BAD_CONTROL,
            )
        for i, gack in enumerate(result.groups):
            inbound = ic.groups[i]
            groups.append(
                OutboundGroup(
                    control_number=numbers.groups[i],
                    functional_id="FA",
                    version=inbound.version or "004010",
                    sender=inbound.receiver,
                    receiver=inbound.sender,
                    transactions=[
                        OutboundTransaction("997", numbers.transactions[i], ack_segments(gack))
                    ],
                )
            )
    return generate_interchange(
        groups,
        sender_qualifier=ic.receiver_qualifier or "ZZ",
        sender=ic.receiver,
        receiver_qualifier=ic.sender_qualifier or "ZZ",
        receiver=ic.sender,
        control_number=numbers.interchange,
        separators=seps,
        when=when,
        version=ic.version if ic.version.isdigit() and len(ic.version) == 5 else "00401",
        test=ic.test,
        service_segments=service,
    )


# --- inbound 997 / TA1 ------------------------------------------------------------------


def read_997(tx: Transaction) -> GroupAck:
    """Parse one inbound 997 into a GroupAck (codes are the X12 codes as sent)."""
    if tx.type != "997":
        raise EdiValidationError(
            f"transaction {tx.control_number} is a {tx.type}, not a 997",
            code=Code.TX_NOT_SUPPORTED,
            position=tx.header.position,
        )
    ak1 = tx.first("AK1")
    if ak1 is None:
        raise EdiValidationError(
            "997 without AK1", code=Code.SEGMENT_MISSING, position=tx.header.position
        )
    gack = GroupAck(functional_id=ak1.get(1), control_number=ak1.get(2), status="")
    current: TransactionAck | None = None
    seg_err: SegmentError | None = None
    for seg in tx.segments:
        tag = seg.tag
        if tag == "AK2":
            current = TransactionAck(type=seg.get(1), control_number=seg.get(2), status="")
            gack.transactions.append(current)
            seg_err = None
        elif tag == "AK3" and current is not None:
            pos = seg.get(2)
            seg_err = SegmentError(seg.get(1), int(pos) if pos.isdigit() else 0, seg.get(4))
            current.segments.append(seg_err)
        elif tag == "AK4" and seg_err is not None:
            el, comp = seg.get(1, 1), seg.get(1, 2)
            seg_err.elements.append(
                ElementError(
                    int(el) if el.isdigit() else 0,
                    seg.get(3),
                    int(comp) if comp.isdigit() else None,
                    seg.get(2) or None,
                    seg.get(4) or None,
                )
            )
        elif tag == "AK5" and current is not None:
            current.status = seg.get(1)
            current.codes = [seg.get(i) for i in range(2, 7) if seg.get(i)]
            current = None
        elif tag == "AK9":
            gack.status = seg.get(1)
            gack.received = int(seg.get(3)) if seg.get(3).isdigit() else 0
            gack.accepted = int(seg.get(4)) if seg.get(4).isdigit() else 0
            gack.codes = [seg.get(i) for i in range(5, 10) if seg.get(i)]
    if not gack.status:
        raise EdiValidationError(
            "997 without AK9", code=Code.SEGMENT_MISSING, position=tx.header.position
        )
    return gack


@dataclass(slots=True)
class SentGroup:
    """A group we sent: its GS06 and the ST02 of each transaction in it."""

    control_number: str
    transactions: Sequence[str]
    functional_id: str = ""


@dataclass(slots=True)
class AckMatch:
    """What an inbound 997 said about what we sent."""

    accepted: list[tuple[str, str]] = field(default_factory=list)  # (group, transaction)
    accepted_with_errors: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    not_acknowledged: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # acked but never sent
    group_status: dict[str, str] = field(default_factory=dict)


def match_acks(acks: Iterable[GroupAck], sent: Iterable[SentGroup]) -> AckMatch:
    """Match inbound 997 results to the groups / transactions we sent."""
    out = AckMatch()
    by_group = {g.control_number.lstrip("0") or "0": g for g in sent}
    seen_groups: set[str] = set()
    for gack in acks:
        key = gack.control_number.lstrip("0") or "0"
        sent_group = by_group.get(key)
        if sent_group is None:
            out.unknown.extend((gack.control_number, t.control_number) for t in gack.transactions)
            if not gack.transactions:
                out.unknown.append((gack.control_number, ""))
            continue
        seen_groups.add(key)
        out.group_status[sent_group.control_number] = gack.status
        listed = {t.control_number: t.status for t in gack.transactions}
        for cn in listed:
            if cn not in sent_group.transactions:
                out.unknown.append((sent_group.control_number, cn))
        for cn in sent_group.transactions:
            # a group-level A or R without AK2 loops covers every transaction in it
            status = listed.get(cn, gack.status if not listed else "")
            pair = (sent_group.control_number, cn)
            if status == ACCEPTED:
                out.accepted.append(pair)
            elif status == ACCEPTED_WITH_ERRORS:
                out.accepted_with_errors.append(pair)
            elif status in (REJECTED, "M", "W", "X"):
                out.rejected.append(pair)
            elif status == "P":
                out.not_acknowledged.append(pair)
            else:
                out.not_acknowledged.append(pair)
    for key, g in by_group.items():
        if key not in seen_groups:
            out.not_acknowledged.extend((g.control_number, cn) for cn in g.transactions)
    return out


def read_ta1(ic: Interchange) -> list[tuple[str, str, str]]:
    """(interchange control number, status, note code) for each TA1 in an interchange."""
    return [(s.get(1), s.get(4), s.get(5)) for s in ic.service_segments if s.tag == "TA1"]


def acknowledge_file(
    data: bytes | str,
    next_control_number: Callable[[str], str],
    *,
    when: datetime | None = None,
) -> list[str]:
    """One acknowledgement interchange (997s and/or TA1) per X12 interchange in a file.

    ``next_control_number(kind)`` allocates numbers; kind is "interchange", "group" or
    "transaction" (the state store does this; tests pass a counter).
    """
    from connectors.edi.core.detect import parse_file

    out: list[str] = []
    for ic in parse_file(data):
        if ic.standard != "x12":
            continue
        result = acknowledge(ic)
        numbers = AckControlNumbers(
            next_control_number("interchange"),
            [next_control_number("group") for _ in result.groups],
            [next_control_number("transaction") for _ in result.groups],
        )
        out.append(write_acknowledgement(ic, result, numbers, when=when))
    return out
