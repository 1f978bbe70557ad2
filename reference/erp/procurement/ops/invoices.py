"""Invoice verification operations: post with 3-way match, match result, approve, tolerances."""

from __future__ import annotations

from lxml import etree
from sqlalchemy.orm import Session

from reference.erp.procurement import invoices, tolerances
from reference.erp.procurement.models import SupplierInvoice
from reference.erp.procurement.ops.xmlns import B, each
from reference.erp.soap.service import (
    OperationContext,
    opt_decimal,
    opt_int,
    opt_text,
    req_date,
    req_decimal,
    req_int,
    req_text,
)


def match_element(session: Session, parent: etree._Element, inv: SupplierInvoice) -> etree._Element:
    """Append a MatchResult element (header, tolerances used, lines) to ``parent``."""
    node = B.group(parent, "MatchResult")
    B.fields(
        node,
        [
            ("InvoiceDocNo", inv.invoice_doc_no),
            ("VendorNo", inv.vendor_no),
            ("Reference", inv.reference),
            ("PurchaseOrderNo", inv.po_no),
            ("InvoiceDate", inv.invoice_date),
            ("Currency", inv.currency),
            ("NetAmount", inv.net_amount),
            ("MatchStatus", inv.match_status),
            ("PaymentStatus", inv.payment_status),
        ],
    )
    B.fields(
        B.group(node, "Tolerances"),
        [
            ("QtyOverPct", inv.qty_tolerance_pct),
            ("PricePct", inv.price_tolerance_pct),
            ("PriceAbs", inv.price_tolerance_abs),
        ],
    )
    B.fields(
        node,
        [
            ("ApprovedBy", inv.approved_by),
            ("ApprovedAt", inv.approved_at),
            ("ApprovalComment", inv.approval_comment),
            ("CreatedAt", inv.created_at),
            ("ChangedAt", inv.changed_at),
        ],
    )
    for line in invoices.invoice_items(session, inv.invoice_doc_no):
        line_node = B.group(node, "Item")
        B.fields(
            line_node,
            [
                ("LineNo", line.line_no),
                ("PoItemNo", line.po_item_no),
                ("MaterialNo", line.material_no),
                ("Quantity", line.quantity),
                ("UnitPrice", line.unit_price),
                ("NetAmount", line.net_amount),
                ("PoPrice", line.po_price),
                ("ReceivedQuantity", line.received_qty),
                ("PreviouslyInvoicedQuantity", line.previously_invoiced_qty),
                ("MatchStatus", line.match_status),
            ],
        )
        for code in line.reason_codes.split():
            B.sub(line_node, "ReasonCode", code)
    return node


def _parse_line(node: etree._Element) -> invoices.InvoiceLine:
    return invoices.InvoiceLine(
        line_no=opt_int(node, "LineNo"),
        po_item_no=req_int(node, "PoItemNo"),
        material_no=opt_text(node, "MaterialNo", max_len=40),
        quantity=req_decimal(node, "Quantity"),
        unit_price=req_decimal(node, "UnitPrice"),
    )


def post_supplier_invoice(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Post a supplier invoice and answer its stored 3-way match result."""
    data = invoices.InvoiceData(
        vendor_no=req_text(payload, "VendorNo", max_len=10),
        reference=req_text(payload, "Reference", max_len=40),
        po_no=req_text(payload, "PurchaseOrderNo", max_len=10),
        invoice_date=req_date(payload, "InvoiceDate"),
        currency=req_text(payload, "Currency", max_len=3),
        lines=each(payload, "Item", _parse_line),
    )
    tol = tolerances.current(ctx.session)
    inv, created = invoices.post_supplier_invoice(ctx.session, data, tol, ctx.user, ctx.now)
    response = B.el("PostSupplierInvoiceResponse")
    B.sub(response, "Created", created)
    match_element(ctx.session, response, inv)
    return response


def get_match_result(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """The stored match of an invoice, by InvoiceDocNo or by VendorNo and Reference."""
    inv = invoices.get_invoice(
        ctx.session,
        invoice_doc_no=opt_text(payload, "InvoiceDocNo", max_len=10),
        vendor_no=opt_text(payload, "VendorNo", max_len=10),
        reference=opt_text(payload, "Reference", max_len=40),
    )
    response = B.el("GetMatchResultResponse")
    match_element(ctx.session, response, inv)
    return response


def approve_match_exception(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Approve a match exception with a comment; the invoice is released for payment."""
    inv = invoices.approve_exception(
        ctx.session,
        req_text(payload, "InvoiceDocNo", max_len=10),
        req_text(payload, "Comment", max_len=255),
        ctx.user,
        ctx.now,
    )
    response = B.el("ApproveMatchExceptionResponse")
    match_element(ctx.session, response, inv)
    return response


def _tolerances_response(ctx: OperationContext, name: str) -> etree._Element:
    values = tolerances.current(ctx.session)
    row = tolerances.stored(ctx.session)
    response = B.el(name)
    B.fields(
        response,
        [
            ("OverDeliveryPct", values.over_delivery_pct),
            ("QtyOverPct", values.qty_over_pct),
            ("PricePct", values.price_pct),
            ("PriceAbs", values.price_abs),
            ("ChangedBy", row.changed_by if row else None),
            ("ChangedAt", row.changed_at if row else None),
        ],
    )
    return response


def get_match_tolerances(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """The tolerances receipts and invoice matches run with."""
    return _tolerances_response(ctx, "GetMatchTolerancesResponse")


def set_match_tolerances(ctx: OperationContext, payload: etree._Element) -> etree._Element:
    """Replace the tolerances; an absent PricePct or PriceAbs means no such limit."""
    values = tolerances.Tolerances(
        over_delivery_pct=req_decimal(payload, "OverDeliveryPct"),
        qty_over_pct=req_decimal(payload, "QtyOverPct"),
        price_pct=opt_decimal(payload, "PricePct"),
        price_abs=opt_decimal(payload, "PriceAbs"),
    )
    tolerances.set_tolerances(ctx.session, values, ctx.user, ctx.now)
    return _tolerances_response(ctx, "SetMatchTolerancesResponse")
