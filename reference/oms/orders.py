"""Order rules: idempotent create, look-up, lists in a stable order, manual status changes."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from reference.oms import catalogue, clock, geo, models, schemas
from reference.oms.errors import Conflict, Invalid, NotFound
from reference.oms.status import HOLDING_STOCK, check_move

DEFAULT_TIER = "bronze"


def request_hash(payload: schemas.OrderIn) -> str:
    """Fingerprint of a create request, to tell a retry from a different order."""
    return hashlib.sha256(payload.model_dump_json().encode()).hexdigest()


def _load_options() -> list[sa.orm.interfaces.LoaderOption]:
    return [selectinload(models.Order.lines).selectinload(models.OrderLine.allocations)]


def find_by_ref(session: Session, channel: str, ref: str) -> models.Order | None:
    """The order a channel knows by ``ref``, if the OMS has it."""
    stmt = (
        sa.select(models.Order)
        .where(models.Order.channel == channel, models.Order.channel_order_ref == ref)
        .options(*_load_options())
    )
    return session.scalars(stmt).first()


def get_order(session: Session, order_id: int, *, for_update: bool = False) -> models.Order:
    """The order with ``order_id``; NotFound otherwise."""
    stmt = sa.select(models.Order).where(models.Order.id == order_id).options(*_load_options())
    if for_update:
        stmt = stmt.with_for_update()
    order = session.scalars(stmt).first()
    if order is None:
        raise NotFound(f"no order with id {order_id}", field="order_id")
    return order


def customer_tier(session: Session, payload: schemas.OrderIn) -> str:
    """Tier given on the order, else the customer's, else the lowest."""
    if payload.customer_tier is not None:
        return payload.customer_tier
    tier = session.scalar(
        sa.select(models.Customer.tier).where(models.Customer.customer_ref == payload.customer_ref)
    )
    return tier or DEFAULT_TIER


def create_order(session: Session, payload: schemas.OrderIn) -> tuple[models.Order, bool]:
    """Create the order, or return the one already created for the same channel reference.

    Returns (order, created). The same reference with different content is a Conflict, so a
    channel cannot silently change an order by re-sending it.
    """
    fingerprint = request_hash(payload)
    existing = find_by_ref(session, payload.channel, payload.channel_order_ref)
    if existing is not None:
        return _same_or_conflict(existing, fingerprint), False
    ship = payload.ship_to
    if ship.latitude is not None and ship.longitude is not None:
        lat, lon = ship.latitude, ship.longitude
    else:
        spot = geo.locate(ship.city, ship.country)
        if spot is None:
            raise Invalid(
                f"cannot place city {ship.city!r} in country {ship.country}: give coordinates",
                field="ship_to.latitude",
            )
        lat, lon = spot
    stamp = clock.now()
    order = models.Order(
        channel=payload.channel,
        channel_order_ref=payload.channel_order_ref,
        request_hash=fingerprint,
        status="NEW",
        priority=payload.priority,
        customer_ref=payload.customer_ref,
        customer_tier=customer_tier(session, payload),
        ordered_at=payload.ordered_at or stamp,
        requested_date=payload.requested_date,
        promised_date=None,
        currency=payload.currency,
        ship_to_name=ship.name,
        ship_to_line1=ship.line1,
        ship_to_city=ship.city,
        ship_to_postal_code=ship.postal_code,
        ship_to_country=ship.country,
        ship_to_lat=lat,
        ship_to_lon=lon,
        created_at=stamp,
        updated_at=stamp,
        version=1,
    )
    for index, line in enumerate(payload.lines, start=1):
        order.lines.append(
            models.OrderLine(
                line_no=line.line_no or index,
                item_sku=line.item_sku,
                qty_ordered=line.qty,
                unit_price_minor=_line_price(session, payload, index, line),
                qty_allocated=0,
                qty_shipped=0,
            )
        )
    session.add(order)
    try:
        session.flush()
    except IntegrityError:
        # Another request created the same reference between our look-up and insert.
        session.rollback()
        raced = find_by_ref(session, payload.channel, payload.channel_order_ref)
        if raced is None:
            raise
        return _same_or_conflict(raced, fingerprint), False
    return order, True


def _line_price(
    session: Session, payload: schemas.OrderIn, index: int, line: schemas.OrderLineIn
) -> int:
    """The line's own price, else the catalogue's list price in the order's currency."""
    if line.unit_price_minor is not None:
        return line.unit_price_minor
    field = f"lines.{index - 1}.unit_price_minor"
    return catalogue.list_price(session, line.item_sku, payload.currency, field)


def _same_or_conflict(order: models.Order, fingerprint: str) -> models.Order:
    if order.request_hash != fingerprint:
        raise Conflict(
            f"channel order {order.channel}/{order.channel_order_ref} already exists "
            f"as order {order.id} with different content",
            field="channel_order_ref",
            code="idempotency_conflict",
        )
    return order


def list_orders(
    session: Session,
    *,
    offset: int,
    limit: int,
    updated_since: datetime | None = None,
    status: str | None = None,
    channel: str | None = None,
    customer_ref: str | None = None,
) -> tuple[list[models.Order], int]:
    """One page of orders in (updated_at, id) order, and how many match in all."""
    conditions: list[sa.ColumnElement[bool]] = []
    if updated_since is not None:
        conditions.append(models.Order.updated_at >= updated_since)
    if status is not None:
        conditions.append(models.Order.status == status)
    if channel is not None:
        conditions.append(models.Order.channel == channel)
    if customer_ref is not None:
        conditions.append(models.Order.customer_ref == customer_ref)
    total = session.scalar(sa.select(sa.func.count(models.Order.id)).where(*conditions)) or 0
    stmt = (
        sa.select(models.Order)
        .where(*conditions)
        .order_by(models.Order.updated_at, models.Order.id)
        .offset(offset)
        .limit(limit)
        .options(*_load_options())
    )
    return list(session.scalars(stmt)), total


def touch(order: models.Order) -> None:
    """Mark the order changed: new updated_at, next version."""
    order.updated_at = clock.now()
    order.version += 1


def release_allocations(session: Session, order: models.Order) -> None:
    """Give an order's unshipped allocated stock back to available-to-promise."""
    for line in order.lines:
        for alloc in line.allocations:
            atp = session.scalars(
                sa.select(models.Atp).where(
                    models.Atp.warehouse_id == alloc.warehouse_id,
                    models.Atp.item_sku == line.item_sku,
                )
            ).first()
            if atp is not None:
                atp.qty_available += alloc.qty - alloc.qty_shipped
                atp.updated_at = clock.now()
        line.allocations.clear()
        line.qty_allocated = 0


def change_status(session: Session, order: models.Order, target: str) -> models.Order:
    """Apply a manual status change (release, cancel, close) if the machine allows it."""
    check_move(order.status, target)
    if target == "CANCELLED" and order.status in HOLDING_STOCK:
        release_allocations(session, order)
    if target == "CANCELLED":
        order.promised_date = None
    order.status = target
    touch(order)
    session.flush()
    return order
