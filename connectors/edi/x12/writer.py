"""X12 generation: segments and ISA/GS/ST envelopes that are correct by construction.

Control numbers are passed in by the caller (the state store allocates them); counts
(SE01, GE01, IEA01) are computed here. X12 has no release character, so a value holding a
separator is refused with an EdiError instead of silently corrupting the interchange.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from connectors.edi.core.errors import Code, EdiError
from connectors.edi.core.model import X12_DEFAULT_SEPARATORS, Element, Separators

FUNCTIONAL_IDS = {
    "850": "PO",
    "855": "PR",
    "856": "SH",
    "810": "IN",
    "846": "IB",
    "997": "FA",
    "860": "PC",
    "865": "CA",
    "824": "AG",
}

SegmentData = tuple[str, Sequence[Element]]


@dataclass(slots=True)
class OutboundTransaction:
    """A transaction set to write: type, control number (ST02) and body segments."""

    type: str
    control_number: str
    segments: list[SegmentData] = field(default_factory=list)


@dataclass(slots=True)
class OutboundGroup:
    """A functional group to write; GS02/GS03 default to the interchange's ids."""

    control_number: str
    transactions: list[OutboundTransaction]
    functional_id: str = ""  # derived from the first transaction type when empty
    version: str = "004010"
    sender: str = ""
    receiver: str = ""


def _check(value: str, seps: Separators, where: str) -> None:
    for ch in (seps.element, seps.segment, seps.component, seps.repetition):
        if ch and ch in value:
            raise EdiError(
                f"{where}: value {value[:40]!r} contains the separator {ch!r}",
                code=Code.ELEMENT_BAD_CHAR,
            )


def format_segment(tag: str, elements: Sequence[Element], seps: Separators) -> str:
    """One segment as text with its terminator (trailing empty elements dropped)."""
    parts: list[str] = [tag]
    for i, el in enumerate(elements, 1):
        if isinstance(el, tuple):
            for comp in el:
                _check(comp, seps, f"{tag}{i:02d}")
            while el and not el[-1]:
                el = el[:-1]
            parts.append(seps.component.join(el))
        else:
            _check(el, seps, f"{tag}{i:02d}")
            parts.append(el)
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return seps.element.join(parts) + seps.segment + seps.suffix


def _pad(value: str, width: int, name: str) -> str:
    if len(value) > width:
        raise EdiError(f"{name} {value!r} is longer than {width}", code=Code.ELEMENT_TOO_LONG)
    return value.ljust(width)


def _digits(value: str, width: int, name: str) -> str:
    if not (value.isascii() and value.isdigit()) or len(value) > width:
        raise EdiError(
            f"{name} {value!r} must be up to {width} digits", code=Code.INTERCHANGE_BAD_CONTROL
        )
    return value.zfill(width)


def isa_segment(
    *,
    sender_qualifier: str,
    sender: str,
    receiver_qualifier: str,
    receiver: str,
    control_number: str,
    when: datetime,
    separators: Separators,
    version: str = "00401",
    test: bool = False,
    ack_requested: bool = False,
) -> str:
    """The fixed-width ISA segment (106 characters plus suffix)."""
    rep = separators.repetition if version >= "00402" and separators.repetition else "U"
    elements: list[Element] = [
        "00",
        " " * 10,
        "00",
        " " * 10,
        _pad(sender_qualifier, 2, "ISA05"),
        _pad(sender, 15, "ISA06"),
        _pad(receiver_qualifier, 2, "ISA07"),
        _pad(receiver, 15, "ISA08"),
        when.strftime("%y%m%d"),
        when.strftime("%H%M"),
        rep,
        _pad(version, 5, "ISA12"),
        _digits(control_number, 9, "ISA13"),
        "1" if ack_requested else "0",
        "T" if test else "P",
        separators.component,
    ]
    seps = separators
    return seps.element.join(["ISA", *(str(e) for e in elements)]) + seps.segment + seps.suffix


def generate_interchange(
    groups: Iterable[OutboundGroup],
    *,
    sender_qualifier: str,
    sender: str,
    receiver_qualifier: str,
    receiver: str,
    control_number: str,
    separators: Separators = X12_DEFAULT_SEPARATORS,
    when: datetime | None = None,
    version: str = "00401",
    test: bool = False,
    ack_requested: bool = False,
    service_segments: Iterable[SegmentData] = (),
) -> str:
    """A complete X12 interchange as text, with counts computed and envelopes matched."""
    seps = separators
    if len({seps.element, seps.component, seps.segment, seps.repetition or seps.element}) < 3:
        raise EdiError("separators must differ from each other", code=Code.BAD_SEPARATORS)
    when = when or datetime.now(UTC)
    out = [
        isa_segment(
            sender_qualifier=sender_qualifier,
            sender=sender,
            receiver_qualifier=receiver_qualifier,
            receiver=receiver,
            control_number=control_number,
            when=when,
            separators=seps,
            version=version,
            test=test,
            ack_requested=ack_requested,
        )
    ]
    for tag, elements in service_segments:
        out.append(format_segment(tag, elements, seps))
    n_groups = 0
    for group in groups:
        n_groups += 1
        fid = group.functional_id or FUNCTIONAL_IDS.get(
            group.transactions[0].type if group.transactions else "", "ZZ"
        )
        gs: list[Element] = [
            fid,
            group.sender or sender,
            group.receiver or receiver,
            when.strftime("%Y%m%d"),
            when.strftime("%H%M"),
            _digits(group.control_number, 9, "GS06").lstrip("0") or "0",
            "X",
            group.version,
        ]
        out.append(format_segment("GS", gs, seps))
        for tx in group.transactions:
            out.append(format_segment("ST", [tx.type, tx.control_number], seps))
            for tag, elements in tx.segments:
                out.append(format_segment(tag, elements, seps))
            out.append(format_segment("SE", [str(len(tx.segments) + 2), tx.control_number], seps))
        out.append(format_segment("GE", [str(len(group.transactions)), gs[5]], seps))
    out.append(format_segment("IEA", [str(n_groups), control_number.zfill(9)], seps))
    return "".join(out)
