"""850 Purchase Order <-> canonical Order (inbound, we sell) and PurchaseOrder (we buy)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from canonical.order import Order, OrderLine
from canonical.pricing import DocumentAllowanceCharge, LineAllowanceCharge
from canonical.purchase_order import PurchaseOrder, PurchaseOrderLine
from canonical.types import Money, PartyRef, Quantity
from connectors.edi.core.model import Segment, Transaction
from connectors.edi.x12.translate.common import (
    PartnerOptions,
    SegmentData,
    TranslationError,
    build,
    cut_before,
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
from connectors.edi.x12.translate.lines import (
    document_amounts,
    line_total,
    read_ac,
    read_base_quantity,
    read_incoterms,
    read_line_tax,
    read_terms,
    write_ac,
    write_incoterms,
    write_line_tax,
    write_price_basis,
    write_subtotal,
    write_terms,
)
from connectors.edi.x12.translate.parties import parties_by_code, write_party

MSG_WIDTH = 264


def write_notes(notes: Sequence[str]) -> list[SegmentData]:
    """One N9*L1 loop per note, its text in MSG chunks of 264 characters."""
    out: list[SegmentData] = []
    for note in notes:
        out.append(("N9", ["L1", "NOTE"]))
        for i in range(0, len(note), MSG_WIDTH):
            out.append(("MSG", [note[i : i + MSG_WIDTH]]))
    return out


def read_notes(segments: Sequence[Segment]) -> tuple[str, ...]:
    """Notes from N9*L1 loops (MSG chunks joined)."""
    notes: list[str] = []
    current: list[str] | None = None
    for seg in segments:
        if seg.tag == "N9":
            if current is not None:
                notes.append("".join(current))
            current = [] if seg.get(1) == "L1" else None
        elif seg.tag == "MSG" and current is not None:
            current.append(seg.get(1))
        elif seg.tag not in ("DTM",) and current is not None:
            notes.append("".join(current))
            current = None
    if current is not None:
        notes.append("".join(current))
    return tuple(n for n in notes if n)


def _line_ids(
    sku: str | None, gtin: str | None, supplier_sku: str | None, buyer: bool, opts: PartnerOptions
) -> list[str]:
    pairs: list[str] = []
    if buyer:  # we buy: our sku is the buyer's part number
        if sku:
            pairs += ["BP", sku]
        if supplier_sku:
            pairs += ["VP", supplier_sku]
    elif sku:  # we sell: our sku is the vendor's part number
        pairs += ["VP", sku]
        item = opts.sku_to_item.get(sku)
        if item:
            pairs += ["BP", item]
    if gtin:
        pairs += [gtin_qualifier(gtin), gtin]
    return pairs


def order_body(
    *,
    number: str,
    order_date: date,
    currency: str,
    requested_delivery: date | None,
    parties: Sequence[tuple[str, PartyRef | None]],
    doc: Order | PurchaseOrder,
    buyer_side: bool,
    options: PartnerOptions,
    head: SegmentData | None = None,
    line_extra: Callable[[Any], tuple[list[SegmentData], list[SegmentData]]] | None = None,
) -> list[SegmentData]:
    """The 850 body (between ST and SE) for an Order or PurchaseOrder.

    ``head`` replaces BEG (the 855 writes BAK); ``line_extra(line)`` gives segments to
    place before PID and at the end of each PO1 loop.
    """
    segs: list[SegmentData] = [head or ("BEG", ["00", "SA", number, "", d8(order_date)])]
    segs.append(("CUR", ["BY", currency]))
    if doc.incoterms is not None:
        segs.append(write_incoterms(doc.incoterms))
    segs.extend(write_ac(ac) for ac in doc.allowance_charges)
    if doc.payment_terms is not None:
        segs.append(write_terms(doc.payment_terms))
    if requested_delivery is not None:
        segs.append(("DTM", ["002", d8(requested_delivery)]))
    segs.extend(write_subtotal(s) for s in doc.tax_subtotals)
    segs.extend(write_notes(doc.notes))
    for code, party in parties:
        if party is not None:
            segs.extend(write_party(code, party, options))
    for line in doc.lines:
        supplier_sku = line.supplier_sku if isinstance(line, PurchaseOrderLine) else None
        ids = _line_ids(line.sku, line.gtin, supplier_sku, buyer_side, options)
        segs.append(
            (
                "PO1",
                [
                    str(line.line_no),
                    num(line.quantity.value),
                    options.unit_out(line.quantity.uom),
                    num(line.unit_price.amount),
                    "PE" if line.base_quantity == 1 else "UM",
                    *ids,
                ],
            )
        )
        segs.extend(write_price_basis(line, options))
        before, after = line_extra(line) if line_extra is not None else ([], [])
        segs.extend(before)
        if line.description:
            segs.append(("PID", ["F", "", "", "", line.description[:80]]))
        segs.extend(write_ac(ac) for ac in line.allowance_charges)
        if line.requested_date is not None:
            segs.append(("DTM", ["002", d8(line.requested_date)]))
        segs.extend(s for s in after if s[0] == "MSG")
        segs.append(write_line_tax(line))
        segs.extend(s for s in after if s[0] != "MSG")
    segs.append(("CTT", [str(len(doc.lines))]))
    segs.append(("AMT", ["TT", num(doc.totals.payable.amount)]))
    return segs


def purchase_order_to_850(
    po: PurchaseOrder, options: PartnerOptions | None = None
) -> list[SegmentData]:
    """Outbound: our PurchaseOrder as an 850 body (we are the buyer)."""
    opts = options or PartnerOptions()
    return order_body(
        number=po.po_number,
        order_date=po.order_date,
        currency=po.currency,
        requested_delivery=po.requested_delivery_date,
        parties=[("BY", po.buyer), ("SE", po.supplier), ("BT", po.bill_to), ("ST", po.ship_to)],
        doc=po,
        buyer_side=True,
        options=opts,
    )


def order_to_850(order: Order, options: PartnerOptions | None = None) -> list[SegmentData]:
    """An Order as the 850 the customer would have sent (tests and re-sends)."""
    opts = options or PartnerOptions()
    return order_body(
        number=order.order_number,
        order_date=order.order_date,
        currency=order.currency,
        requested_delivery=order.requested_delivery_date,
        parties=[("BY", order.customer), ("BT", order.bill_to), ("ST", order.ship_to)],
        doc=order,
        buyer_side=False,
        options=opts,
    )


# --- reading ----------------------------------------------------------------------------


def parse_order_tx(
    tx: Transaction, options: PartnerOptions, *, buyer_side: bool, head_tag: str = "BEG"
) -> dict[str, Any]:
    """Fields common to Order and PurchaseOrder read from an 850 (or 855) body."""
    header, loops = split_loops(tx.segments, "PO1")
    summary: list[Segment] = []
    if loops:
        loops[-1], summary = cut_before(loops[-1], {"CTT"})
    else:
        header, summary = cut_before(header, {"CTT"})
    head = next((s for s in header if s.tag == head_tag), None)
    if head is None:
        raise TranslationError(f"{tx.type} without {head_tag}", tx.header)
    cur = next((s for s in header if s.tag == "CUR"), None)
    currency = cur.get(2) if cur is not None else options.default_currency
    data: dict[str, Any] = {"currency": currency}
    for seg in header:
        if seg.tag == "FOB":
            data["incoterms"] = read_incoterms(seg)
        elif seg.tag == "ITD":
            data["payment_terms"] = read_terms(seg)
        elif seg.tag == "DTM" and seg.get(1) == "002":
            data["requested_delivery_date"] = parse_d8(seg.get(2), seg, 2)
    data["allowance_charges"] = tuple(
        DocumentAllowanceCharge(**read_ac(s, currency, True)) for s in header if s.tag == "SAC"
    )
    data["notes"] = read_notes(header)
    data["parties"] = parties_by_code(list(n1_loops(header, {"PO1"})), options)
    lines = []
    line_extras: dict[int, list[Segment]] = {}
    for loop in loops:
        line, extra = _read_line(loop, currency, buyer_side, options)
        lines.append(line)
        line_extras[line["line_no"]] = extra
    data["lines"] = lines
    data["line_segments"] = line_extras
    amt = next((s for s in summary if s.tag == "AMT" and s.get(1) == "TT"), None)
    data["declared_total"] = dec(amt.get(2), amt, 2) if amt is not None else None
    data["head"] = head
    return data


def _read_line(
    loop: list[Segment], currency: str, buyer_side: bool, options: PartnerOptions
) -> tuple[dict[str, Any], list[Segment]]:
    po1 = loop[0]
    if not po1.get(1).isdigit():
        raise TranslationError(f"PO101 {po1.get(1)!r} must be the line number", po1, 1)
    pairs = id_pairs(po1, 6)
    if buyer_side:
        sku = pairs.get("BP")
        supplier_sku = pairs.get("VP")
    else:
        sku = pairs.get("VP") or pairs.get("SK")
        if sku is None:
            partner_item = pairs.get("BP") or pairs.get("IN")
            sku = options.item_to_sku.get(partner_item or "")
        supplier_sku = None
    quantity = dec(po1.get(2) or "0", po1, 2)
    price = dec(po1.get(4) or "0", po1, 4)
    base = read_base_quantity(loop)
    acs = tuple(LineAllowanceCharge(**read_ac(s, currency, False)) for s in loop if s.tag == "SAC")
    category, rate = read_line_tax(loop, po1)
    desc = next((s.get(5) for s in loop if s.tag == "PID" and s.get(5)), None)
    requested = next(
        (parse_d8(s.get(2), s, 2) for s in loop if s.tag == "DTM" and s.get(1) == "002"), None
    )
    line: dict[str, Any] = {
        "line_no": int(po1.get(1)),
        "sku": sku,
        "gtin": gtin_of(pairs),
        "description": desc,
        "quantity": Quantity(value=quantity, uom=options.unit_in(po1.get(3), po1)),
        "unit_price": Money(amount=price, currency=currency),
        "base_quantity": base,
        "allowance_charges": acs,
        "tax_category": category,
        "tax_rate": rate,
        "line_total": line_total(quantity, price, base, acs, currency),
        "requested_date": requested,
    }
    if buyer_side:
        line["supplier_sku"] = supplier_sku
    return line, loop


def _finish(
    data: dict[str, Any], line_model: type[OrderLine] | type[PurchaseOrderLine], tx: Transaction
) -> dict[str, Any]:
    lines = [build(line_model, line, tx) for line in data["lines"]]
    if not lines:
        raise TranslationError(f"{tx.type} has no PO1 lines", tx.header)
    subtotals, totals = document_amounts(
        lines, data["allowance_charges"], data["currency"], data["declared_total"], tx.header
    )
    return {
        "currency": data["currency"],
        "lines": tuple(lines),
        "allowance_charges": data["allowance_charges"],
        "tax_subtotals": subtotals,
        "totals": totals,
        "notes": data["notes"],
        "payment_terms": data.get("payment_terms"),
        "incoterms": data.get("incoterms"),
        "requested_delivery_date": data.get("requested_delivery_date"),
    }


@edi_errors
def x12_850_to_order(tx: Transaction, options: PartnerOptions | None = None) -> Order:
    """Inbound 850 from a customer as a canonical Order (channel "edi")."""
    opts = options or PartnerOptions()
    data = parse_order_tx(tx, opts, buyer_side=False)
    parties = data["parties"]
    customer = parties.get("BY") or parties.get("BT") or parties.get("ST")
    if customer is None:
        raise TranslationError("850 names no buyer (N1*BY, BT or ST)", tx.header)
    beg = data["head"]
    fields = _finish(data, OrderLine, tx)
    return build(
        Order,
        {
            **fields,
            "order_number": beg.get(3),
            "channel": "edi",
            "status": opts.order_status,
            "order_date": parse_d8(beg.get(5), beg, 5),
            "customer": customer,
            "bill_to": parties.get("BT"),
            "ship_to": parties.get("ST"),
        },
        tx,
    )


@edi_errors
def x12_850_to_purchase_order(
    tx: Transaction, options: PartnerOptions | None = None
) -> PurchaseOrder:
    """An 850 we sent, read back as our PurchaseOrder (round trips, archives)."""
    opts = options or PartnerOptions()
    data = parse_order_tx(tx, opts, buyer_side=True)
    parties = data["parties"]
    supplier = parties.get("SE") or parties.get("VN") or parties.get("SU")
    if supplier is None:
        raise TranslationError("850 names no supplier (N1*SE, VN or SU)", tx.header)
    beg = data["head"]
    fields = _finish(data, PurchaseOrderLine, tx)
    return build(
        PurchaseOrder,
        {
            **fields,
            "po_number": beg.get(3),
            "status": opts.purchase_order_status,
            "order_date": parse_d8(beg.get(5), beg, 5),
            "supplier": supplier,
            "buyer": parties.get("BY"),
            "bill_to": parties.get("BT"),
            "ship_to": parties.get("ST"),
        },
        tx,
    )
