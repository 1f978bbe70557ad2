"""ORDERS <-> canonical: inbound ORDERS -> Order, PurchaseOrder <-> ORDERS.

Item numbers: PIA ...:SA is the supplier's article number, PIA ...:IN the buyer's. An
inbound order's sku is its SA number (or its IN number through the partner's item map);
an outbound PurchaseOrder writes our sku as IN and the supplier's sku as SA.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from canonical.order import Order, OrderLine
from canonical.pricing import DocumentAllowanceCharge, DocumentTotals, PricedLine
from canonical.purchase_order import PurchaseOrder, PurchaseOrderLine
from canonical.types import Incoterms, PartyRef, PaymentTerms
from connectors.edi.core.errors import Code
from connectors.edi.core.model import Segment, Transaction
from connectors.edi.edifact.translate.common import (
    PartnerOptions,
    Sections,
    build,
    chunks,
    dtm,
    every,
    fail,
    first,
    parties,
    party_segments,
    read_date,
    reading,
    require,
    sections,
)
from connectors.edi.edifact.translate.priced import (
    LineValues,
    allowance_segments,
    amounts,
    header_allowances,
    line_head,
    line_price,
    line_tax_and_allowances,
    read_line,
    read_terms,
    summary_segments,
    terms_segments,
)
from connectors.edi.edifact.writer import OutSegment

NOTE_CHUNK = 70
NOTE_MAX = 5 * NOTE_CHUNK


def note_segments(notes: Sequence[str]) -> list[OutSegment]:
    """FTX+AAI per note (up to 350 characters each)."""
    out: list[OutSegment] = []
    for note in notes:
        if len(note) > NOTE_MAX:
            raise fail(
                f"a note of {len(note)} characters exceeds FTX's {NOTE_MAX}",
                None,
                Code.ELEMENT_TOO_LONG,
            )
        out.append(("FTX", ["AAI", None, None, chunks(note, NOTE_CHUNK)]))
    return out


def read_notes(segments: Sequence[Segment]) -> tuple[str, ...]:
    """Notes from FTX+AAI segments."""
    return tuple("".join(s.components(4)) for s in every(segments, "FTX", "AAI") if s.get(4))


def _document(
    *,
    number: str,
    function: str,
    order_date: Any,
    requested: Any,
    notes: Sequence[str],
    party_list: Sequence[tuple[str, PartyRef | None]],
    currency: str,
    payment_terms: PaymentTerms | None,
    incoterms: Incoterms | None,
    allowances: Sequence[DocumentAllowanceCharge],
    line_groups: Sequence[list[OutSegment]],
    totals: DocumentTotals,
    options: PartnerOptions,
    document_code: str = "220",
    references: Sequence[OutSegment] = (),
    response: str | None = None,
) -> list[OutSegment]:
    body: list[OutSegment] = [("BGM", [[document_code], number, function, response])]
    body.append(dtm("137", order_date))
    if requested is not None:
        body.append(dtm("2", requested))
    body.extend(note_segments(notes))
    body.extend(references)
    for qualifier, party in party_list:
        if party is not None:
            body.extend(party_segments(qualifier, party, options))
    body.append(("CUX", [["2", currency, "9"]]))
    pat, tod = terms_segments(payment_terms, incoterms, options)
    body.extend(pat)
    body.extend(tod)
    for item in allowances:
        body.extend(allowance_segments(item, options))
    for group in line_groups:
        body.extend(group)
    body.extend(summary_segments(totals, len(line_groups), options))
    return body


def _line(
    line: PricedLine,
    options: PartnerOptions,
    *,
    supplier_sku: str | None = None,
    buyer_item: bool = False,
    requested: Any = None,
) -> list[OutSegment]:
    if buyer_item and line.sku:
        # Outbound PO: our sku is the buyer's item number; the supplier's goes in SA.
        head = line_head(line.model_copy(update={"sku": None}), "21", options)
        head.insert(1, ("PIA", ["1", [line.sku, "IN"]]))
        if supplier_sku:
            head.insert(1, ("PIA", ["1", [supplier_sku, "SA"]]))
    else:
        head = line_head(line, "21", options, supplier_sku=supplier_sku)
    if requested is not None:
        head.append(dtm("2", requested))
    return head + line_price(line, options) + line_tax_and_allowances(line, options)


def order_to_orders(order: Order, options: PartnerOptions | None = None) -> list[OutSegment]:
    """ORDERS body (without UNH/UNT) for a sales order, as the customer would send it."""
    options = options or PartnerOptions()
    return _document(
        number=order.order_number,
        function="1" if order.status == "cancelled" else "9",
        order_date=order.order_date,
        requested=order.requested_delivery_date,
        notes=order.notes,
        party_list=[("BY", order.customer), ("IV", order.bill_to), ("DP", order.ship_to)],
        currency=order.currency,
        payment_terms=order.payment_terms,
        incoterms=order.incoterms,
        allowances=order.allowance_charges,
        line_groups=[_line(x, options, requested=x.requested_date) for x in order.lines],
        totals=order.totals,
        options=options,
    )


def purchase_order_to_orders(
    po: PurchaseOrder, options: PartnerOptions | None = None
) -> list[OutSegment]:
    """ORDERS body (without UNH/UNT) for a purchase order we send to a supplier."""
    options = options or PartnerOptions()
    lines = [
        _line(
            x,
            options,
            supplier_sku=x.supplier_sku
            or (options.item_for(x.sku) if x.sku and x.sku in options.sku_to_item else None),
            buyer_item=True,
            requested=x.requested_date,
        )
        for x in po.lines
    ]
    return _document(
        number=po.po_number,
        function="1" if po.status == "cancelled" else "9",
        order_date=po.order_date,
        requested=po.requested_delivery_date,
        notes=po.notes,
        party_list=[
            ("BY", po.buyer),
            ("SU", po.supplier),
            ("IV", po.bill_to),
            ("DP", po.ship_to),
        ],
        currency=po.currency,
        payment_terms=po.payment_terms,
        incoterms=po.incoterms,
        allowances=po.allowance_charges,
        line_groups=lines,
        totals=po.totals,
        options=options,
    )


# --- reading ------------------------------------------------------------------------


def read_header(message: Transaction, options: PartnerOptions) -> tuple[Sections, dict[str, Any]]:
    """Sections and header fields shared by ORDERS, ORDRSP and INVOIC."""
    parts = sections(message)
    header = parts.header
    bgm = require(first(header, "BGM"), "BGM", message.header)
    cux = first(header, "CUX")
    currency = cux.get(1, 2) if cux is not None else ""
    if not currency:
        raise fail("CUX with the order currency is missing", cux or bgm, Code.SEGMENT_MISSING)
    issued = require(first(header, "DTM", "137"), "DTM 137 (document date)", bgm)
    return parts, {
        "bgm": bgm,
        "number": bgm.get(2),
        "function": bgm.get(3),
        "currency": currency,
        "date": read_date(issued),
        "parties": parties(header, options),
        "notes": read_notes(header),
    }


def read_lines(
    parts: Sections, qty: Sequence[str], currency: str, options: PartnerOptions, decimal: str
) -> list[LineValues]:
    """Every LIN group as LineValues."""
    if not parts.lines:
        raise fail("the message has no LIN line items", None, Code.SEGMENT_MISSING)
    return [read_line(group, qty, currency, options, decimal) for group in parts.lines]


def requested_date(segments: Sequence[Segment]) -> Any:
    """DTM 2 (requested delivery date) or None."""
    seg = first(segments, "DTM", "2")
    return read_date(seg) if seg is not None else None


@reading
def orders_to_order(
    message: Transaction, options: PartnerOptions | None = None, decimal: str = "."
) -> Order:
    """Canonical sales Order (channel "edi") from an inbound ORDERS message."""
    options = options or PartnerOptions()
    parts, head = read_header(message, options)
    currency = head["currency"]
    lines = []
    for lv in read_lines(parts, ("21",), currency, options, decimal):
        sku = options.sku_for(lv.ids.get("SA") or lv.ids.get("IN") or "") or None
        lines.append(
            build(
                OrderLine,
                lv.segments[0],
                sku=sku,
                requested_date=requested_date(lv.segments),
                **lv.values,
            )
        )
    allowances = header_allowances(parts.header, currency, decimal)
    subtotals, totals = amounts(lines, allowances, parts.summary, currency, decimal)  # type: ignore[arg-type]
    payment_terms, incoterms = read_terms(parts.header, decimal)
    found = head["parties"]
    customer = found.get("BY")
    if customer is None:
        raise fail("NAD+BY (the buyer) is missing", head["bgm"], Code.SEGMENT_MISSING)
    return build(  # type: ignore[return-value]
        Order,
        head["bgm"],
        order_number=head["number"],
        channel="edi",
        status="cancelled" if head["function"] == "1" else "pending",
        order_date=head["date"],
        requested_delivery_date=requested_date(parts.header),
        customer=customer,
        bill_to=found.get("IV"),
        ship_to=found.get("DP") or found.get("ST"),
        currency=currency,
        payment_terms=payment_terms,
        incoterms=incoterms,
        lines=tuple(lines),
        allowance_charges=tuple(allowances),
        tax_subtotals=subtotals,
        totals=totals,
        notes=head["notes"],
    )


@reading
def orders_to_purchase_order(
    message: Transaction, options: PartnerOptions | None = None, decimal: str = "."
) -> PurchaseOrder:
    """PurchaseOrder from an ORDERS message (the supplier's view of what we sent)."""
    options = options or PartnerOptions()
    parts, head = read_header(message, options)
    currency = head["currency"]
    lines = [
        build(
            PurchaseOrderLine,
            lv.segments[0],
            sku=lv.ids.get("IN") or (options.sku_for(lv.ids["SA"]) if "SA" in lv.ids else None),
            supplier_sku=lv.ids.get("SA"),
            requested_date=requested_date(lv.segments),
            **lv.values,
        )
        for lv in read_lines(parts, ("21",), currency, options, decimal)
    ]
    allowances = header_allowances(parts.header, currency, decimal)
    subtotals, totals = amounts(lines, allowances, parts.summary, currency, decimal)  # type: ignore[arg-type]
    payment_terms, incoterms = read_terms(parts.header, decimal)
    found = head["parties"]
    supplier = found.get("SU")
    if supplier is None:
        raise fail("NAD+SU (the supplier) is missing", head["bgm"], Code.SEGMENT_MISSING)
    return build(  # type: ignore[return-value]
        PurchaseOrder,
        head["bgm"],
        po_number=head["number"],
        status="cancelled" if head["function"] == "1" else "sent",
        order_date=head["date"],
        requested_delivery_date=requested_date(parts.header),
        supplier=supplier,
        buyer=found.get("BY"),
        bill_to=found.get("IV"),
        ship_to=found.get("DP") or found.get("ST"),
        currency=currency,
        payment_terms=payment_terms,
        incoterms=incoterms,
        lines=tuple(lines),
        allowance_charges=tuple(allowances),
        tax_subtotals=subtotals,
        totals=totals,
        notes=head["notes"],
    )
