"""Turn SRM rows into the API's response shapes."""

from __future__ import annotations

from datetime import date

from reference.srm.models import PurchaseOrder, Statement, Vendor, VendorStatusChange
from reference.srm.schemas import (
    CertificateOut,
    PoLineOut,
    PoOut,
    StatementLineOut,
    StatementOut,
    StatusChangeOut,
    VendorOut,
)


def vendor_out(vendor: Vendor, today: date) -> VendorOut:
    """A vendor with its certificates, each flagged expired relative to ``today``."""
    assert vendor.vendor_id is not None
    return VendorOut(
        vendor_id=vendor.vendor_id,
        name=vendor.name,
        country=vendor.country,
        currency=vendor.currency,
        email=vendor.email,
        tax_id=vendor.tax_id,
        buyer_ref=vendor.buyer_ref,
        lead_time_days=vendor.lead_time_days,
        edi_partner=vendor.edi_partner,
        status=vendor.status,
        certificates=[
            CertificateOut(
                type=c.cert_type,
                number=c.number,
                issued=c.issued,
                valid_until=c.valid_until,
                expired=c.valid_until < today,
            )
            for c in vendor.certificates
        ],
        created_at=vendor.created_at,
        updated_at=vendor.updated_at,
    )


def status_change_out(change: VendorStatusChange) -> StatusChangeOut:
    """One history entry."""
    return StatusChangeOut(
        from_status=change.from_status,
        to_status=change.to_status,
        reason=change.reason,
        actor=change.actor,
        changed_at=change.changed_at,
    )


def po_out(po: PurchaseOrder) -> PoOut:
    """A purchase order with its lines and acknowledgement."""
    assert po.vendor.vendor_id is not None
    return PoOut(
        po_number=po.po_number,
        vendor_id=po.vendor.vendor_id,
        order_date=po.order_date,
        currency=po.currency,
        total_amount=po.total_amount,
        status=po.status,
        status_note=po.status_note,
        invoice_number=po.invoice_number,
        invoiced_amount=po.invoiced_amount,
        lines=[
            PoLineOut(
                line_no=ln.line_no,
                sku=ln.sku,
                quantity=ln.quantity,
                unit_price=ln.unit_price,
                ack_status=ln.ack_status,
                confirmed_qty=ln.confirmed_qty,
                confirmed_date=ln.confirmed_date,
            )
            for ln in po.lines
        ],
        created_at=po.created_at,
        updated_at=po.updated_at,
    )


def statement_out(statement: Statement) -> StatementOut:
    """A statement with its lines and, once disputed, the supplier's view."""
    assert statement.statement_no is not None
    assert statement.vendor.vendor_id is not None
    return StatementOut(
        statement_no=statement.statement_no,
        vendor_id=statement.vendor.vendor_id,
        period_from=statement.period_from,
        period_to=statement.period_to,
        currency=statement.currency,
        status=statement.status,
        ordered_total=statement.ordered_total,
        invoiced_total=statement.invoiced_total,
        open_total=statement.open_total,
        supplier_actor=statement.supplier_actor,
        supplier_comment=statement.supplier_comment,
        resolution=statement.resolution,
        resolution_comment=statement.resolution_comment,
        resolved_by=statement.resolved_by,
        lines=[
            StatementLineOut(
                po_number=ln.po_number,
                ordered_amount=ln.ordered_amount,
                invoiced_amount=ln.invoiced_amount,
                open_amount=ln.open_amount,
                supplier_amount=ln.supplier_amount,
                dispute_comment=ln.dispute_comment,
            )
            for ln in statement.lines
        ],
        created_at=statement.created_at,
        updated_at=statement.updated_at,
    )
