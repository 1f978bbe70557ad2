"""856 Ship Notice <-> canonical Shipment, as an S/O/P/I hierarchy with SSCCs in MAN*GM."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from canonical.shipment import Shipment
from canonical.types import Quantity
from connectors.edi.core.model import Segment, Transaction
from connectors.edi.x12.translate.common import (
    PartnerOptions,
    SegmentData,
    TranslationError,
    build,
    d8,
    dec,
    edi_errors,
    gtin_of,
    gtin_qualifier,
    id_pairs,
    n1_loops,
    num,
    parse_d8,
    split_loops,
)
from connectors.edi.x12.translate.parties import parties_by_code, write_party


def shipment_to_856(
    shipment: Shipment, created: datetime, options: PartnerOptions | None = None
) -> list[SegmentData]:
    """856 body: one S level, an O level per PO ref, a P level per package, I per line."""
    opts = options or PartnerOptions()
    segs: list[SegmentData] = [
        (
            "BSN",
            [
                "00",
                shipment.shipment_number,
                d8(created.date()),
                created.strftime("%H%M%S"),
                "0001",
            ],
        )
    ]
    if shipment.ship_date is not None:
        segs.append(("DTM", ["011", d8(shipment.ship_date)]))
    if shipment.expected_delivery_date is not None:
        segs.append(("DTM", ["017", d8(shipment.expected_delivery_date)]))
    hl = 1
    segs.append(("HL", ["1", "", "S", "1"]))
    carrier = shipment.carrier
    if carrier is not None:
        level = carrier.service_level or ""
        if len(level) > 2:
            raise TranslationError(
                f"service level {level!r} is not an X12 code (TD512, 1-2 characters)", None
            )
        scac = carrier.scac or ""
        segs.append(
            (
                "TD5",
                [
                    "",
                    "2" if scac else "",
                    scac,
                    "",
                    carrier.name[:35],
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    level,
                ],
            )
        )
    if shipment.tracking_number:
        segs.append(("REF", ["CN", shipment.tracking_number]))
    segs.extend(write_party("SF", shipment.ship_from, opts))
    segs.extend(write_party("ST", shipment.ship_to, opts))
    po_refs = list(shipment.purchase_order_refs) or [""]
    order_parent = ""
    for i, po in enumerate(po_refs):
        hl += 1
        segs.append(("HL", [str(hl), "1", "O", "1"]))
        if po:
            segs.append(("PRF", [po]))
        if i == 0:
            order_parent = str(hl)
            segs.extend(("REF", ["CO", ref]) for ref in shipment.order_refs)
    for package in shipment.packages:
        hl += 1
        pack_id = str(hl)
        segs.append(("HL", [pack_id, order_parent, "P", "1"]))
        if package.package_type or package.weight is not None:
            td1 = [package.package_type or "", "", "", "", ""]
            if package.weight is not None:
                td1 += ["G", num(package.weight.value), opts.unit_out(package.weight.uom)]
            segs.append(("TD1", td1))
        segs.append(("MAN", ["GM", package.sscc]))
        for line in package.lines:
            hl += 1
            segs.append(("HL", [str(hl), pack_id, "I", "0"]))
            ids: list[str] = []
            if line.sku:
                ids += ["SK", line.sku]
            if line.gtin:
                ids += [gtin_qualifier(line.gtin), line.gtin]
            if line.lot:
                ids += ["LT", line.lot]
            segs.append(("LIN", [str(line.line_no), *ids]))
            segs.append(("SN1", ["", num(line.quantity.value), opts.unit_out(line.quantity.uom)]))
            if line.order_ref:
                prf = [line.order_ref, "", "", "", str(line.order_line_no or "")]
                segs.append(("PRF", prf))
            segs.extend(("REF", ["SE", serial]) for serial in line.serials)
            if line.expiry is not None:
                segs.append(("DTM", ["036", d8(line.expiry)]))
    segs.append(("CTT", [str(hl)]))
    return segs


@edi_errors
def x12_856_to_shipment(tx: Transaction, options: PartnerOptions | None = None) -> Shipment:
    """Inbound 856 as a canonical Shipment (status "shipped")."""
    opts = options or PartnerOptions()
    header, loops = split_loops(tx.segments, "HL")
    bsn = next((s for s in header if s.tag == "BSN"), None)
    if bsn is None:
        raise TranslationError("856 without BSN", tx.header)
    data: dict[str, Any] = {"shipment_number": bsn.get(2), "status": "shipped"}
    for seg in header:
        if seg.tag == "DTM" and seg.get(1) == "011":
            data["ship_date"] = parse_d8(seg.get(2), seg, 2)
        elif seg.tag == "DTM" and seg.get(1) == "017":
            data["expected_delivery_date"] = parse_d8(seg.get(2), seg, 2)
    levels: dict[str, tuple[str, str, list[Segment]]] = {}
    order: list[str] = []
    for loop in loops:
        hl = loop[0]
        if hl.get(1) in levels:
            raise TranslationError(f"HL01 {hl.get(1)!r} repeats", hl, 1)
        if hl.get(2) and hl.get(2) not in levels:
            raise TranslationError(f"HL02 {hl.get(2)!r} names no earlier level", hl, 2)
        levels[hl.get(1)] = (hl.get(3), hl.get(2), loop)
        order.append(hl.get(1))
    ship = [levels[k][2] for k in order if levels[k][0] == "S"]
    if len(ship) != 1:
        raise TranslationError("856 needs exactly one shipment (S) level", tx.header)
    s_loop = ship[0]
    parties = parties_by_code(list(n1_loops(s_loop, set())), opts)
    if "SF" not in parties or "ST" not in parties:
        raise TranslationError("856 shipment level needs N1*SF and N1*ST", s_loop[0])
    data["ship_from"], data["ship_to"] = parties["SF"], parties["ST"]
    for seg in s_loop:
        if seg.tag == "TD5":
            data["carrier"] = {
                "name": seg.get(5) or seg.get(3) or "unknown",
                "scac": seg.get(3) if seg.get(2) == "2" else None,
                "service_level": seg.get(12) or None,
            }
        elif seg.tag == "REF" and seg.get(1) == "CN":
            data["tracking_number"] = seg.get(2)
    po_refs: list[str] = []
    order_refs: list[str] = []
    packages: dict[str, dict[str, Any]] = {}
    for key in order:
        kind, parent, loop = levels[key]
        if kind == "O":
            po_refs += [s.get(1) for s in loop if s.tag == "PRF" and s.get(1)]
            order_refs += [s.get(2) for s in loop if s.tag == "REF" and s.get(1) == "CO"]
        elif kind == "P":
            packages[key] = _package(loop, opts)
        elif kind == "I":
            if parent not in packages:
                raise TranslationError("item (I) level is not inside a pack (P) level", loop[0], 2)
            packages[parent]["lines"].append(_item(loop, opts))
    data["purchase_order_refs"] = tuple(po_refs)
    data["order_refs"] = tuple(order_refs)
    data["packages"] = tuple(packages.values())
    return build(Shipment, data, tx)


def _package(loop: list[Segment], opts: PartnerOptions) -> dict[str, Any]:
    man = next((s for s in loop if s.tag == "MAN" and s.get(1) == "GM"), None)
    if man is None:
        raise TranslationError("pack level without MAN*GM (SSCC)", loop[0])
    sscc = man.get(2)
    if len(sscc) == 20 and sscc.startswith("00"):  # with the (00) application identifier
        sscc = sscc[2:]
    out: dict[str, Any] = {"sscc": sscc, "lines": []}
    td1 = next((s for s in loop if s.tag == "TD1"), None)
    if td1 is not None:
        out["package_type"] = td1.get(1) or None
        if td1.get(7):
            out["weight"] = Quantity(
                value=dec(td1.get(7), td1, 7), uom=opts.unit_in(td1.get(8), td1)
            )
    return out


def _item(loop: list[Segment], opts: PartnerOptions) -> dict[str, Any]:
    lin = next((s for s in loop if s.tag == "LIN"), None)
    sn1 = next((s for s in loop if s.tag == "SN1"), None)
    if lin is None or sn1 is None:
        raise TranslationError("item level needs LIN and SN1", loop[0])
    pairs = id_pairs(lin, 2)
    sku = pairs.get("SK") or pairs.get("VP") or opts.item_to_sku.get(pairs.get("BP", ""))
    prf = next((s for s in loop if s.tag == "PRF"), None)
    expiry = next((s for s in loop if s.tag == "DTM" and s.get(1) == "036"), None)
    line_no = lin.get(1)
    return {
        "line_no": int(line_no) if line_no.isdigit() else 1,
        "sku": sku,
        "gtin": gtin_of(pairs),
        "lot": pairs.get("LT"),
        "quantity": Quantity(value=dec(sn1.get(2), sn1, 2), uom=opts.unit_in(sn1.get(3), sn1)),
        "serials": tuple(s.get(2) for s in loop if s.tag == "REF" and s.get(1) == "SE"),
        "expiry": parse_d8(expiry.get(2), expiry, 2) if expiry is not None else None,
        "order_ref": prf.get(1) if prf is not None else None,
        "order_line_no": int(prf.get(5)) if prf is not None and prf.get(5).isdigit() else None,
    }
