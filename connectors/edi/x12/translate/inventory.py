"""846 Inventory Inquiry/Advice <-> a list of canonical StockLevel snapshots."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from canonical.stock import StockLevel
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
    num,
    parse_d8,
    parse_dt,
    split_loops,
)

# QTY01 qualifiers for the StockLevel quantities (673 codes; see docs/edi.md)
QUANTITIES = {
    "on_hand": "17",
    "allocated": "QA",
    "available": "33",
    "incoming": "64",
    "safety_stock": "SS",
}
STOCK_STATUS_REF = "ZZ"  # REF*ZZ carries the stock status when not unrestricted


def stock_to_846(
    levels: Sequence[StockLevel],
    report_id: str,
    created: datetime,
    options: PartnerOptions | None = None,
) -> list[SegmentData]:
    """846 body: BIA, then one LIN loop per StockLevel."""
    opts = options or PartnerOptions()
    segs: list[SegmentData] = [
        ("BIA", ["00", "MB", report_id, d8(created.date()), created.strftime("%H%M%S")])
    ]
    for level in levels:
        ids: list[str] = ["SK", level.sku]
        if level.gtin:
            ids += [gtin_qualifier(level.gtin), level.gtin]
        if level.lot:
            ids += ["LT", level.lot]
        if level.serial:
            ids += ["SN", level.serial]
        segs.append(("LIN", ["", *ids]))
        as_of = level.as_of
        segs.append(("DTM", ["097", d8(as_of.date()), as_of.strftime("%H%M%S")]))
        if level.expiry is not None:
            segs.append(("DTM", ["036", d8(level.expiry)]))
        segs.append(("REF", ["WH", level.warehouse_id]))
        if level.warehouse_gln:
            segs.append(("REF", ["LU", level.warehouse_gln]))
        if level.location:
            segs.append(("REF", ["WS", level.location]))
        if level.stock_status != "unrestricted":
            segs.append(("REF", [STOCK_STATUS_REF, level.stock_status]))
        segs.append(("REF", ["SQ", str(level.sequence)]))
        unit = opts.unit_out(level.uom)
        for name, qual in QUANTITIES.items():
            value: Decimal = getattr(level, name)
            if name in ("incoming", "safety_stock", "allocated") and value == 0:
                continue
            segs.append(("QTY", [qual, num(value), unit]))
    segs.append(("CTT", [str(len(levels))]))
    return segs


@edi_errors
def x12_846_to_stock(tx: Transaction, options: PartnerOptions | None = None) -> list[StockLevel]:
    """Inbound 846 as StockLevel snapshots (one per LIN loop)."""
    return list(iter_846_stock(tx, options))


def iter_846_stock(tx: Transaction, options: PartnerOptions | None = None) -> Iterator[StockLevel]:
    """StockLevels of an 846, one at a time (large inventory files)."""
    opts = options or PartnerOptions()
    header, loops = split_loops(tx.segments, "LIN")
    bia = next((s for s in header if s.tag == "BIA"), None)
    if bia is None:
        raise TranslationError("846 without BIA", tx.header)
    default_as_of = parse_dt(bia.get(4), bia.get(5), bia)
    for loop in loops:
        if loop[-1].tag == "CTT":
            loop = loop[:-1]
        yield build(StockLevel, _level(loop, default_as_of, opts), tx)


def _level(loop: list[Segment], default_as_of: datetime, opts: PartnerOptions) -> dict[str, Any]:
    lin = loop[0]
    pairs = id_pairs(lin, 2)
    sku = pairs.get("SK") or pairs.get("VP") or opts.item_to_sku.get(pairs.get("BP", ""))
    if not sku:
        raise TranslationError("LIN names no item we know (SK, VP or a mapped BP)", lin)
    refs = {s.get(1): s.get(2) for s in loop if s.tag == "REF"}
    if "WH" not in refs:
        raise TranslationError("LIN loop without REF*WH (warehouse)", lin)
    as_of = default_as_of
    expiry = None
    for seg in loop:
        if seg.tag == "DTM" and seg.get(1) == "097":
            as_of = parse_dt(seg.get(2), seg.get(3), seg)
        elif seg.tag == "DTM" and seg.get(1) == "036":
            expiry = parse_d8(seg.get(2), seg, 2)
    qty: dict[str, Decimal] = {}
    uom = ""
    by_qual = {v: k for k, v in QUANTITIES.items()}
    for seg in loop:
        if seg.tag == "QTY" and seg.get(1) in by_qual:
            qty[by_qual[seg.get(1)]] = dec(seg.get(2), seg, 2)
            uom = uom or seg.get(3)
    if "on_hand" not in qty:
        raise TranslationError("LIN loop without QTY*17 (on hand)", lin)
    allocated = qty.get("allocated", Decimal(0))
    seq = refs.get("SQ", "")
    return {
        "sku": sku,
        "gtin": gtin_of(pairs),
        "lot": pairs.get("LT"),
        "serial": pairs.get("SN"),
        "warehouse_id": refs["WH"],
        "warehouse_gln": refs.get("LU"),
        "location": refs.get("WS"),
        "stock_status": refs.get(STOCK_STATUS_REF, "unrestricted"),
        "expiry": expiry,
        "uom": opts.unit_in(uom or "EA", lin),
        "on_hand": qty["on_hand"],
        "allocated": allocated,
        "available": qty.get("available", qty["on_hand"] - allocated),
        "incoming": qty.get("incoming", Decimal(0)),
        "safety_stock": qty.get("safety_stock", Decimal(0)),
        "as_of": as_of,
        "sequence": int(seq) if seq.isdigit() else 0,
    }
