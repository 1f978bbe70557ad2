"""INVRPT <-> StockLevel list: one LIN group per product, one SG12 LOC group per snapshot.

LIN (GTIN) and PIA ...:SA (sku); SG12: LOC+18 (warehouse id, related location = bin,
second related location = warehouse GLN with agency 9), QTY+145 on hand, QTY+66
allocated, DTM+137 (as of, format 204), DTM+36 expiry, RFF+ACD snapshot sequence,
GIN+BX lot and GIN+BN serial. Not carried: stock status (read as unrestricted),
incoming and safety stock (read as zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from canonical.stock import StockLevel
from connectors.edi.core.errors import Code
from connectors.edi.core.model import Segment, Transaction
from connectors.edi.edifact.translate.common import (
    PartnerOptions,
    build,
    dtm,
    fail,
    first,
    number,
    read_date,
    read_datetime,
    reading,
    require,
    to_decimal,
)
from connectors.edi.edifact.writer import OutElement, OutSegment

WAREHOUSE = "18"


def stock_to_invrpt(
    levels: Sequence[StockLevel],
    report_number: str,
    prepared: datetime | None = None,
    options: PartnerOptions | None = None,
) -> list[OutSegment]:
    """INVRPT body (without UNH/UNT) reporting ``levels`` (grouped by product)."""
    options = options or PartnerOptions()
    if not levels:
        raise fail("an inventory report needs at least one stock level", None, Code.SEGMENT_MISSING)
    stamp = prepared or max(level.as_of for level in levels)
    body: list[OutSegment] = [
        ("BGM", [["35"], report_number, "9"]),
        dtm("137", stamp.astimezone(UTC)),
    ]
    products: dict[tuple[str, str | None], list[StockLevel]] = {}
    for level in levels:
        products.setdefault((level.sku, level.gtin), []).append(level)
    for line_no, ((sku, gtin), group) in enumerate(products.items(), 1):
        body.append(("LIN", [str(line_no), None, [gtin, "SRV"] if gtin else None]))
        body.append(("PIA", ["1", [options.item_for(sku), "SA"]]))
        for level in group:
            body.extend(_location(level, options))
    return body


def _location(level: StockLevel, options: PartnerOptions) -> list[OutSegment]:
    if level.stock_status != "unrestricted" or level.incoming or level.safety_stock:
        raise fail(
            f"stock of {level.sku}: INVRPT carries unrestricted stock without incoming or "
            "safety stock only",
            None,
            Code.ELEMENT_BAD_CODE,
        )
    related: OutElement = [level.location] if level.location else None
    gln: OutElement = [level.warehouse_gln, None, "9"] if level.warehouse_gln else None
    unit = options.unit_out(level.uom)
    out: list[OutSegment] = [
        ("LOC", [WAREHOUSE, [level.warehouse_id], related, gln]),
        ("QTY", [["145", number(level.on_hand, options), unit]]),
        ("QTY", [["66", number(level.allocated, options), unit]]),
        dtm("137", level.as_of),
    ]
    if level.expiry is not None:
        out.append(dtm("36", level.expiry))
    out.append(("RFF", [["ACD", str(level.sequence)]]))
    if level.lot:
        out.append(("GIN", ["BX", [level.lot]]))
    if level.serial:
        out.append(("GIN", ["BN", [level.serial]]))
    return out


@reading
def invrpt_to_stock(
    message: Transaction, options: PartnerOptions | None = None, decimal: str = "."
) -> list[StockLevel]:
    """StockLevel snapshots from an INVRPT message."""
    options = options or PartnerOptions()
    levels: list[StockLevel] = []
    body = message.segments
    bgm = require(first(body, "BGM"), "BGM", message.header)
    stamp_seg = first(body[:4], "DTM", "137")
    stamp = read_datetime(stamp_seg) if stamp_seg is not None else None
    product: dict[str, Any] = {}
    index = 0
    while index < len(body):
        seg = body[index]
        if seg.tag == "LIN":
            product = {"gtin": seg.get(3, 1) or None, "sku": None, "_seg": seg}
        elif seg.tag == "PIA" and seg.get(2, 2) == "SA":
            product["sku"] = options.sku_for(seg.get(2, 1))
        elif seg.tag == "LOC" and seg.get(1) == WAREHOUSE:
            end = index + 1
            while end < len(body) and body[end].tag in ("QTY", "DTM", "RFF", "GIN"):
                end += 1
            if "_seg" not in product:
                raise fail("LOC before any LIN", seg, Code.SEGMENT_OUT_OF_ORDER)
            levels.append(_level(product, seg, body[index + 1 : end], stamp, options, decimal))
            index = end
            continue
        index += 1
    if not levels:
        raise fail("INVRPT reports no stock (LIN with LOC+18 groups)", bgm, Code.SEGMENT_MISSING)
    return levels


def _level(
    product: dict[str, Any],
    loc: Segment,
    group: Sequence[Segment],
    stamp: datetime | None,
    options: PartnerOptions,
    decimal: str,
) -> StockLevel:
    on_hand = require(first(group, "QTY", "145"), "QTY+145 (actual stock)", loc)
    allocated = first(group, "QTY", "66")
    as_of = first(group, "DTM", "137")
    expiry = first(group, "DTM", "36")
    sequence = first(group, "RFF", "ACD")
    lot = next((s.get(2, 1) for s in group if s.tag == "GIN" and s.get(1) == "BX"), None)
    serial = next((s.get(2, 1) for s in group if s.tag == "GIN" and s.get(1) == "BN"), None)
    on_hand_value = to_decimal(on_hand.get(1, 2), on_hand, decimal)
    allocated_value = to_decimal(allocated.get(1, 2), allocated, decimal) if allocated else 0
    seq_text = sequence.get(1, 2) if sequence is not None else "0"
    return build(  # type: ignore[return-value]
        StockLevel,
        loc,
        sku=product.get("sku"),
        gtin=product.get("gtin"),
        warehouse_id=loc.get(2, 1),
        warehouse_gln=loc.get(4, 1) or None,
        location=loc.get(3, 1) or None,
        lot=lot or None,
        serial=serial or None,
        expiry=read_date(expiry) if expiry is not None else None,
        uom=options.unit_in(on_hand.get(1, 3) or "EA"),
        on_hand=on_hand_value,
        allocated=allocated_value,
        available=on_hand_value - allocated_value,
        as_of=read_datetime(as_of) if as_of is not None else stamp,
        sequence=int(seq_text) if seq_text.isascii() and seq_text.isdigit() else -1,
    )
