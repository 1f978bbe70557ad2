"""Shared pieces of EDIFACT <-> canonical translation: options, values, parties, sections."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import ParamSpec, TypeVar

from pydantic import ValidationError

from canonical.types import Address, AddressRole, ExternalRef, PartyRef, TaxId
from connectors.edi.core.errors import Code, EdiValidationError
from connectors.edi.core.model import Segment, Transaction
from connectors.edi.edifact.syntax import DEFAULT_CHARS, ServiceChars
from connectors.edi.edifact.writer import OutElement, OutSegment, format_decimal

P = ParamSpec("P")
R = TypeVar("R")

GLN_AGENCY = "9"  # 3055: GS1
BUYER_AGENCY = "92"  # 3055: assigned by buyer or buyer's agent
# NAD qualifier -> the address role a canonical Address carries for that party.
ADDRESS_ROLES: Mapping[str, AddressRole] = {"IV": "bill_to", "DP": "ship_to", "ST": "ship_to"}


@dataclass(frozen=True, slots=True)
class PartnerOptions:
    """Partner-specific mappings: item ids, unit codes and the partner's system name."""

    partner: str = "edi"
    sku_to_item: Mapping[str, str] = field(default_factory=dict)
    unit_to_partner: Mapping[str, str] = field(default_factory=dict)
    chars: ServiceChars = DEFAULT_CHARS

    def item_for(self, sku: str) -> str:
        """The partner's item id for our sku (the sku itself when unmapped)."""
        return self.sku_to_item.get(sku, sku)

    def sku_for(self, item: str) -> str:
        """Our sku for the partner's item id."""
        for sku, theirs in self.sku_to_item.items():
            if theirs == item:
                return sku
        return item

    def unit_out(self, uom: str) -> str:
        """The partner's unit code for a UN/ECE Rec 20 unit."""
        return self.unit_to_partner.get(uom, uom)

    def unit_in(self, code: str) -> str:
        """The UN/ECE Rec 20 unit for a partner's unit code."""
        for ours, theirs in self.unit_to_partner.items():
            if theirs == code:
                return ours
        return code


def fail(
    message: str, segment: Segment | None = None, code: str = Code.ELEMENT_MISSING
) -> EdiValidationError:
    """A translation problem, pointing at the segment when there is one."""
    return EdiValidationError(
        message,
        code=code,
        position=segment.position if segment is not None else None,
        segment_id=segment.tag if segment is not None else None,
    )


def to_decimal(text: str, segment: Segment | None, decimal: str = ".") -> Decimal:
    """Decimal from EDIFACT numeric text (either decimal mark accepted)."""
    cleaned = text.replace(decimal, ".") if decimal != "." else text
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise fail(f"{text[:35]!r} is not a number", segment, Code.ELEMENT_BAD_CHAR) from None
    if not value.is_finite():
        raise fail(f"{text[:35]!r} is not a number", segment, Code.ELEMENT_BAD_CHAR)
    return value


def read_date(segment: Segment) -> date:
    """The date of a DTM segment (formats 102, 203, 204)."""
    return read_datetime(segment).date()


def read_datetime(segment: Segment) -> datetime:
    """The UTC datetime of a DTM segment (formats 102, 203, 204; 101 taken as 20YY)."""
    value, fmt = segment.get(1, 2), segment.get(1, 3) or "102"
    patterns = {"102": "%Y%m%d", "203": "%Y%m%d%H%M", "204": "%Y%m%d%H%M%S", "101": "%y%m%d"}
    pattern = patterns.get(fmt)
    if pattern is None:
        raise fail(f"DTM format {fmt!r} is not supported here", segment, Code.ELEMENT_BAD_CODE)
    try:
        return datetime.strptime(value, pattern).replace(tzinfo=UTC)
    except ValueError:
        raise fail(f"{value[:35]!r} is not a {fmt} date", segment, Code.ELEMENT_BAD_DATE) from None


def dtm(qualifier: str, value: date | datetime) -> OutSegment:
    """DTM segment: dates as 102, UTC datetimes as 204."""
    if isinstance(value, datetime):
        return ("DTM", [[qualifier, value.astimezone(UTC).strftime("%Y%m%d%H%M%S"), "204"]])
    return ("DTM", [[qualifier, value.strftime("%Y%m%d"), "102"]])


def number(value: Decimal, options: PartnerOptions) -> str:
    """Numeric text with the partner's decimal mark."""
    return format_decimal(value, options.chars)


def chunks(text: str, size: int) -> list[str]:
    """``text`` cut into pieces of at most ``size`` characters."""
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def reading(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator for readers: a canonical model refusing the data becomes an EdiError."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise fail(
                f"{exc.title}: {where + ': ' if where else ''}{first.get('msg', 'invalid')}",
                None,
                Code.ELEMENT_BAD_CODE,
            ) from None

    return wrapper


