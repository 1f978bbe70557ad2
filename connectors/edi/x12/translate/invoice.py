"""810 Invoice <-> canonical Invoice (and credit note, BIG07 = CR)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from canonical.invoice import Invoice, InvoiceLine
from canonical.pricing import DocumentAllowanceCharge, LineAllowanceCharge
from canonical.types import Money, Quantity
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
    n2,
    num,
    parse_d8,
    parse_n2,
    split_loops,
)
from connectors.edi.x12.translate.lines import (
    document_amounts,
    line_total,
    read_ac,
    read_base_quantity,
    read_line_tax,
    read_terms,
    write_ac,
    write_line_tax,
    write_price_basis,
    write_subtotal,
    write_terms,
)
from connectors.edi.x12.translate.parties import parties_by_code, write_party

NTE_WIDTH = 80


def _notes_out(notes: Sequence[str]) -> list[SegmentData]:
    out: list[SegmentData] = []
    for note in notes:
        for i in range(0, len(note), NTE_WIDTH):
            out.append(("NTE", ["GEN" if i == 0 else "ADD", note[i : i + NTE_WIDTH]]))
    return out


def _notes_in(segs: Sequence[Segment]) -> tuple[str, ...]:
    notes: list[str] = []
    for seg in segs:
        if seg.tag != "NTE":
            continue
        if seg.get(1) == "ADD" and notes:
            notes[-1] += seg.get(2)
        else:
            notes.append(seg.get(2))
    return tuple(notes)


def invoice_to_810(invoice: Invoice, options: PartnerOptions | None = None) -> list[SegmentData]:
    """810 body for an Invoice (we are the seller, or re-sending one)."""
    opts = options or PartnerOptions()
    pos = list(invoice.purchase_order_refs)
    kind = "CR" if invoice.invoice_type == "credit_note" else "DI"
    segs: list[SegmentData] = [
        (
            "BIG",
            [
                d8(invoice.issue_date),
                invoice.invoice_number,
                "",
                pos[0] if pos else "",
                "",
                "",
                kind,
            ],
        )
    ]
    segs.extend(_notes_out(invoice.notes))
    segs.append(("CUR", ["SE", invoice.currency]))
    segs.extend(("REF", ["PO", ref]) for ref in pos[1:])
    segs.extend(("REF", ["CO", ref]) for ref in invoice.order_refs)
    segs.extend(write_party("SE", invoice.seller, opts))
    segs.extend(write_party("BY", invoice.buyer, opts))
    if invoice.payment_terms is not None:
        tag, elements = write_terms(invoice.payment_terms)
        itd = list(elements)
        itd[5] = d8(invoice.due_date)
        segs.append((tag, itd))
    elif invoice.due_date is not None:
        segs.append(("ITD", ["", "", "", "", "", d8(invoice.due_date)]))
    for line in invoice.lines:
        ids: list[str] = []
        if line.sku:
            ids += ["VP", line.sku]
        if line.gtin:
            ids += [gtin_qualifier(line.gtin), line.gtin]
        segs.append(
            (
                "IT1",
                [
                    str(line.line_no),
                    num(line.quantity.value),
                    opts.unit_out(line.quantity.uom),
                    num(line.unit_price.amount),
                    "PE" if line.base_quantity == 1 else "UM",
                    *ids,
                ],
            )
        )
        segs.append(write_line_tax(line))
        segs.extend(write_price_basis(line, opts))
        if line.description:
            segs.append(("PID", ["F", "", "", "", line.description[:80]]))
        if line.order_ref:
            segs.append(("REF", ["PO", line.order_ref]))
        if line.order_line_no is not None:
            segs.append(("REF", ["LI", str(line.order_line_no)]))
        segs.extend(write_ac(ac) for ac in line.allowance_charges)
    segs.append(("TDS", [n2(invoice.totals.payable.amount)]))
    segs.extend(write_subtotal(s) for s in invoice.tax_subtotals)
    segs.extend(write_ac(ac) for ac in invoice.allowance_charges)
    segs.append(("CTT", [str(len(invoice.lines))]))
    return segs


@edi_errors
def x12_810_to_invoice(tx: Transaction, options: PartnerOptions | None = None) -> Invoice:
    """Inbound 810 as a canonical Invoice (status "issued")."""
    opts = options or PartnerOptions()
    header, loops = split_loops(tx.segments, "IT1")
    summary: list[Segment] = []
    if loops:
        loops[-1], summary = cut_before(loops[-1], {"TDS"})
    else:
        header, summary = cut_before(header, {"TDS"})
    big = next((s for s in header if s.tag == "BIG"), None)
    if big is None:
        raise TranslationError("810 without BIG", tx.header)
    cur = next((s for s in header if s.tag == "CUR"), None)
    currency = cur.get(2) if cur is not None else opts.default_currency
    po_refs = [big.get(4)] if big.get(4) else []
    po_refs += [s.get(2) for s in header if s.tag == "REF" and s.get(1) == "PO"]
    data: dict[str, Any] = {
        "invoice_number": big.get(2),
        "invoice_type": "credit_note" if big.get(7) == "CR" else "invoice",
        "issue_date": parse_d8(big.get(1), big, 1),
        "currency": currency,
        "purchase_order_refs": tuple(po_refs),
        "order_refs": tuple(s.get(2) for s in header if s.tag == "REF" and s.get(1) == "CO"),
        "notes": _notes_in(header),
    }
    parties = parties_by_code(list(n1_loops(header, {"IT1"})), opts)
    seller = parties.get("SE") or parties.get("RE") or parties.get("SU") or parties.get("VN")
    buyer = parties.get("BY") or parties.get("BT")
    if seller is None or buyer is None:
        raise TranslationError("810 needs a seller (N1*SE) and a buyer (N1*BY)", tx.header)
    data["seller"], data["buyer"] = seller, buyer
    itd = next((s for s in header if s.tag == "ITD"), None)
    if itd is not None:
        data["due_date"] = parse_d8(itd.get(6), itd, 6)
        if itd.get(12):
            data["payment_terms"] = read_terms(itd)
    lines = [build(InvoiceLine, _line(loop, currency, opts), tx) for loop in loops]
    if not lines:
        raise TranslationError("810 has no IT1 lines", tx.header)
    acs = tuple(
        DocumentAllowanceCharge(**read_ac(s, currency, True)) for s in summary if s.tag == "SAC"
    )
    tds = next((s for s in summary if s.tag == "TDS"), None)
    declared = parse_n2(tds.get(1), tds, 1) if tds is not None else None
    subtotals, totals = document_amounts(lines, acs, currency, declared, tds or tx.header)
    data.update(lines=tuple(lines), allowance_charges=acs, tax_subtotals=subtotals, totals=totals)
    return build(Invoice, data, tx)


def _line(loop: list[Segment], currency: str, opts: PartnerOptions) -> dict[str, Any]:
    it1 = loop[0]
    if not it1.get(1).isdigit():
        raise TranslationError(f"IT101 {it1.get(1)!r} must be the line number", it1, 1)
    pairs = id_pairs(it1, 6)
    sku = pairs.get("VP") or pairs.get("SK") or opts.item_to_sku.get(pairs.get("BP", ""))
    quantity = dec(it1.get(2) or "0", it1, 2)
    price = dec(it1.get(4) or "0", it1, 4)
    base = read_base_quantity(loop)
    acs = tuple(LineAllowanceCharge(**read_ac(s, currency, False)) for s in loop if s.tag == "SAC")
    category, rate = read_line_tax(loop, it1)
    refs = {s.get(1): s.get(2) for s in loop if s.tag == "REF"}
    line_no = refs.get("LI", "")
    return {
        "line_no": int(it1.get(1)),
        "sku": sku,
        "gtin": gtin_of(pairs),
        "description": next((s.get(5) for s in loop if s.tag == "PID" and s.get(5)), None),
        "quantity": Quantity(value=quantity, uom=opts.unit_in(it1.get(3), it1)),
        "unit_price": Money(amount=price, currency=currency),
        "base_quantity": base,
        "allowance_charges": acs,
        "tax_category": category,
        "tax_rate": rate,
        "line_total": line_total(quantity, price, base, acs, currency),
        "order_ref": refs.get("PO"),
        "order_line_no": int(line_no) if line_no.isdigit() else None,
    }
