"""INVOIC <-> Invoice.

BGM 380 invoice / 381 credit note; DTM 137 issue date, DTM 13 due date; RFF+ON our
customer's purchase order numbers, RFF+VN our sales order numbers; NAD+SU seller, NAD+BY
buyer; lines with QTY+47, SG26 MOA+203, SG28 PRI, SG29 RFF+ON:order:line, SG33 TAX and
SG38 ALC; summary UNS+S, CNT, SG48 MOA totals, SG50 TAX subtotals.
"""

from __future__ import annotations

from canonical.invoice import Invoice, InvoiceLine
from connectors.edi.core.errors import Code
from connectors.edi.core.model import Segment, Transaction
from connectors.edi.edifact.translate.common import (
    PartnerOptions,
    build,
    dtm,
    every,
    fail,
    first,
    number,
    party_segments,
    read_date,
    reading,
)
from connectors.edi.edifact.translate.orders import note_segments, read_header, read_lines
from connectors.edi.edifact.translate.priced import (
    allowance_segments,
    amounts,
    header_allowances,
    line_head,
    line_price,
    line_tax_and_allowances,
    read_terms,
    summary_segments,
    tax_segment,
    terms_segments,
)
from connectors.edi.edifact.writer import OutSegment

_TYPES = {"invoice": "380", "credit_note": "381"}


def invoice_to_invoic(invoice: Invoice, options: PartnerOptions | None = None) -> list[OutSegment]:
    """INVOIC body (without UNH/UNT) for an invoice."""
    options = options or PartnerOptions()
    body: list[OutSegment] = [
        ("BGM", [[_TYPES[invoice.invoice_type]], invoice.invoice_number, "9"])
    ]
    body.append(dtm("137", invoice.issue_date))
    if invoice.due_date is not None:
        body.append(dtm("13", invoice.due_date))
    body.extend(note_segments(invoice.notes))
    body.extend(("RFF", [["ON", ref]]) for ref in invoice.purchase_order_refs)
    body.extend(("RFF", [["VN", ref]]) for ref in invoice.order_refs)
    body.extend(party_segments("SU", invoice.seller, options))
    body.extend(party_segments("BY", invoice.buyer, options))
    body.append(("CUX", [["2", invoice.currency, "4"]]))
    pat, _ = terms_segments(invoice.payment_terms, None, options)
    body.extend(pat)
    for item in invoice.allowance_charges:
        body.extend(allowance_segments(item, options))
    for line in invoice.lines:
        body.extend(line_head(line, "47", options))
        price = line_price(line, options)
        body.extend(price)
        if line.order_ref:
            line_ref = None if line.order_line_no is None else str(line.order_line_no)
            body.append(("RFF", [["ON", line.order_ref, line_ref]]))
        body.extend(line_tax_and_allowances(line, options))
    body.extend(summary_segments(invoice.totals, len(invoice.lines), options, cnt_first=True))
    for subtotal in invoice.tax_subtotals:
        body.append(tax_segment(subtotal.tax_category, subtotal.tax_rate, options))
        body.append(("MOA", [["125", number(subtotal.taxable_amount.amount, options)]]))
        body.append(("MOA", [["124", number(subtotal.tax_amount.amount, options)]]))
    return body


@reading
def invoic_to_invoice(
    message: Transaction, options: PartnerOptions | None = None, decimal: str = "."
) -> Invoice:
    """Canonical Invoice from an INVOIC message."""
    options = options or PartnerOptions()
    parts, head = read_header(message, options)
    bgm = head["bgm"]
    kind = bgm.get(1, 1)
    if kind not in ("380", "381"):
        raise fail(
            f"BGM01 {kind!r} is not an invoice (380) or credit note (381)",
            bgm,
            Code.ELEMENT_BAD_CODE,
        )
    currency = head["currency"]
    lines = []
    for lv in read_lines(parts, ("47",), currency, options, decimal):
        ref = first(lv.segments, "RFF", "ON")
        line_ref = ref.get(1, 3) if ref is not None else ""
        sku = options.sku_for(lv.ids.get("SA") or lv.ids.get("IN") or "") or None
        lines.append(
            build(
                InvoiceLine,
                lv.segments[0],
                sku=sku,
                order_ref=ref.get(1, 2) or None if ref is not None else None,
                order_line_no=int(line_ref) if line_ref.isascii() and line_ref.isdigit() else None,
                **lv.values,
            )
        )
    allowances = header_allowances(parts.header, currency, decimal)
    # Summary TAX groups restate the subtotals; totals are recomputed and compared.
    subtotals, totals = amounts(lines, allowances, _totals_only(parts.summary), currency, decimal)  # type: ignore[arg-type]
    payment_terms, _ = read_terms(parts.header, decimal)
    found = head["parties"]
    seller, buyer = found.get("SU") or found.get("II"), found.get("BY")
    if seller is None or buyer is None:
        raise fail(
            "NAD+SU (seller) and NAD+BY (buyer) are both required", bgm, Code.SEGMENT_MISSING
        )
    due = first(parts.header, "DTM", "13")
    return build(  # type: ignore[return-value]
        Invoice,
        bgm,
        invoice_number=head["number"],
        invoice_type="credit_note" if kind == "381" else "invoice",
        issue_date=head["date"],
        due_date=read_date(due) if due is not None else None,
        order_refs=tuple(s.get(1, 2) for s in every(parts.header, "RFF", "VN")),
        purchase_order_refs=tuple(s.get(1, 2) for s in every(parts.header, "RFF", "ON")),
        seller=seller,
        buyer=buyer,
        currency=currency,
        payment_terms=payment_terms,
        lines=tuple(lines),
        allowance_charges=tuple(allowances),
        tax_subtotals=subtotals,
        totals=totals,
        notes=head["notes"],
    )


def _totals_only(summary: list[Segment]) -> list[Segment]:
    """Summary MOAs before the first SG50 TAX group (those after it are tax subtotals)."""
    out = []
    for seg in summary:
        if seg.tag == "TAX":
            break
        out.append(seg)
    return out
