"""EDIFACT service segments: reading UNB, UNG and UNH, and checking UNZ, UNE and UNT."""

from __future__ import annotations

from datetime import date

from connectors.edi.core.errors import Code
from connectors.edi.core.model import Group, Interchange, Segment, Separators, Transaction
from connectors.edi.edifact.errors import envelope_error


def _text(segment: Segment, index: int, component: int = 1) -> str:
    return segment.get(index, component)


def interchange_from_unb(unb: Segment, separators: Separators) -> Interchange:
    """Interchange fields from the UNB segment, with header problems in ``errors``."""
    syntax = unb.components(1)
    ich = Interchange(
        standard="edifact",
        sender=_text(unb, 2),
        receiver=_text(unb, 3),
        control_number=_text(unb, 5),
        separators=separators,
        version=":".join(syntax[:2]),
        sender_qualifier=_text(unb, 2, 2),
        receiver_qualifier=_text(unb, 3, 2),
        date=_text(unb, 4, 1),
        time=_text(unb, 4, 2),
        test=_text(unb, 11) == "1",
    )
    pos = unb.position
    required = ((1, 1, "syntax identifier"), (2, 1, "sender"), (3, 1, "recipient"))
    for element, component, name in (*required, (5, 1, "interchange control reference")):
        if not _text(unb, element, component):
            code = Code.INTERCHANGE_BAD_CONTROL if element == 5 else Code.INTERCHANGE_HEADER
            ich.errors.append(
                envelope_error(
                    f"UNB{element:02d}: {name} is missing",
                    code,
                    pos,
                    "UNB",
                    element=element,
                    component=component,
                )
            )
    version = _text(unb, 1, 2)
    if version and version not in ("1", "2", "3", "4"):
        ich.errors.append(
            envelope_error(
                f"UNB01-2: syntax version {version!r} is not supported (1-4)",
                Code.INTERCHANGE_BAD_VERSION,
                pos,
                "UNB",
                element=1,
                component=2,
                value=version,
            )
        )
    if len(ich.control_number) > 14:
        ich.errors.append(
            envelope_error(
                f"UNB05: control reference {ich.control_number[:20]!r} is longer than 14",
                Code.INTERCHANGE_BAD_CONTROL,
                pos,
                "UNB",
                element=5,
            )
        )
    if not _valid_edifact_date(ich.date):
        ich.errors.append(
            envelope_error(
                f"UNB04-1: {ich.date!r} is not a date (YYMMDD or CCYYMMDD)",
                Code.INTERCHANGE_BAD_DATE,
                pos,
                "UNB",
                element=4,
                component=1,
                value=ich.date[:35],
            )
        )
    if not _valid_time(ich.time):
        ich.errors.append(
            envelope_error(
                f"UNB04-2: {ich.time!r} is not a time (HHMM)",
                Code.INTERCHANGE_BAD_TIME,
                pos,
                "UNB",
                element=4,
                component=2,
                value=ich.time[:35],
            )
        )
    return ich


def _valid_edifact_date(text: str) -> bool:
    if len(text) not in (6, 8) or not text.isdigit() or not text.isascii():
        return False
    year = int(text[:-4]) + (2000 if len(text) == 6 else 0)
    try:
        date(year, int(text[-4:-2]), int(text[-2:]))
    except ValueError:
        return False
    return True


def _valid_time(text: str) -> bool:
    return (
        len(text) == 4
        and text.isdigit()
        and text.isascii()
        and int(text[:2]) < 24
        and int(text[2:]) < 60
    )


def check_interchange_trailer(ich: Interchange) -> None:
    """Record UNZ problems: missing, count, reference, groups mixed with messages."""
    unz = ich.trailer
    header_pos = ich.header.position if ich.header is not None else None
    if unz is None:
        ich.errors.append(
            envelope_error(
                f"interchange {ich.control_number!r}: UNZ trailer is missing (truncated?)",
                Code.INTERCHANGE_TRAILER_MISSING,
                header_pos,
                "UNZ",
            )
        )
        return
    if ich.groups and ich.direct_transactions:
        ich.errors.append(
            envelope_error(
                "functional groups (UNG) and messages outside groups are mixed",
                Code.GROUP_NOT_SUPPORTED,
                header_pos,
                "UNG",
            )
        )
    expected = len(ich.groups) if ich.groups else len(ich.direct_transactions)
    declared = _text(unz, 1)
    if declared != str(expected) and not (declared.isdigit() and int(declared) == expected):
        what = "groups" if ich.groups else "messages"
        ich.errors.append(
            envelope_error(
                f"UNZ01: control count {declared!r} but the interchange holds {expected} {what}",
                Code.INTERCHANGE_COUNT_MISMATCH,
                unz.position,
                "UNZ",
                element=1,
                value=declared[:35],
            )
        )
    reference = _text(unz, 2)
    if reference != ich.control_number:
        ich.errors.append(
            envelope_error(
                f"UNZ02: control reference {reference!r} does not match UNB05 "
                f"{ich.control_number!r}",
                Code.INTERCHANGE_CONTROL_MISMATCH,
                unz.position,
                "UNZ",
                element=2,
                value=reference[:35],
            )
        )


