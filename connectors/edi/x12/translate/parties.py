"""N1 loops <-> canonical PartyRef (name, GLN or partner id, postal address)."""

from __future__ import annotations

from collections.abc import Sequence

from canonical.types import Address, ExternalRef, PartyRef
from connectors.edi.core.model import Segment
from connectors.edi.x12.translate.common import PartnerOptions, SegmentData, TranslationError

ROLE_BY_CODE = {"BT": "bill_to", "ST": "ship_to"}


def write_party(code: str, party: PartyRef, options: PartnerOptions) -> list[SegmentData]:
    """N1 (+N3/N4) for a party; GLN as qualifier UL, else the partner's id as 92."""
    qual = ident = ""
    if party.gln:
        qual, ident = "UL", party.gln
    else:
        for ref in party.external_refs:
            if ref.system == options.partner_system:
                qual, ident = "92", ref.id
                break
    name = (party.name or "")[:60]
    if not name and not ident:
        name = party.address.lines[0][:60] if party.address else ""
    out: list[SegmentData] = [("N1", [code, name, qual, ident])]
    addr = party.address
    if addr is not None:
        lines = list(addr.lines)
        for i in range(0, len(lines), 2):
            out.append(("N3", [ln[:55] for ln in lines[i : i + 2]]))
        out.append(
            ("N4", [addr.city[:30], addr.region or "", addr.postal_code or "", addr.country])
        )
    return out


def read_party(loop: Sequence[Segment], options: PartnerOptions) -> PartyRef:
    """PartyRef from an N1 loop."""
    n1 = loop[0]
    qual, ident = n1.get(3), n1.get(4)
    gln = ident if qual == "UL" else None
    refs: tuple[ExternalRef, ...] = ()
    if ident and qual != "UL":
        refs = (ExternalRef(system=options.partner_system, id=ident),)
    lines = [v for s in loop if s.tag == "N3" for v in (s.get(1), s.get(2)) if v]
    n4 = next((s for s in loop if s.tag == "N4"), None)
    address = None
    if lines or n4 is not None:
        city = n4.get(1) if n4 is not None else ""
        if not lines or not city:
            raise TranslationError("an address needs N3 street lines and N4 city", n1)
        address = Address(
            role=ROLE_BY_CODE.get(n1.get(1), "sold_to"),
            lines=tuple(lines[:3]),
            city=city,
            region=(n4.get(2) or None) if n4 is not None else None,
            postal_code=(n4.get(3) or None) if n4 is not None else None,
            country=(n4.get(4) if n4 is not None else "") or options.default_country,
        )
    if not (gln or refs or address):
        raise TranslationError(f"party {n1.get(1)} has no id and no address", n1)
    return PartyRef(gln=gln, name=n1.get(2) or None, external_refs=refs, address=address)


def parties_by_code(
    loops: Sequence[Sequence[Segment]], options: PartnerOptions
) -> dict[str, PartyRef]:
    """PartyRef per N101 code (first loop wins)."""
    out: dict[str, PartyRef] = {}
    for loop in loops:
        code = loop[0].get(1)
        if code not in out:
            out[code] = read_party(loop, options)
    return out
