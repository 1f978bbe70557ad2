"""The sellable catalogue: items with a list price, and the price an order line takes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.oms import clock, models
from reference.oms.errors import Invalid, NotFound
from reference.oms.schemas_products import ProductIn

_FIELDS = ("name", "gtin", "list_price_minor", "currency", "active")


def find(session: Session, item_sku: str) -> models.Product | None:
    return session.scalars(
        sa.select(models.Product).where(models.Product.item_sku == item_sku)
    ).first()


def get_product(session: Session, item_sku: str) -> models.Product:
    row = find(session, item_sku)
    if row is None:
        raise NotFound(f"no product {item_sku!r}", field="item_sku")
    return row


def put_product(session: Session, item_sku: str, payload: ProductIn) -> tuple[models.Product, bool]:
    """Create or replace an item; returns (row, changed). An identical PUT changes nothing.

    Leaving updated_at alone on a repeat keeps readers of ``updated_since`` from seeing
    items that did not change.
    """
    if (payload.list_price_minor is None) != (payload.currency is None):
        missing = "currency" if payload.currency is None else "list_price_minor"
        raise Invalid("give list_price_minor and currency together, or neither", field=missing)
    row = find(session, item_sku)
    stamp = clock.now()
    if row is None:
        row = models.Product(item_sku=item_sku, created_at=stamp, version=0)
        session.add(row)
    elif all(getattr(row, name) == getattr(payload, name) for name in _FIELDS):
        return row, False
    for name in _FIELDS:
        setattr(row, name, getattr(payload, name))
    row.updated_at = stamp
    row.version += 1
    session.flush()
    return row, True


def list_products(
    session: Session,
    *,
    offset: int,
    limit: int,
    updated_since: datetime | None = None,
    active: bool | None = None,
) -> tuple[Sequence[models.Product], int]:
    """One page of items in (updated_at, id) order, and how many match in all."""
    conditions: list[sa.ColumnElement[bool]] = []
    if updated_since is not None:
        conditions.append(models.Product.updated_at >= updated_since)
    if active is not None:
        conditions.append(models.Product.active.is_(active))
    total = session.scalar(sa.select(sa.func.count(models.Product.id)).where(*conditions)) or 0
    stmt = (
        sa.select(models.Product)
        .where(*conditions)
        .order_by(models.Product.updated_at, models.Product.id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(stmt)), total


def list_price(session: Session, item_sku: str, currency: str, field: str) -> int:
    """The catalogue price of an item for a line that came without one; Invalid otherwise."""
    row = find(session, item_sku)
    if row is None:
        raise Invalid(f"{item_sku} is not in the catalogue: give a unit price", field=field)
    if not row.active:
        raise Invalid(f"{item_sku} is not sold any more (inactive)", field=field)
    if row.list_price_minor is None or row.currency != currency:
        raise Invalid(f"{item_sku} has no list price in {currency}: give a unit price", field=field)
    return row.list_price_minor
