"""DESADV <-> Shipment: the CPS hierarchy with one level per SSCC-labelled package.

CPS+1 is the shipment; each package is CPS+n+1 with PAC (type), MEA+PD+AAB (gross weight)
and PCI+33E / GIN+BJ (its SSCC); its goods follow as LIN groups: PIA ...:SA (sku),
QTY+12 (despatched), GIN+BN (serials), RFF+ON:order:line, and PCI+36E with DTM+36
(expiry) and GIN+BX (lot). Header: RFF+ON purchase orders, RFF+VN sales orders, RFF+CN
tracking number, NAD+SF ship-from, NAD+DP ship-to, TDT+20 carrier (SCAC, agency 182).
"""

from __future__ import annotations

from typing import Any

from canonical.shipment import Carrier, Package, Shipment, ShipmentLine
from canonical.types import Quantity
from connectors.edi.core.errors import Code
from connectors.edi.core.model import Segment, Transaction
from connectors.edi.edifact.translate.common import (
    PartnerOptions,
    build,
    dtm,
    fail,
    first,
    number,
    parties,
    party_segments,
    read_date,
    reading,
    require,
    to_decimal,
)
from connectors.edi.edifact.writer import OutElement, OutSegment

SCAC_AGENCY = "182"


def shipment_to_desadv(
    shipment: Shipment, options: PartnerOptions | None = None
) -> list[OutSegment]:
    """DESADV body (without UNH/UNT) for a shipment."""
    options = options or PartnerOptions()
    body: list[OutSegment] = [("BGM", [["351"], shipment.shipment_number, "9"])]
    if shipment.ship_date is not None:
        body.append(dtm("11", shipment.ship_date))
    if shipment.expected_delivery_date is not None:
        body.append(dtm("17", shipment.expected_delivery_date))
    body.extend(("RFF", [["ON", ref]]) for ref in shipment.purchase_order_refs)
    body.extend(("RFF", [["VN", ref]]) for ref in shipment.order_refs)
    if shipment.tracking_number:
        body.append(("RFF", [["CN", shipment.tracking_number]]))
    body.extend(party_segments("SF", shipment.ship_from, options))
    body.extend(party_segments("DP", shipment.ship_to, options))
    carrier = shipment.carrier
    if carrier is not None:
        means: OutElement = [None, carrier.service_level] if carrier.service_level else None
        body.append(
            ("TDT", ["20", None, None, means, [carrier.scac, None, SCAC_AGENCY, carrier.name]])
        )
    body.append(("CPS", ["1"]))
    count = 0
    for index, package in enumerate(shipment.packages, 2):
        body.append(("CPS", [str(index), "1"]))
        body.append(("PAC", ["1", None, [package.package_type] if package.package_type else None]))
        if package.weight is not None:
            unit = options.unit_out(package.weight.uom)
            body.append(("MEA", ["PD", ["AAB"], [unit, number(package.weight.value, options)]]))
        body.append(("PCI", ["33E"]))
        body.append(("GIN", ["BJ", [package.sscc]]))
        for line in package.lines:
            count += 1
            body.extend(_line(line, options))
    body.append(("CNT", [["2", str(count)]]))
    return body


def _line(line: ShipmentLine, options: PartnerOptions) -> list[OutSegment]:
    out: list[OutSegment] = [
        ("LIN", [str(line.line_no), None, [line.gtin, "SRV"] if line.gtin else None])
    ]
    if line.sku:
        out.append(("PIA", ["1", [options.item_for(line.sku), "SA"]]))
    unit = options.unit_out(line.quantity.uom)
    out.append(("QTY", [["12", number(line.quantity.value, options), unit]]))
    serials = list(line.serials)
    for i in range(0, len(serials), 5):
        out.append(("GIN", ["BN", *[[s] for s in serials[i : i + 5]]]))
    if line.order_ref:
        line_no = None if line.order_line_no is None else str(line.order_line_no)
        out.append(("RFF", [["ON", line.order_ref, line_no]]))
    if line.lot or line.expiry:
        out.append(("PCI", ["36E"]))
        if line.expiry is not None:
            out.append(dtm("36", line.expiry))
        if line.lot:
            out.append(("GIN", ["BX", [line.lot]]))
    return out


