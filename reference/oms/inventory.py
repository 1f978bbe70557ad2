"""Available-to-promise per warehouse and sku, as pushed in by the hub.

Each push carries the pusher's ``as_of_seq``; a push is applied only when its sequence is
greater than the stored one, so a late, stale snapshot cannot overwrite a newer one and a
replayed push changes nothing. Allocation lowers ``qty_available`` at once; cancelling an
order gives unshipped allocated quantity back. A later snapshot replaces the quantity
outright: the pusher is expected to send what the warehouse can still promise.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.oms import clock, models
from reference.oms.errors import Invalid, NotFound


def warehouse_by_code(session: Session, code: str) -> models.Warehouse | None:
    return session.scalars(sa.select(models.Warehouse).where(models.Warehouse.code == code)).first()


def put_atp(
    session: Session,
    warehouse: models.Warehouse,
    sku: str,
    qty_available: int,
    as_of_seq: int,
) -> tuple[models.Atp, bool]:
    """Apply one snapshot; returns (row, applied) where applied is False for a stale push."""
    row = session.scalars(
        sa.select(models.Atp).where(
            models.Atp.warehouse_id == warehouse.id, models.Atp.item_sku == sku
        )
    ).first()
    if row is not None and as_of_seq <= row.as_of_seq:
        return row, False
    if row is None:
        row = models.Atp(warehouse_id=warehouse.id, item_sku=sku, warehouse=warehouse)
        session.add(row)
    row.qty_available = qty_available
    row.as_of_seq = as_of_seq
    row.updated_at = clock.now()
    session.flush()
    return row, True


def put_one(
    session: Session, code: str, sku: str, qty_available: int, as_of_seq: int
) -> tuple[models.Atp, bool]:
    """PUT /inventory/{warehouse}/{sku}: the warehouse must exist."""
    warehouse = warehouse_by_code(session, code)
    if warehouse is None:
        raise NotFound(f"no warehouse {code!r}", field="warehouse")
    return put_atp(session, warehouse, sku, qty_available, as_of_seq)


def put_batch(
    session: Session, updates: list[tuple[str, str, int, int]]
) -> list[tuple[models.Atp, bool]]:
    """Apply (warehouse, sku, qty, seq) snapshots all or nothing; unknown warehouses are 422."""
    codes = {code for code, _sku, _qty, _seq in updates}
    known = {
        w.code: w
        for w in session.scalars(
            sa.select(models.Warehouse).where(models.Warehouse.code.in_(codes))
        )
    }
    for index, (code, _sku, _qty, _seq) in enumerate(updates):
        if code not in known:
            raise Invalid(f"no warehouse {code!r}", field=f"updates.{index}.warehouse")
    return [put_atp(session, known[code], sku, qty, seq) for code, sku, qty, seq in updates]


def get_atp(session: Session, code: str, sku: str) -> models.Atp:
    row = session.scalars(
        sa.select(models.Atp)
        .join(models.Warehouse)
        .where(models.Warehouse.code == code, models.Atp.item_sku == sku)
    ).first()
    if row is None:
        raise NotFound(f"no stock record for {sku!r} in warehouse {code!r}", field="item_sku")
    return row


def list_atp(
    session: Session,
    *,
    offset: int,
    limit: int,
    warehouse: str | None = None,
    item_sku: str | None = None,
    updated_since: datetime | None = None,
) -> tuple[list[models.Atp], int]:
    """One page of ATP rows in (updated_at, id) order, and the total matching."""
    conditions: list[sa.ColumnElement[bool]] = []
    if warehouse is not None:
        conditions.append(models.Warehouse.code == warehouse)
    if item_sku is not None:
        conditions.append(models.Atp.item_sku == item_sku)
    if updated_since is not None:
        conditions.append(models.Atp.updated_at >= updated_since)
    base = sa.select(models.Atp).join(models.Warehouse).where(*conditions)
    total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(
        base.order_by(models.Atp.updated_at, models.Atp.id).offset(offset).limit(limit)
    )
    return list(rows), total
