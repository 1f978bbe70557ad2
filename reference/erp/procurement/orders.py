"""Purchase order rules: idempotent creation, supplier confirmation, cancellation, status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.erp.models.master import Item
from reference.erp.procurement import checks
from reference.erp.procurement.models import (
    Plant,
    PurchaseOrder,
    PurchaseOrderItem,
    SupplierInvoice,
    Vendor,
)
from reference.erp.procurement.numbers import alpha, next_number
from reference.erp.soap.faults import SoapFault
from reference.erp.soap.paging import keyset_page

CENT = Decimal("0.01")
MAX_ITEMS = 999
OPEN, PARTIAL, RECEIVED, CLOSED, CANCELLED = "OPEN", "PARTRCVD", "RECEIVED", "CLOSED", "CANCELLED"
STATUSES = (OPEN, PARTIAL, RECEIVED, CLOSED, CANCELLED)
# Statuses in which the PO still expects goods.
RECEIVING = (OPEN, PARTIAL)


@dataclass(frozen=True)
class PoItemData:
    """One requested PO item; ``item_no`` None numbers it 10, 20, 30, ..."""

    material_no: str
    quantity: Decimal
    uom: str
    net_price: Decimal
    delivery_date: date
    item_no: int | None = None
    over_delivery_pct: Decimal | None = None


@dataclass(frozen=True)
class PoData:
    """A requested purchase order; ``external_ref`` is the caller's idempotency key."""

    external_ref: str
    vendor_no: str
    plant: str
    items: Sequence[PoItemData]
    currency: str | None = None
    doc_date: date | None = None


@dataclass(frozen=True)
class ConfirmationData:
    """The supplier's confirmation of one PO item (an 855 / ORDRSP line)."""

    item_no: int
    confirmed_qty: Decimal
    confirmed_price: Decimal | None = None
    confirmed_date: date | None = None


def items_of(session: Session, po_no: str) -> list[PurchaseOrderItem]:
    """The items of PO ``po_no`` in item order."""
    stmt = (
        sa.select(PurchaseOrderItem)
        .where(PurchaseOrderItem.po_no == po_no)
        .order_by(PurchaseOrderItem.item_no)
    )
    return list(session.scalars(stmt))


def _check_item(session: Session, data: PoItemData, field: str) -> None:
    item = session.get(Item, data.material_no)
    if item is None:
        raise SoapFault.not_found(f"{field}/MaterialNo", data.material_no)
    if item.status != "A":
        raise SoapFault(
            f"{field}/MaterialNo: material {data.material_no} is blocked (status {item.status})",
            code="MATERIAL_BLOCKED",
            field=f"{field}/MaterialNo",
        )
    checks.uom(data.uom, f"{field}/Unit")
    if data.uom != item.base_uom:
        raise SoapFault.validation(
            f"{field}/Unit", f"{data.uom!r} differs from base unit {item.base_uom!r}"
        )
    checks.positive(data.quantity, f"{field}/Quantity")
    checks.scale(data.quantity, 3, f"{field}/Quantity")
    checks.not_negative(data.net_price, f"{field}/NetPrice")
    checks.scale(data.net_price, 4, f"{field}/NetPrice")
    if data.over_delivery_pct is not None:
        checks.not_negative(data.over_delivery_pct, f"{field}/OverDeliveryTolerance")


def create_purchase_order(
    session: Session, data: PoData, user: str, now: datetime
) -> tuple[PurchaseOrder, bool]:
    """Create a PO, or return the one already created under ``external_ref`` (False)."""
    if not data.external_ref or len(data.external_ref) > 40:
        raise SoapFault.validation("ExternalRef", "must be 1-40 characters")
    existing = session.scalars(
        sa.select(PurchaseOrder).where(PurchaseOrder.external_ref == data.external_ref)
    ).first()
    if existing is not None:
        if existing.vendor_no != alpha(data.vendor_no):
            raise SoapFault.conflict(
                f"ExternalRef {data.external_ref!r} was used for PO {existing.po_no} "
                f"of vendor {existing.vendor_no}",
                "ExternalRef",
            )
        return existing, False
    vendor = session.get(Vendor, alpha(data.vendor_no))
    if vendor is None:
        raise SoapFault.not_found("VendorNo", data.vendor_no)
    if vendor.posting_block:
        raise SoapFault(
            f"VendorNo: vendor {vendor.vendor_no} is blocked for posting; no purchase orders",
            code="VENDOR_BLOCKED",
            field="VendorNo",
        )
    if session.get(Plant, data.plant) is None:
        raise SoapFault.not_found("Plant", data.plant)
    currency = checks.currency(data.currency or vendor.currency)
    if not data.items:
        raise SoapFault.validation("Items", "at least one item is required")
    if len(data.items) > MAX_ITEMS:
        raise SoapFault(f"at most {MAX_ITEMS} items", code="BATCH_LIMIT", field="Items")
    doc_date = data.doc_date or now.date()
    numbers: set[int] = set()
    rows: list[PurchaseOrderItem] = []
    for position, item_data in enumerate(data.items, start=1):
        item_no = item_data.item_no if item_data.item_no is not None else 10 * position
        field = f"Item[{item_no}]"
        if item_no <= 0 or item_no in numbers:
            raise SoapFault.validation(f"{field}/ItemNo", "must be positive and unique")
        numbers.add(item_no)
        _check_item(session, item_data, field)
        if item_data.delivery_date < doc_date:
            raise SoapFault.validation(f"{field}/DeliveryDate", "lies before the document date")
        rows.append(
            PurchaseOrderItem(
                item_no=item_no,
                material_no=item_data.material_no,
                quantity=item_data.quantity,
                uom=item_data.uom,
                net_price=item_data.net_price,
                delivery_date=item_data.delivery_date,
                over_delivery_pct=item_data.over_delivery_pct,
                received_qty=Decimal(0),
                invoiced_qty=Decimal(0),
            )
        )
    po = PurchaseOrder(
        po_no=next_number(session, "PO"),
        external_ref=data.external_ref,
        vendor_no=vendor.vendor_no,
        plant=data.plant,
        doc_date=doc_date,
        currency=currency,
        net_value=sum((r.quantity * r.net_price for r in rows), Decimal(0)).quantize(CENT),
        status=OPEN,
        created_by=user,
        created_at=now,
        changed_at=now,
    )
    session.add(po)
    session.flush()
    for row in rows:
        row.po_no = po.po_no
        session.add(row)
    session.flush()
    return po, True


