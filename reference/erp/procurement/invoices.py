"""Supplier invoices: posting with a stored 3-way match, lookups, approving exceptions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.erp.procurement import checks, matching, orders
from reference.erp.procurement.models import SupplierInvoice, SupplierInvoiceItem, Vendor
from reference.erp.procurement.numbers import alpha, next_number
from reference.erp.procurement.tolerances import Tolerances
from reference.erp.soap.faults import SoapFault

CENT = Decimal("0.01")
RELEASED, BLOCKED = "RELEASED", "BLOCKED"
MAX_LINES = 999


@dataclass(frozen=True)
class InvoiceLine:
    """One billed line: which PO item, how many, at what unit price."""

    po_item_no: int
    quantity: Decimal
    unit_price: Decimal
    material_no: str | None = None
    line_no: int | None = None


@dataclass(frozen=True)
class InvoiceData:
    """A supplier invoice; (vendor, reference) is unique, which makes posting idempotent."""

    vendor_no: str
    reference: str
    po_no: str
    invoice_date: date
    currency: str
    lines: Sequence[InvoiceLine]


def find_invoice(session: Session, vendor_no: str, reference: str) -> SupplierInvoice | None:
    """The invoice vendor ``vendor_no`` sent under its number ``reference``, if posted."""
    stmt = sa.select(SupplierInvoice).where(
        SupplierInvoice.vendor_no == alpha(vendor_no), SupplierInvoice.reference == reference
    )
    return session.scalars(stmt).first()


def post_supplier_invoice(
    session: Session, data: InvoiceData, tol: Tolerances, user: str, now: datetime
) -> tuple[SupplierInvoice, bool]:
    """Post an invoice and store its match; exceptions are blocked for payment."""
    if not data.reference or len(data.reference) > 40:
        raise SoapFault.validation("Reference", "must be 1-40 characters")
    existing = find_invoice(session, data.vendor_no, data.reference)
    if existing is not None:
        return existing, False
    vendor = session.get(Vendor, alpha(data.vendor_no))
    if vendor is None:
        raise SoapFault.not_found("VendorNo", data.vendor_no)
    po = orders.get_purchase_order(session, data.po_no)
    if po.vendor_no != vendor.vendor_no:
        raise SoapFault(
            f"VendorNo: PO {po.po_no} belongs to vendor {po.vendor_no}, not {vendor.vendor_no}",
            code="VENDOR_MISMATCH",
            field="VendorNo",
        )
    checks.currency(data.currency)
    if data.currency != po.currency:
        raise SoapFault.validation("Currency", f"PO {po.po_no} is in {po.currency}")
    if not data.lines:
        raise SoapFault.validation("Items", "at least one item is required")
    if len(data.lines) > MAX_LINES:
        raise SoapFault(f"at most {MAX_LINES} lines", code="BATCH_LIMIT", field="Items")
    by_no = {item.item_no: item for item in orders.items_of(session, po.po_no)}
    invoice = SupplierInvoice(
        invoice_doc_no=next_number(session, "INVOICE"),
        vendor_no=vendor.vendor_no,
        reference=data.reference,
        po_no=po.po_no,
        invoice_date=data.invoice_date,
        currency=data.currency,
        qty_tolerance_pct=tol.qty_over_pct,
        price_tolerance_pct=tol.price_pct,
        price_tolerance_abs=tol.price_abs,
        created_by=user,
        created_at=now,
        changed_at=now,
    )
    rows: list[SupplierInvoiceItem] = []
    all_reasons: list[list[str]] = []
    used_numbers: set[int] = set()
    for position, line in enumerate(data.lines, start=1):
        line_no = line.line_no if line.line_no is not None else position
        field = f"Item[{line_no}]"
        if line_no <= 0 or line_no in used_numbers:
            raise SoapFault.validation(f"{field}/LineNo", "must be positive and unique")
        used_numbers.add(line_no)
        checks.positive(line.quantity, f"{field}/Quantity")
        checks.not_negative(line.unit_price, f"{field}/UnitPrice")
        item = by_no.get(line.po_item_no)
        if item is not None and line.material_no not in (None, item.material_no):
            item = None  # billed material differs from the PO item: not the line it names
        facts = None
        if item is not None:
            facts = matching.LineFacts(item.net_price, item.received_qty, item.invoiced_qty)
        reasons = matching.match_line(line.quantity, line.unit_price, facts, tol)
        all_reasons.append(reasons)
        rows.append(
            SupplierInvoiceItem(
                line_no=line_no,
                po_item_no=line.po_item_no,
                material_no=line.material_no or (item.material_no if item else None),
                quantity=line.quantity,
                unit_price=line.unit_price,
                net_amount=(line.quantity * line.unit_price).quantize(CENT),
                po_price=facts.po_price if facts else None,
                received_qty=facts.received_qty if facts else Decimal(0),
                previously_invoiced_qty=facts.previously_invoiced_qty if facts else Decimal(0),
                match_status=matching.EXCEPTION if reasons else matching.MATCHED,
                reason_codes=" ".join(reasons),
            )
        )
        if item is not None:
            item.invoiced_qty = item.invoiced_qty + line.quantity
    status = matching.invoice_status(all_reasons)
    invoice.match_status = status
    invoice.payment_status = RELEASED if status == matching.MATCHED else BLOCKED
    invoice.net_amount = sum((r.net_amount for r in rows), Decimal(0))
    session.add(invoice)
    session.flush()
    for row in rows:
        row.invoice_doc_no = invoice.invoice_doc_no
        session.add(row)
    session.flush()
    orders.refresh_status(session, po, now)
    session.flush()
    return invoice, True


def get_invoice(
    session: Session,
    invoice_doc_no: str | None = None,
    vendor_no: str | None = None,
    reference: str | None = None,
) -> SupplierInvoice:
    """An invoice by document number or by (vendor, reference); NOT_FOUND otherwise."""
    if invoice_doc_no is not None:
        invoice = session.get(SupplierInvoice, invoice_doc_no)
        if invoice is None:
            raise SoapFault.not_found("InvoiceDocNo", invoice_doc_no)
        return invoice
    if vendor_no is not None and reference is not None:
        found = find_invoice(session, vendor_no, reference)
        if found is None:
            raise SoapFault.not_found("Reference", reference)
        return found
    raise SoapFault.validation("InvoiceDocNo", "InvoiceDocNo or VendorNo and Reference required")


def invoice_items(session: Session, invoice_doc_no: str) -> list[SupplierInvoiceItem]:
    """The lines of invoice ``invoice_doc_no`` with their match results."""
    stmt = (
        sa.select(SupplierInvoiceItem)
        .where(SupplierInvoiceItem.invoice_doc_no == invoice_doc_no)
        .order_by(SupplierInvoiceItem.line_no)
    )
    return list(session.scalars(stmt))


def approve_exception(
    session: Session, invoice_doc_no: str, comment: str, user: str, now: datetime
) -> SupplierInvoice:
    """Accept a match exception with a comment, releasing the invoice for payment."""
    if not comment.strip() or len(comment) > 255:
        raise SoapFault.validation("Comment", "must be 1-255 characters")
    invoice = get_invoice(session, invoice_doc_no)
    if invoice.match_status != matching.EXCEPTION:
        raise SoapFault.conflict(
            f"invoice {invoice.invoice_doc_no} matched; there is no exception to approve",
            "InvoiceDocNo",
        )
    if invoice.payment_status == RELEASED:
        return invoice
    invoice.payment_status = RELEASED
    invoice.approved_by = user
    invoice.approved_at = now
    invoice.approval_comment = comment.strip()
    invoice.changed_at = now
    session.flush()
    orders.refresh_status(session, orders.get_purchase_order(session, invoice.po_no), now)
    session.flush()
    return invoice
