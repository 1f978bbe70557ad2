"""ORDRSP <-> PurchaseOrder confirmation (the supplier's answer per line).

LIN 1229 action: 5 accepted, 3 changed, 7 not accepted; a backordered line is written as
changed with QTY+83 (backorder quantity). QTY+21 repeats the ordered quantity, QTY+113
the confirmed one; DTM+69 the promised delivery date; FTX+AAI the supplier's note.
"""

from __future__ import annotations

from typing import Any

from canonical.purchase_order import PurchaseOrder, SupplierConfirmation
from canonical.types import Money
from connectors.edi.core.errors import Code
from connectors.edi.core.model import Segment, Transaction
from connectors.edi.edifact.translate.common import (
    PartnerOptions,
    build,
    chunks,
    dtm,
    every,
    fail,
    first,
    number,
    read_date,
    read_datetime,
    reading,
    sections,
    to_decimal,
)
from connectors.edi.edifact.translate.orders import purchase_order_to_orders, read_header
from connectors.edi.edifact.writer import OutSegment

_ACTIONS = {"accepted": "5", "changed": "3", "rejected": "7", "backordered": "3"}


def purchase_order_to_ordrsp(
    po: PurchaseOrder, options: PartnerOptions | None = None, response_number: str | None = None
) -> list[OutSegment]:
    """ORDRSP body confirming ``po`` line by line (every line needs a confirmation)."""
    options = options or PartnerOptions()
    stamped = next(
        (
            x.confirmation.confirmed_at
            for x in po.lines
            if x.confirmation is not None and x.confirmation.confirmed_at is not None
        ),
        None,
    )
    header: list[OutSegment] = []
    lines: list[list[OutSegment]] = []
    summary: list[OutSegment] = []
    target = header
    for tag, elements in purchase_order_to_orders(po, options):
        if tag == "BGM":
            header.append(("BGM", [["231"], response_number or po.po_number, "4", "AC"]))
            continue
        if tag == "NAD" and not any(s[0] == "RFF" for s in header):
            header.append(("RFF", [["ON", po.po_number]]))
        if tag == "LIN":
            line = next(x for x in po.lines if x.line_no == int(str(elements[0])))
            if line.confirmation is None:
                raise fail(f"line {line.line_no} has no supplier confirmation", None)
            lines.append(
                [("LIN", [elements[0], _ACTIONS[line.confirmation.status], *elements[2:]])]
            )
            lines[-1].extend(_confirmation(po, line.line_no, options))
            target = lines[-1]
            continue
        if tag == "UNS":
            target = summary
        target.append((tag, elements))
    if stamped is not None:
        header.insert(2, dtm("171", stamped))
    return header + [seg for group in lines for seg in _line_order(group)] + summary


# Order of the simple segments at the head of a D.96A LIN group (before the PRI group).
_RANK = {
    "LIN": 0,
    "PIA": 1,
    "IMD": 2,
    "MEA": 3,
    "QTY": 4,
    "PCD": 5,
    "ALI": 6,
    "DTM": 7,
    "MOA": 8,
    "GIN": 9,
    "FTX": 10,
}


def _line_order(group: list[OutSegment]) -> list[OutSegment]:
    cut = next((i for i, s in enumerate(group) if s[0] == "PRI"), len(group))
    return sorted(group[:cut], key=lambda s: _RANK.get(s[0], 99)) + group[cut:]


def _confirmation(po: PurchaseOrder, line_no: int, options: PartnerOptions) -> list[OutSegment]:
    line = next(x for x in po.lines if x.line_no == line_no)
    conf = line.confirmation
    assert conf is not None  # checked by the caller
    out: list[OutSegment] = []
    uom = options.unit_out(line.quantity.uom)
    if conf.quantity is not None:
        qualifier = "83" if conf.status == "backordered" else "113"
        out.append(("QTY", [[qualifier, number(conf.quantity, options), uom]]))
    elif conf.status == "backordered":
        out.append(("QTY", [["83", "0", uom]]))
    if conf.delivery_date is not None:
        out.append(dtm("69", conf.delivery_date))
    if conf.unit_price is not None:
        out.append(("MOA", [["146", number(conf.unit_price.amount, options)]]))
    if conf.note:
        out.append(("FTX", ["AAI", None, None, chunks(conf.note, 70)[:5]]))
    return out


@reading
def read_ordrsp(
    message: Transaction, options: PartnerOptions | None = None, decimal: str = "."
) -> dict[int, SupplierConfirmation]:
    """SupplierConfirmation per line number from an ORDRSP."""
    options = options or PartnerOptions()
    parts, head = read_header(message, options)
    currency = head["currency"]
    stamp_seg = first(parts.header, "DTM", "171")
    stamped = read_datetime(stamp_seg) if stamp_seg is not None else None
    out: dict[int, SupplierConfirmation] = {}
    for group in parts.lines:
        lin = group[0]
        number_text = lin.get(1)
        if not (number_text.isascii() and number_text.isdigit()):
            raise fail(f"LIN01 {number_text[:10]!r} is not a line number", lin)
        action = lin.get(2)
        backorder = first(group, "QTY", "83")
        confirmed = first(group, "QTY", "113")
        qty_seg: Segment | None
        if backorder is not None:
            status, qty_seg = "backordered", backorder
        elif action in ("5", "6"):
            status, qty_seg = "accepted", confirmed
        elif action == "3":
            status, qty_seg = "changed", confirmed
        elif action == "7":
            status, qty_seg = "rejected", confirmed
        else:
            raise fail(f"LIN02 action {action!r} is not 3, 5, 6 or 7", lin, Code.ELEMENT_BAD_CODE)
        promised = first(group, "DTM", "69")
        price = first(group, "MOA", "146")
        notes = ["".join(s.components(4)) for s in every(group, "FTX", "AAI")]
        values: dict[str, Any] = {
            "status": status,
            "quantity": to_decimal(qty_seg.get(1, 2), qty_seg, decimal) if qty_seg else None,
            "delivery_date": read_date(promised) if promised is not None else None,
            "unit_price": Money(
                amount=to_decimal(price.get(1, 2), price, decimal), currency=currency
            )
            if price is not None
            else None,
            "confirmed_at": stamped,
            "note": notes[0] if notes and notes[0] else None,
        }
        if status == "backordered" and backorder is not None and backorder.get(1, 2) == "0":
            values["quantity"] = None
        out[int(number_text)] = build(SupplierConfirmation, lin, **values)  # type: ignore[assignment]
    return out


@reading
def apply_ordrsp(
    po: PurchaseOrder,
    message: Transaction,
    options: PartnerOptions | None = None,
    decimal: str = ".",
) -> PurchaseOrder:
    """``po`` with each line's confirmation from the ORDRSP (status "acknowledged")."""
    confirmations = read_ordrsp(message, options, decimal)
    reference = first(sections(message).header, "RFF", "ON")
    if reference is not None and reference.get(1, 2) != po.po_number:
        raise fail(
            f"ORDRSP answers order {reference.get(1, 2)!r}, not {po.po_number!r}",
            reference,
            Code.TX_CONTROL_MISMATCH,
        )
    known = {x.line_no for x in po.lines}
    unknown = sorted(set(confirmations) - known)
    if unknown:
        raise fail(f"ORDRSP confirms lines {unknown} that the order does not have", None)
    lines = tuple(
        x.model_copy(update={"confirmation": confirmations.get(x.line_no, x.confirmation)})
        for x in po.lines
    )
    return po.model_copy(update={"lines": lines, "status": "acknowledged"})