def get_purchase_order(
    session: Session, po_no: str | None = None, external_ref: str | None = None
) -> PurchaseOrder:
    """PO ``po_no`` (or the one created under ``external_ref``); NOT_FOUND otherwise."""
    if po_no is not None:
        po = session.get(PurchaseOrder, po_no)
        if po is None:
            raise SoapFault.not_found("PurchaseOrderNo", po_no)
        return po
    if external_ref is not None:
        stmt = sa.select(PurchaseOrder).where(PurchaseOrder.external_ref == external_ref)
        found = session.scalars(stmt).first()
        if found is None:
            raise SoapFault.not_found("ExternalRef", external_ref)
        return found
    raise SoapFault.validation("PurchaseOrderNo", "PurchaseOrderNo or ExternalRef is required")


def list_purchase_orders(
    session: Session,
    since: datetime,
    token: str | None,
    size: int,
    vendor_no: str | None = None,
    status: str | None = None,
) -> tuple[Sequence[PurchaseOrder], str | None]:
    """One page of POs changed at or after ``since``, and the token for the next."""
    stmt: sa.Select[Any] = sa.select(PurchaseOrder)
    if vendor_no is not None:
        stmt = stmt.where(PurchaseOrder.vendor_no == alpha(vendor_no))
    if status is not None:
        if status not in STATUSES:
            raise SoapFault.validation("Status", f"must be one of {', '.join(STATUSES)}")
        stmt = stmt.where(PurchaseOrder.status == status)
    return keyset_page(
        session,
        stmt,
        PurchaseOrder.changed_at,
        PurchaseOrder.po_no,
        since=since,
        token=token,
        size=size,
    )


def confirm_purchase_order(
    session: Session, po_no: str, lines: Sequence[ConfirmationData], now: datetime
) -> PurchaseOrder:
    """Record the supplier's confirmed quantity, price and date per item."""
    po = get_purchase_order(session, po_no)
    if po.status in (CANCELLED, CLOSED):
        raise SoapFault(
            f"PO {po.po_no} is {po.status}; it takes no confirmation",
            code="PO_NOT_OPEN",
            field="PurchaseOrderNo",
        )
    if not lines:
        raise SoapFault.validation("Items", "at least one item is required")
    by_no = {item.item_no: item for item in items_of(session, po.po_no)}
    for line in lines:
        field = f"Item[{line.item_no}]"
        item = by_no.get(line.item_no)
        if item is None:
            raise SoapFault.not_found(f"{field}/ItemNo", str(line.item_no))
        checks.not_negative(line.confirmed_qty, f"{field}/ConfirmedQuantity")
        if line.confirmed_price is not None:
            checks.not_negative(line.confirmed_price, f"{field}/ConfirmedPrice")
        item.confirmed_qty = line.confirmed_qty
        item.confirmed_price = line.confirmed_price
        item.confirmed_date = line.confirmed_date
        item.confirmed_at = now
    po.changed_at = now
    session.flush()
    return po


def cancel_purchase_order(session: Session, po_no: str, now: datetime) -> PurchaseOrder:
    """Cancel a PO that has received nothing yet; cancelling twice is harmless."""
    po = get_purchase_order(session, po_no)
    if po.status == CANCELLED:
        return po
    if any(item.received_qty > 0 for item in items_of(session, po.po_no)):
        raise SoapFault(
            f"PO {po.po_no} has goods receipts and cannot be cancelled",
            code="PO_NOT_OPEN",
            field="PurchaseOrderNo",
        )
    po.status = CANCELLED
    po.changed_at = now
    session.flush()
    return po


def refresh_status(session: Session, po: PurchaseOrder, now: datetime) -> None:
    """Derive the PO status from its receipts and invoices (cancelled stays cancelled)."""
    if po.status == CANCELLED:
        return
    items = items_of(session, po.po_no)
    received_any = any(i.received_qty > 0 for i in items)
    received_all = all(i.received_qty >= i.quantity for i in items)
    status = RECEIVED if received_all else (PARTIAL if received_any else OPEN)
    if received_all and all(i.invoiced_qty >= i.received_qty for i in items):
        blocked = session.scalars(
            sa.select(SupplierInvoice.invoice_doc_no).where(
                SupplierInvoice.po_no == po.po_no, SupplierInvoice.payment_status == "BLOCKED"
            )
        ).first()
        if blocked is None:
            status = CLOSED
    if status != po.status:
        po.status = status
        po.changed_at = now
