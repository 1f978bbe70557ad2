"""Load the seed world into the WMS: warehouses, locations, items, lots, opening stock."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from reference.seed.world import World
from reference.wms.db import Database
from reference.wms.models import (
    NO_LOT,
    Counter,
    Item,
    Location,
    Lot,
    Movement,
    Stock,
    Warehouse,
    utcnow,
)

log = logging.getLogger(__name__)
SEED_MARK = "seeded"
LOT_SHELF_LIFE_DAYS = 365


def dock_location(whse: str) -> str:
    """The receiving dock every warehouse has (e.g. BER-RCV)."""
    return f"{whse[-3:]}-RCV"


def seed(db_url: str, world: World) -> None:
    """Seed once: a database that was already seeded is left as it is."""
    db = Database(db_url)
    try:
        db.create_all()
        with db.write() as session:
            if session.get(Counter, SEED_MARK) is not None:
                log.info("wms database already seeded; leaving it unchanged")
                return
            _load(session, world)
            session.add(Counter(name=SEED_MARK, value=world.seed))
    finally:
        db.dispose()


def _load(session: sa.orm.Session, world: World) -> None:
    now = utcnow()
    session.execute(
        sa.insert(Warehouse),
        [
            {
                "whse": w.code,
                "name": w.name,
                "city": w.city,
                "country": w.country,
                "gln": w.gln,
                "updated_at": now,
            }
            for w in world.warehouses
        ],
    )
    locations = {(w.code, dock_location(w.code)): "DOCK" for w in world.warehouses}
    for lot in world.stock:
        locations.setdefault((lot.warehouse, lot.location), "STORAGE")
    session.execute(
        sa.insert(Location),
        [
            {"whse": whse, "loc": loc, "loc_type": kind, "updated_at": now}
            for (whse, loc), kind in sorted(locations.items())
        ],
    )
    lotted = {lot.sku for lot in world.stock if lot.lot is not None}
    session.execute(
        sa.insert(Item),
        [
            {
                "item_code": p.sku,
                "descr": p.name,
                "uom": p.uom,
                "gtin": p.gtin,
                "lot_tracked": p.sku in lotted,
                "shelf_life_days": LOT_SHELF_LIFE_DAYS if p.sku in lotted else None,
                "weight_kg": str(p.weight_kg),
                "status": "ACTIVE",
                "updated_at": now,
            }
            for p in world.products
        ],
    )
    # The world gives lots no expiry; spread them over the next year so FEFO has an order.
    lots = sorted({(lot.sku, lot.lot) for lot in world.stock if lot.lot is not None})
    session.execute(
        sa.insert(Lot),
        [
            {
                "item_code": sku,
                "lot_no": lot_no,
                "expiry_date": world.today + timedelta(days=60 + (n * 37) % 300),
                "created_at": now,
            }
            for n, (sku, lot_no) in enumerate(lots)
        ],
    )
    movements: list[dict[str, object]] = []
    stock: list[dict[str, object]] = []
    for lot in world.stock:
        if lot.quantity <= 0:
            continue
        lot_no = lot.lot or NO_LOT
        mvt_id = len(movements) + 1
        movements.append(
            {
                "id": mvt_id,
                "idem_key": f"seed/{lot.warehouse}/{lot.location}/{lot.sku}/{lot_no}",
                "mvt_type": "receipt",
                "reason_code": "OPEN",
                "whse": lot.warehouse,
                "loc": lot.location,
                "item_code": lot.sku,
                "lot_no": lot_no,
                "qty": lot.quantity,
                "alloc_qty": 0,
                "ref_type": "seed",
                "created_by": "seed",
                "created_at": now,
            }
        )
        stock.append(
            {
                "whse": lot.warehouse,
                "loc": lot.location,
                "item_code": lot.sku,
                "lot_no": lot_no,
                "on_hand": lot.quantity,
                "allocated": 0,
                "first_mvt_id": mvt_id,
                "updated_at": now,
            }
        )
    if movements:
        session.execute(sa.insert(Movement), movements)
        session.execute(sa.insert(Stock), stock)
    log.info("wms seeded: %d opening stock movements", len(movements))
