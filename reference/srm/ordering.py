"""Purchase orders: idempotent publication by the hub and the supplier-side lifecycle."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from reference.kit.coltypes import utcnow
from reference.kit.errors import ApiError, invalid, not_found
from reference.srm.models import PoLine, PurchaseOrder, Vendor
from reference.srm.onboarding import ordering_block
from reference.srm.schemas import AckIn, PoIn, PoStatusIn

CENT = Decimal("0.01")

# Supplier-side lifecycle; ACKNOWLEDGED is reached only through an acknowledgement.
PO_TRANSITIONS: dict[str, frozenset[str]] = {
    "SENT": frozenset({"ACKNOWLEDGED"}),
    "ACKNOWLEDGED": frozenset({"PARTIALLY_SHIPPED", "SHIPPED"}),
    "PARTIALLY_SHIPPED": frozenset({"PARTIALLY_SHIPPED", "SHIPPED"}),
    "SHIPPED": frozenset({"INVOICED"}),
    "INVOICED": frozenset({"CLOSED"}),
    "CLOSED": frozenset(),
}


def _load(session: Session, po_number: str) -> PurchaseOrder | None:
    return session.scalar(
        sa.select(PurchaseOrder)
        .where(PurchaseOrder.po_number == po_number)
        .options(selectinload(PurchaseOrder.lines), selectinload(PurchaseOrder.vendor))
    )


def get_po(session: Session, po_number: str) -> PurchaseOrder:
    """The PO ``po_number`` with its lines, or a 404."""
    po = _load(session, po_number)
    if po is None:
        raise not_found("purchase_order", po_number)
    return po


def _same_vendor(po: PurchaseOrder, data: PoIn) -> PurchaseOrder:
    if po.vendor.vendor_id != data.vendor_id:
        raise ApiError(
            409,
            "po_number_conflict",
            f"purchase order {data.po_number} already exists for vendor {po.vendor.vendor_id}",
            "po_number",
        )
    return po


def publish_po(session: Session, data: PoIn) -> tuple[PurchaseOrder, bool]:
    """Create the PO, or return the one already published under that number (idempotent)."""
    existing = _load(session, data.po_number)
    if existing is not None:
        return _same_vendor(existing, data), False
    vendor = session.scalar(
        sa.select(Vendor)
        .where(Vendor.vendor_id == data.vendor_id)
        .options(selectinload(Vendor.certificates))
    )
    if vendor is None:
        raise invalid("vendor_id", f"unknown vendor {data.vendor_id}")
    block = ordering_block(vendor)
    if block is not None:
        raise block
    total = sum((line.unit_price * line.quantity for line in data.lines), Decimal(0))
    now = utcnow()
    po = PurchaseOrder(
        po_number=data.po_number,
        vendor_pk=vendor.id,
        order_date=data.order_date,
        currency=data.currency,
        total_amount=total.quantize(CENT),
        status="SENT",
        created_at=now,
        updated_at=now,
        lines=[
            PoLine(line_no=ln.line_no, sku=ln.sku, quantity=ln.quantity, unit_price=ln.unit_price)
            for ln in data.lines
        ],
    )
    session.add(po)
    try:
        session.commit()
    except IntegrityError:
        # Another request published the same number a moment ago: answer as a replay.
        session.rollback()
        return _same_vendor(get_po(session, data.po_number), data), False
    return get_po(session, data.po_number), True


def _move(po: PurchaseOrder, target: str) -> None:
    if target not in PO_TRANSITIONS[po.status]:
        raise ApiError(
            409,
            "illegal_transition",
            f"purchase order {po.po_number} cannot go from {po.status} to {target}",
            "status",
        )
    po.status = target
    po.updated_at = utcnow()


def acknowledge(po: PurchaseOrder, ack: AckIn) -> PurchaseOrder:
    """Record the supplier's acknowledgement line by line; SENT -> ACKNOWLEDGED."""
    by_no = {line.line_no: line for line in po.lines}
    for i, ack_line in enumerate(ack.lines):
        line = by_no.get(ack_line.line_no)
        if line is None:
            raise invalid(f"lines.{i}.line_no", f"PO has no line {ack_line.line_no}")
        if ack_line.status == "CHANGED" and ack_line.confirmed_qty is None:
            raise invalid(f"lines.{i}.confirmed_qty", "a CHANGED line needs confirmed_qty")
    _move(po, "ACKNOWLEDGED")
    for ack_line in ack.lines:
        line = by_no[ack_line.line_no]
        line.ack_status = ack_line.status
        if ack_line.status == "REJECTED":
            line.confirmed_qty = 0
        elif ack_line.confirmed_qty is None:
            line.confirmed_qty = line.quantity
        else:
            line.confirmed_qty = ack_line.confirmed_qty
        line.confirmed_date = ack_line.confirmed_date
    po.status_note = ack.note
    return po


def change_po_status(po: PurchaseOrder, change: PoStatusIn) -> PurchaseOrder:
    """Move the PO along its lifecycle (shipping, invoicing, closing)."""
    if change.status == "ACKNOWLEDGED":
        raise invalid("status", "acknowledge through POST .../acknowledgement with its lines")
    _move(po, change.status)
    po.status_note = change.note
    if change.status == "INVOICED":
        po.invoice_number = change.invoice_number
        assert change.invoice_amount is not None  # guaranteed by PoStatusIn
        po.invoiced_amount = change.invoice_amount.quantize(CENT)
    return po
