"""The allocation service: promise open orders stock from the nearest warehouses.

Rules, applied the same way on every run so that results are deterministic:

1. Orders are taken in turn: priority first (URGENT > HIGH > NORMAL > LOW), then customer
   tier (gold > silver > bronze), then the time the order was placed, then its id.
2. Each line, in line order, draws from the warehouses holding its sku with stock, nearest
   first (haversine distance from the ship-to to the warehouse; ties go to the shorter
   lead time, then the warehouse code). A line one warehouse cannot fill is split across
   the next nearest; what no warehouse can give stays backordered.
3. Allocated quantity leaves available-to-promise at once, and is kept per line and
   warehouse (a later run adds to the same row).
4. Each warehouse used is ready in ``lead_time_days + transit_days`` where transit is one
   day plus one per full 500 km of distance; the promised date is the run date plus the
   largest of those over every allocation of the order.
5. The order becomes ALLOCATED (all lines filled), PARTIALLY_ALLOCATED (some quantity
   allocated) or BACKORDERED (none). An order that gains nothing in a run is left as it
   was, so re-running does not churn ``updated_at``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.oms import clock, geo, models
from reference.oms.errors import IllegalTransition
from reference.oms.orders import get_order, touch
from reference.oms.status import OPEN_FOR_ALLOCATION, check_move

PRIORITY_RANK = {"URGENT": 0, "HIGH": 1, "NORMAL": 2, "LOW": 3}
TIER_RANK = {"gold": 0, "silver": 1, "bronze": 2}


@dataclass(frozen=True)
class Result:
    """What one order came out of allocation with."""

    order_id: int
    status: str
    promised_date: date | None
    qty_allocated: int
    qty_backordered: int


def queue(session: Session, order_ids: list[int] | None = None) -> list[int]:
    """Ids of the orders open for allocation, in the order the rules serve them."""
    priority = sa.case(PRIORITY_RANK, value=models.Order.priority, else_=len(PRIORITY_RANK))
    tier = sa.case(TIER_RANK, value=models.Order.customer_tier, else_=len(TIER_RANK))
    stmt = (
        sa.select(models.Order.id)
        .where(models.Order.status.in_(OPEN_FOR_ALLOCATION))
        .order_by(priority, tier, models.Order.ordered_at, models.Order.id)
    )
    if order_ids is not None:
        stmt = stmt.where(models.Order.id.in_(order_ids))
    return list(session.scalars(stmt))


def run(session: Session, as_of: date, order_ids: list[int] | None = None) -> list[Result]:
    """Allocate every open order (or the open ones among ``order_ids``) in rule order."""
    results = []
    for order_id in queue(session, order_ids):
        results.append(allocate(session, get_order(session, order_id), as_of))
    return results


def allocate_one(session: Session, order_id: int, as_of: date) -> Result:
    """Allocate a single order now, whatever its place in the queue."""
    order = get_order(session, order_id)
    if order.status not in OPEN_FOR_ALLOCATION:
        raise IllegalTransition(order.status, "ALLOCATED")
    return allocate(session, order, as_of)


def _sources(session: Session, order: models.Order, sku: str) -> list[tuple[float, models.Atp]]:
    """ATP rows with stock for ``sku``, nearest warehouse first, with their distances."""
    rows = session.scalars(
        sa.select(models.Atp).where(models.Atp.item_sku == sku, models.Atp.qty_available > 0)
    )
    ranked = [
        (
            geo.haversine_km(
                order.ship_to_lat,
                order.ship_to_lon,
                row.warehouse.latitude,
                row.warehouse.longitude,
            ),
            row,
        )
        for row in rows
    ]
    ranked.sort(
        key=lambda pair: (pair[0], pair[1].warehouse.lead_time_days, pair[1].warehouse.code)
    )
    return ranked


def allocate(session: Session, order: models.Order, as_of: date) -> Result:
    """Fill what can be filled of ``order`` and set its status and promised date."""
    gained = 0
    for line in order.lines:
        remaining = line.qty_ordered - line.qty_allocated
        if remaining <= 0:
            continue
        for distance, atp in _sources(session, order, line.item_sku):
            take = min(remaining, atp.qty_available)
            _add_allocation(line, atp, take, distance)
            atp.qty_available -= take
            atp.updated_at = clock.now()
            remaining -= take
            gained += take
            if remaining == 0:
                break
    allocated = sum(line.qty_allocated for line in order.lines)
    ordered = sum(line.qty_ordered for line in order.lines)
    if allocated == ordered:
        target = "ALLOCATED"
    elif allocated == 0:
        target = "BACKORDERED"
    else:
        target = "PARTIALLY_ALLOCATED"
    if gained or target != order.status:
        check_move(order.status, target)
        order.status = target
        ready = [a.ready_days for line in order.lines for a in line.allocations]
        order.promised_date = as_of + timedelta(days=max(ready)) if ready else None
        touch(order)
    session.flush()
    return Result(order.id, order.status, order.promised_date, allocated, ordered - allocated)


def _add_allocation(line: models.OrderLine, atp: models.Atp, qty: int, distance: float) -> None:
    warehouse = atp.warehouse
    for existing in line.allocations:
        if existing.warehouse_id == warehouse.id:
            existing.qty += qty
            break
    else:
        line.allocations.append(
            models.Allocation(
                warehouse_id=warehouse.id,
                warehouse=warehouse,
                qty=qty,
                qty_shipped=0,
                distance_km=round(distance),
                ready_days=warehouse.lead_time_days + geo.transit_days(distance),
                allocated_at=clock.now(),
            )
        )
    line.qty_allocated += qty