def build(model: type, segment: Segment | None, **values: object) -> object:
    """Construct a canonical model, turning its validation error into an EdiError."""
    try:
        return model(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise fail(
            f"{model.__name__}: {where + ': ' if where else ''}{first.get('msg', 'invalid')}",
            segment,
            Code.ELEMENT_BAD_CODE,
        ) from None


# --- parties ------------------------------------------------------------------------


def party_segments(qualifier: str, party: PartyRef, options: PartnerOptions) -> list[OutSegment]:
    """NAD (and RFF+VA for a VAT number) for one party."""
    ident: OutElement = None
    if party.gln:
        ident = [party.gln, None, GLN_AGENCY]
    elif party.external_refs:
        ident = [party.external_refs[0].id, None, BUYER_AGENCY]
    name: OutElement = chunks(party.name, 35)[:5] if party.name else None
    street: OutElement = None
    city = region = postal = country = None
    address = party.address
    if address is not None:
        street = list(address.lines)
        city, region, postal, country = (
            address.city,
            address.region,
            address.postal_code,
            address.country,
        )
    out: list[OutSegment] = [
        ("NAD", [qualifier, ident, None, name, street, city, region, postal, country])
    ]
    for tax in party.tax_ids:
        if tax.scheme == "VAT":
            out.append(("RFF", [["VA", tax.value]]))
    return out


def read_party(nad: Segment, extra: Sequence[Segment], options: PartnerOptions) -> PartyRef:
    """PartyRef from a NAD segment and the RFF segments of its group."""
    ident, agency = nad.get(2, 1), nad.get(2, 3)
    gln = ident if ident and agency == GLN_AGENCY else None
    refs = (
        (ExternalRef(system=options.partner, id=ident),) if ident and agency != GLN_AGENCY else ()
    )
    name = "".join(nad.components(4)) or None
    address = None
    lines = tuple(c for c in nad.components(5) if c)
    if lines or nad.get(6):
        address = build(
            Address,
            nad,
            role=ADDRESS_ROLES.get(nad.get(1), "sold_to"),
            lines=lines,
            city=nad.get(6),
            region=nad.get(7) or None,
            postal_code=nad.get(8) or None,
            country=nad.get(9),
        )
    taxes = tuple(
        TaxId(scheme="VAT", value=seg.get(1, 2))
        for seg in extra
        if seg.tag == "RFF" and seg.get(1, 1) == "VA" and seg.get(1, 2)
    )
    return build(  # type: ignore[return-value]
        PartyRef, nad, gln=gln, name=name, external_refs=refs, tax_ids=taxes, address=address
    )


# --- sections -----------------------------------------------------------------------


@dataclass(slots=True)
class Sections:
    """A message body cut into header, line groups (from each LIN) and summary (after UNS)."""

    header: list[Segment]
    lines: list[list[Segment]]
    summary: list[Segment]


def sections(message: Transaction, line_tag: str = "LIN") -> Sections:
    """Split the body at LIN (line groups) and UNS (summary)."""
    header: list[Segment] = []
    lines: list[list[Segment]] = []
    summary: list[Segment] = []
    target = header
    for seg in message.segments:
        if seg.tag == line_tag and target is not summary:
            lines.append([seg])
            target = lines[-1]
        elif seg.tag == "UNS":
            target = summary
        else:
            target.append(seg)
    return Sections(header, lines, summary)


def parties(header: Sequence[Segment], options: PartnerOptions) -> dict[str, PartyRef]:
    """PartyRef by NAD qualifier from a header section."""
    out: dict[str, PartyRef] = {}
    index = 0
    while index < len(header):
        seg = header[index]
        if seg.tag == "NAD":
            group = []
            index += 1
            while index < len(header) and header[index].tag in ("RFF", "DTM", "LOC", "CTA", "COM"):
                group.append(header[index])
                index += 1
            out[seg.get(1)] = read_party(seg, group, options)
            continue
        index += 1
    return out


def first(segments: Sequence[Segment], tag: str, qualifier: str | None = None) -> Segment | None:
    """First segment with ``tag`` whose element 1 (component 1) is ``qualifier``."""
    for seg in segments:
        if seg.tag == tag and (qualifier is None or seg.get(1, 1) == qualifier):
            return seg
    return None


def every(segments: Sequence[Segment], tag: str, qualifier: str | None = None) -> list[Segment]:
    """Every segment with ``tag`` (and element 1 component 1 equal to ``qualifier``)."""
    return [s for s in segments if s.tag == tag and (qualifier is None or s.get(1, 1) == qualifier)]


def require(segment: Segment | None, what: str, anchor: Segment | None) -> Segment:
    """``segment`` or an EdiValidationError naming what is missing."""
    if segment is None:
        raise fail(f"{what} is missing", anchor, Code.SEGMENT_MISSING)
    return segment
