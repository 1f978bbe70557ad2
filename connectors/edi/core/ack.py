"""Acknowledgement results shared by X12 997/TA1 and EDIFACT CONTRL.

An AckResult says, per interchange, group and transaction, whether it was accepted (A),
accepted with errors (E), partially accepted (P, groups only) or rejected (R), with the
segment and element errors that explain it. x12/ack.py and edifact/ writers turn it into
997 or CONTRL; parsers of inbound acknowledgements produce the same shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from connectors.edi.core.errors import Code, EdiError

ACCEPTED = "A"
ACCEPTED_WITH_ERRORS = "E"
PARTIAL = "P"
REJECTED = "R"


@dataclass(slots=True)
class ElementError:
    """An element-level problem (997 AK4 / CONTRL UCD)."""

    element: int
    code: str  # machine code from errors.Code (or the standard's code when parsed)
    component: int | None = None
    ref: str | None = None
    value: str | None = None


@dataclass(slots=True)
class SegmentError:
    """A segment-level problem (997 AK3 / CONTRL UCS) with its element errors."""

    segment_id: str
    position: int  # 1-based within the transaction
    code: str | None = None  # segment-level machine code; None when only elements failed
    elements: list[ElementError] = field(default_factory=list)


@dataclass(slots=True)
class TransactionAck:
    """Acknowledgement of one transaction (997 AK2/AK5 / CONTRL UCM)."""

    type: str
    control_number: str
    status: str
    codes: list[str] = field(default_factory=list)  # transaction-level machine codes
    segments: list[SegmentError] = field(default_factory=list)


@dataclass(slots=True)
class GroupAck:
    """Acknowledgement of one group (997 AK1/AK9 / CONTRL UCF)."""

    functional_id: str
    control_number: str
    status: str
    version: str = ""
    transactions: list[TransactionAck] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    received: int = 0
    accepted: int = 0


@dataclass(slots=True)
class AckResult:
    """Acknowledgement of one interchange (TA1 / CONTRL UCI) with its groups."""

    control_number: str
    status: str
    codes: list[str] = field(default_factory=list)
    groups: list[GroupAck] = field(default_factory=list)
    transactions: list[TransactionAck] = field(default_factory=list)  # EDIFACT without UNG

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        from dataclasses import asdict

        return asdict(self)


def segment_errors(errors: Iterable[EdiError]) -> list[SegmentError]:
    """Group content errors (warnings skipped) by segment position, in order."""
    by_pos: dict[tuple[int, str], SegmentError] = {}
    for err in errors:
        if err.is_warning or err.tx_position is None or err.segment_id is None:
            continue
        key = (err.tx_position, err.segment_id)
        seg = by_pos.get(key)
        if seg is None:
            seg = by_pos[key] = SegmentError(err.segment_id, err.tx_position)
        if err.element is None:
            if seg.code is None:
                seg.code = err.code
        else:
            seg.elements.append(
                ElementError(err.element, err.code, err.component, err.ref, err.value)
            )
    return [by_pos[k] for k in sorted(by_pos)]


def transaction_status(errors: Iterable[EdiError]) -> str:
    """R when any error, E when only warnings, A when clean ("no specification" is no error)."""
    status = ACCEPTED
    for err in errors:
        if not err.is_warning:
            return REJECTED
        if err.code != Code.TX_NO_SPEC:
            status = ACCEPTED_WITH_ERRORS
    return status


def group_status(statuses: Iterable[str], group_errors: Iterable[EdiError] = ()) -> str:
    """Group status from its transactions' statuses and the group's own envelope errors."""
    if any(not e.is_warning for e in group_errors):
        return REJECTED
    seen = list(statuses)
    if not seen:
        return REJECTED
    rejected = sum(1 for s in seen if s == REJECTED)
    if rejected == len(seen):
        return REJECTED
    if rejected:
        return PARTIAL
    if any(s == ACCEPTED_WITH_ERRORS for s in seen):
        return ACCEPTED_WITH_ERRORS
    return ACCEPTED


def build_transaction_ack(
    type_: str, control_number: str, errors: Iterable[EdiError]
) -> TransactionAck:
    """TransactionAck from a transaction's envelope and validation errors."""
    errs = list(errors)
    tx_codes = [e.code for e in errs if not e.is_warning and e.tx_position is None]
    return TransactionAck(
        type=type_,
        control_number=control_number,
        status=transaction_status(errs),
        codes=tx_codes,
        segments=segment_errors(errs),
    )
