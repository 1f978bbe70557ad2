"""What happens after release: shipment confirmations and invoice notifications."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.oms import clock, models, schemas
from reference.oms.errors import Conflict, Invalid, NotFound
from reference.oms.inventory import warehouse_by_code
from reference.oms.orders import get_order, touch
from reference.oms.status import check_move

SHIPPABLE = frozenset({"RELEASED", "PARTIALLY_SHIPPED"})


def _order_for(session: Session, order_id: int) -> models.Order:
    try:
        return get_order(session, order_id)
    except NotFound as exc:
        raise Invalid(exc.message, field="order_id") from exc


def confirm_shipment(session: Session, payload: schemas.ShipmentIn) -> tuple[models.Shipment, bool]:
    """Record what a warehouse shipped; a repeated shipment_ref returns the first record.

    Each line may ship at most what is allocated to it from that warehouse and not yet
    shipped. The order becomes SHIPPED when every line has shipped in full, else
    PARTIALLY_SHIPPED.
    """
    existing = session.scalars(
        sa.select(models.Shipment).where(models.Shipment.shipment_ref == payload.shipment_ref)
    ).first()
    if existing is not None:
        if existing.order_id != payload.order_id:
            raise Conflict(
                f"shipment {payload.shipment_ref} was confirmed for order {existing.order_id}",
                field="shipment_ref",
                code="idempotency_conflict",
            )
        return existing, False
    order = _order_for(session, payload.order_id)
    if order.status not in SHIPPABLE:
        check_move(order.status, "SHIPPED")
    warehouse = warehouse_by_code(session, payload.warehouse)
    if warehouse is None:
        raise Invalid(f"no warehouse {payload.warehouse!r}", field="warehouse")
    by_no = {line.line_no: line for line in order.lines}
    seen: set[int] = set()
    for index, item in enumerate(payload.lines):
        if item.line_no in seen:
            raise Invalid(f"line {item.line_no} given twice", field=f"lines.{index}.line_no")
        seen.add(item.line_no)
        line = by_no.get(item.line_no)
        if line is None:
            raise Invalid(
                f"order {order.id} has no line {item.line_no}", field=f"lines.{index}.line_no"
            )
        alloc = next((a for a in line.allocations if a.warehouse_id == warehouse.id), None)
        open_qty = alloc.qty - alloc.qty_shipped if alloc else 0
        if item.qty > open_qty:
            raise Invalid(
                f"line {item.line_no}: shipping {item.qty} but only {open_qty} allocated "
                f"from {warehouse.code} is unshipped",
                field=f"lines.{index}.qty",
            )
    stamp = clock.now()
    shipment = models.Shipment(
        shipment_ref=payload.shipment_ref,
        order=order,
        warehouse_id=warehouse.id,
        warehouse=warehouse,
        tracking=payload.tracking,
        shipped_at=payload.shipped_at or stamp,
        created_at=stamp,
    )
    for item in payload.lines:
        line = by_no[item.line_no]
        alloc = next(a for a in line.allocations if a.warehouse_id == warehouse.id)
        alloc.qty_shipped += item.qty
        line.qty_shipped += item.qty
        shipment.lines.append(models.ShipmentLine(line_no=item.line_no, qty=item.qty))
    complete = all(line.qty_shipped >= line.qty_ordered for line in order.lines)
    target = "SHIPPED" if complete else "PARTIALLY_SHIPPED"
    check_move(order.status, target)
    order.status = target
    touch(order)
    session.add(shipment)
    session.flush()
    return shipment, True


def record_invoice(session: Session, order_id: int, payload: schemas.InvoiceIn) -> models.Order:
    """Mark a shipped order INVOICED; the same invoice number again changes nothing."""
    order = get_order(session, order_id)
    if order.invoice_number is not None:
        if order.invoice_number == payload.invoice_number:
            return order
        raise Conflict(
            f"order {order.id} is already invoiced as {order.invoice_number}",
            field="invoice_number",
        )
    check_move(order.status, "INVOICED")
    order.invoice_number = payload.invoice_number
    order.invoiced_at = payload.invoiced_at or clock.now()
    order.status = "INVOICED"
    touch(order)
    session.flush()
    return order


def list_shipments(session: Session, order_id: int) -> list[models.Shipment]:
    get_order(session, order_id)
    return list(
        session.scalars(
            sa.select(models.Shipment)
            .where(models.Shipment.order_id == order_id)
            .order_by(models.Shipment.id)
        )
    )
