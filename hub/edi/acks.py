"""Acknowledgements: the 997/TA1/CONTRL we send for what we receive, and theirs for ours."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from connectors.edi.core.ack import ACCEPTED, REJECTED, AckResult, group_status
from connectors.edi.core.errors import EdiError
from connectors.edi.core.model import Interchange, Transaction
from connectors.edi.edifact import acknowledge as edifact_acknowledge
from connectors.edi.edifact import (
    generate_contrl,
    read_contrl,
    validate_interchange,
)
from connectors.edi.x12.ack import (
    AckControlNumbers,
    SentGroup,
    match_acks,
    read_997,
    read_ta1,
    write_acknowledgement,
)
from connectors.edi.x12.ack import acknowledge as x12_acknowledge
from hub.edi.partner import PartnerProfile
from hub.store import (
    EDIFACT_REFERENCE_MAX,
    find_by_group,
    find_duplicate,
    next_control_number,
    update_interchange_status,
)

logger = logging.getLogger("hub.edi")
DUPLICATE_TA1 = "025"  # TA1 I18: duplicate interchange control number


@dataclass(slots=True)
class InboundAck:
    """The acknowledgement written for one received interchange."""

    text: str
    control_number: str
    status: str  # A, E, P or R for the interchange as a whole
    group_control_number: str | None
    transaction_control_numbers: list[str]
    accepted: set[str]  # control numbers of transactions that passed


def is_ack_interchange(ic: Interchange) -> bool:
    """True when an interchange carries only acknowledgements (997, TA1, CONTRL)."""
    transactions = ic.transactions
    if not transactions:
        return bool(ic.service_segments)
    return all(tx.type in ("997", "CONTRL") for tx in transactions)


def acknowledge_inbound(
    session: Session,
    profile: PartnerProfile,
    ic: Interchange,
    failures: Mapping[str, EdiError],
    *,
    duplicate: bool = False,
) -> InboundAck:
    """Decide A/E/R for ``ic`` (with translation ``failures``) and write the acknowledgement.

    Control numbers come from the state store in ``session``'s transaction.
    """
    if profile.standard == "x12" or ic.standard == "x12":
        return _x12(session, profile, ic, failures, duplicate)
    return _edifact(session, profile, ic, failures)


def _overall(result: AckResult) -> str:
    if result.status == REJECTED:
        return REJECTED
    statuses = [g.status for g in result.groups] + [t.status for t in result.transactions]
    if not statuses or all(s == REJECTED for s in statuses):
        return REJECTED
    if all(s == ACCEPTED for s in statuses):
        return ACCEPTED
    return "P" if any(s in (REJECTED, "P") for s in statuses) else "E"


def _x12(
    session: Session,
    profile: PartnerProfile,
    ic: Interchange,
    failures: Mapping[str, EdiError],
    duplicate: bool,
) -> InboundAck:
    result = x12_acknowledge(ic)
    for gack, group in zip(result.groups, ic.groups, strict=False):
        for tack in gack.transactions:
            if tack.control_number in failures and tack.status != REJECTED:
                tack.status = REJECTED
        gack.status = group_status((t.status for t in gack.transactions), group.errors)
        gack.accepted = sum(1 for t in gack.transactions if t.status != REJECTED)
    if duplicate:
        result.status, result.codes = REJECTED, [DUPLICATE_TA1]
    partner = profile.id
    numbers = AckControlNumbers(
        str(next_control_number(session, partner, "interchange")).zfill(9),
        [str(next_control_number(session, partner, "group")) for _ in result.groups],
        [str(next_control_number(session, partner, "transaction")).zfill(4) for _ in result.groups],
    )
    text = write_acknowledgement(ic, result, numbers)
    accepted = {
        t.control_number for g in result.groups for t in g.transactions if t.status != REJECTED
    }
    if result.status == REJECTED:
        accepted = set()
    return InboundAck(
        text=text,
        control_number=numbers.interchange,
        status=_overall(result),
        group_control_number=numbers.groups[0]
        if numbers.groups and result.status != REJECTED
        else None,
        transaction_control_numbers=list(numbers.transactions) if result.status != REJECTED else [],
        accepted=accepted,
    )


def _edifact(
    session: Session,
    profile: PartnerProfile,
    ic: Interchange,
    failures: Mapping[str, EdiError],
) -> InboundAck:
    results = validate_interchange(ic)
    for message_result in results:
        failure = failures.get(message_result.message.control_number)
        if failure is not None:
            message_result.errors.append(failure)
    result = edifact_acknowledge(ic, results)
    reference = str(
        next_control_number(session, profile.id, "interchange", maximum=EDIFACT_REFERENCE_MAX)
    )
    text = generate_contrl(ic, control_reference=reference, results=results)
    accepted = {r.message.control_number for r in results if r.ok}
    if result.status == REJECTED:
        accepted = set()
    return InboundAck(
        text=text,
        control_number=reference,
        status=_overall(result),
        group_control_number=None,
        transaction_control_numbers=["1"],
        accepted=accepted,
    )


def initial_status(ic: Interchange) -> dict[str, str]:
    """Control number -> envelope/spec status before translation (for reports)."""
    if ic.standard == "x12":
        result = x12_acknowledge(ic)
        return {t.control_number: t.status for g in result.groups for t in g.transactions}
    return {
        r.message.control_number: ACCEPTED if r.ok else REJECTED for r in validate_interchange(ic)
    }


# --- acknowledgements the partner sends for what we sent --------------------------------


@dataclass(slots=True)
class AckOutcome:
    """What one inbound acknowledgement said about one interchange we sent."""

    interchange_id: int | None
    control_number: str
    ack_status: str  # accepted | accepted_with_errors | partially_accepted | rejected | unmatched


def apply_partner_acks(
    session: Session, profile: PartnerProfile, ic: Interchange
) -> list[AckOutcome]:
    """Mark the interchanges we sent as accepted or rejected by the partner's 997/TA1/CONTRL."""
    out: list[AckOutcome] = []
    if ic.standard == "x12":
        for icn, status, _note in read_ta1(ic):
            if status == REJECTED:
                out.append(_mark_by_icn(session, profile, icn, "rejected"))
        for group in ic.groups:
            for tx in group.transactions:
                if tx.type == "997":
                    out.append(_apply_997(session, profile, tx))
    else:
        for tx in ic.transactions:
            if tx.type == "CONTRL":
                ack = read_contrl(tx)
                status = "rejected" if ack.status == REJECTED else "accepted"
                answered = [t for g in ack.groups for t in g.transactions] + ack.transactions
                if status == "accepted" and any(t.status == REJECTED for t in answered):
                    status = "partially_accepted"
                out.append(_mark_by_icn(session, profile, ack.control_number, status))
    return out


