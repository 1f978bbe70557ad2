"""Read an inbound CONTRL and match it to the interchange we sent."""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.edi.core.ack import (
    ACCEPTED,
    REJECTED,
    AckResult,
    ElementError,
    GroupAck,
    SegmentError,
    TransactionAck,
)
from connectors.edi.core.errors import Code, EdiValidationError
from connectors.edi.core.model import Interchange, Segment, Transaction

# 0083 action: 4 rejected; 7 acknowledged; 8 received (no syntax check, treated as accepted).
_STATUS = {"4": REJECTED, "7": ACCEPTED, "8": ACCEPTED}


def read_contrl(message: Transaction) -> AckResult:
    """The AckResult a partner's CONTRL states; codes are the partner's 0085 codes."""
    if message.type != "CONTRL":
        raise EdiValidationError(
            f"message {message.control_number!r} is {message.type}, not CONTRL",
            code=Code.TX_NOT_SUPPORTED,
            position=message.header.position,
        )
    uci = message.first("UCI")
    if uci is None:
        raise EdiValidationError(
            "CONTRL without UCI segment",
            code=Code.SEGMENT_MISSING,
            position=message.header.position,
            segment_id="UCI",
        )
    result = AckResult(
        control_number=uci.get(1),
        status=_status(uci.get(4), uci.position),
        codes=[uci.get(5)] if uci.get(5) else [],
    )
    group: GroupAck | None = None
    current: TransactionAck | None = None
    segment: SegmentError | None = None
    for seg in message.segments:
        if seg.tag == "UCF":
            group = GroupAck(
                functional_id="",
                control_number=seg.get(1),
                status=_status(seg.get(4), seg.position),
                codes=[seg.get(5)] if seg.get(5) else [],
            )
            result.groups.append(group)
            current = segment = None
        elif seg.tag == "UCM":
            current = _ucm(seg)
            (group.transactions if group is not None else result.transactions).append(current)
            if group is not None:
                group.received += 1
                group.accepted += current.status != REJECTED
            segment = None
        elif seg.tag == "UCS" and current is not None:
            segment = SegmentError("", _int(seg.get(1)), seg.get(2) or None)
            current.segments.append(segment)
        elif seg.tag == "UCD" and segment is not None:
            segment.elements.append(
                ElementError(_int(seg.get(2, 1)), seg.get(1), _int(seg.get(2, 2)) or None)
            )
    return result


def _ucm(seg: Segment) -> TransactionAck:
    return TransactionAck(
        type=seg.get(2, 1),
        control_number=seg.get(1),
        status=_status(seg.get(3), seg.position),
        codes=[seg.get(4)] if seg.get(4) else [],
    )


def _status(action: str, position: int) -> str:
    status = _STATUS.get(action)
    if status is None:
        raise EdiValidationError(
            f"CONTRL action {action!r} is not 4, 7 or 8",
            code=Code.ELEMENT_BAD_CODE,
            position=position,
            ref="0083",
            value=action[:35],
        )
    return status


def _int(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() else 0


@dataclass(slots=True)
class ContrlMatch:
    """What a CONTRL says about an interchange we sent, message by message."""

    interchange_control: str
    matched: bool
    status: str
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def match_contrl(ack: AckResult, sent: Interchange) -> ContrlMatch:
    """Which of the messages we sent the partner accepted or rejected.

    A message not named under an accepting UCI (action 7) is accepted: CONTRL lists only
    what it rejects unless the partner reports every message.
    """
    match = ContrlMatch(sent.control_number, ack.control_number == sent.control_number, ack.status)
    if not match.matched:
        return match
    answered = {t.control_number: t for t in ack.transactions}
    for group_ack in ack.groups:
        answered.update({t.control_number: t for t in group_ack.transactions})
    rejected_groups = {g.control_number for g in ack.groups if g.status == REJECTED}
    sent_refs: set[str] = set()
    for group in [None, *sent.groups]:
        messages = sent.direct_transactions if group is None else group.transactions
        for message in messages:
            ref = message.control_number
            sent_refs.add(ref)
            answer = answered.get(ref)
            in_rejected_group = group is not None and group.control_number in rejected_groups
            if (
                ack.status == REJECTED
                or in_rejected_group
                or (answer is not None and answer.status == REJECTED)
            ):
                match.rejected.append(ref)
            else:
                match.accepted.append(ref)
    match.unknown = sorted(set(answered) - sent_refs)
    return match
