"""Load the seed world's OMS slice: warehouses, ATP, the ordering customers, open orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from reference.kit.db import make_engine, make_sessionmaker
from reference.oms import clock, geo, models, orders
from reference.oms.schemas import OrderIn
from reference.seed import world as w

BATCH = 1000
T = TypeVar("T")


def _batches(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def seed(db_url: str, world: w.World) -> None:
    """Create the tables and load the world; running it again adds nothing twice."""
    engine = make_engine(db_url)
    models.Base.metadata.create_all(engine)
    try:
        with make_sessionmaker(engine)() as session:
            _seed_warehouses(session, world)
            _seed_atp(session, world)
            for batch in _batches(world.orders()):
                _seed_customers(session, world, batch)
                _seed_orders(session, world, batch)
            session.commit()
    finally:
        engine.dispose()


def _seed_warehouses(session: Session, world: w.World) -> None:
    have = set(session.scalars(sa.select(models.Warehouse.code)))
    rows = [
        {
            "code": wh.code,
            "name": wh.name,
            "city": wh.city,
            "country": wh.country,
            "latitude": wh.latitude,
            "longitude": wh.longitude,
            "lead_time_days": wh.lead_time_days,
            "updated_at": clock.now(),
        }
        for wh in world.warehouses
        if wh.code not in have
    ]
    if rows:
        session.execute(sa.insert(models.Warehouse), rows)


def _seed_atp(session: Session, world: w.World) -> None:
    """Stock lots summed per warehouse and sku, at sequence 0 so any real push wins."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for lot in world.stock:
        totals[(lot.warehouse, lot.sku)] += lot.quantity
    ids = {
        code: wid
        for code, wid in session.execute(sa.select(models.Warehouse.code, models.Warehouse.id))
    }
    have = set(
        (wid, sku)
        for wid, sku in session.execute(sa.select(models.Atp.warehouse_id, models.Atp.item_sku))
    )
    rows: list[dict[str, Any]] = []
    for (code, sku), qty in sorted(totals.items()):
        if (ids[code], sku) in have:
            continue
        rows.append(
            {
                "warehouse_id": ids[code],
                "item_sku": sku,
                "qty_available": qty,
                "as_of_seq": 0,
                "updated_at": clock.now(),
            }
        )
    for batch in _batches(rows):
        session.execute(sa.insert(models.Atp), batch)


def _seed_customers(session: Session, world: w.World, batch: list[w.Order]) -> None:
    """Only the customers who ordered: the OMS ranks buyers, it is not the customer master."""
    wanted = {o.customer_number for o in batch}
    have = set(
        session.scalars(
            sa.select(models.Customer.customer_ref).where(models.Customer.customer_ref.in_(wanted))
        )
    )
    rows = []
    for number in sorted(wanted - have):
        customer = world.customer(int(number[1:]) - 100000)
        rows.append(
            {
                "customer_ref": customer.number,
                "name": customer.legal_name,
                "tier": customer.tier,
                "country": customer.country,
                "updated_at": clock.now(),
            }
        )
    if rows:
        session.execute(sa.insert(models.Customer), rows)


def _seed_orders(session: Session, world: w.World, batch: list[w.Order]) -> None:
    for order in batch:
        customer = world.customer(int(order.customer_number[1:]) - 100000)
        address = next((a for a in customer.addresses if a.role == "ship_to"), None)
        address = address or customer.addresses[0]
        spot = geo.locate(address.city, address.country)
        assert spot is not None, f"no coordinates for country {address.country}"
        payload = OrderIn.model_validate(
            {
                "channel": order.channel.upper(),
                "channel_order_ref": order.number,
                "customer_ref": order.customer_number,
                "customer_tier": customer.tier,
                "priority": order.priority.upper(),
                "ordered_at": order.order_date,
                "requested_date": order.requested_date,
                "currency": order.currency,
                "ship_to": {
                    "name": customer.legal_name,
                    "line1": address.line1.replace("\n", ", "),
                    "city": address.city,
                    "postal_code": address.postal_code,
                    "country": address.country,
                    "latitude": spot[0],
                    "longitude": spot[1],
                },
                "lines": [
                    {
                        "line_no": n,
                        "item_sku": line.sku,
                        "qty": line.quantity,
                        "unit_price_minor": _minor(line.unit_price),
                    }
                    for n, line in enumerate(order.lines, start=1)
                ],
            }
        )
        orders.create_order(session, payload)


def _minor(amount: Decimal) -> int:
    """Cents of a two-decimal amount, refusing to round a sub-cent value away."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"amount {amount} has more than two decimals")
    return int(cents)