def _mark_by_icn(session: Session, profile: PartnerProfile, icn: str, status: str) -> AckOutcome:
    row = find_duplicate(
        session,
        partner=profile.id,
        direction="out",
        sender=profile.ours.id,
        receiver=profile.theirs.id,
        interchange_control_number=icn,
    )
    if row is None and icn.isdigit():
        for candidate in (icn.zfill(9), icn.lstrip("0") or "0"):
            row = find_duplicate(
                session,
                partner=profile.id,
                direction="out",
                sender=profile.ours.id,
                receiver=profile.theirs.id,
                interchange_control_number=candidate,
            )
            if row is not None:
                break
    if row is None:
        logger.warning("EDI %s: acknowledgement for unknown interchange %s", profile.id, icn)
        return AckOutcome(None, icn, "unmatched")
    update_interchange_status(session, row.id, ack_status=status)
    return AckOutcome(row.id, icn, status)


def _apply_997(session: Session, profile: PartnerProfile, tx: Transaction) -> AckOutcome:
    try:
        gack = read_997(tx)
    except EdiError as exc:
        logger.warning("EDI %s: unreadable 997 %s: %s", profile.id, tx.control_number, exc)
        return AckOutcome(None, tx.control_number, "unmatched")
    gcn = gack.control_number.lstrip("0") or "0"
    row = find_by_group(session, partner=profile.id, direction="out", group_control_number=gcn)
    if row is None:
        logger.warning("EDI %s: 997 for unknown group %s", profile.id, gack.control_number)
        return AckOutcome(None, gack.control_number, "unmatched")
    match = match_acks([gack], [SentGroup(gcn, list(row.transaction_control_numbers))])
    if match.rejected and not (match.accepted or match.accepted_with_errors):
        status = "rejected"
    elif match.rejected or match.not_acknowledged:
        status = "partially_accepted"
    elif match.accepted_with_errors:
        status = "accepted_with_errors"
    else:
        status = "accepted"
    update_interchange_status(session, row.id, ack_status=status)
    return AckOutcome(row.id, row.interchange_control_number, status)