@reading
def desadv_to_shipment(
    message: Transaction, options: PartnerOptions | None = None, decimal: str = "."
) -> Shipment:
    """Canonical Shipment (status "shipped") from a DESADV message."""
    options = options or PartnerOptions()
    body = message.segments
    first_cps = next((i for i, s in enumerate(body) if s.tag == "CPS"), len(body))
    header, hierarchy = body[:first_cps], body[first_cps:]
    bgm = require(first(header, "BGM"), "BGM", message.header)
    packages = _packages(hierarchy, options, decimal)
    if not packages:
        raise fail("DESADV holds no package (CPS with GIN+BJ SSCC)", bgm, Code.SEGMENT_MISSING)
    found = parties(header, options)
    ship_from, ship_to = found.get("SF") or found.get("SU"), found.get("DP") or found.get("ST")
    if ship_from is None or ship_to is None:
        raise fail(
            "NAD+SF (ship from) and NAD+DP (ship to) are both required", bgm, Code.SEGMENT_MISSING
        )
    tdt = first(header, "TDT")
    carrier = None
    if tdt is not None and tdt.get(5, 4):
        carrier = build(
            Carrier,
            tdt,
            name=tdt.get(5, 4),
            scac=tdt.get(5, 1) or None,
            service_level=tdt.get(4, 2) or None,
        )
    shipped = first(header, "DTM", "11")
    expected = first(header, "DTM", "17")
    tracking = first(header, "RFF", "CN")
    refs = [s for s in header if s.tag == "RFF"]
    return build(  # type: ignore[return-value]
        Shipment,
        bgm,
        shipment_number=bgm.get(2),
        status="shipped",
        order_refs=tuple(s.get(1, 2) for s in refs if s.get(1, 1) == "VN"),
        purchase_order_refs=tuple(s.get(1, 2) for s in refs if s.get(1, 1) == "ON"),
        ship_from=ship_from,
        ship_to=ship_to,
        carrier=carrier,
        tracking_number=tracking.get(1, 2) if tracking is not None else None,
        ship_date=read_date(shipped) if shipped is not None else None,
        expected_delivery_date=read_date(expected) if expected is not None else None,
        packages=tuple(packages),
    )


def _packages(hierarchy: list[Segment], options: PartnerOptions, decimal: str) -> list[Package]:
    packages: list[Package] = []
    current: dict[str, Any] | None = None
    line: dict[str, Any] | None = None

    def close_line() -> None:
        nonlocal line
        if line is not None and current is not None:
            current["lines"].append(build(ShipmentLine, line.pop("_seg"), **line))
        line = None

    def close_package() -> None:
        nonlocal current
        close_line()
        if current is not None and current.get("sscc"):
            seg = current.pop("_seg")
            packages.append(build(Package, seg, **current))  # type: ignore[arg-type]
        current = None

    for seg in hierarchy:
        tag = seg.tag
        if tag == "CPS":
            close_package()
            current = {"lines": [], "_seg": seg}
        elif current is None:
            raise fail(f"segment {tag} outside the CPS hierarchy", seg, Code.SEGMENT_OUT_OF_ORDER)
        elif tag == "PAC" and line is None:
            current["package_type"] = seg.get(3, 1) or None
        elif tag == "MEA" and line is None and seg.get(1) == "PD":
            weight = to_decimal(seg.get(3, 2), seg, decimal)
            current["weight"] = Quantity(value=weight, uom=options.unit_in(seg.get(3, 1)))
        elif tag == "GIN" and seg.get(1) == "BJ" and line is None:
            current["sscc"] = seg.get(2, 1)
        elif tag == "LIN":
            close_line()
            if not current.get("sscc"):
                raise fail(
                    "LIN in a CPS level without an SSCC (GIN+BJ)", seg, Code.SEGMENT_OUT_OF_ORDER
                )
            number_text = seg.get(1)
            if not (number_text.isascii() and number_text.isdigit()):
                raise fail(f"LIN01 {number_text[:10]!r} is not a line number", seg)
            line = {
                "_seg": seg,
                "line_no": int(number_text),
                "gtin": seg.get(3, 1) or None,
                "serials": (),
            }
        elif line is not None:
            _line_detail(line, seg, options, decimal)
    close_package()
    return packages


def _line_detail(line: dict[str, Any], seg: Segment, options: PartnerOptions, decimal: str) -> None:
    tag = seg.tag
    if tag == "PIA" and seg.get(2, 2) == "SA":
        line["sku"] = options.sku_for(seg.get(2, 1))
    elif tag == "QTY" and seg.get(1, 1) == "12":
        line["quantity"] = Quantity(
            value=to_decimal(seg.get(1, 2), seg, decimal),
            uom=options.unit_in(seg.get(1, 3) or "EA"),
        )
    elif tag == "GIN" and seg.get(1) == "BN":
        line["serials"] = (*line["serials"], *(seg.get(i, 1) for i in range(2, 7) if seg.get(i, 1)))
    elif tag == "GIN" and seg.get(1) == "BX":
        line["lot"] = seg.get(2, 1) or None
    elif tag == "DTM" and seg.get(1, 1) == "36":
        line["expiry"] = read_date(seg)
    elif tag == "RFF" and seg.get(1, 1) == "ON":
        line["order_ref"] = seg.get(1, 2) or None
        line_no = seg.get(1, 3)
        line["order_line_no"] = int(line_no) if line_no.isascii() and line_no.isdigit() else None
