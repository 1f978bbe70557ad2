"""Load the world's procurement slice: plants, vendors, source list, opening stock.

The ERP seed calls :func:`seed_procurement` inside its transaction after the materials
are in (source list and stock refer to them); :func:`seed` does the same on its own.
Seeding twice is harmless: rows already present are kept.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from reference.erp.db import Base
from reference.erp.models.master import Item
from reference.erp.procurement.models import (
    NumberRange,
    Plant,
    SourceListEntry,
    StockLevel,
    StockSnapshotState,
    Vendor,
)
from reference.erp.procurement.numbers import RANGE_START
from reference.kit.db import make_engine
from reference.seed.world import World

Rows = list[dict[str, Any]]
# Suppliers the SRM has blocked or suspended carry the ERP posting block; prospects are
# not in the ERP at all until the SRM approves them.
BLOCKED_STATUSES = ("blocked", "suspended")


def plant_code(index: int) -> str:
    """The ERP plant of the world's ``index``-th warehouse: 1000, 1100, 1200, ..."""
    return f"{1000 + 100 * index}"


def vendor_no(index: int) -> str:
    """The ERP vendor number of the world's ``index``-th supplier."""
    return f"{RANGE_START['VENDOR'] + 1 + index:010d}"


def _insert_new(conn: Connection, table: Any, rows: Rows) -> None:
    """Bulk insert skipping rows whose key exists already."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        conn.execute(sqlite.insert(table).on_conflict_do_nothing(), rows)
    elif conn.dialect.name == "postgresql":
        conn.execute(postgresql.insert(table).on_conflict_do_nothing(), rows)
    else:
        conn.execute(sa.insert(table), rows)


def seed_procurement(conn: Connection, world: World, now: datetime) -> None:
    """Insert plants, vendors, the source list and an opening stock snapshot."""
    plants = {wh.code: plant_code(i) for i, wh in enumerate(world.warehouses)}
    _insert_new(
        conn,
        Plant.__table__,
        [
            {"plant": plants[wh.code], "name1": wh.name, "city": wh.city, "country_key": wh.country}
            for wh in world.warehouses
        ],
    )
    vendors: Rows = []
    sources: Rows = []
    known = set(conn.execute(sa.select(Item.material_no)).scalars())
    rank: dict[str, int] = defaultdict(int)
    for index, supplier in enumerate(world.suppliers):
        if supplier.status == "prospect":
            continue
        number = vendor_no(index)
        vendors.append(
            {
                "vendor_no": number,
                "name1": supplier.name[:80],
                "country_key": supplier.country,
                "vat_reg_no": supplier.tax_id,
                "posting_block": supplier.status in BLOCKED_STATUSES,
                "payment_terms_key": "Z030",
                "currency": supplier.currency,
                "external_ref": supplier.number,
                "created_at": now,
                "changed_at": now,
            }
        )
        for sku in supplier.skus:
            if sku in known:
                rank[sku] += 1
                sources.append({"material_no": sku, "vendor_no": number, "priority": rank[sku]})
    _insert_new(conn, Vendor.__table__, vendors)
    _insert_new(conn, SourceListEntry.__table__, sources)
    _insert_new(
        conn,
        NumberRange.__table__,
        [{"object": "VENDOR", "last_no": RANGE_START["VENDOR"] + len(world.suppliers)}],
    )
    _seed_stock(conn, world, plants, known, now)


def _seed_stock(
    conn: Connection, world: World, plants: dict[str, str], known: set[str], now: datetime
) -> None:
    # The opening snapshot counts as of the start of the world's day, sequence 0, so that
    # any snapshot the hub sends later that day is newer.
    as_of = datetime.combine(world.today, time.min, UTC)
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for lot in world.stock:
        if lot.sku in known:
            totals[(lot.sku, plants[lot.warehouse])] += Decimal(lot.quantity)
    _insert_new(
        conn,
        StockLevel.__table__,
        [
            {
                "material_no": sku,
                "plant": plant,
                "unrestricted": qty,
                "allocated": Decimal(0),
                "as_of": as_of,
                "changed_at": now,
            }
            for (sku, plant), qty in sorted(totals.items())
        ],
    )
    _insert_new(
        conn,
        StockSnapshotState.__table__,
        [
            {"plant": plant, "sequence": 0, "as_of": as_of, "changed_at": now}
            for plant in sorted(plants.values())
        ],
    )


def seed(db_url: str, world: World) -> None:
    """Create the tables and seed procurement alone (materials must already be there)."""
    engine = make_engine(db_url)
    try:
        Base.metadata.create_all(engine)
        with engine.begin() as conn:
            seed_procurement(conn, world, datetime.now(UTC))
    finally:
        engine.dispose()
