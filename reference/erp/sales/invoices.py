"""Invoice operations: bill the shipped, not yet invoiced quantities of a sales order."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from reference.erp.models import Invoice, InvoiceItem
from reference.erp.sales.customers import get_customer_row
from reference.erp.sales.orders import get_order_row, order_items, order_status
from reference.erp.sales.rules import PAYMENT_DAYS, invoice_totals, line_value, tax_rate
from reference.erp.sales.xmlns import B
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.service import OperationContext, opt_date, req_text

FIRST_INVOICE_NO = 90000001


def invoice_element(parent: etree._Element, invoice: Invoice, items: list[InvoiceItem]) -> None:
    """Append an Invoice element with its lines."""
    node = B.group(parent, "Invoice")
    B.fields(
        node,
        [
            ("InvoiceNo", invoice.invoice_no),
            ("SalesOrderNo", invoice.sales_order_no),
            ("CustomerNo", invoice.customer_no),
            ("InvoiceDate", invoice.invoice_date),
            ("DueDate", invoice.due_date),
            ("Currency", invoice.currency),
            ("NetAmount", invoice.net_amount),
            ("TaxRate", invoice.tax_rate),
            ("TaxAmount", invoice.tax_amount),
            ("GrossAmount", invoice.gross_amount),
            ("CreatedAt", invoice.created_at),
        ],
    )
    for item in items:
        line = B.group(node, "Item")
        B.fields(
            line,
            [
                ("ItemNo", item.item_no),
                ("MaterialNo", item.material_no),
                ("Quantity", item.quantity),
                ("NetPrice", item.net_price),
                ("NetAmount", item.net_amount),
            ],
        )


def _next_invoice_no(session: Session) -> str:
    highest = session.scalar(sa.select(sa.func.max(Invoice.invoice_no)))
    return f"{(int(highest) + 1) if highest else FIRST_INVOICE_NO:010d}"


def create_invoice(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """Invoice what has shipped and is not yet billed; CONFLICT when nothing is."""
    order = get_order_row(ctx.session, req_text(req, "SalesOrderNo"))
    customer = get_customer_row(ctx.session, order.customer_no)
    invoice_date = opt_date(req, "InvoiceDate") or ctx.now.date()
    items = order_items(ctx.session, order.sales_order_no)
    invoice_no = _next_invoice_no(ctx.session)
    lines: list[InvoiceItem] = []
    for item in items:
        billable = item.shipped_qty - item.invoiced_qty
        if billable <= 0:
            continue
        lines.append(
            InvoiceItem(
                invoice_no=invoice_no,
                item_no=item.item_no,
                material_no=item.material_no,
                quantity=billable,
                net_price=item.net_price,
                net_amount=line_value(billable, item.net_price),
            )
        )
        item.invoiced_qty += billable
    if not lines:
        raise SoapFault.conflict(
            f"sales order {order.sales_order_no} has no shipped quantity left to invoice",
            "SalesOrderNo",
        )
    totals = invoice_totals((line.net_amount for line in lines), tax_rate(customer.country_key))
    invoice = Invoice(
        invoice_no=invoice_no,
        sales_order_no=order.sales_order_no,
        customer_no=customer.customer_no,
        invoice_date=invoice_date,
        due_date=invoice_date + timedelta(days=PAYMENT_DAYS.get(customer.payment_terms_key, 0)),
        currency=order.currency,
        net_amount=totals.net,
        tax_rate=totals.tax_rate,
        tax_amount=totals.tax,
        gross_amount=totals.gross,
        created_at=ctx.now,
    )
    ctx.session.add(invoice)
    ctx.session.add_all(lines)
    order.status = order_status(items)
    order.changed_at = ctx.now
    ctx.session.flush()
    response = B.el("CreateInvoiceResponse")
    invoice_element(response, invoice, lines)
    return response


def get_invoice(ctx: OperationContext, req: etree._Element) -> etree._Element:
    """One invoice by InvoiceNo."""
    invoice_no = req_text(req, "InvoiceNo")
    invoice = ctx.session.get(Invoice, invoice_no)
    if invoice is None:
        raise SoapFault.not_found("InvoiceNo", invoice_no)
    items = list(
        ctx.session.scalars(
            sa.select(InvoiceItem)
            .where(InvoiceItem.invoice_no == invoice_no)
            .order_by(InvoiceItem.item_no)
        )
    )
    response = B.el("GetInvoiceResponse")
    invoice_element(response, invoice, items)
    return response
