"""Load the world's ERP slice: materials with BOMs and prices, procurement, then customers."""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from reference.erp.app import services
from reference.erp.db import Base
from reference.erp.models import BomComponent, Customer, Item, PriceListEntry
from reference.erp.sales.rules import DEFAULT_PRICE_LIST, money
from reference.kit.db import make_engine
from reference.seed.world import Customer as WorldCustomer
from reference.seed.world import World

BATCH = 1000
PROCUREMENT_SEED = "reference.erp.procurement.seed_procurement"
Rows = list[dict[str, Any]]
TERMS = {"NET30": "Z030", "NET14": "Z014", "NET60": "Z060", "COD": "Z000"}
# Fixed conversion for the seeded list prices in the other currencies customers order in.
PRICE_CURRENCIES = {"EUR": Decimal("1"), "GBP": Decimal("0.85"), "USD": Decimal("1.08")}


def _insert_ignoring_existing(conn: Connection, table: sa.Table, rows: Rows) -> None:
    """Bulk insert that skips rows already there, so seeding twice is harmless."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        conn.execute(sqlite.insert(table).on_conflict_do_nothing(), rows)
    elif conn.dialect.name == "postgresql":
        conn.execute(postgresql.insert(table).on_conflict_do_nothing(), rows)
    else:
        conn.execute(sa.insert(table), rows)


def customer_row(c: WorldCustomer, now: datetime) -> dict[str, Any]:
    """A world customer as an ERP customer row, with the ERP's own dirty name."""
    bill = next(a for a in c.addresses if a.role == "bill_to")
    return {
        "customer_no": c.number,
        "name1": c.erp_name[:80],
        "name2": None,
        "street": bill.line1[:80],
        "postal_code": bill.postal_code,
        "city": bill.city[:60],
        "country_key": c.country,
        "vat_reg_no": c.tax_id,
        "telephone": c.phone,
        "email": c.email,
        "currency": c.currency,
        "payment_terms_key": TERMS[c.payment_terms],
        "credit_limit": money(c.credit_limit),
        "order_block": "",
        "changed_at": now,
    }


def customer_chunk(world: World, start: int, stop: int, now: datetime) -> Rows:
    """Rows for the ERP's customers among world indices ``start``..``stop``."""
    return [customer_row(c, now) for c in world.customers(start, stop) if c.in_erp]


def _chunk_in_worker(
    seed: int, size: str, today: date, start: int, stop: int, now: datetime
) -> Rows:
    return customer_chunk(World(seed=seed, size=size, today=today), start, stop, now)


def customer_batches(world: World, now: datetime, workers: int) -> Iterator[Rows]:
    """The ERP's customers in index order, about BATCH per list.

    Building a customer (Faker) costs far more than inserting it, so a big world is built
    in worker processes, at most two chunks per worker ahead of the inserts
    (REF_SEED_WORKERS=1 turns that off).
    """
    starts = range(0, world.customer_count, BATCH)
    forking = "fork" in multiprocessing.get_all_start_methods()
    if workers <= 1 or world.customer_count <= 5 * BATCH or not forking:
        for start in starts:
            yield customer_chunk(world, start, start + BATCH, now)
        return
    # fork, not spawn: spawn re-runs the caller's main module, which scripts rarely guard.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[Rows]] = deque()
        for start in starts:
            pending.append(
                pool.submit(
                    _chunk_in_worker,
                    world.seed,
                    world.size,
                    world.today,
                    start,
                    start + BATCH,
                    now,
                )
            )
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _seed_items(conn: Connection, world: World, now: datetime) -> None:
    items: Rows = []
    boms: Rows = []
    prices: Rows = []
    for p in world.products:
        items.append(
            {
                "material_no": p.sku,
                "description": p.name[:120],
                "base_uom": "ST",
                "gross_weight_g": int(p.weight_kg * 1000),
                "material_group": p.category.upper(),
                "procurement_type": "E" if p.kind == "finished" else "F",
                "reorder_point": Decimal(p.reorder_point),
                "reorder_qty": Decimal(p.reorder_quantity),
                "lead_time_days": p.lead_time_days,
                "gtin": p.gtin,
                "status": "A",
                "changed_at": now,
            }
        )
        boms.extend(
            {
                "parent_material_no": p.sku,
                "component_material_no": line.component_sku,
                "quantity": line.quantity,
            }
            for line in p.bom
        )
        prices.extend(
            {
                "material_no": p.sku,
                "price_list": DEFAULT_PRICE_LIST,
                "currency": currency,
                "amount": money(p.list_price * rate),
                "price_unit": 1,
                "valid_from": world.today,
                "changed_at": now,
            }
            for currency, rate in PRICE_CURRENCIES.items()
        )
    _insert_ignoring_existing(conn, Item.__table__, items)  # type: ignore[arg-type]
    _insert_ignoring_existing(conn, BomComponent.__table__, boms)  # type: ignore[arg-type]
    _insert_ignoring_existing(conn, PriceListEntry.__table__, prices)  # type: ignore[arg-type]


def _procurement_seeder() -> Callable[[Connection, World, datetime], None] | None:
    """Procurement's seeding step (plants, vendors, stock) when that package is present."""
    try:
        module = importlib.import_module(PROCUREMENT_SEED)
    except ModuleNotFoundError as exc:
        if exc.name not in (PROCUREMENT_SEED, "reference.erp.procurement"):
            raise
        return None
    seeder: Callable[[Connection, World, datetime], None] = module.seed_procurement
    return seeder


def seed(db_url: str, world: World) -> None:
    """Create the tables and load materials, BOMs, prices and the ERP's customers."""
    services()  # registers every service's tables before create_all
    engine = make_engine(db_url)
    try:
        Base.metadata.create_all(engine)
        now = datetime.now(UTC)
        with engine.begin() as conn:
            _seed_items(conn, world, now)
            procurement = _procurement_seeder()
            if procurement is not None:
                procurement(conn, world, now)
        workers = int(os.environ.get("REF_SEED_WORKERS", os.cpu_count() or 1))
        for batch in customer_batches(world, now, workers):
            with engine.begin() as conn:
                _insert_ignoring_existing(conn, Customer.__table__, batch)  # type: ignore[arg-type]
    finally:
        engine.dispose()