def group_from_ung(ung: Segment) -> Group:
    """Group fields from the UNG segment."""
    version = ung.components(7)
    group = Group(
        functional_id=_text(ung, 1),
        sender=_text(ung, 2),
        receiver=_text(ung, 3),
        control_number=_text(ung, 5),
        version="".join(version[:2]),
        date=_text(ung, 4, 1),
        time=_text(ung, 4, 2),
        agency=_text(ung, 6),
        header=ung,
    )
    if not group.control_number:
        group.errors.append(
            envelope_error(
                "UNG05: group reference number is missing",
                Code.GROUP_HEADER,
                ung.position,
                "UNG",
                element=5,
            )
        )
    return group


def check_group_trailer(group: Group) -> None:
    """Record UNE problems: missing, count, reference."""
    une = group.trailer
    if une is None:
        group.errors.append(
            envelope_error(
                f"group {group.control_number!r}: UNE trailer is missing",
                Code.GROUP_TRAILER_MISSING,
                group.header.position if group.header is not None else None,
                "UNE",
            )
        )
        return
    declared = _text(une, 1)
    expected = len(group.transactions)
    if not (declared.isdigit() and int(declared) == expected):
        group.errors.append(
            envelope_error(
                f"UNE01: message count {declared!r} but the group holds {expected} messages",
                Code.GROUP_COUNT_MISMATCH,
                une.position,
                "UNE",
                element=1,
                value=declared[:35],
            )
        )
    if _text(une, 2) != group.control_number:
        group.errors.append(
            envelope_error(
                f"UNE02: reference {_text(une, 2)!r} does not match UNG05 {group.control_number!r}",
                Code.GROUP_CONTROL_MISMATCH,
                une.position,
                "UNE",
                element=2,
            )
        )


def message_from_unh(unh: Segment) -> Transaction:
    """Message fields from the UNH segment, with missing identifier parts recorded."""
    ident = unh.components(2)
    parts = [*ident, "", "", "", "", ""]
    message = Transaction(
        type=parts[0],
        control_number=_text(unh, 1),
        version=parts[1] + parts[2],
        header=unh,
        implementation=parts[4],
    )
    checks = (
        (1, 1, message.control_number, "message reference number"),
        (2, 1, parts[0], "message type"),
        (2, 2, parts[1], "message version number"),
        (2, 3, parts[2], "message release number"),
        (2, 4, parts[3], "controlling agency"),
    )
    for element, component, value, name in checks:
        if not value:
            message.errors.append(
                envelope_error(
                    f"UNH{element:02d}: {name} is missing",
                    Code.ELEMENT_MISSING,
                    unh.position,
                    "UNH",
                    element=element,
                    component=component,
                )
            )
    return message


def check_message_trailer(message: Transaction) -> None:
    """Record UNT problems: missing, segment count, reference."""
    unt = message.trailer
    if unt is None:
        message.errors.append(
            envelope_error(
                f"message {message.control_number!r}: UNT trailer is missing",
                Code.TX_TRAILER_MISSING,
                message.header.position,
                "UNT",
            )
        )
        return
    expected = len(message.segments) + 2
    declared = _text(unt, 1)
    if not (declared.isdigit() and int(declared) == expected):
        message.errors.append(
            envelope_error(
                f"UNT01: segment count {declared!r} but the message has {expected} segments",
                Code.TX_COUNT_MISMATCH,
                unt.position,
                "UNT",
                element=1,
                value=declared[:35],
            )
        )
    if _text(unt, 2) != message.control_number:
        message.errors.append(
            envelope_error(
                f"UNT02: reference {_text(unt, 2)!r} does not match UNH01 "
                f"{message.control_number!r}",
                Code.TX_CONTROL_MISMATCH,
                unt.position,
                "UNT",
                element=2,
            )
        )
