"""CONTRL: build the syntax and service report for an inbound interchange, and write it.

Every inbound interchange gets one: UCI action 7 (acknowledged) or 4 (rejected), a UCM
per message (7 or 4), UCS segment errors and UCD element errors with positions and 0085
codes. Messages inside UNG groups are answered under a UCF per group. The envelope mirrors
the inbound one: sender and recipient swapped, same syntax identifier and separators.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from connectors.edi.core.ack import (
    ACCEPTED,
    REJECTED,
    AckResult,
    GroupAck,
    TransactionAck,
    build_transaction_ack,
    group_status,
)
from connectors.edi.core.errors import EdiError
from connectors.edi.core.model import Group, Interchange, Transaction
from connectors.edi.edifact.errors import contrl_code
from connectors.edi.edifact.syntax import ServiceChars
from connectors.edi.edifact.validate import MessageResult, validate_interchange
from connectors.edi.edifact.writer import (
    InterchangeOut,
    MessageOut,
    OutElement,
    OutSegment,
    generate_interchange,
)

ACTION_ACCEPTED = "7"
ACTION_REJECTED = "4"


def acknowledge(
    interchange: Interchange, results: Sequence[MessageResult] | None = None
) -> AckResult:
    """The AckResult for an inbound interchange (validates it when no results are given)."""
    if results is None:
        results = validate_interchange(interchange)
    by_message = {id(r.message): r.errors for r in results}
    envelope = [e for e in interchange.errors if not e.is_warning]
    direct = [
        _message_ack(m, by_message.get(id(m), m.errors)) for m in interchange.direct_transactions
    ]
    groups = [_group_ack(g, by_message) for g in interchange.groups]
    statuses = [t.status for t in direct]
    for group in groups:
        # A rejected group rejects every message in it, whatever their own state.
        statuses.extend(
            REJECTED if group.status == REJECTED else t.status for t in group.transactions
        )
    rejected = bool(envelope) or not statuses or all(s == REJECTED for s in statuses)
    return AckResult(
        control_number=interchange.control_number,
        status=REJECTED if rejected else ACCEPTED,
        codes=[e.code for e in envelope],
        groups=groups,
        transactions=direct,
    )


def _message_ack(message: Transaction, errors: Sequence[EdiError]) -> TransactionAck:
    return build_transaction_ack(message.type, message.control_number, errors)


def _group_ack(group: Group, by_message: dict[int, list[EdiError]]) -> GroupAck:
    acks = [_message_ack(m, by_message.get(id(m), m.errors)) for m in group.transactions]
    own = [e for e in group.errors if not e.is_warning]
    status = group_status([a.status for a in acks], own)
    return GroupAck(
        functional_id=group.functional_id,
        control_number=group.control_number,
        status=status,
        version=group.version,
        transactions=acks,
        codes=[e.code for e in own],
        received=len(acks),
        accepted=sum(1 for a in acks if a.status != REJECTED),
    )


def build_contrl_body(
    interchange: Interchange, results: Sequence[MessageResult] | None = None
) -> list[OutSegment]:
    """UCI, UCM/UCS/UCD and UCF segments answering ``interchange``."""
    if results is None:
        results = validate_interchange(interchange)
    ack = acknowledge(interchange, results)
    by_message = {id(r.message): r.errors for r in results}
    body: list[OutSegment] = []
    uci: list[OutElement] = [
        interchange.control_number,
        [interchange.sender, interchange.sender_qualifier],
        [interchange.receiver, interchange.receiver_qualifier],
        ACTION_REJECTED if ack.status == REJECTED else ACTION_ACCEPTED,
    ]
    first = next((e for e in interchange.errors if not e.is_warning), None)
    if first is not None:
        uci.extend(_error_detail(first))
    body.append(("UCI", uci))
    for message in interchange.direct_transactions:
        body.extend(_ucm(message, by_message.get(id(message), message.errors)))
    for group in interchange.groups:
        gack = next(g for g in ack.groups if g.control_number == group.control_number)
        ucf: list[OutElement] = [
            group.control_number,
            [group.sender],
            [group.receiver],
            ACTION_REJECTED if gack.status == REJECTED else ACTION_ACCEPTED,
        ]
        own = next((e for e in group.errors if not e.is_warning), None)
        if own is not None:
            ucf.extend(_error_detail(own))
        body.append(("UCF", ucf))
        for message in group.transactions:
            body.extend(_ucm(message, by_message.get(id(message), message.errors)))
    return body


def _error_detail(error: EdiError) -> list[OutElement]:
    where: OutElement = None
    if error.element is not None:
        where = [str(error.element), str(error.component) if error.component else None]
    return [contrl_code(error), error.segment_id or None, where]


def _ucm(message: Transaction, errors: Sequence[EdiError]) -> list[OutSegment]:
    ack = build_transaction_ack(message.type, message.control_number, errors)
    ident = [*message.header.components(2)][:5]
    ucm: list[OutElement] = [
        message.control_number,
        ident,
        ACTION_REJECTED if ack.status == REJECTED else ACTION_ACCEPTED,
    ]
    top = next((e for e in errors if not e.is_warning and e.tx_position is None), None)
    if top is not None:
        ucm.extend(_error_detail(top))
    out: list[OutSegment] = [("UCM", ucm)]
    details = {
        (e.tx_position, e.element, e.component): e
        for e in errors
        if not e.is_warning and e.tx_position is not None
    }
    for seg in ack.segments:
        seg_error = details.get((seg.position, None, None))
        seg_code = contrl_code(seg_error) if seg_error is not None else None
        out.append(("UCS", [str(seg.position), seg_code]))
        for el in seg.elements:
            error = details.get((seg.position, el.element, el.component))
            code = contrl_code(error) if error is not None else "18"
            where = [str(el.element), str(el.component) if el.component else None]
            out.append(("UCD", [code, where]))
    return out


def contrl_identifier(interchange: Interchange) -> tuple[str, str]:
    """(version, release) of the CONTRL answering this interchange's syntax version."""
    return ("4", "1") if interchange.version.endswith(":4") else ("D", "3")


def generate_contrl(
    interchange: Interchange,
    *,
    control_reference: str,
    message_reference: str = "1",
    prepared: datetime | None = None,
    results: Sequence[MessageResult] | None = None,
    chars: ServiceChars | None = None,
) -> str:
    """The CONTRL interchange answering ``interchange`` (references from the caller)."""
    seps = interchange.separators
    if chars is None:
        chars = ServiceChars(
            component=seps.component,
            element=seps.element,
            decimal=seps.decimal,
            release=seps.release or "?",
            repetition=seps.repetition or " ",
            terminator=seps.segment,
        )
        if chars.problem() is not None:
            chars = ServiceChars()
    syntax, _, syntax_version = interchange.version.partition(":")
    version, release = contrl_identifier(interchange)
    message = MessageOut(
        reference=message_reference,
        type="CONTRL",
        body=build_contrl_body(interchange, results),
        version=version,
        release=release,
    )
    spec = InterchangeOut(
        sender=interchange.receiver or "UNKNOWN",
        receiver=interchange.sender or "UNKNOWN",
        sender_qualifier=interchange.receiver_qualifier,
        receiver_qualifier=interchange.sender_qualifier,
        control_reference=control_reference,
        messages=[message],
        syntax=syntax if syntax.isalpha() and len(syntax) == 4 else "UNOC",
        syntax_version=syntax_version if syntax_version in ("1", "2", "3", "4") else "3",
        prepared=prepared,
        test=interchange.test,
        chars=chars,
        suffix=seps.suffix,
    )
    return generate_interchange(spec)
